//! Render: pages through Tera templates, plus the machine-readable export
//! and the files for search engines and feed readers (sitemap, robots,
//! Atom feed).
//!
//! The default theme's templates are embedded in the binary ([`BUILTIN`]);
//! a handbook's own `templates/` overrides any of them by file name and may
//! add more (for `{% include %}`). Templates see one documented view model
//! per page kind ([`views`]) and never read files. A template error names
//! the template file and line and the page that was being rendered.

pub mod assets;
pub mod charts;
pub mod export;
pub mod feeds;
pub mod format;
pub mod reads;
pub mod structured;
pub mod views;

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::content::Kind;
use crate::diagnostic::{Diagnostic, Diagnostics};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::fs::{Sink, SourceFile};
use crate::git::Timestamp;
use crate::markdown;
use crate::resolve::{PageRef, Site};
use crate::urls;
use assets::ShippedAssets;
use views::{Cards, PageMeta};

macro_rules! builtin {
    ($($name:literal),+ $(,)?) => {
        &[$(($name, include_str!(concat!("../../templates/", $name)))),+]
    };
}

/// The default theme's templates, by the name a handbook overrides them with.
pub const BUILTIN: &[(&str, &str)] = builtin!(
    "base.html",
    "macros.html",
    "index.html",
    "skill.html",
    "role.html",
    "phase.html",
    "page.html",
    "skills.html",
    "roles.html",
    "phases.html",
    "track.html",
    "matrix.html",
    "compare.html",
    "redirect.html",
    "404.html",
);

/// The default theme's static files, written under the output root before
/// the handbook's own `static/` (which can replace them).
pub const THEME_ASSETS: &[(&str, &[u8])] = &[
    (
        "assets/roadbook.css",
        include_bytes!("../../static/assets/roadbook.css"),
    ),
    (
        "assets/roadbook.js",
        include_bytes!("../../static/assets/roadbook.js"),
    ),
];

/// A rendered page: its output path and HTML.
pub struct Page {
    pub path: String,
    pub html: String,
}

/// Where a template's text came from, for error messages.
struct TemplateSource {
    file: PathBuf,
    text: String,
}

/// The template set, ready to render pages.
pub struct Templates {
    tera: Tera,
    sources: HashMap<String, TemplateSource>,
    /// What each template, with those it uses, reads of `site`.
    site_reads: HashMap<String, reads::SiteReads>,
}

impl Templates {
    /// Whether pages rendered with `template` can show any of the
    /// `changed` fields of `site`.
    fn reads_any(&self, template: &str, changed: &[&str]) -> bool {
        self.site_reads
            .get(template)
            .is_none_or(|r| r.any_of(changed))
    }
}

