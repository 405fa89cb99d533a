//! The authoring contract as types: what a handbook's `content/` holds once
//! it has been read and its front matter validated.
//!
//! [`load`] reads the files; [`parse`] turns each into a [`Skill`], [`Role`],
//! [`Phase`], [`Page`] or the home page, checking everything that can be
//! checked one file at a time (keys, types, enums, ids from
//! `handbook.toml`). Checks that need every file (references, cycles,
//! duplicate orders) belong to `resolve`.
//!
//! [`parse_cached`] is the same parse with a [`ParseCache`]: a file whose
//! path and bytes are unchanged since the last run is not parsed again
//! (`serve` re-runs the pipeline on every change).

mod body;
mod entities;
mod frontmatter;
mod slug;

pub use body::{
    Heading, IdDeduper, Link, Target, classify as body_target, heading_id,
    options as markdown_options,
};
pub use entities::*;
pub use slug::{Slug, suggest as suggest_slug};

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics, display_path};
use crate::fs::{self, SourceFile};
use crate::git::{Dates, Timestamp};

/// The four kinds of entity a cross-reference can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Skill,
    Role,
    Phase,
    Page,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Skill, Kind::Role, Kind::Phase, Kind::Page];

    /// `skill:` in a link.
    pub fn from_prefix(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == s)
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Skill => "skill",
            Kind::Role => "role",
            Kind::Phase => "phase",
            Kind::Page => "page",
        }
    }

    /// The folder under `content/` that holds this kind.
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Skill => "skills",
            Kind::Role => "roles",
            Kind::Phase => "phases",
            Kind::Page => "pages",
        }
    }

    /// The URL path of an entity, relative to the site root.
    pub fn path(self, slug: &str) -> String {
        // Made for every page of every run: pushed, not formatted, with
        // room for the `index.html` of its file.
        let folder = match self {
            Kind::Page => "",
            k => k.folder(),
        };
        let mut path = String::with_capacity(folder.len() + slug.len() + 12);
        if !folder.is_empty() {
            path.push_str(folder);
            path.push('/');
        }
        path.push_str(slug);
        path.push('/');
        path
    }
}

/// What every Markdown file has: where it came from, its slug and title,
/// and its body with the headings and links found in it.
#[derive(Debug, Clone)]
pub struct Doc {
    /// Relative to the handbook root: `content/skills/03-apis.md`.
    pub file: PathBuf,
    /// The whole file, shared so diagnostics and rendering can borrow it.
    pub text: Arc<str>,
    pub slug: Slug,
    pub title: String,
    pub summary: Option<String>,
    pub draft: bool,
    /// Byte range of the Markdown body in `text`.
    pub body: std::ops::Range<usize>,
    pub headings: Vec<Heading>,
    pub links: Vec<Link>,
    /// The body has a fenced code block with a language tag.
    pub has_code: bool,
    /// When the file last changed in git history; `None` outside a git
    /// checkout or for a file never committed.
    pub updated: Option<Timestamp>,
}

impl Doc {
    pub fn body_text(&self) -> &str {
        &self.text[self.body.clone()]
    }

    /// The folder of the source file relative to `content/`, which is where
    /// its co-located files live (`skills`, `pages`, or empty for home).
    pub fn content_folder(&self) -> PathBuf {
        let parent = self.file.parent().unwrap_or(Path::new(""));
        parent
            .strip_prefix("content")
            .unwrap_or(parent)
            .to_path_buf()
    }

    /// True when `other` is the same file with the same slug, draft flag,
    /// headings and links: what other pages link to, and what links from
    /// here (backlinks, link checks), are unchanged.
    pub fn same_anchors(&self, other: &Doc) -> bool {
        fn links(d: &Doc) -> impl Iterator<Item = (&Target, bool, bool)> {
            d.links.iter().map(|l| (&l.target, l.empty_text, l.image))
        }
        self.same_identity(other) && self.headings == other.headings && links(self).eq(links(other))
    }

    /// True when `other` is the same file making the same page: the slug
    /// and draft flag, which decide whether and where it is published, are
    /// unchanged.
    pub fn same_identity(&self, other: &Doc) -> bool {
        self.file == other.file && self.slug == other.slug && self.draft == other.draft
    }

