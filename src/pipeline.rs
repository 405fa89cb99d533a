//! The stage sequence every command shares, with per-stage timings:
//! load → git dates → parse → resolve → templates → assets → cards →
//! (values, in a session) → views → extras → render (Markdown inside each
//! page's job; the sitemap and feed beside the pages) → swap.
//!
//! `check` stops after resolve; `build` streams pages into a staging folder
//! and swaps it in; `serve` keeps them in memory and runs the same stages
//! again on every change through a [`Session`], whose caches make one
//! edited file cost one parse, an edit to nothing but a page's prose one
//! page render, an edit to what shows of an entry one page render
//! before the few pages that show it, and any other edit to one page
//! file (or one added or deleted) the pages whose inputs changed. There is one code path, so what
//! `check` accepts `build` renders, and what `serve` shows is what `build`
//! writes.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::{self, Config};
use crate::content::{self, Kind, ParseCache, Reparsed};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::fs::{self, Sink, SourceFile, Staging};
use crate::git;
use crate::markdown::highlight;
use crate::output::{self, Files, Memory};
use crate::render;
use crate::render::assets::AssetsView;
use crate::render::fingerprint::Fingerprints;
use crate::render::views::{self, Cards, SiteView};
use crate::resolve::{self, PageRef, Site};

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
    /// Records a duration measured elsewhere (inside another stage).
    fn note(&mut self, stage: &'static str, d: Duration, why: &'static str) {
        self.notes.push((stage, d, why));
    }

    fn time<T>(&mut self, stage: &'static str, f: impl FnOnce() -> T) -> T {
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

/// Everything read from disk in the load stage.
struct Loaded {
    config: Config,
    content: Vec<SourceFile>,
    templates: Vec<SourceFile>,
    statics: Vec<SourceFile>,
    static_names: Vec<String>,
}

/// The result of `check`: the resolved site and any warnings.
pub struct Checked {
    pub site: Site,
    pub statics: Vec<SourceFile>,
    pub templates: Vec<SourceFile>,
    pub warnings: Diagnostics,
    pub timings: Timings,
    static_names: Vec<String>,
    /// Whether parsing found nothing to say of any file, so that resolving
    /// again alone gives every warning (parsing reports errors only today).
    parse_clean: bool,
}

/// What a session keeps of a build's input besides the site, to build
/// again after one page's file was edited without loading or parsing
/// anything else (see [`Session::build_from_last`]).
struct Sources {
    templates: Vec<SourceFile>,
    statics: Vec<SourceFile>,
    static_names: Vec<String>,
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
    /// Pages rendered by this run: all of them, or for a [`Session`] that
    /// took an edit to a body, that body's pages.
    pub rendered: usize,
    pub timings: Timings,
}

fn fail(diagnostics: Diagnostics, timings: Timings) -> Failure {
    Failure {
        diagnostics,
        timings,
        usage: false,
    }
}

fn load(opts: &Options) -> Result<Loaded, Diagnostics> {
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
    let content = content::load(&opts.root)?;
    let read = |dir: &str| {
        fs::read_tree(&opts.root, dir).map_err(|e| {
            let mut d = Diagnostics::new();
            d.push(Diagnostic::general(e.to_string()));
            d
        })
    };
    let templates = read("templates")?;
    let statics = read("static")?;
    let static_names = fs::top_level_names(&opts.root.join("static"));
    Ok(Loaded {
        config,
        content,
        templates,
        statics,
        static_names,
    })
}

/// The pipeline run again and again on one handbook (by `serve`). It keeps
/// the parse results of unchanged files and the highlighted code blocks
/// between runs (both pure functions of file or block content), and the
/// last good build whole, with what its pages were rendered from: when
/// only Markdown bodies were edited, [`Session::rebuild`] re-renders just
/// their pages (and those that gained or lost them as a backlink,
/// once their new links check out); when one entry was
/// edited keeping its shape, just the pages that can show it. Every other
/// run is a whole [`build`]. Either way the result is the same as a build's
/// (`tests/session.rs` compares them, edit by edit).
pub struct Session {
    opts: Options,
    cache: Caches,
    last: Option<Last>,
}

/// What [`Session::patch`] made of an edit.
enum Patch {
    /// Front matter unchanged: the whole result, one page per edited file
    /// and one per page that gained or lost a backlink.
    Done(Result<Built, Failure>),
    /// A shape kept: the edited file's own page, and what the pages that
    /// show it need to be rendered next.
    Early(Built, Box<Rest>),
}

/// The rest of a run that showed an edited entry's own page early.
struct Rest {
    /// The kept state, with the entry swapped in and its cards refreshed.
    last: Last,
    edited: PageRef,
    /// Whether the edit changed the entry's link (title, summary).
    link_changed: bool,
    /// The pages that gained or lost the entry as a backlink.
    relinked: Vec<PageRef>,
    /// The `site` global as the last build made it.
    old_view: SiteView,
    /// The fields of `site` the edit changed, when they are known already
    /// (and the templates see them).
    site_changed: Option<Vec<&'static str>>,
}

/// A whole build that hands over one file's page first: once every page
/// can be rendered (after resolve and the views), that page is rendered
/// and shown with the previous site around it, then the rest.
struct First<'a> {
    /// The edited file, relative to the root.
    file: &'a Path,
    /// The previous site.
    before: Files,
    show: &'a mut dyn FnMut(Built),
    /// What the last build rendered with, when a session still has it.
    earlier: Option<Earlier>,
}

