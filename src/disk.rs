//! A copy of the site readable straight from disk (`build --for-disk`).
//!
//! Pages link to folders (`skills/`), which a web server answers with the
//! folder's `index.html` but a browser opening files shows as a folder
//! listing. This pass, run on the written output, points every relative
//! link at a folder to the folder's `index.html` instead. It rewrites only
//! `href` values, and only relative ones: links to other sites, fragments
//! and the assets (files already) stay as they are.

use std::path::Path;

/// `href` value as it should be in a copy read from disk.
pub fn disk_link(href: &str) -> Option<String> {
    let external = href.contains("://")
        || href.starts_with(['#', '/', '?'])
        || href.starts_with("mailto:")
        || href.starts_with("data:")
        || href.starts_with("javascript:");
    if external {
        return None;
    }
    let (path, rest) = match href.find(['#', '?']) {
        Some(i) => href.split_at(i),
        None => (href, ""),
    };
    if path.is_empty() || !path.ends_with('/') {
        return None;
    }
    Some(format!("{path}index.html{rest}"))
}

/// The page's HTML with every folder link pointing at its `index.html`.
pub fn rewrite_page(html: &str) -> String {
    const ATTR: &str = "href=\"";
    let mut out = String::with_capacity(html.len() + 1024);
    let mut rest = html;
    while let Some(i) = rest.find(ATTR) {
        let (head, tail) = rest.split_at(i + ATTR.len());
        out.push_str(head);
        let end = tail.find('"').unwrap_or(tail.len());
        let (value, after) = tail.split_at(end);
        match disk_link(value) {
            Some(v) => out.push_str(&v),
            None => out.push_str(value),
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Rewrites every `.html` file under `dir` in place.
pub fn rewrite_tree(dir: &Path) -> std::io::Result<usize> {
    let mut count = 0;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            count += rewrite_tree(&path)?;
        } else if path.extension().is_some_and(|e| e == "html") {
            let html = std::fs::read_to_string(&path)?;
            std::fs::write(&path, rewrite_page(&html))?;
            count += 1;
        }
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_links_get_their_index_and_others_stay() {
        assert_eq!(
            disk_link("../../skills/").as_deref(),
            Some("../../skills/index.html")
        );
        assert_eq!(disk_link("./").as_deref(), Some("./index.html"));
        assert_eq!(disk_link("../#top").as_deref(), Some("../index.html#top"));
        for same in [
            "https://x.org/a/",
            "#main",
            "/base/",
            "../a.css",
            "mailto:a@b",
            "",
        ] {
            assert_eq!(disk_link(same), None, "{same}");
        }
    }

    #[test]
    fn only_href_values_change() {
        let page =
            r#"<a href="skills/">Skills</a> <p>see skills/ here</p><link href="assets/x.css">"#;
        assert_eq!(
            rewrite_page(page),
            r#"<a href="skills/index.html">Skills</a> <p>see skills/ here</p><link href="assets/x.css">"#
        );
    }
}