    /// True when `other` has the same front matter, byte for byte, so
    /// that only its body, and with it maybe its headings and links,
    /// changed.
    pub fn same_front_matter(&self, other: &Doc) -> bool {
        self.text[..self.body.start] == other.text[..other.body.start]
    }

    pub fn has_heading(&self, id: &str) -> bool {
        self.headings.iter().any(|h| h.id == id)
    }
}

/// A file under `content/` that is not Markdown: copied to the output
/// folder that corresponds to its folder.
#[derive(Debug, Clone)]
pub struct Asset {
    pub file: PathBuf,
    /// Output path relative to the site root.
    pub out: String,
    pub bytes: Arc<[u8]>,
}

/// Every file of a handbook, parsed and individually valid.
#[derive(Debug, Default)]
pub struct Handbook {
    pub home: Option<Doc>,
    pub skills: Vec<Skill>,
    pub roles: Vec<Role>,
    pub phases: Vec<Phase>,
    pub pages: Vec<Page>,
    pub assets: Vec<Asset>,
    /// Entities that exist but were left out: drafts (without `--drafts`)
    /// and files with errors. References to them are judged accordingly
    /// instead of reported as missing.
    pub drafts: HashSet<(Kind, String)>,
    pub broken: HashSet<(Kind, String)>,
}

impl Handbook {
    /// Puts in an entity whose file was added (a `serve` session resolves
    /// the handbook again after; resolving sorts the lists).
    pub fn add(&mut self, e: Entity) {
        match e {
            Entity::Skill(x) => self.skills.push(x),
            Entity::Role(x) => self.roles.push(x),
            Entity::Phase(x) => self.phases.push(x),
            Entity::Page(x) => self.pages.push(x),
        }
    }

    /// Takes out the entity of `kind` made from `file`, whose file was
    /// deleted; whether there was one.
    pub fn remove(&mut self, kind: Kind, file: &Path) -> bool {
        fn take<T>(v: &mut Vec<T>, doc: impl Fn(&T) -> &Doc, file: &Path) -> bool {
            let before = v.len();
            v.retain(|x| doc(x).file != file);
            v.len() < before
        }
        match kind {
            Kind::Skill => take(&mut self.skills, |x| &x.doc, file),
            Kind::Role => take(&mut self.roles, |x| &x.doc, file),
            Kind::Phase => take(&mut self.phases, |x| &x.doc, file),
            Kind::Page => take(&mut self.pages, |x| &x.doc, file),
        }
    }

    /// Whether any page has a fenced code block with a language tag.
    pub fn any_code(&self) -> bool {
        self.home.iter().any(|d| d.has_code)
            || self.skills.iter().any(|s| s.doc.has_code)
            || self.roles.iter().any(|r| r.doc.has_code)
            || self.phases.iter().any(|p| p.doc.has_code)
            || self.pages.iter().any(|p| p.doc.has_code)
    }
}

/// Reads every file under `content/`.
pub fn load(root: &Path) -> Result<Vec<SourceFile>, Diagnostics> {
    if !root.join("content").is_dir() {
        let mut d = Diagnostics::new();
        d.push(
            Diagnostic::general(format!("`{}` has no `content` folder", root.join("content").parent().map_or_else(String::new, |p| p.display().to_string())))
                .with_help("a handbook keeps its Markdown in content/ (skills/, roles/, phases/, pages/); `roadbook init` creates one"),
        );
        return Err(d);
    }
    fs::read_tree(root, "content").map_err(|e| {
        let mut d = Diagnostics::new();
        d.push(Diagnostic::general(e.to_string()));
        d
    })
}

/// One parsed file, before drafts are filtered out.
#[derive(Clone)]
enum Parsed {
    Home(Doc),
    Entity(Entity),
    Asset(Asset),
    /// A file with errors: its kind and slug, when known.
    Failed(Option<(Kind, String)>),
}

/// The parse results of the last run, by file, kept for the next run of
/// the pipeline on the same handbook. An entry is reused only when the
/// file's bytes are exactly the same (compared, not hashed) and
/// `handbook.toml` gave the same [`Config`] (parsing checks ids against it).
#[derive(Default)]
pub struct ParseCache {
    config: Option<Config>,
    files: HashMap<PathBuf, CachedFile>,
    /// Files the last run parsed; the others came from the cache.
    pub parsed: usize,
    /// Files the last run took from the cache.
    pub reused: usize,
}