/// What the last build of a session rendered with, kept until the edited
/// page of the next is shown: its templates, with the last `site` set,
/// and its view of `site`. When the page's template reads nothing of
/// `site` the edit can change, they show the page as soon as the cards
/// are made, without waiting for the new `site`
/// ([`views::fields_an_edit_can_change`]).
struct Earlier {
    templates: render::Templates,
    view: Option<SiteView>,
    /// What each page was rendered from: with the view, what lets only the
    /// pages that changed be rendered ([`render::pages_changed`]).
    fingerprints: Option<Fingerprints>,
    /// The last build's cards, with their template values: those of the
    /// cards the edit left as they were are taken over.
    cards: views::Cards,
    /// The last build's pieces of the JSON export: those written from the
    /// same data are taken over.
    export: Option<render::export::Entries>,
    /// The files of the pages that showed the edited entry before the
    /// edit ([`render::files_showing`]); none for a new file.
    showed: HashSet<String>,
    /// The `site` global as template values: the fields the edit left as
    /// they were are not serialized again.
    global: render::SiteGlobal,
}

/// What a [`Session`] keeps between runs.
#[derive(Default)]
struct Caches {
    parse: ParseCache,
    code: highlight::Memo,
}

/// Records what the pages just rendered were rendered from, so that a
/// kept fingerprint is always that of the page's current bytes.
fn keep_fingerprints(kept: &mut Kept, rendered: Vec<(String, u64)>) {
    if let Some(all) = &mut kept.fingerprints {
        all.extend(rendered);
    }
}

/// Puts a reparsed file in place of the page at `r` in a kept site.
fn put(site: &mut Site, r: PageRef, new: Reparsed) {
    match new {
        Reparsed::Home(doc) => {
            site.replace_doc(r, doc);
        }
        Reparsed::Entity(e) => {
            site.replace_entity(r, e);
        }
    }
}

/// What happened to the one page file a [`Session`] rebuilds for.
enum FileChange {
    Edited(PageRef, Reparsed),
    /// A new file of an entity that is not a draft.
    Added(content::Entity),
    /// The file of an entity of this kind was deleted.
    Removed(Kind),
}

/// The last good build, with what its pages were rendered from.
struct Last {
    kept: Kept,
    files: Files,
    warnings: Diagnostics,
    pages: usize,
    file_count: usize,
}

impl Last {
    /// The run that made `built` from what `kept` holds.
    fn of(built: &Built, kept: Kept) -> Last {
        Last {
            kept,
            files: built.files.clone(),
            warnings: built.warnings.clone(),
            pages: built.pages,
            file_count: built.file_count,
        }
    }

    /// Puts the `rendered` pages in `memory` in place of their old
    /// versions; the result of the run, timed by `t`.
    fn with_pages(&mut self, memory: Memory, rendered: usize, mut t: Timings) -> Built {
        let files = t.time("files", || {
            self.files.overlay(memory.into_files());
            self.files.clone()
        });
        Built {
            files,
            pages: self.pages,
            file_count: self.file_count,
            base_path: self.kept.site.config.base_path.clone(),
            warnings: self.warnings.clone(),
            rendered,
            timings: t,
        }
    }
}

/// What rendering needs besides the content, ready for more pages.
struct Kept {
    site: Site,
    templates: render::Templates,
    cards: Cards,
    assets: AssetsView,
    /// The sitemap, feed and `robots.txt`, where made (not shipped by the
    /// handbook).
    discovery: Vec<String>,
    /// The `site` global the pages were rendered with, to find what an
    /// edit changes of it. Kept by a session only: a build drops it at
    /// once, since it holds a copy of every card.
    view: Option<SiteView>,
    /// The same as template values, field by field.
    global: render::SiteGlobal,
    /// The JSON export in pieces (kept by a session only).
    export: Option<render::export::Entries>,
    /// The templates and static files the site was built with (kept by a
    /// session, when parsing had nothing to say: see `Checked::parse_clean`).
    sources: Option<Sources>,
    /// What each page was last rendered from (kept by a session only).
    fingerprints: Option<Fingerprints>,
}

impl Session {
    pub fn new(opts: Options) -> Self {
        Session {
            opts,
            cache: Caches::default(),
            last: None,
        }
    }

    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// [`build`], parsing only the files that changed since the last run.
    pub fn build(&mut self) -> Result<Built, Failure> {
        self.build_with_first(None)
    }

    fn build_with_first(&mut self, first: Option<First<'_>>) -> Result<Built, Failure> {
        self.last = None;
        let (built, kept) = build_with(&self.opts, Some(&mut self.cache), first)?;
        self.last = Some(Last::of(&built, kept));
        Ok(built)
    }

