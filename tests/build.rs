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

// Each documented error of docs/content.md ("Files and slugs", front
// matter, cross-references), one fixture each.

const SKILL_HEAD: &str = r#"+++
title = "Caching"
summary = "Keeping answers close at hand."
category = "practices"
difficulty = "advanced"
"#;

#[test]
fn two_files_with_the_same_slug_are_an_error() {
    // `03-apis.md` has the slug of the base fixture's `apis.md`.
    let dir = base_with(
        "content/skills/03-apis.md",
        "+++\ntitle = \"APIs again\"\nsummary = \"A second file.\"\ncategory = \"core\"\ndifficulty = \"beginner\"\n+++\n",
    );
    let report = expect_errors(&dir);
    assert!(report.contains("content/skills/03-apis.md"), "{report}");
    assert!(report.contains("content/skills/apis.md"), "{report}");
    assert_snapshot!("duplicate_slug", report);
}

#[test]
fn markdown_outside_the_content_folders_is_an_error() {
    let dir = base_with("content/notes/todo.md", "+++\ntitle = \"Todo\"\n+++\n");
    assert_snapshot!("markdown_outside_content_folders", expect_errors(&dir));
}

#[test]
fn link_to_a_missing_colocated_file_is_an_error() {
    let dir = base_with(
        "content/skills/caching.md",
        format!("{SKILL_HEAD}+++\n\n![Cache layers](layers.png)\n"),
    );
    assert_snapshot!("missing_colocated_file", expect_errors(&dir));
}

#[test]
fn more_than_eight_resources_is_an_error() {
    let mut skill = SKILL_HEAD.to_string();
    for i in 1..=9 {
        skill.push_str(&format!(
            "\n[[resources]]\ntitle = \"Guide {i}\"\nurl = \"https://example.org/{i}\"\nkind = \"article\"\n"
        ));
    }
    skill.push_str("+++\n");
    let dir = base_with("content/skills/caching.md", &skill);
    let report = expect_errors(&dir);
    assert_snapshot!("too_many_resources", report);
    // Eight are allowed: the same file without the ninth checks clean.
    let dir = base_with(
        "content/skills/caching.md",
        skill
            .rsplit_once("\n[[resources]]")
            .map(|(head, _)| format!("{head}+++\n"))
            .unwrap(),
    );
    check(&dir).assert_ok();
}

#[test]
fn unknown_link_kind_suggests_the_kind_meant() {
    let dir = base_with(
        "content/skills/caching.md",
        format!("{SKILL_HEAD}+++\n\nCache what [the database](skil:databases) answers.\n"),
    );
    assert_snapshot!("unknown_link_kind", expect_errors(&dir));
}

#[test]
fn reference_to_a_draft_is_an_error_without_drafts() {
    let dir = base_with(
        "content/skills/caching.md",
        format!("{SKILL_HEAD}draft = true\n+++\n"),
    );
    let report = expect_errors(&dir);
    // The role lists caching in its `[skills]` table.
    assert!(report.contains("`caching` is a draft"), "{report}");
    assert_snapshot!("reference_to_draft", report);
    // With the flag the draft is built, and so is the reference.
    build_with(&dir, &["--drafts"]).assert_ok();
    page(&dir, "skills/caching/index.html");
}

