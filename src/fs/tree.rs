//! Reading a handbook's source folders, and nothing outside the handbook.
//!
//! A symbolic link is followed only when its target is inside the
//! handbook root and not in a hidden folder: a change to a handbook (a
//! pull request) could otherwise add `static/env -> /proc/self/environ`,
//! or a link to `.git/config` (where CI keeps its token), and publish the
//! building machine's secrets with the site. Markdown files over a size
//! limit are refused before they are read, so one stray file cannot take
//! the build's memory.

use std::cell::RefCell;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use super::{FsError, SourceFile, err, is_editor_leftover};

/// Why a source file was not read. Each says what to do instead.
#[derive(Debug)]
pub enum ReadError {
    Io(FsError),
    /// A symbolic link (relative to the root) whose target is outside the
    /// handbook, or hidden inside it; `target` as the link spells it.
    Escapes {
        link: PathBuf,
        target: PathBuf,
        hidden: bool,
    },
    /// A symbolic link to nothing.
    Dangling {
        link: PathBuf,
        target: PathBuf,
    },
    /// A Markdown file larger than the limit (`max_file_size`).
    TooLarge {
        file: PathBuf,
        size: u64,
        limit: u64,
    },
}

impl ReadError {
    /// The file the error is about, relative to the handbook root, when it
    /// is one of its files.
    pub fn file(&self) -> Option<&Path> {
        match self {
            ReadError::Io(_) => None,
            ReadError::Escapes { link, .. } | ReadError::Dangling { link, .. } => Some(link),
            ReadError::TooLarge { file, .. } => Some(file),
        }
    }

    /// How to fix it.
    pub fn help(&self) -> Option<String> {
        match self {
            ReadError::Io(_) => None,
            ReadError::Escapes { hidden: false, .. } => Some(
                "roadbook reads only files inside the handbook folder, so that a change to the handbook cannot publish files of the machine that builds it; copy the file into the handbook instead of linking to it".into(),
            ),
            ReadError::Escapes { hidden: true, .. } => Some(
                "roadbook never reads hidden files or folders (such as .git, where CI may keep its token); copy what the site needs into the handbook".into(),
            ),
            ReadError::Dangling { .. } => Some("point the link at an existing file of the handbook, or remove it".into()),
            ReadError::TooLarge { size, .. } => Some(format!(
                "split it into several pages, or raise the limit in handbook.toml: `max_file_size = {}` (in MB)",
                size.div_ceil(MB)
            )),
        }
    }
}

/// A megabyte, the unit of `max_file_size`.
pub const MB: u64 = 1_000_000;

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => e.fmt(f),
            ReadError::Escapes {
                link,
                target,
                hidden,
            } => write!(
                f,
                "`{}` is a symbolic link to `{}`, {}",
                super::shown(link),
                super::shown(target),
                if *hidden {
                    "a hidden file of the handbook"
                } else {
                    "outside the handbook"
                }
            ),
            ReadError::Dangling { link, target } => write!(
                f,
                "`{}` is a symbolic link to `{}`, which does not exist",
                super::shown(link),
                super::shown(target)
            ),
            ReadError::TooLarge { file, size, limit } => write!(
                f,
                "`{}` is {:.1} MB, over the limit of {} MB for a Markdown file",
                super::shown(file),
                *size as f64 / MB as f64,
                limit / MB
            ),
        }
    }
}

impl From<FsError> for ReadError {
    fn from(e: FsError) -> Self {
        ReadError::Io(e)
    }
}

/// The handbook root with every link resolved, which a file's resolved
/// path must stay under.
fn real_root(root: &Path) -> Result<PathBuf, ReadError> {
    fs::canonicalize(root).map_err(|e| err(root, "read")(e).into())
}

/// Checks the link at `path` (relative `rel`): `Ok` when it resolves to a
/// file or folder inside `real_root`, not hidden.
fn check_link(real_root: &Path, path: &Path, rel: &Path) -> Result<(), ReadError> {
    let target = fs::read_link(path).unwrap_or_default();
    let Ok(real) = fs::canonicalize(path) else {
        return Err(ReadError::Dangling {
            link: rel.to_path_buf(),
            target,
        });
    };
    match real.strip_prefix(real_root) {
        Ok(inside) if !is_hidden(inside) => Ok(()),
        Ok(_) => Err(ReadError::Escapes {
            link: rel.to_path_buf(),
            target,
            hidden: true,
        }),
        Err(_) => Err(ReadError::Escapes {
            link: rel.to_path_buf(),
            target,
            hidden: false,
        }),
    }
}

