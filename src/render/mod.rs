//! Render: pages through Tera templates, plus the machine-readable export
//! and the files for search engines and feed readers (sitemap, robots,
//! Atom feed).
//!
//! The default theme's templates are embedded in the binary
//! ([`templates::BUILTIN`]); a handbook's own `templates/` overrides any of
//! them by file name and may add more (for `{% include %}`). Templates see
//! one documented view model per page kind ([`views`]) and never read
//! files. A template error names the template file and line and the page
//! that was being rendered.
//!
//! [`prepare`] does the serial work every page needs (the cards, the `site`
//! value); [`pages`] then renders every page in parallel, and [`page`] one
//! of them: the same function of the same inputs, whoever calls it.

pub mod assets;
mod cards;
pub mod charts;
mod diagrams;
pub mod export;
pub mod feeds;
mod filters;
pub mod format;
mod job;
mod page;
mod print;
pub mod structured;
mod templates;
mod tera_errors;
pub mod views;

use std::path::Path;
use std::sync::atomic::AtomicU64;

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::fs::Sink;
use crate::markdown::Highlight;
use crate::resolve::Site;
use assets::ShippedAssets;
use job::Job;
use views::Cards;

pub use job::{DISCOVERY, discovery_files};
pub use templates::{BUILTIN, THEME_ASSETS, Templates, templates};

/// A rendered page: its output path and HTML.
pub struct Page {
    pub path: String,
    pub html: String,
}

/// What rendering produced, for the summary line and `--timings`.
#[derive(Debug, Default, Clone)]
pub struct Rendered {
    /// HTML pages written (the JSON export not counted).
    pub pages: usize,
    /// Time spent turning Markdown into HTML, summed over threads (it runs
    /// inside each page's job, so no body outlives its page).
    pub markdown: std::time::Duration,
}

/// Everything the pages are rendered from: the site, the cards every page
/// shares, and the templates with `site` set.
pub struct Prepared<'a> {
    site: &'a Site,
    templates: Templates,
    cards: Cards,
}

/// The serial work every page needs: the cards (each entity's summary as
/// lists show it), made once and shared, and the `site` value set as the
/// templates' global context.
pub fn prepare<'a>(
    site: &'a Site,
    mut templates: Templates,
    shipped: &ShippedAssets,
) -> Prepared<'a> {
    let cards = views::cards(site);
    let view = views::site_view(site, &cards, shipped.view());
    templates.set_site(&view);
    Prepared {
        site,
        templates,
        cards,
    }
}

