//! `handbook.toml` → [`Config`]: the site settings every later stage reads.
//!
//! Validated here once (absolute `base_url`, unique ids, at least one
//! category), so no later stage re-checks a setting.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::fields::{EXTRA, Extra, Reader, Table};
use crate::fs;
use crate::labels::{self, Labels};

pub const CONFIG_FILE: &str = "handbook.toml";

/// A category or track: an id authors reference and a display title.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Named {
    pub id: String,
    pub title: String,
}

/// Where figures come from; cited next to salary ranges.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub url: Option<String>,
}

/// The validated site settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub root: PathBuf,
    pub title: String,
    pub description: String,
    /// Absolute, without a trailing slash: `https://user.github.io/repo`.
    pub base_url: String,
    /// The path part of `base_url`, with a trailing slash: `/repo/` or `/`.
    pub base_path: String,
    pub language: String,
    pub edit_url: Option<String>,
    pub cname: Option<String>,
    /// Whether the build makes a full-text search index and the theme
    /// shows a search box (`search = false` turns both off).
    pub search: bool,
    /// Whether the site has the whole handbook on one page (`/print/`):
    /// `None` leaves it to the handbook's size (see `render::print`).
    pub print: Option<bool>,
    pub categories: Vec<Named>,
    pub tracks: Vec<Named>,
    /// Career paths (`[[paths]]`): roles name the ones they are a step of,
    /// so "step up" and "step down" follow a career rather than one ladder
    /// of every role by level.
    pub paths: Vec<Named>,
    pub sources: Vec<Source>,
    /// The largest Markdown file read, in bytes (`max_file_size`, in MB).
    pub max_file_size: u64,
    /// What raw HTML in a body becomes (`raw_html`).
    pub raw_html: RawHtml,
    /// The author's own site-wide fields (`[extra]`), for templates as
    /// `site.extra`.
    pub extra: Extra,
    /// The theme's texts in `language`, with `[labels]` over them.
    pub labels: Labels,
}

/// What raw HTML in a Markdown body becomes. Kept by default: a handbook's
/// authors are its maintainers, and `<details>` or `<kbd>` in a page are
/// theirs to use. A handbook that publishes changes from anyone (pull
/// requests merged on a green check) sets `raw_html = "escape"`, so that no
/// body can put a script or a form on its site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RawHtml {
    #[default]
    Allow,
    /// Shown as text, tags and all.
    Escape,
}

/// `max_file_size` when handbook.toml does not set it, in MB: far above
/// any page a person writes (a long page is well under 100 KB), far below
/// what would take a build's memory.
pub const DEFAULT_MAX_FILE_MB: u64 = 10;

impl Config {
    pub fn category(&self, id: &str) -> Option<usize> {
        self.categories.iter().position(|c| c.id == id)
    }
    pub fn track(&self, id: &str) -> Option<usize> {
        self.tracks.iter().position(|t| t.id == id)
    }
    pub fn path(&self, id: &str) -> Option<usize> {
        self.paths.iter().position(|p| p.id == id)
    }
    pub fn source(&self, id: &str) -> Option<usize> {
        self.sources.iter().position(|s| s.id == id)
    }

    /// Replaces the base URL (the `--base-url` flag).
    pub fn set_base_url(&mut self, url: &str) -> Result<(), String> {
        let (base, path) = parse_base_url(url)?;
        self.base_url = base;
        self.base_path = path;
        Ok(())
    }
}

const KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "edit_url",
    "cname",
    "search",
    "print",
    "categories",
    "tracks",
    "paths",
    "sources",
    "max_file_size",
    "raw_html",
    "labels",
    EXTRA,
];

/// Reads and validates `root/handbook.toml`.
pub fn load(root: &Path) -> Result<Config, Diagnostics> {
    let rel = Path::new(CONFIG_FILE);
    let bytes = match fs::read_in_root(root, rel, None) {
        Ok(b) => b,
        Err(e @ fs::ReadError::Escapes { .. }) => {
            let mut d = Diagnostics::new();
            let mut diag = Diagnostic::file_error(rel, e.to_string());
            if let Some(help) = e.help() {
                diag = diag.with_help(help);
            }
            d.push(diag);
            return Err(d);
        }
        Err(e) => {
            let mut d = Diagnostics::new();
            let help = if root.is_dir() {
                "run roadbook in a handbook folder, pass `--root DIR`, or create one with `roadbook init`"
            } else {
                "`--root` must name an existing handbook folder"
            };
            d.push(Diagnostic::general(format!("{e}")).with_help(help));
            return Err(d);
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let mut d = Diagnostics::new();
            d.push(
                Diagnostic::file_error(
                    rel,
                    format!(
                        "the file is not UTF-8 text (invalid byte at offset {})",
                        e.utf8_error().valid_up_to()
                    ),
                )
                .with_help("save the file as UTF-8"),
            );
            return Err(d);
        }
    };
    parse(root, &text)
}

