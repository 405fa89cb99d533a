//! Publishing: the built site served like GitHub Pages (under a sub-path
//! and at a domain root) and crawled, sitemap, feed, social metadata,
//! structured data, dates from git history, content-hashed assets.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a test reports failure by panicking"
)]

mod harness;

use std::collections::BTreeSet;
use std::path::Path;

use harness::links::*;
use harness::*;
use insta::assert_snapshot;

use harness::server::Server;

/// Every `content="…"` value in a page (meta tags).
fn content_attributes(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(" content=\"") {
        rest = &rest[i + " content=\"".len()..];
        let end = rest.find('"').unwrap_or(rest.len());
        out.push(rest[..end].replace("&amp;", "&"));
    }
    out
}

/// The server path a link in the page at `base` (a server path) leads to:
/// `../../roles/x/` from `/handbook/skills/a/` is `/handbook/roles/x/`.
fn join_url(base: &str, href: &str) -> String {
    if href.is_empty() {
        return base.to_string();
    }
    let combined = if href.starts_with('/') {
        href.to_string()
    } else {
        let dir = &base[..=base.rfind('/').unwrap_or(0)];
        format!("{dir}{href}")
    };
    let trailing = combined.ends_with('/') || combined.ends_with("/.") || combined.ends_with("/..");
    let mut parts: Vec<&str> = Vec::new();
    for seg in combined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut path = format!("/{}", parts.join("/"));
    if trailing && path != "/" {
        path.push('/');
    }
    path
}

#[test]
fn join_url_resolves_like_a_browser() {
    assert_eq!(
        join_url("/handbook/skills/a/", "../../roles/b/"),
        "/handbook/roles/b/"
    );
    assert_eq!(join_url("/handbook/", "skills/"), "/handbook/skills/");
    assert_eq!(join_url("/handbook/faq/", "../"), "/handbook/");
    assert_eq!(join_url("/handbook/404.html", "x.css"), "/handbook/x.css");
    assert_eq!(
        join_url("/handbook/a/b/c/", "/handbook/assets/x.css"),
        "/handbook/assets/x.css"
    );
    assert_eq!(join_url("/", "./"), "/");
}

/// What a crawl found: every fetched path with its status, and every
/// problem as "from: link (why)".
struct Crawl {
    fetched: BTreeSet<String>,
    problems: Vec<String>,
}

/// Fetches `start` from the server and follows every `href` and `src` of
/// every HTML page, plus absolute URLs under `base_url` (canonical links,
/// `og:url`), mapped onto the server's `prefix`. Every target must answer
/// 200 and every `#fragment` must be an id in its target page.
fn crawl(server: &Server, base_url: &str, prefix: &str, start: &str) -> Crawl {
    use std::collections::{BTreeMap, VecDeque};
    let base_url = base_url.trim_end_matches('/');
    let mut responses: BTreeMap<String, harness::server::Response> = BTreeMap::new();
    let mut queue = VecDeque::from([start.to_string()]);
    let mut links: Vec<(String, String, String, Option<String>)> = Vec::new();
    while let Some(path) = queue.pop_front() {
        if responses.contains_key(&path) {
            continue;
        }
        assert!(responses.len() < 5000, "crawl does not end");
        let response = server.get(&path);
        if response.status == 200 && response.is_html() {
            let html = response.text();
            let mut found = attribute_urls(&html);
            found.extend(
                content_attributes(&html)
                    .into_iter()
                    .filter(|c| c.starts_with(base_url)),
            );
            for url in found {
                let (target, fragment) = match url.split_once('#') {
                    Some((t, f)) => (t.to_string(), Some(f.to_string())),
                    None => (url.clone(), None),
                };
                let target = if let Some(rest) = target.strip_prefix(base_url) {
                    join_url(prefix, rest.trim_start_matches('/'))
                } else if target.contains("://") || target.starts_with("mailto:") {
                    continue; // another site
                } else {
                    join_url(&path, target.split('?').next().unwrap_or_default())
                };
                if !responses.contains_key(&target) {
                    queue.push_back(target.clone());
                }
                links.push((path.clone(), url, target, fragment));
            }
        }
        responses.insert(path, response);
    }
    let mut problems = Vec::new();
    for (from, url, target, fragment) in links {
        let r = &responses[&target];
        if r.status != 200 {
            problems.push(format!("{from}: {url} ({target} answered {})", r.status));
            continue;
        }
        if let Some(f) = fragment.filter(|f| !f.is_empty())
            && r.is_html()
            && !r.text().contains(&format!("id=\"{f}\""))
        {
            problems.push(format!("{from}: {url} (no id=\"{f}\" in {target})"));
        }
    }
    problems.sort();
    problems.dedup();
    Crawl {
        fetched: responses.into_keys().collect(),
        problems,
    }
}

