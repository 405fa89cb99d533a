//! The authoring contract as types: what a handbook's `content/` holds once
//! it has been read and its front matter validated.
//!
//! [`load`] reads the files; [`parse`] turns each into a [`Skill`], [`Role`],
//! [`Phase`], [`Page`] or the home page, checking everything that can be
//! checked one file at a time (keys, types, enums, ids from
//! `handbook.toml`). Checks that need every file (references, cycles,
//! duplicate orders) belong to `resolve`.
//!
//! [`parse`] is [`parse_file`] on every file, then [`assemble`]: a caller
//! that keeps the parse of files whose bytes did not change (`serve`)
//! calls the two itself.

mod body;
mod entities;
mod frontmatter;
mod pieces;
mod salary;
mod slug;

pub use body::{
    Heading, IdDeduper, Link, Target, classify as body_target, heading_id,
    options as markdown_options,
};
pub use entities::*;
pub use pieces::{
    CUT_ABOVE as BIG_BODY, Events, events as body_events, events_in_pieces, placed_in_source,
};
pub use slug::{Slug, suggest as suggest_slug};

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics, display_path, visible};
use crate::fields::Extra;
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
    /// The author's own fields, from the front matter's `[extra]` table.
    pub extra: Extra,
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
    /// Files with errors whose body and references can still be checked
    /// (see [`Partial`]), in load order.
    pub partial: Vec<Partial>,
}

impl Handbook {
    /// Whether any page has a fenced code block with a language tag.
    pub fn any_code(&self) -> bool {
        self.home.iter().any(|d| d.has_code)
            || self.skills.iter().any(|s| s.doc.has_code)
            || self.roles.iter().any(|r| r.doc.has_code)
            || self.phases.iter().any(|p| p.doc.has_code)
            || self.pages.iter().any(|p| p.doc.has_code)
    }
}

/// Reads every file under `content/`, Markdown files up to
/// `max_file_size` bytes.
pub fn load(root: &Path, max_file_size: u64) -> Result<Vec<SourceFile>, Diagnostics> {
    if !root.join("content").is_dir() {
        let mut d = Diagnostics::new();
        d.push(
            Diagnostic::general(format!("`{}` has no `content` folder", root.join("content").parent().map_or_else(String::new, |p| p.display().to_string())))
                .with_help("a handbook keeps its Markdown in content/ (skills/, roles/, phases/, pages/); `roadbook init` creates one"),
        );
        return Err(d);
    }
    fs::read_tree(root, "content", Some(max_file_size)).map_err(read_diagnostics)
}

/// What went wrong reading a handbook's files, as diagnostics: each about
/// its file when it is one of the handbook's.
pub fn read_diagnostics(errors: Vec<fs::ReadError>) -> Diagnostics {
    let mut d = Diagnostics::new();
    for e in errors {
        let diagnostic = match e.file() {
            Some(file) => Diagnostic::file_error(file, e.to_string()),
            None => Diagnostic::general(e.to_string()),
        };
        d.push(match e.help() {
            Some(help) => diagnostic.with_help(help),
            None => diagnostic,
        });
    }
    d
}

/// One file parsed on its own, with what was wrong with it: what
/// [`assemble`] puts together. Its date is set there, as a commit changes
/// a file's date without changing its bytes.
#[derive(Clone)]
pub struct ParsedFile {
    parsed: Parsed,
    diagnostics: Diagnostics,
}

/// What one file turned out to be, before drafts are filtered out.
#[derive(Clone)]
enum Parsed {
    Home(Doc),
    Entity(Entity),
    Asset(Asset),
    /// A file with errors: its kind and slug, when known.
    Failed(Option<(Kind, String)>),
    /// A file with errors in its front matter, still worth checking.
    Partial(Partial),
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
    let parsed = files
        .into_par_iter()
        .map(|f| parse_file(config, f))
        .collect();
    assemble(parsed, drafts, dates)
}

