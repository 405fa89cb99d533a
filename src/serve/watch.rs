//! Watching the handbook: which folders, which events count, and how a
//! burst of events becomes one short "what changed" line.
//!
//! notify reports raw events; notify-debouncer-full merges each file's
//! events and pairs renames. Editors save in many ways (write in place,
//! write a temporary file and rename it over the original, move the original
//! to a backup first), so the watcher does not try to follow files: any
//! relevant event means "build again", and the build reads the disk as it
//! is. Events about editor leftovers, about reads (the build's own) and
//! about metadata are ignored.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify::event::{EventKind, MetadataKind, ModifyKind, RenameMode};
use notify::{PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{
    DebounceEventResult, DebouncedEvent, Debouncer, FileIdMap, RecommendedCache, new_debouncer_opt,
};

use crate::diagnostic::display_path;
use crate::fs::is_editor_leftover;

/// The folders under the root whose files make up a handbook.
const FOLDERS: [&str; 3] = ["content", "templates", "static"];
const CONFIG: &str = "handbook.toml";

/// How long a file's events must be quiet before notify-debouncer-full
/// hands them on: it waits this long, and up to a `TICK` more, after
/// every save before the rebuild can start, so it is kept short. An
/// editor's save whose events come further apart than this costs one
/// more rebuild, never a wrong site: the rebuild loop drops a run that
/// newer changes have overtaken (see `serve::rebuild_loop`).
const DEBOUNCE: Duration = Duration::from_millis(15);
const TICK: Duration = Duration::from_millis(5);
/// How often `--poll` looks at the files.
const POLL_EVERY: Duration = Duration::from_millis(300);

/// What the watcher sends: a batch of debounced events, or its errors as
/// text.
pub type Batch = Result<Vec<DebouncedEvent>, String>;

enum Inner {
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    Poll(Debouncer<PollWatcher, FileIdMap>),
}

/// A running watcher over one handbook. Dropping it stops it.
pub struct Watcher {
    inner: Inner,
    root: PathBuf,
    /// Which of [`FOLDERS`] have a recursive watch now.
    watched: HashSet<&'static str>,
}

fn forward(tx: Sender<Batch>) -> impl FnMut(DebounceEventResult) + Send + 'static {
    move |result: DebounceEventResult| {
        let batch = result.map_err(|errors| {
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        });
        let _ = tx.send(batch);
    }
}

impl Watcher {
    /// Starts watching `root` (an absolute path): the root itself, not
    /// recursively (for `handbook.toml` and folders appearing or going), and
    /// each source folder that exists, recursively.
    pub fn start(root: &Path, poll: bool, tx: Sender<Batch>) -> Result<Watcher, String> {
        let inner = if poll {
            let config = notify::Config::default()
                .with_poll_interval(POLL_EVERY)
                .with_compare_contents(true);
            Inner::Poll(
                new_debouncer_opt(DEBOUNCE, Some(TICK), forward(tx), FileIdMap::new(), config)
                    .map_err(|e| e.to_string())?,
            )
        } else {
            Inner::Native(
                new_debouncer_opt(
                    DEBOUNCE,
                    Some(TICK),
                    forward(tx),
                    RecommendedCache::new(),
                    notify::Config::default(),
                )
                .map_err(|e| e.to_string())?,
            )
        };
        let mut w = Watcher {
            inner,
            root: root.to_path_buf(),
            watched: HashSet::new(),
        };
        w.watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| format!("could not watch `{}`: {e}", root.display()))?;
        for folder in FOLDERS {
            if root.join(folder).is_dir() {
                let path = root.join(folder);
                w.watch(&path, RecursiveMode::Recursive)
                    .map_err(|e| format!("could not watch `{}`: {e}", path.display()))?;
                w.watched.insert(folder);
            }
        }
        Ok(w)
    }

    pub fn is_polling(&self) -> bool {
        matches!(self.inner, Inner::Poll(_))
    }

    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match &mut self.inner {
            Inner::Native(d) => d.watch(path, mode),
            Inner::Poll(d) => d.watch(path, mode),
        }
    }

    fn unwatch(&mut self, path: &Path) {
        // The folder may be gone already, which also ends its watch.
        let _ = match &mut self.inner {
            Inner::Native(d) => d.unwatch(path),
            Inner::Poll(d) => d.unwatch(path),
        };
    }

    /// Brings the recursive watches in line with the folders on disk after
    /// `changes`: a source folder that was created, removed, renamed or
    /// replaced (as `git checkout` may do) is watched afresh. Returns
    /// problems as text.
    pub fn refresh(&mut self, changes: &Changes) -> Vec<String> {
        let mut problems = Vec::new();
        for folder in FOLDERS {
            let path = self.root.join(folder);
            let touched = changes.touched_top.contains(folder);
            let exists = path.is_dir();
            let watched = self.watched.contains(folder);
            if watched && (touched || !exists) {
                self.unwatch(&path);
                self.watched.remove(folder);
            }
            if exists && !self.watched.contains(folder) {
                match self.watch(&path, RecursiveMode::Recursive) {
                    Ok(()) => {
                        self.watched.insert(folder);
                    }
                    Err(e) => problems.push(format!("could not watch `{}`: {e}", path.display())),
                }
            }
        }
        problems
    }
}