/// The `<loc>`s of a sitemap, or every `<link href>` of a feed's entries.
fn xml_urls(xml: &str, element: &str, attribute: Option<&str>) -> Vec<String> {
    let doc =
        roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("invalid XML ({e}):\n{xml}"));
    doc.descendants()
        .filter(|n| n.tag_name().name() == element)
        .filter_map(|n| match attribute {
            Some(a) => n.attribute(a).map(str::to_string),
            None => n.text().map(str::to_string),
        })
        .collect()
}

/// Serves a built site like GitHub Pages and checks everything a visitor
/// and a crawler would touch.
fn check_served_site(public: &Path, base_url: &str, prefix: &str) {
    let server = Server::start(public, prefix);
    let crawled = crawl(&server, base_url, prefix, prefix);
    assert!(
        crawled.problems.is_empty(),
        "broken links, assets or fragments:\n{}",
        crawled.problems.join("\n")
    );

    // The 404 page, at any depth, loads its styles and script.
    let deep = format!("{prefix}some/deep/missing/path/");
    let missing = server.get(&deep);
    assert_eq!(missing.status, 404);
    let html = missing.text();
    assert!(html.contains("Page not found"), "{html}");
    let sheets = linked_stylesheets(&html);
    assert!(!sheets.is_empty(), "{html}");
    let mut assets = sheets;
    assets.extend(
        attribute_urls(&html)
            .into_iter()
            .filter(|u| u.ends_with(".js")),
    );
    for href in assets {
        let url = join_url(&deep, &href);
        let r = server.get(&url);
        assert_eq!(r.status, 200, "404 page at {deep}: {href} → {url}");
    }
    // Its links lead into the site, whatever the depth.
    for href in attribute_urls(&html) {
        if href.starts_with('#') || href.contains("://") {
            continue;
        }
        let url = join_url(&deep, &href);
        assert_eq!(server.get(&url).status, 200, "404 page link {href} → {url}");
    }

    // Every sitemap URL resolves, and every one was reachable by links.
    let sitemap = server.get(&format!("{prefix}sitemap.xml"));
    assert_eq!(sitemap.status, 200);
    let locs = xml_urls(&sitemap.text(), "loc", None);
    assert!(locs.len() >= 5, "{}", sitemap.text());
    let base = base_url.trim_end_matches('/');
    for loc in &locs {
        let rest = loc
            .strip_prefix(base)
            .unwrap_or_else(|| panic!("sitemap URL {loc} is not under {base_url}"));
        let path = join_url(prefix, rest.trim_start_matches('/'));
        assert_eq!(server.get(&path).status, 200, "sitemap: {loc} → {path}");
        assert!(
            crawled.fetched.contains(&path),
            "{path} is in the sitemap but no link leads to it"
        );
    }
    // So does every feed entry.
    let feed = server.get(&format!("{prefix}atom.xml"));
    assert_eq!(feed.status, 200);
    for href in xml_urls(&feed.text(), "link", Some("href")) {
        let rest = href
            .strip_prefix(base)
            .unwrap_or_else(|| panic!("feed URL {href} is not under {base_url}"));
        let path = join_url(prefix, rest.trim_start_matches('/'));
        assert_eq!(server.get(&path).status, 200, "feed: {href} → {path}");
    }
}

#[test]
fn site_served_under_a_sub_path_has_no_broken_link_asset_or_fragment() {
    let dir = full();
    let toml = expect_file(&dir, "handbook.toml").replace(
        "https://example.github.io/full-handbook",
        "https://example.github.io/handbook",
    );
    change_file(&dir, "handbook.toml", toml);
    build(&dir).assert_ok();
    check_served_site(
        &dir.join("public"),
        "https://example.github.io/handbook",
        "/handbook/",
    );
}

#[test]
fn bundled_handbook_served_with_the_pages_base_url_has_no_broken_link() {
    // What the Pages workflow does: the URL from configure-pages (with its
    // trailing slash) replaces handbook.toml's.
    let dir = bundled();
    build_with(&dir, &["--base-url", "https://example.github.io/handbook/"]).assert_ok();
    check_served_site(
        &dir.join("public"),
        "https://example.github.io/handbook",
        "/handbook/",
    );
}

