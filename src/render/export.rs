//! `/handbook.json`: every entity with its resolved relations, for tools
//! and readers that want the data rather than the pages.
//!
//! Relations are slugs (look the entity up in its list), so the file grows
//! with the handbook, not with the number of links; URLs are absolute so
//! the file is useful wherever it is copied. Built from the resolved site
//! directly, not from the template views, which carry presentation.

use std::borrow::Cow;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::content::{Duration, Experience, Kind, Resource};
use crate::render::fingerprint::{Print, UNKNOWN};
use crate::render::format;
use crate::resolve::timeline::duration_label;
use crate::resolve::{PageRef, Site};

#[derive(Serialize)]
struct TrackOut<'a> {
    id: &'a str,
    title: &'a str,
    url: String,
    total: Option<String>,
    phases: Vec<&'a str>,
}

#[derive(Serialize)]
struct Needed<'a> {
    slug: &'a str,
    level: &'static str,
}

#[derive(Serialize)]
struct SkillOut<'a> {
    slug: &'a str,
    title: &'a str,
    summary: Option<&'a str>,
    url: String,
    category: &'a str,
    difficulty: &'static str,
    applies: Option<&'a str>,
    impact: Option<&'a str>,
    tools: &'a [String],
    resources: &'a [Resource],
    aliases: Vec<&'a str>,
    prerequisites: Vec<&'a str>,
    unlocks: Vec<&'a str>,
    related: Vec<&'a str>,
    roles: Vec<Needed<'a>>,
    phases: Vec<&'a str>,
}

#[derive(Serialize)]
struct SalaryOut<'a> {
    region: &'a str,
    currency: &'a str,
    min: u64,
    max: Option<u64>,
    open_ended: bool,
    label: String,
    source: Option<&'a str>,
}

#[derive(Serialize)]
struct RoleOut<'a> {
    slug: &'a str,
    title: &'a str,
    summary: Option<&'a str>,
    url: String,
    level: u8,
    experience: Option<Experience>,
    responsibilities: &'a [String],
    salaries: Vec<SalaryOut<'a>>,
    skills: Vec<Needed<'a>>,
    previous: Option<&'a str>,
    next: Option<&'a str>,
}

#[derive(Serialize)]
struct PhaseOut<'a> {
    slug: &'a str,
    title: &'a str,
    summary: Option<&'a str>,
    url: String,
    track: &'a str,
    order: i64,
    duration: Option<Duration>,
    duration_label: Option<String>,
    starts: Option<String>,
    ends: Option<String>,
    focus: &'a [String],
    skills: Vec<&'a str>,
    previous: Option<&'a str>,
    next: Option<&'a str>,
}

#[derive(Serialize)]
struct PageOut<'a> {
    slug: &'a str,
    title: &'a str,
    summary: Option<&'a str>,
    url: String,
}

/// One skill as it appears in the export.
fn skill_out(site: &Site, i: usize) -> SkillOut<'_> {
    let s = &site.skills[i];
    let rel = &site.skill_relations[i];
    SkillOut {
        slug: s.doc.slug.as_str(),
        title: &s.doc.title,
        summary: s.doc.summary.as_deref(),
        url: absolute(site, PageRef::Entity(Kind::Skill, i)),
        category: &site.config.categories[s.category].id,
        difficulty: s.difficulty.name(),
        applies: s.applies.as_deref(),
        impact: s.impact.as_deref(),
        tools: &s.tools,
        resources: &s.resources,
        aliases: s.aliases.iter().map(|a| a.get_ref().as_str()).collect(),
        prerequisites: rel
            .prerequisites
            .iter()
            .map(|&j| skill_slug(site, j))
            .collect(),
        unlocks: rel.unlocks.iter().map(|&j| skill_slug(site, j)).collect(),
        related: rel.related.iter().map(|&j| skill_slug(site, j)).collect(),
        roles: rel
            .roles
            .iter()
            .map(|&(r, p)| Needed {
                slug: site.roles[r].doc.slug.as_str(),
                level: p.name(),
            })
            .collect(),
        phases: rel.phases.iter().map(|&p| phase_slug(site, p)).collect(),
    }
}