/// Builds the template set from the built-ins and the handbook's overrides
/// (files read from `templates/` by the load stage).
pub fn templates(overrides: &[SourceFile]) -> Result<Templates, Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut sources: HashMap<String, TemplateSource> = BUILTIN
        .iter()
        .map(|(name, text)| {
            let src = TemplateSource {
                file: PathBuf::from(format!("(built-in) templates/{name}")),
                text: (*text).to_string(),
            };
            (name.to_string(), src)
        })
        .collect();
    for f in overrides {
        let name = f.rel.strip_prefix("templates").unwrap_or(&f.rel);
        let name = crate::diagnostic::display_path(name);
        match String::from_utf8(f.bytes.clone()) {
            Ok(text) => {
                sources.insert(
                    name,
                    TemplateSource {
                        file: f.rel.clone(),
                        text,
                    },
                );
            }
            Err(_) => diags.push(
                Diagnostic::file_error(&f.rel, "the template is not UTF-8 text")
                    .with_help("save it with UTF-8 encoding"),
            ),
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    let mut tera = Tera::new();
    tera.autoescape_on([".html", ".xml"]);
    let mut names: Vec<&String> = sources.keys().collect();
    names.sort();
    // Add one at a time so a syntax error names its own template; Tera
    // re-checks inheritance when the last one arrives.
    let all: Vec<(&str, &str)> = names
        .iter()
        .map(|n| (n.as_str(), sources[*n].text.as_str()))
        .collect();
    let site_reads = reads::site_reads(&all);
    if let Err(e) = tera.add_raw_templates(all) {
        diags.push(tera_diagnostic(&e, &sources));
        return Err(diags);
    }
    Ok(Templates {
        tera,
        sources,
        site_reads,
    })
}

fn tera_diagnostic(e: &tera::Error, sources: &HashMap<String, TemplateSource>) -> Diagnostic {
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let syntax = matches!(e.kind(), tera::ErrorKind::SyntaxError(_));
            let (what, help) = if syntax {
                ("template syntax error", "Tera writes values as `{{ x }}`, tags as `{% if … %}…{% endif %}` and comments as `{# … #}`")
            } else {
                ("template error", "docs/templates.md lists every variable each template receives; test optional ones with `{% if x %}`")
            };
            let message = format!("{what}: {}", r.message());
            match sources.get(r.filename()) {
                Some(src) => Diagnostic::error(&src.file, &src.text, r.span().range.clone(), message),
                None => Diagnostic::general(format!("{message} (in template `{}`)", r.filename())),
            }
            .with_help(help)
        }
        other => Diagnostic::general(format!("template error: {other}"))
            .with_help("a handbook's templates/ folder overrides built-in templates by file name; see docs/templates.md"),
    }
}

/// What one output page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Job {
    Home,
    Entity(Kind, usize),
    Section(Kind),
    Track(usize),
    Matrix,
    Compare(usize, usize),
    Alias(usize),
    NotFound,
}

impl Job {
    /// Site-root-relative path of the page (`skills/databases/`).
    fn url(self, site: &Site) -> String {
        match self {
            Job::Home => String::new(),
            Job::Entity(k, i) => site.path(PageRef::Entity(k, i)),
            Job::Section(kind) => format!("{}/", kind.folder()),
            Job::Track(i) => format!("tracks/{}/", site.config.tracks[site.tracks[i].config].id),
            Job::Matrix => "matrix/".to_string(),
            Job::Compare(a, b) => views::compare_url(site, a, b),
            Job::Alias(a) => format!("skills/{}/", site.aliases[a].0),
            Job::NotFound => "404.html".to_string(),
        }
    }

    /// The template the page is rendered with.
    fn template(self) -> &'static str {
        match self {
            Job::Home => "index.html",
            Job::Entity(Kind::Skill, _) => "skill.html",
            Job::Entity(Kind::Role, _) => "role.html",
            Job::Entity(Kind::Phase, _) => "phase.html",
            Job::Entity(Kind::Page, _) => "page.html",
            Job::Section(Kind::Skill) => "skills.html",
            Job::Section(Kind::Role) => "roles.html",
            Job::Section(_) => "phases.html",
            Job::Track(_) => "track.html",
            Job::Matrix => "matrix.html",
            Job::Compare(..) => "compare.html",
            Job::Alias(_) => "redirect.html",
            Job::NotFound => "404.html",
        }
    }

    /// When the page's content last changed: its own file's last commit,
    /// or for a generated page the newest of the files it is made from.
    fn updated(self, site: &Site) -> Option<Timestamp> {
        let of = |k: Kind, i: usize| site.doc(PageRef::Entity(k, i)).and_then(|d| d.updated);
        let newest = |k: Kind, n: usize| (0..n).filter_map(|i| of(k, i)).max();
        match self {
            Job::Home => site.home.as_ref().and_then(|h| h.updated),
            Job::Entity(k, i) => of(k, i),
            Job::Section(Kind::Skill) => newest(Kind::Skill, site.skills.len()),
            Job::Section(Kind::Role) => newest(Kind::Role, site.roles.len()),
            Job::Section(_) => newest(Kind::Phase, site.phases.len()),
            Job::Track(i) => site.tracks[i]
                .phases
                .iter()
                .filter_map(|&p| of(Kind::Phase, p))
                .max(),
            Job::Matrix => {
                newest(Kind::Skill, site.skills.len()).max(newest(Kind::Role, site.roles.len()))
            }
            Job::Compare(a, b) => of(Kind::Role, a).max(of(Kind::Role, b)),
            Job::Alias(_) | Job::NotFound => None,
        }
    }

    /// Pages that list every skill, role or phase, whose size grows with
    /// the handbook rather than with one entry.
    fn lists_the_site(self) -> bool {
        matches!(
            self,
            Job::Home | Job::Matrix | Job::Section(_) | Job::Track(_)
        )
    }

    /// Pages search engines should index: not the 404 page, not the
    /// redirects left at old slugs.
    fn indexed(self) -> bool {
        !matches!(self, Job::Alias(_) | Job::NotFound)
    }
}