    /// The run after the files at `changed` (relative to the root) were
    /// edited, and nothing else. When every one of them is a page's
    /// Markdown file whose front matter is unchanged (see
    /// [`crate::content::Doc::same_front_matter`]) and none had a warning,
    /// only those pages are rendered again, with the pages that gained or
    /// lost one of them as a backlink; new headings and links are checked
    /// first ([`Site::check_links`]), and if one is wrong the build that
    /// follows reports it. Any other edit to one page's file resolves the
    /// handbook again from the kept entries and renders the pages whose
    /// inputs changed (see [`Session::rebuild_with`]); any other change is
    /// [`build`]. Either way the result is what [`build`] makes. Callers
    /// that do not know what changed call [`Session::build`].
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Built, Failure> {
        self.rebuild_with(changed, &mut |_| {})
    }

    /// [`Session::rebuild`], handing `early` the edited file's own page
    /// before the rest when one file was edited, further than its body but
    /// keeping its shape and place (a new title or summary, say: see
    /// [`crate::content::Entity::same_shape`]). That page comes out in the
    /// time of one page, and `serve` shows it at once; then only the pages
    /// that can show the entry are rendered again (its lists, neighbours
    /// and linking pages: see [`render::pages_showing`]), not the site.
    /// After any other edit to one page's file (a new prerequisite, a
    /// title that moves the entry in its list), only that file is parsed
    /// again, the handbook is resolved from the kept entries, and `early`
    /// gets the file's page as soon as it can be rendered; then, of the
    /// pages that showed the entry before or show an entry the edit
    /// changed ([`render::Reach`]), those whose fingerprint or `site`
    /// fields changed are rendered ([`render::pages_changed`]). A page
    /// file added or deleted alone is taken the same way. Any other change
    /// (a template, the config, a static file, several files at once) runs
    /// the whole build, the edited page (if it has one) still first.
    /// Either way `early` gets the last site with that page replaced.
    pub fn rebuild_with(
        &mut self,
        changed: &[PathBuf],
        early: &mut dyn FnMut(Built),
    ) -> Result<Built, Failure> {
        match self.patch(changed) {
            Some(Patch::Done(result)) => result,
            Some(Patch::Early(built, rest)) => {
                early(built);
                self.show_everywhere(*rest)
            }
            None => match (changed, self.last.take()) {
                // One file: its page first, from the new state, before the
                // other pages are rendered; when it is a page's, from the
                // kept site, reading and parsing nothing else.
                ([file], Some(last)) => match self.build_from_last(file, last, early) {
                    Ok(result) => result,
                    Err(last) => {
                        let first = First {
                            file,
                            before: last.files,
                            show: early,
                            earlier: None,
                        };
                        self.build_with_first(Some(first))
                    }
                },
                _ => self.build(),
            },
        }
    }

    /// The whole build after the page file `file` alone was edited in
    /// place, added or deleted (the watcher says so), from the last one:
    /// that file is read and parsed again, every other entry is taken from
    /// the kept site, and the templates and static files from what it was
    /// built with. This skips loading and parsing the handbook (0.1 s at
    /// 10,000 pages) before the edited page can be shown. `Err` gives
    /// `last` back when this does not apply: not a page's file, one that
    /// does not parse cleanly, one whose slug or draft flag changed, a new
    /// draft or home page, a deleted home page.
    fn build_from_last(
        &mut self,
        file: &Path,
        mut last: Last,
        early: &mut dyn FnMut(Built),
    ) -> Result<Result<Built, Failure>, Box<Last>> {
        let mut t = Timings::default();
        let k = &last.kept;
        let root = &self.opts.root;
        let change = t.time("reparse", || {
            let read = std::fs::read(root.join(file));
            match (k.site.page_of_file(file), read) {
                (Some(r), Ok(bytes)) => {
                    let old = k.site.doc(r)?;
                    let source = SourceFile {
                        rel: file.to_path_buf(),
                        bytes,
                    };
                    let mut new = content::reparse(&k.site.config, source)?;
                    // Dates come from commits, which no edit makes.
                    new.doc_mut().updated = old.updated;
                    old.same_identity(new.doc())
                        .then_some(FileChange::Edited(r, new))
                }
                (Some(PageRef::Entity(kind, _)), Err(e))
                    if e.kind() == std::io::ErrorKind::NotFound =>
                {
                    Some(FileChange::Removed(kind))
                }
                (None, Ok(bytes)) => {
                    let source = SourceFile {
                        rel: file.to_path_buf(),
                        bytes,
                    };
                    let Reparsed::Entity(mut e) = content::reparse(&k.site.config, source)? else {
                        return None;
                    };
                    // A draft (left out, or shown with `--drafts`) and a
                    // slug that one names are the whole build's to sort out.
                    let doc = e.doc();
                    let key = (e.kind(), doc.slug.to_string());
                    if doc.draft || k.site.drafts.contains(&key) {
                        return None;
                    }
                    e.doc_mut().updated = git::last_change(root, file);
                    Some(FileChange::Added(e))
                }
                _ => None,
            }
        });
        let Some(change) = change else {
            return Err(Box::new(last));
        };
        let Some(sources) = last.kept.sources.take() else {
            return Err(Box::new(last));
        };
        // The pages that show the entry now may not after the edit: they
        // are named while the site they are found in is at hand.
        let showed = match &change {
            FileChange::Edited(r, _) => render::files_showing(&last.kept.site, *r),
            FileChange::Removed(_) => last
                .kept
                .site
                .page_of_file(file)
                .map(|r| render::files_showing(&last.kept.site, r))
                .unwrap_or_default(),
            FileChange::Added(_) => HashSet::new(),
        };
        let Last { kept, files, .. } = last;
        let Kept {
            mut site,
            templates,
            cards,
            view,
            global,
            export,
            fingerprints,
            ..
        } = kept;
        // The last build's templates and view may show the edited page
        // (see `render_into`), and its templates and `site` values serve
        // the rest of the run; what else it kept is freed once the page
        // is shown, not while the site is resolved again on the same
        // cores.
        let earlier = Earlier {
            templates,
            view,
            fingerprints,
            cards,
            export,
            showed,
            global,
        };
        let removed = matches!(change, FileChange::Removed(_));
        let (config, handbook) = match change {
            FileChange::Edited(r, new) => {
                put(&mut site, r, new);
                site.into_handbook()
            }
            FileChange::Added(e) => {
                let (config, mut handbook) = site.into_handbook();
                handbook.add(e);
                (config, handbook)
            }
            FileChange::Removed(kind) => {
                let (config, mut handbook) = site.into_handbook();
                handbook.remove(kind, file);
                (config, handbook)
            }
        };
        let Sources {
            templates,
            statics,
            static_names,
        } = sources;
        // No file had anything to say when parsed (or no sources would have
        // been kept), and the edited one has nothing now: every finding is
        // resolve's.
        let (site, warnings) = t.time("resolve", || {
            resolve::resolve(config, handbook, &static_names)
        });
        if warnings.has_errors() {
            // The kept state is gone: the next run builds everything.
            return Ok(Err(fail(warnings, t)));
        }
        self.cache.parse.parsed = usize::from(!removed);
        // Every Markdown file: the entities' and the home page's.
        let markdown = site.entities().count() + usize::from(site.home.is_some());
        self.cache.parse.reused = markdown.saturating_sub(self.cache.parse.parsed);
        let checked = Checked {
            site,
            statics,
            templates,
            warnings,
            timings: t,
            static_names,
            parse_clean: true,
        };
        // The pages that did not change stay as they were.
        let unchanged = files.clone();
        let first = First {
            file,
            before: files,
            show: early,
            earlier: Some(earlier),
        };
        let memory = Memory::sized_like(&unchanged);
        let result = render_into(
            checked,
            &memory,
            Some(&self.cache.code),
            self.opts.plain_asset_names,
            true,
            Some(first),
        );
        self.cache.code.finish_run();
        Ok(result.map(|(mut built, kept)| {
            let mut files = memory.into_files();
            // Every file but the pages is written on every run; the pages
            // not rendered again are the last run's. A page gone with the
            // edit (its file deleted, a comparison renamed) is in neither.
            if built.rendered < built.pages
                && let Some(pages) = &kept.fingerprints
            {
                files.keep_from(unchanged, |path| pages.contains_key(path));
            }
            built.files = files;
            self.last = Some(Last::of(&built, kept));
            built
        }))
    }

