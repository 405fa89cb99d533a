//! The view models templates see: one `Serialize` struct per page kind,
//! plus the site-wide `site` value put into Tera's global context once.
//!
//! Templates receive site-root-relative URLs (`skills/databases/`) and a
//! `root` prefix per page (`../../`), and write `{{ root }}{{ x.url }}`.
//! Every field is documented in docs/templates.md; a test renders every
//! built-in template, so renaming a field here fails CI until the
//! templates follow.

use std::sync::Arc;

use rustc_hash::FxHashMap;
use serde::Serialize;

use super::assets::AssetsView;
use super::{charts, format};
use crate::config::Source;
use crate::content::{Kind, Resource, Salary};
use crate::git::Timestamp;
use crate::markdown::TocEntry;
use crate::resolve::timeline::{Weeks, duration_label};
use crate::resolve::{PageRef, Site};

/// A link to an entity, with what a list or card needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LinkView {
    pub slug: String,
    pub title: String,
    pub url: String,
    pub summary: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SalaryView {
    pub region: String,
    pub currency: String,
    /// Ready to show: `₹15–25+ LPA`, `$120k+`.
    pub label: String,
    pub min: u64,
    pub max: Option<u64>,
    pub open_ended: bool,
    pub source: Option<Source>,
    /// 1-based position of the source in `site.sources`, for citations.
    pub source_number: Option<usize>,
}

/// A skill as lists, tables and its own page show it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
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

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoleCard {
    #[serde(flatten)]
    pub link: LinkView,
    pub level: u8,
    pub experience: Option<String>,
    pub responsibilities: Vec<String>,
    pub salaries: Vec<SalaryView>,
    /// The role's salaries split by `site.salary_columns` (one region and
    /// currency a column, never mixed); an empty list where it has none.
    pub salary_cells: Vec<Vec<SalaryView>>,
    /// The skills needed at the highest level the role asks for.
    pub key_skills: Vec<LinkView>,
    /// Slugs of every skill the role needs, for progress counting.
    pub skill_slugs: Vec<String>,
}

/// A column of salary figures: one region in one currency.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SalaryColumn {
    pub region: String,
    pub currency: String,
    /// `India (INR)`.
    pub title: String,
}

/// An inline SVG chart with its heading.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    pub title: String,
    pub svg: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
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
    /// How many skills the phase builds (the list itself is on
    /// `phase.skills` and in track views, to keep other pages light).
    pub skill_count: usize,
}

/// A phase inside a track view: its card and the skills it builds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrackPhase {
    #[serde(flatten)]
    pub card: PhaseCard,
    pub skills: Arc<Vec<LinkView>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryView {
    pub id: String,
    pub title: String,
    /// Shared with [`Cards::skills`]: the site view lists every card, and
    /// copying ten thousand of them took 6 ms of every run in `serve`
    /// (comparing the copies with the last run's, and freeing them, more).
    pub skills: Vec<Arc<SkillCard>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrackView {
    pub id: String,
    pub title: String,
    pub url: String,
    pub total: Option<String>,
    pub phases: Vec<TrackPhase>,
    /// Slugs of every skill the track builds, for progress counting.
    pub skill_slugs: Vec<String>,
    /// The phases as a timeline (absent when no phase has a duration, and
    /// in the global `site.tracks`, whose links could not be relative).
    pub timeline_svg: Option<String>,
    /// Phases → the skills they build, every node a link (absent when the
    /// track builds more skills than a diagram can show legibly).
    pub roadmap_svg: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MenuItem {
    pub title: String,
    pub url: String,
}

/// The `site` global: settings, navigation and every entity as a card, so
/// overview pages need no per-page data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    pub base_url: String,
    pub base_path: String,
    pub language: String,
    pub menu: Vec<MenuItem>,
    pub categories: Vec<CategoryView>,
    pub roles: Vec<RoleCard>,
    /// The salary table's columns, in order of first appearance.
    pub salary_columns: Vec<SalaryColumn>,
    /// One range chart per salary column.
    pub salary_charts: Vec<Chart>,
    pub tracks: Vec<TrackView>,
    pub pages: Vec<LinkView>,
    pub sources: Vec<Source>,
    pub skill_count: usize,
    pub generator: String,
    /// The theme's stylesheet, script and highlighting CSS under their
    /// content-hashed names (`assets/roadbook.<hash>.css`).
    pub assets: AssetsView,
}

/// When a page last changed (from git history).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Updated {
    /// `2026-11-20`, in UTC.
    pub date: String,
    /// `2026-11-20T09:15:00Z`, for `<time datetime>`.
    pub iso: String,
}

