//! The stage sequence every command shares, with per-stage timings:
//!
//! ```text
//! load → git → parse → resolve → templates → assets → prepare → extras → render → search → swap
//! ```
//!
//! `check` stops after resolve; `build` renders every page into a staging
//! folder and swaps it in whole. Every stage is a function of what the
//! stages before it made. The one thing a caller may hand in is a
//! [`Memo`]: the two pure functions whose results are worth keeping when
//! the same handbook is built again and again (parsing a file, highlighting
//! a code block). `build` passes [`NoMemo`]; `serve`'s session
//! (the `session` module) passes its caches, and runs the same stages.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::{self, Config};
use crate::content::{self, ParsedFile};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::fs::{self, Sink, SourceFile, Staging};
use crate::git;
use crate::markdown::highlight;
use crate::output::{self, Files, Memory};
use crate::render;
use crate::resolve::{self, Site};
use crate::search;

/// What the commands ask of the pipeline.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub root: PathBuf,
    /// Replaces `base_url` from handbook.toml (for CI previews).
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Ship the theme's CSS and JS under their plain names instead of
    /// content-hashed ones (the `serve` preview; see `render::assets`).
    pub plain_asset_names: bool,
}

/// How long each stage took, in order.
#[derive(Debug, Default, Clone)]
pub struct Timings {
    pub stages: Vec<(&'static str, Duration)>,
    /// Parts of a stage, measured inside it: (name, time, what it means).
    pub notes: Vec<(&'static str, Duration, &'static str)>,
}

impl Timings {
    pub fn time<T>(&mut self, stage: &'static str, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = f();
        self.stages.push((stage, start.elapsed()));
        out
    }

    pub fn total(&self) -> Duration {
        self.stages.iter().map(|(_, d)| *d).sum()
    }

    /// The `--timings` report.
    pub fn report(&self) -> String {
        let mut out = String::from("timings:\n");
        for (stage, d) in &self.stages {
            out.push_str(&format!(
                "  {stage:<10} {:>8.2} ms\n",
                d.as_secs_f64() * 1000.0
            ));
        }
        out.push_str(&format!(
            "  {:<10} {:>8.2} ms\n",
            "total",
            self.total().as_secs_f64() * 1000.0
        ));
        for (name, d, why) in &self.notes {
            out.push_str(&format!(
                "  ({name}: {:.2} ms, {why})\n",
                d.as_secs_f64() * 1000.0
            ));
        }
        out
    }
}

/// A run that stopped on problems in the handbook (or the disk).
#[derive(Debug)]
pub struct Failure {
    pub diagnostics: Diagnostics,
    pub timings: Timings,
    /// The command line asked for something refused (an output folder
    /// that must not be replaced): exit status 2, not 1.
    pub usage: bool,
}

fn fail(diagnostics: Diagnostics, timings: Timings) -> Failure {
    Failure {
        diagnostics,
        timings,
        usage: false,
    }
}

/// A failure made of one message without a place in a file.
fn fail_with(message: String, timings: Timings) -> Failure {
    let mut d = Diagnostics::new();
    d.push(Diagnostic::general(message));
    fail(d, timings)
}

/// Everything a run reads from disk: the settings and the files of
/// `content/`, `templates/` and `static/`, each in path order.
#[derive(Clone)]
pub struct Sources {
    pub config: Config,
    pub content: Vec<SourceFile>,
    pub templates: Vec<SourceFile>,
    pub statics: Vec<SourceFile>,
    /// The top-level names of `static/`, which free pages must not take.
    pub static_names: Vec<String>,
}

/// The load stage: reads the handbook at `opts.root`.
pub fn load(opts: &Options) -> Result<Sources, Diagnostics> {
    let mut config = config::load(&opts.root)?;
    if let Some(url) = &opts.base_url
        && let Err(why) = config.set_base_url(url)
    {
        let mut d = Diagnostics::new();
        d.push(
            Diagnostic::general(format!("--base-url {why}"))
                .with_help("pass the absolute address the site is published at"),
        );
        return Err(d);
    }
    // All three read before any error is reported, so that every link
    // that leaves the handbook is named at once.
    let content = content::load(&opts.root, config.max_file_size);
    let read = |dir: &str| fs::read_tree(&opts.root, dir, None).map_err(content::read_diagnostics);
    match (content, read("templates"), read("static")) {
        (Ok(content), Ok(templates), Ok(statics)) => Ok(Sources {
            config,
            content,
            templates,
            statics,
            static_names: fs::top_level_names(&opts.root.join("static")),
        }),
        (content, templates, statics) => {
            let mut d = Diagnostics::new();
            for found in [content.err(), templates.err(), statics.err()]
                .into_iter()
                .flatten()
            {
                d.extend(found);
            }
            Err(d)
        }
    }
}

/// The pure functions a caller may answer from what it kept of an earlier
/// run on the same handbook. Each must return exactly what the default
/// (the plain stage function) returns for the same input.
pub trait Memo: Sync {
    /// One content file parsed ([`content::parse_file`]).
    fn parse(&self, config: &Config, file: SourceFile) -> ParsedFile {
        content::parse_file(config, file)
    }

