//! Hostile input: what a handbook changed by a stranger may put in its
//! files, and what reaches the pages.
//!
//! - Bodies: script and `data:` links are errors; raw HTML can be
//!   escaped; NUL bytes never reach a page.
//! - Markdown files have a size limit.
//! - The small things: messages that name a file print no control
//!   characters, slugs and their suggestions, placed errors.
//! - The fuzz corpus (fuzz/corpus/) replayed, so a crash found by fuzzing
//!   stays fixed.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a test reports failure by panicking"
)]

mod harness;

#[path = "../fuzz/common.rs"]
mod fuzz_common;

use harness::*;

fn skill(title: &str, body: &str) -> String {
    format!(
        "+++\ntitle = \"{title}\"\nsummary = \"A skill made by a test.\"\ncategory = \"core\"\ndifficulty = \"beginner\"\n+++\n\n{body}\n"
    )
}

// ---------------------------------------------------------------------------
// Bodies: links that run code, raw HTML, NUL.
// ---------------------------------------------------------------------------

#[test]
fn every_script_link_in_a_body_is_an_error_at_its_place() {
    let hb = fixture("base");
    // The body starts on line 8 of the file.
    let body = [
        "[a](javascript:alert(1))",
        "![b](JavaScript:alert(2))",
        "[c](<java\tscript:alert(3)>)",
        "x [d](vbscript:msgbox(4))",
        "[e](data:text/html,<script>alert(5)</script>)",
        "<javascript:alert(6)>",
        "[f][ref]",
        "",
        "[ref]: &#106;avascript:alert(7)",
        "",
        "![ok](data:image/png;base64,iVBORw0KGgo=) [ok](https://example.org)",
        "",
        "![g](data:text/plain,hi)",
    ]
    .join("\n");
    change_file(&hb, "content/skills/links.md", skill("Links", &body));
    let report = expect_errors(&hb);
    for (at, message) in [
        (
            "8:5",
            "a `javascript:` link runs code in the reader's browser",
        ),
        (
            "9:6",
            "a `javascript:` link runs code in the reader's browser",
        ),
        (
            "10:6",
            "a `javascript:` link runs code in the reader's browser",
        ),
        (
            "11:7",
            "a `vbscript:` link runs code in the reader's browser",
        ),
        (
            "12:5",
            "a `data:` link opens `text/html` made by the link itself",
        ),
        (
            "13:2",
            "a `javascript:` link runs code in the reader's browser",
        ),
        // A reference link: at its use, where the definition has no place.
        (
            "14:1",
            "a `javascript:` link runs code in the reader's browser",
        ),
        (
            "20:6",
            "a `data:` image must have an image type, not `text/plain`",
        ),
    ] {
        assert!(
            report.contains(&format!("error: {message}")),
            "{at}: {message}\n{report}"
        );
        assert!(
            report.contains(&format!("--> content/skills/links.md:{at}")),
            "{at}\n{report}"
        );
    }
    assert!(report.contains("the handbook has 8 errors"), "{report}");
}

#[test]
fn raw_html_is_kept_by_default_and_escaped_when_the_handbook_asks() {
    let hb = fixture("base");
    let body = "<details><summary>More</summary>\n\nText <kbd>Ctrl</kbd>\n\n</details>\n\n<script>alert(1)</script>\n";
    change_file(&hb, "content/skills/raw.md", skill("Raw", body));
    build(&hb).assert_ok();
    let kept = page(&hb, "skills/raw/index.html");
    assert!(kept.contains("<details><summary>More</summary>"), "{kept}");
    assert!(kept.contains("<script>alert(1)</script>"), "{kept}");
    let toml = expect_file(&hb, "handbook.toml");
    change_file(
        &hb,
        "handbook.toml",
        format!("raw_html = \"escape\"\n{toml}"),
    );
    build(&hb).assert_ok();
    let escaped = page(&hb, "skills/raw/index.html");
    assert!(!escaped.contains("<script>alert(1)"), "{escaped}");
    assert!(
        escaped.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{escaped}"
    );
    assert!(escaped.contains("&lt;kbd&gt;Ctrl&lt;/kbd&gt;"), "{escaped}");
    change_file(
        &hb,
        "handbook.toml",
        format!("raw_html = \"strip\"\n{toml}"),
    );
    let report = check(&hb).assert_code(1).stderr;
    assert!(
        report.contains("`raw_html` cannot be \"strip\""),
        "{report}"
    );
    assert!(report.contains("--> handbook.toml:1:12"), "{report}");
    assert!(
        report.contains("the allowed values are \"allow\", \"escape\""),
        "{report}"
    );
}

#[test]
fn a_nul_byte_becomes_the_replacement_character() {
    let hb = fixture("base");
    change_file(
        &hb,
        "content/skills/nul.md",
        skill("N\0UL", "before\0after `co\0de`"),
    );
    build(&hb).assert_ok();
    let html = std::fs::read(hb.join("public/skills/nul/index.html")).unwrap();
    assert!(!html.contains(&0), "a NUL byte reached the page");
    let html = String::from_utf8(html).unwrap();
    assert!(html.contains("before\u{FFFD}after"), "{html}");
    assert!(html.contains("co\u{FFFD}de"), "{html}");
    assert!(html.contains("N\u{FFFD}UL"), "{html}");
}

// ---------------------------------------------------------------------------
// The size limit.
// ---------------------------------------------------------------------------

