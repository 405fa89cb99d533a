//! When each source file last changed, from git history: the "Last
//! updated" date on pages, `<lastmod>` in the sitemap and the order of the
//! Atom feed.
//!
//! It sits beside the `fs` module as the only other one that reaches
//! outside the process. It runs `git log` once for the whole handbook
//! (one process, however many files) and never fails: a handbook that is
//! not a git checkout, a missing `git`, or any error reading its output
//! simply yields no dates, and pages show none.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A moment as seconds since the Unix epoch, shown in UTC so that the same
/// commit gives the same text on every machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// `2026-11-20`.
    pub fn date(self) -> String {
        let (y, m, d) = civil_from_days(self.0.div_euclid(86_400));
        format!("{y:04}-{m:02}-{d:02}")
    }

    /// `2026-11-20T09:15:00Z` (RFC 3339, as Atom and sitemaps want it).
    pub fn rfc3339(self) -> String {
        let secs = self.0.rem_euclid(86_400);
        format!(
            "{}T{:02}:{:02}:{:02}Z",
            self.date(),
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rfc3339())
    }
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian
/// calendar (Howard Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32; // [1, 31]
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32; // [1, 12]
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The newest commit time of each file, by its path relative to the
/// handbook root (`content/skills/apis.md`). Empty when there is no history.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dates {
    files: HashMap<PathBuf, Timestamp>,
}

impl Dates {
    pub fn get(&self, rel: &Path) -> Option<Timestamp> {
        self.files.get(rel).copied()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Reads the output of `git log -z --format=%x01%ct --name-only`:
    /// each commit is a `\x01<seconds>` record followed by the paths it
    /// touched, every record ended by NUL. Log order is newest first, so a
    /// path's first appearance is its last change (what `git log -1 --
    /// FILE` would say).
    pub fn parse_log(out: &[u8]) -> Dates {
        let mut files = HashMap::new();
        let mut current: Option<Timestamp> = None;
        for record in out.split(|b| *b == 0) {
            let record = record.strip_prefix(b"\n").unwrap_or(record);
            if let Some(secs) = record.strip_prefix(b"\x01") {
                current = std::str::from_utf8(secs)
                    .ok()
                    .and_then(|s| s.trim().parse().ok())
                    .map(Timestamp);
            } else if !record.is_empty()
                && let (Some(t), Ok(path)) = (current, std::str::from_utf8(record))
            {
                files.entry(PathBuf::from(path)).or_insert(t);
            }
        }
        Dates { files }
    }
}

/// The last change of every file under `root/content` and of
/// `root/handbook.toml`, from one `git log` over the handbook. Any failure
/// gives empty [`Dates`].
pub fn last_changes(root: &Path) -> Dates {
    log(root, &[Path::new("content"), Path::new("handbook.toml")])
}

/// The last change of one file (`content/skills/new.md`), as
/// [`last_changes`] has it: `serve` asks when a page file was added while
/// it runs (usually none, for a file not committed yet).
pub fn last_change(root: &Path, rel: &Path) -> Option<Timestamp> {
    log(root, &[rel]).get(rel)
}

/// `git log` over `paths` in the handbook at `root`.
fn log(root: &Path, paths: &[&Path]) -> Dates {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args([
            "log",
            "-z",
            "--format=%x01%ct",
            "--name-only",
            // Paths relative to the handbook root, even when the handbook
            // is a folder inside a larger repository.
            "--relative",
            "--no-show-signature",
            "--",
        ])
        .args(paths)
        // Find the repository from the handbook folder, whatever the
        // caller's environment says (a git hook sets these).
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output();
    match output {
        Ok(out) if out.status.success() => Dates::parse_log(&out.stdout),
        _ => Dates::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_format_as_utc() {
        assert_eq!(Timestamp(0).rfc3339(), "1970-01-01T00:00:00Z");
        assert_eq!(Timestamp(1_700_000_000).rfc3339(), "2023-11-14T22:13:20Z");
        // A leap day, and the last second of a leap year.
        assert_eq!(Timestamp(951_782_400).date(), "2000-02-29");
        assert_eq!(Timestamp(1_735_689_599).rfc3339(), "2024-12-31T23:59:59Z");
        assert_eq!(Timestamp(-1).rfc3339(), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn log_output_gives_each_path_its_newest_commit() {
        let out = b"\x01200\0\ncontent/skills/a.md\0content/skills/we ird/\xc3\xbc.png\0\0\x01100\0\ncontent/skills/a.md\0content/skills/b.md\0handbook.toml\0";
        let dates = Dates::parse_log(out);
        assert_eq!(
            dates.get(Path::new("content/skills/a.md")),
            Some(Timestamp(200))
        );
        assert_eq!(
            dates.get(Path::new("content/skills/b.md")),
            Some(Timestamp(100))
        );
        assert_eq!(
            dates.get(Path::new("content/skills/we ird/ü.png")),
            Some(Timestamp(200))
        );
        assert_eq!(dates.get(Path::new("handbook.toml")), Some(Timestamp(100)));
        assert!(Dates::parse_log(b"").is_empty());
    }

    /// Runs git in `dir` with a fixed identity and date, ignoring the
    /// machine's configuration. Git is required: without it these tests
    /// would pass whatever `last_changes` did.
    fn git(dir: &Path, args: &[&str]) {
        let out = Command::new("git")
            .args(["-c", "user.name=T", "-c", "user.email=t@example.org"])
            .args(["-c", "commit.gpgsign=false"])
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_DATE", "2023-11-14T22:13:20Z")
            .env("GIT_COMMITTER_DATE", "2023-11-14T22:13:20Z")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
            .output()
            .unwrap_or_else(|e| panic!("git is needed for these tests: {e}"));
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn temp(label: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("roadbook-git-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_folder_without_history_has_no_dates() {
        // The same folder, before and after it gets history: the empty
        // answer is from the missing history, not from a missing git.
        let dir = temp("none");
        std::fs::create_dir_all(dir.join("content")).unwrap();
        std::fs::write(dir.join("content/a.md"), "a").unwrap();
        assert!(last_changes(&dir).is_empty());
        git(&dir, &["init", "-q"]);
        git(&dir, &["add", "-A"]);
        git(&dir, &["commit", "-q", "-m", "first"]);
        let dates = last_changes(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(
            dates.get(Path::new("content/a.md")),
            Some(Timestamp(1_700_000_000))
        );
    }
}