/// Every page of the site, in a stable order.
fn jobs(site: &Site) -> Vec<Job> {
    let mut jobs = vec![Job::Home, Job::Matrix, Job::NotFound];
    for kind in [Kind::Skill, Kind::Role, Kind::Phase] {
        jobs.push(Job::Section(kind));
    }
    for (r, _) in site.entities() {
        if let PageRef::Entity(k, i) = r {
            jobs.push(Job::Entity(k, i));
        }
    }
    jobs.extend((0..site.tracks.len()).map(Job::Track));
    jobs.extend((0..site.aliases.len()).map(Job::Alias));
    for a in 0..site.roles.len() {
        jobs.extend((a + 1..site.roles.len()).map(|b| Job::Compare(a, b)));
    }
    jobs
}

/// `sitemap.xml`, `atom.xml` and `robots.txt`. The output stage writes
/// each only where the handbook's own `static/` has no file of that name.
pub fn discovery_files(site: &Site) -> Vec<Page> {
    let entries: Vec<feeds::Entry> = jobs(site)
        .into_iter()
        .filter(|j| j.indexed())
        .map(|job| {
            let doc = match job {
                Job::Home => site.home.as_ref(),
                Job::Entity(k, i) => site.doc(PageRef::Entity(k, i)),
                _ => None,
            };
            let in_feed = matches!(job, Job::Home | Job::Entity(..));
            let title = match (job, doc) {
                (Job::Home, None) => site.config.title.clone(),
                (_, Some(d)) => d.title.clone(),
                _ => String::new(),
            };
            feeds::Entry {
                url: job.url(site),
                title,
                summary: doc
                    .and_then(|d| d.summary.clone())
                    .or_else(|| matches!(job, Job::Home).then(|| site.config.description.clone())),
                updated: job.updated(site),
                in_feed,
            }
        })
        .collect();
    let generator = format!("roadbook {}", env!("CARGO_PKG_VERSION"));
    vec![
        Page {
            path: "atom.xml".to_string(),
            html: feeds::atom(&site.config, &entries, &generator),
        },
        Page {
            path: "robots.txt".to_string(),
            html: feeds::robots(&site.config),
        },
        Page {
            path: "sitemap.xml".to_string(),
            html: feeds::sitemap(&site.config, &entries),
        },
    ]
}

/// What rendering produced, for the summary line and `--timings`.
#[derive(Debug, Default, Clone, Copy)]
pub struct Rendered {
    /// HTML pages written (the JSON export not counted).
    pub pages: usize,
    /// Time spent turning Markdown into HTML, summed over threads (it runs
    /// inside each page's job, so no body outlives its page).
    pub markdown: std::time::Duration,
}

