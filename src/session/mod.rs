//! The session: everything kept between the rebuilds of `serve`, in one
//! place. The stages never know it exists; it runs them as `build` does
//! ([`pipeline::check_sources`], [`pipeline::ready`],
//! [`Ready::render_pages`] and [`pipeline::Rendered::index`]), and meets
//! them through these only:
//!
//! - the handbook's files as last read ([`Sources`]): after an edit in
//!   place, only the edited files are read again;
//! - a [`pipeline::Memo`] (`kept`): each file's parse and each code
//!   block's HTML, reused while their input is byte for byte the same;
//! - [`Ready::page`]: the edited file's own page, rendered alone and shown
//!   over the last site before every other page is rendered again;
//! - the sink the site is rendered into (`site`), which keeps a page
//!   that came out as before as the last site's bytes, so that memory
//!   holds one site, not two.
//!
//! The pages of a run are shown before its search index is made (with the
//! last index until then): on a big site the index takes longer than the
//! pages.
//!
//! Every rebuild then renders the whole site. Nothing records which page
//! shows what, so no view field or template can be forgotten: after any
//! edit the site is what a fresh `build` makes (`tests/session.rs` checks
//! this for every file of two handbooks).

mod kept;
mod site;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::Diagnostics;
use crate::fs::SourceFile;
use crate::git;
use crate::output::Files;
use crate::pipeline::{self, Built, Failure, Options, Ready, Sources, Timings};
use kept::Kept;
use site::SharingSink;

/// A site handed over before a run ends, for `serve` to show at once.
pub enum Early {
    /// The last site with the edited file's page made anew.
    EditedPage(Built),
    /// The run's site, with the last site's search index until the new
    /// one is made.
    BeforeIndex(Built),
}

impl Early {
    pub fn into_built(self) -> Built {
        match self {
            Early::EditedPage(b) | Early::BeforeIndex(b) => b,
        }
    }
}

/// `serve`'s builds of one handbook, one after another.
pub struct Session {
    opts: Options,
    /// The files the last run read, with the dates git gave them then:
    /// a commit changes dates, not the files an edit touches.
    read: Option<(Sources, git::Dates)>,
    kept: Kept,
    /// The last good site.
    site: Option<Files>,
}

impl Session {
    pub fn new(opts: Options) -> Self {
        Session {
            opts,
            read: None,
            kept: Kept::default(),
            site: None,
        }
    }

    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// [`pipeline::build`], reading every file again but parsing only
    /// those that changed since the last run: for when it is not known
    /// what changed (the first build, files added or removed, lost events).
    pub fn build(&mut self) -> Result<Built, Failure> {
        self.build_with(&mut |_| {})
    }

    /// [`Session::build`], handing `early` the site before its search
    /// index (see [`Session::rebuild_with`]).
    pub fn build_with(&mut self, early: &mut dyn FnMut(Early)) -> Result<Built, Failure> {
        self.read = None;
        self.rebuild_with(&[], early)
    }

    /// The run after the files at `edited` (relative to the root) were
    /// changed in place, and nothing else.
    pub fn rebuild(&mut self, edited: &[PathBuf]) -> Result<Built, Failure> {
        self.rebuild_with(edited, &mut |_| {})
    }

    /// [`Session::rebuild`], handing `early` the last site with the edited
    /// file's page replaced as soon as that page is rendered, before the
    /// rest of the site (one file edited, and a page made from it); and,
    /// with search on, the new site with the last search index, before the
    /// new index is made.
    pub fn rebuild_with(
        &mut self,
        edited: &[PathBuf],
        early: &mut dyn FnMut(Early),
    ) -> Result<Built, Failure> {
        let mut t = Timings::default();
        let read = match self.read.take() {
            Some(read) if !edited.is_empty() => t.time("load", || reread(&self.opts, read, edited)),
            _ => None,
        };
        let (sources, dates) = match read {
            Some(read) => read,
            None => {
                let sources = match t.time("load", || pipeline::load(&self.opts)) {
                    Ok(s) => s,
                    Err(d) => return Err(failure(d, t)),
                };
                (
                    sources,
                    t.time("git", || git::last_changes(&self.opts.root)),
                )
            }
        };
        self.kept.start_run(&sources.config);
        let result = self.run(&sources, &dates, t, edited, early);
        self.kept.finish_run();
        self.read = Some((sources, dates));
        if let Ok(built) = &result {
            self.site = Some(built.files.clone());
        }
        result
    }

