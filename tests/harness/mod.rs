//! The test harness: fixture handbooks copied into throw-away folders, the
//! real `roadbook` binary run on them, and its standard error normalised so
//! it can be compared with snapshots.
//!
//! Every test gets its own copy, so tests may change files freely and run
//! in parallel.

#![allow(dead_code)] // Not every test file uses every helper.

pub mod browser;
pub mod links;
pub mod preview;
pub mod server;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The repository root (where Cargo.toml and the bundled handbook live).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A folder under the system temp folder with a unique name, removed with
/// everything in it when dropped.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!("roadbook-test-{label}-{}-{n}-{nanos}", std::process::id());
        let path = std::env::temp_dir().join(name);
        fs::create_dir_all(&path).unwrap_or_else(|e| panic!("create {}: {e}", path.display()));
        // The binary reports canonical paths; compare like with like.
        let path = fs::canonicalize(&path).unwrap_or(path);
        TempDir { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A path inside the folder.
    pub fn join(&self, rel: &str) -> PathBuf {
        self.path.join(rel)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// Copies `from` (a folder) into `to`, recursively.
pub fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap_or_else(|e| panic!("create {}: {e}", to.display()));
    let entries = fs::read_dir(from).unwrap_or_else(|e| panic!("read {}: {e}", from.display()));
    for entry in entries {
        let entry = entry.unwrap_or_else(|e| panic!("read {}: {e}", from.display()));
        let src = entry.path();
        let dst = to.join(entry.file_name());
        if src.is_dir() {
            copy_tree(&src, &dst);
        } else {
            fs::copy(&src, &dst).unwrap_or_else(|e| panic!("copy {}: {e}", src.display()));
        }
    }
}

/// A fresh copy of `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> TempDir {
    let dir = TempDir::new(name);
    copy_tree(&repo_root().join("tests/fixtures").join(name), dir.path());
    dir
}

/// The "full" fixture, plus the editor leftovers it must ignore. They are
/// written here rather than kept in the fixture folder because version
/// control setups commonly ignore such names. Each would be an error if it
/// were read.
pub fn full() -> TempDir {
    let dir = fixture("full");
    change_file(&dir, "content/skills/.#x.md", "+++\ntitle = \"lock file\n");
    change_file(&dir, "content/skills/x.md~", "+++\ntitle = \"backup\n");
    change_file(&dir, "content/skills/.x.md.swp", b"\x00\xffswap".as_slice());
    dir
}

/// The full fixture, built (without drafts).
pub fn full_built() -> TempDir {
    let dir = full();
    build(&dir).assert_ok();
    dir
}

/// A fresh copy of the handbook bundled with the repository.
pub fn bundled() -> TempDir {
    let dir = TempDir::new("bundled");
    let root = repo_root();
    fs::copy(root.join("handbook.toml"), dir.join("handbook.toml"))
        .unwrap_or_else(|e| panic!("copy handbook.toml: {e}"));
    for folder in ["content", "templates", "static"] {
        if root.join(folder).is_dir() {
            copy_tree(&root.join(folder), &dir.join(folder));
        }
    }
    dir
}

/// Writes (or overwrites) a file of the handbook, creating its folder.
pub fn change_file(dir: &TempDir, rel: &str, contents: impl AsRef<[u8]>) {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap_or_else(|e| panic!("create {}: {e}", parent.display()));
    }
    fs::write(&path, contents).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

pub fn remove_file(dir: &TempDir, rel: &str) {
    let path = dir.join(rel);
    fs::remove_file(&path).unwrap_or_else(|e| panic!("remove {}: {e}", path.display()));
}

/// The text of a file that must exist; on failure lists what is there.
pub fn expect_file(dir: &TempDir, rel: &str) -> String {
    let path = dir.join(rel);
    match fs::read(&path) {
        Ok(bytes) => String::from_utf8(bytes).unwrap_or_else(|_| panic!("{rel} is not UTF-8")),
        Err(e) => {
            let parent = path.parent().unwrap_or(dir.path());
            let listing: Vec<String> = tree(parent).into_keys().collect();
            panic!(
                "expected {rel} to exist ({e}); {} holds: {listing:#?}",
                parent.display()
            )
        }
    }
}

/// Asserts that a file does not exist.
pub fn expect_no_file(dir: &TempDir, rel: &str) {
    assert!(
        !dir.join(rel).exists(),
        "{rel} should not exist, but it does"
    );
}

/// Every file under `dir` (hidden ones included) by its `/`-separated path
/// relative to `dir`, with its bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path
                    .strip_prefix(base)
                    .unwrap_or(&path)
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                let bytes =
                    fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
                out.insert(rel, bytes);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Asserts two file trees are the same, naming the first differences.
pub fn assert_same_tree(
    before: &BTreeMap<String, Vec<u8>>,
    after: &BTreeMap<String, Vec<u8>>,
    what: &str,
) {
    let mut problems = Vec::new();
    for (path, bytes) in before {
        match after.get(path) {
            None => problems.push(format!("removed: {path}")),
            Some(b) if b != bytes => problems.push(format!("changed: {path}")),
            Some(_) => {}
        }
    }
    for path in after.keys() {
        if !before.contains_key(path) {
            problems.push(format!("added: {path}"));
        }
    }
    assert!(problems.is_empty(), "{what}:\n{}", problems.join("\n"));
}

