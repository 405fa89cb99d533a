//! The finished site as files: pages, the handbook's static files,
//! co-located content files, the theme's CSS and JS under content-hashed
//! names, and the publishing extras (`.nojekyll`, `CNAME`, `sitemap.xml`,
//! `atom.xml`, `robots.txt`), put into a [`Sink`]: the staging folder of
//! `build` or [`Memory`] for `serve` and tests.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use crate::fs::{FsError, Sink, SourceFile};
use crate::render;
use crate::render::assets::ShippedAssets;
use crate::resolve::Site;

/// Every file of the site by its path relative to the output root. The
/// bytes are shared, so a `serve` session that re-renders one page copies
/// the map, not the site.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Files {
    pub files: BTreeMap<String, Arc<[u8]>>,
}

impl Files {
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(|b| &b[..])
    }
    /// Puts every file of `newer` in place of the file of the same path.
    pub fn overlay(&mut self, newer: Files) {
        self.files.extend(newer.files);
    }

    /// Adds the files of `older` it lacks whose path passes `keep`: the
    /// pages a run did not render again, from the run before.
    pub fn keep_from(&mut self, mut older: Files, keep: impl Fn(&str) -> bool) {
        if self.files.len() * 8 < older.files.len() {
            // A few new files: the older map is kept, those it should not
            // have dropped, and the new ones put in (copying ten thousand
            // paths into a map made anew took 6–10 ms at 10,000 pages).
            older.files.retain(|path, _| keep(path));
            older.files.extend(std::mem::take(&mut self.files));
            *self = older;
            return;
        }
        // Many: one pass over both in path order (ten thousand inserts one
        // by one, each a search among long paths, took 15 ms).
        let mut merged: Vec<(String, Arc<[u8]>)> = older
            .files
            .into_iter()
            .filter(|(path, _)| keep(path) && !self.files.contains_key(path))
            .collect();
        merged.extend(std::mem::take(&mut self.files));
        // Sorted already but for the new files: a nearly sorted list is
        // sorted in one pass, and the map built from it in bulk.
        self.files = merged.into_iter().collect();
    }
    pub fn len(&self) -> usize {
        self.files.len()
    }
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// A sink that keeps the site in memory.
#[derive(Debug, Default)]
pub struct Memory {
    files: Mutex<BTreeMap<String, Arc<[u8]>>>,
    /// The sizes of the large files of the run before, which this one
    /// most likely makes again at about the same size.
    sizes: rustc_hash::FxHashMap<String, usize>,
}

/// Files from this size up are made in a buffer of their last size.
const LARGE: usize = 64 * 1024;

impl Memory {
    /// A sink for a run after the one that made `last`.
    pub fn sized_like(last: &Files) -> Memory {
        let sizes = last
            .files
            .iter()
            .filter(|(_, bytes)| bytes.len() >= LARGE)
            .map(|(path, bytes)| (path.clone(), bytes.len()))
            .collect();
        Memory {
            files: Mutex::default(),
            sizes,
        }
    }

    pub fn into_files(self) -> Files {
        Files {
            files: self.files.into_inner().unwrap_or_else(|e| e.into_inner()),
        }
    }
}

impl Sink for Memory {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), FsError> {
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.insert(path.to_string(), Arc::from(bytes));
        Ok(())
    }

    fn size_hint(&self, path: &str) -> usize {
        // A little over, for a page that grew.
        self.sizes.get(path).map_or(0, |&n| n + n / 32)
    }
}

