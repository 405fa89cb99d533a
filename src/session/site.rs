//! Where a session's run puts the site: in memory, sharing every file that
//! came out byte for byte as in the last site with that site.
//!
//! After an edit nearly every page comes out as it was, and `serve` holds
//! the last site (being served) while the next is rendered. Storing each
//! unchanged page as the last site's bytes instead of a copy keeps one site
//! in memory rather than two. Every other file is kept packed
//! ([`Stored::packed`]): a site held for the whole session then costs a
//! fraction of its size, and only the files an edit changed are packed
//! again.

use std::collections::BTreeMap;
use std::sync::Mutex;

use crate::fs::{FsError, Sink};
use crate::output::{Files, Stored};

pub(super) struct SharingSink<'a> {
    last: &'a Files,
    files: Mutex<BTreeMap<String, Stored>>,
}

impl<'a> SharingSink<'a> {
    pub(super) fn new(last: &'a Files) -> Self {
        SharingSink {
            last,
            files: Mutex::default(),
        }
    }

    /// What the run has put so far, shared, not copied.
    pub(super) fn files(&self) -> Files {
        Files {
            files: self.files.lock().unwrap_or_else(|e| e.into_inner()).clone(),
        }
    }

    pub(super) fn into_files(self) -> Files {
        Files {
            files: self.files.into_inner().unwrap_or_else(|e| e.into_inner()),
        }
    }
}

impl Sink for SharingSink<'_> {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), FsError> {
        let shared = match self.last.files.get(path) {
            Some(old) if old.holds(bytes) => old.clone(),
            _ => Stored::packed(bytes),
        };
        // A panic elsewhere cannot leave the map half-written.
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.insert(path.to_string(), shared);
        Ok(())
    }

    /// The last size of the file, and a little more for one that grew:
    /// the large lists are then made in one buffer.
    fn size_hint(&self, path: &str) -> usize {
        self.last
            .files
            .get(path)
            .map_or(0, |f| f.len() + f.len() / 32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unchanged_files_share_the_last_sites_bytes() {
        let mut last = Files::default();
        last.files.insert("a.html".into(), Stored::raw(b"same"));
        last.files.insert("b.html".into(), Stored::raw(b"old"));
        let sink = SharingSink::new(&last);
        sink.put("a.html", b"same")
            .unwrap_or_else(|e| panic!("{e}"));
        sink.put("b.html", b"new").unwrap_or_else(|e| panic!("{e}"));
        sink.put("c.html", b"added")
            .unwrap_or_else(|e| panic!("{e}"));
        let files = sink.into_files();
        assert!(files.files["a.html"].shares(&last.files["a.html"]));
        assert_eq!(files.get("b.html").as_deref(), Some(&b"new"[..]));
        assert_eq!(files.get("c.html").as_deref(), Some(&b"added"[..]));
        assert_eq!(files.len(), 3, "only what this run put");
    }
}
