//! What the server shows right now: the last good site, the errors of the
//! last build if it failed, and the signals that tell open pages to update.
//!
//! The builder thread replaces the [`Snapshot`] whole after each build; a
//! request takes the current one (an `Arc` clone under a short read lock)
//! and answers from it, so a page is never assembled from two builds.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use tokio::sync::{broadcast, watch};

use crate::output::Files;

/// One consistent state of the preview.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// The last site that built without errors; `None` until one has.
    pub site: Option<Arc<Files>>,
    /// Where the site is served: `base_url`'s path, `/repo/` or `/`.
    pub base_path: String,
    /// Counts changes of `site`; a page knows the generation it was served
    /// from, so a browser that missed a signal still notices.
    pub generation: u64,
    /// The diagnostics of the last build, as the terminal showed them, when
    /// it failed (the browser shows them over the last good site).
    pub error: Option<Arc<str>>,
}

/// What open pages are told after a build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signal {
    /// Pages changed: reload, keeping the scroll position. With `pages`,
    /// only those (output paths) changed, and only pages among them need
    /// to; without, every open page reloads.
    Reload {
        generation: u64,
        pages: Option<Vec<String>>,
    },
    /// Only these stylesheets changed: swap them in without a reload.
    Css { generation: u64, files: Vec<String> },
    /// The build failed: show the diagnostics over the page.
    Failed { error: Arc<str> },
    /// The build is good again and nothing else changed: hide them.
    Fixed,
}

/// The state shared by the builder thread and the HTTP handlers.
pub struct Live {
    current: RwLock<Arc<Snapshot>>,
    signals: broadcast::Sender<Signal>,
    stop: watch::Receiver<bool>,
    /// The output path of each open page with an event stream, counted.
    viewing: Mutex<HashMap<String, usize>>,
    /// Event streams opened so far: a page that reloaded opens a new one.
    opened: AtomicU64,
}

/// An open page's place in [`Live`]'s count, given back when its event
/// stream ends.
pub struct Viewer {
    live: Arc<Live>,
    file: Option<String>,
}

impl Drop for Viewer {
    fn drop(&mut self) {
        let Some(file) = self.file.take() else { return };
        let mut viewing = self.live.viewing.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = viewing.get_mut(&file) {
            *n -= 1;
            if *n == 0 {
                viewing.remove(&file);
            }
        }
    }
}

impl Live {
    pub fn new(first: Snapshot, stop: watch::Receiver<bool>) -> Self {
        let (signals, _) = broadcast::channel(64);
        Live {
            current: RwLock::new(Arc::new(first)),
            signals,
            stop,
            viewing: Mutex::default(),
            opened: AtomicU64::new(0),
        }
    }

    /// Counts an event stream opened by the page at output path `file`
    /// (when it says), for as long as the returned guard lives.
    pub fn open_stream(self: &Arc<Self>, file: Option<String>) -> Viewer {
        self.opened.fetch_add(1, Ordering::SeqCst);
        if let Some(f) = &file {
            let mut viewing = self.viewing.lock().unwrap_or_else(|e| e.into_inner());
            *viewing.entry(f.clone()).or_default() += 1;
        }
        Viewer {
            live: Arc::clone(self),
            file,
        }
    }

    /// Event streams opened since the server started.
    pub fn streams_opened(&self) -> u64 {
        self.opened.load(Ordering::SeqCst)
    }

    /// Whether a page open in a browser is one of `files`.
    pub fn is_viewed(&self, files: &[String]) -> bool {
        let viewing = self.viewing.lock().unwrap_or_else(|e| e.into_inner());
        files.iter().any(|f| viewing.contains_key(f))
    }

    pub fn current(&self) -> Arc<Snapshot> {
        // A panic while holding the lock cannot leave a half-written
        // snapshot (it is swapped whole), so a poisoned lock is still good.
        let guard = self.current.read().unwrap_or_else(|e| e.into_inner());
        Arc::clone(&guard)
    }

    /// Publishes a new state, then tells the open pages. The order matters:
    /// a page that reloads on the signal must get the new site.
    pub fn publish(&self, next: Snapshot, signals: Vec<Signal>) {
        {
            let mut guard = self.current.write().unwrap_or_else(|e| e.into_inner());
            *guard = Arc::new(next);
        }
        for s in signals {
            // No receivers (no page open) is not an error.
            let _ = self.signals.send(s);
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Signal> {
        self.signals.subscribe()
    }

    /// Becomes true when the server is stopping; event streams end then.
    pub fn stopping(&self) -> watch::Receiver<bool> {
        self.stop.clone()
    }
}

/// How the site changed between two builds.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Diff {
    /// Output paths added, removed or with different bytes, sorted.
    pub changed: Vec<String>,
    /// How many of them are HTML pages.
    pub pages: usize,
}

impl Diff {
    pub fn between(old: Option<&Files>, new: &Files) -> Diff {
        let mut changed = Vec::new();
        match old {
            None => changed.extend(new.files.keys().cloned()),
            Some(old) => {
                // Both maps in path order, side by side, rather than a
                // lookup in the old map for every path of the new.
                use std::cmp::Ordering;
                let (mut was, mut now) = (old.files.iter().peekable(), new.files.iter().peekable());
                loop {
                    let path = match (was.peek(), now.peek()) {
                        (None, None) => break,
                        (Some((gone, _)), None) => {
                            let gone = *gone;
                            was.next();
                            gone
                        }
                        (None, Some((added, _))) => {
                            let added = *added;
                            now.next();
                            added
                        }
                        (Some((a, old_bytes)), Some((b, bytes))) => match a.cmp(b) {
                            Ordering::Less => {
                                let gone = *a;
                                was.next();
                                gone
                            }
                            Ordering::Greater => {
                                let added = *b;
                                now.next();
                                added
                            }
                            Ordering::Equal => {
                                // A session shares the bytes of pages that
                                // came out as before, so most files are the
                                // same allocation, found equal without
                                // unpacking them.
                                let same = old_bytes == bytes;
                                let path = *b;
                                was.next();
                                now.next();
                                if same {
                                    continue;
                                }
                                path
                            }
                        },
                    };
                    changed.push(path.clone());
                }
            }
        }
        let pages = changed.iter().filter(|p| p.ends_with(".html")).count();
        Diff { changed, pages }
    }

