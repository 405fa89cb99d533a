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
/// bytes are shared, so a copy of the site copies the map, not the pages.
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
}

impl Memory {
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
    /// ships itself), written by [`discovery`] beside the pages.
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
}