impl From<Timestamp> for Updated {
    fn from(t: Timestamp) -> Updated {
        Updated {
            date: t.date(),
            iso: t.rfc3339(),
        }
    }
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
    /// The last change of the page's source in git history (for an
    /// overview, of the newest source it shows); absent outside a checkout.
    pub updated: Option<Updated>,
    /// schema.org JSON-LD for `<script type="application/ld+json">`,
    /// already safe to print with `| safe`; absent where no type fits.
    pub json_ld: Option<String>,
    /// The section this page belongs to, for highlighting the navigation.
    pub section: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoleNeed<'a> {
    #[serde(flatten)]
    pub role: &'a LinkView,
    pub level: &'static str,
}

// The page views borrow the cards they show: a view is serialized into
// the page's context (and its fingerprint) once and dropped, so copying
// every card it holds would be work for nothing, ten thousand times over.

#[derive(Debug, Clone, Serialize)]
pub struct SkillView<'a> {
    #[serde(flatten)]
    pub card: &'a SkillCard,
    pub resources: &'a [Resource],
    pub aliases: Vec<&'a str>,
    pub prerequisites: Vec<&'a LinkView>,
    pub unlocks: Vec<&'a LinkView>,
    pub related: Vec<&'a LinkView>,
    pub roles: Vec<RoleNeed<'a>>,
    pub phases: Vec<&'a PhaseCard>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SkillGroup<'a> {
    /// `expert`, `proficient` or `familiar`.
    pub level: &'static str,
    pub skills: Vec<&'a LinkView>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoleView<'a> {
    #[serde(flatten)]
    pub card: &'a RoleCard,
    pub skill_groups: Vec<SkillGroup<'a>>,
    pub previous: Option<&'a LinkView>,
    pub next: Option<&'a LinkView>,
    /// This role's salary ranges, one chart per currency.
    pub salary_charts: Vec<Chart>,
    /// Side-by-side pages with every other role (`title` is the other role).
    pub compare: Vec<LinkView>,
}

/// One skill in a role-vs-role comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareRow<'a> {
    pub skill: &'a LinkView,
    /// The level each role needs, or "".
    pub a: &'static str,
    pub b: &'static str,
    /// `only-a`, `only-b`, `a-higher`, `b-higher` or `same`.
    pub change: &'static str,
}

/// `roles/compare/<a>-vs-<b>/`: `a` is the lower role on the ladder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareView<'a> {
    pub a: &'a RoleCard,
    pub b: &'a RoleCard,
    pub rows: Vec<CompareRow<'a>>,
    /// What to learn to move from `a` to `b`: skills `b` needs that `a`
    /// does not, or needs at a higher level.
    pub to_learn: Vec<CompareRow<'a>>,
    pub salary_columns: &'a [SalaryColumn],
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhaseView<'a> {
    #[serde(flatten)]
    pub card: &'a PhaseCard,
    pub track_title: &'a str,
    pub track_url: String,
    pub track_total: Option<String>,
    /// The skills the phase builds.
    pub skills: &'a [LinkView],
    /// Slugs of the skills the phase builds, for progress counting.
    pub skill_slugs: Vec<&'a str>,
    pub previous: Option<&'a LinkView>,
    pub next: Option<&'a LinkView>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatrixRow {
    pub skill: LinkView,
    pub category_title: String,
    /// One cell per role in `site.roles` order: a level name or empty.
    pub cells: Vec<&'static str>,
}

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
    /// The template values of the cards the list pages repeat, when kept
    /// (by a `serve` session: see [`super::values`]).
    pub values: Option<super::values::Values>,
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
        source_number: s.source.map(|i| i + 1),
    }
}

/// The cards of every entity, made on every core: a session makes them
/// again before it can show an edited page that moved in its list.
pub fn cards(site: &Site) -> Cards {
    use rayon::prelude::*;
    cards_with(site, || {
        (0..site.skills.len())
            .into_par_iter()
            .map(|i| skill_card(site, i))
            .collect()
    })
}

