//! The default theme as a reader meets it, in headless Chromium: on a
//! phone's width, with assistive technology's checks (axe), and the
//! progress the reader keeps in their browser.
//!
//! Each test builds a handbook into a temp folder and serves it the way
//! GitHub Pages does (under a sub-path) with the harness's static server.
//! Without Chromium the tests skip, unless `ROADBOOK_REQUIRE_BROWSER=1`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

use std::path::PathBuf;

use harness::TempDir;
use harness::server::Server;
use serde_json::Value;

use harness::browser::{self, Browser};

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

// ---------------------------------------------------------------- progress

/// Clicks the element `selector` matches.
fn click(b: &mut Browser, selector: &str) {
    b.js(&format!(
        "document.querySelector({}).click()",
        serde_json::json!(selector)
    ));
}

/// The progress this page's handbook keeps, as the script reads it.
fn saved(b: &mut Browser) -> Value {
    b.js("window.roadbook.load()")
}

/// Marks skill pages' states with their buttons, as a reader would.
fn mark(b: &mut Browser, site: &Site, marks: &[(&str, &str)]) {
    for (slug, state) in marks {
        b.open(&site.url(&format!("skills/{slug}/")));
        click(b, &format!(".progress-control [data-state={state}]"));
    }
}

/// Waits (bounded, polling) for a file to appear and be complete JSON.
fn wait_for_json(path: &std::path::Path) -> Value {
    let start = std::time::Instant::now();
    loop {
        if let Some(v) = std::fs::read_to_string(path)
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        {
            return v;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "no download at {}",
            path.display()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

fn status(b: &mut Browser) -> String {
    b.js("document.getElementById('progress-status').textContent")
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Export to a file, reset (after confirming), and import the file back:
/// the progress is what it was. A bad file changes nothing and says why;
/// importing merges or replaces as the reader picks.
#[test]
fn progress_export_reset_import_round_trip() {
    let Some(chromium) = chromium("progress_export_reset_import_round_trip") else {
        return;
    };
    let site = Site::serve(harness::bundled(), "backend-roadmap");
    let downloads = TempDir::new("downloads");
    let mut b = Browser::launch(&chromium);
    mark(
        &mut b,
        &site,
        &[
            ("apis", "done"),
            ("caching", "learning"),
            ("rust", "skipped"),
        ],
    );
    b.open(&site.url("progress/"));
    let before = saved(&mut b);
    assert_eq!(
        before,
        serde_json::json!({ "apis": "done", "caching": "learning", "rust": "skipped" })
    );
    // The page lists the skills by state, started ones first.
    let first = b.js("document.querySelector('#state-list li').getAttribute('data-skill-row')");
    assert_eq!(first, "caching");

    b.downloads_to(downloads.path());
    click(&mut b, "[data-action=export]");
    let file = downloads.join("roadbook-progress.json");
    let exported = wait_for_json(&file);
    assert_eq!(exported["progress"], before, "{exported}");

    // Reset asks first; "Keep it" keeps it.
    click(&mut b, "[data-action=reset]");
    click(&mut b, "[data-action=reset-no]");
    assert_eq!(saved(&mut b), before);
    click(&mut b, "[data-action=reset]");
    click(&mut b, "[data-action=reset-yes]");
    assert_eq!(saved(&mut b), serde_json::json!({}));

    // Bad files: not JSON, and an unknown state. Nothing changes.
    for (name, text) in [
        ("bad.json", "{ nope"),
        ("state.json", r#"{"progress":{"apis":"mastered"}}"#),
    ] {
        let bad = downloads.join(name);
        std::fs::write(&bad, text).unwrap();
        b.pick_file("#progress-file", &bad);
        b.wait_for(
            "document.getElementById('progress-status').textContent.includes('nothing was changed')",
            "the bad file's message",
        );
        assert_eq!(saved(&mut b), serde_json::json!({}), "{name}");
    }

    b.pick_file("#progress-file", &file);
    b.wait_for(
        "Object.keys(window.roadbook.load()).length === 3",
        "the import",
    );
    assert_eq!(saved(&mut b), before);
    assert!(status(&mut b).contains("Imported"), "{}", status(&mut b));

    // Merge keeps what is here; replace does not.
    let one = downloads.join("one.json");
    std::fs::write(&one, r#"{"progress":{"version-control":"done"}}"#).unwrap();
    b.pick_file("#progress-file", &one);
    b.wait_for(
        "window.roadbook.load()['version-control'] === 'done'",
        "the merge",
    );
    assert_eq!(saved(&mut b)["apis"], "done");
    click(&mut b, "input[name=import-mode][value=replace]");
    std::fs::write(&one, r#"{"progress":{"databases":"learning"}}"#).unwrap();
    b.pick_file("#progress-file", &one);
    b.wait_for(
        "window.roadbook.load().databases === 'learning'",
        "the replace",
    );
    assert_eq!(
        saved(&mut b),
        serde_json::json!({ "databases": "learning" })
    );
}

/// Two handbooks on one origin (two GitHub Pages project sites of one
/// owner) keep separate progress; progress saved under the old shared key
/// is carried over to a handbook that has none of its own yet.
#[test]
fn two_handbooks_on_one_origin_keep_separate_progress() {
    let Some(chromium) = chromium("two_handbooks_on_one_origin_keep_separate_progress") else {
        return;
    };
    let dir = harness::bundled();
    let out = TempDir::new("origin");
    for name in ["first", "second"] {
        let to = out.join(name);
        harness::build_with(
            &dir,
            &[
                "--output",
                &to.display().to_string(),
                "--base-url",
                &format!("https://example.org/{name}"),
            ],
        )
        .assert_ok();
    }
    let server = Server::start(out.path(), "/");
    let url = |rel: &str| format!("http://{}/{rel}", server.addr());
    let mut b = Browser::launch(&chromium);
    b.open(&url("first/skills/apis/"));
    click(&mut b, ".progress-control [data-state=done]");
    b.open(&url("second/skills/apis/"));
    assert_eq!(saved(&mut b), serde_json::json!({}));
    assert_eq!(
        b.js("document.querySelector('.progress-control [data-state=done]').getAttribute('aria-pressed')"),
        "false"
    );
    b.open(&url("first/skills/apis/"));
    assert_eq!(saved(&mut b), serde_json::json!({ "apis": "done" }));

    // The old key, as an earlier version wrote it: the second handbook,
    // with nothing of its own, starts from it; the first keeps its own.
    b.js(r#"localStorage.setItem("roadbook:progress", '{"version-control":"learning"}')"#);
    b.open(&url("second/skills/version-control/"));
    assert_eq!(
        saved(&mut b),
        serde_json::json!({ "version-control": "learning" })
    );
    b.open(&url("first/skills/version-control/"));
    assert_eq!(saved(&mut b), serde_json::json!({ "apis": "done" }));
}

/// The share link carries the progress in its fragment: opened in a fresh
/// profile it shows that progress, and keeps it only when asked to.
#[test]
fn a_share_link_restores_progress_in_a_fresh_profile() {
    let Some(chromium) = chromium("a_share_link_restores_progress_in_a_fresh_profile") else {
        return;
    };
    let site = Site::serve(harness::bundled(), "backend-roadmap");
    let link = {
        let mut b = Browser::launch(&chromium);
        mark(&mut b, &site, &[("apis", "done"), ("caching", "learning")]);
        b.open(&site.url("progress/"));
        click(&mut b, "[data-action=share]");
        b.js("document.getElementById('share-url').value")
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(link.contains("#p="), "{link}");
    let mut fresh = Browser::launch(&chromium);
    fresh.open(&link);
    assert_eq!(
        saved(&mut fresh),
        serde_json::json!({}),
        "kept before asked"
    );
    assert_eq!(
        fresh.js("document.querySelector('[data-skill-row=apis] .state').className"),
        "state badge state-done"
    );
    click(&mut fresh, "[data-action=keep-shared]");
    assert_eq!(
        saved(&mut fresh),
        serde_json::json!({ "apis": "done", "caching": "learning" })
    );
}

/// My progress lists what to learn next: skills not finished whose
/// prerequisites are done or skipped, the one being learned first. The
/// matrix, a compare page and the roadmap diagram show the same progress.
#[test]
fn progress_shows_next_up_and_marks_the_matrix_compare_and_roadmap() {
    let Some(chromium) =
        chromium("progress_shows_next_up_and_marks_the_matrix_compare_and_roadmap")
    else {
        return;
    };
    let site = Site::serve(harness::bundled(), "backend-roadmap");
    let mut b = Browser::launch(&chromium);
    mark(
        &mut b,
        &site,
        &[
            ("data-structures-algorithms", "done"),
            ("databases", "done"),
            ("caching", "learning"),
            ("version-control", "skipped"),
        ],
    );
    b.open(&site.url("progress/"));
    assert_eq!(b.js("document.getElementById('next-up').hidden"), false);
    let next: Vec<String> = serde_json::from_value(b.js(
        "Array.from(document.querySelectorAll('#next-up-list a')).map(a => a.getAttribute('href').split('/').slice(-2)[0])",
    ))
    .unwrap();
    assert_eq!(
        next.first().map(String::as_str),
        Some("caching"),
        "{next:?}"
    );
    // Ready: its prerequisite (databases, or data structures) is done.
    for slug in ["apis", "testing-debugging"] {
        assert!(next.contains(&slug.to_string()), "{slug} missing: {next:?}");
    }
    // Finished, skipped, or waiting on a skill that is not done.
    for slug in [
        "databases",
        "version-control",
        "security",
        "system-design",
        "ci-cd-devops",
    ] {
        assert!(!next.contains(&slug.to_string()), "{slug} listed: {next:?}");
    }
    // Ten at most, and a count of the rest.
    let ready = b.js(
        "Array.from(document.querySelectorAll('#state-list li')).filter(li => { const p = window.roadbook.load(), out = s => p[s] === 'done' || p[s] === 'skipped'; return !out(li.dataset.skillRow) && li.dataset.requires.split(' ').filter(Boolean).every(out); }).length",
    );
    let ready = ready.as_u64().unwrap() as usize;
    assert_eq!(next.len(), ready.min(10), "{next:?}");
    if ready > 10 {
        assert_eq!(
            b.js("document.querySelector('#next-up-list li.muted').textContent"),
            format!("and {} more below", ready - 10)
        );
    }

    b.open(&site.url("matrix/"));
    assert_eq!(
        b.js("document.querySelector('tr[data-skill-row=databases]').dataset.progress"),
        "done"
    );
    assert_eq!(
        b.js("getComputedStyle(document.querySelector('tr[data-skill-row=databases] th a'), '::after').content"),
        "\" ✓\""
    );
    b.open(&site.url("roles/compare/backend-developer-vs-cto/"));
    assert_eq!(
        b.js("document.querySelector('tr[data-skill-row=caching]').dataset.progress"),
        "learning"
    );
    b.open(&site.url("tracks/learning-path/"));
    let fill = |b: &mut Browser, slug: &str| {
        b.js(&format!(
            "getComputedStyle(document.querySelector('.roadmap-chart a[data-skill-link=\"{slug}\"] rect')).fill"
        ))
    };
    let (done, learning, untouched) = (
        fill(&mut b, "databases"),
        fill(&mut b, "caching"),
        fill(&mut b, "apis"),
    );
    assert_ne!(done, untouched, "a done skill's node looks like any other");
    assert_ne!(
        learning, untouched,
        "a skill being learned looks like any other"
    );
    assert_ne!(done, learning);
}

// ---------------------------------------------------------------- markup

/// The Nu HTML Checker (vnu.jar, from npm, under Java): every page of the
/// bundled handbook and of the full fixture, 0 errors.
#[test]
fn the_nu_html_checker_finds_no_error() {
    let jar = harness::repo_root().join(".ci/node/node_modules/vnu-jar/build/dist/vnu.jar");
    let java = std::process::Command::new("java")
        .arg("-version")
        .output()
        .is_ok();
    if !jar.is_file() || !java {
        assert!(
            std::env::var("ROADBOOK_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "the Nu HTML Checker is required (ROADBOOK_REQUIRE_BROWSER=1) but java or {} is missing",
            jar.display()
        );
        eprintln!("SKIPPED: no java or no {}", jar.display());
        return;
    }
    for dir in [harness::bundled(), harness::full()] {
        harness::build(&dir).assert_ok();
        let public = dir.join("public");
        let pages: Vec<PathBuf> = harness::tree(&public)
            .into_iter()
            .filter(|(p, _)| p.ends_with(".html"))
            .map(|(p, _)| public.join(p))
            .collect();
        assert!(pages.len() > 10, "{pages:?}");
        let out = std::process::Command::new("java")
            .arg("-jar")
            .arg(&jar)
            .args(["--errors-only", "--format", "text"])
            .args(&pages)
            .output()
            .unwrap();
        let report = String::from_utf8_lossy(&out.stderr).into_owned()
            + &String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "Nu HTML Checker errors:\n{report}");
    }
}

// ---------------------------------------------------------------- screenshots

/// Not a check: writes screenshots of the main kinds of page at a phone's
/// and a desktop's width, light, dark and print, into the folder named by
/// `ROADBOOK_SHOTS`, for a person to look at.
/// `ROADBOOK_SHOTS=/tmp/shots cargo test --test reader -- --ignored`
#[test]
#[ignore = "writes screenshots for review; run by hand"]
fn screenshots() {
    let (Some(chromium), Some(out)) = (chromium("screenshots"), std::env::var_os("ROADBOOK_SHOTS"))
    else {
        return;
    };
    let out = PathBuf::from(out);
    std::fs::create_dir_all(out.join("top")).unwrap();
    let site = Site::serve(harness::bundled(), "backend-roadmap");
    let mut b = Browser::launch(&chromium);
    mark(
        &mut b,
        &site,
        &[
            ("apis", "done"),
            ("caching", "learning"),
            ("databases", "done"),
        ],
    );
    let pages = [
        ("home", ""),
        ("skill", "skills/apis/"),
        ("phase", "phases/cloud-platforms/"),
        ("track", "tracks/learning-path/"),
        ("roles", "roles/"),
        ("role", "roles/senior-backend-developer/"),
        ("matrix", "matrix/"),
        (
            "compare",
            "roles/compare/backend-developer-vs-senior-backend-developer/",
        ),
        ("progress", "progress/"),
        ("skill-map", "skills/#map-title"),
        ("print", "print/"),
        ("print-entry", "print/#skills.databases"),
    ];
    for width in [390, 1280, 794] {
        b.viewport(width, 900);
        for (mode, dark, print) in [
            ("light", false, false),
            ("dark", true, false),
            ("print", false, true),
        ] {
            // 794 px is A4's width: only printed there.
            if (width == 794) != print {
                continue;
            }
            b.media(dark, print);
            for (name, rel) in pages {
                b.open(&site.url(rel));
                b.screenshot(&out.join(format!("{name}-{width}-{mode}.png")), true);
                b.screenshot(&out.join(format!("top/{name}-{width}-{mode}.png")), false);
            }
        }
    }
}

// ---------------------------------------------------------------- budget

/// The front end stays small: the stylesheets and scripts each page of
/// the bundled handbook loads, and its inline ones, come to at most 60 KB
/// uncompressed.
#[test]
fn every_page_loads_at_most_60_kb_of_css_and_js() {
    const BUDGET: usize = 60 * 1024;
    let dir = harness::bundled();
    harness::build(&dir).assert_ok();
    let public = dir.join("public");
    let mut checked = 0;
    for (path, body) in harness::tree(&public) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(&body);
        let page_dir = public.join(&path);
        let page_dir = page_dir.parent().unwrap();
        let mut total = 0;
        for tag in html.split('<').skip(1) {
            let linked = if tag.starts_with("link ") && tag.contains("rel=\"stylesheet\"") {
                attr(tag, "href")
            } else if tag.starts_with("script ") {
                attr(tag, "src")
            } else {
                None
            };
            if let Some(url) = linked {
                let file = if path == "404.html" {
                    // Linked from the base path (`/backend-roadmap/…`).
                    public.join(
                        url.trim_start_matches('/')
                            .split_once('/')
                            .map_or(url, |(_, r)| r),
                    )
                } else {
                    page_dir.join(url)
                };
                total += std::fs::metadata(&file)
                    .unwrap_or_else(|e| panic!("{path}: {url}: {e}"))
                    .len() as usize;
            } else if tag.starts_with("script>") || tag.starts_with("style>") {
                total += tag.len();
            }
        }
        assert!(total <= BUDGET, "{path} loads {total} bytes of CSS and JS");
        assert!(
            total > 10_000,
            "{path}: only {total} bytes found; is the scan broken?"
        );
        checked += 1;
    }
    assert!(checked > 50);
}

/// The value of `name="…"` in a tag's text.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
    tag[start..].split('"').next()
}

// ---------------------------------------------------------------- from disk

/// `build --for-disk` makes a copy whose every relative link names a file,
/// so a browser opening `index.html` from disk follows links to pages, not
/// to folder listings; in Chromium, following the menu from the home page
/// from disk reaches the skills page.
#[test]
fn a_copy_built_for_disk_links_to_files() {
    let dir = harness::bundled();
    harness::build_with(&dir, &["--for-disk"]).assert_ok();
    let public = dir.join("public");
    let mut links = 0;
    for (path, body) in harness::tree(&public) {
        if !path.ends_with(".html") || path == "404.html" {
            continue;
        }
        let html = String::from_utf8_lossy(&body);
        let from = public.join(&path);
        let from = from.parent().unwrap();
        for part in html.split("href=\"").skip(1) {
            let href = part.split('"').next().unwrap();
            let target = href.split(['#', '?']).next().unwrap();
            if target.is_empty() || target.contains(':') || target.starts_with('/') {
                continue;
            }
            assert!(from.join(target).is_file(), "{path}: {href} is not a file");
            links += 1;
        }
    }
    assert!(links > 1000, "{links}");

    let Some(chromium) = chromium("a_copy_built_for_disk_links_to_files") else {
        return;
    };
    let mut b = Browser::launch(&chromium);
    b.open(&format!("file://{}", public.join("index.html").display()));
    click(&mut b, ".site-nav a[href^='skills/']");
    b.wait_for(
        "location.pathname.endsWith('/skills/index.html') && document.readyState === 'complete' && document.querySelector('h1') !== null",
        "the skills page from disk",
    );
    assert_eq!(b.js("document.querySelector('h1').textContent"), "Skills");
}

/// On a phone, chart labels are drawn at 12 px or more: a chart keeps its
/// own size and its box scrolls, rather than shrinking the text.
#[test]
fn chart_labels_stay_legible_on_a_phone() {
    let Some(chromium) = chromium("chart_labels_stay_legible_on_a_phone") else {
        return;
    };
    let site = Site::serve(harness::bundled(), "backend-roadmap");
    let mut b = Browser::launch(&chromium);
    let (mut seen, mut salary_charts) = (0, 0);
    for width in [320, 390] {
        b.viewport(width, 800);
        for page in [
            "roles/senior-backend-developer/",
            "salaries/",
            "tracks/learning-path/",
        ] {
            b.open(&site.url(page));
            let sizes = b.js(
                r#"[...document.querySelectorAll(".chart-box svg.chart text")].filter(t => t.getBBox().width > 0).map(t => t.getBoundingClientRect().height / t.getBBox().height * parseFloat(getComputedStyle(t).fontSize))"#,
            );
            for s in sizes.as_array().unwrap() {
                let px = s.as_f64().unwrap();
                assert!(
                    px >= 11.9,
                    "{page} at {width} px: a chart label drawn at {px:.1} px"
                );
                seen += 1;
            }
            // Salary charts and timelines are drawn for the phone: every bar, name and
            // figure in view, nothing to scroll sideways for.
            let scrolling = b.js(
                r#"[...document.querySelectorAll(".chart-box")].filter(box => box.querySelector(".narrow-chart")).map(box => [box.scrollWidth - box.clientWidth, box.querySelector(".narrow-chart").getBoundingClientRect().width])"#,
            );
            for pair in scrolling.as_array().unwrap() {
                let (over, drawn) = (pair[0].as_f64().unwrap(), pair[1].as_f64().unwrap());
                assert!(
                    over <= 0.0,
                    "{page} at {width} px: a chart scrolls by {over} px"
                );
                assert!(
                    drawn > 0.0,
                    "{page} at {width} px: the phone drawing is hidden"
                );
                salary_charts += 1;
            }
        }
    }
    assert!(seen > 40, "{seen} labels");
    assert!(salary_charts >= 2, "{salary_charts} salary charts seen");
}