/// Parses the text of `handbook.toml`; split from [`load`] for tests.
pub fn parse(root: &Path, text: &str) -> Result<Config, Diagnostics> {
    let rel = Path::new(CONFIG_FILE);
    let mut r = Reader::new(rel, text, 0);
    let Some(doc) = r.parse(text) else {
        return Err(r.diags);
    };
    let t = Table {
        inner: doc.get_ref(),
        span: 0..0,
    };
    const WHAT: &str = "handbook.toml";
    r.check_keys(&t, KEYS, WHAT);
    let title = r.string(&t, "title", Some(WHAT));
    let description = r.string(&t, "description", Some(WHAT));
    let base = r.string(&t, "base_url", Some(WHAT));
    let language = r.string(&t, "language", None);
    let edit_url = r.string(&t, "edit_url", None);
    let cname = r.string(&t, "cname", None);
    let max_file_size = r
        .int(&t, "max_file_size", (1, 1000), None)
        .map_or(DEFAULT_MAX_FILE_MB, |n| n.into_inner().unsigned_abs());
    let raw_html = match r.choice(&t, "raw_html", &["allow", "escape"], None) {
        Some(i) if *i.get_ref() == 1 => RawHtml::Escape,
        _ => RawHtml::Allow,
    };
    let extra = r.extra(&t);
    let overrides = label_overrides(&mut r, &t);
    let search = r.bool(&t, "search");
    let print = r.bool(&t, "print");

    let mut base_url = String::new();
    let mut base_path = "/".to_string();
    if let Some(b) = &base {
        match parse_base_url(b.get_ref()) {
            Ok((u, p)) => (base_url, base_path) = (u, p),
            Err(why) => r.error(b.span(), format!("`base_url` {why}")).with_help(
                "use the address the site is published at, e.g. \"https://user.github.io/repo\"",
            ),
        }
    }
    if let Some(e) = &edit_url
        && !is_http_url(e.get_ref())
    {
        r.error(e.span(), "`edit_url` must be an absolute http(s) URL")
            .with_help("e.g. \"https://github.com/OWNER/REPO/edit/main/content\"");
    }
    if let Some(c) = &cname {
        let v = c.get_ref();
        if v.contains('/') || v.contains(':') || !v.contains('.') {
            r.error(c.span(), "`cname` must be a bare domain name")
                .with_help(
                    "write only the host, e.g. \"roadmap.example.org\", without https:// or a path",
                );
        }
    }

    let categories = named_list(&mut r, &t, "categories", "a category");
    let tracks = named_list(&mut r, &t, "tracks", "a track");
    let paths = named_list(&mut r, &t, "paths", "a career path");
    let mut sources = Vec::new();
    for s in r.tables(&t, "sources") {
        r.check_keys(&s, &["id", "title", "url"], "a source");
        let id = r.string(&s, "id", Some("a source"));
        let title = r.string(&s, "title", Some("a source"));
        let url = r.string(&s, "url", None);
        if let Some(u) = &url
            && !is_http_url(u.get_ref())
        {
            r.error(u.span(), "a source's `url` must be an absolute http(s) URL");
        }
        if let (Some(id), Some(title)) = (id, title) {
            sources.push((id, title.into_inner(), url.map(|u| u.into_inner())));
        }
    }
    if categories.is_empty() && r.span_of(&t, "categories").is_none() {
        r.error(
            0..0,
            "handbook.toml needs at least one `[[categories]]` entry",
        )
        .with_help("add:\n[[categories]]\nid = \"core\"\ntitle = \"Core skills\"");
    }
    check_ids(&mut r, categories.iter().map(|(id, _)| id), "category");
    check_ids(&mut r, tracks.iter().map(|(id, _)| id), "track");
    check_ids(&mut r, paths.iter().map(|(id, _)| id), "path");
    check_ids(&mut r, sources.iter().map(|(id, _, _)| id), "source");

    if r.diags.has_errors() {
        return Err(r.diags);
    }
    let (Some(title), Some(description)) = (title, description) else {
        return Err(r.diags);
    };
    Ok(Config {
        root: root.to_path_buf(),
        title: title.into_inner(),
        description: description.into_inner(),
        base_url,
        base_path,
        labels: Labels::new(
            language.as_ref().map_or("en", |l| l.get_ref().as_str()),
            &overrides,
        ),
        language: language.map_or_else(|| "en".to_string(), |l| l.into_inner()),
        edit_url: edit_url.map(|e| e.into_inner().trim_end_matches('/').to_string()),
        cname: cname.map(|c| c.into_inner()),
        search: search.is_none_or(|s| s.into_inner()),
        print: print.map(|p| p.into_inner()),
        categories: categories
            .into_iter()
            .map(|(id, title)| Named {
                id: id.into_inner(),
                title,
            })
            .collect(),
        tracks: tracks
            .into_iter()
            .map(|(id, title)| Named {
                id: id.into_inner(),
                title,
            })
            .collect(),
        paths: paths
            .into_iter()
            .map(|(id, title)| Named {
                id: id.into_inner(),
                title,
            })
            .collect(),
        sources: sources
            .into_iter()
            .map(|(id, title, url)| Source {
                id: id.into_inner(),
                title,
                url,
            })
            .collect(),
        max_file_size: max_file_size * fs::MB,
        raw_html,
        extra,
    })
}