/// The cards after a session's edit of one entry (`edited`, if the site
/// still has it), with the index of each one's equal in the `last` run's.
/// A skill card shows its own file and the categories and nothing else,
/// and the edit changed neither for any other skill: their cards are
/// moved over from `last` (by slug, as any of them may have a new index)
/// instead of being made again, ten thousand of them at 10,000 skills.
/// The cards that show relations are made again and compared.
pub fn cards_after_edit(
    site: &Site,
    last: &mut Cards,
    edited: Option<PageRef>,
) -> (Cards, SameCards) {
    let slugs: FxHashMap<&str, usize> = last
        .skills
        .iter()
        .enumerate()
        .map(|(j, c)| (c.link.slug.as_str(), j))
        .collect();
    let was: Vec<Option<usize>> = site
        .skills
        .iter()
        .map(|s| slugs.get(s.doc.slug.as_str()).copied())
        .collect();
    drop(slugs);
    let mut same_skills = vec![None; was.len()];
    let cards = cards_with(site, || {
        was.iter()
            .zip(&mut same_skills)
            .enumerate()
            .map(|(i, (&j, same))| {
                let old = j.and_then(|j| Some((j, last.skills.get_mut(j)?)));
                match old {
                    Some((j, old)) if edited != Some(PageRef::Entity(Kind::Skill, i)) => {
                        *same = Some(j);
                        std::mem::take(old)
                    }
                    _ => {
                        let card = skill_card(site, i);
                        *same = old.filter(|(_, old)| **old == card).map(|(j, _)| j);
                        card
                    }
                }
            })
            .collect()
    });
    let mut same = SameCards::of_all_but_skills(last, &cards);
    same.skills = same_skills;
    (cards, same)
}

/// [`cards`], with the skill cards from `skills`.
fn cards_with(site: &Site, skills: impl FnOnce() -> Vec<Arc<SkillCard>> + Send) -> Cards {
    use rayon::prelude::*;
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
        values: None,
    }
}

/// Per card of `new`, the index in `old` of the card with its slug.
fn by_slug<T>((old, new): (&[T], &[T]), link: impl Fn(&T) -> &LinkView) -> Vec<Option<usize>> {
    let slugs: FxHashMap<&str, usize> = old
        .iter()
        .enumerate()
        .map(|(j, c)| (link(c).slug.as_str(), j))
        .collect();
    new.iter()
        .map(|c| slugs.get(link(c).slug.as_str()).copied())
        .collect()
}

/// Of the indices `at` gives (see [`by_slug`]), those whose card in `old`
/// equals the one in `new`.
fn equal<T: PartialEq>((old, new): (&[T], &[T]), at: &[Option<usize>]) -> Vec<Option<usize>> {
    let same = |i: usize, j: usize| old.get(j).is_some_and(|c| Some(c) == new.get(i));
    let at = at.iter().enumerate();
    at.map(|(i, &j)| j.filter(|&j| same(i, j))).collect()
}

/// Per index `at` gives (see [`by_slug`]), whether the card there in
/// `old` has the same link as the one in `new` (false for a new card).
fn equal_links<T>(
    (old, new): (&[T], &[T]),
    at: &[Option<usize>],
    link: impl Fn(&T) -> &LinkView,
) -> Vec<bool> {
    let same = |i: usize, j: usize| match (old.get(j), new.get(i)) {
        (Some(o), Some(n)) => link(o) == link(n),
        _ => false,
    };
    let at = at.iter().enumerate();
    at.map(|(i, &j)| j.is_some_and(|j| same(i, j))).collect()
}

/// For each card of a session's run that resolved the site again, the
/// index of the same card in the `last` run's (same slug and equal; for a
/// phase, the same skills too), if it has one. After such an edit a
/// handful of the ten thousand cards changed, but any of them may have a
/// new index: what was made from a card the edit left alone (its template
/// values, [`super::values`]) is taken over by this index, and the pages
/// that show the others are the ones to compare ([`super::Reach`]).
pub struct SameCards {
    pub skills: Vec<Option<usize>>,
    pub roles: Vec<Option<usize>>,
    /// Phases whose card and skill list are the same, whose track entry
    /// ([`super::values`]) is the last run's.
    pub phases: Vec<Option<usize>>,
    /// Whether each phase's card alone is the same. One whose skill list
    /// alone differs changed because a skill in it did (its link), or
    /// skills came or went; the pages that show the list (the phase's,
    /// its track's, the phases section) are those of that skill, so that
    /// its phase need not bring its own (every phase of the track, every
    /// skill it builds) to be compared.
    pub phase_cards: Vec<bool>,
    /// Whether each role's and each phase's link (slug, title, URL,
    /// summary) is the last run's: what most pages show of an entry. A
    /// card can differ while its link does not, from what it shows of
    /// other entries (a role's key skills, a phase's place in its track).
    pub role_links: Vec<bool>,
    pub phase_links: Vec<bool>,
    pub pages: Vec<Option<usize>>,
    /// Whether the salary columns are the same, which every role's page
    /// and comparison shows.
    pub columns: bool,
}