/// A path (relative to the root) through a hidden file or folder.
fn is_hidden(rel: &Path) -> bool {
    rel.components().any(|c| match c {
        Component::Normal(n) => n.to_string_lossy().starts_with('.'),
        _ => false,
    })
}

fn is_markdown(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "md")
}

/// Walks `root/dir` (skipping editor leftovers and hidden folders) and
/// reads every file in parallel. A missing folder yields no files. Links
/// are followed only inside the handbook; Markdown files larger than
/// `max_markdown` bytes (when given) are refused. Every problem is
/// reported, not just the first.
pub fn read_tree(
    root: &Path,
    dir: &str,
    max_markdown: Option<u64>,
) -> Result<Vec<SourceFile>, Vec<ReadError>> {
    let base = root.join(dir);
    if !base.is_dir() {
        return Ok(Vec::new());
    }
    let real_root = real_root(root).map_err(|e| vec![e])?;
    if fs::symlink_metadata(&base).is_ok_and(|m| m.file_type().is_symlink()) {
        check_link(&real_root, &base, Path::new(dir)).map_err(|e| vec![e])?;
    }
    let rel_of = |path: &Path| path.strip_prefix(root).unwrap_or(path).to_path_buf();
    // Filled by the walk's filter, which also keeps it out of bad links.
    let refused = RefCell::new(Vec::new());
    let walker = walkdir::WalkDir::new(&base)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            if is_editor_leftover(&e.file_name().to_string_lossy()) {
                return false;
            }
            if e.path_is_symlink()
                && let Err(why) = check_link(&real_root, e.path(), &rel_of(e.path()))
            {
                refused.borrow_mut().push(why);
                return false;
            }
            true
        });
    let mut paths = Vec::new();
    let mut errors = Vec::new();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e.path().unwrap_or(&base).to_path_buf();
                // A link to nothing fails in the walk, before the filter.
                if fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink())
                    && let Err(why) = check_link(&real_root, &path, &rel_of(&path))
                {
                    errors.push(why);
                    continue;
                }
                errors.push(ReadError::Io(FsError {
                    path,
                    action: "read",
                    source: e
                        .into_io_error()
                        .unwrap_or_else(|| io::Error::other("file system loop")),
                }));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        if let Some(limit) = max_markdown
            && is_markdown(entry.path())
        {
            let size = entry.metadata().map_or(0, |m| m.len());
            if size > limit {
                errors.push(ReadError::TooLarge {
                    file: rel_of(entry.path()),
                    size,
                    limit,
                });
                continue;
            }
        }
        paths.push(entry.into_path());
    }
    errors.extend(refused.into_inner());
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.file().map(Path::to_path_buf));
        return Err(errors);
    }
    paths
        .into_par_iter()
        .map(|path| {
            let bytes = fs::read(&path).map_err(err(&path, "read"))?;
            Ok(SourceFile {
                rel: rel_of(&path),
                bytes: bytes.into(),
            })
        })
        .collect::<Result<_, FsError>>()
        .map_err(|e| vec![ReadError::Io(e)])
}

