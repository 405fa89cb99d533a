//! The finished site as files: pages, the theme's and the handbook's static
//! files, co-located content files, generated CSS and the GitHub Pages
//! extras, put into a [`Sink`]: the staging folder of `build` or
//! [`Memory`] for `serve` and tests.

use std::collections::BTreeMap;
use std::sync::Mutex;

use crate::fs::{FsError, Sink, SourceFile};
use crate::markdown::highlight;
use crate::render;
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

/// A sink that keeps the site in memory.
#[derive(Debug, Default)]
pub struct Memory {
    files: Mutex<BTreeMap<String, Vec<u8>>>,
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
        files.insert(path.to_string(), bytes.to_vec());
        Ok(())
    }
}

/// Everything that is not a rendered page, put before the pages so a page
/// wins over a static file of the same path. Later layers replace earlier
/// ones: theme assets, then the handbook's `static/`, then co-located
/// files. Returns how many files were put.
pub fn extras(site: &Site, statics: &[SourceFile], sink: &dyn Sink) -> Result<usize, FsError> {
    let mut files: BTreeMap<String, &[u8]> = BTreeMap::new();
    for (path, bytes) in render::THEME_ASSETS {
        files.insert((*path).to_string(), bytes);
    }
    let css = highlight::theme_css();
    files.insert("assets/highlight.css".to_string(), css.as_bytes());
    for f in statics {
        let rel = f.rel.strip_prefix("static").unwrap_or(&f.rel);
        files.insert(crate::diagnostic::display_path(rel), &f.bytes);
    }
    for a in &site.assets {
        files.insert(a.out.clone(), &a.bytes);
    }
    // GitHub Pages: serve files as they are, without Jekyll.
    files.insert(".nojekyll".to_string(), b"");
    let cname = site.config.cname.as_ref().map(|c| format!("{c}\n"));
    if let Some(c) = &cname {
        files.insert("CNAME".to_string(), c.as_bytes());
    }
    for (path, bytes) in &files {
        sink.put(path, bytes)?;
    }
    Ok(files.len())
}
