//! One page's context: the page meta every template gets (`page`, `root`)
//! and the view of its kind (`skill`, `role`, `track`, ...), with the
//! Markdown body rendered into it.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;
use tera::Context;

use super::job::Job;
use super::structured;
use super::views::{self, Cards, PageMeta};
use crate::content::Kind;
use crate::markdown::{self, Highlight};
use crate::resolve::{PageRef, Site};
use crate::urls;

fn meta(
    site: &Site,
    kind: &'static str,
    section: &'static str,
    title: String,
    description: Option<String>,
    url: String,
) -> PageMeta {
    PageMeta {
        kind,
        canonical: format!("{}/{url}", site.config.base_url),
        title,
        description: description.unwrap_or_else(|| site.config.description.clone()),
        url,
        body: String::new(),
        toc: Vec::new(),
        backlinks: Vec::new(),
        edit_url: None,
        updated: None,
        json_ld: None,
        section,
    }
}

/// How page jobs render Markdown: with the caller's highlighter, adding
/// their time to a shared counter (for `--timings`).
pub(super) struct Markdown<'a> {
    pub highlight: Highlight<'a>,
    pub nanos: &'a AtomicU64,
}

/// Renders the body of the page at `r` into its meta.
fn with_body(site: &Site, r: PageRef, m: &mut PageMeta, md: &Markdown<'_>) {
    if let Some(doc) = site.doc(r) {
        let start = std::time::Instant::now();
        let body = markdown::render(site, doc, &site.path(r), md.highlight);
        let spent = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
        md.nanos.fetch_add(spent, Ordering::Relaxed);
        m.body = body.html;
        m.toc = body.toc;
    }
}

/// The meta of a page made from a doc, but its body (see [`with_body`]).
fn with_doc(site: &Site, r: PageRef, mut m: PageMeta) -> PageMeta {
    m.backlinks = site
        .backlinks
        .get(&r)
        .map(|v| {
            v.iter()
                .map(|&b| match b {
                    PageRef::Home => views::LinkView {
                        slug: String::new(),
                        title: site.home.as_ref().map_or_else(
                            || site.config.labels.get("home").to_string(),
                            |h| h.title.clone(),
                        ),
                        url: String::new(),
                        summary: None,
                    },
                    other => views::link(site, other),
                })
                .collect()
        })
        .unwrap_or_default();
    if let (Some(edit), Some(doc)) = (&site.config.edit_url, site.doc(r)) {
        let rel = doc.file.strip_prefix("content").unwrap_or(&doc.file);
        m.edit_url = Some(format!("{edit}/{}", crate::diagnostic::display_path(rel)));
    }
    m
}

/// A page ready for its template: which one, the output file, the context.
pub(super) struct PageJob {
    pub template: &'static str,
    pub file: String,
    pub ctx: Context,
}