/// What a run of the binary left: its exit code and its standard error,
/// normalised (temp paths replaced with `[ROOT]`, timings removed).
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stderr: String,
    pub stdout: String,
}

impl Run {
    /// Asserts the run succeeded, showing its messages if not.
    pub fn assert_ok(self) -> Run {
        assert_eq!(
            self.code,
            Some(0),
            "expected success; stderr:\n{}",
            self.stderr
        );
        self
    }

    pub fn assert_code(self, code: i32) -> Run {
        assert_eq!(
            self.code,
            Some(code),
            "expected exit {code}; stderr:\n{}",
            self.stderr
        );
        self
    }
}

/// Runs `roadbook ARGS` with the handbook folder as the working folder (as
/// an author would), so `--root` defaults to it.
pub fn run(dir: &TempDir, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_roadbook"))
        .args(args)
        .current_dir(dir.path())
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap_or_else(|e| panic!("run roadbook: {e}"));
    Run {
        code: output.status.code(),
        stderr: normalise(&String::from_utf8_lossy(&output.stderr), dir.path()),
        stdout: normalise(&String::from_utf8_lossy(&output.stdout), dir.path()),
    }
}

/// `roadbook build` into `public/`.
pub fn build(dir: &TempDir) -> Run {
    run(dir, &["build"])
}

/// `roadbook build` with more flags.
pub fn build_with(dir: &TempDir, flags: &[&str]) -> Run {
    let mut args = vec!["build"];
    args.extend_from_slice(flags);
    run(dir, &args)
}

pub fn check(dir: &TempDir) -> Run {
    run(dir, &["check"])
}

/// Runs `check` and `build` on a handbook that must fail: both exit 1 with
/// the same report, and nothing is written. Returns the report.
pub fn expect_errors(dir: &TempDir) -> String {
    let checked = check(dir).assert_code(1);
    let built = build(dir).assert_code(1);
    assert_eq!(checked.stderr, built.stderr, "check and build disagree");
    assert!(
        !dir.join("public").exists(),
        "a failed build must not create public/"
    );
    built.stderr
}

/// Runs `build` (template errors appear only when pages are rendered,
/// which `check` does not do), asserts it fails with exit status 1 and
/// leaves no `public/`, and returns the normalised report.
pub fn expect_errors_in_build(dir: &TempDir) -> String {
    let built = build(dir).assert_code(1);
    assert!(
        !dir.join("public").exists(),
        "a failed build must not create public/"
    );
    built.stderr
}

/// A page's text under `public/`.
pub fn page(dir: &TempDir, rel: &str) -> String {
    expect_file(dir, &format!("public/{rel}"))
}

/// Replaces the temp folder with `[ROOT]` and drops the time from the
/// "built N pages ... in 12 ms" line.
pub fn normalise(text: &str, root: &Path) -> String {
    let mut text = text.to_string();
    let mut roots = vec![root.display().to_string()];
    if let Ok(c) = fs::canonicalize(root) {
        roots.push(c.display().to_string());
    }
    roots.sort_by_key(|r| std::cmp::Reverse(r.len()));
    for r in roots {
        text = text.replace(&r, "[ROOT]");
    }
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            if line.starts_with("built ")
                && line.ends_with(" ms")
                && let Some(i) = line.rfind(" in ")
            {
                line[..i].to_string()
            } else {
                line.to_string()
            }
        })
        .collect();
    let mut out = lines.join("\n");
    if text.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// Cuts the part of `html` from the first `start` to the end of the first
/// `end` after it, for snapshotting a fragment of a page.
pub fn fragment<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("`{start}` not found in:\n{html}"));
    let len = html[from..]
        .find(end)
        .unwrap_or_else(|| panic!("`{end}` not found after `{start}`"));
    &html[from..from + len + end.len()]
}

/// Runs `git ARGS` in the handbook folder with a fixed identity and commit
/// time (`date`, RFC 3339), ignoring the machine's git configuration, so
/// history made in a test is the same everywhere.
pub fn git(dir: &TempDir, date: &str, args: &[&str]) {
    let output = Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.org"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir.path())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .unwrap_or_else(|e| panic!("run git (is it installed?): {e}"));
    assert!(
        output.status.success(),
        "git {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Makes the handbook folder a git repository with everything committed
/// at `date`.
pub fn commit_all(dir: &TempDir, date: &str, message: &str) {
    if !dir.join(".git").exists() {
        git(dir, date, &["init", "-q"]);
    }
    git(dir, date, &["add", "-A"]);
    git(dir, date, &["commit", "-q", "-m", message]);
}

/// Runs `roadbook ARGS` in `cwd` (a folder that need not be a handbook).
pub fn run_in(cwd: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_roadbook"))
        .args(args)
        .current_dir(cwd)
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap_or_else(|e| panic!("run roadbook: {e}"));
    Run {
        code: output.status.code(),
        stderr: normalise(&String::from_utf8_lossy(&output.stderr), cwd),
        stdout: normalise(&String::from_utf8_lossy(&output.stdout), cwd),
    }
}