/// Everything that is not a rendered page, put before the pages so a page
/// wins over a static file of the same path. Later layers replace earlier
/// ones: the handbook's `static/`, then co-located files, then the theme's
/// CSS and JS under hashed names. The sitemap, feed and `robots.txt` are
/// added only where the handbook has no file of that name: a handbook may
/// provide its own.
pub fn extras(
    site: &Site,
    statics: &[SourceFile],
    shipped: &ShippedAssets,
    sink: &dyn Sink,
) -> Result<Extras, FsError> {
    let mut files: BTreeMap<String, &[u8]> = BTreeMap::new();
    for f in statics {
        let rel = f.rel.strip_prefix("static").unwrap_or(&f.rel);
        files.insert(crate::diagnostic::display_path(rel), &f.bytes);
    }
    for a in &site.assets {
        files.insert(a.out.clone(), &a.bytes);
    }
    // The final CSS and JS (the handbook's override, if any, is already in
    // `shipped`) under content-hashed names; the plain-named copy only
    // where a handbook file still refers to it.
    for a in shipped.all() {
        if a.keep_plain {
            files.insert(a.plain.to_string(), &a.bytes);
        } else {
            files.remove(a.plain);
        }
        files.insert(a.hashed.clone(), &a.bytes);
    }
    // GitHub Pages: serve files as they are, without Jekyll.
    files.insert(".nojekyll".to_string(), b"");
    let cname = site.config.cname.as_ref().map(|c| format!("{c}\n"));
    if let Some(c) = &cname {
        files.insert("CNAME".to_string(), c.as_bytes());
    }
    // The discovery files are named here and made by [`discovery`], which
    // can run beside the pages: they list every page, and no page has
    // their names.
    let generated: Vec<String> = render::DISCOVERY
        .iter()
        .filter(|name| !files.contains_key(**name))
        .map(|name| name.to_string())
        .collect();
    for (path, bytes) in &files {
        sink.put(path, bytes)?;
    }
    Ok(Extras {
        files: files.len() + generated.len(),
        discovery: generated,
    })
}

/// What [`extras`] put.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    /// How many files.
    pub files: usize,
    /// The sitemap, feed and `robots.txt` it made (not those the handbook
    /// ships itself): a `serve` session makes these again after an edit
    /// to an entry's title or summary, which the feed shows.
    pub discovery: Vec<String>,
}

/// The discovery files named in `made` (from [`Extras::discovery`]), from
/// the site as it is now: after [`extras`], and again after an edit.
pub fn discovery(site: &Site, made: &[String], sink: &dyn Sink) -> Result<(), FsError> {
    for p in render::discovery_files(site) {
        if made.contains(&p.path) {
            sink.put(&p.path, p.html.as_bytes())?;
        }
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Files with these paths and texts (also for other modules' tests).
    pub(crate) fn files(paths: &[(&str, &str)]) -> Files {
        Files {
            files: paths
                .iter()
                .map(|(p, b)| (p.to_string(), Arc::from(b.as_bytes())))
                .collect(),
        }
    }

    #[test]
    fn a_large_file_is_made_in_a_buffer_of_its_last_size() {
        let big = "x".repeat(LARGE * 2);
        let last = files(&[("matrix/index.html", &big), ("a/index.html", "small")]);
        let memory = Memory::sized_like(&last);
        assert!(memory.size_hint("matrix/index.html") >= big.len());
        assert_eq!(memory.size_hint("a/index.html"), 0, "small files: no hint");
        assert_eq!(memory.size_hint("new/index.html"), 0);
        // The hint changes where the bytes are made, not what they are.
        let mut write = |w: &mut dyn std::io::Write| w.write_all(b"<p>new</p>");
        memory.put_with("matrix/index.html", &mut write).unwrap();
        assert_eq!(
            memory.into_files().get("matrix/index.html"),
            Some(&b"<p>new</p>"[..])
        );
    }

    #[test]
    fn keeping_older_files_gives_the_same_whether_few_or_many_are_new() {
        // Older: 40 pages and a file that is not a page.
        let older: Vec<(String, String)> = (0..40)
            .map(|i| (format!("p/{i:02}/index.html"), format!("old {i}")))
            .chain([("handbook.json".to_string(), "old json".to_string())])
            .collect();
        let older: Vec<(&str, &str)> = older
            .iter()
            .map(|(p, b)| (p.as_str(), b.as_str()))
            .collect();
        let keep = |p: &str| p.ends_with(".html") && p != "p/07/index.html";
        // What keep_from stands for: the older files kept, the newer ones
        // over them.
        let check = |newer: &[(&str, &str)]| {
            let mut expected = files(&older).files;
            expected.retain(|p, _| keep(p));
            expected.extend(files(newer).files);
            let mut made = files(newer);
            made.keep_from(files(&older), keep);
            assert_eq!(made.files, expected);
        };
        // A few new files (the non-page file rewritten, a page again, a
        // new page), and as many as the old ones: its two ways.
        check(&[
            ("handbook.json", "new json"),
            ("p/03/index.html", "new 3"),
            ("p/99/index.html", "new page"),
        ]);
        let many: Vec<String> = (0..40).map(|i| format!("p/{i:02}/index.html")).collect();
        let many: Vec<(&str, &str)> = many.iter().map(|p| (p.as_str(), "new")).collect();
        check(&many);
    }
}
