//! `/handbook.json`: every entity with its resolved relations, for tools
//! and readers that want the data rather than the pages.
//!
//! Relations are slugs (look the entity up in its list), so the file grows
//! with the handbook, not with the number of links; URLs are absolute so
//! the file is useful wherever it is copied. Built from the resolved site
//! directly, not from the template views, which carry presentation.

use rayon::prelude::*;
use serde::Serialize;

use crate::config::{Named, Source};
use crate::content::{Duration, Experience, Kind, Resource};
use crate::fields::Extra;
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
    #[serde(skip_serializing_if = "empty")]
    extra: &'a Extra,
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
    /// Career path ids, main path first; left out when the role is on none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    paths: Vec<&'a str>,
    #[serde(skip_serializing_if = "empty")]
    extra: &'a Extra,
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
    #[serde(skip_serializing_if = "empty")]
    extra: &'a Extra,
}

#[derive(Serialize)]
struct PageOut<'a> {
    slug: &'a str,
    title: &'a str,
    summary: Option<&'a str>,
    url: String,
    #[serde(skip_serializing_if = "empty")]
    extra: &'a Extra,
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
        extra: &s.doc.extra,
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
        paths: r
            .paths
            .iter()
            .map(|&p| site.config.paths[p].id.as_str())
            .collect(),
        extra: &r.doc.extra,
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
        extra: &p.doc.extra,
    }
}

fn page_out(site: &Site, i: usize) -> PageOut<'_> {
    let p = &site.pages[i];
    PageOut {
        slug: p.doc.slug.as_str(),
        title: &p.doc.title,
        summary: p.doc.summary.as_deref(),
        url: absolute(site, PageRef::Entity(Kind::Page, i)),
        extra: &p.doc.extra,
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
/// The whole file. Field order is the struct's, so builds stay
/// byte-identical.
#[derive(Serialize)]
struct Whole<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    language: &'a str,
    categories: &'a [Named],
    sources: &'a [Source],
    tracks: Vec<TrackOut<'a>>,
    /// Left out when the handbook declares no career paths, so such a
    /// handbook exports what it always did.
    #[serde(skip_serializing_if = "<[Named]>::is_empty")]
    paths: &'a [Named],
    skills: Vec<SkillOut<'a>>,
    roles: Vec<RoleOut<'a>>,
    phases: Vec<PhaseOut<'a>>,
    pages: Vec<PageOut<'a>>,
    #[serde(skip_serializing_if = "empty")]
    extra: &'a Extra,
}

/// An absent `[extra]` is left out, so a handbook without one exports
/// what it always did.
fn empty(extra: &&Extra) -> bool {
    extra.is_empty()
}

/// The export as pretty-printed JSON.
pub fn handbook_json(site: &Site, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let c = &site.config;
    let whole = Whole {
        title: &c.title,
        description: &c.description,
        base_url: &c.base_url,
        language: &c.language,
        categories: &c.categories,
        sources: &c.sources,
        tracks: tracks_out(site),
        paths: &c.paths,
        skills: (0..site.skills.len())
            .into_par_iter()
            .map(|i| skill_out(site, i))
            .collect(),
        roles: (0..site.roles.len()).map(|i| role_out(site, i)).collect(),
        phases: (0..site.phases.len()).map(|i| phase_out(site, i)).collect(),
        pages: (0..site.pages.len()).map(|i| page_out(site, i)).collect(),
        extra: &c.extra,
    };
    let mut out = std::io::BufWriter::new(out);
    serde_json::to_writer_pretty(&mut out, &whole).map_err(std::io::Error::from)?;
    std::io::Write::flush(&mut out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_export_is_valid_json_with_every_entity() {
        for fixture in ["tests/fixtures/full", "tests/fixtures/base", "."] {
            let site = super::super::fixture_site(fixture);
            let mut out = Vec::new();
            handbook_json(&site, &mut out).unwrap_or_else(|e| panic!("{e}"));
            let value: serde_json::Value =
                serde_json::from_slice(&out).unwrap_or_else(|e| panic!("{fixture}: {e}"));
            let len = |key: &str| value[key].as_array().map_or(0, Vec::len);
            assert_eq!(len("skills"), site.skills.len(), "{fixture}");
            assert_eq!(len("roles"), site.roles.len(), "{fixture}");
            assert_eq!(len("phases"), site.phases.len(), "{fixture}");
            assert_eq!(len("pages"), site.pages.len(), "{fixture}");
            assert!(!site.skills.is_empty(), "{fixture} has skills");
        }
    }
}
