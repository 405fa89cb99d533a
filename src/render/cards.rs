//! The cards: each entity's summary as lists, other pages and the `site`
//! value show it, made once per run before any page and shared by all of
//! them; and `site`, the value every template gets.

use std::sync::Arc;

use super::assets::AssetsView;
use super::views::track_view;
use super::views::{
    CategoryView, LinkView, MenuItem, PathView, PhaseCard, RoleCard, SalaryColumn, SalaryView,
    SiteView, SkillCard,
};
use super::{diagrams, format};
use crate::content::{Kind, Salary};
use crate::resolve::timeline::{Weeks, duration_label_in};
use crate::resolve::{PageRef, Site};

/// Builds the cards once; pages then borrow from them.
pub struct Cards {
    pub skills: Vec<Arc<SkillCard>>,
    pub roles: Vec<RoleCard>,
    pub phases: Vec<PhaseCard>,
    /// The skills each phase builds, by phase index.
    /// Shared with the site view's tracks, which list every phase's skills.
    pub phase_skills: Vec<Arc<Vec<LinkView>>>,
    pub pages: Vec<LinkView>,
    pub columns: Vec<SalaryColumn>,
}

pub fn link(site: &Site, r: PageRef) -> LinkView {
    let doc = site.doc(r);
    LinkView {
        slug: doc.map(|d| d.slug.to_string()).unwrap_or_default(),
        title: doc.map(|d| d.title.clone()).unwrap_or_default(),
        url: site.path(r),
        summary: doc.and_then(|d| d.summary.clone()),
    }
}

fn salary_view(site: &Site, s: &Salary) -> SalaryView {
    SalaryView {
        region: s.region.clone(),
        currency: s.currency.clone(),
        label: format::salary_in(s, &site.config.labels),
        min: s.min,
        max: s.max,
        open_ended: s.open_ended,
        source: s.source.and_then(|i| site.config.sources.get(i).cloned()),
        source_number: s.source.map(|i| i + 1),
    }
}

/// The cards of every entity, made on every core before any page, so
/// that pages share them instead of each making its own.
pub fn cards(site: &Site) -> Cards {
    use rayon::prelude::*;
    let skills = || {
        (0..site.skills.len())
            .into_par_iter()
            .map(|i| skill_card(site, i))
            .collect()
    };
    let columns = salary_columns(site);
    let (skills, (roles, (phase_skills, phases))) = rayon::join(skills, || {
        rayon::join(
            || {
                (0..site.roles.len())
                    .into_par_iter()
                    .map(|i| role_card(site, &columns, i))
                    .collect()
            },
            || {
                let phase_skills: Vec<Arc<Vec<LinkView>>> = (0..site.phases.len())
                    .into_par_iter()
                    .map(|i| phase_skills(site, i))
                    .collect();
                let phases = (0..site.phases.len())
                    .into_par_iter()
                    .map(|i| phase_card(site, &phase_skills, i))
                    .collect();
                (phase_skills, phases)
            },
        )
    });
    let pages = (0..site.pages.len())
        .map(|i| link(site, PageRef::Entity(Kind::Page, i)))
        .collect();
    Cards {
        phase_skills,
        skills,
        roles,
        phases,
        pages,
        columns,
    }
}

fn skill_card(site: &Site, i: usize) -> Arc<SkillCard> {
    let s = &site.skills[i];
    let cat = &site.config.categories[s.category];
    Arc::new(SkillCard {
        link: link(site, PageRef::Entity(Kind::Skill, i)),
        category: cat.id.clone(),
        category_title: cat.title.clone(),
        difficulty: s.difficulty.name(),
        applies: s.applies.clone(),
        impact: s.impact.clone(),
        tools: s.tools.clone(),
        requires: site.skill_relations[i]
            .prerequisites
            .iter()
            .map(|&p| site.skills[p].doc.slug.as_str().to_string())
            .collect(),
        extra: s.doc.extra.clone(),
    })
}

fn role_card(site: &Site, columns: &[SalaryColumn], i: usize) -> RoleCard {
    let r = &site.roles[i];
    let salaries: Vec<SalaryView> = r.salary.iter().map(|s| salary_view(site, s)).collect();
    let salary_cells = columns
        .iter()
        .map(|c| {
            salaries
                .iter()
                .filter(|s| s.region == c.region && s.currency == c.currency)
                .cloned()
                .collect()
        })
        .collect();
    let needed = &site.role_relations[i].skills;
    let top = needed.first().map(|(_, p)| *p);
    RoleCard {
        link: link(site, PageRef::Entity(Kind::Role, i)),
        level: r.level,
        experience: r
            .experience
            .as_ref()
            .map(|e| format::experience(e, &site.config.labels)),
        responsibilities: r.responsibilities.clone(),
        salaries,
        salary_cells,
        key_skills: needed
            .iter()
            .filter(|(_, p)| Some(*p) == top)
            .map(|(s, _)| link(site, PageRef::Entity(Kind::Skill, *s)))
            .collect(),
        skill_slugs: needed
            .iter()
            .map(|(s, _)| site.skills[*s].doc.slug.to_string())
            .collect(),
        extra: r.doc.extra.clone(),
    }
}