    pub fn is_empty(&self) -> bool {
        self.changed.is_empty()
    }

    /// The HTML pages that changed, when nothing else changed that a page
    /// shows (a stylesheet, a script, an image): then an open page needs
    /// a reload only if it is one of them. The JSON export, the feeds, the
    /// sitemap, `robots.txt` and the search index (fetched only while
    /// searching) are no part of any page. `None` beyond
    /// `most` pages, where a list would cost more than a few extra reloads.
    pub fn only_pages(&self, most: usize) -> Option<Vec<String>> {
        const NOT_SHOWN: [&str; 3] = [".json", ".xml", ".txt"];
        let shown_elsewhere = |p: &String| {
            !p.ends_with(".html")
                && !NOT_SHOWN.iter().any(|ext| p.ends_with(ext))
                && !p.starts_with(crate::search::BUNDLE_DIR)
        };
        if self.pages > most || self.changed.iter().any(shown_elsewhere) {
            return None;
        }
        Some(self.html_pages())
    }

    /// The HTML pages among the changed files.
    pub fn html_pages(&self) -> Vec<String> {
        self.changed
            .iter()
            .filter(|p| p.ends_with(".html"))
            .cloned()
            .collect()
    }

    /// True when every change is a stylesheet, which a page can swap in
    /// without reloading.
    pub fn only_css(&self) -> bool {
        !self.changed.is_empty() && self.changed.iter().all(|p| p.ends_with(".css"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::tests::files;

    #[test]
    fn diff_finds_changed_added_and_removed_files() {
        let old = files(&[("a/index.html", "1"), ("b/index.html", "1"), ("x.css", "1")]);
        let new = files(&[("a/index.html", "2"), ("c/index.html", "1"), ("x.css", "1")]);
        let d = Diff::between(Some(&old), &new);
        assert_eq!(d.changed, ["a/index.html", "b/index.html", "c/index.html"]);
        assert_eq!(d.pages, 3);
        assert!(!d.only_css());
        assert_eq!(
            d.only_pages(10).as_deref(),
            Some(&d.changed[..]),
            "pages only: each open page can tell whether it changed"
        );
        assert_eq!(d.only_pages(2), None, "too many to list");
        // Either map running out first: what is left of it changed.
        let d = Diff::between(Some(&new), &old);
        assert_eq!(d.changed, ["a/index.html", "b/index.html", "c/index.html"]);
        let tail = files(&[("a/index.html", "2"), ("z/index.html", "1")]);
        let d = Diff::between(Some(&tail), &new);
        assert_eq!(d.changed, ["c/index.html", "x.css", "z/index.html"]);
        let d = Diff::between(Some(&new), &tail);
        assert_eq!(d.changed, ["c/index.html", "x.css", "z/index.html"]);
    }

    #[test]
    fn open_pages_are_counted_while_their_stream_lives() {
        let (_tx, stop) = watch::channel(false);
        let live = Arc::new(Live::new(Snapshot::default(), stop));
        let page = ["skills/a/index.html".to_string()];
        let a = live.open_stream(Some(page[0].clone()));
        let b = live.open_stream(Some(page[0].clone()));
        let _unnamed = live.open_stream(None);
        assert_eq!(live.streams_opened(), 3);
        assert!(live.is_viewed(&page));
        drop(a);
        assert!(live.is_viewed(&page), "one tab still shows it");
        drop(b);
        assert!(!live.is_viewed(&page));
        assert!(!live.is_viewed(&["index.html".to_string()]));
    }

    #[test]
    fn a_changed_image_or_script_reloads_every_page() {
        let old = files(&[("a/index.html", "1"), ("atom.xml", "1"), ("x.png", "1")]);
        let feed = files(&[("a/index.html", "2"), ("atom.xml", "2"), ("x.png", "1")]);
        let d = Diff::between(Some(&old), &feed);
        assert_eq!(d.only_pages(10), Some(vec!["a/index.html".to_string()]));
        let image = files(&[("a/index.html", "2"), ("atom.xml", "1"), ("x.png", "2")]);
        assert_eq!(Diff::between(Some(&old), &image).only_pages(10), None);
    }

    #[test]
    fn a_stylesheet_edit_is_css_only() {
        let old = files(&[("a/index.html", "1"), ("assets/x.css", "1")]);
        let new = files(&[("a/index.html", "1"), ("assets/x.css", "2")]);
        let d = Diff::between(Some(&old), &new);
        assert!(d.only_css());
        assert_eq!(d.pages, 0);
        assert!(Diff::between(Some(&new), &new).is_empty());
        assert!(!Diff::between(Some(&new), &new).only_css());
    }
}
