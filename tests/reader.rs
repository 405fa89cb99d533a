//! The default theme as a reader meets it, in headless Chromium: on a
//! phone's width, with assistive technology's checks (axe), and the
//! progress the reader keeps in their browser.
//!
//! Each test builds a handbook into a temp folder and serves it the way
//! GitHub Pages does (under a sub-path) with the harness's static server.
//! Without Chromium the tests skip, unless `ROADBOOK_REQUIRE_BROWSER=1`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "reader/browser.rs"]
mod browser;
mod harness;

use std::path::{Path, PathBuf};

use harness::TempDir;
use harness::server::Server;
use serde_json::Value;

use browser::Browser;

/// A built handbook being served under `/{prefix}/`.
struct Site {
    dir: TempDir,
    server: Server,
    prefix: String,
}

impl Site {
    /// Builds `dir` (a handbook folder) into its `public/` and serves it.
    fn serve(dir: TempDir, prefix: &str) -> Site {
        harness::build_with(
            &dir,
            &["--base-url", &format!("https://example.org/{prefix}")],
        )
        .assert_ok();
        let server = Server::start(&dir.join("public"), &format!("/{prefix}/"));
        Site {
            dir,
            server,
            prefix: prefix.to_string(),
        }
    }

    /// The address of a page (`skills/`) of the site.
    fn url(&self, rel: &str) -> String {
        format!("http://{}/{}/{rel}", self.server.addr(), self.prefix)
    }

    /// Every HTML page, as site-relative URLs (`skills/apis/`), the
    /// redirects left at old slugs aside.
    fn pages(&self) -> Vec<String> {
        let public = self.dir.join("public");
        let mut pages: Vec<String> = harness::tree(&public)
            .into_iter()
            .filter(|(p, body)| {
                p.ends_with("index.html")
                    && !String::from_utf8_lossy(body).contains("http-equiv=\"refresh\"")
            })
            .map(|(p, _)| p.trim_end_matches("index.html").to_string())
            .collect();
        pages.sort();
        pages
    }
}

fn chromium(test: &str) -> Option<PathBuf> {
    browser::find(test)
}

// ---------------------------------------------------------------- phones

/// On a phone (320 and 390 CSS px) no page of the bundled handbook is
/// wider than the screen: wide tables scroll inside their own box, charts
/// and the header re-lay out, long badges wrap.
#[test]
fn no_page_is_wider_than_a_phone() {
    let Some(chromium) = chromium("no_page_is_wider_than_a_phone") else {
        return;
    };
    let site = Site::serve(harness::bundled(), "backend-roadmap");
    let mut b = Browser::launch(&chromium);
    let mut wide = Vec::new();
    let pages = site.pages();
    assert!(pages.len() > 50, "{pages:?}");
    for width in [320, 390] {
        b.viewport(width, 800);
        for page in &pages {
            b.open(&site.url(page));
            let w = b.js("document.documentElement.scrollWidth");
            if w.as_u64().unwrap_or(0) > u64::from(width) {
                let what = b.js(OVERFLOWING);
                wide.push(format!("{width} px: /{page} is {w} px wide: {what}"));
            }
        }
    }
    assert!(
        wide.is_empty(),
        "pages wider than the phone:\n{}",
        wide.join("\n")
    );
}

/// The outermost elements reaching past the right edge of the viewport,
/// to say what makes a page too wide.
const OVERFLOWING: &str = r#"(() => {
  const w = document.documentElement.clientWidth, out = [];
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.right > w + 0.5 && !(el.parentElement && el.parentElement.getBoundingClientRect().right > w + 0.5)) {
      out.push(el.tagName.toLowerCase() + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "") + " (" + Math.round(r.right) + ")");
    }
  }
  return out.slice(0, 6).join(", ");
})()"#;

#[allow(dead_code)]
fn unused(_: &Path, _: Value) {}
