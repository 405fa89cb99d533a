//! Diagnostics, one mistake each: the base fixture (`tests/fixtures/base`,
//! a small valid handbook) copied and changed to make exactly one mistake,
//! and the full report snapshotted; template errors on the full fixture.
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

use std::path::Path;
use std::process::Command;

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

#[test]
fn unknown_career_path_suggests_a_defined_one() {
    let dir = base_with(
        "handbook.toml",
        format!(
            "{}\n[[paths]]\nid = \"management\"\ntitle = \"Management\"\n",
            std::fs::read_to_string(repo_root().join("tests/fixtures/base/handbook.toml")).unwrap()
        ),
    );
    change_file(
        &dir,
        "content/roles/backend-developer.md",
        format!("{ROLE_HEAD}paths = [\"managment\"]\n+++\n"),
    );
    assert_snapshot!("unknown_career_path", expect_errors(&dir));
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
// `--format github`: the same diagnostics as GitHub annotations.
// ---------------------------------------------------------------------------

/// Runs the binary in `cwd` with GITHUB_ACTIONS set as given.
fn roadbook(cwd: &Path, args: &[&str], github_actions: Option<&str>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_roadbook"));
    cmd.args(args).current_dir(cwd).env_remove("RUST_BACKTRACE");
    match github_actions {
        Some(v) => cmd.env("GITHUB_ACTIONS", v),
        None => cmd.env_remove("GITHUB_ACTIONS"),
    };
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code(),
        stderr: normalise(&String::from_utf8_lossy(&out.stderr), cwd),
        stdout: normalise(&String::from_utf8_lossy(&out.stdout), cwd),
    }
}

/// The base fixture, under `repo/handbook/`, with two errors (one with a
/// help line) and a message holding the characters GitHub makes escape.
fn broken_handbook() -> TempDir {
    let dir = TempDir::new("github");
    copy_tree(
        &repo_root().join("tests/fixtures/base"),
        &dir.join("handbook"),
    );
    change_file(
        &dir,
        "handbook/content/skills/caching.md",
        "+++\ntitle = \"Caching\"\nsummary = \"Keeping answers close at hand.\"\ncategory = \"practices\"\ndifficulty = \"advanced\"\nprerequisits = [\"apis\"]\n+++\n\nCache what is slow to compute.\n",
    );
    // A broken link in another file, and a warning-free rest.
    let faq = dir.join("handbook/content/pages/faq.md");
    let mut text = std::fs::read_to_string(&faq).unwrap();
    text.push_str("\nSee [the API](skill:api), 100% of it.\n");
    std::fs::write(&faq, text).unwrap();
    dir
}

#[test]
fn check_format_github_prints_annotations_on_stdout() {
    let dir = broken_handbook();
    let human = roadbook(dir.path(), &["check", "--root", "handbook"], None).assert_code(1);
    assert!(human.stdout.is_empty(), "{}", human.stdout);

    let github = roadbook(
        dir.path(),
        &["check", "--root", "handbook", "--format", "github"],
        None,
    )
    .assert_code(1);
    // The terminal report is unchanged, on standard error.
    assert_eq!(github.stderr, human.stderr);
    assert_snapshot!("check_format_github", github.stdout);

    // GITHUB_ACTIONS=true chooses it; --format human turns it off.
    let auto = roadbook(dir.path(), &["check", "--root", "handbook"], Some("true")).assert_code(1);
    assert_eq!(auto.stdout, github.stdout);
    let off = roadbook(
        dir.path(),
        &["check", "--root", "handbook", "--format", "human"],
        Some("true"),
    )
    .assert_code(1);
    assert!(off.stdout.is_empty(), "{}", off.stdout);

    // From the handbook's own folder, paths start at it; build reports
    // the same annotations.
    let inside = dir.join("handbook");
    let built = roadbook(&inside, &["build", "--format", "github"], None).assert_code(1);
    assert_eq!(
        built.stdout,
        github.stdout.replace("file=handbook/", "file=")
    );
}

#[test]
fn check_format_github_is_silent_on_a_valid_handbook() {
    let dir = fixture("base");
    let run = roadbook(dir.path(), &["check", "--format", "github"], None).assert_ok();
    assert_eq!(run.stdout, "");
    let bad = roadbook(dir.path(), &["check", "--format", "gitlab"], None).assert_code(2);
    assert!(
        bad.stderr.contains("possible values: human, github"),
        "{}",
        bad.stderr
    );
}