struct CachedFile {
    bytes: Vec<u8>,
    result: (Parsed, Diagnostics),
}

/// Parses every file in parallel; the result keeps file order, so output
/// does not depend on thread timing. `dates` are the files' last changes in
/// git history (empty outside a checkout).
pub fn parse(
    config: &Config,
    files: Vec<SourceFile>,
    drafts: bool,
    dates: &Dates,
) -> (Handbook, Diagnostics) {
    let results = files
        .into_par_iter()
        .map(|f| {
            let updated = dates.get(&f.rel);
            stamp(parse_file(config, f), updated)
        })
        .collect();
    assemble(results, drafts)
}

/// Sets a parsed file's last-changed date. Applied after the parse cache,
/// because a commit changes a file's date without changing its bytes.
fn stamp(mut result: (Parsed, Diagnostics), updated: Option<Timestamp>) -> (Parsed, Diagnostics) {
    match &mut result.0 {
        Parsed::Home(doc) => doc.updated = updated,
        Parsed::Entity(e) => e.doc_mut().updated = updated,
        Parsed::Asset(_) | Parsed::Failed(_) => {}
    }
    result
}

/// [`parse`], reusing the results of files that did not change since the
/// last call with the same cache. What it returns is exactly what
/// [`parse`] would: the cache only skips work.
pub fn parse_cached(
    config: &Config,
    files: Vec<SourceFile>,
    drafts: bool,
    dates: &Dates,
    cache: &mut ParseCache,
) -> (Handbook, Diagnostics) {
    if cache.config.as_ref() != Some(config) {
        cache.files.clear();
        cache.config = Some(config.clone());
    }
    let mut previous = std::mem::take(&mut cache.files);
    let old = &previous;
    // Each file: its result, and the cache entry to keep for it (`None`
    // when the old entry is still good).
    let runs: Vec<((Parsed, Diagnostics), PathBuf, Option<CachedFile>)> = files
        .into_par_iter()
        .map(|f| match old.get(&f.rel) {
            Some(hit) if hit.bytes == f.bytes => (hit.result.clone(), f.rel, None),
            _ => {
                let rel = f.rel.clone();
                let bytes = f.bytes.clone();
                let result = parse_file(config, f);
                let entry = CachedFile {
                    bytes,
                    result: result.clone(),
                };
                (result, rel, Some(entry))
            }
        })
        .collect();
    cache.parsed = 0;
    cache.reused = 0;
    let mut results = Vec::with_capacity(runs.len());
    for (result, rel, entry) in runs {
        let entry = match entry {
            Some(fresh) => {
                cache.parsed += 1;
                Some(fresh)
            }
            None => {
                cache.reused += 1;
                previous.remove(&rel)
            }
        };
        let updated = dates.get(&rel);
        if let Some(entry) = entry {
            cache.files.insert(rel, entry);
        }
        results.push(stamp(result, updated));
    }
    assemble(results, drafts)
}

/// Sorts parsed files into a handbook: drafts left out, duplicate slugs
/// reported.
fn assemble(results: Vec<(Parsed, Diagnostics)>, drafts: bool) -> (Handbook, Diagnostics) {
    let mut hb = Handbook::default();
    let mut diags = Diagnostics::new();
    let mut seen: std::collections::HashMap<(Kind, String), PathBuf> = Default::default();
    for (parsed, d) in results {
        diags.extend(d);
        let entity = match parsed {
            Parsed::Home(doc) => {
                if doc.draft && !drafts {
                    continue;
                }
                hb.home = Some(doc);
                continue;
            }
            Parsed::Asset(a) => {
                hb.assets.push(a);
                continue;
            }
            Parsed::Failed(key) => {
                if let Some(key) = key {
                    hb.broken.insert(key);
                }
                continue;
            }
            Parsed::Entity(e) => e,
        };
        let doc = entity.doc();
        let key = (entity.kind(), doc.slug.to_string());
        if let Some(first) = seen.get(&key) {
            diags.push(
                Diagnostic::file_error(
                    &doc.file,
                    format!(
                        "two {} files have the slug `{}`",
                        entity.kind().name(),
                        doc.slug
                    ),
                )
                .with_help(format!(
                    "`{}` has it too; rename one of them (a `NN-` prefix is not part of the slug)",
                    display_path(first)
                )),
            );
            continue;
        }
        seen.insert(key.clone(), doc.file.clone());
        if doc.draft && !drafts {
            hb.drafts.insert(key);
            continue;
        }
        match entity {
            Entity::Skill(s) => hb.skills.push(s),
            Entity::Role(r) => hb.roles.push(r),
            Entity::Phase(p) => hb.phases.push(p),
            Entity::Page(p) => hb.pages.push(p),
        }
    }
    (hb, diags)
}