impl SameCards {
    /// Every card compared: what [`cards_after_edit`] must agree with.
    #[cfg(test)]
    pub(crate) fn of(last: &Cards, cards: &Cards) -> SameCards {
        let mut same = SameCards::of_all_but_skills(last, cards);
        let skills = (&last.skills[..], &cards.skills[..]);
        same.skills = equal(skills, &by_slug(skills, |c| &c.link));
        same
    }

    /// [`SameCards::of`] with no skill found the same.
    fn of_all_but_skills(last: &Cards, cards: &Cards) -> SameCards {
        let roles = (&last.roles[..], &cards.roles[..]);
        let roles_at = by_slug(roles, |c| &c.link);
        let phases = (&last.phases[..], &cards.phases[..]);
        let phases_at = by_slug(phases, |c| &c.link);
        let phase_cards = equal(phases, &phases_at);
        let pages = (&last.pages[..], &cards.pages[..]);
        SameCards {
            skills: Vec::new(),
            roles: equal(roles, &roles_at),
            role_links: equal_links(roles, &roles_at, |c| &c.link),
            phase_links: equal_links(phases, &phases_at, |c| &c.link),
            phases: phase_cards
                .iter()
                .enumerate()
                .map(|(i, &j)| j.filter(|&j| last.phase_skills.get(j) == cards.phase_skills.get(i)))
                .collect(),
            phase_cards: phase_cards.iter().map(Option::is_some).collect(),
            pages: equal(pages, &by_slug(pages, |l| l)),
            columns: last.columns == cards.columns,
        }
    }

    /// The entries whose cards differ from the last run's, split into
    /// those whose links differ too (or that are new) and those whose
    /// links are the same; `None` when the salary columns differ.
    pub fn changed(&self) -> Option<(Vec<PageRef>, Vec<PageRef>)> {
        if !self.columns {
            return None;
        }
        let differs = |same: &Vec<Option<usize>>| same.iter().map(Option::is_none).collect();
        let kinds: [(Kind, Vec<bool>, &[bool]); 4] = [
            (Kind::Skill, differs(&self.skills), &[]),
            (Kind::Role, differs(&self.roles), &self.role_links),
            (
                Kind::Phase,
                self.phase_cards.iter().map(|same| !same).collect(),
                &self.phase_links,
            ),
            (Kind::Page, differs(&self.pages), &[]),
        ];
        let (mut whole, mut cards) = (Vec::new(), Vec::new());
        for (kind, differs, links) in kinds {
            for (i, _) in differs.into_iter().enumerate().filter(|&(_, d)| d) {
                let r = PageRef::Entity(kind, i);
                match links.get(i) {
                    Some(true) => cards.push(r),
                    _ => whole.push(r),
                }
            }
        }
        Some((whole, cards))
    }
}