/// The serial work every page needs first: the cards of every entity, and
/// the site view set as the templates' global context. Kept by a `serve`
/// session so that re-rendering one page does not redo it.
pub fn prepare(site: &Site, templates: &mut Templates, shipped: &ShippedAssets) -> Cards {
    let cards = views::cards(site);
    set_site(templates, &views::site_view(site, &cards, shipped.view()));
    cards
}

/// Makes `view` the `site` every template sees.
pub fn set_site(templates: &mut Templates, view: &views::SiteView) {
    templates.tera.global_context().insert("site", view);
}

/// Renders every page of the site and the JSON export in parallel and
/// puts each into `sink` as soon as it is done, so memory holds a page at
/// a time per thread, not the site. `templates` and `cards` come from
/// [`prepare`].
///
/// The few outputs that list the whole site (the export, the home page,
/// the matrix, the section and track pages: megabytes each for a large
/// handbook) are made one after another on one thread while the other
/// threads render the per-entity pages, so that no two of them are in
/// memory at once.
pub fn pages(
    site: &Site,
    templates: &Templates,
    cards: &Cards,
    memo: Option<&markdown::highlight::Memo>,
    sink: &dyn Sink,
) -> Result<Rendered, Diagnostics> {
    let (whole, each): (Vec<Job>, Vec<Job>) =
        jobs(site).into_iter().partition(|j| j.lists_the_site());
    let r = Renderer::new(site, templates, cards, memo, sink);
    let (mut errors, more) = rayon::join(
        || {
            let mut errors = Vec::new();
            if let Err(e) = sink.put_with("handbook.json", &mut |w| export::handbook_json(site, w))
            {
                errors.push((
                    Diagnostic::general(e.to_string()),
                    "handbook.json".to_string(),
                ));
            }
            errors.extend(whole.iter().filter_map(|job| r.render(*job)));
            errors
        },
        || {
            each.par_iter()
                .filter_map(|job| r.render(*job))
                .collect::<Vec<_>>()
        },
    );
    errors.extend(more);
    r.finish(errors, whole.len() + each.len())
}

/// Renders only the pages of these docs (the home page or an entity's
/// page): what `serve` redoes when nothing but their Markdown bodies
/// changed, since no other page shows a body.
pub fn pages_of(
    site: &Site,
    templates: &Templates,
    cards: &Cards,
    memo: Option<&markdown::highlight::Memo>,
    sink: &dyn Sink,
    docs: &[PageRef],
) -> Result<Rendered, Diagnostics> {
    let r = Renderer::new(site, templates, cards, memo, sink);
    let errors = docs
        .par_iter()
        .filter_map(|d| {
            r.render(match *d {
                PageRef::Home => Job::Home,
                PageRef::Entity(k, i) => Job::Entity(k, i),
            })
        })
        .collect();
    r.finish(errors, docs.len())
}

/// Renders again every page that can show the entry at `edited`, after a
/// `serve` session swapped in an edit that kept its shape and place
/// ([`crate::content::Entity::same_shape`], [`Site::keeps_place`]) and
/// refreshed its cards ([`views::refresh_card`]); `site_changed` names the
/// fields of the `site` global that differ from the last build's
/// ([`views::changed_site_fields`]). The JSON export is made again too.
///
/// Which pages those are follows from the view model ([`showing`]) and
/// from what each template reads of `site` ([`reads`]); `tests/session.rs`
/// compares the result with a fresh build for every file of two handbooks.
pub fn pages_showing(
    site: &Site,
    templates: &Templates,
    cards: &Cards,
    memo: Option<&markdown::highlight::Memo>,
    sink: &dyn Sink,
    edited: PageRef,
    site_changed: &[&str],
) -> Result<Rendered, Diagnostics> {
    let jobs = showing(site, templates, edited, site_changed);
    let r = Renderer::new(site, templates, cards, memo, sink);
    let (mut errors, more) = rayon::join(
        || match sink.put_with("handbook.json", &mut |w| export::handbook_json(site, w)) {
            Ok(()) => Vec::new(),
            Err(e) => vec![(
                Diagnostic::general(e.to_string()),
                "handbook.json".to_string(),
            )],
        },
        || {
            jobs.par_iter()
                .filter_map(|job| r.render(*job))
                .collect::<Vec<_>>()
        },
    );
    errors.extend(more);
    r.finish(errors, jobs.len())
}

