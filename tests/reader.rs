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

use std::path::PathBuf;

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

// ---------------------------------------------------------------- axe

/// axe-core, installed by `.ci/run` into `.ci/node` (git ignores it).
fn axe_source() -> Option<String> {
    let path = harness::repo_root().join(".ci/node/node_modules/axe-core/axe.min.js");
    let found = std::fs::read_to_string(&path).ok();
    if found.is_none() {
        assert!(
            std::env::var("ROADBOOK_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "axe-core is required (ROADBOOK_REQUIRE_BROWSER=1) but {} is missing: \
             npm install --prefix .ci/node axe-core@4",
            path.display()
        );
        eprintln!("SKIPPED: no {}", path.display());
    }
    found
}

/// Every violation axe finds on the open page, of any impact, one line
/// each: rule, impact, and the first elements it names.
fn axe_violations(b: &mut Browser) -> Vec<String> {
    let found = b.js(
        r#"axe.run(document, { resultTypes: ["violations"] }).then(r => r.violations.map(v =>
            v.id + " (" + v.impact + "): " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | ")))"#,
    );
    found
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(String::from)
        .collect()
}

/// axe finds nothing, of any impact, on any page of the bundled handbook,
/// in the light theme and the dark one, with the page's script run (so
/// what it adds is checked too).
#[test]
fn axe_finds_no_violation_light_or_dark() {
    let Some(chromium) = chromium("axe_finds_no_violation_light_or_dark") else {
        return;
    };
    let Some(axe) = axe_source() else { return };
    let site = Site::serve(harness::bundled(), "backend-roadmap");
    let mut b = Browser::launch(&chromium);
    let mut found = Vec::new();
    for dark in [false, true] {
        b.media(dark, false);
        for page in site.pages() {
            b.open(&site.url(&page));
            b.js(&axe);
            for v in axe_violations(&mut b) {
                found.push(format!(
                    "{} /{page}: {v}",
                    if dark { "dark" } else { "light" }
                ));
            }
        }
    }
    assert!(found.is_empty(), "axe found:\n{}", found.join("\n"));
}

/// The site answers `/favicon.ico`'s purpose without a request: every page
/// names its icon, so browsers do not ask the server (a 404 on GitHub
/// Pages project sites, where the domain root is not the handbook's).
#[test]
fn pages_name_their_icon() {
    let dir = harness::bundled();
    harness::build(&dir).assert_ok();
    for page in ["index.html", "skills/apis/index.html", "404.html"] {
        let html = harness::page(&dir, page);
        assert!(
            html.contains("<link rel=\"icon\" href=\"data:image/svg+xml,"),
            "{page}"
        );
    }
}
