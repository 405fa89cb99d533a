//! Full-text search: a Pagefind index made from the built pages.
//!
//! The index is a function of the site as built: [`Pages`] is the sink the
//! pages are rendered into, passing every file on and keeping the pages
//! the templates marked for search (`data-pagefind-body`); [`index`] turns
//! them into Pagefind's bundle (`pagefind/…`: its search script, the
//! chunked word index, one fragment per page, the filters). `build` and
//! every rebuild of `serve` make it the same way, from the pages of that
//! run, so nothing is kept between runs and the preview always searches
//! what it shows.
//!
//! What is indexed, weighted, filtered or left out is said by the
//! templates, with Pagefind's attributes (`data-pagefind-body`,
//! `-ignore`, `-filter`, `-meta`, `-weight`); this module knows no page
//! kind. The browser side is `assets/search.js` and `templates/search.html`.

use std::sync::Mutex;

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use crate::fs::{FsError, Sink, Write};

/// The attribute that marks a page (and the part of it) to index.
const BODY_MARKER: &[u8] = b"data-pagefind-body";

/// Where the bundle is published, under the site root.
pub const BUNDLE_DIR: &str = "pagefind/";

/// Files of Pagefind's bundle the site does not use: its ready-made
/// interfaces (the theme has its own) and the highlighting script.
const UNUSED: &[&str] = &[
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
];

/// Whether the page at `path` is one to index: an HTML page whose template
/// marked a part of it with `data-pagefind-body`.
pub fn indexable(path: &str, html: &[u8]) -> bool {
    path.ends_with(".html") && html.windows(BODY_MARKER.len()).any(|w| w == BODY_MARKER)
}

/// A sink that passes every file on to `inner` and keeps a copy of each
/// page to index (from `<body` on: the head says nothing to search).
pub struct Pages<'a> {
    inner: &'a dyn Sink,
    pages: Mutex<Vec<(String, Vec<u8>)>>,
}

impl<'a> Pages<'a> {
    pub fn new(inner: &'a dyn Sink) -> Self {
        Pages {
            inner,
            pages: Mutex::default(),
        }
    }

    /// The pages kept, in path order (so the index is the same on every
    /// run of the same site).
    pub fn into_pages(self) -> Vec<(String, Vec<u8>)> {
        let mut pages = self.pages.into_inner().unwrap_or_else(|e| e.into_inner());
        pages.sort_by(|a, b| a.0.cmp(&b.0));
        pages
    }

    /// Keeps an [`indexable`] page from `<body` on, in the buffer it came
    /// in: a page of a hundred megabytes is not copied to be kept.
    fn keep(&self, path: &str, mut html: Vec<u8>) {
        const HTML: &[u8] = b"<html>";
        match find(&html, b"<body") {
            Some(at) if at >= HTML.len() => {
                html.drain(..at - HTML.len());
                html[..HTML.len()].copy_from_slice(HTML);
            }
            at => {
                html.drain(..at.unwrap_or(0));
                html.splice(0..0, HTML.iter().copied());
            }
        }
        let mut pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        pages.push((path.to_string(), html));
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

impl Sink for Pages<'_> {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), FsError> {
        self.inner.put(path, bytes)?;
        if indexable(path, bytes) {
            self.keep(path, bytes.to_vec());
        }
        Ok(())
    }

    fn size_hint(&self, path: &str) -> usize {
        self.inner.size_hint(path)
    }

    /// Pages are made in memory to be looked at; other files (the JSON
    /// export) still stream straight into the sink.
    fn put_with(&self, path: &str, write: &mut Write<'_>) -> Result<(), FsError> {
        if !path.ends_with(".html") {
            return self.inner.put_with(path, write);
        }
        let mut buf = Vec::with_capacity(self.inner.size_hint(path));
        write(&mut buf).map_err(|source| FsError {
            path: path.into(),
            action: "write",
            source,
        })?;
        self.inner.put(path, &buf)?;
        if indexable(path, &buf) {
            self.keep(path, buf);
        }
        Ok(())
    }
}

/// The site URL of an output page, as Pagefind links to it (relative to
/// the site root; the browser puts the sub-path in front).
fn page_url(path: &str) -> String {
    let path = path.strip_suffix("index.html").unwrap_or(path);
    format!("/{path}")
}