/// Makes the cards that show `r` again after a `serve` session swapped in
/// an edited entity of the same shape: its own card, and for a skill the
/// cards that list it (the key skills of the roles that need it, the
/// skill lists of the phases that build it), with their kept template
/// values. Nothing else shows an
/// entity's fields in a card; `tests/session.rs` compares the pages made
/// from these cards with a fresh build's, edit by edit.
pub fn refresh_card(site: &Site, cards: &mut Cards, r: PageRef) {
    let PageRef::Entity(kind, i) = r else { return };
    match kind {
        Kind::Skill if i < cards.skills.len() => {
            cards.skills[i] = skill_card(site, i);
            let rel = &site.skill_relations[i];
            for &(role, _) in &rel.roles {
                if role < cards.roles.len() {
                    cards.roles[role] = role_card(site, &cards.columns, role);
                }
            }
            for &p in &rel.phases {
                if p < cards.phase_skills.len() {
                    cards.phase_skills[p] = phase_skills(site, p);
                }
            }
        }
        Kind::Role if i < cards.roles.len() => cards.roles[i] = role_card(site, &cards.columns, i),
        Kind::Phase if i < cards.phases.len() => {
            cards.phases[i] = phase_card(site, &cards.phase_skills, i)
        }
        Kind::Page if i < cards.pages.len() => cards.pages[i] = link(site, r),
        _ => {}
    }
    if let Some(mut values) = cards.values.take() {
        values.refresh(site, cards, r);
        cards.values = Some(values);
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
        experience: r.experience.as_ref().map(format::experience),
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
    let offset = |w: Option<Weeks>| w.map(|w| w.label(unit));
    PhaseCard {
        link: link(site, PageRef::Entity(Kind::Phase, i)),
        order: *p.order.get_ref(),
        track: site.config.tracks[p.track].id.clone(),
        duration: p.duration.as_ref().map(duration_label),
        starts: offset(rel.start),
        ends: offset(rel.end),
        focus: p.focus.clone(),
        skill_count: phase_skills.get(i).map_or(0, |s| s.len()),
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

/// How an axis value reads in a currency's convention.
fn tick_label(currency: &str) -> Box<dyn Fn(f64) -> String> {
    let (sym, div, suffix) = match currency {
        "INR" => ("₹", 100_000.0, "L"),
        "USD" => ("$", 1000.0, "k"),
        "EUR" => ("€", 1000.0, "k"),
        "GBP" => ("£", 1000.0, "k"),
        _ => ("", 1000.0, "k"),
    };
    Box::new(move |v: f64| {
        if v == 0.0 {
            "0".to_string()
        } else {
            format!("{sym}{}{suffix}", crate::resolve::timeline::number(v / div))
        }
    })
}

fn chart_id(text: &str) -> String {
    crate::content::heading_id(text)
}

/// One range chart per salary column, a bar per role and figure.
pub fn salary_charts(cards: &Cards) -> Vec<Chart> {
    cards
        .columns
        .iter()
        .enumerate()
        .map(|(ci, c)| {
            let bars: Vec<charts::RangeBar> = cards
                .roles
                .iter()
                .flat_map(|r| {
                    let many = r.salary_cells[ci].len() > 1;
                    r.salary_cells[ci].iter().map(move |s| charts::RangeBar {
                        label: r.link.title.clone(),
                        min: s.min as f64,
                        max: s.max.map(|m| m as f64),
                        open_ended: s.open_ended,
                        value_label: match (many, s.source_number) {
                            (true, Some(n)) => format!("{} [{n}]", s.label),
                            _ => s.label.clone(),
                        },
                    })
                })
                .collect();
            let title = format!("Salary ranges, {}", c.title);
            let desc = format!("Yearly salary range of each role in {}, one bar per figure; a bar that fades out continues above its last value.", c.title);
            Chart { svg: charts::range_chart(&format!("salaries-{}", chart_id(&c.title)), &title, &desc, &bars, &*tick_label(&c.currency)), title }
        })
        .collect()
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
        salary_charts: salary_charts(cards),
        tracks,
        pages: cards.pages.clone(),
        sources: c.sources.clone(),
        skill_count: site.skills.len(),
        generator: format!("roadbook {}", env!("CARGO_PKG_VERSION")),
        assets,
    }
}

/// The sections, then the free pages that ask to be in the menu.
pub fn menu(site: &Site, cards: &Cards) -> Vec<MenuItem> {
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
    menu
}

/// The fields of `site` an edit to one page's file can change when it
/// keeps the page's slug and draft flag, whatever else it changes, with
/// the menu and salary columns only when they differ from `old`'s: the
/// settings, the skill count and the assets stay. A page whose template
/// reads none of them is the same with the `site` of the last build.
pub fn fields_an_edit_can_change(old: &SiteView, site: &Site, cards: &Cards) -> Vec<&'static str> {
    let mut fields = FIELDS_AN_EDIT_CHANGES.to_vec();
    if old.menu != menu(site, cards) {
        fields.push("menu");
    }
    if old.salary_columns != cards.columns {
        fields.push("salary_columns");
    }
    fields
}

/// The fields of `site` an edit to one entry can change when it keeps the
/// entry's shape and place (see `Entity::same_shape`): the lists of
/// cards. The menu keeps its titles, the salary columns their regions,
/// and the count its skills.
pub const FIELDS_AN_EDIT_CHANGES: &[&str] =
    &["categories", "roles", "salary_charts", "tracks", "pages"];

/// Lists the fields of [`SiteView`] once for what needs them all by name.
macro_rules! site_fields {
    ($($field:ident),+ $(,)?) => {
        /// Every field of `site`, by the name templates read it with.
        pub const SITE_FIELDS: &[&str] = &[$(stringify!($field)),+];

        /// The fields of `site` that differ between two views of it, by
        /// the name templates read them with (see [`super::reads`]).
        pub fn changed_site_fields(old: &SiteView, new: &SiteView) -> Vec<&'static str> {
            // Every field is named: a new one fails to compile until it is
            // listed.
            let SiteView { $($field),+ } = old;
            let mut out = Vec::new();
            $(
                if *$field != new.$field {
                    out.push(stringify!($field));
                }
            )+
            out
        }

        /// One field of `site` as the value templates see.
        pub fn site_field(view: &SiteView, name: &str) -> Option<tera::Value> {
            match name {
                $(stringify!($field) => Some(tera::Value::from_serializable(&view.$field)),)+
                _ => None,
            }
        }
    };
}