fn role_out(site: &Site, i: usize) -> RoleOut<'_> {
    let r = &site.roles[i];
    let rel = &site.role_relations[i];
    let role = |j: &usize| site.roles[*j].doc.slug.as_str();
    RoleOut {
        slug: r.doc.slug.as_str(),
        title: &r.doc.title,
        summary: r.doc.summary.as_deref(),
        url: absolute(site, PageRef::Entity(Kind::Role, i)),
        level: r.level,
        experience: r.experience,
        responsibilities: &r.responsibilities,
        salaries: r
            .salary
            .iter()
            .map(|s| SalaryOut {
                region: &s.region,
                currency: &s.currency,
                min: s.min,
                max: s.max,
                open_ended: s.open_ended,
                label: format::salary(s),
                source: s.source.map(|i| site.config.sources[i].id.as_str()),
            })
            .collect(),
        skills: rel
            .skills
            .iter()
            .map(|&(s, p)| Needed {
                slug: skill_slug(site, s),
                level: p.name(),
            })
            .collect(),
        previous: rel.previous.as_ref().map(role),
        next: rel.next.as_ref().map(role),
    }
}

fn phase_out(site: &Site, i: usize) -> PhaseOut<'_> {
    let p = &site.phases[i];
    let rel = &site.phase_relations[i];
    let unit = site.unit_of_track(p.track);
    PhaseOut {
        slug: p.doc.slug.as_str(),
        title: &p.doc.title,
        summary: p.doc.summary.as_deref(),
        url: absolute(site, PageRef::Entity(Kind::Phase, i)),
        track: &site.config.tracks[p.track].id,
        order: *p.order.get_ref(),
        duration: p.duration,
        duration_label: p.duration.as_ref().map(duration_label),
        starts: rel.start.map(|w| w.label(unit)),
        ends: rel.end.map(|w| w.label(unit)),
        focus: &p.focus,
        skills: p
            .skills
            .iter()
            .filter_map(|s| site.find(Kind::Skill, s.get_ref()))
            .map(|s| skill_slug(site, s))
            .collect(),
        previous: rel.previous.map(|j| phase_slug(site, j)),
        next: rel.next.map(|j| phase_slug(site, j)),
    }
}

fn page_out(site: &Site, i: usize) -> PageOut<'_> {
    let p = &site.pages[i];
    PageOut {
        slug: p.doc.slug.as_str(),
        title: &p.doc.title,
        summary: p.doc.summary.as_deref(),
        url: absolute(site, PageRef::Entity(Kind::Page, i)),
    }
}

fn absolute(site: &Site, r: PageRef) -> String {
    format!("{}/{}", site.config.base_url, site.path(r))
}

fn skill_slug(site: &Site, i: usize) -> &str {
    site.skills[i].doc.slug.as_str()
}

fn phase_slug(site: &Site, i: usize) -> &str {
    site.phases[i].doc.slug.as_str()
}

fn tracks_out(site: &Site) -> Vec<TrackOut<'_>> {
    let base = &site.config.base_url;
    site.tracks
        .iter()
        .map(|t| {
            let named = &site.config.tracks[t.config];
            TrackOut {
                id: &named.id,
                title: &named.title,
                url: format!("{base}/tracks/{}/", named.id),
                total: t.total.map(|w| w.label(t.unit)),
                phases: t.phases.iter().map(|&p| phase_slug(site, p)).collect(),
            }
        })
        .collect()
}

/// The kinds listed in the export, in the file's order.
const LISTS: [(&str, Kind); 4] = [
    ("skills", Kind::Skill),
    ("roles", Kind::Role),
    ("phases", Kind::Phase),
    ("pages", Kind::Page),
];

fn count(site: &Site, kind: Kind) -> usize {
    match kind {
        Kind::Skill => site.skills.len(),
        Kind::Role => site.roles.len(),
        Kind::Phase => site.phases.len(),
        Kind::Page => site.pages.len(),
    }
}

/// One entity's object as it stands in the file: pretty-printed, its
/// lines indented for a place in a list of the top-level object.
fn entry(site: &Site, kind: Kind, i: usize) -> String {
    entry_as(site, kind, i, Reuse::Never).1.into_owned()
}