    fn run(
        &self,
        sources: &Sources,
        dates: &git::Dates,
        t: Timings,
        edited: &[PathBuf],
        early: &mut dyn FnMut(Early),
    ) -> Result<Built, Failure> {
        let drafts = self.opts.drafts;
        let checked = pipeline::check_sources(sources.clone(), dates, drafts, &self.kept, t)?;
        let ready = pipeline::ready(&checked, self.opts.plain_asset_names)?;
        if let ([file], Some(site)) = (edited, &self.site) {
            self.show_first(&ready, file, site, early);
        }
        let none = Files::default();
        let sink = SharingSink::new(self.site.as_ref().unwrap_or(&none));
        let rendered = ready.render_pages(&sink, &self.kept)?;
        if let (true, Some(site)) = (rendered.has_index(), &self.site) {
            early(Early::BeforeIndex(pages_before_index(
                &rendered.built,
                sink.files(),
                site,
            )));
        }
        let mut built = rendered.index(&sink)?;
        built.files = sink.into_files();
        Ok(built)
    }

    /// Hands `early` the `site` with the page of `file` rendered anew.
    fn show_first(
        &self,
        ready: &Ready<'_>,
        file: &Path,
        site: &Files,
        early: &mut dyn FnMut(Early),
    ) {
        let mut t = ready.timings.clone();
        let Some(page) = t.time("page", || ready.page(file, &self.kept)) else {
            return;
        };
        let mut files = site.clone();
        files.overlay(page);
        let pages = files.files.keys().filter(|p| p.ends_with(".html")).count();
        early(Early::EditedPage(Built {
            file_count: files.len(),
            files,
            pages,
            base_path: ready.base_path().to_string(),
            warnings: Diagnostics::new(),
            timings: t,
        }));
    }

    /// The site of the last good run (shared, not copied), if any.
    pub fn last_files(&self) -> Option<Files> {
        self.site.clone()
    }

    /// How many files the last run parsed, and how many it reused.
    pub fn parse_counts(&self) -> (usize, usize) {
        self.kept.counts()
    }
}

/// The run's site before its search index is made: its pages, with the
/// last site's index (which finds what the last site held) until then.
fn pages_before_index(pages: &Built, mut files: Files, last: &Files) -> Built {
    for (path, file) in &last.files {
        if path.starts_with(crate::search::BUNDLE_DIR) {
            files.files.insert(path.clone(), file.clone());
        }
    }
    Built {
        file_count: files.len(),
        files,
        pages: pages.pages,
        base_path: pages.base_path.clone(),
        warnings: Diagnostics::new(),
        timings: pages.timings.clone(),
    }
}

fn failure(diagnostics: Diagnostics, timings: Timings) -> Failure {
    Failure {
        diagnostics,
        timings,
        usage: false,
    }
}

/// The sources with the `edited` files (edited in place: none added or
/// removed) read again; `None` when that cannot be done and every file
/// must be read: the settings changed (they decide how every file is
/// read), or an edited file is not one the last run read, or is gone.
fn reread(
    opts: &Options,
    (mut sources, dates): (Sources, git::Dates),
    edited: &[PathBuf],
) -> Option<(Sources, git::Dates)> {
    let content_limit = Some(sources.config.max_file_size);
    for rel in edited {
        let (list, limit) = match rel.components().next()?.as_os_str().to_str()? {
            "content" => (&mut sources.content, content_limit),
            "templates" => (&mut sources.templates, None),
            "static" => (&mut sources.statics, None),
            _ => return None,
        };
        let at = list.iter().position(|f| f.rel == *rel)?;
        // Under the rules of a full read, which reports what breaks them.
        let bytes = crate::fs::read_in_root(&opts.root, rel, limit).ok()?;
        list[at] = SourceFile {
            rel: rel.clone(),
            bytes: Arc::from(bytes),
        };
    }
    Some((sources, dates))
}
