//! roadbook's integration tests: tiny fixture handbooks built by the real
//! binary (see `harness`), one behaviour per test.
//!
//! - `tests/fixtures/base`: a small valid handbook. Each diagnostic test
//!   copies it and changes one file to make exactly one mistake, then
//!   snapshots the full report.
//! - `tests/fixtures/full`: uses every part of the authoring contract; the
//!   page tests build it and look at the output.
//!
//! Snapshots live in `tests/snapshots/`; after an intended change to a
//! message run `INSTA_UPDATE=always cargo test` and read every changed
//! `.snap` file before committing it.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a test reports failure by panicking"
)]

mod harness;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use harness::*;
use insta::assert_snapshot;

// ---------------------------------------------------------------------------
// Diagnostics: one mistake each, the whole report snapshotted.
// ---------------------------------------------------------------------------

/// The base handbook with one file replaced (or added).
fn base_with(rel: &str, contents: impl AsRef<[u8]>) -> TempDir {
    let dir = fixture("base");
    change_file(&dir, rel, contents);
    dir
}

#[test]
fn base_fixture_is_valid() {
    let dir = fixture("base");
    let run = check(&dir).assert_ok();
    assert_eq!(
        run.stderr,
        "no errors: 3 skills, 1 role, 2 phases, 1 page\n"
    );
}

#[test]
fn unknown_key_suggests_the_closest_known_key() {
    let dir = base_with(
        "content/skills/caching.md",
        r#"+++
title = "Caching"
summary = "Keeping answers close at hand."
category = "practices"
difficulty = "advanced"
prerequisits = ["apis"]
+++

Cache what is slow to compute.
"#,
    );
    assert_snapshot!("unknown_key", expect_errors(&dir));
}

#[test]
fn missing_required_key_is_named() {
    let dir = base_with(
        "content/roles/backend-developer.md",
        r#"+++
title = "Backend Developer"
summary = "Builds and runs services."
level = 2
+++

Builds things.
"#,
    );
    assert_snapshot!("missing_required_key", expect_errors(&dir));
}

#[test]
fn wrong_type_names_what_was_expected_and_found() {
    let dir = base_with(
        "content/roles/backend-developer.md",
        r#"+++
title = "Backend Developer"
summary = "Builds and runs services."
level = "two"
responsibilities = ["Build services"]
+++
"#,
    );
    assert_snapshot!("wrong_type", expect_errors(&dir));
}