site_fields!(
    title,
    description,
    base_url,
    base_path,
    language,
    menu,
    categories,
    roles,
    salary_columns,
    salary_charts,
    tracks,
    pages,
    sources,
    skill_count,
    generator,
    assets,
);

pub fn skill_view<'a>(site: &'a Site, cards: &'a Cards, i: usize) -> SkillView<'a> {
    let s = &site.skills[i];
    let rel = &site.skill_relations[i];
    let skill = |j: &usize| &cards.skills[*j].link;
    SkillView {
        card: &cards.skills[i],
        resources: &s.resources,
        aliases: s.aliases.iter().map(|a| a.get_ref().as_str()).collect(),
        prerequisites: rel.prerequisites.iter().map(skill).collect(),
        unlocks: rel.unlocks.iter().map(skill).collect(),
        related: rel.related.iter().map(skill).collect(),
        roles: rel
            .roles
            .iter()
            .map(|(r, p)| RoleNeed {
                role: &cards.roles[*r].link,
                level: p.name(),
            })
            .collect(),
        phases: rel.phases.iter().map(|&p| &cards.phases[p]).collect(),
    }
}

pub fn role_view<'a>(site: &Site, cards: &'a Cards, i: usize) -> RoleView<'a> {
    let rel = &site.role_relations[i];
    let mut groups: Vec<SkillGroup> = Vec::new();
    for (s, p) in &rel.skills {
        let level = p.name();
        match groups.last_mut() {
            Some(g) if g.level == level => g.skills.push(&cards.skills[*s].link),
            _ => groups.push(SkillGroup {
                level,
                skills: vec![&cards.skills[*s].link],
            }),
        }
    }
    let card = &cards.roles[i];
    let salary_charts = cards
        .columns
        .iter()
        .enumerate()
        .filter(|(ci, _)| !card.salary_cells[*ci].is_empty())
        .map(|(ci, c)| {
            let bars: Vec<charts::RangeBar> = card.salary_cells[ci]
                .iter()
                .map(|s| charts::RangeBar {
                    label: match s.source_number {
                        Some(n) => format!("{} [{n}]", c.region),
                        None => c.region.clone(),
                    },
                    min: s.min as f64,
                    max: s.max.map(|m| m as f64),
                    open_ended: s.open_ended,
                    value_label: s.label.clone(),
                })
                .collect();
            let title = format!("{} salary, {}", card.link.title, c.title);
            let desc = format!(
                "Yearly salary ranges for {} in {}, one bar per source.",
                card.link.title, c.title
            );
            Chart {
                svg: charts::range_chart(
                    &format!("salary-{}", chart_id(&c.title)),
                    &title,
                    &desc,
                    &bars,
                    &*tick_label(&c.currency),
                ),
                title,
            }
        })
        .collect();
    let compare = (0..site.roles.len())
        .filter(|&j| j != i)
        .map(|j| LinkView {
            slug: cards.roles[j].link.slug.clone(),
            title: cards.roles[j].link.title.clone(),
            url: compare_url(site, i, j),
            summary: None,
        })
        .collect();
    RoleView {
        card,
        skill_groups: groups,
        previous: rel.previous.map(|r| &cards.roles[r].link),
        next: rel.next.map(|r| &cards.roles[r].link),
        salary_charts,
        compare,
    }
}

pub fn phase_view<'a>(site: &'a Site, cards: &'a Cards, i: usize) -> PhaseView<'a> {
    let p = &site.phases[i];
    let rel = &site.phase_relations[i];
    let named = &site.config.tracks[p.track];
    let total = site
        .tracks
        .iter()
        .find(|t| t.config == p.track)
        .and_then(|t| t.total.map(|w| w.label(t.unit)));
    PhaseView {
        card: &cards.phases[i],
        track_title: &named.title,
        track_url: format!("tracks/{}/", named.id),
        track_total: total,
        skills: &cards.phase_skills[i],
        skill_slugs: cards.phase_skills[i]
            .iter()
            .map(|s| s.slug.as_str())
            .collect(),
        previous: rel.previous.map(|j| &cards.phases[j].link),
        next: rel.next.map(|j| &cards.phases[j].link),
    }
}