    /// One fenced code block as HTML ([`highlight::code_block`]).
    fn highlight(&self, lang: &str, code: &str) -> String {
        highlight::code_block(lang, code)
    }
}

/// Nothing kept: every file is parsed and every block highlighted.
pub struct NoMemo;

impl Memo for NoMemo {}

/// The result of `check`: the resolved site and any warnings.
pub struct Checked {
    pub site: Site,
    pub templates: Vec<SourceFile>,
    pub statics: Vec<SourceFile>,
    pub warnings: Diagnostics,
    pub timings: Timings,
}

/// load → git → parse → resolve. Writes nothing.
pub fn check(opts: &Options) -> Result<Checked, Failure> {
    let mut t = Timings::default();
    let sources = match t.time("load", || load(opts)) {
        Ok(s) => s,
        Err(d) => return Err(fail(d, t)),
    };
    let dates = t.time("git", || git::last_changes(&opts.root));
    check_sources(sources, &dates, opts.drafts, &NoMemo, t)
}

/// parse → resolve, on sources already read.
pub fn check_sources(
    sources: Sources,
    dates: &git::Dates,
    drafts: bool,
    memo: &dyn Memo,
    mut t: Timings,
) -> Result<Checked, Failure> {
    let Sources {
        config,
        content,
        templates,
        statics,
        static_names,
    } = sources;
    let (handbook, mut diags) = t.time("parse", || {
        let parsed: Vec<ParsedFile> = content
            .into_par_iter()
            .map(|f| memo.parse(&config, f))
            .collect();
        content::assemble(parsed, drafts, dates)
    });
    if handbook.any_code() {
        // The syntax set loads in the background while resolve runs.
        rayon::spawn(highlight::warm_up);
    }
    let (site, found) = t.time("resolve", || {
        resolve::resolve(config, handbook, &static_names)
    });
    diags.extend(found);
    if diags.has_errors() {
        return Err(fail(diags, t));
    }
    Ok(Checked {
        site,
        templates,
        statics,
        warnings: diags,
        timings: t,
    })
}

/// The result of `build`: every file of the site, in memory (empty when it
/// was written to a folder).
pub struct Built {
    pub files: Files,
    pub pages: usize,
    /// Files written: pages, the export and every static or copied file.
    pub file_count: usize,
    /// The path the site is published under (`/repo/` or `/`), from
    /// `base_url`.
    pub base_path: String,
    pub warnings: Diagnostics,
    pub timings: Timings,
}

/// A checked site made ready to render: templates compiled with `site`
/// set, the theme's assets named, the cards made. [`Ready::page`] renders
/// one page of it, [`Ready::render`] the whole site.
pub struct Ready<'a> {
    checked: &'a Checked,
    prepared: render::Prepared<'a>,
    shipped: render::assets::ShippedAssets,
    pub timings: Timings,
}

/// templates → assets → prepare, on a checked site.
pub fn ready<'a>(checked: &'a Checked, plain_asset_names: bool) -> Result<Ready<'a>, Failure> {
    let mut t = checked.timings.clone();
    let templates = match t.time("templates", || render::templates(&checked.templates)) {
        Ok(tpl) => tpl,
        Err(d) => return Err(fail(d, t)),
    };
    let shipped = t.time("assets", || {
        render::assets::shipped(&checked.statics, &checked.templates, plain_asset_names)
    });
    let prepared = t.time("prepare", || {
        render::prepare(&checked.site, templates, &shipped)
    });
    Ok(Ready {
        checked,
        prepared,
        shipped,
        timings: t,
    })
}