/// One Markdown file parsed on its own, as a `serve` session re-reads a
/// file it was told was edited.
#[derive(Debug, Clone)]
pub enum Reparsed {
    Home(Doc),
    Entity(Entity),
}

impl Reparsed {
    pub fn doc(&self) -> &Doc {
        match self {
            Reparsed::Home(d) => d,
            Reparsed::Entity(e) => e.doc(),
        }
    }

    pub fn doc_mut(&mut self) -> &mut Doc {
        match self {
            Reparsed::Home(d) => d,
            Reparsed::Entity(e) => e.doc_mut(),
        }
    }
}

/// One Markdown file parsed on its own, only when it parsed without a
/// single diagnostic. `serve` uses it to take in an edit without parsing
/// the handbook again; anything less clean goes through [`parse`], which
/// reports it properly.
pub fn reparse(config: &Config, file: SourceFile) -> Option<Reparsed> {
    let (parsed, diags) = parse_file(config, file);
    if !diags.is_empty() {
        return None;
    }
    match parsed {
        Parsed::Home(doc) => Some(Reparsed::Home(doc)),
        Parsed::Entity(e) => Some(Reparsed::Entity(e)),
        Parsed::Asset(_) | Parsed::Failed(_) => None,
    }
}

fn parse_file(config: &Config, f: SourceFile) -> (Parsed, Diagnostics) {
    let mut diags = Diagnostics::new();
    let rel = f.rel;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let name = parts.last().cloned().unwrap_or_default();
    if !name.ends_with(".md") {
        let out = asset_path(&parts);
        return (
            Parsed::Asset(Asset {
                file: rel,
                out,
                bytes: f.bytes.into(),
            }),
            diags,
        );
    }
    let kind = match parts.as_slice() {
        [_, n] if n == "_index.md" => None,
        [_, folder, _] => match Kind::ALL.into_iter().find(|k| k.folder() == folder) {
            Some(k) => Some(k),
            None => {
                diags.push(Diagnostic::file_error(&rel, format!("Markdown files in `content/{folder}/` are not part of the handbook")).with_help("put skills, roles, phases and pages in content/skills/, content/roles/, content/phases/ and content/pages/"));
                return (Parsed::Failed(None), diags);
            }
        },
        _ => {
            diags.push(Diagnostic::file_error(&rel, "this Markdown file is not in a content folder roadbook reads").with_help("the home page is content/_index.md; other files go directly in content/skills/, content/roles/, content/phases/ or content/pages/"));
            return (Parsed::Failed(None), diags);
        }
    };
    let slug = match kind {
        None => Slug::parse("index").ok(),
        Some(_) => match Slug::from_file_name(&name) {
            Ok(s) => Some(s),
            Err(why) => {
                let stem = name.strip_suffix(".md").unwrap_or(&name);
                let stem = slug::strip_order_prefix(stem);
                diags.push(
                    Diagnostic::file_error(&rel, format!("the file name gives the slug `{stem}`, which {why}"))
                        .with_help(format!("slugs use lowercase ASCII letters, digits and `-`; rename the file to `{}.md`", slug::suggest(stem))),
                );
                None
            }
        },
    };
    let failed_key = kind.zip(slug.as_ref().map(|s| s.to_string()));
    let text: Arc<str> = match String::from_utf8(f.bytes) {
        Ok(t) => t.into(),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let byte = bytes.get(valid).copied().unwrap_or(0);
            // Show the line with the bad byte replaced, so the caret lands on it.
            let lossy = String::from_utf8_lossy(&bytes).into_owned();
            let at = String::from_utf8_lossy(&bytes[..valid]).len();
            diags.push(
                Diagnostic::error(
                    &rel,
                    &lossy,
                    at..at + 1,
                    format!("the file is not UTF-8 text: invalid byte 0x{byte:02x}"),
                )
                .with_help("save the file with UTF-8 encoding"),
            );
            return (Parsed::Failed(failed_key), diags);
        }
    };
    let Some(slug) = slug else {
        return (Parsed::Failed(None), diags);
    };
    let parsed = entities::read(config, kind, &rel, text, slug, &mut diags);
    match parsed {
        Some(ReadResult::Home(doc)) => (Parsed::Home(doc), diags),
        Some(ReadResult::Entity(e)) if !diags.has_errors() => (Parsed::Entity(e), diags),
        _ => (Parsed::Failed(failed_key), diags),
    }
}