    /// After an entry's own page was shown early: the pages that list,
    /// link or otherwise show it, the JSON export and the feed, rendered
    /// from the kept state. Any failure here (a template that breaks on
    /// the new value, say) becomes a full build, which reports it as
    /// `build` would.
    fn show_everywhere(&mut self, rest: Rest) -> Result<Built, Failure> {
        let Rest {
            mut last,
            edited,
            link_changed,
            relinked,
            old_view,
            site_changed,
        } = rest;
        let mut t = Timings::default();
        let k = &mut last.kept;
        // The site view after the edit, and what changed in it; made
        // earlier (and given to the templates) when the entry's own page
        // needed it.
        let (changed, new_view) = match site_changed {
            Some(c) => (c, None),
            None => t.time("views", || {
                let view = views::site_view(&k.site, &k.cards, k.assets.clone());
                (views::changed_site_fields(&old_view, &view), Some(view))
            }),
        };
        drop(old_view);
        let memory = Memory::sized_like(&last.files);
        let mut edit = render::Edit {
            edited,
            link_changed,
            relinked: &relinked,
            site_changed: &changed,
            new_view: new_view.as_ref(),
            export: k.export.as_mut(),
        };
        let rendered = t.time("render", || {
            let rendered = render::pages_showing(
                &k.site,
                &mut k.templates,
                &mut k.global,
                &k.cards,
                Some(&self.cache.code),
                &memory,
                &mut edit,
            );
            output::discovery(&k.site, &k.discovery, &memory).ok()?;
            rendered.ok()
        });
        if let Some(view) = new_view {
            k.view = Some(view);
        }
        let Some(rendered) = rendered else {
            return self.build();
        };
        keep_fingerprints(&mut last.kept, rendered.fingerprints);
        let built = last.with_pages(memory, rendered.pages, t);
        self.last = Some(last);
        Ok(built)
    }

