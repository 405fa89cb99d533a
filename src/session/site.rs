//! Where a session's run puts the site: in memory, sharing every file that
//! came out byte for byte as in the last site with that site.
//!
//! After an edit nearly every page comes out as it was, and `serve` holds
//! the last site (being served) while the next is rendered. Storing each
//! unchanged page as the last site's bytes instead of a copy keeps one site
//! in memory rather than two, and the comparison costs less than the copy
//! it saves.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use crate::fs::{FsError, Sink};
use crate::output::Files;

pub(super) struct SharingSink<'a> {
    last: &'a Files,
    files: Mutex<BTreeMap<String, Arc<[u8]>>>,
}

impl<'a> SharingSink<'a> {
    pub(super) fn new(last: &'a Files) -> Self {
        SharingSink {
            last,
            files: Mutex::default(),
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
            Some(old) if **old == *bytes => Arc::clone(old),
            _ => Arc::from(bytes),
        };
        // A panic elsewhere cannot leave the map half-written.
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.insert(path.to_string(), shared);
        Ok(())
    }

    /// The last size of the file, and a little more for one that grew:
    /// the large lists are then made in one buffer.
    fn size_hint(&self, path: &str) -> usize {
        self.last.get(path).map_or(0, |b| b.len() + b.len() / 32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unchanged_files_share_the_last_sites_bytes() {
        let mut last = Files::default();
        last.files.insert("a.html".into(), Arc::from(&b"same"[..]));
        last.files.insert("b.html".into(), Arc::from(&b"old"[..]));
        let sink = SharingSink::new(&last);
        sink.put("a.html", b"same")
            .unwrap_or_else(|e| panic!("{e}"));
        sink.put("b.html", b"new").unwrap_or_else(|e| panic!("{e}"));
        sink.put("c.html", b"added")
            .unwrap_or_else(|e| panic!("{e}"));
        let files = sink.into_files();
        assert!(Arc::ptr_eq(&files.files["a.html"], &last.files["a.html"]));
        assert_eq!(files.get("b.html"), Some(&b"new"[..]));
        assert_eq!(files.get("c.html"), Some(&b"added"[..]));
        assert_eq!(files.len(), 3, "only what this run put");
    }
}
