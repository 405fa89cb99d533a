//! The view models templates see: one `Serialize` struct per page kind,
//! plus the site-wide `site` value put into Tera's global context once.
//!
//! Templates receive site-root-relative URLs (`skills/databases/`) and a
//! `root` prefix per page (`../../`), and write `{{ root }}{{ x.url }}`.
//! Every field is documented in docs/templates.md; a test renders every
//! built-in template, so renaming a field here fails CI until the
//! templates follow.

use serde::Serialize;

use super::format;
use crate::config::Source;
use crate::content::{Kind, Resource, Salary};
use crate::markdown::TocEntry;
use crate::resolve::timeline::{Weeks, duration_label};
use crate::resolve::{PageRef, Site};

/// A link to an entity, with what a list or card needs.
#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    pub slug: String,
    pub title: String,
    pub url: String,
    pub summary: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SalaryView {
    pub region: String,
    pub currency: String,
    /// Ready to show: `₹15–25+ LPA`, `$120k+`.
    pub label: String,
    pub min: u64,
    pub max: Option<u64>,
    pub open_ended: bool,
    pub source: Option<Source>,
}

/// A skill as lists, tables and its own page show it.
#[derive(Debug, Clone, Serialize)]
pub struct SkillCard {
    #[serde(flatten)]
    pub link: LinkView,
    pub category: String,
    pub category_title: String,
    pub difficulty: &'static str,
    pub applies: Option<String>,
    pub impact: Option<String>,
    pub tools: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoleCard {
    #[serde(flatten)]
    pub link: LinkView,
    pub level: u8,
    pub experience: Option<String>,
    pub responsibilities: Vec<String>,
    pub salaries: Vec<SalaryView>,
    /// Slugs of every skill the role needs, for progress counting.
    pub skill_slugs: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PhaseCard {
    #[serde(flatten)]
    pub link: LinkView,
    pub order: i64,
    pub track: String,
    pub duration: Option<String>,
    /// Offsets from the start of the track, in the track's unit.
    pub starts: Option<String>,
    pub ends: Option<String>,
    pub focus: Vec<String>,
    pub skills: Vec<LinkView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CategoryView {
    pub id: String,
    pub title: String,
    pub skills: Vec<SkillCard>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrackView {
    pub id: String,
    pub title: String,
    pub url: String,
    pub total: Option<String>,
    pub phases: Vec<PhaseCard>,
    /// Slugs of every skill the track builds, for progress counting.
    pub skill_slugs: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MenuItem {
    pub title: String,
    pub url: String,
}

/// The `site` global: settings, navigation and every entity as a card, so
/// overview pages need no per-page data.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    pub base_url: String,
    pub base_path: String,
    pub language: String,
    pub menu: Vec<MenuItem>,
    pub categories: Vec<CategoryView>,
    pub roles: Vec<RoleCard>,
    pub tracks: Vec<TrackView>,
    pub pages: Vec<LinkView>,
    pub sources: Vec<Source>,
    pub skill_count: usize,
    pub generator: String,
}

/// What every page has, whatever its kind.
#[derive(Debug, Clone, Serialize)]
pub struct PageMeta {
    /// `home`, `skill`, `role`, `phase`, `page`, `skills`, `roles`,
    /// `phases`, `track`, `matrix`, `redirect`, `404`.
    pub kind: &'static str,
    pub title: String,
    pub description: String,
    /// Site-root-relative path of this page.
    pub url: String,
    /// Absolute URL from `base_url`.
    pub canonical: String,
    pub body: String,
    pub toc: Vec<TocEntry>,
    pub backlinks: Vec<LinkView>,
    pub edit_url: Option<String>,
    /// The section this page belongs to, for highlighting the navigation.
    pub section: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoleNeed {
    #[serde(flatten)]
    pub role: LinkView,
    pub level: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct SkillView {
    #[serde(flatten)]
    pub card: SkillCard,
    pub resources: Vec<Resource>,
    pub aliases: Vec<String>,
    pub prerequisites: Vec<LinkView>,
    pub unlocks: Vec<LinkView>,
    pub related: Vec<LinkView>,
    pub roles: Vec<RoleNeed>,
    pub phases: Vec<PhaseCard>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SkillGroup {
    /// `expert`, `proficient` or `familiar`.
    pub level: &'static str,
    pub skills: Vec<LinkView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoleView {
    #[serde(flatten)]
    pub card: RoleCard,
    pub skill_groups: Vec<SkillGroup>,
    pub previous: Option<LinkView>,
    pub next: Option<LinkView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PhaseView {
    #[serde(flatten)]
    pub card: PhaseCard,
    pub track_title: String,
    pub track_url: String,
    pub track_total: Option<String>,
    /// Slugs of the skills the phase builds, for progress counting.
    pub skill_slugs: Vec<String>,
    pub previous: Option<LinkView>,
    pub next: Option<LinkView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MatrixRow {
    pub skill: LinkView,
    pub category_title: String,
    /// One cell per role in `site.roles` order: a level name or empty.
    pub cells: Vec<&'static str>,
}

/// Builds the cards once; pages then borrow from them.
pub struct Cards {
    pub skills: Vec<SkillCard>,
    pub roles: Vec<RoleCard>,
    pub phases: Vec<PhaseCard>,
    pub pages: Vec<LinkView>,
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
        label: format::salary(s),
        min: s.min,
        max: s.max,
        open_ended: s.open_ended,
        source: s.source.and_then(|i| site.config.sources.get(i).cloned()),
    }
}

pub fn cards(site: &Site) -> Cards {
    let skills = site
        .skills
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let cat = &site.config.categories[s.category];
            SkillCard {
                link: link(site, PageRef::Entity(Kind::Skill, i)),
                category: cat.id.clone(),
                category_title: cat.title.clone(),
                difficulty: s.difficulty.name(),
                applies: s.applies.clone(),
                impact: s.impact.clone(),
                tools: s.tools.clone(),
            }
        })
        .collect();
    let roles = site
        .roles
        .iter()
        .enumerate()
        .map(|(i, r)| RoleCard {
            link: link(site, PageRef::Entity(Kind::Role, i)),
            level: r.level,
            experience: r.experience.as_ref().map(format::experience),
            responsibilities: r.responsibilities.clone(),
            salaries: r.salary.iter().map(|s| salary_view(site, s)).collect(),
            skill_slugs: site.role_relations[i]
                .skills
                .iter()
                .map(|(s, _)| site.skills[*s].doc.slug.to_string())
                .collect(),
        })
        .collect();
    let phases = site
        .phases
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let rel = &site.phase_relations[i];
            let unit = site
                .tracks
                .iter()
                .find(|t| t.config == p.track)
                .map(|t| t.unit)
                .unwrap_or(crate::content::Unit::Months);
            let offset = |w: Option<Weeks>| w.map(|w| w.label(unit));
            PhaseCard {
                link: link(site, PageRef::Entity(Kind::Phase, i)),
                order: *p.order.get_ref(),
                track: site.config.tracks[p.track].id.clone(),
                duration: p.duration.as_ref().map(duration_label),
                starts: offset(rel.start),
                ends: offset(rel.end),
                focus: p.focus.clone(),
                skills: p
                    .skills
                    .iter()
                    .filter_map(|s| site.find(Kind::Skill, s.get_ref()))
                    .map(|s| link(site, PageRef::Entity(Kind::Skill, s)))
                    .collect(),
            }
        })
        .collect();
    let pages = (0..site.pages.len())
        .map(|i| link(site, PageRef::Entity(Kind::Page, i)))
        .collect();
    Cards {
        skills,
        roles,
        phases,
        pages,
    }
}

pub fn site_view(site: &Site, cards: &Cards) -> SiteView {
    let c = &site.config;
    let categories = c
        .categories
        .iter()
        .enumerate()
        .map(|(ci, cat)| CategoryView {
            id: cat.id.clone(),
            title: cat.title.clone(),
            skills: site
                .skills
                .iter()
                .enumerate()
                .filter(|(_, s)| s.category == ci)
                .map(|(i, _)| cards.skills[i].clone())
                .collect(),
        })
        .collect();
    let tracks = (0..site.tracks.len())
        .map(|i| site_view_track(site, cards, i))
        .collect();
    let mut menu = vec![
        MenuItem {
            title: "Skills".into(),
            url: "skills/".into(),
        },
        MenuItem {
            title: "Roles".into(),
            url: "roles/".into(),
        },
        MenuItem {
            title: "Roadmaps".into(),
            url: "phases/".into(),
        },
        MenuItem {
            title: "Matrix".into(),
            url: "matrix/".into(),
        },
    ];
    for (i, p) in site.pages.iter().enumerate() {
        if p.in_menu {
            menu.push(MenuItem {
                title: p.doc.title.clone(),
                url: cards.pages[i].url.clone(),
            });
        }
    }
    SiteView {
        title: c.title.clone(),
        description: c.description.clone(),
        base_url: c.base_url.clone(),
        base_path: c.base_path.clone(),
        language: c.language.clone(),
        menu,
        categories,
        roles: cards.roles.clone(),
        tracks,
        pages: cards.pages.clone(),
        sources: c.sources.clone(),
        skill_count: site.skills.len(),
        generator: format!("roadbook {}", env!("CARGO_PKG_VERSION")),
    }
}

pub fn skill_view(site: &Site, cards: &Cards, i: usize) -> SkillView {
    let s = &site.skills[i];
    let rel = &site.skill_relations[i];
    let skill = |j: &usize| cards.skills[*j].link.clone();
    SkillView {
        card: cards.skills[i].clone(),
        resources: s.resources.clone(),
        aliases: s.aliases.iter().map(|a| a.get_ref().to_string()).collect(),
        prerequisites: rel.prerequisites.iter().map(skill).collect(),
        unlocks: rel.unlocks.iter().map(skill).collect(),
        related: rel.related.iter().map(skill).collect(),
        roles: rel
            .roles
            .iter()
            .map(|(r, p)| RoleNeed {
                role: cards.roles[*r].link.clone(),
                level: p.name(),
            })
            .collect(),
        phases: rel
            .phases
            .iter()
            .map(|&p| cards.phases[p].clone())
            .collect(),
    }
}

pub fn role_view(site: &Site, cards: &Cards, i: usize) -> RoleView {
    let rel = &site.role_relations[i];
    let mut groups: Vec<SkillGroup> = Vec::new();
    for (s, p) in &rel.skills {
        let level = p.name();
        match groups.last_mut() {
            Some(g) if g.level == level => g.skills.push(cards.skills[*s].link.clone()),
            _ => groups.push(SkillGroup {
                level,
                skills: vec![cards.skills[*s].link.clone()],
            }),
        }
    }
    RoleView {
        card: cards.roles[i].clone(),
        skill_groups: groups,
        previous: rel.previous.map(|r| cards.roles[r].link.clone()),
        next: rel.next.map(|r| cards.roles[r].link.clone()),
    }
}

pub fn phase_view(site: &Site, cards: &Cards, i: usize) -> PhaseView {
    let p = &site.phases[i];
    let rel = &site.phase_relations[i];
    let named = &site.config.tracks[p.track];
    let total = site
        .tracks
        .iter()
        .find(|t| t.config == p.track)
        .and_then(|t| t.total.map(|w| w.label(t.unit)));
    PhaseView {
        card: cards.phases[i].clone(),
        track_title: named.title.clone(),
        track_url: format!("tracks/{}/", named.id),
        track_total: total,
        skill_slugs: cards.phases[i]
            .skills
            .iter()
            .map(|s| s.slug.clone())
            .collect(),
        previous: rel.previous.map(|j| cards.phases[j].link.clone()),
        next: rel.next.map(|j| cards.phases[j].link.clone()),
    }
}

pub fn matrix_rows(site: &Site, cards: &Cards) -> Vec<MatrixRow> {
    site.skills
        .iter()
        .enumerate()
        .map(|(i, _)| {
            let mut cells = vec![""; site.roles.len()];
            for (r, p) in &site.skill_relations[i].roles {
                cells[*r] = p.name();
            }
            MatrixRow {
                skill: cards.skills[i].link.clone(),
                category_title: cards.skills[i].category_title.clone(),
                cells,
            }
        })
        .collect()
}

/// One track as its own page shows it.
pub fn site_view_track(site: &Site, cards: &Cards, i: usize) -> TrackView {
    let t = &site.tracks[i];
    let named = &site.config.tracks[t.config];
    let mut skill_slugs: Vec<String> = t
        .phases
        .iter()
        .flat_map(|&p| cards.phases[p].skills.iter().map(|s| s.slug.clone()))
        .collect();
    skill_slugs.sort();
    skill_slugs.dedup();
    TrackView {
        id: named.id.clone(),
        title: named.title.clone(),
        url: format!("tracks/{}/", named.id),
        total: t.total.map(|w| w.label(t.unit)),
        phases: t.phases.iter().map(|&p| cards.phases[p].clone()).collect(),
        skill_slugs,
    }
}