/// Renders every page of the site and the JSON export in parallel and
/// puts each into `sink` as soon as it is done, so memory holds a page at
/// a time per thread, not the site.
///
/// The few outputs that list the whole site (the export, the home page,
/// the matrix, the section and track pages: megabytes each for a large
/// handbook) are made one after another on one thread while the other
/// threads render the per-entity pages, so that no two of them are in
/// memory at once.
pub fn pages(
    p: &Prepared<'_>,
    highlight: Highlight<'_>,
    sink: &dyn Sink,
) -> Result<Rendered, Diagnostics> {
    let (mut whole, each): (Vec<Job>, Vec<Job>) = job::jobs(p.site)
        .into_iter()
        .partition(|j| j.lists_the_site());
    whole.sort_by_key(|j| std::cmp::Reverse(j.weight(p.site)));
    // The print version renders every body a second time. A body of
    // megabytes, rendered for its page and for print at once, would be in
    // memory twice over (its HTML and Tera's copy of it, each time), so
    // then print waits until every other page is done.
    let big_body = std::iter::once(p.site.home.as_ref())
        .flatten()
        .chain(p.site.entities().map(|(_, d)| d))
        .any(|d| d.body_text().len() >= crate::content::BIG_BODY);
    let print_last = if big_body {
        whole
            .iter()
            .position(|j| matches!(j, Job::Print))
            .map(|i| whole.remove(i))
    } else {
        None
    };
    let r = Renderer::new(p, highlight, sink);
    let (mut errors, more) = rayon::join(
        || {
            let mut errors = Vec::new();
            let exported =
                sink.put_with("handbook.json", &mut |w| export::handbook_json(p.site, w));
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
    errors.extend(print_last.and_then(|job| r.render(job)));
    let made = whole.len() + each.len() + usize::from(print_last.is_some());
    finish(errors, made, &r)
}

/// Renders the page made from the content file `file` (relative to the
/// handbook root) into `sink`, as [`pages`] renders it; `None` when no page
/// is made from that file (a draft, a co-located file, a file outside
/// `content/`).
pub fn page(
    p: &Prepared<'_>,
    file: &Path,
    highlight: Highlight<'_>,
    sink: &dyn Sink,
) -> Option<Result<Rendered, Diagnostics>> {
    let job = Job::page(p.site.page_of_file(file)?);
    let r = Renderer::new(p, highlight, sink);
    let errors: Vec<_> = r.render(job).into_iter().collect();
    Some(finish(errors, 1, &r))
}

/// What every page job shares: the inputs, where pages go, and the time
/// spent in Markdown.
struct Renderer<'a> {
    prepared: &'a Prepared<'a>,
    highlight: Highlight<'a>,
    sink: &'a dyn Sink,
    markdown_nanos: AtomicU64,
}

impl<'a> Renderer<'a> {
    fn new(prepared: &'a Prepared<'a>, highlight: Highlight<'a>, sink: &'a dyn Sink) -> Self {
        Renderer {
            prepared,
            highlight,
            sink,
            markdown_nanos: AtomicU64::new(0),
        }
    }

    /// Renders one page into the sink; on failure, the error and the page
    /// it happened on.
    fn render(&self, job: Job) -> Option<(Diagnostic, String)> {
        let p = self.prepared;
        let md = page::Markdown {
            highlight: self.highlight,
            nanos: &self.markdown_nanos,
        };
        let page = page::page_job(p.site, &p.cards, job, &md);
        let mut failed = None;
        let put = self.sink.put_with(&page.file, &mut |w| {
            p.templates
                .tera
                .render_to(page.template, &page.ctx, w)
                .map_err(|e| {
                    // The output could not be written (a full disk): an
                    // I/O failure of that file, not a template error.
                    if let tera::ErrorKind::Io(kind) = e.kind() {
                        let why = std::error::Error::source(&e)
                            .map_or_else(|| format!("{kind}"), |s| s.to_string());
                        return std::io::Error::new(*kind, why);
                    }
                    failed = Some(e);
                    std::io::Error::other("the template failed")
                })
        });
        if let Some(e) = failed {
            return Some((p.templates.diagnostic(&e), page.file));
        }
        if let Err(e) = put {
            return Some((
                Diagnostic::general(e.to_string()).with_help(
                    "the disk refused the file (full, read-only or gone); no page was published",
                ),
                page.file,
            ));
        }
        None
    }
}

/// What rendering `pages` pages came to, given the errors met on the way.
/// Template errors carry no page in their message yet, so one mistake
/// shared by many pages is reported once.
fn finish(
    errors: Vec<(Diagnostic, String)>,
    pages: usize,
    r: &Renderer<'_>,
) -> Result<Rendered, Diagnostics> {
    let mut diags = Diagnostics::new();
    for d in group_by_mistake(errors) {
        diags.push(d);
    }
    if diags.has_errors() {
        return Err(diags);
    }
    let nanos = r.markdown_nanos.load(std::sync::atomic::Ordering::Relaxed);
    Ok(Rendered {
        pages,
        markdown: std::time::Duration::from_nanos(nanos),
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

/// The resolved site of a fixture handbook (a folder of the repository),
/// for this stage's unit tests, which may not use the pipeline that runs
/// it.
#[cfg(test)]
pub(crate) fn fixture_site(fixture: &str) -> Site {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(fixture);
    let config = crate::config::load(&root).unwrap_or_else(|d| panic!("{}", d.render()));
    let files = crate::content::load(&root, config.max_file_size)
        .unwrap_or_else(|d| panic!("{}", d.render()));
    let (hb, _) = crate::content::parse(&config, files, false, &crate::git::Dates::default());
    crate::resolve::resolve(config, hb, &[]).0
}

#[cfg(test)]
mod io_tests {
    use super::*;
    use crate::fs::FsError;

    /// A sink whose disk is full.
    struct Full;

    impl Sink for Full {
        fn put(&self, path: &str, _: &[u8]) -> Result<(), FsError> {
            Err(FsError {
                path: std::path::PathBuf::from(path),
                action: "write",
                source: std::io::Error::new(
                    std::io::ErrorKind::StorageFull,
                    "no space left on device",
                ),
            })
        }

        fn put_with(&self, path: &str, write: &mut crate::fs::Write<'_>) -> Result<(), FsError> {
            struct Refuses;
            impl std::io::Write for Refuses {
                fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                    Err(std::io::Error::new(
                        std::io::ErrorKind::StorageFull,
                        "no space left on device",
                    ))
                }
                fn flush(&mut self) -> std::io::Result<()> {
                    Ok(())
                }
            }
            write(&mut Refuses).map_err(|source| FsError {
                path: std::path::PathBuf::from(path),
                action: "write",
                source,
            })
        }
    }

    #[test]
    fn a_full_disk_is_an_io_failure_naming_the_file_not_a_template_error() {
        let site = fixture_site("tests/fixtures/base");
        let tpl = templates(&[]).unwrap_or_else(|d| panic!("{}", d.render()));
        let shipped = assets::shipped(&[], &[], false);
        let prepared = prepare(&site, tpl, &shipped);
        let highlight = |_: &str, code: &str| code.to_string();
        let Err(d) = pages(&prepared, &highlight, &Full) else {
            panic!("a full disk fails the build");
        };
        let text = d.render();
        assert!(!text.contains("template"), "{text}");
        assert!(text.contains("no space left on device"), "{text}");
        assert!(text.contains("index.html"), "{text}");
    }
}
