//! Search, end to end: the index the build makes, and the search box in a
//! real browser (Debian's headless Chromium, driven by
//! `tests/search/drive.mjs` through playwright-core, with axe-core), over
//! the built site served under its sub-path and over `serve`'s preview.
//!
//! The browser tests need `node` and the npm packages `.ci/run` installs
//! into `.ci/node`; without them they skip, unless
//! `ROADBOOK_REQUIRE_BROWSER=1` (CI) makes that a failure.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a test reports failure by panicking"
)]

mod harness;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use harness::preview::Server as Preview;
use harness::server::Server;
use harness::*;

/// A skill whose body has a word no other page has, and a heading.
const QUORBLE: &str = "+++\ntitle = \"Quorble Tooling\"\nsummary = \"Tools for quorbling.\"\ncategory = \"core\"\ndifficulty = \"advanced\"\n+++\n\nQuorbling needs care.\n\n## Frobnication pitfalls\n\nFrobnication goes wrong when rushed.\n";

fn handbook() -> TempDir {
    let dir = fixture("full");
    change_file(
        &dir,
        "content/skills/quorble.md",
        QUORBLE.replace("needs care.", "needs care and zyxquorble."),
    );
    dir
}

#[test]
fn the_build_ships_an_index_of_the_marked_pages() {
    let dir = handbook();
    build(&dir).assert_ok();
    let entry = expect_file(&dir, "public/pagefind/pagefind-entry.json");
    // Every page the templates marked (skills, roles, phases, free
    // pages), and only those.
    let site = tree(&dir.join("public"));
    let marked: Vec<&String> = site
        .iter()
        .filter(|(p, b)| {
            p.ends_with(".html") && String::from_utf8_lossy(b).contains("data-pagefind-body")
        })
        .map(|(p, _)| p)
        .collect();
    assert!(marked.len() >= 10, "{marked:?}");
    assert!(
        entry.contains(&format!("\"page_count\":{}", marked.len())),
        "{entry} {marked:?}"
    );
    expect_file(&dir, "public/pagefind/pagefind.js");
    expect_no_file(&dir, "public/pagefind/pagefind-ui.js");
    let skill = page(&dir, "skills/quorble/index.html");
    assert!(skill.contains("data-pagefind-body"), "the skill is marked");
    assert!(
        skill.contains("data-pagefind-filter=\"difficulty\""),
        "skills carry their difficulty"
    );
    assert!(
        skill.contains("<div class=\"search\" data-search"),
        "the box"
    );
    let list = page(&dir, "skills/index.html");
    assert!(
        !list.contains("data-pagefind-body"),
        "lists are not indexed"
    );
}

#[test]
fn search_false_leaves_out_the_index_and_the_box() {
    let dir = handbook();
    let toml = std::fs::read_to_string(dir.join("handbook.toml")).unwrap();
    change_file(&dir, "handbook.toml", format!("search = false\n{toml}"));
    build(&dir).assert_ok();
    expect_no_file(&dir, "public/pagefind/pagefind.js");
    let skill = page(&dir, "skills/quorble/index.html");
    assert!(!skill.contains("data-search"), "no box");
    assert!(!skill.contains("data-pagefind-body"), "no marks");
}

/// `node` and the packages the driver needs, if present.
fn driver() -> Option<(PathBuf, PathBuf)> {
    let modules = repo_root().join(".ci/node/node_modules");
    let node = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join("node"))
            .find(|p| p.is_file())
    });
    let chromium = std::env::var_os("ROADBOOK_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    let ready = node.is_some()
        && chromium.is_file()
        && modules.join("playwright-core").is_dir()
        && modules.join("axe-core").is_dir();
    if !ready {
        if std::env::var("ROADBOOK_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
            panic!(
                "node, chromium and .ci/node's playwright-core and axe-core are required (ROADBOOK_REQUIRE_BROWSER=1)"
            );
        }
        eprintln!("SKIPPED: no node, chromium or .ci/node packages (run .ci/run once)");
        return None;
    }
    Some((node?, modules))
}

fn drive(args: &[&str]) -> String {
    let (node, modules) = driver().expect("checked by the caller");
    let out = Command::new(node)
        .arg(repo_root().join("tests/search/drive.mjs"))
        .args(args)
        .env("ROADBOOK_NODE_MODULES", modules)
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "the browser check failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// In Chromium, over the built site under its sub-path: a body word finds
/// its skill, a heading's sub-result lands on the heading, the kind filter
/// narrows, the keyboard alone works, and axe finds nothing with results
/// open (each checked in drive.mjs).
#[test]
fn the_search_box_works_in_a_browser_under_a_sub_path() {
    if driver().is_none() {
        return;
    }
    let dir = handbook();
    build(&dir).assert_ok();
    let server = Server::start(&dir.join("public"), "/full-handbook/");
    let url = format!("http://{}/full-handbook/skills/databases/", server.addr());
    let out = drive(&["static", &url]);
    assert!(out.ends_with("ok\n"), "{out}");
}

/// `serve` indexes its in-memory site on every rebuild: a word saved after
/// it started is found.
#[test]
fn serve_finds_a_word_added_after_start() {
    if driver().is_none() {
        return;
    }
    let dir = fixture("full");
    change_file(&dir, "content/skills/quorble.md", QUORBLE);
    let mut server = Preview::start_in(dir.path(), &[]);
    let rebuilds = |log: &str| log.lines().filter(|l| l.starts_with("rebuilt in")).count();
    let before = rebuilds(&server.log());
    change_file(
        &dir,
        "content/skills/quorble.md",
        QUORBLE.replace("needs care.", "needs care and plimsquonk."),
    );
    // A debug build indexes slowly on a busy machine: a wider window.
    server.wait_for_log_within(Duration::from_secs(60), |log| {
        (rebuilds(log) > before).then_some(())
    });
    let out = drive(&[
        "serve",
        &format!("{}skills/databases/", server.url),
        "plimsquonk",
    ]);
    drop(server);
    assert!(out.ends_with("ok\n"), "{out}");
}