fn phase_skills(site: &Site, i: usize) -> Arc<Vec<LinkView>> {
    site.phases[i]
        .skills
        .iter()
        .filter_map(|s| site.find(Kind::Skill, s.get_ref()))
        .map(|s| link(site, PageRef::Entity(Kind::Skill, s)))
        .collect::<Vec<_>>()
        .into()
}

fn phase_card(site: &Site, phase_skills: &[Arc<Vec<LinkView>>], i: usize) -> PhaseCard {
    let p = &site.phases[i];
    let rel = &site.phase_relations[i];
    let unit = site.unit_of_track(p.track);
    let labels = &site.config.labels;
    let offset = |w: Option<Weeks>| w.map(|w| w.label_in(unit, labels));
    PhaseCard {
        link: link(site, PageRef::Entity(Kind::Phase, i)),
        order: *p.order.get_ref(),
        track: site.config.tracks[p.track].id.clone(),
        duration: p.duration.as_ref().map(|d| duration_label_in(d, labels)),
        starts: offset(rel.start),
        ends: offset(rel.end),
        focus: p.focus.clone(),
        skill_count: phase_skills.get(i).map_or(0, |s| s.len()),
        extra: p.doc.extra.clone(),
    }
}

/// Distinct (region, currency) pairs in order of first appearance down the
/// ladder, so each salary column holds one currency.
pub fn salary_columns(site: &Site) -> Vec<SalaryColumn> {
    let mut out: Vec<SalaryColumn> = Vec::new();
    for r in &site.roles {
        for s in &r.salary {
            if !out
                .iter()
                .any(|c| c.region == s.region && c.currency == s.currency)
            {
                out.push(SalaryColumn {
                    region: s.region.clone(),
                    currency: s.currency.clone(),
                    title: format!("{} ({})", s.region, s.currency),
                });
            }
        }
    }
    out
}

/// Category `ci` without its skills, for a caller that has them already.
pub fn category_shell(site: &Site, ci: usize) -> CategoryView {
    let cat = &site.config.categories[ci];
    CategoryView {
        id: cat.id.clone(),
        title: cat.title.clone(),
        skills: Vec::new(),
    }
}

/// The skills of category `ci`, in their order.
pub fn category_skills(site: &Site, ci: usize) -> impl Iterator<Item = usize> + '_ {
    site.skills
        .iter()
        .enumerate()
        .filter(move |(_, s)| s.category == ci)
        .map(|(i, _)| i)
}

pub fn site_view(site: &Site, cards: &Cards, assets: AssetsView) -> SiteView {
    let c = &site.config;
    let categories = (0..c.categories.len())
        .map(|ci| CategoryView {
            skills: category_skills(site, ci)
                .map(|i| cards.skills[i].clone())
                .collect(),
            ..category_shell(site, ci)
        })
        .collect();
    let tracks = (0..site.tracks.len())
        .map(|i| track_view(site, cards, i, None))
        .collect();
    SiteView {
        title: c.title.clone(),
        description: c.description.clone(),
        base_url: c.base_url.clone(),
        base_path: c.base_path.clone(),
        language: c.language.clone(),
        menu: menu(site, cards),
        categories,
        roles: cards.roles.clone(),
        salary_columns: cards.columns.clone(),
        salary_charts: diagrams::salary_charts(cards, &c.labels),
        tracks,
        paths: c
            .paths
            .iter()
            .enumerate()
            .map(|(p, named)| PathView {
                id: named.id.clone(),
                title: named.title.clone(),
                roles: site
                    .roles
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.paths.contains(&p))
                    .map(|(i, _)| cards.roles[i].link.clone())
                    .collect(),
            })
            .collect(),
        pages: cards.pages.clone(),
        sources: c.sources.clone(),
        extra: c.extra.clone(),
        labels: c.labels.clone(),
        skill_count: site.skills.len(),
        search: c.search,
        print: super::print::made(site),
        generator: format!("roadbook {}", env!("CARGO_PKG_VERSION")),
        assets,
    }
}

/// The sections, then the free pages that ask to be in the menu.
pub fn menu(site: &Site, cards: &Cards) -> Vec<MenuItem> {
    let labels = &site.config.labels;
    let mut menu: Vec<MenuItem> = [
        ("skills", "skills/"),
        ("roles", "roles/"),
        ("roadmaps", "phases/"),
        ("matrix", "matrix/"),
    ]
    .into_iter()
    .map(|(key, url)| MenuItem {
        title: labels.get(key).to_string(),
        url: url.into(),
    })
    .collect();
    for (i, p) in site.pages.iter().enumerate() {
        if p.in_menu {
            menu.push(MenuItem {
                title: p.doc.title.clone(),
                url: cards.pages[i].url.clone(),
            });
        }
    }
    menu
}
