//! `/handbook.json`: every entity with its resolved relations, for tools
//! and readers that want the data rather than the pages.
//!
//! Relations are slugs (look the entity up in its list), so the file grows
//! with the handbook, not with the number of links; URLs are absolute so
//! the file is useful wherever it is copied. Built from the resolved site
//! directly, not from the template views, which carry presentation.

use serde::Serialize;

use crate::config::{Named, Source};
use crate::content::{Duration, Experience, Kind, Resource};
use crate::render::format;
use crate::resolve::timeline::duration_label;
use crate::resolve::{PageRef, Site};

#[derive(Serialize)]
struct Export<'a> {
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

/// The export as pretty-printed JSON (stable field order, so builds stay
/// byte-identical).
pub fn handbook_json(site: &Site, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let base = &site.config.base_url;
    let abs = |r: PageRef| format!("{base}/{}", site.path(r));
    let skill = |i: &usize| site.skills[*i].doc.slug.as_str();
    let phase = |i: &usize| site.phases[*i].doc.slug.as_str();
    let role = |i: &usize| site.roles[*i].doc.slug.as_str();
    let tracks = site
        .tracks
        .iter()
        .map(|t| {
            let named = &site.config.tracks[t.config];
            TrackOut {
                id: &named.id,
                title: &named.title,
                url: format!("{base}/tracks/{}/", named.id),
                total: t.total.map(|w| w.label(t.unit)),
                phases: t.phases.iter().map(phase).collect(),
            }
        })
        .collect();
    let skills = site
        .skills
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let rel = &site.skill_relations[i];
            SkillOut {
                slug: s.doc.slug.as_str(),
                title: &s.doc.title,
                summary: s.doc.summary.as_deref(),
                url: abs(PageRef::Entity(Kind::Skill, i)),
                category: &site.config.categories[s.category].id,
                difficulty: s.difficulty.name(),
                applies: s.applies.as_deref(),
                impact: s.impact.as_deref(),
                tools: &s.tools,
                resources: &s.resources,
                aliases: s.aliases.iter().map(|a| a.get_ref().as_str()).collect(),
                prerequisites: rel.prerequisites.iter().map(skill).collect(),
                unlocks: rel.unlocks.iter().map(skill).collect(),
                related: rel.related.iter().map(skill).collect(),
                roles: rel
                    .roles
                    .iter()
                    .map(|(r, p)| Needed {
                        slug: role(r),
                        level: p.name(),
                    })
                    .collect(),
                phases: rel.phases.iter().map(phase).collect(),
            }
        })
        .collect();
    let roles = site
        .roles
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let rel = &site.role_relations[i];
            RoleOut {
                slug: r.doc.slug.as_str(),
                title: &r.doc.title,
                summary: r.doc.summary.as_deref(),
                url: abs(PageRef::Entity(Kind::Role, i)),
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
                    .map(|(s, p)| Needed {
                        slug: skill(s),
                        level: p.name(),
                    })
                    .collect(),
                previous: rel.previous.as_ref().map(role),
                next: rel.next.as_ref().map(role),
            }
        })
        .collect();
    let phases = site
        .phases
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let rel = &site.phase_relations[i];
            let unit = site.unit_of_track(p.track);
            PhaseOut {
                slug: p.doc.slug.as_str(),
                title: &p.doc.title,
                summary: p.doc.summary.as_deref(),
                url: abs(PageRef::Entity(Kind::Phase, i)),
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
                    .map(|s| skill(&s))
                    .collect(),
                previous: rel.previous.as_ref().map(phase),
                next: rel.next.as_ref().map(phase),
            }
        })
        .collect();
    let pages = site
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| PageOut {
            slug: p.doc.slug.as_str(),
            title: &p.doc.title,
            summary: p.doc.summary.as_deref(),
            url: abs(PageRef::Entity(Kind::Page, i)),
        })
        .collect();
    let export = Export {
        title: &site.config.title,
        description: &site.config.description,
        base_url: base,
        language: &site.config.language,
        categories: &site.config.categories,
        sources: &site.config.sources,
        tracks,
        skills,
        roles,
        phases,
        pages,
    };
    serde_json::to_writer_pretty(out, &export).map_err(std::io::Error::from)
}