/// Whether the page of `r` is rendered with a template that reads any of
/// `fields` of `site`.
pub fn page_reads(templates: &Templates, r: PageRef, fields: &[&str]) -> bool {
    let job = match r {
        PageRef::Home => Job::Home,
        PageRef::Entity(k, i) => Job::Entity(k, i),
    };
    templates.reads_any(job.template(), fields)
}

/// The pages that can show the entry at `edited` (see [`pages_showing`]):
/// its own, the pages whose view holds its card or link, and those whose
/// templates read a changed part of `site`. The largest pages come first,
/// so that the two threads finish together.
fn showing(site: &Site, templates: &Templates, edited: PageRef, site_changed: &[&str]) -> Vec<Job> {
    let mut out: BTreeSet<Job> = BTreeSet::new();
    let page = |r: PageRef| match r {
        PageRef::Home => Job::Home,
        PageRef::Entity(k, i) => Job::Entity(k, i),
    };
    out.insert(page(edited));
    // Pages linking to it, whose empty link texts show its title; pages it
    // links to, which list it among their backlinks.
    if let Some(sources) = site.backlinks.get(&edited) {
        out.extend(sources.iter().map(|&s| page(s)));
    }
    for (target, sources) in &site.backlinks {
        if sources.contains(&edited) {
            out.insert(page(*target));
        }
    }
    let track_of = |p: usize| site.tracks.iter().position(|t| t.phases.contains(&p));
    let all = jobs(site);
    match edited {
        PageRef::Entity(Kind::Skill, i) => {
            let rel = &site.skill_relations[i];
            let skills = rel
                .prerequisites
                .iter()
                .chain(&rel.unlocks)
                .chain(&rel.related);
            out.extend(skills.map(|&j| Job::Entity(Kind::Skill, j)));
            // The roles' pages group it by level; their cards list it as a
            // key skill, and their comparisons row by row.
            for &(role, _) in &rel.roles {
                out.insert(Job::Entity(Kind::Role, role));
                out.extend(
                    all.iter()
                        .filter(|j| matches!(j, Job::Compare(a, b) if *a == role || *b == role)),
                );
            }
            for &p in &rel.phases {
                out.insert(Job::Entity(Kind::Phase, p));
                out.extend(track_of(p).map(Job::Track));
                out.insert(Job::Section(Kind::Phase));
            }
            for (a, (_, target)) in site.aliases.iter().enumerate() {
                if *target == i {
                    out.insert(Job::Alias(a));
                }
            }
            out.insert(Job::Matrix);
        }
        PageRef::Entity(Kind::Role, i) => {
            // Every role page links to every other role to compare with,
            // by title.
            out.extend(all.iter().filter(|j| match j {
                Job::Entity(Kind::Role, _) => true,
                Job::Compare(a, b) => *a == i || *b == i,
                _ => false,
            }));
            let needs = &site.role_relations[i].skills;
            out.extend(needs.iter().map(|&(s, _)| Job::Entity(Kind::Skill, s)));
        }
        PageRef::Entity(Kind::Phase, i) => {
            let rel = &site.phase_relations[i];
            out.extend(
                rel.previous
                    .iter()
                    .chain(&rel.next)
                    .map(|&p| Job::Entity(Kind::Phase, p)),
            );
            // The skills it builds show its card.
            for (s, srel) in site.skill_relations.iter().enumerate() {
                if srel.phases.contains(&i) {
                    out.insert(Job::Entity(Kind::Skill, s));
                }
            }
            out.extend(track_of(i).map(Job::Track));
            out.insert(Job::Section(Kind::Phase));
        }
        PageRef::Entity(Kind::Page, _) | PageRef::Home => {}
    }
    if !site_changed.is_empty() {
        out.extend(
            all.iter()
                .filter(|j| templates.reads_any(j.template(), site_changed)),
        );
    }
    let mut list: Vec<Job> = out.into_iter().collect();
    list.sort_by_key(|j| !j.lists_the_site());
    list
}

