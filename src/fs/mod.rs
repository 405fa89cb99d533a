//! Every disk read and write of the generator, with errors that name the
//! path; the editor-leftover filter; and the guard that decides which output
//! folders a build may replace.
//!
//! Nothing else in the crate touches the file system, so the rules about
//! what roadbook reads and what it is allowed to delete live in one place.

mod staging;
mod tree;

pub use staging::{StageError, Staging};
pub use tree::{MB, ReadError, read_in_root, read_tree};

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

/// The file that marks an output folder as roadbook's own. A build replaces
/// only folders that carry it (or are empty), never anything else.
pub const OUTPUT_MARKER: &str = ".roadbook-output";

/// An I/O failure with the path it happened on, so messages never say just
/// "No such file or directory".
#[derive(Debug)]
pub struct FsError {
    pub path: PathBuf,
    pub action: &'static str,
    pub source: io::Error,
}

impl std::fmt::Display for FsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "could not {} `{}`: {}",
            self.action,
            self.path.display(),
            self.source
        )
    }
}

impl std::error::Error for FsError {}

fn err<'p>(path: &'p Path, action: &'static str) -> impl FnOnce(io::Error) -> FsError + 'p {
    move |source| FsError {
        path: path.to_path_buf(),
        action,
        source,
    }
}

/// True for files editors and tools leave behind that are never content:
/// hidden files, Emacs lock and backup files, Vim swap files, and the
/// temporary names some editors save through.
pub fn is_editor_leftover(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name == "4913" // Vim's write-permission probe
}

/// One file found under a source folder: its path relative to the handbook
/// root and its raw bytes (UTF-8 is checked by the parser, which can say
/// which file is wrong).
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub rel: PathBuf,
    /// Shared, so that a copy of a handbook's files costs no copy of their
    /// bytes.
    pub bytes: std::sync::Arc<[u8]>,
}

/// A path as messages show it: with `/` on every platform, like the
/// diagnostics' paths.
pub(crate) fn shown(path: &Path) -> String {
    let mut out = String::new();
    for c in path.components() {
        match c {
            Component::RootDir => out.push('/'),
            c => {
                if !out.is_empty() && !out.ends_with('/') {
                    out.push('/');
                }
                out.push_str(&c.as_os_str().to_string_lossy());
            }
        }
    }
    out
}

/// Writes a new file, creating its folder; fails rather than replace a
/// file that exists (even one created a moment ago by someone else), so
/// the scaffolding commands can never overwrite an author's work.
pub fn create_new(path: &Path, bytes: &[u8]) -> Result<(), FsError> {
    use std::io::Write;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(err(parent, "create folder"))?;
    }
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(err(path, "create"))?;
    file.write_all(bytes).map_err(err(path, "write"))
}

/// Top-level names of the handbook's `static/` folder, which free pages
/// must not collide with.
pub fn top_level_names(dir: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !is_editor_leftover(n))
        .collect();
    names.sort();
    names
}

/// Why an output folder may not be used. Each says what to do instead.
#[derive(Debug, PartialEq, Eq)]
pub enum OutputRefusal {
    /// The output is the handbook root, one of its source folders, an
    /// ancestor of the root, or the home folder.
    Protected(PathBuf, &'static str),
    /// The folder exists, is not empty and was not made by roadbook.
    NotOurs(PathBuf),
    /// The path names a file (or anything else that is not a folder).
    NotAFolder(PathBuf),
}

impl std::fmt::Display for OutputRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutputRefusal::Protected(p, what) => write!(
                f,
                "refusing to write the site into `{}`: it is {what}, and a build replaces its output folder whole",
                p.display()
            ),
            OutputRefusal::NotAFolder(p) => write!(
                f,
                "refusing to write the site into `{}`: it is a file, not a folder",
                p.display()
            ),
            OutputRefusal::NotOurs(p) => write!(
                f,
                "refusing to replace `{}`: the folder is not empty and was not created by roadbook (it has no `{OUTPUT_MARKER}` file)",
                p.display()
            ),
        }
    }
}