#[test]
fn site_served_at_a_custom_domain_root_has_no_broken_link() {
    let dir = fixture("base");
    build_with(&dir, &["--base-url", "https://roadmap.example.org"]).assert_ok();
    check_served_site(&dir.join("public"), "https://roadmap.example.org", "/");
}

#[test]
fn test_server_answers_like_github_pages() {
    let dir = TempDir::new("server");
    change_file(&dir, "index.html", "<p>home</p>");
    change_file(&dir, "a/index.html", "<p>a</p>");
    change_file(&dir, "404.html", "<p>missing</p>");
    let server = Server::start(dir.path(), "/hb/");
    let home = server.get("/hb/");
    assert_eq!((home.status, home.text().as_str()), (200, "<p>home</p>"));
    assert!(home.is_html());
    assert_eq!(server.get("/hb/a/").status, 200);
    let redirect = server.get("/hb/a");
    assert_eq!(redirect.status, 301);
    assert_eq!(redirect.header("location"), Some("/hb/a/"));
    assert_eq!(server.get("/hb").status, 301);
    let missing = server.get("/hb/nope/deeper/");
    assert_eq!(
        (missing.status, missing.text().as_str()),
        (404, "<p>missing</p>")
    );
    assert_eq!(server.get("/other/").status, 404);
    assert_eq!(server.get("/hb/../secret").status, 404);
}

#[test]
fn sitemap_and_robots_use_the_absolute_base_url() {
    let dir = fixture("base");
    build(&dir).assert_ok();
    assert_eq!(
        page(&dir, "robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://example.org/handbook/sitemap.xml\n"
    );
    let locs = xml_urls(&page(&dir, "sitemap.xml"), "loc", None);
    let mut sorted = locs.clone();
    sorted.sort();
    assert_eq!(locs, sorted, "sitemap entries are sorted");
    for expected in [
        "https://example.org/handbook/",
        "https://example.org/handbook/skills/databases/",
        "https://example.org/handbook/faq/",
        "https://example.org/handbook/matrix/",
    ] {
        assert!(
            locs.iter().any(|l| l == expected),
            "{expected} in {locs:#?}"
        );
    }
    // Neither the 404 page nor redirects are for indexing.
    assert!(locs.iter().all(|l| !l.contains("404")), "{locs:#?}");
    // Outside a git checkout there are no dates to give.
    assert!(!page(&dir, "sitemap.xml").contains("<lastmod>"));
}

#[test]
fn handbook_static_files_replace_generated_robots_and_sitemap() {
    let dir = full_built();
    // The full fixture ships its own robots.txt.
    assert_eq!(page(&dir, "robots.txt"), "User-agent: *\nAllow: /\n");
    let dir = fixture("base");
    change_file(&dir, "static/sitemap.xml", "<urlset/>\n");
    build(&dir).assert_ok();
    assert_eq!(page(&dir, "sitemap.xml"), "<urlset/>\n");
    assert!(page(&dir, "robots.txt").contains("Sitemap:"));
}

#[test]
fn redirects_are_left_out_of_the_sitemap_and_feed() {
    let dir = full_built();
    let sitemap = page(&dir, "sitemap.xml");
    assert!(!sitemap.contains("/skills/sql/"), "{sitemap}");
    assert!(sitemap.contains("/skills/databases/"), "{sitemap}");
    assert!(!page(&dir, "atom.xml").contains("/skills/sql/"));
}

/// The JSON-LD objects of a page, parsed.
fn json_ld(html: &str) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    let mut rest = html;
    let open = "<script type=\"application/ld+json\">";
    while let Some(i) = rest.find(open) {
        rest = &rest[i + open.len()..];
        let end = rest.find("</script>").expect("closed script");
        let value = serde_json::from_str(&rest[..end])
            .unwrap_or_else(|e| panic!("JSON-LD does not parse ({e}):\n{}", &rest[..end]));
        out.push(value);
        rest = &rest[end..];
    }
    out
}

