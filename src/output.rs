//! The finished site as files: pages, the handbook's static files,
//! co-located content files, the theme's CSS and JS under content-hashed
//! names, and the publishing extras (`.nojekyll`, `CNAME`, `sitemap.xml`,
//! `atom.xml`, `robots.txt`). Kept in memory as one sorted map, so `build` writes it (staged,
//! then swapped in whole) and `serve` can answer from it.

use std::collections::BTreeMap;
use std::path::Path;

use crate::fs::{self, FsError, OutFile, SourceFile};
use crate::render::assets::ShippedAssets;
use crate::render::{self, Page};
use crate::resolve::Site;

/// Every file of the site by its path relative to the output root.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Files {
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Files {
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }
    pub fn len(&self) -> usize {
        self.files.len()
    }
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Puts the site together. Later layers replace earlier ones: the
/// handbook's `static/`, then co-located files, then the theme's CSS and JS
/// under hashed names, then pages. The sitemap, feed and `robots.txt` come
/// last and only where the handbook has no file of that name: a handbook
/// may provide its own.
pub fn assemble(
    site: &Site,
    pages: Vec<Page>,
    statics: &[SourceFile],
    shipped: &ShippedAssets,
) -> Files {
    let mut files = BTreeMap::new();
    for f in statics {
        let rel = f.rel.strip_prefix("static").unwrap_or(&f.rel);
        files.insert(crate::diagnostic::display_path(rel), f.bytes.clone());
    }
    for a in &site.assets {
        files.insert(a.out.clone(), a.bytes.to_vec());
    }
    // The final CSS and JS (the handbook's override, if any, is already in
    // `shipped`) under content-hashed names; the plain-named copy only
    // where a handbook file still refers to it.
    for a in shipped.all() {
        if a.keep_plain {
            files.insert(a.plain.to_string(), a.bytes.clone());
        } else {
            files.remove(a.plain);
        }
        files.insert(a.hashed.clone(), a.bytes.clone());
    }
    // GitHub Pages: serve files as they are, without Jekyll.
    files.insert(".nojekyll".to_string(), Vec::new());
    if let Some(cname) = &site.config.cname {
        files.insert("CNAME".to_string(), format!("{cname}\n").into_bytes());
    }
    for p in pages {
        files.insert(p.path, p.html.into_bytes());
    }
    for p in render::discovery_files(site) {
        files.entry(p.path).or_insert_with(|| p.html.into_bytes());
    }
    Files { files }
}

/// Writes the site into `output` (the caller checked it with
/// [`fs::check_output`]).
pub fn write(output: &Path, site: &Files) -> Result<(), FsError> {
    let list: Vec<OutFile<'_>> = site
        .files
        .iter()
        .map(|(path, bytes)| OutFile { path, bytes })
        .collect();
    fs::write_site(output, &list)
}