/// The relevant changes in a batch of events.
#[derive(Debug, Default)]
pub struct Changes {
    /// Paths relative to the root (with `/`), in the order first seen, with
    /// what happened to each.
    pub files: Vec<(String, Change)>,
    /// Top-level entries (`content`, `handbook.toml`) that were themselves
    /// created, removed, renamed or changed.
    pub touched_top: HashSet<String>,
    /// The watcher lost events and the whole handbook must be re-read.
    pub rescan: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Added,
    Changed,
    Removed,
    Renamed(String),
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.files.is_empty() && !self.rescan
    }

    /// Several files at once (or lost events): probably the start of a
    /// burst rather than an editor's save.
    pub fn is_burst(&self) -> bool {
        self.files.len() > 1 || self.rescan
    }

    /// The files edited in place, when that is all that happened (no file
    /// added, removed or renamed, no lost events): what lets a session
    /// read only those files again and show their page first.
    pub fn edited(&self) -> Option<Vec<PathBuf>> {
        if self.rescan || !self.touched_top.is_empty() || self.files.is_empty() {
            return None;
        }
        self.files
            .iter()
            .map(|(path, change)| (*change == Change::Changed).then(|| PathBuf::from(path)))
            .collect()
    }

    /// Sorts `events` into changes of handbook files under `root`.
    pub fn from_events(root: &Path, events: &[DebouncedEvent]) -> Changes {
        let mut c = Changes::default();
        for e in events {
            if e.need_rescan() {
                c.rescan = true;
            }
            let kind = e.kind;
            // Reads (the build's own) and metadata changes are not edits,
            // except a new modification time: that is how the polling
            // watcher reports a write.
            if matches!(
                kind,
                EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_))
            ) && kind != EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime))
            {
                continue;
            }
            let rels: Vec<Option<String>> = e.paths.iter().map(|p| relevant(root, p)).collect();
            for p in e.paths.iter().filter_map(|p| p.strip_prefix(root).ok()) {
                if p.components().count() == 1 {
                    c.touched_top.insert(display_path(p));
                }
            }
            match (kind, rels.as_slice()) {
                (EventKind::Modify(ModifyKind::Name(RenameMode::Both)), [from, to]) => {
                    match (from, to) {
                        (Some(f), Some(t)) => c.note(f, Change::Renamed(t.clone())),
                        // Saved through a temporary file: the target changed.
                        (None, Some(t)) => c.note(t, Change::Changed),
                        // Moved to a backup name or out of the handbook.
                        (Some(f), None) => c.note(f, Change::Removed),
                        (None, None) => {}
                    }
                }
                _ => {
                    let change = match kind {
                        EventKind::Create(_)
                        | EventKind::Modify(ModifyKind::Name(RenameMode::To)) => Change::Added,
                        EventKind::Remove(_)
                        | EventKind::Modify(ModifyKind::Name(RenameMode::From)) => Change::Removed,
                        _ => Change::Changed,
                    };
                    for rel in rels.iter().flatten() {
                        c.note(rel, change.clone());
                    }
                }
            }
        }
        c
    }

    /// Adds the changes of a later batch.
    pub fn merge(&mut self, later: Changes) {
        for (path, change) in later.files {
            self.note(&path, change);
        }
        self.touched_top.extend(later.touched_top);
        self.rescan |= later.rescan;
    }

    /// Records a change, merging it with an earlier one to the same path:
    /// removed then added is a change (a save through a backup), added then
    /// removed is nothing (a temporary file).
    fn note(&mut self, path: &str, change: Change) {
        let Some(i) = self.files.iter().position(|(p, _)| p == path) else {
            self.files.push((path.to_string(), change));
            return;
        };
        let merged = match (&self.files[i].1, &change) {
            (Change::Removed, Change::Added) => Some(Change::Changed),
            (Change::Added, Change::Removed) => None,
            (Change::Added, Change::Changed) => Some(Change::Added),
            _ => Some(change),
        };
        match merged {
            Some(m) => self.files[i].1 = m,
            None => {
                self.files.remove(i);
            }
        }
    }

    /// "content/skills/x.md changed", "a.md renamed to b.md", "content/x.md
    /// changed and 41 more files".
    pub fn describe(&self) -> String {
        let one = |(path, change): &(String, Change)| match change {
            Change::Added => format!("{path} added"),
            Change::Changed => format!("{path} changed"),
            Change::Removed => format!("{path} removed"),
            Change::Renamed(to) => format!("{path} renamed to {to}"),
        };
        match self.files.as_slice() {
            [] if self.rescan => "files changed".to_string(),
            [] => "nothing changed".to_string(),
            [a] => one(a),
            [a, b] => format!("{}, {}", one(a), one(b)),
            [a, rest @ ..] => format!("{} and {} more files", one(a), rest.len()),
        }
    }
}