/// Whether a piece is fingerprinted, and taken over from the last run.
#[derive(Clone, Copy)]
enum Reuse<'a> {
    /// Neither: a build's export, kept by no one.
    Never,
    /// Fingerprinted; the last run's piece of the same slug, if any, is
    /// taken over when its fingerprint is the same.
    From(Option<(u64, &'a str)>),
}

/// [`entry`], with the fingerprint of what it is written from when
/// `reuse` asks for it (else [`fingerprint::UNKNOWN`]).
///
/// [`fingerprint::UNKNOWN`]: crate::render::fingerprint::UNKNOWN
fn entry_as<'a>(site: &Site, kind: Kind, i: usize, reuse: Reuse<'a>) -> (u64, Cow<'a, str>) {
    fn piece<'a, T: Serialize>(out: &T, reuse: Reuse<'a>) -> (u64, Cow<'a, str>) {
        let write = || {
            let json = serde_json::to_string_pretty(out).unwrap_or_default();
            Cow::Owned(indented(&json, "    "))
        };
        let Reuse::From(last) = reuse else {
            return (UNKNOWN, write());
        };
        let mut print = Print::default();
        print.feed("", out);
        let made = print.finish();
        match last {
            Some((fp, piece)) if fp == made => (made, Cow::Borrowed(piece)),
            _ => (made, write()),
        }
    }
    match kind {
        Kind::Skill => piece(&skill_out(site, i), reuse),
        Kind::Role => piece(&role_out(site, i), reuse),
        Kind::Phase => piece(&phase_out(site, i), reuse),
        Kind::Page => piece(&page_out(site, i), reuse),
    }
}

/// The slug of entity `i` of `kind`.
fn slug(site: &Site, kind: Kind, i: usize) -> String {
    site.doc(PageRef::Entity(kind, i))
        .map(|d| d.slug.to_string())
        .unwrap_or_default()
}

/// `json` with `indent` before every line but the first. JSON strings
/// hold no raw line breaks, so every line break is layout.
fn indented(json: &str, indent: &str) -> String {
    json.replace('\n', &format!("\n{indent}"))
}

/// The export as pretty-printed JSON (stable field order, so builds stay
/// byte-identical): what `serde_json::to_writer_pretty` writes for the
/// whole, put together from one serialized piece per entity, so that a
/// `serve` session can keep the pieces ([`Entries`]) and make only an
/// edited entity's again.
pub fn handbook_json(site: &Site, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    write(site, out, &mut |kind, i| Cow::Owned(entry(site, kind, i)))
}

fn write<'e>(
    site: &Site,
    out: &mut dyn std::io::Write,
    entry: &mut dyn FnMut(Kind, usize) -> Cow<'e, str>,
) -> std::io::Result<()> {
    let c = &site.config;
    let head: [(&str, serde_json::Result<String>); 7] = [
        ("title", serde_json::to_string(&c.title)),
        ("description", serde_json::to_string(&c.description)),
        ("base_url", serde_json::to_string(&c.base_url)),
        ("language", serde_json::to_string(&c.language)),
        ("categories", serde_json::to_string_pretty(&c.categories)),
        ("sources", serde_json::to_string_pretty(&c.sources)),
        ("tracks", serde_json::to_string_pretty(&tracks_out(site))),
    ];
    out.write_all(b"{")?;
    for (key, value) in head {
        let value = value.map_err(std::io::Error::from)?;
        write!(out, "\n  \"{key}\": {},", indented(&value, "  "))?;
    }
    for (n, (key, kind)) in LISTS.iter().enumerate() {
        write!(out, "\n  \"{key}\": [")?;
        let len = count(site, *kind);
        for i in 0..len {
            out.write_all(b"\n    ")?;
            out.write_all(entry(*kind, i).as_bytes())?;
            if i + 1 < len {
                out.write_all(b",")?;
            }
        }
        if len > 0 {
            out.write_all(b"\n  ")?;
        }
        out.write_all(if n + 1 < LISTS.len() { b"]," } else { b"]" })?;
    }
    out.write_all(b"\n}")
}

/// Roughly how long the export takes to put together and write, in the
/// units of the pages' weights (about a microsecond): it is scheduled
/// among them, largest first.
pub fn weight(site: &Site) -> usize {
    let entities = site.skills.len() + site.roles.len() + site.phases.len() + site.pages.len();
    entities + entities / 2
}

/// Whether an edit can have changed entity `i` of a kind.
pub type Reached<'a> = dyn Fn(Kind, usize) -> bool + Sync + 'a;

/// The export's entity pieces, kept by a `serve` session: after an edit to
/// one entity that keeps its shape (the export names others by slug
/// only, and slugs stay), its piece is the only one that changes.
///
/// Each piece is kept with its entity's slug and the fingerprint of what
/// it was written from, so that after an edit that moves entries (any of
/// them may have a new index) the pieces of those written from the same
/// data are taken over by slug ([`Entries::reusing`]).
pub struct Entries {
    lists: [Vec<Piece>; 4],
}

struct Piece {
    slug: String,
    print: u64,
    /// Shared with the run before when taken over, not copied: the pieces
    /// are the export's 7 MB at 10,000 pages.
    text: Arc<str>,
}

impl Entries {
    pub fn new(site: &Site) -> Self {
        Self::made(site, None, None)
    }