#[test]
fn a_markdown_file_over_the_limit_is_refused_until_the_limit_is_raised() {
    let hb = fixture("base");
    let big = skill("Big", &"A line of a very long page.\n".repeat(400_000));
    assert!(big.len() > 11_000_000);
    change_file(&hb, "content/skills/big.md", &big);
    let report = expect_errors(&hb);
    assert!(
        report.contains(
            "error: `content/skills/big.md` is 11.2 MB, over the limit of 10 MB for a Markdown file"
        ),
        "{report}"
    );
    assert!(report.contains("--> content/skills/big.md"), "{report}");
    assert!(report.contains("`max_file_size = 12` (in MB)"), "{report}");
    let toml = expect_file(&hb, "handbook.toml");
    change_file(&hb, "handbook.toml", format!("max_file_size = 12\n{toml}"));
    build(&hb).assert_ok();
    assert!(page(&hb, "skills/big/index.html").contains("A line of a very long page."));
    // Files that are copied, not read, have no limit.
    std::fs::remove_file(hb.join("content/skills/big.md")).unwrap();
    change_file(&hb, "handbook.toml", &toml);
    change_file(&hb, "static/video.bin", vec![7u8; 11_000_000]);
    build(&hb).assert_ok();
}

#[test]
fn max_file_size_is_validated() {
    let hb = fixture("base");
    let toml = expect_file(&hb, "handbook.toml");
    for (value, message) in [
        ("0", "`max_file_size` must be between 1 and 1000, found 0"),
        ("\"10 MB\"", "`max_file_size` must be a whole number"),
    ] {
        change_file(
            &hb,
            "handbook.toml",
            format!("max_file_size = {value}\n{toml}"),
        );
        let report = check(&hb).assert_code(1).stderr;
        assert!(report.contains(message), "{value}: {report}");
        assert!(
            report.contains("--> handbook.toml:1:17"),
            "{value}: {report}"
        );
    }
}

// ---------------------------------------------------------------------------
// The small things.
// ---------------------------------------------------------------------------

#[test]
fn a_file_name_with_control_characters_is_shown_not_obeyed() {
    let hb = fixture("base");
    change_file(&hb, "content/skills/a\nb\u{1b}[2J.md", skill("Odd", "x"));
    let report = expect_errors(&hb);
    assert!(!report.contains('\u{1b}'), "{report:?}");
    assert!(report.contains("--> content/skills/a␊b␛[2J.md"), "{report}");
    assert!(
        report.contains("contains a line break, the invisible character U+001B, `[` and `J`"),
        "{report}"
    );
    assert!(!report.contains("a space"), "{report}");
}

#[test]
fn slugs_neither_start_nor_end_with_a_dash_and_suggestions_keep_accented_letters() {
    for (name, message, suggestion) in [
        (
            "ünïcode-skïll.md",
            "contains `ü` and `ï`",
            "unicode-skill.md",
        ),
        ("01-.md", "ends with `-`", "01.md"),
        ("-.md", "starts with `-`", ""),
    ] {
        let hb = fixture("base");
        change_file(&hb, &format!("content/skills/{name}"), skill("S", "x"));
        let report = expect_errors(&hb);
        assert!(report.contains(message), "{name}: {report}");
        if !suggestion.is_empty() {
            assert!(
                report.contains(&format!("rename the file to `{suggestion}`")),
                "{name}: {report}"
            );
        }
    }
    let hb = fixture("base");
    let refused = run(&hb, &["new", "skill", "-"]).assert_code(2).stderr;
    assert!(
        refused.contains("the slug `-` starts with `-`"),
        "{refused}"
    );
}

#[test]
fn a_table_nested_too_deep_is_placed_at_its_line() {
    let hb = fixture("base");
    let deep = vec!["a"; 100].join(".");
    change_file(
        &hb,
        "content/skills/deep.md",
        format!(
            "+++\ntitle = \"X\"\nsummary = \"S\"\ncategory = \"core\"\ndifficulty = \"beginner\"\n[{deep}]\nx = 1\n+++\nbody\n"
        ),
    );
    let report = expect_errors(&hb);
    assert!(report.contains("recursion limit"), "{report}");
    assert!(
        report.contains("--> content/skills/deep.md:6:1"),
        "{report}"
    );
}

// ---------------------------------------------------------------------------
// The fuzz corpus, replayed.
// ---------------------------------------------------------------------------

/// Every input kept in fuzz/corpus/TARGET (and every crash kept in
/// fuzz/regressions/TARGET) run through the target's code: none may panic.
#[test]
fn the_fuzz_corpus_runs_clean() {
    type Target = fn(&[u8]);
    let targets: [(&str, Target); 4] = [
        ("frontmatter", fuzz_common::frontmatter),
        ("body", fuzz_common::body),
        ("pieces", fuzz_common::pieces),
        ("slug", fuzz_common::slug),
    ];
    for (target, run) in targets {
        let mut inputs = 0;
        for folder in ["corpus", "regressions"] {
            let dir = repo_root().join("fuzz").join(folder).join(target);
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries {
                let path = entry.unwrap().path();
                let bytes = std::fs::read(&path).unwrap();
                let outcome = std::panic::catch_unwind(|| run(&bytes));
                assert!(outcome.is_ok(), "{target} panics on {}", path.display());
                inputs += 1;
            }
        }
        assert!(inputs > 0, "no corpus for the fuzz target {target}");
    }
}
