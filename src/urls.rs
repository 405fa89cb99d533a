//! Site paths and the relative links between them.
//!
//! Every path inside the site is kept relative to the site root
//! (`skills/databases/`, `` for the home page) and turned into a relative
//! link from the page being written, so the output works under any
//! sub-path of `base_url` and straight from disk.

/// The prefix that leads from a page back to the site root: `../../` from
/// `skills/databases/`, empty from the home page.
pub fn root_prefix(page_path: &str) -> String {
    let depth = page_path.split('/').filter(|s| !s.is_empty()).count();
    let depth = if page_path.ends_with('/') || page_path.is_empty() {
        depth
    } else {
        // A file such as `404.html` sits in its folder, not below it.
        depth.saturating_sub(1)
    };
    "../".repeat(depth)
}

/// A link from `from` (a page path) to `to` (another site path).
pub fn relative(from: &str, to: &str) -> String {
    let link = format!("{}{to}", root_prefix(from));
    if link.is_empty() {
        "./".to_string()
    } else {
        link
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_climb_to_the_root_and_back_down() {
        assert_eq!(
            relative("skills/databases/", "roles/cto/"),
            "../../roles/cto/"
        );
        assert_eq!(relative("", "roles/cto/"), "roles/cto/");
        assert_eq!(relative("faq/", ""), "../");
        assert_eq!(relative("", ""), "./");
        assert_eq!(relative("404.html", "skills/"), "skills/");
        assert_eq!(root_prefix("roles/compare/a-vs-b/"), "../../../");
    }
}
