//! The view models templates see: one `Serialize` struct per page kind,
//! plus the site-wide `site` value put into Tera's global context once.
//!
//! Templates receive site-root-relative URLs (`skills/databases/`) and a
//! `root` prefix per page (`../../`), and write `{{ root }}{{ x.url }}`.
//! Every field is documented in docs/templates.md; a test renders every
//! built-in template, so renaming a field here fails CI until the
//! templates follow.

use std::sync::Arc;

use serde::Serialize;

use super::assets::AssetsView;
pub use super::cards::{
    Cards, cards, category_shell, category_skills, link, menu, salary_columns, site_view,
};
use super::diagrams;
use crate::config::Source;
use crate::content::Resource;
use crate::fields::Extra;
use crate::git::Timestamp;
use crate::markdown::TocEntry;
use crate::resolve::Site;

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
    /// Slugs of the skills it builds on, so a theme can tell which skills
    /// a reader is ready for from their progress alone (My progress's
    /// "next up").
    pub requires: Vec<String>,
    /// The skill's `[extra]` table (empty when it has none).
    pub extra: Extra,
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
    /// The role's `[extra]` table (empty when it has none).
    pub extra: Extra,
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
    /// The phase's `[extra]` table (empty when it has none).
    pub extra: Extra,
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
    /// a copy of each would be made, and freed, on every run.
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
    /// Career paths from handbook.toml, each with its roles in order;
    /// empty in a handbook that declares none.
    pub paths: Vec<PathView>,
    pub pages: Vec<LinkView>,
    pub sources: Vec<Source>,
    /// handbook.toml's `[extra]` table (empty when it has none).
    pub extra: Extra,
    /// Every text of the theme in the handbook's language, by key.
    pub labels: crate::labels::Labels,
    pub skill_count: usize,
    /// Whether the site has a search index (`search` in handbook.toml):
    /// the theme shows its search box only then.
    pub search: bool,
    /// Whether the site has the print version (`/print/`).
    pub print: bool,
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
    /// The date as the handbook's language writes it: `20 November 2026`.
    pub label: String,
}

impl Updated {
    pub fn new(t: Timestamp, labels: &crate::labels::Labels) -> Updated {
        let date = t.date();
        let mut parts = date.split('-').map(|p| p.parse::<i64>().unwrap_or(0));
        let (y, m, d) = (
            parts.next().unwrap_or(0),
            parts.next().unwrap_or(0),
            parts.next().unwrap_or(0),
        );
        Updated {
            label: labels.date(
                y,
                u32::try_from(m).unwrap_or(0),
                u32::try_from(d).unwrap_or(0),
            ),
            date,
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
// the page's context once and dropped, so copying every card it holds
// would be work for nothing, once per page.

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
    /// The neighbours on the role's main path (or the one ladder of a
    /// handbook without paths).
    pub previous: Option<&'a LinkView>,
    pub next: Option<&'a LinkView>,
    /// The role's place on each career path it is on, main path first; in
    /// a handbook without paths, one step whose `id` and `title` are empty.
    pub steps: Vec<StepView<'a>>,
    /// This role's salary ranges, one chart per currency.
    pub salary_charts: Vec<Chart>,
    /// Side-by-side pages with every other role (`title` is the other role).
    pub compare: Vec<LinkView>,
}

/// A role's neighbours on one career path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub previous: Option<&'a LinkView>,
    pub next: Option<&'a LinkView>,
}

/// A career path and its roles, first step first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathView {
    pub id: String,
    pub title: String,
    pub roles: Vec<LinkView>,
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

pub fn role_view<'a>(site: &'a Site, cards: &'a Cards, i: usize) -> RoleView<'a> {
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
    let salary_charts = diagrams::role_salary_charts(cards, i, &site.config.labels);
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
        steps: rel
            .steps
            .iter()
            .map(|s| {
                let named = s.path.map(|p| &site.config.paths[p]);
                StepView {
                    id: named.map_or("", |n| n.id.as_str()),
                    title: named.map_or("", |n| n.title.as_str()),
                    previous: s.previous.map(|r| &cards.roles[r].link),
                    next: s.next.map(|r| &cards.roles[r].link),
                }
            })
            .collect(),
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
        .and_then(|t| t.total.map(|w| w.label_in(t.unit, &site.config.labels)));
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
    let total = t.total.map(|w| w.label_in(t.unit, &site.config.labels));
    let (timeline_svg, roadmap_svg) = match root {
        Some(root) => (
            diagrams::timeline(site, cards, i, root),
            (skill_slugs.len() <= MAX_DIAGRAM_SKILLS)
                .then(|| diagrams::roadmap(site, cards, i, root)),
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