pub fn matrix_rows(site: &Site, cards: &Cards) -> Vec<MatrixRow> {
    (0..site.skills.len())
        .map(|i| matrix_row(site, cards, i))
        .collect()
}

/// Skill `i`'s row of the matrix.
pub fn matrix_row(site: &Site, cards: &Cards, i: usize) -> MatrixRow {
    matrix_row_with(cards, i, matrix_cells(site, i))
}

/// Skill `i`'s row of the matrix, with its `cells` made already: a row
/// is its card's link and category and these, nothing else.
pub fn matrix_row_with(cards: &Cards, i: usize, cells: Vec<&'static str>) -> MatrixRow {
    MatrixRow {
        skill: cards.skills[i].link.clone(),
        category_title: cards.skills[i].category_title.clone(),
        cells,
    }
}

/// The level each role needs of skill `i`, in `site.roles` order.
pub fn matrix_cells(site: &Site, i: usize) -> Vec<&'static str> {
    let mut cells = vec![""; site.roles.len()];
    for (r, p) in &site.skill_relations[i].roles {
        cells[*r] = p.name();
    }
    cells
}

/// Beyond this many skills a roadmap diagram is a tangle: the page keeps
/// the text list only.
pub const MAX_DIAGRAM_SKILLS: usize = 80;

/// One track. With `root` (the page's way back to the site root) the
/// timeline and roadmap diagram are drawn too; their links are relative.
pub fn track_view(site: &Site, cards: &Cards, i: usize, root: Option<&str>) -> TrackView {
    let mut view = track_shell(site, cards, i, root);
    view.phases = site.tracks[i]
        .phases
        .iter()
        .map(|&p| track_phase(cards, p))
        .collect();
    view
}

/// [`track_view`] without its phases, for a caller that has them already.
pub fn track_shell(site: &Site, cards: &Cards, i: usize, root: Option<&str>) -> TrackView {
    let t = &site.tracks[i];
    let named = &site.config.tracks[t.config];
    // Sorted as borrowed slugs, copied once deduplicated: a track of ten
    // thousand skills is sorted on every run of a `serve` session.
    let mut slugs: Vec<&str> = t
        .phases
        .iter()
        .flat_map(|&p| cards.phase_skills[p].iter().map(|s| s.slug.as_str()))
        .collect();
    slugs.sort_unstable();
    slugs.dedup();
    let skill_slugs: Vec<String> = slugs.into_iter().map(str::to_owned).collect();
    let total = t.total.map(|w| w.label(t.unit));
    let (timeline_svg, roadmap_svg) = match root {
        Some(root) => (
            timeline_svg(site, cards, i, root),
            (skill_slugs.len() <= MAX_DIAGRAM_SKILLS).then(|| roadmap_svg(site, cards, i, root)),
        ),
        None => (None, None),
    };
    TrackView {
        id: named.id.clone(),
        title: named.title.clone(),
        url: format!("tracks/{}/", named.id),
        total,
        phases: Vec::new(),
        skill_slugs,
        timeline_svg,
        roadmap_svg,
    }
}

/// Phase `p` as its track lists it.
pub fn track_phase(cards: &Cards, p: usize) -> TrackPhase {
    TrackPhase {
        card: cards.phases[p].clone(),
        skills: cards.phase_skills[p].clone(),
    }
}

fn timeline_svg(site: &Site, cards: &Cards, i: usize, root: &str) -> Option<String> {
    let t = &site.tracks[i];
    let named = &site.config.tracks[t.config];
    let mut spans = Vec::new();
    for &p in &t.phases {
        let rel = &site.phase_relations[p];
        let (start, end) = (rel.start?, rel.end?);
        spans.push(charts::Span {
            label: format!("{}. {}", cards.phases[p].order, cards.phases[p].link.title),
            url: cards.phases[p].link.url.clone(),
            start_min: start.min,
            start_max: start.max,
            end_min: end.min,
            end_max: end.max,
            open: end.open,
        });
    }
    let (unit_weeks, unit) = match t.unit {
        crate::content::Unit::Weeks => (1.0, "week"),
        crate::content::Unit::Months => (crate::resolve::timeline::WEEKS_PER_MONTH, "month"),
    };
    let total = t.total.map(|w| w.label(t.unit)).unwrap_or_default();
    let desc = format!(
        "{} phases in order, {total} in total. For each phase, a dark bar shows when it runs at the fastest suggested pace and a light bar below it when it runs at the slowest.",
        spans.len()
    );
    Some(charts::timeline(
        &format!("timeline-{}", named.id),
        &format!("{} timeline", named.title),
        &desc,
        &spans,
        unit_weeks,
        unit,
        root,
    ))
}