    /// The fast paths of [`Session::rebuild_with`]; `None` when neither
    /// applies (nothing has been changed then).
    fn patch(&mut self, changed: &[PathBuf]) -> Option<Patch> {
        let last = self.last.as_ref()?;
        if changed.is_empty() {
            return None;
        }
        let mut t = Timings::default();
        // Quiet: every edit keeps its front matter, so no card, list or
        // field of `site` changes; at most its headings and links do.
        let (edits, quiet) = t.time("reparse", || {
            let site = &last.kept.site;
            let mut edits: Vec<(PageRef, Reparsed)> = Vec::new();
            let mut quiet = true;
            for rel in changed {
                let r = site.page_of_file(rel)?;
                let old = site.doc(r)?;
                if edits.iter().any(|(e, _)| *e == r)
                    || last.warnings.iter().any(|d| d.file.as_deref() == Some(rel))
                {
                    return None;
                }
                let bytes = std::fs::read(self.opts.root.join(rel)).ok()?;
                let file = SourceFile {
                    rel: rel.clone(),
                    bytes,
                };
                let mut new = content::reparse(&site.config, file)?;
                if !old.same_front_matter(new.doc()) {
                    quiet = false;
                    let fits = match (r, &new) {
                        // The home page is no entry of any list; its
                        // title and summary show on its own page, and on
                        // those it links to as a backlink.
                        (PageRef::Home, Reparsed::Home(doc)) => old.same_identity(doc),
                        (PageRef::Entity(..), Reparsed::Entity(e)) => {
                            site.entity(r).is_some_and(|o| o.same_shape(e))
                                && site.keeps_place(r, e)
                        }
                        _ => false,
                    };
                    // Alone: two entries retitled at once could swap
                    // places while each alone would keep its own, and
                    // another edited page could show the entry's old card.
                    if !fits || changed.len() > 1 {
                        return None;
                    }
                }
                // Dates come from commits, which no edit makes.
                new.doc_mut().updated = old.updated;
                edits.push((r, new));
            }
            Some((edits, quiet))
        })?;
        // From here the kept state is changed: a run that fails drops it,
        // and the next run builds everything.
        let mut last = self.last.take()?;
        let refs: Vec<PageRef> = edits.iter().map(|(r, _)| *r).collect();
        // What other pages show of the entry, to tell whether they change.
        let old_links: Vec<_> = match quiet {
            true => Vec::new(),
            false => refs
                .iter()
                .map(|&r| views::link(&last.kept.site, r))
                .collect(),
        };
        // What every page saw of the site before the edit, to find what
        // the edit changes of it.
        let old_view = match (quiet, last.kept.view.take()) {
            (true, view) => {
                last.kept.view = view;
                None
            }
            (false, Some(view)) => Some(view),
            (false, None) => {
                let k = &last.kept;
                Some(t.time("views", || {
                    views::site_view(&k.site, &k.cards, k.assets.clone())
                }))
            }
        };
        // The edits go in; those that moved headings or links keep what
        // they replaced, to check and relink against, or to be put back.
        let mut replaced: Vec<(PageRef, Reparsed)> = Vec::new();
        for (r, new) in edits {
            let site = &mut last.kept.site;
            let old = match site.doc(r) {
                Some(d) if !d.same_anchors(new.doc()) => match r {
                    PageRef::Home => site.home.clone().map(Reparsed::Home),
                    PageRef::Entity(..) => site.entity(r).map(Reparsed::Entity),
                },
                _ => None,
            };
            put(site, r, new);
            replaced.extend(old.map(|o| (r, o)));
        }
        let site = &mut last.kept.site;
        let found = t.time("resolve", || {
            let mut found = Diagnostics::new();
            for (r, old) in &replaced {
                found.extend(site.check_links(*r, old.doc()));
            }
            found
        });
        if !found.is_empty() {
            // A broken link or fragment: the full build reports it with
            // every other finding, from the state as it was.
            for (r, old) in replaced {
                put(site, r, old);
            }
            last.kept.view = old_view;
            self.last = Some(last);
            return None;
        }
        // Pages whose backlinks gained or lost an edited page.
        let mut relinked: std::collections::BTreeSet<PageRef> = Default::default();
        for (r, old) in &replaced {
            relinked.extend(site.relink(*r, old.doc()));
        }
        drop(replaced);
        for r in &refs {
            relinked.remove(r);
            if let PageRef::Entity(..) = r {
                render::views::refresh_card(&last.kept.site, &mut last.kept.cards, *r);
            }
        }
        let relinked: Vec<PageRef> = relinked.into_iter().collect();
        // Most templates of entries' pages read nothing of `site` that an
        // entry makes (the built-in ones read the settings): those pages
        // come first, and `site` is made again after.
        let mut site_changed = None;
        if let (Some(old), [r]) = (&old_view, refs.as_slice())
            && render::page_reads(&last.kept.templates, *r, views::FIELDS_AN_EDIT_CHANGES)
        {
            site_changed = Some(t.time("views", || new_site(&mut last.kept, old)));
        }
        // A quiet edit's pages are all there is to render; after any other,
        // the edited page goes first, and the rest follows.
        let pages: Vec<PageRef> = match quiet {
            true => refs.iter().chain(&relinked).copied().collect(),
            false => refs.clone(),
        };
        let memory = Memory::default();
        let rendered = t.time("render", || {
            let k = &last.kept;
            render::pages_of(
                &k.site,
                &k.templates,
                &k.cards,
                Some(&self.cache.code),
                &memory,
                &pages,
            )
        });
        match rendered {
            Ok(r) => keep_fingerprints(&mut last.kept, r.fingerprints),
            Err(d) => {
                // The kept state is dropped: the next run builds
                // everything, and reports the error if it is still there.
                return if quiet {
                    Some(Patch::Done(Err(fail(d, t))))
                } else {
                    None
                };
            }
        }
        self.cache.parse.parsed = refs.len();
        self.cache.parse.reused = 0;
        let built = last.with_pages(memory, pages.len(), t);
        match (old_view, refs.as_slice()) {
            (Some(old_view), [edited]) => {
                let link_changed =
                    old_links.first() != Some(&views::link(&last.kept.site, *edited));
                let rest = Rest {
                    last,
                    edited: *edited,
                    link_changed,
                    relinked,
                    old_view,
                    site_changed,
                };
                return Some(Patch::Early(built, Box::new(rest)));
            }
            // Never so (more than one edit reaches here only for bodies),
            // but a full build is right whatever came.
            (Some(_), _) => return None,
            (None, _) => {}
        }
        self.last = Some(last);
        Some(Patch::Done(Ok(built)))
    }