/// The path relative to the root when it belongs to the handbook:
/// `handbook.toml`, or something under a source folder that is not an
/// editor leftover (and not inside a hidden folder).
pub fn relevant(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let first = parts.first()?;
    let ok = if first == CONFIG {
        parts.len() == 1
    } else {
        FOLDERS.contains(&first.as_str()) && !parts[1..].iter().any(|p| is_editor_leftover(p))
    };
    ok.then(|| display_path(rel))
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::Event;
    use notify::event::{CreateKind, DataChange, RemoveKind};
    use std::time::Instant;

    fn ev(kind: EventKind, paths: &[&str]) -> DebouncedEvent {
        let mut e = Event::new(kind);
        for p in paths {
            e = e.add_path(PathBuf::from("/hb").join(p));
        }
        DebouncedEvent::new(e, Instant::now())
    }

    fn modify() -> EventKind {
        EventKind::Modify(ModifyKind::Data(DataChange::Any))
    }

    #[test]
    fn only_handbook_files_are_relevant() {
        let root = Path::new("/hb");
        for yes in [
            "handbook.toml",
            "content/skills/a.md",
            "content",
            "static/assets/x.css",
            "templates/base.html",
        ] {
            assert!(relevant(root, &root.join(yes)).is_some(), "{yes}");
        }
        for no in [
            "public/index.html",
            "target/debug/x",
            "README.md",
            "content/skills/.a.md.swp",
            "content/skills/a.md~",
            "content/skills/4913",
            "content/.git/x",
            "/elsewhere/content/a.md",
        ] {
            assert!(relevant(root, &root.join(no)).is_none(), "{no}");
        }
    }

    #[test]
    fn a_new_write_time_is_an_edit() {
        // The polling watcher reports a write whose mtime moved this way.
        let events = [ev(
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime)),
            &["content/skills/a.md"],
        )];
        assert_eq!(
            Changes::from_events(Path::new("/hb"), &events).describe(),
            "content/skills/a.md changed"
        );
    }

    #[test]
    fn reads_metadata_and_leftovers_are_ignored() {
        use notify::event::AccessKind;
        let events = [
            ev(EventKind::Access(AccessKind::Any), &["content/skills/a.md"]),
            ev(
                EventKind::Modify(ModifyKind::Metadata(MetadataKind::Any)),
                &["content/skills/a.md"],
            ),
            ev(modify(), &["content/skills/.a.md.swp"]),
            ev(modify(), &["public/index.html"]),
        ];
        assert!(Changes::from_events(Path::new("/hb"), &events).is_empty());
    }

    #[test]
    fn editor_save_patterns_read_as_one_change() {
        let root = Path::new("/hb");
        // Write a temporary file, rename it over the original.
        let tmp = [
            ev(
                EventKind::Create(CreateKind::File),
                &["content/skills/.a.md.tmp"],
            ),
            ev(
                EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
                &["content/skills/.a.md.tmp", "content/skills/a.md"],
            ),
        ];
        assert_eq!(
            Changes::from_events(root, &tmp).describe(),
            "content/skills/a.md changed"
        );
        // Vim: move the original to a backup, write anew, drop the backup.
        let vim = [
            ev(
                EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
                &["content/skills/a.md", "content/skills/a.md~"],
            ),
            ev(
                EventKind::Create(CreateKind::File),
                &["content/skills/a.md"],
            ),
            ev(modify(), &["content/skills/a.md"]),
            ev(
                EventKind::Remove(RemoveKind::File),
                &["content/skills/a.md~"],
            ),
        ];
        assert_eq!(
            Changes::from_events(root, &vim).describe(),
            "content/skills/a.md changed"
        );
        // Either way it is an edit in place, which a session takes in by
        // reading that file alone again.
        for events in [&tmp[..], &vim[..]] {
            assert_eq!(
                Changes::from_events(root, events).edited(),
                Some(vec![PathBuf::from("content/skills/a.md")])
            );
        }
    }

    #[test]
    fn only_edits_in_place_are_edits() {
        let root = Path::new("/hb");
        let added = [ev(
            EventKind::Create(CreateKind::File),
            &["content/skills/b.md"],
        )];
        let removed = [ev(
            EventKind::Remove(RemoveKind::File),
            &["content/skills/b.md"],
        )];
        let renamed = [ev(
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
            &["content/skills/a.md", "content/skills/b.md"],
        )];
        let folder = [ev(modify(), &["content"])];
        for events in [&added[..], &removed[..], &renamed[..], &folder[..]] {
            assert_eq!(Changes::from_events(root, events).edited(), None);
        }
        let mut lost = Changes::from_events(root, &[ev(modify(), &["content/skills/a.md"])]);
        assert!(lost.edited().is_some());
        lost.rescan = true;
        assert_eq!(lost.edited(), None);
    }

    #[test]
    fn renames_and_bursts_are_described_briefly() {
        let root = Path::new("/hb");
        let rename = [ev(
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
            &["content/skills/a.md", "content/skills/b.md"],
        )];
        assert_eq!(
            Changes::from_events(root, &rename).describe(),
            "content/skills/a.md renamed to content/skills/b.md"
        );
        let burst: Vec<DebouncedEvent> = (0..40)
            .map(|i| ev(modify(), &[&format!("content/skills/s{i}.md")]))
            .collect();
        assert_eq!(
            Changes::from_events(root, &burst).describe(),
            "content/skills/s0.md changed and 39 more files"
        );
    }
}