fn roadmap_svg(site: &Site, cards: &Cards, i: usize, root: &str) -> String {
    let t = &site.tracks[i];
    let named = &site.config.tracks[t.config];
    let phases: Vec<charts::Node> = t
        .phases
        .iter()
        .map(|&p| charts::Node {
            label: format!("{}. {}", cards.phases[p].order, cards.phases[p].link.title),
            url: cards.phases[p].link.url.clone(),
        })
        .collect();
    let mut skills: Vec<&LinkView> = Vec::new();
    let mut edges = Vec::new();
    for (pi, &p) in t.phases.iter().enumerate() {
        for s in cards.phase_skills[p].iter() {
            let k = match skills.iter().position(|x| x.slug == s.slug) {
                Some(k) => k,
                None => {
                    skills.push(s);
                    skills.len() - 1
                }
            };
            edges.push((pi, k));
        }
    }
    let skill_nodes: Vec<charts::Node> = skills
        .iter()
        .map(|s| charts::Node {
            label: s.title.clone(),
            url: s.url.clone(),
        })
        .collect();
    let desc = format!(
        "{} phases on the left, linked to the {} skills they build on the right. The same information is listed as text beside the diagram.",
        phases.len(),
        skill_nodes.len()
    );
    charts::roadmap(
        &format!("roadmap-{}", named.id),
        &format!("{} roadmap", named.title),
        &desc,
        &phases,
        &skill_nodes,
        &edges,
        root,
    )
}

/// The comparison page of two roles, lower role on the ladder first.
pub fn compare_url(site: &Site, i: usize, j: usize) -> String {
    let (a, b) = if i < j { (i, j) } else { (j, i) };
    format!(
        "roles/compare/{}-vs-{}/",
        site.roles[a].doc.slug, site.roles[b].doc.slug
    )
}

/// A comparison's rows before they are made into views: skill by skill,
/// in skill order, the skill's index, the level each role needs ("" for
/// none) and what changes between them. Only the skills either role needs,
/// not every skill of the handbook.
pub fn compare_rows(
    site: &Site,
    a: usize,
    b: usize,
) -> Vec<(usize, &'static str, &'static str, &'static str)> {
    let mut levels: std::collections::BTreeMap<usize, (Option<_>, Option<_>)> =
        std::collections::BTreeMap::new();
    for &(s, p) in &site.role_relations[a].skills {
        levels.entry(s).or_default().0 = Some(p);
    }
    for &(s, p) in &site.role_relations[b].skills {
        levels.entry(s).or_default().1 = Some(p);
    }
    let mut rows = Vec::new();
    for (s, (la, lb)) in levels {
        let change = match (la, lb) {
            (None, None) => continue,
            (Some(_), None) => "only-a",
            (None, Some(_)) => "only-b",
            (Some(x), Some(y)) if x < y => "b-higher",
            (Some(x), Some(y)) if x > y => "a-higher",
            _ => "same",
        };
        rows.push((
            s,
            la.map_or("", |p| p.name()),
            lb.map_or("", |p| p.name()),
            change,
        ));
    }
    rows
}

/// Whether a comparison's row, by its `change`, is a skill to learn to
/// move from the first role to the second.
pub fn to_learn(change: &str) -> bool {
    change == "only-b" || change == "b-higher"
}

pub fn compare_view<'a>(site: &Site, cards: &'a Cards, a: usize, b: usize) -> CompareView<'a> {
    let rows: Vec<CompareRow<'a>> = compare_rows(site, a, b)
        .into_iter()
        .map(|(s, a, b, change)| CompareRow {
            skill: &cards.skills[s].link,
            a,
            b,
            change,
        })
        .collect();
    let to_learn = rows
        .iter()
        .filter(|r| to_learn(r.change))
        .cloned()
        .collect();
    CompareView {
        a: &cards.roles[a],
        b: &cards.roles[b],
        rows,
        to_learn,
        salary_columns: &cards.columns,
    }
}
