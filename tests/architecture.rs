//! Keeps the data flow one-way: a module may use only modules of an earlier
//! stage (ARCHITECTURE.md, "One-way dependencies"). A back-edge (say,
//! `content` importing `resolve`) fails this test before it can tangle the
//! pipeline.
//!
//! Every `src/**/*.rs` is parsed with `syn`, so the check sees what the
//! compiler sees: `use` trees however deeply braced, `self::` and
//! `super::` paths resolved against the module they appear in (inline
//! `mod tests { use super::*; }` included), and `crate::` paths written in
//! code, types and macro arguments. The rank table must name every
//! top-level module, and nothing else.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a test reports failure by panicking"
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::{self, Visit};
use syn::{ItemMod, ItemUse, Macro, UseTree};

/// Stage rank of each top-level module; equal ranks may not use each other
/// either.
const RANKS: &[(&str, u8)] = &[
    ("allocator", 0),
    ("diagnostic", 0),
    ("fs", 0),
    ("git", 0),
    ("labels", 0),
    ("urls", 0),
    ("fields", 1),
    ("config", 2),
    ("content", 3),
    ("resolve", 4),
    ("markdown", 5),
    ("render", 6),
    ("output", 7),
    ("search", 7),
    ("pipeline", 8),
    // Rewrites a written site's links for reading from disk; only cli uses it.
    ("disk", 8),
    ("scaffold", 8),
    ("session", 9),
    ("serve", 10),
    ("cli", 11),
];

fn rank(module: &str) -> Option<u8> {
    RANKS.iter().find(|(m, _)| *m == module).map(|(_, r)| *r)
}

/// One use of another module: the top-level module a path leads to, and
/// the path as written (for the failure message).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Edge {
    target: String,
    written: String,
}

/// Walks one file's syntax tree, keeping the path of the module it is in.
struct Uses {
    /// Module path from the crate root (`["content", "body"]`), extended
    /// while inside an inline `mod`.
    module: Vec<String>,
    edges: Vec<Edge>,
}

impl Uses {
    /// Resolves a path that starts with `segments` (as written) to the
    /// top-level module it names, if it names one of this crate's.
    fn record(&mut self, segments: &[String]) {
        let Some(first) = segments.first() else {
            return;
        };
        let absolute: Vec<String> = match first.as_str() {
            "crate" => segments[1..].to_vec(),
            "self" => self.module.iter().chain(&segments[1..]).cloned().collect(),
            "super" => {
                let ups = segments.iter().take_while(|s| *s == "super").count();
                let Some(keep) = self.module.len().checked_sub(ups) else {
                    // More `super`s than modules: rustc rejects it.
                    return;
                };
                self.module[..keep]
                    .iter()
                    .chain(&segments[ups..])
                    .cloned()
                    .collect()
            }
            // A plain path starts at a name in scope: an extern crate, a
            // child module of this one (same top-level module), or an item.
            _ => return,
        };
        if let Some(target) = absolute.first() {
            self.edges.push(Edge {
                target: target.clone(),
                written: segments.join("::"),
            });
        }
    }

    /// Every path a `use` tree imports, each as its list of segments.
    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &UseTree) {
        match tree {
            UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree);
                prefix.pop();
            }
            UseTree::Name(n) => {
                let mut path = prefix.clone();
                // `use crate::content::{self, Kind}`: `self` is the prefix.
                if n.ident != "self" {
                    path.push(n.ident.to_string());
                }
                self.record(&path);
            }
            UseTree::Rename(r) => {
                let mut path = prefix.clone();
                if r.ident != "self" {
                    path.push(r.ident.to_string());
                }
                self.record(&path);
            }
            UseTree::Glob(_) => {
                let path = prefix.clone();
                self.record(&path);
            }
            UseTree::Group(g) => {
                for item in &g.items {
                    self.use_tree(prefix, item);
                }
            }
        }
    }

    /// Paths inside macro arguments (`format!("{}", crate::urls::x())`),
    /// which syn keeps as tokens: every `crate`/`self`/`super` followed by
    /// `::`-separated names.
    fn tokens(&mut self, tokens: TokenStream) {
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < trees.len() {
            match &trees[i] {
                TokenTree::Group(g) => self.tokens(g.stream()),
                TokenTree::Ident(id) if ["crate", "self", "super"].contains(&&*id.to_string()) => {
                    let mut path = vec![id.to_string()];
                    let mut j = i + 1;
                    while let (
                        Some(TokenTree::Punct(a)),
                        Some(TokenTree::Punct(b)),
                        Some(TokenTree::Ident(next)),
                    ) = (trees.get(j), trees.get(j + 1), trees.get(j + 2))
                        && a.as_char() == ':'
                        && b.as_char() == ':'
                    {
                        path.push(next.to_string());
                        j += 3;
                    }
                    if path.len() > 1 {
                        self.record(&path);
                    }
                    i = j - 1;
                }
                _ => {}
            }
            i += 1;
        }
    }
}

impl<'ast> Visit<'ast> for Uses {
    fn visit_item_mod(&mut self, m: &'ast ItemMod) {
        self.module.push(m.ident.to_string());
        visit::visit_item_mod(self, m);
        self.module.pop();
    }

    fn visit_item_use(&mut self, u: &'ast ItemUse) {
        let mut prefix = Vec::new();
        if u.leading_colon.is_some() {
            // `use ::name`: always an extern crate.
            return;
        }
        self.use_tree(&mut prefix, &u.tree);
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        if p.leading_colon.is_none() {
            let segments: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
            // A lone `self` is a value (`self.x`), not a module path.
            if segments.len() > 1 {
                self.record(&segments);
            }
        }
        visit::visit_path(self, p);
    }

