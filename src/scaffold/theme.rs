//! `roadbook theme eject [NAME…]`: the built-in theme's templates and
//! static files written into the handbook, to edit. Files in `templates/`
//! and `static/` override the built-in ones of the same name, so the
//! handbook builds the same site right after, and keeps building when a
//! later roadbook changes a template the author did not eject.

use std::path::{Path, PathBuf};

use super::{Refusal, refuse};
use crate::config::CONFIG_FILE;
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::fs;
use crate::render::{BUILTIN, THEME_ASSETS};

/// What `eject` did: files written and files left alone because they
/// exist (paths relative to the root).
#[derive(Debug, Default)]
pub struct Ejected {
    pub written: Vec<PathBuf>,
    pub kept: Vec<PathBuf>,
}

/// Every file of the theme: its name on the command line, where it goes
/// in the handbook, and its bytes.
fn theme_files() -> Vec<(&'static str, PathBuf, &'static [u8])> {
    let templates = BUILTIN
        .iter()
        .map(|(name, text)| (*name, Path::new("templates").join(name), text.as_bytes()));
    let statics = THEME_ASSETS
        .iter()
        .map(|(path, bytes)| (*path, Path::new("static").join(path), *bytes));
    templates.chain(statics).collect()
}

/// The theme's file names, as `eject` accepts them.
pub fn theme_names() -> Vec<&'static str> {
    theme_files().into_iter().map(|(n, _, _)| n).collect()
}

/// Writes the named theme files (every one when `names` is empty) into
/// the handbook at `root`, never replacing a file. A name may be given
/// with its folder (`templates/skill.html`, `static/assets/roadbook.css`)
/// or without (`skill.html`, `roadbook.css`).
pub fn eject(root: &Path, names: &[String]) -> Result<Ejected, Refusal> {
    if !root.join(CONFIG_FILE).is_file() {
        return Err(refuse(
            Diagnostic::general(format!("`{}` has no {CONFIG_FILE}", root.display()))
                .with_help("run `roadbook theme eject` in a handbook folder, or pass `--root DIR`"),
            true,
        ));
    }
    let files = theme_files();
    let mut chosen = Vec::new();
    for name in names {
        let bare = name
            .strip_prefix("templates/")
            .or_else(|| name.strip_prefix("static/"))
            .unwrap_or(name);
        let found = files
            .iter()
            .find(|(n, _, _)| *n == bare || n.rsplit('/').next() == Some(bare));
        match found {
            Some(f) => chosen.push(f),
            None => {
                let known = theme_names();
                let help = match did_you_mean(bare, known.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("the theme's files are: {}", known.join(", ")),
                };
                return Err(refuse(
                    Diagnostic::general(format!("the built-in theme has no file `{name}`"))
                        .with_help(help),
                    true,
                ));
            }
        }
    }
    if names.is_empty() {
        chosen = files.iter().collect();
    }
    let mut out = Ejected::default();
    for (_, rel, bytes) in chosen {
        if out.written.contains(rel) || out.kept.contains(rel) {
            continue;
        }
        if root.join(rel).exists() {
            out.kept.push(rel.clone());
            continue;
        }
        if let Err(e) = fs::create_new(&root.join(rel), bytes) {
            let usage = e.source.kind() == std::io::ErrorKind::AlreadyExists;
            return Err(refuse(Diagnostic::general(e.to_string()), usage));
        }
        out.written.push(rel.clone());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_and_asset_can_be_named() {
        let names = theme_names();
        assert!(names.contains(&"base.html"));
        assert!(names.contains(&"assets/roadbook.js"));
        assert_eq!(names.len(), BUILTIN.len() + THEME_ASSETS.len());
    }
}