#[test]
fn root_absolute_link_is_a_warning_that_does_not_fail_the_build() {
    let dir = base_with(
        "content/skills/caching.md",
        format!("{SKILL_HEAD}+++\n\nSee [the APIs](/skills/apis/) first.\n"),
    );
    let checked = check(&dir).assert_ok();
    let built = build(&dir).assert_ok();
    assert!(
        checked.stderr.starts_with("warning: "),
        "{}",
        checked.stderr
    );
    // The same warning from both commands; only the summary line differs.
    let warning = |s: &str| s.split("\n\n").next().unwrap_or_default().to_string();
    assert_eq!(warning(&checked.stderr), warning(&built.stderr));
    page(&dir, "skills/caching/index.html");
    assert_snapshot!("root_absolute_link_warning", built.stderr);
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
    let css = linked_stylesheets(&skill)
        .into_iter()
        .find(|h| h.contains("assets/highlight."))
        .expect("the page links the highlighting CSS");
    let css = resolve_url("skills/databases/index.html", &css).expect("inside the site");
    assert!(page(&dir, &css).contains(".k"));
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
    assert_eq!(
        apis["roles"],
        serde_json::json!([
            { "slug": "backend-developer", "level": "proficient" },
            { "slug": "senior-backend-developer", "level": "expert" },
        ])
    );
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
                || url.starts_with("data:")
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
            let Some(target) = resolve_url(page, &roadbook::resolve::percent_decode(path)) else {
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

// Robustness (no input makes the library panic, diagnostics stay inside
// their files, check agrees with build, a rebuild equals a build) lives in
// tests/mutations.rs.

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

/// The generated tables of the full fixture, by page: the comparison
/// tables of each section, one per track on the phases overview, the
/// salary table of the one role with salaries, and the skill-by-level and
/// salary comparisons of the one pair of roles.
const TABLE_PAGES: &[(&str, usize)] = &[
    ("matrix/index.html", 1),
    ("phases/index.html", 2),
    ("roles/backend-developer/index.html", 1),
    (
        "roles/compare/backend-developer-vs-senior-backend-developer/index.html",
        2,
    ),
    ("roles/index.html", 1),
    ("skills/index.html", 1),
    ("tracks/career/index.html", 1),
    ("tracks/learning-path/index.html", 1),
];

#[test]
fn generated_tables_have_captions_and_scoped_headers() {
    let dir = full();
    build(&dir).assert_ok();
    let mut checked: std::collections::BTreeMap<String, usize> = Default::default();
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
            *checked.entry(path.clone()).or_default() += 1;
            rest = &rest[i + table.len()..];
        }
    }
    // Every page the fixture gives a generated table, and no other.
    let expected: std::collections::BTreeMap<String, usize> = TABLE_PAGES
        .iter()
        .map(|(p, n)| (p.to_string(), *n))
        .collect();
    assert_eq!(checked, expected);
}

#[test]
fn every_svg_is_well_formed_xml() {
    let mut per_dir = Vec::new();
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
        per_dir.push(count);
    }
    // The full fixture: a salary chart per currency (two) on the roles
    // overview and on the one role with salaries, a timeline per track
    // (two) on the phases overview, and a roadmap and a timeline on each
    // track's page.
    assert_eq!(per_dir[0], 2 + 2 + 2 + 2 * 2, "SVGs in the full fixture");
    assert!(per_dir[1] > 0, "no SVG in the bundled handbook");
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

// ---------------------------------------------------------------------------
// Publishing: served like GitHub Pages, sitemap, feed, metadata, git dates,
// cache busting, init/new, the Pages workflow.
// ---------------------------------------------------------------------------

use harness::server::Server;