/// Sorts parsed files (in the order they were loaded) into a handbook:
/// each dated from `dates`, drafts left out, duplicate slugs reported.
pub fn assemble(files: Vec<ParsedFile>, drafts: bool, dates: &Dates) -> (Handbook, Diagnostics) {
    let mut hb = Handbook::default();
    let mut diags = Diagnostics::new();
    let mut seen: std::collections::HashMap<(Kind, String), PathBuf> = Default::default();
    for file in files {
        diags.extend(file.diagnostics);
        let mut parsed = file.parsed;
        match &mut parsed {
            Parsed::Home(doc) => doc.updated = dates.get(&doc.file),
            Parsed::Entity(e) => e.doc_mut().updated = dates.get(&e.doc().file),
            Parsed::Asset(_) | Parsed::Failed(_) | Parsed::Partial(_) => {}
        }
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
            Parsed::Partial(p) => {
                hb.broken.insert((p.kind, p.doc.slug.to_string()));
                hb.partial.push(p);
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
            // Its body is still checked; references reach the first file.
            let kind = entity.kind();
            hb.partial.push(Partial {
                kind,
                doc: entity.into_doc(),
                refs: Vec::new(),
            });
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

/// Parses one file of `content/` (its path relative to the handbook
/// root), checking all that can be checked without the other files.
pub fn parse_file(config: &Config, f: SourceFile) -> ParsedFile {
    let (parsed, diagnostics) = parse_one(config, f);
    ParsedFile {
        parsed,
        diagnostics,
    }
}

fn parse_one(config: &Config, f: SourceFile) -> (Parsed, Diagnostics) {
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
                bytes: f.bytes,
            }),
            diags,
        );
    }
    let kind = match parts.as_slice() {
        [_, n] if n == "_index.md" => None,
        [_, folder, _] => match Kind::ALL.into_iter().find(|k| k.folder() == folder) {
            Some(k) => Some(k),
            None => {
                diags.push(Diagnostic::file_error(&rel, format!("Markdown files in `content/{}/` are not part of the handbook", visible(folder, false))).with_help("put skills, roles, phases and pages in content/skills/, content/roles/, content/phases/ and content/pages/"));
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
                    Diagnostic::file_error(&rel, format!("the file name gives the slug `{}`, which {why}", visible(stem, false)))
                        .with_help(format!("slugs use lowercase ASCII letters, digits and `-`; rename the file to `{}.md`", slug::suggest(stem))),
                );
                None
            }
        },
    };
    let failed_key = kind.zip(slug.as_ref().map(|s| s.to_string()));
    let text: Arc<str> = match std::str::from_utf8(&f.bytes) {
        // NUL is not text: CommonMark has it read as U+FFFD, here for the
        // front matter as for the body, so that no NUL reaches a page.
        Ok(t) if t.contains('\0') => t.replace('\0', "\u{FFFD}").into(),
        Ok(t) => t.into(),
        Err(e) => {
            let valid = e.valid_up_to();
            let bytes = &f.bytes;
            let byte = bytes.get(valid).copied().unwrap_or(0);
            // Show the line with the bad byte replaced, so the caret lands on it.
            let lossy = String::from_utf8_lossy(bytes).into_owned();
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
        Some(ReadResult::Partial(p)) => (Parsed::Partial(p), diags),
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
            bytes: text.into_bytes().into(),
        }
    }

    fn titles(hb: &Handbook) -> Vec<String> {
        hb.skills.iter().map(|s| s.doc.title.clone()).collect()
    }

    #[test]
    fn files_are_assembled_in_load_order_whatever_order_they_were_parsed_in() {
        let config = config();
        let files = vec![skill("a", "A"), skill("b", "B"), skill("c", "C")];
        let (whole, _) = parse(&config, files.clone(), false, &Dates::default());
        assert_eq!(titles(&whole), ["A", "B", "C"]);
        let parsed: Vec<ParsedFile> = files.into_iter().map(|f| parse_file(&config, f)).collect();
        let (assembled, diags) = assemble(parsed, false, &Dates::default());
        assert!(diags.is_empty());
        assert_eq!(titles(&assembled), titles(&whole));
    }
}