/// Where a co-located file lands: `content/skills/a.png` → `skills/a.png`,
/// `content/pages/a.png` → `a.png` (free pages live at the root).
fn asset_path(parts: &[String]) -> String {
    let inner = parts.get(1..).unwrap_or(&[]);
    let inner: Vec<&str> = match inner.first().map(String::as_str) {
        Some("pages") => inner[1..].iter().map(String::as_str).collect(),
        _ => inner.iter().map(String::as_str).collect(),
    };
    inner.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        let toml = "title = \"T\"\ndescription = \"D\"\nbase_url = \"https://example.org/hb\"\n\n[[categories]]\nid = \"core\"\ntitle = \"Core\"\n";
        match crate::config::parse(Path::new("."), toml) {
            Ok(c) => c,
            Err(d) => panic!("{}", d.render()),
        }
    }

    fn skill(slug: &str, title: &str) -> SourceFile {
        let text = format!(
            "+++\ntitle = \"{title}\"\nsummary = \"S.\"\ncategory = \"core\"\ndifficulty = \"beginner\"\n+++\n\nBody of {slug}.\n"
        );
        SourceFile {
            rel: PathBuf::from(format!("content/skills/{slug}.md")),
            bytes: text.into_bytes(),
        }
    }

    fn titles(hb: &Handbook) -> Vec<String> {
        hb.skills.iter().map(|s| s.doc.title.clone()).collect()
    }

    #[test]
    fn the_cache_parses_only_changed_files_and_gives_the_same_result() {
        let config = config();
        let files = || vec![skill("a", "A"), skill("b", "B"), skill("c", "C")];
        let mut cache = ParseCache::default();
        let (first, _) = parse_cached(&config, files(), false, &Dates::default(), &mut cache);
        assert_eq!((cache.parsed, cache.reused), (3, 0));
        assert_eq!(titles(&first), ["A", "B", "C"]);

        let mut edited = files();
        edited[1] = skill("b", "B2");
        let (second, _) = parse_cached(
            &config,
            edited.clone(),
            false,
            &Dates::default(),
            &mut cache,
        );
        assert_eq!((cache.parsed, cache.reused), (1, 2));
        let (uncached, _) = parse(&config, edited, false, &Dates::default());
        assert_eq!(titles(&second), titles(&uncached));
        assert_eq!(titles(&second), ["A", "B2", "C"]);

        // A removed file leaves the cache; a new one is parsed.
        let (third, _) = parse_cached(
            &config,
            vec![skill("a", "A"), skill("d", "D")],
            false,
            &Dates::default(),
            &mut cache,
        );
        assert_eq!((cache.parsed, cache.reused), (1, 1));
        assert_eq!(titles(&third), ["A", "D"]);
        assert_eq!(cache.files.len(), 2);
    }

    #[test]
    fn a_changed_config_empties_the_cache() {
        let mut cache = ParseCache::default();
        let config = config();
        parse_cached(
            &config,
            vec![skill("a", "A")],
            false,
            &Dates::default(),
            &mut cache,
        );
        let mut other = config.clone();
        other.title = "Other".into();
        parse_cached(
            &other,
            vec![skill("a", "A")],
            false,
            &Dates::default(),
            &mut cache,
        );
        assert_eq!((cache.parsed, cache.reused), (1, 0));
    }
}
