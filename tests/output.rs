//! What a build writes and where: the output folder's safety, every link
//! of a built site resolving, byte-identical builds, the command line, and
//! the bundled handbook's completeness.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a test reports failure by panicking"
)]

mod harness;

use std::path::{Path, PathBuf};

use harness::links::*;
use harness::*;
use insta::assert_snapshot;

// ---------------------------------------------------------------------------
// Output folder safety.
// ---------------------------------------------------------------------------

fn staging_leftovers(root: &Path) -> Vec<String> {
    std::fs::read_dir(root)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.contains(".roadbook-new-") || n.contains(".roadbook-old-"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn failed_build_leaves_previous_output_byte_identical() {
    let dir = full_built();
    let before = tree(&dir.join("public"));
    assert!(before.contains_key(".roadbook-output"));

    // A content error (found by check) and a template error (found while
    // rendering, after every check passed).
    let skill = expect_file(&dir, "content/skills/caching.md");
    change_file(
        &dir,
        "content/skills/caching.md",
        skill.replace("difficulty = \"advanced\"", "difficulty = \"hard\""),
    );
    build(&dir).assert_code(1);
    assert_same_tree(&before, &tree(&dir.join("public")), "after a content error");
    assert_eq!(staging_leftovers(dir.path()), Vec::<String>::new());

    change_file(&dir, "content/skills/caching.md", skill);
    change_file(
        &dir,
        "templates/skill.html",
        "{% extends \"base.html\" %}{% block content %}{{ skill.no_such_field.deeper }}{% endblock content %}",
    );
    build(&dir).assert_code(1);
    assert_same_tree(
        &before,
        &tree(&dir.join("public")),
        "after a template error",
    );
    assert_eq!(staging_leftovers(dir.path()), Vec::<String>::new());
}

#[test]
fn successful_rebuild_replaces_the_output_and_leaves_no_staging_folders() {
    let dir = full_built();
    change_file(&dir, "public/stale.html", "old");
    remove_file(&dir, "content/pages/about.md");
    build(&dir).assert_ok();
    expect_no_file(&dir, "public/stale.html");
    expect_no_file(&dir, "public/about/index.html");
    page(&dir, "faq/index.html");
    assert_eq!(staging_leftovers(dir.path()), Vec::<String>::new());
}

#[test]
fn refused_output_folders_are_left_untouched() {
    let dir = fixture("base");
    change_file(&dir, "static/robots.txt", "User-agent: *\n");
    change_file(&dir, "templates/extra.html", "<p>{{ page.title }}</p>\n");
    change_file(&dir, "mine/notes.txt", "my own notes\n");
    let mut report = String::new();
    for output in ["content", ".", "static", "templates", "mine"] {
        let before = tree(dir.path());
        let run = build_with(&dir, &["--output", output]);
        assert_eq!(
            run.code,
            Some(2),
            "--output {output}: a refused output folder is a command-line error"
        );
        assert_same_tree(&before, &tree(dir.path()), &format!("--output {output}"));
        report.push_str(&format!(
            "$ roadbook build --output {output}\n{}\n",
            run.stderr
        ));
    }
    expect_no_file(&dir, "public");
    assert_snapshot!("refused_output_folders", report);
}

#[test]
fn the_home_folder_is_refused_as_output() {
    let dir = fixture("base");
    let home = TempDir::new("home");
    change_file(&home, "notes.txt", "mine\n");
    let before = tree(home.path());
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_roadbook"))
        .args(["build", "--output"])
        .arg(home.path())
        .current_dir(dir.path())
        .env("HOME", home.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("the home folder"), "{stderr}");
    assert_same_tree(&before, &tree(home.path()), "the home folder");
}

#[test]
fn an_empty_folder_is_taken_as_output_and_owned_from_then_on() {
    let dir = fixture("base");
    std::fs::create_dir_all(dir.join("site")).unwrap();
    build_with(&dir, &["--output", "site"]).assert_ok();
    expect_file(&dir, "site/index.html");
    assert!(dir.join("site/.roadbook-output").is_file());
    // Now roadbook's: a second build replaces it.
    change_file(&dir, "site/stale.html", "old");
    build_with(&dir, &["--output", "site"]).assert_ok();
    expect_no_file(&dir, "site/stale.html");
    // A folder that is neither empty nor roadbook's is refused.
    change_file(&dir, "other/mine.txt", "mine\n");
    build_with(&dir, &["--output", "other"]).assert_code(2);
    assert_eq!(expect_file(&dir, "other/mine.txt"), "mine\n");
}

#[test]
fn timings_list_every_stage_in_order_and_their_total() {
    let dir = fixture("base");
    let run = build_with(&dir, &["--timings"]).assert_ok();
    let report = run
        .stderr
        .split_once("timings:\n")
        .map(|(_, r)| r)
        .unwrap_or_else(|| panic!("no timings:\n{}", run.stderr));
    let mut stages = Vec::new();
    let mut sum = 0.0;
    let mut total = None;
    for line in report
        .lines()
        .take_while(|l| l.starts_with("  ") && !l.starts_with("  ("))
    {
        let mut words = line.split_whitespace();
        let (name, ms) = (words.next().unwrap(), words.next().unwrap());
        assert_eq!(words.next(), Some("ms"), "{line}");
        let ms: f64 = ms.parse().unwrap_or_else(|_| panic!("{line}"));
        if name == "total" {
            total = Some(ms);
        } else {
            stages.push(name.to_string());
            sum += ms;
        }
    }
    // The stages of ARCHITECTURE.md, in pipeline order (writing is the
    // swap of the staged folder into place).
    let order: Vec<usize> = ["load", "parse", "resolve", "render", "swap"]
        .iter()
        .map(|s| {
            stages
                .iter()
                .position(|x| x == s)
                .unwrap_or_else(|| panic!("no `{s}` in {stages:?}"))
        })
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{stages:?}");
    let total = total.expect("a total line");
    // Each figure is rounded to 0.01 ms.
    assert!(
        (total - sum).abs() <= 0.01 * (stages.len() as f64 + 1.0),
        "{report}"
    );
    // Without the flag, no report.
    assert!(!build(&dir).assert_ok().stderr.contains("timings:"));
}

// ---------------------------------------------------------------------------
// Every link of a built site resolves.
// ---------------------------------------------------------------------------

#[test]
fn resolve_url_follows_relative_paths() {
    assert_eq!(
        resolve_url("skills/a/index.html", "../../roles/b/").as_deref(),
        Some("roles/b/index.html")
    );
    assert_eq!(
        resolve_url("index.html", "./").as_deref(),
        Some("index.html")
    );
    assert_eq!(
        resolve_url("faq/index.html", "../").as_deref(),
        Some("index.html")
    );
    assert_eq!(
        resolve_url("skills/a/index.html", "../../skills/d.png").as_deref(),
        Some("skills/d.png")
    );
    assert_eq!(resolve_url("index.html", "../x"), None);
}

#[test]
fn link_checker_reports_missing_files_and_fragments() {
    let dir = TempDir::new("links");
    change_file(
        &dir,
        "index.html",
        r##"<a href="a/">a</a> <a href="a/#top">top</a> <a href="https://e.org/x">x</a>"##,
    );
    change_file(
        &dir,
        "a/index.html",
        r##"<h1 id="top">A</h1><a href="../b/">b</a> <a href="../#nowhere">home</a> <img src="/abs.png"> <a href="../../out/">out</a>"##,
    );
    let broken = broken_links(dir.path());
    assert_eq!(
        broken,
        [
            "a/index.html: ../b/ (no file b/index.html)",
            "a/index.html: ../#nowhere (no id=\"nowhere\" in index.html)",
            "a/index.html: ../../out/ (leaves the site)",
            "a/index.html: /abs.png (root-absolute)",
        ]
    );
}

#[test]
fn every_link_of_the_full_fixture_resolves() {
    let dir = full();
    build_with(&dir, &["--drafts"]).assert_ok();
    let broken = broken_links(&dir.join("public"));
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn every_link_of_the_bundled_handbook_resolves() {
    let dir = bundled();
    build(&dir).assert_ok();
    let broken = broken_links(&dir.join("public"));
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

// ---------------------------------------------------------------------------
// Determinism and the command line.
// ---------------------------------------------------------------------------

#[test]
fn builds_are_byte_identical() {
    let dir = full();
    let out = TempDir::new("outputs");
    for name in ["a", "b"] {
        let path = out.join(name);
        build_with(&dir, &["--output", &path.display().to_string()]).assert_ok();
    }
    let a = tree(&out.join("a"));
    assert!(a.contains_key("index.html"));
    assert_same_tree(&a, &tree(&out.join("b")), "two builds differ");
}

#[test]
fn unknown_flag_exits_with_status_2() {
    let dir = fixture("base");
    let run = build_with(&dir, &["--no-such-flag"]).assert_code(2);
    assert!(run.stderr.contains("--no-such-flag"), "{}", run.stderr);
    expect_no_file(&dir, "public");
}

#[test]
fn check_on_a_valid_handbook_exits_0_and_writes_nothing() {
    let dir = full();
    let before = tree(dir.path());
    check(&dir).assert_ok();
    expect_no_file(&dir, "public");
    assert_same_tree(
        &before,
        &tree(dir.path()),
        "check changed the handbook folder",
    );
}

#[test]
fn build_reports_pages_and_files_written() {
    let dir = fixture("base");
    let run = build(&dir).assert_ok();
    assert_snapshot!("build_summary", run.stderr);
}

#[test]
fn root_flag_builds_a_handbook_elsewhere() {
    let dir = fixture("base");
    let elsewhere = TempDir::new("cwd");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_roadbook"))
        .args(["build", "--root"])
        .arg(dir.path())
        .current_dir(elsewhere.path())
        .output()
        .expect("run roadbook");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    page(&dir, "skills/databases/index.html");
    assert!(tree(elsewhere.path()).is_empty());
}

// ---------------------------------------------------------------------------
// The bundled handbook.
// ---------------------------------------------------------------------------

/// `03-apis.md` → `apis`.
fn slug_of(file_name: &str) -> String {
    let stem = file_name.strip_suffix(".md").unwrap_or(file_name);
    let digits = stem.bytes().take_while(u8::is_ascii_digit).count();
    match stem.get(digits..) {
        Some(rest) if digits > 0 && rest.len() > 1 && rest.starts_with('-') => {
            rest[1..].to_string()
        }
        _ => stem.to_string(),
    }
}

fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "md"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn is_draft(text: &str) -> bool {
    let front = text
        .strip_prefix("+++")
        .and_then(|rest| rest.split_once("\n+++").map(|(f, _)| f))
        .unwrap_or("");
    front.lines().any(|l| l.replace(' ', "") == "draft=true")
}

#[test]
fn bundled_handbook_has_a_page_for_every_file() {
    let dir = bundled();
    build(&dir).assert_ok();
    let mut missing = Vec::new();
    let mut seen = 0;
    for folder in ["skills", "roles", "phases"] {
        for file in markdown_files(&dir.join(&format!("content/{folder}"))) {
            let text = std::fs::read_to_string(&file).expect("bundled file is UTF-8");
            if is_draft(&text) {
                continue;
            }
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let url = format!("public/{folder}/{}/index.html", slug_of(&name));
            seen += 1;
            if !dir.join(&url).is_file() {
                missing.push(format!("content/{folder}/{name} → {url}"));
            }
        }
    }
    assert!(seen > 0);
    assert!(missing.is_empty(), "pages missing:\n{}", missing.join("\n"));
}

#[test]
fn bundled_handbook_has_no_orphan_skills() {
    let dir = bundled();
    build(&dir).assert_ok();
    let json: serde_json::Value =
        serde_json::from_str(&page(&dir, "handbook.json")).expect("handbook.json parses");
    let skills = json["skills"].as_array().expect("skills array");
    assert!(!skills.is_empty());
    let mut orphans = Vec::new();
    for s in skills {
        let slug = s["slug"].as_str().unwrap_or("?");
        let phases = s["phases"].as_array().map_or(0, Vec::len);
        let roles = s["roles"].as_array().map_or(0, Vec::len);
        if phases == 0 {
            orphans.push(format!("{slug}: no phase builds it"));
        }
        if roles == 0 {
            orphans.push(format!("{slug}: no role needs it"));
        }
    }
    assert!(orphans.is_empty(), "orphan skills:\n{}", orphans.join("\n"));
}

// Robustness (no input makes the library panic, diagnostics stay inside
// their files, check agrees with build, a rebuild equals a build) lives in
// tests/mutations.rs.