    /// The site of the last good run (shared, not copied), if the session
    /// keeps one.
    pub fn last_files(&self) -> Option<Files> {
        self.last.as_ref().map(|l| l.files.clone())
    }

    /// How many files the last run parsed, and how many it reused.
    pub fn parse_counts(&self) -> (usize, usize) {
        (self.cache.parse.parsed, self.cache.parse.reused)
    }
}

/// Makes the `site` global again from the kept state, sets it for the
/// templates if it changed, and returns which fields did.
fn new_site(k: &mut Kept, old: &SiteView) -> Vec<&'static str> {
    let view = views::site_view(&k.site, &k.cards, k.assets.clone());
    let changed = views::changed_site_fields(old, &view);
    if !changed.is_empty() {
        k.global.update(&view, &changed, &k.site, &k.cards);
        k.global.set(&mut k.templates);
    }
    k.view = Some(view);
    changed
}

/// load → parse → resolve. Writes nothing.
pub fn check(opts: &Options) -> Result<Checked, Failure> {
    check_with(opts, None, false)
}

/// `check`, with a parse cache for `serve`; `for_build` starts loading the
/// syntax highlighter in the background as soon as a page with code is
/// parsed, so the load overlaps resolve instead of the first page.
fn check_with(
    opts: &Options,
    cache: Option<&mut ParseCache>,
    for_build: bool,
) -> Result<Checked, Failure> {
    let mut t = Timings::default();
    let loaded = match t.time("load", || load(opts)) {
        Ok(l) => l,
        Err(d) => return Err(fail(d, t)),
    };
    let Loaded {
        config,
        content,
        templates,
        statics,
        static_names,
    } = loaded;
    let dates = t.time("git", || git::last_changes(&opts.root));
    let (handbook, mut diags) = t.time("parse", || match cache {
        Some(cache) => content::parse_cached(&config, content, opts.drafts, &dates, cache),
        None => content::parse(&config, content, opts.drafts, &dates),
    });
    if for_build && handbook.any_code() {
        rayon::spawn(highlight::warm_up);
    }
    let parse_clean = diags.is_empty();
    let (site, resolve_diags) = t.time("resolve", || {
        resolve::resolve(config, handbook, &static_names)
    });
    diags.extend(resolve_diags);
    if diags.has_errors() {
        return Err(fail(diags, t));
    }
    Ok(Checked {
        site,
        statics,
        templates,
        warnings: diags,
        timings: t,
        static_names,
        parse_clean,
    })
}