/// Reads the file `rel` of the handbook at `root` (handbook.toml, or one
/// edited file read again by `serve`) under the same rules as
/// [`read_tree`]: not through a link that leaves the handbook, and a
/// Markdown file not over `max_markdown` bytes.
pub fn read_in_root(
    root: &Path,
    rel: &Path,
    max_markdown: Option<u64>,
) -> Result<Vec<u8>, ReadError> {
    let path = root.join(rel);
    // A file that cannot be resolved fails below with the usual message.
    if let Ok(real) = fs::canonicalize(&path) {
        let real_root = real_root(root)?;
        let inside = real.strip_prefix(&real_root).ok();
        if inside.is_none_or(is_hidden) {
            let hidden = inside.is_some();
            // Name the link the path goes through: the file itself, or the
            // first of its folders that is one.
            let mut link = PathBuf::new();
            for c in rel.components() {
                link.push(c);
                if fs::symlink_metadata(root.join(&link)).is_ok_and(|m| m.file_type().is_symlink())
                {
                    break;
                }
            }
            return Err(ReadError::Escapes {
                target: fs::read_link(root.join(&link)).unwrap_or_else(|_| real.clone()),
                link,
                hidden,
            });
        }
        if let Some(limit) = max_markdown
            && is_markdown(rel)
        {
            let size = fs::metadata(&real).map_or(0, |m| m.len());
            if size > limit {
                return Err(ReadError::TooLarge {
                    file: rel.to_path_buf(),
                    size,
                    limit,
                });
            }
        }
    }
    fs::read(&path).map_err(|e| err(&path, "read")(e).into())
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn handbook(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("roadbook-tree-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("static/inner")).expect("folders");
        fs::write(dir.join("static/inner/a.txt"), "a").expect("file");
        dir
    }

    fn refused(r: Result<Vec<SourceFile>, Vec<ReadError>>) -> Vec<String> {
        r.err()
            .unwrap_or_default()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn links_inside_the_handbook_are_followed() {
        let dir = handbook("inside");
        symlink("inner/a.txt", dir.join("static/b.txt")).expect("link");
        symlink("inner", dir.join("static/linked")).expect("link");
        let files = read_tree(&dir, "static", None).expect("read");
        let rels: Vec<String> = files.iter().map(|f| super::super::shown(&f.rel)).collect();
        assert_eq!(
            rels,
            ["static/b.txt", "static/inner/a.txt", "static/linked/a.txt"]
        );
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn links_that_leave_the_handbook_are_refused_by_name() {
        let dir = handbook("outside");
        let outside = dir.with_extension("secret");
        fs::create_dir_all(&outside).expect("folder");
        fs::write(outside.join("key"), "secret").expect("file");
        symlink(outside.join("key"), dir.join("static/env.txt")).expect("link");
        symlink(&outside, dir.join("static/folder")).expect("link");
        fs::create_dir_all(dir.join(".git")).expect("folder");
        fs::write(dir.join(".git/config"), "token").expect("file");
        symlink("../.git/config", dir.join("static/git.txt")).expect("link");
        symlink("nowhere", dir.join("static/dangling")).expect("link");
        let why = refused(read_tree(&dir, "static", None));
        let key = outside.join("key");
        assert_eq!(
            why,
            [
                "`static/dangling` is a symbolic link to `nowhere`, which does not exist".to_string(),
                format!("`static/env.txt` is a symbolic link to `{}`, outside the handbook", key.display()),
                format!("`static/folder` is a symbolic link to `{}`, outside the handbook", outside.display()),
                "`static/git.txt` is a symbolic link to `../.git/config`, a hidden file of the handbook".to_string(),
            ]
        );
        // One file read alone: the same rule.
        let one = read_in_root(&dir, Path::new("static/folder/key"), None).expect_err("refused");
        assert_eq!(
            one.to_string(),
            format!(
                "`static/folder` is a symbolic link to `{}`, outside the handbook",
                outside.display()
            )
        );
        assert!(read_in_root(&dir, Path::new("static/inner/a.txt"), None).is_ok());
        // The source folder itself a link.
        fs::remove_dir_all(dir.join("static")).expect("remove");
        symlink(&outside, dir.join("static")).expect("link");
        assert_eq!(
            refused(read_tree(&dir, "static", None)),
            [format!(
                "`static` is a symbolic link to `{}`, outside the handbook",
                outside.display()
            )]
        );
        let _ = fs::remove_dir_all(&dir);
        let _ = fs::remove_dir_all(&outside);
    }

    #[test]
    fn markdown_over_the_limit_is_refused_before_it_is_read() {
        let dir = handbook("limit");
        fs::write(dir.join("static/big.md"), "x".repeat(2_500_001)).expect("file");
        fs::write(dir.join("static/big.bin"), "x".repeat(2_500_001)).expect("file");
        let why = refused(read_tree(&dir, "static", Some(2 * MB)));
        assert_eq!(
            why,
            ["`static/big.md` is 2.5 MB, over the limit of 2 MB for a Markdown file"]
        );
        assert_eq!(
            read_tree(&dir, "static", Some(3 * MB))
                .map(|f| f.len())
                .ok(),
            Some(3)
        );
        let one =
            read_in_root(&dir, Path::new("static/big.md"), Some(2 * MB)).expect_err("too large");
        assert!(
            one.help().is_some_and(|h| h.contains("max_file_size = 3")),
            "{:?}",
            one.help()
        );
        let _ = fs::remove_dir_all(&dir);
    }
}