/// The template, file and context of one page, its Markdown body
/// rendered.
pub(super) fn page_job(site: &Site, cards: &Cards, job: Job, md: &Markdown<'_>) -> PageJob {
    let mut ctx = Context::new();
    let url = job.url(site);
    let file = job.file(site);
    let (path, mut m) = match job {
        Job::Home => {
            let title = site
                .home
                .as_ref()
                .map_or_else(|| site.config.title.clone(), |h| h.title.clone());
            let summary = site.home.as_ref().and_then(|h| h.summary.clone());
            let m = with_doc(
                site,
                PageRef::Home,
                meta(site, "home", "home", title, summary, String::new()),
            );
            (String::new(), m)
        }
        Job::Entity(kind, i) => {
            let r = PageRef::Entity(kind, i);
            let card = views::link(site, r);
            let (name, section) = match kind {
                Kind::Skill => ("skill", "skills"),
                Kind::Role => ("role", "roles"),
                Kind::Phase => ("phase", "phases"),
                Kind::Page => ("page", "pages"),
            };
            let m = with_doc(
                site,
                r,
                meta(
                    site,
                    name,
                    section,
                    card.title.clone(),
                    card.summary.clone(),
                    card.url.clone(),
                ),
            );
            match kind {
                Kind::Skill => ctx.insert("skill", &views::skill_view(site, cards, i)),
                Kind::Role => ctx.insert("role", &views::role_view(site, cards, i)),
                Kind::Phase => ctx.insert("phase", &views::phase_view(site, cards, i)),
                Kind::Page => {}
            }
            (card.url.clone(), m)
        }
        Job::Section(kind) => {
            let (key, section) = match kind {
                Kind::Skill => ("skills", "skills"),
                Kind::Role => ("job_roles", "roles"),
                _ => ("roadmaps", "phases"),
            };
            let title = site.config.labels.get(key);
            let m = meta(site, section, section, title.to_string(), None, url.clone());
            if kind == Kind::Skill {
                let root = urls::root_prefix(&url);
                ctx.insert(
                    "skill_map",
                    &super::diagrams::skill_map(site, cards, &root).unwrap_or_default(),
                );
            }
            if kind == Kind::Phase {
                let root = urls::root_prefix(&url);
                let tracks: Vec<views::TrackView> = (0..site.tracks.len())
                    .map(|i| views::track_view(site, cards, i, Some(&root)))
                    .collect();
                ctx.insert("tracks", &tracks);
            }
            (url.clone(), m)
        }
        Job::Track(i) => {
            let root = urls::root_prefix(&url);
            let title = site.config.tracks[site.tracks[i].config].title.clone();
            let m = meta(site, "track", "phases", title, None, url.clone());
            ctx.insert("track", &views::track_view(site, cards, i, Some(&root)));
            (url.clone(), m)
        }
        Job::Matrix => {
            let m = meta(
                site,
                "matrix",
                "matrix",
                site.config.labels.get("matrix_title").to_string(),
                None,
                url.clone(),
            );
            ctx.insert("rows", &views::matrix_rows(site, cards));
            (url.clone(), m)
        }
        Job::Progress => {
            let m = meta(
                site,
                "progress",
                "progress",
                site.config.labels.get("my_progress").to_string(),
                None,
                url.clone(),
            );
            (url.clone(), m)
        }
        Job::Print => {
            let m = meta(
                site,
                "print",
                "print",
                site.config.labels.get("print_title").to_string(),
                None,
                url.clone(),
            );
            ctx.insert("print", &super::print::view(site, cards, md.nanos));
            (url.clone(), m)
        }
        Job::Compare(a, b) => {
            let (ta, tb) = (&cards.roles[a].link.title, &cards.roles[b].link.title);
            let labels = &site.config.labels;
            let title = labels.fill("versus", &[("a", ta), ("b", tb)]);
            let description = labels.fill("compare_description", &[("a", ta), ("b", tb)]);
            let m = meta(
                site,
                "compare",
                "roles",
                title,
                Some(description),
                url.clone(),
            );
            ctx.insert("compare", &views::compare_view(site, cards, a, b));
            (url.clone(), m)
        }
        Job::Alias(a) => {
            let (alias, skill) = &site.aliases[a];
            let target = cards.skills[*skill].link.clone();
            let mut m = meta(
                site,
                "redirect",
                "skills",
                target.title.clone(),
                None,
                url.clone(),
            );
            m.canonical = format!("{}/{}", site.config.base_url, target.url);
            ctx.insert(
                "target",
                &Redirect {
                    url: urls::relative(&url, &target.url),
                    title: target.title,
                    old_slug: alias.to_string(),
                    new_slug: target.slug,
                },
            );
            (url.clone(), m)
        }
        Job::NotFound => {
            let m = meta(
                site,
                "404",
                "404",
                site.config.labels.get("not_found_title").to_string(),
                None,
                "404.html".to_string(),
            );
            ("404.html".to_string(), m)
        }
    };
    m.updated = job
        .updated(site)
        .map(|t| views::Updated::new(t, &site.config.labels));
    let body_of = match job {
        Job::Home => Some(PageRef::Home),
        Job::Entity(k, i) => Some(PageRef::Entity(k, i)),
        _ => None,
    };
    m.json_ld = body_of
        .and_then(|r| structured::json_ld_value(site, r))
        .as_ref()
        .map(structured::script_text);
    if let Some(r) = body_of {
        with_body(site, r, &mut m, md);
    }
    ctx.insert("page", &m);
    // The page's own `[extra]` fields; empty where the page has no source.
    let extra = body_of.and_then(|r| site.doc(r)).map(|d| &d.extra);
    ctx.insert("extra", &extra.cloned().unwrap_or_default());
    // The 404 page is served at any depth, so it links from the base path.
    let root = if matches!(job, Job::NotFound) {
        site.config.base_path.clone()
    } else {
        urls::root_prefix(&path)
    };
    ctx.insert("root", &root);
    PageJob {
        template: job.template(),
        file,
        ctx,
    }
}

#[derive(Serialize)]
struct Redirect {
    url: String,
    title: String,
    old_slug: String,
    new_slug: String,
}
