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
mod filters;
pub mod fingerprint;
pub mod format;
pub mod partials;
pub mod reads;
pub mod structured;
pub mod values;
pub mod views;

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::content::Kind;
use crate::diagnostic::{Diagnostic, Diagnostics};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

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
    "partials/skill-row.html",
    "partials/matrix-row.html",
    "partials/skill-link.html",
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
/// (files read from `templates/` by the load stage). `cached`: keep what
/// `partial` calls render for later runs ([`partials`]), as a `serve`
/// session does.
pub fn templates(overrides: &[SourceFile], cached: bool) -> Result<Templates, Diagnostics> {
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
    filters::register(&mut tera);
    let mut names: Vec<&String> = sources.keys().collect();
    names.sort();
    // Add one at a time so a syntax error names its own template; Tera
    // re-checks inheritance when the last one arrives.
    let all: Vec<(&str, &str)> = names
        .iter()
        .map(|n| (n.as_str(), sources[*n].text.as_str()))
        .collect();
    let site_reads = reads::site_reads(&all);
    let partials = std::sync::Arc::new(partials::Partials::new(cached));
    partials::register(&mut tera, std::sync::Arc::clone(&partials));
    if let Err(e) = tera.add_raw_templates(all) {
        diags.push(tera_diagnostic(&e, &sources));
        return Err(diags);
    }
    // The same templates for `partial`, which see nothing but their
    // arguments: no `site` is ever set on this copy.
    partials.use_templates(&tera);
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
            let mut message = format!("{what}: {}", r.message());
            let mut span = r.span().range.clone();
            // Tera points at the first name of `page.no_such_field`; name
            // the whole path, so the report says which field is missing.
            if let Some(src) = sources.get(r.filename())
                && r.message().contains("undefined")
                && let Some(rest) = src.text.get(span.start..)
            {
                let end = rest
                    .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
                    .unwrap_or(rest.len());
                let path = rest[..end].trim_end_matches('.');
                if path.contains('.') {
                    message = format!("{what}: `{path}` is undefined ({})", r.message());
                    span = span.start..span.start + path.len();
                }
            }
            match sources.get(r.filename()) {
                Some(src) => Diagnostic::error(&src.file, &src.text, span, message),
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
    /// The file the page is written to (`skills/databases/index.html`).
    fn file(self, site: &Site) -> String {
        match self {
            Job::NotFound => "404.html".to_string(),
            job => {
                let mut file = job.url(site);
                file.push_str("index.html");
                file
            }
        }
    }

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

    /// The page of a doc: the home page or an entry's.
    fn page(r: PageRef) -> Job {
        match r {
            PageRef::Home => Job::Home,
            PageRef::Entity(k, i) => Job::Entity(k, i),
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

    /// Roughly how long the page takes to render, in units of about a
    /// microsecond with the built-in templates (at 10,000 skills and ten
    /// roles: the skills list 40 ms, the matrix 30, the home page and a
    /// track 11, a comparison 3): enough to start the largest first. These
    /// are a build's times; in a `serve` session the lists' rows come
    /// from the partials' cache (skills list and matrix about 11 ms each,
    /// a track 8, the home page 4), which keeps the same order but for
    /// the home page, a few milliseconds early.
    fn weight(self, site: &Site) -> usize {
        let (skills, roles, phases) = (site.skills.len(), site.roles.len(), site.phases.len());
        match self {
            Job::Matrix => skills * (1 + roles / 5),
            Job::Section(Kind::Skill) => skills * 4,
            Job::Section(Kind::Role) => roles * 100,
            Job::Section(_) => skills / 4 + phases * 10,
            Job::Track(i) => site.tracks[i]
                .phases
                .iter()
                .map(|&p| site.phases[p].skills.len() + 10)
                .sum(),
            Job::Home => skills + roles * 100,
            Job::Compare(..) => skills * 3 / 10 + 100,
            Job::Entity(..) => 200,
            Job::Alias(_) | Job::NotFound => 50,
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

    /// Pages a session renders when an edit reached them, rather than
    /// making their fingerprint to compare: the lists of the whole site,
    /// and the comparisons, whose fingerprint walks both roles' cards
    /// (every skill each needs) and a row per skill either needs. At
    /// 10,000 skills a comparison's fingerprint took 1.3 ms and the page
    /// 2.5 more, and a skill's new title changes every comparison that
    /// shows it: nine in the generated handbook.
    fn rendered_when_reached(self) -> bool {
        self.lists_the_site() || matches!(self, Job::Compare(..))
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

/// The files [`discovery_files`] makes.
pub const DISCOVERY: [&str; 3] = ["atom.xml", "robots.txt", "sitemap.xml"];

/// `sitemap.xml`, `atom.xml` and `robots.txt`. The output stage writes
/// each only where the handbook's own `static/` has no file of that name.
pub fn discovery_files(site: &Site) -> Vec<Page> {
    let entries: Vec<feeds::Entry<'_>> = jobs(site)
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
                (Job::Home, None) => site.config.title.as_str(),
                (_, Some(d)) => d.title.as_str(),
                _ => "",
            };
            feeds::Entry {
                url: job.url(site),
                title,
                summary: doc.and_then(|d| d.summary.as_deref()).or_else(|| {
                    matches!(job, Job::Home).then_some(site.config.description.as_str())
                }),
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
#[derive(Debug, Default, Clone)]
pub struct Rendered {
    /// HTML pages written (the JSON export not counted).
    pub pages: usize,
    /// Time spent turning Markdown into HTML, summed over threads (it runs
    /// inside each page's job, so no body outlives its page).
    pub markdown: std::time::Duration,
    /// The rendered pages' fingerprints, where a session asked for them
    /// ([`fingerprint`]).
    pub fingerprints: Vec<(String, u64)>,
}

/// The serial work every page needs after the cards (made first by
/// [`views::cards`], so that a session can show an edited page before the
/// rest, and give them their template values before `site` is put
/// together from them): the site view, set as the templates' global
/// context, and returned with its values. Kept by a `serve` session so
/// that re-rendering one page does not redo it, and so that an edit's
/// changes to `site` can be found and only those serialized again.
pub fn prepare(
    site: &Site,
    templates: &mut Templates,
    shipped: &ShippedAssets,
    cards: Cards,
) -> (Cards, views::SiteView, SiteGlobal) {
    let view = views::site_view(site, &cards, shipped.view());
    let global = SiteGlobal::new(&view, site, &cards);
    global.set(templates);
    (cards, view, global)
}

/// [`prepare`] after an edit, from the last run's view of `site` and its
/// values (`global`): only the fields of `site` the edit changed, which it
/// returns too, are serialized again.
pub fn prepare_after(
    site: &Site,
    templates: &mut Templates,
    shipped: &ShippedAssets,
    cards: Cards,
    old_view: &views::SiteView,
    mut global: SiteGlobal,
) -> (Cards, views::SiteView, SiteGlobal, Vec<&'static str>) {
    let view = views::site_view(site, &cards, shipped.view());
    let changed = views::changed_site_fields(old_view, &view);
    global.update(&view, &changed, site, &cards);
    global.set(templates);
    (cards, view, global, changed)
}

/// Has the cards keep their template values ([`values`]), as a `serve`
/// session does: its later runs put the large lists together from them.
///
/// With the `last` build's cards (and their values) and which of them
/// are the same ([`views::SameCards`]), the values of the cards that are
/// as they were are taken over, not made again.
pub fn keep_values(site: &Site, cards: &mut Cards, last: Option<(&Cards, &views::SameCards)>) {
    let kept = last.and_then(|(l, same)| l.values.as_ref().map(|v| (same, v)));
    cards.values = Some(match kept {
        Some((same, values)) => values::Values::reusing(site, cards, same, values),
        None => values::Values::new(site, cards),
    });
}

/// The `site` global as template values, one per field of
/// [`views::SiteView`]. Values share their data, so putting them together
/// costs nothing; a `serve` session that swaps in an edited entry
/// serializes again only the fields the edit changed (a role's card is in
/// `site.roles`, not in the ten thousand skill cards of
/// `site.categories`).
pub struct SiteGlobal {
    fields: std::collections::BTreeMap<&'static str, tera::Value>,
}

impl SiteGlobal {
    /// `view` is what `site` and `cards` make; the cards' kept values
    /// stand in for the large lists when there are some.
    pub fn new(view: &views::SiteView, site: &Site, cards: &Cards) -> Self {
        let mut global = SiteGlobal {
            fields: std::collections::BTreeMap::new(),
        };
        global.update(view, views::SITE_FIELDS, site, cards);
        global
    }

    /// Takes the `changed` fields from `view`, serialized in parallel.
    pub fn update(
        &mut self,
        view: &views::SiteView,
        changed: &[&'static str],
        site: &Site,
        cards: &Cards,
    ) {
        let fresh = Self::serialize(view, changed, site, cards);
        self.fields.extend(fresh);
    }

    fn serialize(
        view: &views::SiteView,
        changed: &[&'static str],
        site: &Site,
        cards: &Cards,
    ) -> Fields {
        changed
            .par_iter()
            .with_max_len(1)
            .filter_map(|&name| {
                let kept = cards.values.as_ref().and_then(|v| match name {
                    "categories" => Some(v.categories(site)),
                    "tracks" => Some(v.tracks(site, cards, None)),
                    _ => None,
                });
                kept.or_else(|| views::site_field(view, name))
                    .map(|v| (name, v))
            })
            .collect()
    }

    /// The whole `site` value, with `fresh` fields in place of these.
    fn value_with(&self, fresh: &Fields) -> tera::Value {
        let mut fields = self.fields.clone();
        fields.extend(fresh.iter().cloned());
        tera::Value::from(fields)
    }

    /// Makes these values the `site` every template sees. The value it
    /// replaces is freed on another thread: it may hold the last copy of
    /// ten thousand cards, which take a while to free.
    pub fn set(&self, templates: &mut Templates) {
        let value = tera::Value::from(self.fields.clone());
        let old = templates.tera.global_context().remove("site");
        templates.tera.global_context().insert_value("site", value);
        if let Some(old) = old {
            free_elsewhere(old);
        }
    }
}

/// The resolved site of a fixture handbook (a folder of the repository),
/// for this stage's unit tests, which may not use the pipeline that runs
/// it.
#[cfg(test)]
pub(crate) fn fixture_site(fixture: &str) -> Site {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(fixture);
    let config = crate::config::load(&root).unwrap_or_else(|d| panic!("{}", d.render()));
    let files = crate::content::load(&root).unwrap_or_else(|d| panic!("{}", d.render()));
    let (hb, _) = crate::content::parse(&config, files, false, &crate::git::Dates::default());
    crate::resolve::resolve(config, hb, &[]).0
}

/// Frees `x` on a thread of its own, so that freeing a large tree of
/// values (a copy of every card) costs the caller nothing. Without a
/// thread to spare, it is freed here.
pub(crate) fn free_elsewhere<T: Send + 'static>(x: T) {
    let _ = std::thread::Builder::new().spawn(move || drop(x));
}

/// Fields of `site`, serialized.
type Fields = Vec<(&'static str, tera::Value)>;

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
///
/// With `keep_export` (a `serve` session), the export's pieces are
/// returned too, for [`pages_showing`].
pub fn pages(
    site: &Site,
    templates: &Templates,
    cards: &Cards,
    memo: Option<&markdown::highlight::Memo>,
    sink: &dyn Sink,
    keep_export: bool,
) -> Result<(Rendered, Option<export::Entries>), Diagnostics> {
    let (whole, each): (Vec<Job>, Vec<Job>) =
        jobs(site).into_iter().partition(|j| j.lists_the_site());
    // A session keeps what each page was rendered from.
    let r = Renderer::new(site, templates, cards, memo, sink).recording(keep_export);
    let mut entries = None;
    let (mut errors, more) = rayon::join(
        || {
            let mut errors = Vec::new();
            let exported = if keep_export {
                let kept = entries.insert(export::Entries::new(site));
                sink.put_with("handbook.json", &mut |w| kept.write(site, w))
            } else {
                sink.put_with("handbook.json", &mut |w| export::handbook_json(site, w))
            };
            if let Err(e) = exported {
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
    let rendered = finish(errors, whole.len() + each.len(), r)?;
    Ok((rendered, entries))
}

/// What [`pages_changed`] rendered, of how many pages the site has.
pub struct SomePages {
    pub rendered: Rendered,
    /// The export's pieces, kept as [`pages`] keeps them for a session.
    pub export: Option<export::Entries>,
    pub pages: usize,
    /// The pages of `before` the site no longer has.
    pub gone: Vec<String>,
}

/// What [`pages_changed`] compares with: the last run's.
pub struct LastRun<'a> {
    /// Each page's fingerprint.
    pub fingerprints: &'a fingerprint::Fingerprints,
    /// The fields of `site` that differ from the last run's.
    pub site_changed: &'a [&'static str],
    /// The JSON export's pieces, if kept.
    pub export: Option<&'a export::Entries>,
    /// Which pages the edit can have changed, when that is known: the
    /// others are not even compared.
    pub reach: Option<&'a Reach>,
}

/// What an edit a session resolved the site again for can have changed:
/// the pages that showed the edited entry before it, and those that show
/// an entry it changed after it (its own page, the pages holding its card,
/// link or title, and those reading its relations). Making ten thousand
/// pages' fingerprints, to find the handful that differ, took most of
/// such a run.
pub struct Reach {
    /// The files of the pages that showed the edited entry before the
    /// edit ([`files_showing`]).
    pub before: std::collections::HashSet<String>,
    /// The entries the edit changed, as the new site has them: the edited
    /// one and those whose cards and links differ from the last run's
    /// ([`views::SameCards::changed`]).
    pub changed: Vec<PageRef>,
    /// Entries other than the edited one whose cards differ but whose
    /// links do not: only the pages showing their cards (their own, those
    /// holding more of them than a link) can have changed. Ten thousand
    /// pages show a link, a role's to every skill it needs; a new title of
    /// one of those skills changes the role's card (its key skills), not
    /// its link.
    pub cards_only: Vec<PageRef>,
}

/// After a session resolved the site again from kept state (one page's
/// file edited, the templates as they were), renders only the pages whose
/// fingerprint differs from the `last` run's or whose template reads a
/// field of `site` that changed, and the JSON export: an edit that moves an
/// entry in its list or changes what relates to what changes a handful of
/// the pages. With the edit's [`Reach`], only the pages it reached (and
/// the few made of everything) are compared. Pages the last run did not
/// have (a file added, a comparison renamed) are rendered too; those it
/// had that are gone are named.
pub fn pages_changed(
    site: &Site,
    templates: &Templates,
    cards: &Cards,
    memo: Option<&markdown::highlight::Memo>,
    sink: &dyn Sink,
    last: &LastRun<'_>,
) -> Result<SomePages, Diagnostics> {
    let (before, site_changed) = (last.fingerprints, last.site_changed);
    // Ten thousand file names, made and looked up on every core: this
    // alone took a tenth of the stage on one.
    let all: Vec<(Job, String)> = jobs(site)
        .into_par_iter()
        .map(|j| (j, j.file(site)))
        .collect();
    let files: rustc_hash::FxHashSet<&str> = all.iter().map(|(_, f)| f.as_str()).collect();
    let gone: Vec<String> = before
        .par_iter()
        .filter(|(f, _)| !files.contains(f.as_str()))
        .map(|(f, _)| f.clone())
        .collect();
    // Pages whose template reads a changed field are rendered whatever
    // their fingerprint (which for the lists of the whole site would take
    // as long to make as the page); the others when it changed, as soon as
    // that is known. Both go on at once, with the export: the largest
    // pages keep one thread busy for a while, and the other has the
    // fingerprints to make meanwhile.
    let pages = all.len();
    // The pages the edit can have changed, when that is known: the others
    // are not compared.
    let may: Option<BTreeSet<Job>> = last.reach.map(|reach| {
        let every: Vec<Job> = all.iter().map(|(j, _)| *j).collect();
        let mut may = BTreeSet::new();
        for &r in &reach.changed {
            showing_entry(site, r, &every, &mut may);
        }
        for &r in &reach.cards_only {
            showing_card(site, r, &every, &mut may);
        }
        let before = all.iter().filter(|(_, f)| reach.before.contains(f));
        may.extend(before.map(|(j, _)| *j));
        may
    });
    // A list of the whole site or a comparison the edit reached is
    // rendered, not compared: it shows the entry, so it most likely
    // changed, and its fingerprint would take about as long to make as
    // the page (see `Job::rendered_when_reached`).
    let reached_list =
        |j: &Job| j.rendered_when_reached() && may.as_ref().is_some_and(|m| m.contains(j));
    // Whether each template reads a changed field of `site`, found once a
    // template rather than once a page.
    let mut reads: Vec<(&str, bool)> = Vec::new();
    for (j, _) in &all {
        if !reads.iter().any(|(t, _)| *t == j.template()) {
            reads.push((
                j.template(),
                templates.reads_any(j.template(), site_changed),
            ));
        }
    }
    let reads_changed = |j: &Job| reads.iter().any(|&(t, r)| r && t == j.template());
    let (known, others): (Vec<_>, Vec<_>) = all
        .par_iter()
        .partition(|(j, file)| reads_changed(j) || !before.contains_key(file) || reached_list(j));
    let others = match &may {
        // The other pages made of everything are few, and compared anyway.
        Some(may) => others
            .into_par_iter()
            .filter(|(j, _)| j.lists_the_site() || *j == Job::NotFound || may.contains(j))
            .collect(),
        None => others,
    };
    let just_jobs = |v: Vec<&(Job, String)>| v.into_iter().map(|(j, _)| *j).collect::<Vec<Job>>();
    let (known, others) = (just_jobs(known), just_jobs(others));
    // One queue, heaviest first, that every thread takes its next piece
    // from: the largest lists start at once on different threads, and the
    // export and the small pages fill in around them. (Splitting each
    // kind of work in halves, as parallel iterators do, had one thread
    // render the two largest lists one after the other.)
    let mut tasks: Vec<(usize, Task)> = known
        .iter()
        .map(|&j| (j.weight(site), Task::Render(j)))
        .chain(others.iter().map(|&j| (j.weight(site), Task::Compare(j))))
        .chain([(export::weight(site), Task::Export)])
        .collect();
    tasks.sort_by_key(|&(w, _)| std::cmp::Reverse(w));
    let r = Renderer::new(site, templates, cards, memo, sink).recording(true);
    let changed = AtomicUsize::new(0);
    let entries = std::sync::Mutex::new(None);
    let errors = std::sync::Mutex::new(Vec::new());
    let reached = may
        .as_ref()
        .map(|m| move |k: Kind, i: usize| m.contains(&Job::Entity(k, i)));
    let run = |task: Task| -> Option<(Diagnostic, String)> {
        match task {
            Task::Export => {
                let reached = reached.as_ref().map(|f| f as &export::Reached<'_>);
                let kept = match last.export {
                    Some(l) => export::Entries::reusing(site, l, reached),
                    None => export::Entries::new(site),
                };
                let put = sink.put_with("handbook.json", &mut |w| kept.write(site, w));
                *entries.lock().unwrap_or_else(|e| e.into_inner()) = Some(kept);
                put.err().map(|e| {
                    (
                        Diagnostic::general(e.to_string()),
                        "handbook.json".to_string(),
                    )
                })
            }
            // When only the pages the edit reached are compared, a list of
            // the whole site or a comparison is recorded unknown: rendered,
            // not compared, the next time it is reached (see
            // `Renderer::sparing`).
            Task::Render(job) if may.is_some() && job.rendered_when_reached() => {
                r.render_printed(job, fingerprint::UNKNOWN)
            }
            Task::Render(job) => r.render(job),
            Task::Compare(job) => {
                let page = page_job(site, cards, job, None, true);
                let fp = page.fingerprint.unwrap_or(fingerprint::UNKNOWN);
                // An unknown one never equals a made one.
                if fp != fingerprint::UNKNOWN && before.get(&page.file) == Some(&fp) {
                    return None;
                }
                changed.fetch_add(1, Ordering::Relaxed);
                r.render_printed(job, fp)
            }
        }
    };
    let next = AtomicUsize::new(0);
    rayon::scope(|s| {
        for _ in 0..rayon::current_num_threads() {
            s.spawn(|_| {
                let mut failed = Vec::new();
                while let Some(&(_, task)) = tasks.get(next.fetch_add(1, Ordering::Relaxed)) {
                    failed.extend(run(task));
                }
                errors
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .extend(failed);
            });
        }
    });
    let mut errors = errors.into_inner().unwrap_or_else(|e| e.into_inner());
    // In page order, whichever thread met them first.
    errors.sort_by(|a, b| a.1.cmp(&b.1));
    let entries = entries.into_inner().unwrap_or_else(|e| e.into_inner());
    let rendered_count = known.len() + changed.into_inner();
    finish(errors, rendered_count, r).map(|rendered| SomePages {
        rendered,
        export: entries,
        pages,
        gone,
    })
}

/// A piece of [`pages_changed`]'s work.
#[derive(Clone, Copy)]
enum Task {
    /// `handbook.json`.
    Export,
    /// A page to render whatever its fingerprint.
    Render(Job),
    /// A page to render if its fingerprint changed.
    Compare(Job),
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
    let r = Renderer::new(site, templates, cards, memo, sink)
        .recording(true)
        .sparing();
    let errors = docs
        .par_iter()
        .filter_map(|d| r.render(Job::page(*d)))
        .collect();
    finish(errors, docs.len(), r)
}

/// What [`pages_showing`] is to show.
pub struct Edit<'a> {
    /// The entry swapped in.
    pub edited: PageRef,
    /// Whether its link changed (title, summary): pages that show no more
    /// of it than that are rendered again only then.
    pub link_changed: bool,
    /// The pages that gained or lost it as a backlink ([`Site::relink`]).
    pub relinked: &'a [PageRef],
    /// The fields of `site` it changed ([`views::changed_site_fields`]).
    pub site_changed: &'a [&'static str],
    /// The `site` view after the edit, when the templates do not see it
    /// yet.
    pub new_view: Option<&'a views::SiteView>,
    /// The export's pieces from the last build, if kept: only the edited
    /// entity's is made again.
    pub export: Option<&'a mut export::Entries>,
}

/// Renders again every page that can show an edited entry, after a
/// `serve` session swapped it in, keeping its shape and place
/// ([`crate::content::Entity::same_shape`], [`Site::keeps_place`]), and
/// refreshed its cards ([`views::refresh_card`]). The JSON export is made
/// again too, while the changed fields of `site` are serialized.
///
/// Which pages those are follows from the view model (`showing`) and
/// from what each template reads of `site` ([`reads`]); `tests/session.rs`
/// compares the result with a fresh build for every file of two handbooks.
pub fn pages_showing(
    site: &Site,
    templates: &mut Templates,
    global: &mut SiteGlobal,
    cards: &Cards,
    memo: Option<&markdown::highlight::Memo>,
    sink: &dyn Sink,
    edit: &mut Edit<'_>,
) -> Result<Rendered, Diagnostics> {
    let jobs = showing(site, templates, edit);
    let Edit {
        edited,
        site_changed,
        new_view,
        export: entries,
        link_changed: _,
        relinked: _,
    } = edit;
    let (new_view, site_changed): (Option<&views::SiteView>, &[&'static str]) =
        (*new_view, site_changed);
    // The pages that read none of the changed fields render with `site`
    // as the templates have it, while the changed fields are serialized;
    // the others get the new `site` in their own context as soon as it is
    // ready.
    let (now, later): (Vec<Job>, Vec<Job>) = jobs
        .iter()
        .partition(|j| new_view.is_none() || !templates.reads_any(j.template(), site_changed));
    let edited = *edited;
    let fresh_cell: std::sync::OnceLock<(Fields, tera::Value)> = std::sync::OnceLock::new();
    let fresh = &fresh_cell;
    let old_global: &SiteGlobal = global;
    let make_site = || {
        fresh.get_or_init(|| match new_view {
            Some(view) => {
                let fields = SiteGlobal::serialize(view, site_changed, site, cards);
                let value = old_global.value_with(&fields);
                (fields, value)
            }
            None => (Vec::new(), tera::Value::none()),
        })
    };
    let exported = std::sync::Mutex::new(None);
    let export_once = std::sync::atomic::AtomicBool::new(false);
    let export_slot = std::sync::Mutex::new(entries.as_deref_mut());
    let (next_now, next_later) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let errors = std::sync::Mutex::new(Vec::new());
    let r = Renderer::new(site, templates, cards, memo, sink)
        .recording(true)
        .sparing();
    // Every thread takes the next page when it is free, the heaviest
    // first: with a handful of pages the size of the site among small
    // ones, an even split would leave one thread with most of the work.
    let workers = rayon::current_num_threads().max(1);
    rayon::scope(|scope| {
        for w in 0..workers {
            let (make_site, exported, export_once, export_slot) =
                (&make_site, &exported, &export_once, &export_slot);
            let (next_now, next_later, errors, r) = (&next_now, &next_later, &errors, &r);
            let (now, later) = (&now, &later);
            scope.spawn(move |_| {
                let failed = |e| errors.lock().unwrap_or_else(|p| p.into_inner()).push(e);
                // Made even when no page waits for it, so that the kept
                // `site` is never behind the kept view it is compared with.
                if w == 0 && new_view.is_some() {
                    make_site();
                }
                if !export_once.swap(true, Ordering::Relaxed) {
                    let mut slot = export_slot.lock().unwrap_or_else(|p| p.into_inner());
                    let put = match slot.as_deref_mut() {
                        Some(kept) => {
                            kept.refresh(site, edited);
                            sink.put_with("handbook.json", &mut |o| kept.write(site, o))
                        }
                        None => {
                            sink.put_with("handbook.json", &mut |o| export::handbook_json(site, o))
                        }
                    };
                    *exported.lock().unwrap_or_else(|p| p.into_inner()) = Some(put);
                }
                loop {
                    // The pages waiting for the new `site` first, once it
                    // is there (worker 0 makes it before anything else).
                    let ready =
                        fresh.get().is_some() || next_now.load(Ordering::Relaxed) >= now.len();
                    if ready
                        && let Some(job) = later.get(next_later.fetch_add(1, Ordering::Relaxed))
                    {
                        let value = &make_site().1;
                        if let Some(e) = r.render_with_site(*job, Some(value)) {
                            failed(e);
                        }
                        continue;
                    }
                    match now.get(next_now.fetch_add(1, Ordering::Relaxed)) {
                        Some(job) => {
                            if let Some(e) = r.render_with_site(*job, None) {
                                failed(e);
                            }
                        }
                        None if next_later.load(Ordering::Relaxed) < later.len() => {}
                        None => break,
                    }
                }
            });
        }
    });
    let mut errors = errors.into_inner().unwrap_or_else(|p| p.into_inner());
    if let Some(Err(e)) = exported.into_inner().unwrap_or_else(|p| p.into_inner()) {
        errors.push((
            Diagnostic::general(e.to_string()),
            "handbook.json".to_string(),
        ));
    }
    let result = finish(errors, jobs.len(), r);
    if let Some((fields, _)) = fresh_cell.into_inner() {
        global.fields.extend(fields);
    }
    if new_view.is_some() {
        global.set(templates);
    }
    result
}

/// Whether the page of `r` is rendered with a template that reads any of
/// `fields` of `site`.
pub fn page_reads(templates: &Templates, r: PageRef, fields: &[&str]) -> bool {
    templates.reads_any(Job::page(r).template(), fields)
}

/// The pages that can show the entry at `edited` (see [`pages_showing`]):
/// its own, the pages whose view holds its card or link, and those whose
/// templates read a changed part of `site`. The largest pages come first,
/// so that the two threads finish together.
fn showing(site: &Site, templates: &Templates, edit: &Edit<'_>) -> Vec<Job> {
    let mut out: BTreeSet<Job> = BTreeSet::new();
    let edited = edit.edited;
    out.insert(Job::page(edited));
    let all = jobs(site);
    more_than_its_link(site, edited, &all, &mut out);
    out.extend(edit.relinked.iter().map(|&r| Job::page(r)));
    if edit.link_changed {
        links_to(site, edited, &all, &mut out);
    }
    if !edit.site_changed.is_empty() {
        out.extend(
            all.iter()
                .filter(|j| templates.reads_any(j.template(), edit.site_changed)),
        );
    }
    let mut list: Vec<Job> = out.into_iter().collect();
    list.sort_by_key(|j| std::cmp::Reverse(j.weight(site)));
    list
}

/// The pages that show more of the entry at `edited` than its link, into
/// `out`.
fn more_than_its_link(site: &Site, edited: PageRef, all: &[Job], out: &mut BTreeSet<Job>) {
    match edited {
        PageRef::Entity(Kind::Role, i) => {
            // Comparisons show both roles' cards.
            out.extend(
                all.iter()
                    .filter(|j| matches!(j, Job::Compare(a, b) if *a == i || *b == i)),
            );
        }
        PageRef::Entity(Kind::Phase, i) => {
            // The skills it builds show its card, as do its track's pages.
            for (s, srel) in site.skill_relations.iter().enumerate() {
                if srel.phases.contains(&i) {
                    out.insert(Job::Entity(Kind::Skill, s));
                }
            }
            out.extend(track_of(site, i).map(Job::Track));
            out.insert(Job::Section(Kind::Phase));
        }
        _ => {}
    }
}

/// Every page that can show anything of the entry at `r`, as the view
/// model has it: its own page, the pages that hold its card, link or
/// title, and those that read its relations (its neighbours on a ladder
/// or in a track, whose `previous` and `next` it may be, and the phases
/// of its track, which show the track's length). The pages an edit can
/// change, after a session resolved the site again, are those showing an
/// entry it changed, before the edit or after; `tests/session.rs`
/// compares them with a fresh build, edit by edit.
fn showing_entry(site: &Site, r: PageRef, all: &[Job], out: &mut BTreeSet<Job>) {
    out.insert(Job::page(r));
    more_than_its_link(site, r, all, out);
    links_to(site, r, all, out);
    match r {
        PageRef::Entity(Kind::Phase, i) => {
            if let Some(t) = track_of(site, i) {
                out.extend(
                    site.tracks[t]
                        .phases
                        .iter()
                        .map(|&p| Job::Entity(Kind::Phase, p)),
                );
            }
        }
        // The matrix has a column per role, its cells the levels the
        // role needs.
        PageRef::Entity(Kind::Role, _) => {
            out.insert(Job::Matrix);
            out.insert(Job::Section(Kind::Role));
        }
        _ => {}
    }
}

/// The pages that can show the card of the entry at `r`, into `out`: its
/// own page, those holding more of it than its link (see
/// [`more_than_its_link`]) and, for a role, the roles list. For an entry
/// the edit changed only through what its card shows of other entries,
/// whose link, relations and place it left alone ([`Reach::cards_only`]).
fn showing_card(site: &Site, r: PageRef, all: &[Job], out: &mut BTreeSet<Job>) {
    out.insert(Job::page(r));
    more_than_its_link(site, r, all, out);
    if let PageRef::Entity(Kind::Role, _) = r {
        out.insert(Job::Section(Kind::Role));
    }
}

/// The output files of the pages that can show the entry at `r` (see
/// [`Reach`]): a session takes them from the site before an edit, since a
/// page that stops showing the entry changes too.
pub fn files_showing(site: &Site, r: PageRef) -> std::collections::HashSet<String> {
    let mut out = BTreeSet::new();
    showing_entry(site, r, &jobs(site), &mut out);
    out.into_iter().map(|j| j.file(site)).collect()
}

/// The track that phase `p` belongs to.
fn track_of(site: &Site, p: usize) -> Option<usize> {
    site.tracks.iter().position(|t| t.phases.contains(&p))
}

/// The pages that show the link of the entry at `edited` (its title, slug
/// or summary), into `out`.
fn links_to(site: &Site, edited: PageRef, all: &[Job], out: &mut BTreeSet<Job>) {
    // Pages linking to it, whose empty link texts show its title; pages it
    // links to, which list it among their backlinks.
    if let Some(sources) = site.backlinks.get(&edited) {
        out.extend(sources.iter().map(|&s| Job::page(s)));
    }
    for (target, sources) in &site.backlinks {
        if sources.contains(&edited) {
            out.insert(Job::page(*target));
        }
    }
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
                out.extend(track_of(site, p).map(Job::Track));
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
            // by title; the skills it needs link to it.
            out.extend(
                all.iter()
                    .filter(|j| matches!(j, Job::Entity(Kind::Role, _))),
            );
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
        }
        PageRef::Entity(Kind::Page, _) | PageRef::Home => {}
    }
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
    /// Each rendered page's fingerprint, when a session keeps them.
    fingerprints: Option<std::sync::Mutex<Vec<(String, u64)>>>,
    /// Whether the pages that list the whole site are recorded with an
    /// unknown fingerprint (see [`Renderer::sparing`]).
    spare_lists: bool,
}

impl<'a> Renderer<'a> {
    /// Records the fingerprint of each page it renders
    /// ([`Renderer::fingerprints`]).
    fn recording(mut self, on: bool) -> Self {
        self.fingerprints = on.then(Default::default);
        self
    }

    /// Records the pages that list the whole site, and the comparisons,
    /// with an unknown fingerprint ([`fingerprint::UNKNOWN`]): hashing ten
    /// thousand cards takes about as long as rendering them, which the
    /// pages of an edit should not wait for (see
    /// [`Job::rendered_when_reached`]). The next run that needs such a
    /// page's fingerprint renders it again instead.
    fn sparing(mut self) -> Self {
        self.spare_lists = true;
        self
    }

    /// The fingerprints recorded, by file.
    fn fingerprints(&mut self) -> Vec<(String, u64)> {
        match self.fingerprints.as_mut() {
            Some(m) => std::mem::take(m.get_mut().unwrap_or_else(|p| p.into_inner())),
            None => Vec::new(),
        }
    }

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
            fingerprints: None,
            spare_lists: false,
        }
    }

    /// Renders one page into the sink; on failure, the error and the page
    /// it happened on.
    fn render(&self, job: Job) -> Option<(Diagnostic, String)> {
        self.render_with_site(job, None)
    }

    /// [`Renderer::render`], with `site` in the page's own context in
    /// place of the templates' global one, if given.
    fn render_with_site(
        &self,
        job: Job,
        site: Option<&tera::Value>,
    ) -> Option<(Diagnostic, String)> {
        self.render_inner(job, site, None)
    }

    /// [`Renderer::render`] of a page whose fingerprint was just made, to
    /// tell whether it changed: it is recorded as it is, not made again.
    fn render_printed(&self, job: Job, fingerprint: u64) -> Option<(Diagnostic, String)> {
        self.render_inner(job, None, Some(fingerprint))
    }

    fn render_inner(
        &self,
        job: Job,
        site: Option<&tera::Value>,
        printed: Option<u64>,
    ) -> Option<(Diagnostic, String)> {
        let md = Markdown {
            memo: self.memo,
            nanos: &self.markdown_nanos,
        };
        let recording = printed.is_none()
            && self.fingerprints.is_some()
            && !(self.spare_lists && job.rendered_when_reached());
        let mut page = page_job(self.site, self.cards, job, Some(&md), recording);
        if let Some(site) = site {
            page.ctx.insert_value("site", site.clone());
        }
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
        if let Err(e) = put {
            return Some((Diagnostic::general(e.to_string()), page.file));
        }
        if let Some(kept) = &self.fingerprints {
            let fp = printed.or(page.fingerprint).unwrap_or(fingerprint::UNKNOWN);
            kept.lock()
                .unwrap_or_else(|p| p.into_inner())
                .push((page.file, fp));
        }
        None
    }
}

/// What rendering `pages` pages came to, given the errors met on the way
/// and the time spent in Markdown. Template errors carry no page in their
/// message yet, so one mistake shared by many pages is reported once.
fn finish(
    errors: Vec<(Diagnostic, String)>,
    pages: usize,
    mut r: Renderer<'_>,
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
        fingerprints: r.fingerprints(),
        markdown: std::time::Duration::from_nanos(r.markdown_nanos.into_inner()),
    })
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

/// Renders the body of the page at `r` into its meta.
fn with_body(site: &Site, r: PageRef, m: &mut PageMeta, md: &Markdown<'_>) {
    if let Some(doc) = site.doc(r) {
        let start = std::time::Instant::now();
        let body = markdown::render_with(site, doc, &site.path(r), md.memo);
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
    /// Empty when only the fingerprint was asked for.
    ctx: Context,
    fingerprint: Option<u64>,
}

/// A page's context as it is put together, and its fingerprint.
struct PageCtx {
    /// `None` when only the fingerprint is wanted.
    ctx: Option<Context>,
    hash: Option<fingerprint::Print>,
}

impl PageCtx {
    fn insert<T: serde::Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        if let Some(h) = &mut self.hash {
            h.feed(key, value);
        }
        if let Some(c) = &mut self.ctx {
            c.insert(key, value);
        }
    }

    fn insert_value(&mut self, key: &'static str, value: tera::Value) {
        if let Some(h) = &mut self.hash {
            h.feed(key, &value);
        }
        if let Some(c) = &mut self.ctx {
            c.insert_value(key, value);
        }
    }
}

/// The template, file and context of one page; without `md`, only its
/// fingerprint (no Markdown is rendered and no context is made), with
/// `fingerprint` both.
fn page_job(
    site: &Site,
    cards: &Cards,
    job: Job,
    md: Option<&Markdown<'_>>,
    fingerprint: bool,
) -> PageJob {
    let mut ctx = PageCtx {
        ctx: md.map(|_| Context::new()),
        hash: (fingerprint || md.is_none()).then(fingerprint::Print::default),
    };
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
            let (title, section) = match kind {
                Kind::Skill => ("Skills", "skills"),
                Kind::Role => ("Job roles", "roles"),
                _ => ("Roadmaps", "phases"),
            };
            let m = meta(site, section, section, title.to_string(), None, url.clone());
            if kind == Kind::Phase {
                let root = urls::root_prefix(&url);
                match &cards.values {
                    Some(v) => ctx.insert_value("tracks", v.tracks(site, cards, Some(&root))),
                    None => {
                        let tracks: Vec<views::TrackView> = (0..site.tracks.len())
                            .map(|i| views::track_view(site, cards, i, Some(&root)))
                            .collect();
                        ctx.insert("tracks", &tracks);
                    }
                }
            }
            (url.clone(), m)
        }
        Job::Track(i) => {
            let root = urls::root_prefix(&url);
            let title = site.config.tracks[site.tracks[i].config].title.clone();
            let m = meta(site, "track", "phases", title, None, url.clone());
            match &cards.values {
                Some(v) => ctx.insert_value("track", v.track(site, cards, i, Some(&root))),
                None => ctx.insert("track", &views::track_view(site, cards, i, Some(&root))),
            }
            (url.clone(), m)
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
            match &cards.values {
                Some(v) => ctx.insert_value("rows", v.matrix_rows()),
                None => ctx.insert("rows", &views::matrix_rows(site, cards)),
            }
            (url.clone(), m)
        }
        Job::Compare(a, b) => {
            let (ta, tb) = (&cards.roles[a].link.title, &cards.roles[b].link.title);
            let title = format!("{ta} vs {tb}");
            let description = format!(
                "{ta} and {tb} side by side: level, experience, salary and the skills to learn to move up."
            );
            let m = meta(
                site,
                "compare",
                "roles",
                title,
                Some(description),
                url.clone(),
            );
            match cards
                .values
                .as_ref()
                .and_then(|v| v.compare(site, cards, a, b))
            {
                Some(v) => ctx.insert_value("compare", v),
                None => ctx.insert("compare", &views::compare_view(site, cards, a, b)),
            }
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
                "Page not found".to_string(),
                None,
                "404.html".to_string(),
            );
            ("404.html".to_string(), m)
        }
    };
    m.updated = job.updated(site).map(views::Updated::from);
    // The body counts by what it is made from (see `fingerprint`).
    let body_of = match job {
        Job::Home => Some(PageRef::Home),
        Job::Entity(k, i) => Some(PageRef::Entity(k, i)),
        _ => None,
    };
    // The JSON-LD counts by the value its text is written from, which
    // takes a fraction of the time to feed.
    let json_ld = body_of.and_then(|r| structured::json_ld_value(site, r));
    if let Some(h) = &mut ctx.hash {
        h.feed("page", &m);
        h.feed("json_ld", &json_ld);
        if let Some(r) = body_of {
            h.feed_body(site, r);
        }
    }
    if let Some(c) = &mut ctx.ctx {
        m.json_ld = json_ld.as_ref().map(structured::script_text);
        if let (Some(md), Some(r)) = (md, body_of) {
            with_body(site, r, &mut m, md);
        }
        c.insert("page", &m);
    }
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
        ctx: ctx.ctx.unwrap_or_default(),
        fingerprint: ctx.hash.map(fingerprint::Print::finish),
    }
}

#[derive(Serialize)]
struct Redirect {
    url: String,
    title: String,
    old_slug: String,
    new_slug: String,
}