/// What every page job shares: the inputs, where pages go, and the time
/// spent in Markdown.
struct Renderer<'a> {
    site: &'a Site,
    templates: &'a Templates,
    cards: &'a Cards,
    memo: Option<&'a markdown::highlight::Memo>,
    sink: &'a dyn Sink,
    markdown_nanos: AtomicU64,
}

impl<'a> Renderer<'a> {
    fn new(
        site: &'a Site,
        templates: &'a Templates,
        cards: &'a Cards,
        memo: Option<&'a markdown::highlight::Memo>,
        sink: &'a dyn Sink,
    ) -> Self {
        Renderer {
            site,
            templates,
            cards,
            memo,
            sink,
            markdown_nanos: AtomicU64::new(0),
        }
    }

    /// Renders one page into the sink; on failure, the error and the page
    /// it happened on.
    fn render(&self, job: Job) -> Option<(Diagnostic, String)> {
        let md = Markdown {
            memo: self.memo,
            nanos: &self.markdown_nanos,
        };
        let page = page_job(self.site, self.cards, job, &md);
        let tera = &self.templates.tera;
        let mut failed = None;
        let put = self.sink.put_with(&page.file, &mut |w| {
            tera.render_to(page.template, &page.ctx, w).map_err(|e| {
                failed = Some(e);
                std::io::Error::other("the template failed")
            })
        });
        if let Some(e) = failed {
            return Some((tera_diagnostic(&e, &self.templates.sources), page.file));
        }
        put.err()
            .map(|e| (Diagnostic::general(e.to_string()), page.file))
    }

    /// What rendering `pages` pages came to, given the errors met on the
    /// way. Template errors carry no page in their message yet, so one
    /// mistake shared by many pages is reported once.
    fn finish(
        self,
        errors: Vec<(Diagnostic, String)>,
        pages: usize,
    ) -> Result<Rendered, Diagnostics> {
        let mut diags = Diagnostics::new();
        for d in group_by_mistake(errors) {
            diags.push(d);
        }
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(Rendered {
            pages,
            markdown: std::time::Duration::from_nanos(self.markdown_nanos.into_inner()),
        })
    }
}

/// One diagnostic per distinct mistake, naming the first page (in path
/// order) it broke and how many others.
fn group_by_mistake(errors: Vec<(Diagnostic, String)>) -> Vec<Diagnostic> {
    let mut groups: Vec<(Diagnostic, Vec<String>)> = Vec::new();
    for (d, page) in errors {
        match groups.iter_mut().find(|(g, _)| *g == d) {
            Some((_, pages)) => pages.push(page),
            None => groups.push((d, vec![page])),
        }
    }
    groups
        .into_iter()
        .map(|(mut d, mut pages)| {
            pages.sort();
            let first = pages[0].trim_end_matches("index.html");
            let others = match pages.len() - 1 {
                0 => String::new(),
                1 => " (and 1 other page)".to_string(),
                n => format!(" (and {n} other pages)"),
            };
            d.message =
                d.message
                    .replacen(": ", &format!(" while rendering `/{first}`{others}: "), 1);
            d
        })
        .collect()
}

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

/// How page jobs render Markdown: with the highlight memo of a `serve`
/// session (if any), adding their time to a shared counter.
struct Markdown<'a> {
    memo: Option<&'a markdown::highlight::Memo>,
    nanos: &'a AtomicU64,
}

