//! `/handbook.json`: every entity with its resolved relations, for tools
//! and readers that want the data rather than the pages. URLs are absolute
//! so the file is useful wherever it is copied.

use serde::Serialize;

use super::views::{self, Cards};
use crate::resolve::Site;

#[derive(Serialize)]
struct Export<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    language: &'a str,
    categories: &'a [crate::config::Named],
    sources: &'a [crate::config::Source],
    tracks: Vec<TrackOut<'a>>,
    skills: Vec<SkillOut>,
    roles: Vec<RoleOut>,
    phases: Vec<PhaseOut>,
    pages: Vec<PageOut>,
}

#[derive(Serialize)]
struct TrackOut<'a> {
    id: &'a str,
    title: &'a str,
    url: String,
    total: Option<String>,
    phases: Vec<String>,
}

#[derive(Serialize)]
struct SkillOut {
    #[serde(flatten)]
    view: views::SkillView,
}

#[derive(Serialize)]
struct RoleOut {
    #[serde(flatten)]
    view: views::RoleView,
}

#[derive(Serialize)]
struct PhaseOut {
    #[serde(flatten)]
    view: views::PhaseView,
}

#[derive(Serialize)]
struct PageOut {
    slug: String,
    title: String,
    summary: Option<String>,
    url: String,
}

/// The export as pretty-printed JSON (stable field order, so builds stay
/// byte-identical).
pub fn handbook_json(site: &Site, cards: &Cards) -> String {
    let base = &site.config.base_url;
    let abs = |u: &str| format!("{base}/{u}");
    let tracks = (0..site.tracks.len())
        .map(|i| {
            let t = views::track_view(site, cards, i, None);
            let named = &site.config.tracks[site.tracks[i].config];
            TrackOut {
                id: &named.id,
                title: &named.title,
                url: abs(&t.url),
                total: t.total,
                phases: t.phases.into_iter().map(|p| p.link.slug).collect(),
            }
        })
        .collect();
    let mut skills: Vec<SkillOut> = (0..site.skills.len())
        .map(|i| SkillOut {
            view: views::skill_view(site, cards, i),
        })
        .collect();
    let mut roles: Vec<RoleOut> = (0..site.roles.len())
        .map(|i| RoleOut {
            view: views::role_view(site, cards, i),
        })
        .collect();
    let mut phases: Vec<PhaseOut> = (0..site.phases.len())
        .map(|i| PhaseOut {
            view: views::phase_view(site, cards, i),
        })
        .collect();
    for s in &mut skills {
        s.view.card.link.url = abs(&s.view.card.link.url);
    }
    for r in &mut roles {
        r.view.card.link.url = abs(&r.view.card.link.url);
        // Charts and comparison links are presentation, not data.
        r.view.salary_charts.clear();
        r.view.compare.clear();
    }
    for p in &mut phases {
        p.view.card.link.url = abs(&p.view.card.link.url);
        p.view.track_url = abs(&p.view.track_url);
    }
    let pages = cards
        .pages
        .iter()
        .map(|p| PageOut {
            slug: p.slug.clone(),
            title: p.title.clone(),
            summary: p.summary.clone(),
            url: abs(&p.url),
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
    serde_json::to_string_pretty(&export).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