#[test]
fn pages_carry_open_graph_and_twitter_metadata() {
    let dir = full_built();
    let skill = page(&dir, "skills/databases/index.html");
    let canonical = "https://example.github.io/full-handbook/skills/databases/";
    for tag in [
        format!(r#"<link rel="canonical" href="{canonical}">"#),
        format!(r#"<meta property="og:url" content="{canonical}">"#),
        r#"<meta property="og:type" content="article">"#.to_string(),
        r#"<meta property="og:site_name" content="Full Test Handbook">"#.to_string(),
        r#"<meta property="og:title" content="Databases">"#.to_string(),
        r#"<meta name="twitter:card" content="summary">"#.to_string(),
        r#"<link rel="alternate" type="application/atom+xml" title="Full Test Handbook" href="../../atom.xml">"#.to_string(),
    ] {
        assert!(skill.contains(&tag), "missing {tag}");
    }
    assert!(skill.contains(r#"<meta property="og:description" content=""#));
    let home = page(&dir, "index.html");
    assert!(home.contains(r#"<meta property="og:type" content="website">"#));
    assert!(home.contains(
        r#"<meta property="og:url" content="https://example.github.io/full-handbook/">"#
    ));
    // The 404 page is not for indexing or sharing.
    let missing = page(&dir, "404.html");
    assert!(missing.contains(r#"<meta name="robots" content="noindex">"#));
    assert!(!missing.contains("og:url"));
}

#[test]
fn structured_data_is_valid_json_ld_of_a_fitting_type() {
    let dir = full_built();
    let ld = |rel: &str| {
        let mut v = json_ld(&page(&dir, rel));
        assert_eq!(v.len(), 1, "{rel}: one JSON-LD object");
        v.remove(0)
    };
    let home = ld("index.html");
    assert_eq!(home["@context"], "https://schema.org");
    assert_eq!(home["@type"], "WebSite");
    assert_eq!(home["url"], "https://example.github.io/full-handbook/");

    let role = ld("roles/backend-developer/index.html");
    assert_eq!(role["@type"], "Occupation");
    assert_eq!(role["name"], "Backend Developer");
    assert_eq!(
        role["url"],
        "https://example.github.io/full-handbook/roles/backend-developer/"
    );
    let salaries = role["estimatedSalary"].as_array().expect("salaries");
    assert!(!salaries.is_empty());
    for s in salaries {
        assert_eq!(s["@type"], "MonetaryAmount");
        assert!(s["currency"].as_str().is_some_and(|c| c.len() == 3), "{s}");
        assert_eq!(s["value"]["unitText"], "YEAR");
        assert!(s["value"]["minValue"].is_u64(), "{s}");
    }
    assert_snapshot!(
        "json_ld_of_backend_developer",
        serde_json::to_string_pretty(&role).expect("JSON")
    );

    let phase = ld("phases/foundations/index.html");
    assert_eq!(phase["@type"], "LearningResource");
    assert_eq!(phase["timeRequired"], "P6W");
    let skill = ld("skills/databases/index.html");
    assert_eq!(skill["@type"], "LearningResource");
    // Free pages have no fitting type.
    assert!(json_ld(&page(&dir, "faq/index.html")).is_empty());
}

#[test]
fn json_ld_cannot_end_its_script_element() {
    let dir = fixture("base");
    let role = expect_file(&dir, "content/roles/backend-developer.md").replace(
        "summary = \"Builds and runs services.\"",
        "summary = \"Builds </script><script>alert(1)</script> services.\"",
    );
    change_file(&dir, "content/roles/backend-developer.md", role);
    build(&dir).assert_ok();
    let html = page(&dir, "roles/backend-developer/index.html");
    let v = json_ld(&html);
    assert_eq!(
        v[0]["description"],
        "Builds </script><script>alert(1)</script> services."
    );
    assert!(!html.contains("<script>alert(1)"), "{html}");
}

/// The base fixture as a git repository: everything committed on
/// 2026-11-20, then the caching skill changed on 2026-11-21.
fn base_with_history() -> TempDir {
    let dir = fixture("base");
    commit_all(&dir, "2026-11-20T10:00:00+02:00", "First version");
    let skill = expect_file(&dir, "content/skills/caching.md");
    change_file(
        &dir,
        "content/skills/caching.md",
        format!("{skill}\nMore about caching.\n"),
    );
    commit_all(&dir, "2026-11-21T23:30:00-01:00", "More on caching");
    dir
}

#[test]
fn pages_show_their_last_change_from_git_history() {
    let dir = base_with_history();
    // A file not yet committed has no date, and breaks nothing.
    change_file(
        &dir,
        "content/pages/new.md",
        "+++\ntitle = \"New\"\n+++\nNot committed yet.\n",
    );
    build(&dir).assert_ok();
    // Shown in UTC: 23:30 at -01:00 is 00:30 the next day.
    let caching = page(&dir, "skills/caching/index.html");
    assert!(
        caching.contains(
            r#"Last updated <time datetime="2026-11-22T00:30:00Z">22 November 2026</time>"#
        ),
        "{caching}"
    );
    assert!(
        caching
            .contains(r#"<meta property="article:modified_time" content="2026-11-22T00:30:00Z">"#)
    );
    let apis = page(&dir, "skills/apis/index.html");
    assert!(
        apis.contains(r#"<time datetime="2026-11-20T08:00:00Z">20 November 2026</time>"#),
        "{apis}"
    );
    assert!(!page(&dir, "new/index.html").contains("Last updated"));

    let sitemap = page(&dir, "sitemap.xml");
    assert!(sitemap.contains(
        "<loc>https://example.org/handbook/skills/caching/</loc><lastmod>2026-11-22T00:30:00Z</lastmod>"
    ), "{sitemap}");
    // An overview changes when anything it lists changes.
    assert!(
        sitemap.contains(
            "<loc>https://example.org/handbook/skills/</loc><lastmod>2026-11-22T00:30:00Z</lastmod>"
        ),
        "{sitemap}"
    );
    assert!(
        sitemap.contains(
            "<loc>https://example.org/handbook/roles/</loc><lastmod>2026-11-20T08:00:00Z</lastmod>"
        ),
        "{sitemap}"
    );
    assert!(sitemap.contains("<loc>https://example.org/handbook/new/</loc></url>"));

    // The feed starts with the latest change and is dated by it.
    let feed = page(&dir, "atom.xml");
    let ids = xml_urls(&feed, "id", None);
    assert_eq!(ids[0], "https://example.org/handbook/");
    assert_eq!(ids[1], "https://example.org/handbook/skills/caching/");
    assert!(feed.contains("  <updated>2026-11-22T00:30:00Z</updated>\n  <author>"));
    // Undated pages come last.
    assert_eq!(
        ids.last().map(String::as_str),
        Some("https://example.org/handbook/new/")
    );
}

#[test]
fn a_handbook_inside_a_larger_repository_gets_its_dates() {
    let repo = fixture("base");
    // Move the handbook one folder down, as in a monorepo.
    let inner = repo.join("docs/roadmap");
    std::fs::create_dir_all(&inner).unwrap();
    for name in ["handbook.toml", "content"] {
        std::fs::rename(repo.join(name), inner.join(name)).unwrap();
    }
    commit_all(&repo, "2026-11-20T10:00:00Z", "Add the roadmap");
    run(&repo, &["build", "--root", "docs/roadmap"]).assert_ok();
    let skill = expect_file(&repo, "docs/roadmap/public/skills/apis/index.html");
    assert!(skill.contains("Last updated <time"), "{skill}");
}

#[test]
fn feed_and_sitemap_are_the_same_for_two_builds() {
    for dir in [full(), base_with_history()] {
        let out = TempDir::new("feeds");
        for name in ["a", "b"] {
            let path = out.join(name);
            build_with(&dir, &["--output", &path.display().to_string()]).assert_ok();
        }
        for file in ["sitemap.xml", "atom.xml", "robots.txt"] {
            let a = std::fs::read(out.join("a").join(file));
            let b = std::fs::read(out.join("b").join(file));
            assert_eq!(a.ok(), b.ok(), "{file} differs between two builds");
        }
        assert_same_tree(
            &tree(&out.join("a")),
            &tree(&out.join("b")),
            "two builds differ",
        );
    }
}

#[test]
fn feed_without_history_is_deterministic_and_never_dated_now() {
    let dir = fixture("base");
    build(&dir).assert_ok();
    let feed = page(&dir, "atom.xml");
    roxmltree::Document::parse(&feed).expect("the feed is XML");
    // No git dates: the epoch, not the build time.
    assert!(
        feed.contains("  <updated>1970-01-01T00:00:00Z</updated>\n"),
        "{feed}"
    );
    let ids = xml_urls(&feed, "id", None);
    let mut sorted = ids[1..].to_vec();
    sorted.sort();
    assert_eq!(ids[1..], sorted[..], "undated entries are in URL order");
}

/// The theme's file under its hashed name, from the `public/assets` folder:
/// `roadbook` + `css` → `assets/roadbook.<16 hex>.css`.
fn hashed_assets(dir: &TempDir, stem: &str, ext: &str) -> Vec<String> {
    tree(&dir.join("public/assets"))
        .into_keys()
        .filter(|name| {
            name.strip_prefix(&format!("{stem}."))
                .and_then(|r| r.strip_suffix(&format!(".{ext}")))
                .is_some_and(|h| h.len() == 16 && h.chars().all(|c| c.is_ascii_hexdigit()))
        })
        .map(|name| format!("assets/{name}"))
        .collect()
}

#[test]
fn css_and_js_are_published_under_content_hashed_names() {
    let dir = full_built();
    let css = hashed_assets(&dir, "roadbook", "css");
    let js = hashed_assets(&dir, "roadbook", "js");
    let hl = hashed_assets(&dir, "highlight", "css");
    assert_eq!(
        (css.len(), js.len(), hl.len()),
        (1, 1, 1),
        "{:#?}",
        tree(&dir.join("public/assets")).keys()
    );
    let theme_css = std::fs::read(repo_root().join("static/assets/roadbook.css")).unwrap();
    assert_eq!(
        std::fs::read(dir.join("public").join(&css[0])).unwrap(),
        theme_css
    );
    // No stale copy under the plain names.
    for plain in [
        "assets/roadbook.css",
        "assets/roadbook.js",
        "assets/highlight.css",
    ] {
        expect_no_file(&dir, &format!("public/{plain}"));
    }
    let skill = page(&dir, "skills/databases/index.html");
    assert!(skill.contains(&format!(
        r#"<link rel="stylesheet" href="../../{}">"#,
        css[0]
    )));
    assert!(skill.contains(&format!(r#"<script src="../../{}" defer>"#, js[0])));
    let missing = page(&dir, "404.html");
    assert!(
        missing.contains(&format!(r#"href="/full-handbook/{}""#, css[0])),
        "{missing}"
    );

    // The handbook's own stylesheet replaces the theme's, under its own hash.
    change_file(
        &dir,
        "static/assets/roadbook.css",
        "body { color: rebeccapurple }\n",
    );
    build(&dir).assert_ok();
    let own = hashed_assets(&dir, "roadbook", "css");
    assert_eq!(own.len(), 1);
    assert_ne!(own, css, "a changed stylesheet gets a new name");
    assert_eq!(page(&dir, &own[0]), "body { color: rebeccapurple }\n");
    assert_eq!(
        hashed_assets(&dir, "roadbook", "js"),
        js,
        "the script did not change"
    );
    expect_no_file(&dir, "public/assets/roadbook.css");
}

#[test]
fn plain_asset_names_stay_for_templates_that_still_use_them() {
    let dir = fixture("base");
    let base = std::fs::read_to_string(repo_root().join("templates/base.html")).unwrap();
    change_file(
        &dir,
        "templates/base.html",
        base.replace(
            "{{ root }}{{ site.assets.css }}",
            "{{ root }}assets/roadbook.css",
        ),
    );
    build(&dir).assert_ok();
    assert_eq!(hashed_assets(&dir, "roadbook", "css").len(), 1);
    page(&dir, "assets/roadbook.css");
    expect_no_file(&dir, "public/assets/roadbook.js");
    assert!(broken_links(&dir.join("public")).is_empty());
}

#[test]
fn crawler_reports_missing_pages_assets_and_fragments() {
    let dir = TempDir::new("crawl");
    change_file(
        &dir,
        "index.html",
        r##"<link rel="stylesheet" href="gone.css"><a href="a/">a</a> <a href="a/#nowhere">x</a> <a href="https://elsewhere.org/">out</a> <link rel="canonical" href="https://e.org/hb/b/">"##,
    );
    change_file(
        &dir,
        "a/index.html",
        r#"<h1 id="top">A</h1><a href="../a">no slash</a>"#,
    );
    change_file(&dir, "404.html", "missing");
    let server = Server::start(dir.path(), "/hb/");
    let crawled = crawl(&server, "https://e.org/hb", "/hb/", "/hb/");
    assert_eq!(
        crawled.problems,
        [
            "/hb/: a/#nowhere (no id=\"nowhere\" in /hb/a/)",
            "/hb/: gone.css (/hb/gone.css answered 404)",
            "/hb/: https://e.org/hb/b/ (/hb/b/ answered 404)",
            "/hb/a/: ../a (/hb/a answered 301)",
        ]
    );
}