#[test]
fn bad_difficulty_lists_the_allowed_values() {
    let dir = base_with(
        "content/skills/caching.md",
        r#"+++
title = "Caching"
summary = "Keeping answers close at hand."
category = "practices"
difficulty = "expert"
+++
"#,
    );
    let report = expect_errors(&dir);
    assert!(
        report.contains(r#""beginner", "intermediate", "advanced""#),
        "{report}"
    );
    assert_snapshot!("bad_difficulty", report);
}

#[test]
fn unknown_category_suggests_a_defined_one() {
    let dir = base_with(
        "content/skills/caching.md",
        r#"+++
title = "Caching"
summary = "Keeping answers close at hand."
category = "practises"
difficulty = "advanced"
+++
"#,
    );
    assert_snapshot!("unknown_category", expect_errors(&dir));
}

#[test]
fn unknown_category_help_lists_categories_spelled_correctly() {
    // Regression: the help said "categorys" (and would have suggested a
    // `[[categorys]]` table).
    let dir = base_with(
        "content/skills/caching.md",
        r#"+++
title = "Caching"
summary = "Keeping answers close at hand."
category = "speed"
difficulty = "advanced"
+++
"#,
    );
    let report = expect_errors(&dir);
    assert!(!report.contains("categorys"), "{report}");
    assert_snapshot!("unknown_category_no_close_match", report);
}

#[test]
fn unknown_track_suggests_a_defined_one() {
    let dir = base_with(
        "content/phases/02-services.md",
        r#"+++
title = "Services"
track = "learning-paths"
order = 2
summary = "Build services on top of the data."
+++
"#,
    );
    assert_snapshot!("unknown_track", expect_errors(&dir));
}

const ROLE_HEAD: &str = r#"+++
title = "Backend Developer"
summary = "Builds and runs services."
level = 2
responsibilities = ["Build services"]
"#;

#[test]
fn unknown_salary_source_is_an_error() {
    let dir = base_with(
        "content/roles/backend-developer.md",
        format!(
            r#"{ROLE_HEAD}
[[salary]]
region = "India"
currency = "INR"
min = 600000
max = 1200000
source = "the-survey"
+++
"#
        ),
    );
    assert_snapshot!("unknown_source", expect_errors(&dir));
}

#[test]
fn unknown_skill_level_in_a_role_lists_the_levels() {
    let dir = base_with(
        "content/roles/backend-developer.md",
        format!(
            r#"{ROLE_HEAD}
[skills]
databases = "proficient"
apis = "master"
+++
"#
        ),
    );
    let report = expect_errors(&dir);
    assert!(
        report.contains(r#""familiar", "proficient", "expert""#),
        "{report}"
    );
    assert_snapshot!("unknown_skill_level", report);
}

#[test]
fn non_string_skill_level_names_the_skill() {
    // Regression: messages about a role's `skills` table called the value
    // "`a required skill level`", as if that were a key.
    let dir = base_with(
        "content/roles/backend-developer.md",
        format!("{ROLE_HEAD}\n[skills]\ndatabases = 3\n+++\n"),
    );
    assert_snapshot!("non_string_skill_level", expect_errors(&dir));
}

#[test]
fn duplicate_phase_order_in_a_track_names_both_phases() {
    let dir = base_with(
        "content/phases/02-services.md",
        r#"+++
title = "Services"
track = "learning-path"
order = 1
summary = "Build services on top of the data."
+++
"#,
    );
    assert_snapshot!("duplicate_phase_order", expect_errors(&dir));
}

#[test]
fn prerequisite_cycle_names_every_skill_in_it() {
    // caching → apis → databases (base), and now databases → caching.
    let dir = base_with(
        "content/skills/databases.md",
        r#"+++
title = "Databases"
summary = "Storing and querying data."
category = "core"
difficulty = "beginner"
prerequisites = ["caching"]
+++

## Indexes
"#,
    );
    let report = expect_errors(&dir);
    for slug in ["databases", "apis", "caching"] {
        assert!(report.contains(slug), "{report}");
    }
    assert_snapshot!("prerequisite_cycle", report);
}

#[test]
fn salary_min_above_max_is_an_error() {
    let dir = base_with(
        "content/roles/backend-developer.md",
        format!(
            r#"{ROLE_HEAD}
[[salary]]
region = "India"
currency = "INR"
min = 1200000
max = 600000
+++
"#
        ),
    );
    assert_snapshot!("salary_min_above_max", expect_errors(&dir));
}

#[test]
fn missing_body_link_target_suggests_the_closest_slug() {
    let dir = base_with(
        "content/skills/caching.md",
        r#"+++
title = "Caching"
summary = "Keeping answers close at hand."
category = "practices"
difficulty = "advanced"
+++

Cache what the [database](skill:databse) answers slowly.
"#,
    );
    assert_snapshot!("missing_body_link_target", expect_errors(&dir));
}

#[test]
fn missing_front_matter_reference_suggests_the_closest_slug() {
    let dir = base_with(
        "content/phases/02-services.md",
        r#"+++
title = "Services"
track = "learning-path"
order = 2
summary = "Build services on top of the data."
skills = ["apis", "cachin"]
+++
"#,
    );
    assert_snapshot!("missing_front_matter_reference", expect_errors(&dir));
}

#[test]
fn missing_heading_fragment_suggests_the_closest_heading() {
    let dir = base_with(
        "content/roles/backend-developer.md",
        format!("{ROLE_HEAD}+++\n\nRead the [FAQ](page:faq#salary) first.\n"),
    );
    assert_snapshot!("missing_heading_fragment", expect_errors(&dir));
}

#[test]
fn bad_slug_character_is_named_with_a_suggested_file_name() {
    let dir = base_with(
        "content/skills/Data_Base.md",
        r#"+++
title = "Data base"
summary = "A badly named file."
category = "core"
difficulty = "beginner"
+++
"#,
    );
    assert_snapshot!("bad_slug_characters", expect_errors(&dir));
}

#[test]
fn unclosed_front_matter_points_at_the_opening_line() {
    let dir = base_with(
        "content/skills/caching.md",
        "+++\ntitle = \"Caching\"\nsummary = \"Keeping answers close at hand.\"\n\nCache what is slow.\n",
    );
    assert_snapshot!("unclosed_front_matter", expect_errors(&dir));
}

#[test]
fn invalid_toml_syntax_points_into_the_front_matter() {
    let dir = base_with(
        "content/skills/caching.md",
        r#"+++
title = "Caching"
summary = "Keeping answers close at hand."
category = "practices"
difficulty = advanced
+++
"#,
    );
    assert_snapshot!("invalid_toml", expect_errors(&dir));
}

#[test]
fn file_that_is_not_utf8_is_named_with_its_line() {
    let mut bytes = b"+++\ntitle = \"Caching\"\nsummary = \"Fast.\"\ncategory = \"practices\"\ndifficulty = \"advanced\"\n+++\n\nCaf".to_vec();
    bytes.extend_from_slice(&[0xE9, b'\n']); // Latin-1 "é"
    let dir = base_with("content/skills/caching.md", bytes);
    assert_snapshot!("not_utf8", expect_errors(&dir));
}

#[test]
fn page_slug_colliding_with_a_reserved_path_is_an_error() {
    let dir = base_with(
        "content/pages/skills.md",
        "+++\ntitle = \"Our skills\"\n+++\n\nA page that would hide /skills/.\n",
    );
    assert_snapshot!("reserved_page_slug", expect_errors(&dir));
}

#[test]
fn page_slug_colliding_with_a_static_file_is_an_error() {
    let dir = base_with("content/pages/robots.md", "+++\ntitle = \"Robots\"\n+++\n");
    change_file(&dir, "static/robots.txt", "User-agent: *\n");
    // `robots` and `robots.txt` do not collide; `static/robots/` would.
    check(&dir).assert_ok();
    change_file(&dir, "static/robots/index.html", "<p>hi</p>\n");
    assert_snapshot!("static_page_slug", expect_errors(&dir));
}

#[test]
fn errors_in_several_files_are_reported_together_sorted_with_a_count() {
    let dir = fixture("base");
    change_file(
        &dir,
        "content/skills/caching.md",
        r#"+++
title = "Caching"
summary = "Keeping answers close at hand."
category = "practices"
difficulty = "advanced"
prerequisites = ["apis"]
tool = ["Redis"]
+++
"#,
    );
    change_file(
        &dir,
        "content/roles/backend-developer.md",
        format!("{ROLE_HEAD}\n[skills]\ndatabases = \"guru\"\n+++\n"),
    );
    change_file(
        &dir,
        "content/phases/01-basics.md",
        r#"+++
title = "Basics"
track = "learning-path"
order = 1
summary = "Learn to store data."
skills = ["database"]
+++

See the [FAQ](page:faqs).
"#,
    );
    let report = expect_errors(&dir);
    let files: Vec<&str> = report
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("--> "))
        .collect();
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files, sorted, "diagnostics are not sorted:\n{report}");
    assert_eq!(files.len(), 4, "{report}");
    assert!(
        report.ends_with("error: the handbook has 4 errors\n"),
        "{report}"
    );
    assert_snapshot!("several_errors", report);
}