/// Absolute, `.`/`..`-free form of a path that may not exist yet, so the
/// guard compares what the path means rather than how it was spelled.
pub fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    // Resolve symlinks for the part that exists, then re-append the rest.
    let mut existing = joined.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = fs::canonicalize(&existing).unwrap_or(existing);
    for part in rest.into_iter().rev() {
        if part == ".." {
            out.pop();
        } else if part != "." {
            out.push(part);
        }
    }
    out
}

/// Decides whether a build may replace `output`. Called before any work is
/// written, so a refused build changes nothing on disk.
pub fn check_output(root: &Path, output: &Path) -> Result<(), OutputRefusal> {
    let root = absolute(root);
    let out = absolute(output);
    if out == root {
        return Err(OutputRefusal::Protected(out, "the handbook root"));
    }
    if root.starts_with(&out) {
        return Err(OutputRefusal::Protected(
            out,
            "a folder that contains the handbook",
        ));
    }
    for (dir, what) in [
        ("content", "the content folder"),
        ("static", "the static folder"),
        ("templates", "the templates folder"),
    ] {
        if out.starts_with(root.join(dir)) {
            return Err(OutputRefusal::Protected(out, what));
        }
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from) {
        let home = absolute(&home);
        if out == home {
            return Err(OutputRefusal::Protected(out, "the home folder"));
        }
    }
    if out.parent().is_none() {
        return Err(OutputRefusal::Protected(out, "the file system root"));
    }
    if out.exists() {
        if !out.is_dir() {
            return Err(OutputRefusal::NotAFolder(out));
        }
        let ours = out.join(OUTPUT_MARKER).is_file();
        let empty = fs::read_dir(&out)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !ours && !empty {
            return Err(OutputRefusal::NotOurs(out));
        }
    }
    Ok(())
}

/// Where finished files go while a site is built: a staging folder on disk
/// ([`Staging`]) or memory (for `serve` and tests). Pages are put here as
/// soon as they are rendered, so a build never holds the whole site.
pub trait Sink: Sync {
    /// Stores one file; `path` is relative to the site root, with `/`.
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), FsError>;

    /// About how many bytes the file at `path` will take, when known, so
    /// that it is made in one buffer: growing one step by step to the
    /// megabytes of a large handbook's lists copied each of them about
    /// twice over.
    fn size_hint(&self, _path: &str) -> usize {
        0
    }

    /// Stores one file made by `write`, which a sink on disk streams
    /// straight into the file: the few outputs of a large handbook that
    /// run to megabytes (the matrix, the JSON export) then never sit in
    /// memory whole. After an error from `write`, whatever was written is
    /// left to the failed build, which discards the sink's files.
    fn put_with(&self, path: &str, write: &mut Write<'_>) -> Result<(), FsError> {
        let mut buf = Vec::with_capacity(self.size_hint(path));
        write(&mut buf).map_err(|source| FsError {
            path: PathBuf::from(path),
            action: "write",
            source,
        })?;
        self.put(path, &buf)
    }
}

/// What [`Sink::put_with`] calls to produce a file.
pub type Write<'a> = dyn FnMut(&mut dyn io::Write) -> io::Result<()> + 'a;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftovers_are_recognised() {
        for name in [
            ".#skill.md",
            "skill.md~",
            ".skill.md.swp",
            "#skill.md#",
            ".DS_Store",
            "4913",
        ] {
            assert!(is_editor_leftover(name), "{name}");
        }
        for name in ["skill.md", "03-apis.md", "diagram.png"] {
            assert!(!is_editor_leftover(name), "{name}");
        }
    }

    #[test]
    fn create_new_never_replaces_a_file() {
        let dir = std::env::temp_dir().join(format!("roadbook-fs-new-{}", std::process::id()));
        let path = dir.join("a/b.md");
        create_new(&path, b"first").expect("a new file is written");
        let again = create_new(&path, b"second").expect_err("an existing file is refused");
        assert_eq!(again.source.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&path).expect("still there"), b"first");
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn absolute_removes_dots() {
        let p = absolute(Path::new("/tmp/a/../b/./c"));
        assert!(p.ends_with("b/c"), "{}", p.display());
    }
}