    /// The pieces of `site`, those written from the same data as `last`'s
    /// piece of the same slug taken from it. With `reached`, only the
    /// entities it holds can have changed (see [`super::Reach`]): the
    /// others' pieces are taken over without being compared.
    pub fn reusing(site: &Site, last: &Entries, reached: Option<&Reached<'_>>) -> Self {
        Self::made(site, Some(last), reached)
    }

    fn made(site: &Site, last: Option<&Entries>, reached: Option<&Reached<'_>>) -> Self {
        let list = |n: usize, kind: Kind| -> Vec<Piece> {
            let old: FxHashMap<&str, &Piece> = last
                .map(|l| l.lists[n].iter().map(|p| (p.slug.as_str(), p)).collect())
                .unwrap_or_default();
            (0..count(site, kind))
                .into_par_iter()
                .map(|i| {
                    let slug = slug(site, kind, i);
                    let kept = old.get(slug.as_str());
                    if let (Some(p), Some(reached)) = (kept, reached)
                        && !reached(kind, i)
                    {
                        return Piece {
                            slug,
                            print: p.print,
                            text: p.text.clone(),
                        };
                    }
                    let was = kept.map(|p| (p.print, &*p.text));
                    let (print, text) = entry_as(site, kind, i, Reuse::From(was));
                    let text = match (text, kept) {
                        (Cow::Borrowed(_), Some(p)) => p.text.clone(),
                        (text, _) => Arc::from(text),
                    };
                    Piece { slug, print, text }
                })
                .collect()
        };
        let mut n = 0;
        Entries {
            lists: LISTS.map(|(_, kind)| {
                n += 1;
                list(n - 1, kind)
            }),
        }
    }

    /// Makes the piece of `r` again.
    pub fn refresh(&mut self, site: &Site, r: PageRef) {
        let PageRef::Entity(kind, i) = r else { return };
        if let Some(slot) = self.list_mut(kind).get_mut(i) {
            let (print, text) = entry_as(site, kind, i, Reuse::From(None));
            *slot = Piece {
                slug: slug(site, kind, i),
                print,
                text: Arc::from(text),
            };
        }
    }

    fn list_mut(&mut self, kind: Kind) -> &mut Vec<Piece> {
        let n = LISTS.iter().position(|(_, k)| *k == kind).unwrap_or(0);
        &mut self.lists[n]
    }

    /// The export, from these pieces.
    pub fn write(&self, site: &Site, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        write(site, out, &mut |kind, i| {
            let n = LISTS.iter().position(|(_, k)| *k == kind).unwrap_or(0);
            self.lists[n].get(i).map_or_else(
                || Cow::Owned(entry(site, kind, i)),
                |p| Cow::Borrowed(&*p.text),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Named, Source};

    #[derive(Serialize)]
    struct Whole<'a> {
        title: &'a str,
        description: &'a str,
        base_url: &'a str,
        language: &'a str,
        categories: &'a [Named],
        sources: &'a [Source],
        tracks: Vec<TrackOut<'a>>,
        skills: Vec<SkillOut<'a>>,
        roles: Vec<RoleOut<'a>>,
        phases: Vec<PhaseOut<'a>>,
        pages: Vec<PageOut<'a>>,
    }

    /// The export serialized whole, as it was before it came in pieces.
    fn whole(site: &Site) -> String {
        let c = &site.config;
        let n = |k| 0..count(site, k);
        let value = Whole {
            title: &c.title,
            description: &c.description,
            base_url: &c.base_url,
            language: &c.language,
            categories: &c.categories,
            sources: &c.sources,
            tracks: tracks_out(site),
            skills: n(Kind::Skill).map(|i| skill_out(site, i)).collect(),
            roles: n(Kind::Role).map(|i| role_out(site, i)).collect(),
            phases: n(Kind::Phase).map(|i| phase_out(site, i)).collect(),
            pages: n(Kind::Page).map(|i| page_out(site, i)).collect(),
        };
        serde_json::to_string_pretty(&value).unwrap_or_default()
    }

    fn text(f: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
        let mut out = Vec::new();
        f(&mut out).unwrap_or_else(|e| panic!("{e}"));
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn the_pieces_make_what_serde_writes_for_the_whole() {
        for fixture in ["tests/fixtures/full", "tests/fixtures/base", "."] {
            let site = super::super::fixture_site(fixture);
            let expected = whole(&site);
            assert_eq!(text(|o| handbook_json(&site, o)), expected, "{fixture}");
            let entries = Entries::new(&site);
            assert_eq!(text(|o| entries.write(&site, o)), expected, "{fixture}");
        }
    }
}
