//! Authors and theme makers (issue 22): the unit check on salaries, every
//! error of a run at once, `[extra]` fields, label tables, `theme eject`,
//! template diagnostics, the CLI's help and the README's example — each
//! on a small fixture handbook built by the real binary.
//!
//! Diagnostics are snapshotted in `tests/snapshots/authoring__*.snap`;
//! after an intended change to a message run `INSTA_UPDATE=always cargo
//! test --test authoring` and read every changed `.snap` file.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a test reports failure by panicking"
)]

mod harness;

use harness::*;
use insta::assert_snapshot;

/// The base handbook with one file replaced (or added).
fn base_with(rel: &str, contents: impl AsRef<[u8]>) -> TempDir {
    let dir = fixture("base");
    change_file(&dir, rel, contents);
    dir
}

const ROLE_HEAD: &str = r#"+++
title = "Backend Developer"
summary = "Builds and runs services."
level = 2
responsibilities = ["Build services"]
"#;

// ---------------------------------------------------------------------------
// Salaries: figures are yearly amounts in the currency's unit.
// ---------------------------------------------------------------------------

#[test]
fn salaries_written_in_lakhs_are_an_error_that_shows_the_yearly_figure() {
    let dir = base_with(
        "content/roles/backend-developer.md",
        format!(
            "{ROLE_HEAD}\n[[salary]]\nregion = \"India\"\ncurrency = \"INR\"\nmin = 6\nmax = 12\n+++\n"
        ),
    );
    let report = expect_errors(&dir);
    assert!(report.contains("6 LPA is `min = 600000`"), "{report}");
    assert_snapshot!("salary_in_lakhs", report);
}

#[test]
fn lakhs_grouped_the_indian_way_are_read_as_the_figure_they_spell() {
    let dir = base_with(
        "content/roles/backend-developer.md",
        format!(
            "{ROLE_HEAD}\n[[salary]]\nregion = \"India\"\ncurrency = \"INR\"\nmin = 6_00_000\nmax = 12_00_000\n+++\n"
        ),
    );
    build(&dir).assert_ok();
    let html = page(&dir, "roles/backend-developer/index.html");
    assert!(html.contains("₹6–12 LPA"), "{html}");
}

// ---------------------------------------------------------------------------
// Every error of a run at once.
// ---------------------------------------------------------------------------

#[test]
fn references_of_files_with_errors_are_checked_in_the_same_run() {
    let dir = fixture("base");
    // A skill with an unknown key, a missing prerequisite and a link to a
    // missing skill: all three in one run.
    change_file(
        &dir,
        "content/skills/caching.md",
        "+++\ntitle = \"Caching\"\nsummary = \"S.\"\ncategory = \"practices\"\ndifficulty = \"advanced\"\nprerequisites = [\"apiss\"]\ntool = [\"Redis\"]\n+++\n\n## Layers\n\nSee [storage](skill:databse).\n",
    );
    // A role with a bad level, linking to a heading the FAQ lacks.
    change_file(
        &dir,
        "content/roles/backend-developer.md",
        "+++\ntitle = \"Backend Developer\"\nsummary = \"S.\"\nlevel = 12\nresponsibilities = [\"Build\"]\n\n[skills]\ndatabasez = \"expert\"\n+++\n\nRead the [FAQ](page:faq#salary).\n",
    );
    // A valid file linking to a heading the broken skill does not have.
    change_file(
        &dir,
        "content/skills/apis.md",
        "+++\ntitle = \"APIs\"\nsummary = \"S.\"\ncategory = \"core\"\ndifficulty = \"intermediate\"\n+++\n\nSee [](skill:caching#tiers).\n",
    );
    let report = expect_errors(&dir);
    for expected in [
        "unknown key `tool`",
        "prerequisite `apiss` does not exist",
        "linked skill `databse` does not exist",
        "`level` must be between 1 and 9",
        "required skill `databasez` does not exist",
        "`#salary` matches no heading",
        "`#tiers` matches no heading of `content/skills/caching.md`",
    ] {
        assert!(report.contains(expected), "missing {expected:?} in:\n{report}");
    }
    assert_snapshot!("every_error_at_once", report);
}

// ---------------------------------------------------------------------------
// `[extra]`: the author's own fields, in every kind and in handbook.toml.
// ---------------------------------------------------------------------------

#[test]
fn extra_fields_of_every_kind_reach_templates_and_the_export() {
    let dir = fixture("extra");
    build(&dir).assert_ok();
    let shows = |rel: &str, text: &str| {
        let html = page(&dir, rel);
        assert!(html.contains(text), "{rel} lacks {text:?}:\n{html}");
        assert!(
            html.contains("<p class=\"site-extra\">Nursing Council</p>"),
            "{rel} lacks site.extra"
        );
    };
    shows("index.html", "<p class=\"extra\">Welcome, new nurses</p>");
    shows(
        "skills/triage/index.html",
        "<p class=\"extra\">40 h, certified: true, settings: ward, emergency</p>",
    );
    shows("skills/triage/index.html", "<p class=\"hours\">40 hours</p>");
    shows(
        "roles/staff-nurse/index.html",
        "<p class=\"extra\">12-hour shifts; card: 12-hour shifts</p>",
    );
    shows(
        "phases/placement/index.html",
        "<p class=\"extra\">supervised by a mentor for 6 weeks</p>",
    );
    shows("licensing/index.html", "<p class=\"extra\">renew every 3 years</p>");

    let json: serde_json::Value =
        serde_json::from_str(&page(&dir, "handbook.json")).expect("handbook.json is JSON");
    assert_eq!(json["extra"]["licence_body"], "Nursing Council");
    assert_eq!(json["skills"][0]["extra"]["hours"], 40);
    assert_eq!(json["roles"][0]["extra"]["shift_pattern"], "12-hour shifts");
    assert_eq!(json["phases"][0]["extra"]["supervised"]["weeks"], 6);
    assert_eq!(json["pages"][0]["extra"]["renewal_years"], 3);
}

#[test]
fn a_field_of_ones_own_outside_extra_is_an_error_pointing_to_extra() {
    let dir = base_with(
        "content/skills/caching.md",
        "+++\ntitle = \"Caching\"\nsummary = \"S.\"\ncategory = \"practices\"\ndifficulty = \"advanced\"\nhours = 40\n+++\n",
    );
    let report = expect_errors(&dir);
    assert!(report.contains("`[extra]`"), "{report}");
    assert_snapshot!("unknown_key_points_to_extra", report);
}