impl Ready<'_> {
    /// The path the site is published under (`/repo/` or `/`).
    pub fn base_path(&self) -> &str {
        &self.checked.site.config.base_path
    }

    /// The page made from the content file `file` (relative to the root),
    /// alone, as [`Ready::render`] makes it; `None` when no page is made
    /// from that file or it failed (the whole render reports why).
    pub fn page(&self, file: &Path, memo: &dyn Memo) -> Option<Files> {
        let memory = Memory::default();
        let highlight = |lang: &str, code: &str| memo.highlight(lang, code);
        render::page(&self.prepared, file, &highlight, &memory)?.ok()?;
        Some(memory.into_files())
    }

    /// extras → render → search: every file of the site into `sink`, the
    /// search index made from the pages just rendered.
    pub fn render(self, sink: &dyn Sink, memo: &dyn Memo) -> Result<Built, Failure> {
        self.render_pages(sink, memo)?.index(sink)
    }

    /// extras → render: every file of the site but the search index into
    /// `sink`; [`Rendered::index`] makes the index after. Apart, because
    /// on a big site the index takes longer than the pages, and a preview
    /// can show the pages before it.
    pub fn render_pages(self, sink: &dyn Sink, memo: &dyn Memo) -> Result<Rendered, Failure> {
        let Ready {
            checked,
            prepared,
            shipped,
            mut timings,
        } = self;
        let site = &checked.site;
        // Before the pages, which win over a static file of the same path.
        let extras = match timings.time("extras", || {
            output::extras(site, &checked.statics, &shipped, sink)
        }) {
            Ok(e) => e,
            Err(e) => return Err(fail_with(e.to_string(), timings)),
        };
        let highlight = |lang: &str, code: &str| memo.highlight(lang, code);
        // With search on, the pages also go to the indexer, which keeps
        // those the templates marked for search.
        let pages = site.config.search.then(|| search::Pages::new(sink));
        let page_sink: &dyn Sink = match &pages {
            Some(p) => p,
            None => sink,
        };
        // The sitemap and feed are made while the pages are.
        let (discovery, rendered) = timings.time("render", || {
            rayon::join(
                || output::discovery(site, &extras.discovery, sink),
                || render::pages(&prepared, &highlight, page_sink),
            )
        });
        if let Err(e) = discovery {
            return Err(fail_with(e.to_string(), timings));
        }
        let rendered = match rendered {
            Ok(r) => r,
            Err(d) => return Err(fail(d, timings)),
        };
        timings.notes.push((
            "markdown",
            rendered.markdown,
            "CPU time inside render, summed over threads",
        ));
        Ok(Rendered {
            built: Built {
                files: Files::default(),
                pages: rendered.pages,
                // Pages, the JSON export and the extras.
                file_count: rendered.pages + 1 + extras.files,
                base_path: site.config.base_path.clone(),
                warnings: checked.warnings.clone(),
                timings,
            },
            to_index: pages.map(|p| (site.config.language.clone(), p.into_pages())),
        })
    }
}

/// A site rendered but for its search index.
pub struct Rendered {
    /// What was written (its `files` left empty, as from [`Ready::render`]).
    pub built: Built,
    /// The language and the pages to index, with search on.
    to_index: Option<ToIndex>,
}

/// The handbook's language, and each page to index by output path.
type ToIndex = (String, Vec<(String, Vec<u8>)>);

impl Rendered {
    /// Whether [`Rendered::index`] has an index to make.
    pub fn has_index(&self) -> bool {
        self.to_index.is_some()
    }

    /// search: the index made from the rendered pages, into `sink`.
    pub fn index(self, sink: &dyn Sink) -> Result<Built, Failure> {
        let Rendered {
            mut built,
            to_index,
        } = self;
        let Some((language, pages)) = to_index else {
            return Ok(built);
        };
        let bundle = match built
            .timings
            .time("search", || search::index(&language, pages))
        {
            Ok(b) => b,
            Err(e) => return Err(fail_with(e, built.timings)),
        };
        built.file_count += bundle.len();
        for (path, bytes) in &bundle {
            if let Err(e) = sink.put(path, bytes) {
                return Err(fail_with(e.to_string(), built.timings));
            }
        }
        Ok(built)
    }
}

/// Every stage, with the finished files kept in memory (for `serve` and
/// tests).
pub fn build(opts: &Options) -> Result<Built, Failure> {
    let checked = check(opts)?;
    let memory = Memory::default();
    let mut built = ready(&checked, opts.plain_asset_names)?.render(&memory, &NoMemo)?;
    built.files = memory.into_files();
    Ok(built)
}

/// `build` into `output_dir`: pages are written into a staging folder as
/// they are rendered and swapped in whole at the end; on any failure the
/// staging folder is removed and the previous site is left as it was.
pub fn build_to(opts: &Options, output_dir: &Path) -> Result<Built, Failure> {
    if let Err(refusal) = fs::check_output(&opts.root, output_dir) {
        let mut d = Diagnostics::new();
        d.push(Diagnostic::general(refusal.to_string()).with_help(
            "pass another folder with --output (the default is public/ under the handbook root)",
        ));
        let mut failure = fail(d, Timings::default());
        failure.usage = true;
        return Err(failure);
    }
    let checked = check(opts)?;
    let staging = match Staging::create(output_dir) {
        Ok(s) => s,
        Err(e @ fs::StageError::Busy { .. }) => {
            let mut d = Diagnostics::new();
            d.push(Diagnostic::general(e.to_string()).with_help(
                "wait for it to finish and build again, or pass another folder with --output",
            ));
            return Err(fail(d, checked.timings));
        }
        Err(e) => return Err(fail_with(e.to_string(), checked.timings)),
    };
    let mut built = ready(&checked, opts.plain_asset_names)?.render(&staging, &NoMemo)?;
    if let Err(e) = built.timings.time("swap", || staging.commit()) {
        let mut d = Diagnostics::new();
        d.push(
            Diagnostic::general(e.to_string())
                .with_help("the previous site, if any, was left as it was"),
        );
        return Err(fail(d, built.timings));
    }
    Ok(built)
}