type IdTitle = (toml::Spanned<String>, String);

/// The `[labels]` table: each key a label of the theme, each value text.
fn label_overrides(r: &mut Reader<'_>, t: &Table<'_, '_>) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let Some(table) = r.table(t, "labels") else {
        return out;
    };
    for (key, value) in table.inner.iter() {
        let name: &str = key.get_ref();
        let span = r.file_span(key.span());
        let Some(known) = labels::keys().find(|k| *k == name) else {
            let help = match crate::diagnostic::did_you_mean(name, labels::keys()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "docs/templates.md lists every label of the theme".to_string(),
            };
            r.error(span, format!("unknown label `{name}` in `[labels]`"))
                .with_help(help);
            continue;
        };
        match value.get_ref().as_str() {
            Some(text) => out.push((known, text.to_string())),
            None => r
                .error(
                    r.file_span(value.span()),
                    format!("label `{name}` must be a string"),
                )
                .with_help(format!("write it in double quotes: `{name} = \"...\"`")),
        }
    }
    out
}

fn named_list(r: &mut Reader<'_>, t: &Table<'_, '_>, key: &str, what: &str) -> Vec<IdTitle> {
    let mut out = Vec::new();
    for item in r.tables(t, key) {
        r.check_keys(&item, &["id", "title"], what);
        let id = r.string(&item, "id", Some(what));
        let title = r.string(&item, "title", Some(what));
        if let (Some(id), Some(title)) = (id, title) {
            out.push((id, title.into_inner()));
        }
    }
    out
}

fn check_ids<'s>(
    r: &mut Reader<'_>,
    ids: impl Iterator<Item = &'s toml::Spanned<String>>,
    what: &str,
) {
    let mut seen: Vec<&str> = Vec::new();
    for id in ids {
        let v = id.get_ref().as_str();
        if let Some(bad) = v
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
        {
            r.error(id.span(), format!("{what} id \"{v}\" contains `{bad}`"))
                .with_help("ids use lowercase ASCII letters, digits and `-`");
        } else if seen.contains(&v) {
            r.error(id.span(), format!("{what} id \"{v}\" is defined twice"))
                .with_help(format!("give each {what} its own id"));
        }
        seen.push(v);
    }
}

fn is_http_url(s: &str) -> bool {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    matches!(rest, Some(r) if !r.is_empty() && !r.starts_with('/') && !r.contains(char::is_whitespace))
}

/// Splits `https://host/sub/path/` into (`https://host/sub/path`, `/sub/path/`).
fn parse_base_url(url: &str) -> Result<(String, String), String> {
    if !is_http_url(url) {
        return Err("must be an absolute http(s) URL".into());
    }
    if url.contains(['?', '#']) {
        return Err("must not contain a query or fragment".into());
    }
    let trimmed = url.trim_end_matches('/');
    let after_scheme = trimmed.split_once("://").map_or("", |(_, r)| r);
    let path = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
    let base_path = format!("{path}/");
    Ok((trimmed.to_string(), base_path))
}

#[cfg(test)]
#[allow(clippy::expect_used)] // a failed expectation is the test failing
mod tests {
    use super::*;

    const GOOD: &str = r#"
title = "T"
description = "D"
base_url = "https://example.github.io/handbook/"
[[categories]]
id = "core"
title = "Core"
"#;

    #[test]
    fn sub_path_base_url_is_split() {
        let c = parse(Path::new("."), GOOD).expect("valid config");
        assert_eq!(c.base_url, "https://example.github.io/handbook");
        assert_eq!(c.base_path, "/handbook/");
        assert_eq!(c.language, "en");
    }

    #[test]
    fn root_base_url_has_root_path() {
        assert_eq!(
            parse_base_url("https://roadmap.example.org").expect("valid"),
            ("https://roadmap.example.org".to_string(), "/".to_string())
        );
        assert!(parse_base_url("/relative").is_err());
        assert!(parse_base_url("https://").is_err());
    }

    #[test]
    fn duplicate_and_bad_ids_are_errors() {
        let text = format!(
            "{GOOD}[[categories]]\nid = \"core\"\ntitle = \"Again\"\n[[tracks]]\nid = \"Bad_Id\"\ntitle = \"x\"\n"
        );
        let d = parse(Path::new("."), &text).expect_err("invalid");
        let out = d.render();
        assert!(
            out.contains("category id \"core\" is defined twice"),
            "{out}"
        );
        assert!(out.contains("track id \"Bad_Id\" contains `B`"), "{out}");
    }
}