/// Every stage after `check`, putting the site into `sink`.
fn render_into(
    checked: Checked,
    sink: &dyn Sink,
    memo: Option<&highlight::Memo>,
    plain_asset_names: bool,
    session: bool,
    first: Option<First<'_>>,
) -> Result<(Built, Kept), Failure> {
    let Checked {
        site,
        statics,
        templates,
        warnings,
        mut timings,
        static_names,
        parse_clean,
    } = checked;
    let shipped = timings.time("assets", || {
        render::assets::shipped(&statics, &templates, plain_asset_names)
    });
    let mut first = first;
    // The last run's templates, when this run has the same sources (an
    // edited page's): parsing them again took 3 ms before anything else.
    let mut reused = None;
    // The last build's view of `site` and page fingerprints, when only the
    // pages that changed are to be rendered.
    let mut incremental: Option<(SiteView, Fingerprints)> = None;
    let mut old_cards = None;
    let mut old_export = None;
    let mut showed = None;
    // Which cards are the last run's, when there was one.
    let mut same_cards = None;
    // The edited entry, found before its page may be shown (and `first`
    // taken).
    let edited = first.as_ref().and_then(|f| site.page_of_file(f.file));
    // With the last build's templates at hand, the edited page may go out
    // before `site` is made again.
    let cards = first
        .as_mut()
        .and_then(|f| f.earlier.take())
        .map(|mut earlier| {
            let (cards, same) = timings.time("cards", || {
                views::cards_after_edit(&site, &mut earlier.cards, edited)
            });
            same_cards = Some(same);
            let page = first.as_ref().and_then(|f| site.page_of_file(f.file));
            if let (Some(old), Some(r)) = (&earlier.view, page)
                && !render::page_reads(
                    &earlier.templates,
                    r,
                    &views::fields_an_edit_can_change(old, &site, &cards),
                )
                && let Some(f) = first.take()
            {
                show_first(
                    f,
                    &site,
                    &earlier.templates,
                    &cards,
                    memo,
                    &warnings,
                    &timings,
                );
            }
            let Earlier {
                templates,
                view,
                fingerprints,
                cards: last_cards,
                export,
                showed: showed_before,
                global,
            } = earlier;
            showed = Some(showed_before);
            reused = Some((templates, global));
            incremental = view.zip(fingerprints);
            old_cards = Some(last_cards);
            old_export = export;
            cards
        });
    let mut cards = match cards {
        Some(cards) => cards,
        None => timings.time("cards", || views::cards(&site)),
    };
    let (mut tpl, old_global) = match reused {
        Some((tpl, global)) => (tpl, Some(global)),
        None => match timings.time("templates", || render::templates(&templates, session)) {
            Ok(t) => (t, None),
            Err(d) => return Err(fail(d, timings)),
        },
    };
    // A session keeps what lets it show an edited entry without the whole
    // site. The cards' template values are made first, so that `site`'s
    // lists of every card are put together from them instead of being
    // serialized a second time. Those of cards the edit left as they were
    // are the last build's.
    // Which cards are the last run's (found with the cards) serves both
    // the values and what the edit can have changed.
    let same = session
        .then(|| {
            timings.time("values", || {
                let last = old_cards.as_ref().zip(same_cards.as_ref());
                render::keep_values(&site, &mut cards, last);
                same_cards
            })
        })
        .flatten();
    // What the edit can have changed: the entries whose cards differ, and
    // the edited one, whose relations may.
    let reach = showed.zip(same).and_then(|(before, same)| {
        let (mut changed, mut cards_only) = same.changed()?;
        // The edited entry's relations and place may have changed with it.
        cards_only.retain(|&r| Some(r) != edited);
        changed.extend(edited);
        Some(render::Reach {
            before,
            changed,
            cards_only,
        })
    });
    if let Some(old) = old_cards {
        render::free_elsewhere(old);
    }
    // After an edit, what it changed of `site`, and only that serialized
    // again.
    let mut site_changed = None;
    let (cards, view, global) = timings.time("views", || {
        match (old_global, incremental.as_ref().map(|(view, _)| view)) {
            (Some(global), Some(old_view)) => {
                let (cards, view, global, changed) =
                    render::prepare_after(&site, &mut tpl, &shipped, cards, old_view, global);
                site_changed = Some(changed);
                (cards, view, global)
            }
            _ => render::prepare(&site, &mut tpl, &shipped, cards),
        }
    });
    if let Some(first) = first {
        show_first(first, &site, &tpl, &cards, memo, &warnings, &timings);
    }
    // What the edit changed of `site`; the last view (a copy of every
    // card) is freed now, before the new template values are made.
    let incremental = incremental.map(|(old_view, before)| {
        let site_changed =
            site_changed.unwrap_or_else(|| views::changed_site_fields(&old_view, &view));
        render::free_elsewhere(old_view);
        (site_changed, before)
    });
    // A build drops the view at once.
    let view = session.then_some(view);
    // Before the pages, which win over a static file of the same path.
    let extras = match timings.time("extras", || output::extras(&site, &statics, &shipped, sink)) {
        Ok(n) => n,
        Err(e) => {
            let mut d = Diagnostics::new();
            d.push(Diagnostic::general(e.to_string()));
            return Err(fail(d, timings));
        }
    };
    let render_pages = || match &incremental {
        Some((site_changed, before)) => {
            let last = render::LastRun {
                fingerprints: before,
                site_changed,
                export: old_export.as_ref(),
                reach: reach.as_ref(),
            };
            render::pages_changed(&site, &tpl, &cards, memo, sink, &last)
                .map(|p| (p.rendered, p.export, p.pages, p.gone))
        }
        None => render::pages(&site, &tpl, &cards, memo, sink, session).map(|(r, export)| {
            let pages = r.pages;
            (r, export, pages, Vec::new())
        }),
    };
    // The sitemap and feed are made while the pages are.
    let (discovery, rendered) = timings.time("render", || {
        rayon::join(
            || output::discovery(&site, &extras.discovery, sink),
            render_pages,
        )
    });
    if let Err(e) = discovery {
        let mut d = Diagnostics::new();
        d.push(Diagnostic::general(e.to_string()));
        return Err(fail(d, timings));
    }
    let (mut rendered, export, pages, gone) = match rendered {
        Ok(r) => r,
        Err(d) => return Err(fail(d, timings)),
    };
    // Every page's fingerprint: those just rendered, and for the others
    // (when only the changed pages were) the last build's.
    let fingerprints = session.then(|| {
        let mut all = match incremental {
            Some((_, mut before)) if rendered.pages < pages => {
                for file in &gone {
                    before.remove(file);
                }
                before
            }
            _ => Fingerprints::default(),
        };
        all.extend(std::mem::take(&mut rendered.fingerprints));
        all
    });
    timings.note(
        "markdown",
        rendered.markdown,
        "CPU time inside render, summed over threads",
    );
    let built = Built {
        files: Files::default(),
        pages,
        // Pages, the JSON export and the extras.
        file_count: pages + 1 + extras.files,
        base_path: site.config.base_path.clone(),
        warnings,
        rendered: rendered.pages,
        timings,
    };
    let kept = Kept {
        site,
        templates: tpl,
        cards,
        assets: shipped.view(),
        discovery: extras.discovery,
        view,
        global,
        export,
        sources: (session && parse_clean).then_some(Sources {
            templates,
            statics,
            static_names,
        }),
        fingerprints,
    };
    Ok((built, kept))
}