// ---------------------------------------------------------------------------
// The full fixture: every feature of the contract, rendered.
// ---------------------------------------------------------------------------

/// The full fixture, built (without drafts).
fn full_built() -> TempDir {
    let dir = full();
    build(&dir).assert_ok();
    dir
}

#[test]
fn full_fixture_builds_every_page_at_its_contract_url() {
    let dir = full_built();
    for url in [
        "index.html",
        "skills/index.html",
        "skills/databases/index.html",
        "skills/apis/index.html", // from 03-apis.md: the prefix is not part of the slug
        "skills/caching/index.html",
        "roles/index.html",
        "roles/backend-developer/index.html",
        "roles/senior-backend-developer/index.html",
        "phases/index.html",
        "phases/foundations/index.html",
        "phases/services/index.html",
        "phases/junior-years/index.html",
        "phases/senior-years/index.html",
        "tracks/learning-path/index.html",
        "tracks/career/index.html",
        "matrix/index.html",
        "faq/index.html",
        "about/index.html",
        "404.html",
        "handbook.json",
    ] {
        page(&dir, url);
    }
    expect_no_file(&dir, "public/skills/03-apis/index.html");
    assert_eq!(page(&dir, "CNAME"), "roadmap.example.org\n");
}

#[test]
fn editor_leftovers_are_ignored() {
    // `full()` adds `.#x.md`, `x.md~` and `.x.md.swp`; each would fail the
    // build if it were read.
    let dir = full_built();
    expect_no_file(&dir, "public/skills/x/index.html");
    let files = tree(&dir.join("public"));
    assert!(
        files.keys().all(|f| !f.contains("x.md")),
        "{:#?}",
        files.keys()
    );
}

