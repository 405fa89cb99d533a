//! roadbook turns a roadmap handbook (skills, job roles and learning phases
//! written as Markdown with TOML front matter) into a cross-linked static
//! site.
//!
//! Data flows one way, one stage a module, and [`pipeline`] runs them:
//!
//! ```text
//! Config ─► Sources ─► Handbook ─► Site ─► Pages ─► Files ─► written
//! config    load       parse       resolve  render   output   fs
//! ```
//!
//! A module uses only those before it in: `allocator, diagnostic, fs, git, urls →
//! fields → config → content → resolve → markdown → render → output →
//! pipeline, scaffold → session → serve → cli`. (`git` reads file dates from
//! history; `scaffold` is `init` and `new`, which write new handbook files;
//! `session` keeps what `serve` reuses between rebuilds; `serve` is the
//! live preview.)

pub mod allocator;
pub mod cli;
pub mod config;
pub mod content;
pub mod diagnostic;
pub mod fields;
pub mod fs;
pub mod git;
pub mod markdown;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod resolve;
pub mod scaffold;
pub mod serve;
pub mod session;
pub mod urls;

#[cfg(test)]
mod architecture {
    //! Keeps the data flow one-way: a module may use only modules of an
    //! earlier stage. A back-edge (say, `content` importing `resolve`)
    //! fails this test before it can tangle the pipeline.

    /// Stage rank of each top-level module; equal ranks may not use each
    /// other either.
    const RANKS: &[(&str, u8)] = &[
        ("allocator", 0),
        ("diagnostic", 0),
        ("fs", 0),
        ("git", 0),
        ("urls", 0),
        ("fields", 1),
        ("config", 2),
        ("content", 3),
        ("resolve", 4),
        ("markdown", 5),
        ("render", 6),
        ("output", 7),
        ("pipeline", 8),
        ("scaffold", 8),
        ("session", 9),
        ("serve", 10),
        ("cli", 11),
    ];

    fn rank(module: &str) -> Option<u8> {
        RANKS.iter().find(|(m, _)| *m == module).map(|(_, r)| *r)
    }

    fn uses(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut rest = text;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            if rest.starts_with('{') {
                // `use crate::{a, b::c}`: every first segment in the braces.
                let end = rest.find('}').unwrap_or(rest.len());
                for part in rest[1..end].split(',') {
                    let name: String = part
                        .trim()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    out.push(name);
                }
            } else {
                out.push(
                    rest.chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect(),
                );
            }
        }
        out
    }

    #[test]
    fn modules_only_use_earlier_stages() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut violations = Vec::new();
        for entry in walkdir::WalkDir::new(&src)
            .into_iter()
            .filter_map(Result::ok)
        {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(&src).unwrap_or(path);
            let first = rel
                .components()
                .next()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .unwrap_or_default();
            let module = first.trim_end_matches(".rs").to_string();
            let Some(own) = rank(&module) else { continue };
            let text = std::fs::read_to_string(path).unwrap_or_default();
            for used in uses(&text) {
                if used == module {
                    continue;
                }
                if let Some(r) = rank(&used)
                    && r >= own
                {
                    violations.push(format!("{} uses crate::{used}", rel.display()));
                }
            }
        }
        assert!(
            violations.is_empty(),
            "back-edges in the pipeline:\n{}",
            violations.join("\n")
        );
    }

    #[test]
    fn the_scanner_sees_braced_imports() {
        assert_eq!(
            uses("use crate::{content::Kind, resolve};"),
            ["content", "resolve"]
        );
        assert_eq!(uses("crate::fs::read(x)"), ["fs"]);
    }
}
