//! Cache busting for the stylesheets and script the theme ships: each is
//! published under a name that carries a hash of its final bytes
//! (`assets/roadbook.3f2a…c1.css`), so a redeploy can never pair new pages
//! with a browser's cached copy of old styles.
//!
//! The final bytes are known before any page is rendered: the theme's
//! file, replaced by the handbook's `static/` file of the same path if it
//! has one (`static/assets/roadbook.css` restyles the theme), and the
//! highlighting CSS generated from the syntax theme. Templates get the
//! hashed names through `site.assets`.

use serde::Serialize;

use super::THEME_ASSETS;
use crate::fs::SourceFile;
use crate::markdown::highlight;

/// FNV-1a, 64 bits: a fixed, documented function (unlike std's
/// `DefaultHasher`, whose output may change between Rust releases), so the
/// same bytes get the same file name on every machine and toolchain.
/// Collisions only matter between two versions of one file, and a cache
/// key needs no cryptographic strength.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes
        .iter()
        .fold(OFFSET, |h, b| (h ^ u64::from(*b)).wrapping_mul(PRIME))
}

/// `assets/roadbook.css` + bytes → `assets/roadbook.<16 hex digits>.css`.
pub fn hashed_name(plain: &str, bytes: &[u8]) -> String {
    let hash = format!("{:016x}", fnv1a64(bytes));
    match plain.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !stem.ends_with('/') => {
            format!("{stem}.{hash}.{ext}")
        }
        _ => format!("{plain}.{hash}"),
    }
}

/// One shipped file: where templates used to find it, where it is
/// published now, and its bytes.
#[derive(Debug, Clone)]
pub struct Shipped {
    pub plain: &'static str,
    pub hashed: String,
    pub bytes: Vec<u8>,
    /// Also publish it under the plain name, because a file of the
    /// handbook (an overriding template, a stylesheet that `@import`s it)
    /// mentions that name. Otherwise the plain copy is left out: nothing
    /// of ours links to it, and a second copy is one that can go stale.
    pub keep_plain: bool,
}

/// The theme's stylesheet, script and highlighting CSS, final and hashed.
#[derive(Debug, Clone)]
pub struct ShippedAssets {
    pub css: Shipped,
    pub js: Shipped,
    pub highlight: Shipped,
    /// The search box's script (`templates/search.html`).
    pub search: Shipped,
}

impl ShippedAssets {
    pub fn all(&self) -> [&Shipped; 4] {
        [&self.css, &self.js, &self.highlight, &self.search]
    }

    /// `site.assets` for templates: site-root-relative URLs.
    pub fn view(&self) -> AssetsView {
        AssetsView {
            css: self.css.hashed.clone(),
            js: self.js.hashed.clone(),
            highlight: self.highlight.hashed.clone(),
            search: self.search.hashed.clone(),
        }
    }
}

/// `site.assets`: the published names of the theme's files, to be written
/// `{{ root }}{{ site.assets.css }}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssetsView {
    pub css: String,
    pub js: String,
    pub highlight: String,
    pub search: String,
}

const CSS: &str = "assets/roadbook.css";
const JS: &str = "assets/roadbook.js";
const HIGHLIGHT: &str = "assets/highlight.css";
const SEARCH: &str = "assets/search.js";

/// Works out the final bytes and names. `statics` and `templates` are the
/// handbook's `static/` and `templates/` files as loaded.
/// The theme's CSS and JS as the site ships them. With `plain_names` (the
/// `serve` preview, which answers from memory with `no-cache`) the files
/// keep their plain names, so a stylesheet edit changes only the
/// stylesheet and can be swapped in without reloading the page.
pub fn shipped(
    statics: &[SourceFile],
    templates: &[SourceFile],
    plain_names: bool,
) -> ShippedAssets {
    let from_static = |plain: &str| {
        statics.iter().find_map(|f| {
            let rel = f.rel.strip_prefix("static").unwrap_or(&f.rel);
            (crate::diagnostic::display_path(rel) == plain).then(|| f.bytes.to_vec())
        })
    };
    let theme = |plain: &str| {
        THEME_ASSETS
            .iter()
            .find(|(p, _)| *p == plain)
            .map(|(_, b)| b.to_vec())
            .unwrap_or_default()
    };
    let mentioned = |plain: &str| {
        let name = plain.rsplit('/').next().unwrap_or(plain).as_bytes();
        templates.iter().chain(statics).any(|f| {
            let own = f
                .rel
                .strip_prefix("static")
                .is_ok_and(|r| crate::diagnostic::display_path(r) == plain);
            !own && f.bytes.windows(name.len()).any(|w| w == name)
        })
    };
    let make = |plain: &'static str, bytes: Vec<u8>| Shipped {
        plain,
        hashed: if plain_names {
            plain.to_string()
        } else {
            hashed_name(plain, &bytes)
        },
        keep_plain: mentioned(plain),
        bytes,
    };
    ShippedAssets {
        css: make(CSS, from_static(CSS).unwrap_or_else(|| theme(CSS))),
        js: make(JS, from_static(JS).unwrap_or_else(|| theme(JS))),
        highlight: make(
            HIGHLIGHT,
            from_static(HIGHLIGHT).unwrap_or_else(|| highlight::theme_css().into_bytes()),
        ),
        search: make(SEARCH, from_static(SEARCH).unwrap_or_else(|| theme(SEARCH))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn fnv1a64_matches_the_reference_vectors() {
        // From the FNV reference test suite (draft-eastlake-fnv).
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn hashed_names_keep_folder_and_extension() {
        assert_eq!(
            hashed_name("assets/roadbook.css", b"a"),
            "assets/roadbook.af63dc4c8601ec8c.css"
        );
        assert_eq!(
            hashed_name("assets/LICENSE", b""),
            "assets/LICENSE.cbf29ce484222325"
        );
    }

    fn file(rel: &str, text: &str) -> SourceFile {
        SourceFile {
            rel: PathBuf::from(rel),
            bytes: text.as_bytes().into(),
        }
    }

    #[test]
    fn a_handbook_stylesheet_replaces_the_theme_and_is_hashed() {
        let theme = shipped(&[], &[], false);
        let own = shipped(&[file("static/assets/roadbook.css", "body{}")], &[], false);
        assert_eq!(own.css.bytes, b"body{}");
        assert_ne!(own.css.hashed, theme.css.hashed);
        assert_eq!(own.js.hashed, theme.js.hashed);
        // Its own bytes do not count as a mention of its plain name.
        assert!(!own.css.keep_plain);
    }

    #[test]
    fn plain_names_are_kept_only_when_a_handbook_file_mentions_them() {
        let a = shipped(
            &[file("static/assets/extra.css", "@import \"roadbook.css\";")],
            &[file(
                "templates/base.html",
                "<script src=\"x/roadbook.js\">",
            )],
            false,
        );
        assert!(a.css.keep_plain);
        assert!(a.js.keep_plain);
        assert!(!a.highlight.keep_plain);
    }

    #[test]
    fn the_preview_ships_plain_names() {
        let a = shipped(&[], &[], true);
        assert_eq!(a.css.hashed, a.css.plain);
        assert_eq!(a.view().css, a.css.plain);
    }
}