/// The `href` of every `<link rel="stylesheet">` in a page.
fn linked_stylesheets(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("<link rel=\"stylesheet\" href=\"") {
        rest = &rest[i + "<link rel=\"stylesheet\" href=\"".len()..];
        let end = rest.find('"').unwrap_or(rest.len());
        out.push(rest[..end].to_string());
    }
    out
}

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
        caching.contains(r#"Last updated <time datetime="2026-11-22T00:30:00Z">2026-11-22</time>"#),
        "{caching}"
    );
    assert!(
        caching
            .contains(r#"<meta property="article:modified_time" content="2026-11-22T00:30:00Z">"#)
    );
    let apis = page(&dir, "skills/apis/index.html");
    assert!(
        apis.contains(r#"<time datetime="2026-11-20T08:00:00Z">2026-11-20</time>"#),
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
fn init_then_build_round_trip() {
    let dir = TempDir::new("init");
    let run = run_in(dir.path(), &["init", "my-roadmap"]).assert_ok();
    assert_snapshot!("init_output", run.stderr);
    let handbook = dir.join("my-roadmap");
    let toml = std::fs::read_to_string(handbook.join("handbook.toml")).unwrap();
    assert!(toml.contains("title = \"My Roadmap\""), "{toml}");
    assert!(!handbook.join("templates").exists(), "no theme copy");
    let built = run_in(&handbook, &["build"]).assert_ok();
    assert!(!built.stderr.contains("warning"), "{}", built.stderr);
    for url in [
        "index.html",
        "skills/example-skill/index.html",
        "roles/example-role/index.html",
        "phases/getting-started/index.html",
        "about/index.html",
        "sitemap.xml",
        "atom.xml",
    ] {
        assert!(handbook.join("public").join(url).is_file(), "{url}");
    }
    assert!(broken_links(&handbook.join("public")).is_empty());
    // It is a git-ready folder: the built site and the folders a build
    // stages it in stay out.
    assert_eq!(
        std::fs::read_to_string(handbook.join(".gitignore")).unwrap(),
        "# roadbook's output, and the folders a build stages it in\n/public/\n.*.roadbook-new-*\n.*.roadbook-old-*\n"
    );
}

#[test]
fn init_never_overwrites() {
    let dir = fixture("base");
    let before = tree(dir.path());
    let run = run(&dir, &["init"]).assert_code(2);
    assert_same_tree(&before, &tree(dir.path()), "init changed a handbook");
    // A folder with some of the files init would write.
    let other = TempDir::new("init-partial");
    change_file(&other, "content/pages/about.md", "mine\n");
    change_file(&other, ".gitignore", "target/\n");
    let before = tree(other.path());
    let partial = run_in(other.path(), &["init"]).assert_code(2);
    assert_same_tree(&before, &tree(other.path()), "init overwrote a file");
    assert_snapshot!(
        "init_refusals",
        format!(
            "$ roadbook init  # in a handbook\n{}\n$ roadbook init  # with content/pages/about.md\n{}",
            run.stderr, partial.stderr
        )
    );
}

#[test]
fn new_adds_each_kind_and_the_handbook_still_builds() {
    let dir = fixture("base");
    let mut created = String::new();
    for (kind, slug) in [
        ("skill", "graphql"),
        ("role", "staff-engineer"),
        ("phase", "deployment"),
        ("page", "glossary"),
    ] {
        let run = run(&dir, &["new", kind, slug]).assert_ok();
        created.push_str(&run.stdout);
    }
    assert_eq!(
        created,
        "content/skills/graphql.md\ncontent/roles/staff-engineer.md\ncontent/phases/deployment.md\ncontent/pages/glossary.md\n"
    );
    // The first category, the first track, the next free order.
    let skill = expect_file(&dir, "content/skills/graphql.md");
    assert!(skill.contains("category = \"core\""), "{skill}");
    let phase = expect_file(&dir, "content/phases/deployment.md");
    assert!(
        phase.contains("track = \"learning-path\"\norder = 3\n"),
        "{phase}"
    );
    let built = build(&dir).assert_ok();
    assert!(!built.stderr.contains("warning"), "{}", built.stderr);
    page(&dir, "skills/graphql/index.html");
    page(&dir, "roles/staff-engineer/index.html");
    page(&dir, "phases/deployment/index.html");
    page(&dir, "glossary/index.html");
}

#[test]
fn new_with_root_writes_into_that_handbook() {
    let dir = fixture("base");
    let elsewhere = TempDir::new("new-cwd");
    let root = dir.path().display().to_string();
    let run = run_in(
        elsewhere.path(),
        &["new", "skill", "graphql", "--root", &root],
    )
    .assert_ok();
    assert_eq!(
        run.stdout.trim(),
        dir.join("content/skills/graphql.md").display().to_string()
    );
    expect_file(&dir, "content/skills/graphql.md");
    assert!(tree(elsewhere.path()).is_empty());
}

#[test]
fn new_refuses_existing_files_and_bad_slugs() {
    let dir = fixture("base");
    change_file(
        &dir,
        "content/phases/07-deploy.md",
        "+++\ntitle = \"Deploy\"\ntrack = \"learning-path\"\norder = 7\nsummary = \"x\"\n+++\n",
    );
    let before = tree(dir.path());
    let mut report = String::new();
    for args in [
        &["new", "skill", "databases"][..],
        &["new", "phase", "deploy"],
        &["new", "skill", "Graph_QL"],
        &["new", "role", "senior dev"],
        &["new", "page", "skills"],
        &["new", "widget", "x"],
    ] {
        let run = run(&dir, args).assert_code(2);
        report.push_str(&format!("$ roadbook {}\n{}\n", args.join(" "), run.stderr));
    }
    assert_same_tree(&before, &tree(dir.path()), "a refused `new` changed files");
    assert_snapshot!("new_refusals", report);
    // Outside a handbook: a problem with the handbook (status 1).
    let empty = TempDir::new("new-empty");
    let run = run_in(empty.path(), &["new", "skill", "graphql"]).assert_code(1);
    assert!(run.stderr.contains("roadbook init"), "{}", run.stderr);
}

#[test]
fn pages_workflow_parses_and_uses_the_official_pages_actions() {
    let text = std::fs::read_to_string(repo_root().join(".github/workflows/pages.yml"))
        .expect("the workflow exists");
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).expect("valid YAML");
    let on = &yaml["on"];
    assert_eq!(on["push"]["branches"][0].as_str(), Some("main"), "{on:?}");
    assert!(on.get("workflow_dispatch").is_some(), "{on:?}");
    let permissions = &yaml["permissions"];
    assert_eq!(permissions["contents"].as_str(), Some("read"));
    assert_eq!(permissions["pages"].as_str(), Some("write"));
    assert_eq!(permissions["id-token"].as_str(), Some("write"));
    assert_eq!(yaml["concurrency"]["group"].as_str(), Some("pages"));

    let steps = |job: &str| -> Vec<serde_yaml_ng::Value> {
        yaml["jobs"][job]["steps"]
            .as_sequence()
            .unwrap_or_else(|| panic!("job {job} has steps"))
            .clone()
    };
    let uses = |steps: &[serde_yaml_ng::Value]| -> Vec<String> {
        steps
            .iter()
            .filter_map(|s| s["uses"].as_str().map(str::to_string))
            .collect()
    };
    let build_steps = steps("build");
    let build_uses = uses(&build_steps);
    for action in [
        "actions/checkout@v4",
        "actions/configure-pages@v5",
        "actions/upload-pages-artifact@v3",
    ] {
        assert!(
            build_uses.iter().any(|u| u == action),
            "{action} in {build_uses:?}"
        );
    }
    let checkout = build_steps
        .iter()
        .find(|s| s["uses"].as_str() == Some("actions/checkout@v4"))
        .unwrap();
    assert_eq!(
        checkout["with"]["fetch-depth"].as_u64(),
        Some(0),
        "full history for dates"
    );
    let configure = build_steps
        .iter()
        .find(|s| s["uses"].as_str() == Some("actions/configure-pages@v5"))
        .unwrap();
    let id = configure["id"].as_str().expect("configure-pages has an id");
    let runs: Vec<&str> = build_steps
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect();
    assert!(
        runs.iter().any(|r| r.contains("cargo build --release")),
        "{runs:?}"
    );
    let build_cmd = format!(
        "./target/release/roadbook build --base-url \"${{{{ steps.{id}.outputs.base_url }}}}\""
    );
    assert!(
        runs.iter().any(|r| r.contains(&build_cmd)),
        "{build_cmd} in {runs:?}"
    );
    let upload = build_steps
        .iter()
        .find(|s| s["uses"].as_str() == Some("actions/upload-pages-artifact@v3"))
        .unwrap();
    assert_eq!(upload["with"]["path"].as_str(), Some("public"));

    let deploy = &yaml["jobs"]["deploy"];
    assert_eq!(deploy["needs"].as_str(), Some("build"));
    assert_eq!(deploy["environment"]["name"].as_str(), Some("github-pages"));
    let deploy_steps = steps("deploy");
    let deploy_uses = uses(&deploy_steps);
    assert!(
        deploy_uses.iter().any(|u| u == "actions/deploy-pages@v4"),
        "{deploy_uses:?}"
    );
    let deploy_id = deploy_steps
        .iter()
        .find(|s| s["uses"].as_str() == Some("actions/deploy-pages@v4"))
        .and_then(|s| s["id"].as_str())
        .expect("deploy-pages has an id");
    assert_eq!(
        deploy["environment"]["url"].as_str(),
        Some(format!("${{{{ steps.{deploy_id}.outputs.page_url }}}}").as_str())
    );
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

// ---------------------------------------------------------------------------
// The README's "Add a skill in a minute" works as written.
// ---------------------------------------------------------------------------

/// The fenced block of `lang` that follows `marker` in README.md.
fn readme_block(marker: &str, lang: &str) -> String {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README.md");
    let from = readme
        .find(marker)
        .unwrap_or_else(|| panic!("`{marker}` not in README"));
    let fence = format!("```{lang}\n");
    let start = readme[from..].find(&fence).expect("code block") + from + fence.len();
    let end = readme[start..].find("\n```").expect("closing fence") + start;
    readme[start..=end].to_string()
}

#[test]
fn readme_add_a_skill_example_builds_and_its_typo_reads_as_shown() {
    let dir = bundled();
    let skill = readme_block("Create `content/skills/graphql.md`", "markdown");
    change_file(&dir, "content/skills/graphql.md", &skill);
    // "Then list it where it belongs": a phase and a role.
    let phase = "content/phases/03-apis-and-frameworks.md";
    let text = expect_file(&dir, phase).replacen("skills = [", "skills = [\"graphql\", ", 1);
    change_file(&dir, phase, &text);
    let role = "content/roles/api-developer.md";
    let text =
        expect_file(&dir, role).replacen("[skills]\n", "[skills]\ngraphql = \"familiar\"\n", 1);
    change_file(&dir, role, &text);
    build(&dir).assert_ok();
    assert!(page(&dir, "skills/graphql/index.html").contains("GraphQL"));

    // The README's error example, from the same file with the typo.
    change_file(
        &dir,
        "content/skills/graphql.md",
        skill.replace("difficulty =", "dificulty ="),
    );
    let shown = readme_block("the closest correct name, and how to fix it:", "text");
    let report = check(&dir).assert_code(1).stderr;
    assert!(
        report.starts_with(&shown),
        "README shows:\n{shown}\nroadbook says:\n{report}"
    );
}