/// Pagefind's bundle for `pages` (output path, HTML), every file with its
/// path under the site root (`pagefind/pagefind.js`, …). `language` is the
/// handbook's: one index, stemmed for it where Pagefind can.
pub fn index(
    language: &str,
    pages: Vec<(String, Vec<u8>)>,
) -> Result<Vec<(String, Vec<u8>)>, String> {
    // Pagefind reads the working folder when it starts and panics without
    // one (a folder deleted under a running `serve`).
    std::env::current_dir().map_err(|e| format!("the search index needs a working folder: {e}"))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| format!("could not start the search indexer: {e}"))?;
    let config = PagefindServiceConfig::builder()
        .force_language(language.to_string())
        .build();
    let files = runtime.block_on(async move {
        let mut idx = PagefindIndex::new(Some(config)).map_err(|e| e.to_string())?;
        for (path, html) in pages {
            let html = String::from_utf8(html)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            idx.add_html_file(None, Some(page_url(&path)), html)
                .await
                .map_err(|e| format!("could not index `{path}`: {e}"))?;
        }
        idx.get_files().await.map_err(|e| e.to_string())
    })?;
    let mut out: Vec<(String, Vec<u8>)> = files
        .into_iter()
        .filter_map(|f| {
            let name = f.filename.to_string_lossy().replace('\\', "/");
            (!UNUSED.contains(&name.as_str())).then(|| (format!("{BUNDLE_DIR}{name}"), f.contents))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_marked_pages_are_indexable() {
        assert!(indexable(
            "a/index.html",
            b"<main data-pagefind-body>x</main>"
        ));
        assert!(!indexable("a/index.html", b"<main>x</main>"));
        assert!(!indexable("a.json", b"data-pagefind-body"));
    }

    #[test]
    fn a_kept_page_starts_at_its_body() {
        /// Where the pages go on to: nowhere, only what is kept counts.
        struct Nowhere;
        impl Sink for Nowhere {
            fn put(&self, _: &str, _: &[u8]) -> Result<(), FsError> {
                Ok(())
            }
        }
        let pages = Pages::new(&Nowhere);
        let long = b"<!doctype html><head><title>t</title></head><body data-pagefind-body>x</body>";
        let short = b"<body data-pagefind-body>y</body>";
        let none = b"<main data-pagefind-body>z</main>";
        for (path, html) in [("a.html", &long[..]), ("b.html", short), ("c.html", none)] {
            pages
                .put_with(path, &mut |w| w.write_all(html))
                .expect("kept");
        }
        pages.put("d.html", long).expect("kept");
        let kept = pages.into_pages();
        let text: Vec<(&str, &str)> = kept
            .iter()
            .map(|(p, h)| (p.as_str(), std::str::from_utf8(h).unwrap_or("?")))
            .collect();
        assert_eq!(
            text,
            [
                ("a.html", "<html><body data-pagefind-body>x</body>"),
                ("b.html", "<html><body data-pagefind-body>y</body>"),
                ("c.html", "<html><main data-pagefind-body>z</main>"),
                ("d.html", "<html><body data-pagefind-body>x</body>"),
            ]
        );
    }

    #[test]
    fn urls_drop_index_html() {
        assert_eq!(page_url("skills/docker/index.html"), "/skills/docker/");
        assert_eq!(page_url("index.html"), "/");
        assert_eq!(page_url("404.html"), "/404.html");
    }

    #[test]
    fn the_bundle_holds_the_script_and_an_index_of_the_pages() {
        let pages = vec![(
            "skills/docker/index.html".to_string(),
            b"<html><body><main data-pagefind-body><h1>Docker</h1><p>Containers everywhere.</p></main></body></html>".to_vec(),
        )];
        let files = index("en", pages).unwrap_or_else(|e| panic!("{e}"));
        let names: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
        assert!(names.contains(&"pagefind/pagefind.js"), "{names:?}");
        assert!(names.contains(&"pagefind/pagefind-entry.json"), "{names:?}");
        assert!(
            names.iter().any(|n| n.ends_with(".pf_fragment")),
            "{names:?}"
        );
        assert!(!names.contains(&"pagefind/pagefind-ui.js"), "{names:?}");
        let entry = &files
            .iter()
            .find(|(p, _)| p.ends_with("entry.json"))
            .map(|f| &f.1);
        let entry = String::from_utf8_lossy(entry.map_or(&[][..], |e| e));
        assert!(entry.contains("\"page_count\":1"), "{entry}");
    }
}