#[test]
fn static_files_are_copied_to_the_output_root() {
    let dir = full_built();
    assert_eq!(page(&dir, "robots.txt"), "User-agent: *\nAllow: /\n");
}

#[test]
fn links_between_pages_are_relative() {
    let dir = full_built();
    let skill = page(&dir, "skills/databases/index.html");
    assert!(skill.contains(r#"href="../../roles/backend-developer/""#));
    assert!(skill.contains(r#"href="../../phases/foundations/""#));
    let home = page(&dir, "index.html");
    assert!(home.contains(r#"href="skills/databases/""#));
    let faq = page(&dir, "faq/index.html");
    assert!(faq.contains(r#"href="../roles/backend-developer/""#));
}

#[test]
fn empty_link_text_takes_the_target_title() {
    let dir = full_built();
    let skill = page(&dir, "skills/databases/index.html");
    assert!(
        skill.contains(
            r#"<a href="../../roles/backend-developer/">Backend Developer</a> uses this"#
        ),
        "{skill}"
    );
    let home = page(&dir, "index.html");
    assert!(home.contains(r#"<a href="skills/databases/">Databases</a>"#));
    let phase = page(&dir, "phases/services/index.html");
    assert!(phase.contains(r#"<a href="../../phases/foundations/">Foundations</a>"#));
}

#[test]
fn fragment_links_keep_their_fragment() {
    let dir = full_built();
    let skill = page(&dir, "skills/databases/index.html");
    assert!(skill.contains(r#"<h2 id="indexes">"#));
    assert!(skill.contains(r##"<a href="#indexes">the top of this section</a>"##));
    let apis = page(&dir, "skills/apis/index.html");
    assert!(apis.contains(r##"href="../../skills/databases/#indexes""##));
    let home = page(&dir, "index.html");
    assert!(home.contains(r##"href="faq/#salaries""##));
}

#[test]
fn backlinks_list_the_pages_that_link_here() {
    let dir = full_built();
    let skill = page(&dir, "skills/databases/index.html");
    assert_snapshot!(
        "backlinks_of_databases",
        fragment(&skill, r#"<section class="backlinks""#, "</section>")
    );
    // A page that nobody links to has no backlinks section.
    let about = page(&dir, "about/index.html");
    assert!(!about.contains(r#"class="backlinks""#));
}

#[test]
fn skill_page_shows_computed_relations() {
    let dir = full_built();
    let skill = page(&dir, "skills/databases/index.html");
    assert_snapshot!(
        "relations_of_databases",
        fragment(&skill, r#"<section class="relations""#, "</section>")
    );
}

#[test]
fn fenced_rust_code_is_highlighted_with_classes() {
    let dir = full_built();
    let skill = page(&dir, "skills/databases/index.html");
    let block = fragment(&skill, r#"<pre class="hl" data-lang="rust">"#, "</pre>");
    assert!(block.contains(r#"<span class="k">fn"#), "{block}");
    assert!(block.contains(r#"<span class="n">1</span>"#), "{block}");
    assert!(page(&dir, "assets/highlight.css").contains(".k"));
}

#[test]
fn unknown_code_language_renders_plain_without_error() {
    let dir = full();
    let run = build(&dir).assert_ok();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let skill = page(&dir, "skills/databases/index.html");
    let block = fragment(&skill, r#"data-lang="notalanguage""#, "</pre>");
    assert!(!block.contains("<span"), "{block}");
    assert!(block.contains("SELECT * FROM nowhere;"), "{block}");
}

#[test]
fn drafts_are_left_out_without_the_flag() {
    let dir = full_built();
    expect_no_file(&dir, "public/skills/quantum/index.html");
    assert!(!page(&dir, "skills/index.html").contains("Quantum Backends"));
    assert!(!page(&dir, "handbook.json").contains("quantum"));
}

#[test]
fn drafts_are_built_with_the_flag() {
    let dir = full();
    build_with(&dir, &["--drafts"]).assert_ok();
    assert!(page(&dir, "skills/quantum/index.html").contains("Quantum Backends"));
    assert!(page(&dir, "skills/index.html").contains("Quantum Backends"));
}

#[test]
fn alias_gets_a_redirect_page_at_the_old_url() {
    let dir = full_built();
    let redirect = page(&dir, "skills/sql/index.html");
    assert!(
        redirect
            .contains(r#"<meta http-equiv="refresh" content="0; url=../../skills/databases/">"#),
        "{redirect}"
    );
    assert!(redirect.contains(
        r#"<link rel="canonical" href="https://example.github.io/full-handbook/skills/databases/">"#
    ));
}

#[test]
fn colocated_image_is_copied_beside_its_page() {
    let dir = full_built();
    let original = std::fs::read(dir.join("content/skills/diagram.png")).expect("fixture image");
    let copied = std::fs::read(dir.join("public/skills/diagram.png")).expect("copied image");
    assert_eq!(original, copied);
    let skill = page(&dir, "skills/databases/index.html");
    assert!(skill.contains(r#"<img src="../../skills/diagram.png" alt="diagram" />"#));
}

#[test]
fn handbook_json_exports_every_skill_with_relations() {
    let dir = full_built();
    let json: serde_json::Value =
        serde_json::from_str(&page(&dir, "handbook.json")).expect("handbook.json parses");
    let skills = json["skills"].as_array().expect("skills array");
    let slugs: BTreeSet<&str> = skills.iter().filter_map(|s| s["slug"].as_str()).collect();
    assert_eq!(slugs, BTreeSet::from(["apis", "caching", "databases"]));
    let apis = skills
        .iter()
        .find(|s| s["slug"] == "apis")
        .expect("apis exported");
    // Relations are slugs, so the file grows with the handbook, not with
    // the number of links.
    assert_eq!(apis["prerequisites"][0], "databases");
    assert_eq!(apis["unlocks"][0], "caching");
    assert!(apis["roles"].as_array().is_some_and(|r| {
        r.iter()
            .all(|x| x["slug"].is_string() && x["level"].is_string())
    }));
    assert_eq!(
        apis["url"],
        "https://example.github.io/full-handbook/skills/apis/"
    );
}

#[test]
fn salary_labels_follow_each_currency_convention() {
    let dir = full_built();
    let role = page(&dir, "roles/backend-developer/index.html");
    assert!(role.contains("₹15–25+ LPA"), "{role}");
    assert!(role.contains("$120k+"), "{role}");
    assert_snapshot!(
        "salary_table_of_backend_developer",
        fragment(
            &role,
            r#"<section aria-labelledby="salary-title">"#,
            "</section>"
        )
    );
}

#[test]
fn role_page_shows_experience_and_the_next_role() {
    let dir = full_built();
    let role = page(&dir, "roles/backend-developer/index.html");
    assert!(role.contains("2–5 years of experience"), "{role}");
    assert!(role.contains(r#"href="../../roles/senior-backend-developer/""#));
    let senior = page(&dir, "roles/senior-backend-developer/index.html");
    assert!(senior.contains("5+ years of experience"), "{senior}");
}

#[test]
fn phase_durations_in_weeks_and_months_add_up_per_track() {
    let dir = full_built();
    let json: serde_json::Value =
        serde_json::from_str(&page(&dir, "handbook.json")).expect("handbook.json parses");
    let totals: Vec<(&str, &str)> = json["tracks"]
        .as_array()
        .expect("tracks array")
        .iter()
        .map(|t| {
            (
                t["id"].as_str().unwrap_or_default(),
                t["total"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    // 4–6 weeks + 2 months ≈ 12.7–14.7 weeks ≈ 3–3.5 months (rounded to
    // half months); 12–24 months + an open-ended 3+ months.
    assert_eq!(
        totals,
        [("learning-path", "3–3.5 months"), ("career", "15+ months")]
    );
    let phase = page(&dir, "phases/foundations/index.html");
    assert!(phase.contains("4–6 weeks"), "{phase}");
}

#[test]
fn menu_lists_pages_marked_in_menu() {
    let dir = full_built();
    let home = page(&dir, "index.html");
    let nav = fragment(&home, "<nav", "</nav>");
    assert!(nav.contains(r#"href="faq/""#), "{nav}");
    assert!(!nav.contains(r#"href="about/""#), "{nav}");
}

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

// ---------------------------------------------------------------------------
// Every link of a built site resolves.
// ---------------------------------------------------------------------------

/// Every `href` and `src` attribute value in `html`.
fn attribute_urls(html: &str) -> Vec<String> {
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

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Resolves a relative URL found in the page at `page` (a path relative to
/// the output root) to a file path relative to the output root, or `None`
/// if it climbs out of the site.
fn resolve_url(page: &str, url: &str) -> Option<String> {
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
fn broken_links(public: &Path) -> Vec<String> {
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
            let Some(target) = resolve_url(page, &percent_decode(path)) else {
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

// ---------------------------------------------------------------------------
// Robustness: no input makes the library panic.
// ---------------------------------------------------------------------------

/// A tiny deterministic PRNG (xorshift64*).
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// What mutations insert: syntax of TOML, Markdown and the front matter
/// fence, bytes that are not UTF-8, and multibyte characters.
const PIECES: &[&[u8]] = &[
    b"+",
    b"\"",
    b"=",
    b"[",
    b"]",
    b"{",
    b"}",
    b"\n",
    b"#",
    b"(",
    b")",
    b":",
    b"\xff",
    b"\xe9",
    "é".as_bytes(),
    "₹".as_bytes(),
    "𝄞".as_bytes(),
    b"\r\n",
    b"+++\n",
    b"](skill:",
    b"[^1]",
    b"```\n",
    b"|",
    b"-",
    b"0",
    b"'",
    b"\\",
];

fn mutate(original: &[u8], rng: &mut Rng) -> (Vec<u8>, Vec<String>) {
    let mut bytes = original.to_vec();
    let mut log = Vec::new();
    for _ in 0..1 + rng.below(4) {
        let pos = rng.below(bytes.len() + 1);
        let piece = PIECES[rng.below(PIECES.len())];
        match rng.below(3) {
            0 => {
                bytes.splice(pos..pos, piece.iter().copied());
                log.push(format!("insert {piece:?} at {pos}"));
            }
            1 if pos < bytes.len() => {
                let len = 1 + rng.below(8).min(bytes.len() - pos - 1);
                bytes.drain(pos..pos + len);
                log.push(format!("delete {len} at {pos}"));
            }
            _ if pos < bytes.len() => {
                bytes.splice(pos..pos + 1, piece.iter().copied());
                log.push(format!("replace 1 at {pos} with {piece:?}"));
            }
            _ => {
                bytes.extend_from_slice(piece);
                log.push(format!("append {piece:?}"));
            }
        }
    }
    (bytes, log)
}

#[test]
fn mutated_handbooks_never_panic() {
    use roadbook::pipeline::{self, Options};

    let dir = full();
    let mut targets: Vec<String> = vec!["handbook.toml".to_string()];
    for (rel, _) in tree(&dir.join("content")) {
        if rel.ends_with(".md") && !rel.contains("x.md") {
            targets.push(format!("content/{rel}"));
        }
    }
    let originals: Vec<Vec<u8>> = targets
        .iter()
        .map(|t| std::fs::read(dir.join(t)).expect("fixture file"))
        .collect();
    let opts = Options {
        root: dir.path().to_path_buf(),
        base_url: None,
        drafts: false,
    };
    let started = std::time::Instant::now();
    let mut panics = Vec::new();
    let (mut checked, mut built) = (0, 0);
    for iteration in 0..500u64 {
        let mut rng = Rng::new(iteration + 1);
        let which = rng.below(targets.len());
        let (bytes, log) = mutate(&originals[which], &mut rng);
        change_file(&dir, &targets[which], &bytes);
        let drafts = rng.below(4) == 0;
        let opts = Options {
            drafts,
            ..opts.clone()
        };
        let outcome = std::panic::catch_unwind(|| match pipeline::check(&opts) {
            Ok(_) => pipeline::build(&opts).map(|_| true).unwrap_or(false),
            Err(_) => false,
        });
        checked += 1;
        match outcome {
            Ok(true) => built += 1,
            Ok(false) => {}
            Err(_) => panics.push(format!(
                "iteration {iteration}: {} ({}), drafts = {drafts}\n{}",
                targets[which],
                log.join(", "),
                String::from_utf8_lossy(&bytes)
            )),
        }
        change_file(&dir, &targets[which], &originals[which]);
    }
    eprintln!(
        "{checked} mutated handbooks, {built} built, in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(
        panics.is_empty(),
        "{} panics; the first:\n{}",
        panics.len(),
        panics[0]
    );
}

// ---------------------------------------------------------------------------
// Comparison tables, timelines and charts.
// ---------------------------------------------------------------------------

/// The first `<table …>…</table>` after `marker` in `html`.
fn table_after<'a>(html: &'a str, marker: &str) -> &'a str {
    let from = html
        .find(marker)
        .unwrap_or_else(|| panic!("`{marker}` not found"));
    fragment(&html[from..], "<table", "</table>")
}

#[test]
fn roles_table_keeps_each_currency_in_its_own_column() {
    let dir = full();
    build(&dir).assert_ok();
    let json = expect_file(&dir, "public/handbook.json");
    assert!(!json.contains("<svg"), "the data export carries no markup");
    let html = page(&dir, "roles/index.html");
    let table = table_after(&html, "<h1>Job roles</h1>");
    assert!(
        table.contains("Salary, India (INR)") && table.contains("Salary, United States (USD)"),
        "{table}"
    );
    assert_snapshot!("roles_table", table);
    // The chart: one per currency, open-ended ranges fade out.
    assert_eq!(html.matches("<svg class=\"chart\"").count(), 2);
    assert!(html.contains("class=\"bar-open\""));
}

#[test]
fn skills_table_groups_by_category_and_filters_fall_back_to_the_full_table() {
    let dir = full();
    build(&dir).assert_ok();
    let html = page(&dir, "skills/index.html");
    // Without JavaScript the filter form stays hidden and every row shows.
    assert!(html.contains("<form class=\"filters\" data-filter-for=\"skills-table\" hidden>"));
    let table = table_after(&html, "</form>");
    assert!(
        !table.contains(" hidden"),
        "no row is hidden in the built page"
    );
    assert_snapshot!("skills_table", table);
}

#[test]
fn matrix_shows_the_level_each_role_needs() {
    let dir = full();
    build(&dir).assert_ok();
    let html = page(&dir, "matrix/index.html");
    assert!(html.contains("class=\"legend\""));
    assert_snapshot!(
        "matrix_table",
        table_after(&html, "<h1>Skills × roles</h1>")
    );
}

#[test]
fn track_table_sums_weeks_and_months_and_shows_open_ends() {
    let dir = full();
    build(&dir).assert_ok();
    let learning = page(&dir, "tracks/learning-path/index.html");
    // 4–6 weeks then 2 months: the second phase starts 1–1.5 months in.
    assert_snapshot!(
        "learning_path_table",
        table_after(&learning, "id=\"phases-title\"")
    );
    let career = page(&dir, "tracks/career/index.html");
    let table = table_after(&career, "id=\"phases-title\"");
    assert!(table.contains("3+ months"), "{table}");
    assert!(table.contains("15+ months"), "open-ended total: {table}");
    assert!(
        career.contains("class=\"roadmap-list\""),
        "text list beside the diagram"
    );
}

#[test]
fn role_comparison_pages_show_what_to_learn_to_move_up() {
    let dir = full();
    build(&dir).assert_ok();
    let role = page(&dir, "roles/backend-developer/index.html");
    assert!(
        role.contains(
            "href=\"../../roles/compare/backend-developer-vs-senior-backend-developer/\""
        ),
        "linked from the role page"
    );
    let cmp = page(
        &dir,
        "roles/compare/backend-developer-vs-senior-backend-developer/index.html",
    );
    assert_snapshot!(
        "compare_to_learn",
        fragment(
            &cmp,
            "<section aria-labelledby=\"learn-title\">",
            "</section>"
        )
    );
}

#[test]
fn generated_tables_have_captions_and_scoped_headers() {
    let dir = full();
    build(&dir).assert_ok();
    let mut checked = 0;
    for (path, bytes) in tree(&dir.path().join("public")) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(&bytes);
        let mut rest = html.as_ref();
        while let Some(i) = rest.find("<table class=") {
            let table = fragment(&rest[i..], "<table", "</table>");
            assert!(
                table.contains("<caption>"),
                "{path}: table without a caption:\n{table}"
            );
            let headers = table.matches("<th>").count() + table.matches("<th ").count();
            let scoped = table.matches("<th scope=").count();
            assert_eq!(
                headers, scoped,
                "{path}: header cells without scope:\n{table}"
            );
            checked += 1;
            rest = &rest[i + table.len()..];
        }
    }
    assert!(checked >= 8, "only {checked} tables checked");
}

#[test]
fn every_svg_is_well_formed_xml() {
    for dir in [full(), bundled()] {
        build(&dir).assert_ok();
        let mut count = 0;
        for (path, bytes) in tree(&dir.path().join("public")) {
            if !path.ends_with(".html") {
                continue;
            }
            let html = String::from_utf8_lossy(&bytes);
            let mut rest = html.as_ref();
            while let Some(i) = rest.find("<svg") {
                let svg = fragment(&rest[i..], "<svg", "</svg>");
                if let Err(e) = roxmltree::Document::parse(svg) {
                    panic!("{path}: invalid SVG ({e}):\n{svg}");
                }
                count += 1;
                rest = &rest[i + svg.len()..];
            }
        }
        assert!(count >= 4, "only {count} SVGs found");
    }
}

#[test]
fn template_error_names_the_template_line_and_the_pages_it_broke() {
    let dir = full();
    change_file(
        &dir,
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ page.title }}</h1>\n<p>{{ page.no_such_field | upper }}</p>\n{% endblock content %}\n",
    );
    let report = expect_errors_in_build(&dir);
    assert!(
        report.contains("(and 1 other page)"),
        "one report for both pages:\n{report}"
    );
    assert_snapshot!("template_error", report);
}

#[test]
fn template_syntax_error_points_at_the_template() {
    let dir = full();
    change_file(
        &dir,
        "templates/skill.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ skill.title }</h1>\n{% endblock content %}\n",
    );
    assert_snapshot!("template_syntax_error", expect_errors_in_build(&dir));
}