    fn visit_macro(&mut self, m: &'ast Macro) {
        self.tokens(m.tokens.clone());
        visit::visit_macro(self, m);
    }
}

/// The uses of other modules in `source`, a file whose module path from
/// the crate root is `module`.
fn edges(module: &[&str], source: &str) -> Vec<Edge> {
    let file = syn::parse_file(source).unwrap_or_else(|e| panic!("parse: {e}"));
    let mut uses = Uses {
        module: module.iter().map(|s| s.to_string()).collect(),
        edges: Vec::new(),
    };
    uses.visit_file(&file);
    uses.edges
}

/// The back-edges in `source` (a file of the module at `module`), as
/// "uses `path` (rank r ≥ own rank)" lines.
fn back_edges(module: &[&str], source: &str) -> Vec<String> {
    let own = module.first().copied().unwrap_or_default();
    let Some(own_rank) = rank(own) else {
        return vec![format!("module `{own}` has no rank")];
    };
    edges(module, source)
        .into_iter()
        .filter(|e| e.target != own)
        .filter_map(|e| {
            let r = rank(&e.target)?;
            (r >= own_rank).then(|| {
                format!(
                    "uses `{}` (`{}` has rank {r}, `{own}` has rank {own_rank})",
                    e.written, e.target
                )
            })
        })
        .collect()
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// A source file's module path: `content/body.rs` → `["content", "body"]`,
/// `content/mod.rs` → `["content"]`.
fn module_path(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if let Some(last) = parts.pop() {
        let stem = last.trim_end_matches(".rs");
        if stem != "mod" {
            parts.push(stem.to_string());
        }
    }
    parts
}

/// Every `.rs` file under `src/` but the crate roots, with its path
/// relative to `src/`.
fn module_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&src(), &mut files);
    let mut rel: Vec<PathBuf> = files
        .iter()
        .map(|p| p.strip_prefix(src()).unwrap().to_path_buf())
        .filter(|p| p != Path::new("lib.rs") && p != Path::new("main.rs"))
        .collect();
    rel.sort();
    rel
}

#[test]
fn modules_only_use_earlier_stages() {
    let mut violations = Vec::new();
    let mut crate_edges = 0;
    for rel in module_files() {
        let source = std::fs::read_to_string(src().join(&rel)).unwrap();
        let module = module_path(&rel);
        let module: Vec<&str> = module.iter().map(String::as_str).collect();
        crate_edges += edges(&module, &source)
            .iter()
            .filter(|e| e.target != module[0])
            .count();
        for v in back_edges(&module, &source) {
            violations.push(format!("src/{}: {v}", rel.display()));
        }
    }
    // The walk must have seen the pipeline's real imports, or it checks
    // nothing.
    assert!(crate_edges > 0, "no use of another module found in src/");
    assert!(
        violations.is_empty(),
        "back-edges in the pipeline:\n{}",
        violations.join("\n")
    );
}

#[test]
fn the_rank_table_names_every_top_level_module_and_no_other() {
    let on_disk: BTreeSet<String> = module_files()
        .iter()
        .filter_map(|rel| module_path(rel).first().cloned())
        .collect();
    let ranked: BTreeSet<String> = RANKS.iter().map(|(m, _)| m.to_string()).collect();
    let unranked: Vec<&String> = on_disk.difference(&ranked).collect();
    assert!(
        unranked.is_empty(),
        "modules in src/ missing from RANKS: {unranked:?}"
    );
    let stale: Vec<&String> = ranked.difference(&on_disk).collect();
    assert!(
        stale.is_empty(),
        "RANKS names modules that src/ does not have: {stale:?}"
    );
}

// The parser itself, on source strings.

fn targets(module: &[&str], source: &str) -> Vec<String> {
    edges(module, source)
        .into_iter()
        .map(|e| e.target)
        .collect()
}

#[test]
fn nested_braces_are_walked_to_the_end() {
    assert_eq!(
        targets(&["output"], "use crate::{content::{A, B}, resolve};"),
        ["content", "content", "resolve"]
    );
    assert_eq!(
        back_edges(&["content"], "use crate::{content::{A, B}, resolve};"),
        ["uses `crate::resolve` (`resolve` has rank 4, `content` has rank 3)"]
    );
}

#[test]
fn super_paths_resolve_against_the_module_they_are_in() {
    // From content::body, `super::super` is the crate root.
    assert_eq!(
        back_edges(&["content", "body"], "use super::super::resolve::Site;"),
        ["uses `super::super::resolve::Site` (`resolve` has rank 4, `content` has rank 3)"]
    );
    // One `super` stays inside content.
    assert!(back_edges(&["content", "body"], "use super::slug::Slug;").is_empty());
    // Inside an inline module, one more `super` is needed to leave.
    let source =
        "mod tests { use super::super::Kind; fn f() { super::super::super::render::x(); } }";
    assert_eq!(targets(&["content", "body"], source), ["content", "render"]);
}

#[test]
fn paths_in_code_types_and_macros_are_uses() {
    let source = r#"
        fn f(x: crate::output::Files) -> Vec<crate::render::Page> {
            let _ = crate::serve::run(x);
            let _ = format!("{}", crate::cli::NAME);
            self::helper();
            vec![]
        }
    "#;
    assert_eq!(
        targets(&["fs"], source),
        ["output", "render", "serve", "cli", "fs"]
    );
}

#[test]
fn a_renamed_self_import_names_its_module() {
    assert_eq!(
        targets(&["fs"], "use crate::render::{self as r, views::View as V};"),
        ["render", "render"]
    );
    // An extern crate is no module of ours.
    assert!(targets(&["fs"], "use ::serde::Serialize; use toml::Value;").is_empty());
}