fn with_doc(site: &Site, r: PageRef, mut m: PageMeta, md: &Markdown<'_>) -> PageMeta {
    if let Some(doc) = site.doc(r) {
        let start = std::time::Instant::now();
        let body = markdown::render_with(site, doc, &site.path(r), md.memo);
        let spent = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
        md.nanos.fetch_add(spent, Ordering::Relaxed);
        m.body = body.html;
        m.toc = body.toc;
    }
    m.backlinks = site
        .backlinks
        .get(&r)
        .map(|v| {
            v.iter()
                .map(|&b| match b {
                    PageRef::Home => views::LinkView {
                        slug: String::new(),
                        title: site
                            .home
                            .as_ref()
                            .map_or_else(|| "Home".to_string(), |h| h.title.clone()),
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
struct PageJob {
    template: &'static str,
    file: String,
    ctx: Context,
}

fn page_job(site: &Site, cards: &Cards, job: Job, md: &Markdown<'_>) -> PageJob {
    let mut ctx = Context::new();
    let url = job.url(site);
    let (path, file, mut m) = match job {
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
                md,
            );
            (String::new(), "index.html".to_string(), m)
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
                md,
            );
            match kind {
                Kind::Skill => ctx.insert("skill", &views::skill_view(site, cards, i)),
                Kind::Role => ctx.insert("role", &views::role_view(site, cards, i)),
                Kind::Phase => ctx.insert("phase", &views::phase_view(site, cards, i)),
                Kind::Page => {}
            }
            (card.url.clone(), format!("{}index.html", card.url), m)
        }
        Job::Section(kind) => {
            let (title, section) = match kind {
                Kind::Skill => ("Skills", "skills"),
                Kind::Role => ("Job roles", "roles"),
                _ => ("Roadmaps", "phases"),
            };
            let m = meta(site, section, section, title.to_string(), None, url.clone());
            if kind == Kind::Phase {
                let root = urls::root_prefix(&url);
                let tracks: Vec<views::TrackView> = (0..site.tracks.len())
                    .map(|i| views::track_view(site, cards, i, Some(&root)))
                    .collect();
                ctx.insert("tracks", &tracks);
            }
            (url.clone(), format!("{url}index.html"), m)
        }
        Job::Track(i) => {
            let tv = views::track_view(site, cards, i, Some(&urls::root_prefix(&url)));
            let m = meta(site, "track", "phases", tv.title.clone(), None, url.clone());
            ctx.insert("track", &tv);
            (url.clone(), format!("{url}index.html"), m)
        }
        Job::Matrix => {
            let m = meta(
                site,
                "matrix",
                "matrix",
                "Skills × roles".to_string(),
                None,
                url.clone(),
            );
            ctx.insert("rows", &views::matrix_rows(site, cards));
            (url.clone(), format!("{url}index.html"), m)
        }
        Job::Compare(a, b) => {
            let cv = views::compare_view(site, cards, a, b);
            let title = format!("{} vs {}", cv.a.link.title, cv.b.link.title);
            let description = format!(
                "{} and {} side by side: level, experience, salary and the skills to learn to move up.",
                cv.a.link.title, cv.b.link.title
            );
            let m = meta(
                site,
                "compare",
                "roles",
                title,
                Some(description),
                url.clone(),
            );
            ctx.insert("compare", &cv);
            (url.clone(), format!("{url}index.html"), m)
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
            (url.clone(), format!("{url}index.html"), m)
        }
        Job::NotFound => {
            let m = meta(
                site,
                "404",
                "404",
                "Page not found".to_string(),
                None,
                "404.html".to_string(),
            );
            ("404.html".to_string(), "404.html".to_string(), m)
        }
    };
    m.updated = job.updated(site).map(views::Updated::from);
    m.json_ld = match job {
        Job::Home => structured::json_ld(site, PageRef::Home),
        Job::Entity(k, i) => structured::json_ld(site, PageRef::Entity(k, i)),
        _ => None,
    };
    ctx.insert("page", &m);
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
