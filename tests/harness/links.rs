//! The link checker over a built site on disk: every `href` and `src` of
//! every page must name a file (and a fragment) that exists.

use std::path::Path;

use super::tree;

/// Every `href` and `src` attribute value in `html`.
pub fn attribute_urls(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in [" href=\"", " src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            out.push(rest[..end].replace("&amp;", "&"));
            rest = &rest[end..];
        }
    }
    out
}

/// Resolves a relative URL found in the page at `page` (a path relative to
/// the output root) to a file path relative to the output root, or `None`
/// if it climbs out of the site.
pub fn resolve_url(page: &str, url: &str) -> Option<String> {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop(); // the page's own file name
    if url.is_empty() {
        return Some(page.to_string());
    }
    for seg in url.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut path = parts.join("/");
    if url.ends_with('/') || url == "." || url == ".." || url.ends_with("/.") {
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str("index.html");
    }
    Some(path)
}

/// Every broken link of the site in `public`, as "page: url (why)".
pub fn broken_links(public: &Path) -> Vec<String> {
    let files = tree(public);
    let mut broken = Vec::new();
    let mut checked = 0;
    for (page, bytes) in &files {
        if !page.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        for url in attribute_urls(&html) {
            if url.starts_with("http://")
                || url.starts_with("https://")
                || url.starts_with("mailto:")
                || url.starts_with("data:")
            {
                continue;
            }
            // The 404 page is served at any depth, so it links from the
            // base path instead of relatively.
            if page == "404.html" && url.starts_with('/') {
                continue;
            }
            checked += 1;
            let (path, fragment) = match url.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (url.as_str(), None),
            };
            let path = path.split('?').next().unwrap_or_default();
            if path.starts_with('/') {
                broken.push(format!("{page}: {url} (root-absolute)"));
                continue;
            }
            let Some(target) = resolve_url(page, &roadbook::resolve::percent_decode(path)) else {
                broken.push(format!("{page}: {url} (leaves the site)"));
                continue;
            };
            let Some(target_bytes) = files.get(&target) else {
                broken.push(format!("{page}: {url} (no file {target})"));
                continue;
            };
            if let Some(f) = fragment.filter(|f| !f.is_empty())
                && target.ends_with(".html")
            {
                let id = format!("id=\"{f}\"");
                if !String::from_utf8_lossy(target_bytes).contains(&id) {
                    broken.push(format!("{page}: {url} (no {id} in {target})"));
                }
            }
        }
    }
    assert!(checked > 0, "no links found under {}", public.display());
    broken
}

/// The `href` of every `<link rel="stylesheet">` in a page.
pub fn linked_stylesheets(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("<link rel=\"stylesheet\" href=\"") {
        rest = &rest[i + "<link rel=\"stylesheet\" href=\"".len()..];
        let end = rest.find('"').unwrap_or(rest.len());
        out.push(rest[..end].to_string());
    }
    out
}