/// Renders the page of `first.file` (if the site has one) and hands it
/// over with the previous site around it. A failure is left to the full
/// render that follows, which reports it.
fn show_first(
    first: First<'_>,
    site: &Site,
    templates: &render::Templates,
    cards: &Cards,
    memo: Option<&highlight::Memo>,
    warnings: &Diagnostics,
    timings: &Timings,
) {
    let Some(r) = site.page_of_file(first.file) else {
        return;
    };
    let memory = Memory::default();
    let start = Instant::now();
    if render::pages_of(site, templates, cards, memo, &memory, &[r]).is_err() {
        return;
    }
    let mut timings = timings.clone();
    timings.stages.push(("render", start.elapsed()));
    let mut files = first.before;
    files.overlay(memory.into_files());
    let pages = files.files.keys().filter(|p| p.ends_with(".html")).count();
    (first.show)(Built {
        file_count: files.len(),
        files,
        pages,
        base_path: site.config.base_path.clone(),
        warnings: warnings.clone(),
        rendered: 1,
        timings,
    });
}

/// Every stage, with the finished files kept in memory (for `serve` and
/// tests).
pub fn build(opts: &Options) -> Result<Built, Failure> {
    build_with(opts, None, None).map(|(built, _)| built)
}

fn build_with(
    opts: &Options,
    cache: Option<&mut Caches>,
    first: Option<First<'_>>,
) -> Result<(Built, Kept), Failure> {
    let (parse, code) = match cache {
        Some(c) => (Some(&mut c.parse), Some(&mut c.code)),
        None => (None, None),
    };
    let checked = check_with(opts, parse, true)?;
    let memory = Memory::default();
    let session = code.is_some();
    let result = render_into(
        checked,
        &memory,
        code.as_deref(),
        opts.plain_asset_names,
        session,
        first,
    );
    if let Some(code) = code {
        code.finish_run();
    }
    let (mut built, kept) = result?;
    built.files = memory.into_files();
    Ok((built, kept))
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
    let checked = check_with(opts, None, true)?;
    let staging = match Staging::create(output_dir) {
        Ok(s) => s,
        Err(e) => {
            let mut d = Diagnostics::new();
            d.push(Diagnostic::general(e.to_string()));
            return Err(fail(d, checked.timings));
        }
    };
    let (mut built, _) = render_into(checked, &staging, None, opts.plain_asset_names, false, None)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> Options {
        Options {
            root: Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/serve"),
            base_url: None,
            drafts: false,
            ..Options::default()
        }
    }

    fn files(result: Result<Built, Failure>) -> Files {
        match result {
            Ok(b) => b.files,
            Err(f) => panic!("{}", f.diagnostics.render()),
        }
    }

    #[test]
    fn a_session_builds_exactly_what_build_builds() {
        let plain = files(build(&fixture()));
        let mut session = Session::new(fixture());
        assert_eq!(files(session.build()), plain);
        let (parsed, _) = session.parse_counts();
        assert!(parsed > 0);
        // Everything from the caches now: still the same bytes.
        assert_eq!(files(session.build()), plain);
        assert_eq!(session.parse_counts(), (0, parsed));
    }

    /// The resolved site of a fixture handbook.
    fn site(root: &str) -> Site {
        let opts = Options {
            root: Path::new(env!("CARGO_MANIFEST_DIR")).join(root),
            ..Options::default()
        };
        match check(&opts) {
            Ok(c) => c.site,
            Err(f) => panic!("{}", f.diagnostics.render()),
        }
    }

    #[test]
    fn cards_after_an_edit_are_the_cards_made_afresh() {
        let before = site("tests/fixtures/full");
        let last = views::cards(&before);
        // Each skill in turn gets a title that sorts it first, which moves
        // every skill before it one place on.
        for i in 0..before.skills.len() {
            let slug = before.skills[i].doc.slug.to_string();
            let (config, mut hb) = site("tests/fixtures/full").into_handbook();
            let Some(skill) = hb.skills.iter_mut().find(|s| s.doc.slug.as_str() == slug) else {
                panic!("no skill {slug}");
            };
            skill.doc.title = format!("000 {}", skill.doc.title);
            let (after, _) = resolve::resolve(config, hb, &[]);
            let edited = after
                .find(Kind::Skill, &slug)
                .map(|i| PageRef::Entity(Kind::Skill, i));
            let mut old = views::cards(&before);
            let (made, same) = views::cards_after_edit(&after, &mut old, edited);
            let fresh = views::cards(&after);
            assert_eq!(made.skills, fresh.skills, "editing {slug}");
            assert_eq!(made.roles, fresh.roles);
            assert_eq!(made.phases, fresh.phases);
            assert_eq!(made.phase_skills, fresh.phase_skills);
            let all = views::SameCards::of(&last, &fresh);
            assert_eq!(same.skills, all.skills, "editing {slug}");
            assert_eq!(same.roles, all.roles);
            assert_eq!(same.phases, all.phases);
            assert_eq!(same.skills.iter().filter(|j| j.is_none()).count(), 1);
        }
    }
}
