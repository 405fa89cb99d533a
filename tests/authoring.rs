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
        assert!(
            report.contains(expected),
            "missing {expected:?} in:\n{report}"
        );
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
    shows(
        "skills/triage/index.html",
        "<p class=\"hours\">40 hours</p>",
    );
    shows(
        "roles/staff-nurse/index.html",
        "<p class=\"extra\">12-hour shifts; card: 12-hour shifts</p>",
    );
    shows(
        "phases/placement/index.html",
        "<p class=\"extra\">supervised by a mentor for 6 weeks</p>",
    );
    shows(
        "licensing/index.html",
        "<p class=\"extra\">renew every 3 years</p>",
    );

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

// ---------------------------------------------------------------------------
// Labels: the theme's texts in the handbook's language.
// ---------------------------------------------------------------------------

/// What a reader sees of a page: its text and the attributes that are
/// read out or shown (scripts, whose JSON-LD is data, and `<meta
/// content>`, which holds `og:type` and the generator, left out).
fn visible_text(html: &str) -> String {
    let mut rest = html;
    let mut kept = String::new();
    while let Some(start) = rest.find("<script") {
        kept.push_str(&rest[..start]);
        rest = rest[start..]
            .find("</script>")
            .map_or("", |end| &rest[start + end + 9..]);
    }
    kept.push_str(rest);
    let mut text = String::new();
    let mut attrs = String::new();
    let mut in_tag = false;
    let mut tag = String::new();
    for c in kept.chars() {
        match (in_tag, c) {
            (false, '<') => {
                in_tag = true;
                tag.clear();
            }
            (true, '>') => {
                in_tag = false;
                text.push(' ');
                for name in ["aria-label", "data-text", "title", "alt", "placeholder"] {
                    let key = format!(" {name}=\"");
                    if let Some(at) = tag.find(&key) {
                        let value = &tag[at + key.len()..];
                        attrs.push_str(value.split('"').next().unwrap_or(""));
                        attrs.push('\n');
                    }
                }
            }
            (true, c) => tag.push(c),
            (false, c) => text.push(c),
        }
    }
    // An address shown as text (the print version's "online at") is the
    // site's, not a label: `/phases/` in it is no English word on show.
    let text: Vec<&str> = text
        .split_whitespace()
        .filter(|w| !w.starts_with("https://") && !w.starts_with("http://"))
        .collect();
    text.join(" ") + "\n" + &attrs
}

/// The English words of every label: the text between its `{slots}`, in
/// each of its forms, where it has a word of three letters or more.
fn english_label_phrases() -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for key in roadbook::labels::keys() {
        let english = roadbook::labels::english(key).unwrap();
        for form in english.split('|') {
            let mut rest = form;
            let mut pieces = Vec::new();
            while let Some(open) = rest.find('{') {
                pieces.push(&rest[..open]);
                rest = rest[open..].split_once('}').map_or("", |(_, r)| r);
            }
            pieces.push(rest);
            for piece in pieces {
                let piece = piece.trim_matches(|c: char| " .,:;()–+×".contains(c));
                let has_word = piece
                    .split(|c: char| !c.is_ascii_alphabetic())
                    .any(|w| w.len() >= 3);
                if has_word {
                    out.push((key, piece.to_string()));
                }
            }
        }
    }
    out
}

/// Whether `phrase` occurs in `text` as whole words.
fn has_phrase(text: &str, phrase: &str) -> bool {
    text.match_indices(phrase).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + phrase.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric())
            && !after.is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

#[test]
fn a_hindi_handbook_shows_no_english_label_on_any_page() {
    let dir = fixture("hindi");
    // A date, so "Last updated" is on the pages too.
    commit_all(&dir, "2026-11-20T10:00:00+05:30", "पहला संस्करण");
    let run = build(&dir).assert_ok();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let phrases = english_label_phrases();
    assert!(phrases.len() > 100, "the scan looks for every label");
    let pages: Vec<(String, Vec<u8>)> = tree(&dir.join("public"))
        .into_iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .collect();
    assert!(pages.len() > 10, "{pages:?}");
    let mut found = Vec::new();
    for (path, bytes) in &pages {
        let text = visible_text(&String::from_utf8_lossy(bytes));
        for (key, phrase) in &phrases {
            if has_phrase(&text, phrase) {
                found.push(format!("{path}: {key} ({phrase:?})"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "English labels on a Hindi site:\n{}",
        found.join("\n")
    );
    // Figures in the language too: the date, the salary, the durations.
    let skill = page(&dir, "skills/databases/index.html");
    assert!(skill.contains(">20 नवंबर 2026</time>"), "{skill}");
    let role = page(&dir, "roles/junior/index.html");
    assert!(role.contains("₹3–6 लाख प्रति वर्ष"), "{role}");
    assert!(role.contains("0–2 वर्ष का अनुभव"), "{role}");
    let track = page(&dir, "tracks/path/index.html");
    assert!(track.contains("1–2 महीने"), "{track}");
    // The script's texts come from the page, in Hindi.
    assert!(
        role.contains("data-text=\"{label} के लिए {n} में से {done} कौशल पूरे\""),
        "{role}"
    );
}

#[test]
fn field_wording_comes_from_the_handbook_not_the_theme() {
    let dir = base_with(
        "content/skills/caching.md",
        "+++\ntitle = \"Caching\"\nsummary = \"S.\"\ncategory = \"practices\"\ndifficulty = \"advanced\"\nimpact = \"Large\"\n+++\n",
    );
    build(&dir).assert_ok();
    let html = page(&dir, "skills/caching/index.html");
    assert!(html.contains("<dt>Impact</dt>"), "{html}");
    assert!(!html.contains("Impact on backend work"), "{html}");
    let toml = expect_file(&dir, "handbook.toml");
    change_file(
        &dir,
        "handbook.toml",
        format!("{toml}\n[labels]\nimpact = \"Impact on patient care\"\n"),
    );
    build(&dir).assert_ok();
    let html = page(&dir, "skills/caching/index.html");
    assert!(html.contains("<dt>Impact on patient care</dt>"), "{html}");
    assert!(page(&dir, "skills/index.html").contains(">Impact on patient care</th>"));
}

#[test]
fn a_language_without_a_table_falls_back_to_english_per_label_with_a_warning() {
    let dir = fixture("base");
    let toml = expect_file(&dir, "handbook.toml");
    let toml = toml.replacen("base_url", "language = \"fr\"\nbase_url", 1);
    change_file(
        &dir,
        "handbook.toml",
        format!("{toml}\n[labels]\nskills = \"Compétences\"\n"),
    );
    let run = build(&dir).assert_ok();
    assert!(run.stderr.contains("warning:"), "{}", run.stderr);
    assert!(run.stderr.contains("language \"fr\""), "{}", run.stderr);
    assert!(run.stderr.contains("`roles`"), "{}", run.stderr);
    assert!(!run.stderr.contains("`skills`"), "{}", run.stderr);
    let html = page(&dir, "skills/index.html");
    assert!(html.contains("<h1>Compétences</h1>"), "{html}");
    assert!(html.contains(">Roles</a>"), "{html}");
}

#[test]
fn an_unknown_label_is_an_error_with_the_closest_one() {
    let dir = fixture("base");
    let toml = expect_file(&dir, "handbook.toml");
    change_file(
        &dir,
        "handbook.toml",
        format!("{toml}\n[labels]\nimpakt = \"Effect\"\n"),
    );
    let report = expect_errors(&dir);
    assert!(report.contains("did you mean `impact`?"), "{report}");
    assert_snapshot!("unknown_label", report);
}

// ---------------------------------------------------------------------------
// `roadbook theme eject`: the theme in the author's hands.
// ---------------------------------------------------------------------------

#[test]
fn ejecting_the_whole_theme_builds_the_identical_site() {
    let dir = fixture("full");
    build(&dir).assert_ok();
    let before = tree(&dir.join("public"));
    let run = run(&dir, &["theme", "eject"]).assert_ok();
    assert!(
        run.stderr.contains("wrote templates/skill.html"),
        "{}",
        run.stderr
    );
    expect_file(&dir, "templates/base.html");
    expect_file(&dir, "static/assets/roadbook.css");
    expect_file(&dir, "static/assets/roadbook.js");
    build(&dir).assert_ok();
    assert_same_tree(&before, &tree(&dir.join("public")), "site after eject");
}

#[test]
fn eject_never_replaces_a_file_and_takes_names() {
    let dir = fixture("base");
    change_file(&dir, "templates/skill.html", "{# mine #}\n");
    let run = run(
        &dir,
        &["theme", "eject", "skill.html", "roadbook.css", "-r", "."],
    )
    .assert_ok();
    assert!(
        run.stderr.contains("kept templates/skill.html"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("wrote static/assets/roadbook.css"),
        "{}",
        run.stderr
    );
    assert_eq!(expect_file(&dir, "templates/skill.html"), "{# mine #}\n");
    expect_no_file(&dir, "templates/role.html");
    let refused = run_in(dir.path(), &["theme", "eject", "skil.html"]).assert_code(2);
    assert!(
        refused.stderr.contains("did you mean `skill.html`?"),
        "{}",
        refused.stderr
    );
}

// ---------------------------------------------------------------------------
// The command line.
// ---------------------------------------------------------------------------

#[test]
fn every_flag_of_every_command_has_help_text() {
    let dir = fixture("base");
    for command in ["build", "check", "serve", "init", "new", "theme eject"] {
        let mut args: Vec<&str> = command.split(' ').collect();
        args.push("--help");
        let help = run(&dir, &args).assert_ok().stdout;
        let mut options = 0;
        for line in help.lines() {
            let line = line.trim_start();
            if line.starts_with('-') || line.starts_with('<') || line.starts_with('[') {
                options += 1;
                // Two spaces separate the flag from its text.
                let text = line.split_once("  ").map_or("", |(_, t)| t.trim());
                // `[default: .]` alone is not help.
                let words = text.split(" [").next().unwrap_or("");
                let words = if words.starts_with('[') { "" } else { words };
                assert!(
                    !words.trim().is_empty(),
                    "`{command}`: no help for {line:?}\n{help}"
                );
            }
        }
        assert!(options >= 2, "`{command}` lists its flags:\n{help}");
    }
}

#[test]
fn short_flags_name_the_root_output_and_drafts() {
    let dir = fixture("base");
    let out = dir.join("site");
    run_in(
        &std::env::temp_dir(),
        &[
            "build",
            "-r",
            dir.path().to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "-d",
        ],
    )
    .assert_ok();
    expect_file(&dir, "site/index.html");
    run_in(
        &std::env::temp_dir(),
        &["check", "-r", dir.path().to_str().unwrap()],
    )
    .assert_ok();
}

#[test]
fn new_takes_a_title_and_says_which_title_it_made() {
    let dir = fixture("base");
    let made = run(&dir, &["new", "page", "faq-two"]).assert_ok();
    assert!(
        made.stderr.contains("title: \"FAQ two\""),
        "{}",
        made.stderr
    );
    assert!(made.stderr.contains("--title"), "{}", made.stderr);
    assert!(expect_file(&dir, "content/pages/faq-two.md").contains("title = \"FAQ two\""));
    let given = run(&dir, &["new", "skill", "gql", "--title", "GraphQL \"Q\""]).assert_ok();
    assert!(
        !given.stderr.contains("made from the slug"),
        "{}",
        given.stderr
    );
    let text = expect_file(&dir, "content/skills/gql.md");
    assert!(text.contains(r#"title = "GraphQL \"Q\"""#), "{text}");
    check(&dir).assert_ok();
}

#[test]
fn a_phase_order_clash_is_reported_at_the_newer_file_with_the_next_free_order() {
    let dir = fixture("base");
    commit_all(&dir, "2026-11-20T10:00:00+00:00", "Base");
    change_file(
        &dir,
        "content/phases/03-deploy.md",
        "+++\ntitle = \"Deploy\"\ntrack = \"learning-path\"\norder = 1\nsummary = \"Ship it.\"\n+++\n",
    );
    let report = expect_errors(&dir);
    assert!(
        !report.contains("01-basics.md:"),
        "reported at the old file:\n{report}"
    );
    assert!(
        report.contains("the next free one is `order = 3`"),
        "{report}"
    );
    assert_snapshot!("phase_order_clash_at_newer_file", report);
}

// ---------------------------------------------------------------------------
// README examples that run.
// ---------------------------------------------------------------------------

/// The README section that starts at the heading `title`, up to the next.
fn readme_section(title: &str) -> String {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let start = readme
        .find(&format!("## {title}\n"))
        .expect("the section exists");
    let mut out = String::new();
    let mut fenced = false;
    for (n, line) in readme[start..].lines().enumerate() {
        if n > 0 && !fenced && line.starts_with("## ") {
            break;
        }
        fenced ^= line.starts_with("```");
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The code block of `section` fenced as `lang`.
fn code_block(section: &str, lang: &str) -> String {
    let open = format!("```{lang}\n");
    let start = section.find(&open).expect("the code block exists") + open.len();
    let len = section[start..].find("```").unwrap();
    section[start..start + len].to_string()
}

/// The text between the backticks after `before` in `section`.
fn quoted_after(section: &str, before: &str) -> String {
    let at = section
        .find(before)
        .unwrap_or_else(|| panic!("{before:?} in the README"));
    let rest = &section[at + before.len()..];
    let start = rest.find('`').unwrap() + 1;
    let len = rest[start..].find('`').unwrap();
    rest[start..start + len].to_string()
}

#[test]
fn the_readme_adds_a_skill_in_a_minute_to_a_fresh_init_handbook() {
    let dir = TempDir::new("readme");
    run_in(dir.path(), &["init", "hb"]).assert_ok();
    let hb = dir.join("hb");
    let section = readme_section("Add a skill in a minute");
    // The file, exactly as the README shows it.
    let skill = code_block(&section, "markdown");
    std::fs::write(hb.join("content/skills/graphql.md"), &skill).unwrap();
    // "make the list `skills = [...]`" in the phase.
    let list = quoted_after(&section, "make\nthe list ");
    let phase_file = hb.join("content/phases/getting-started.md");
    let phase = std::fs::read_to_string(&phase_file).unwrap();
    let phase: String = phase
        .lines()
        .map(|l| {
            if l.starts_with("skills = ") {
                list.clone()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&phase_file, phase + "\n").unwrap();
    // "add `graphql = "familiar"` under `[skills]`" in the role.
    let line = quoted_after(&section, "and add\n");
    let role_file = hb.join("content/roles/example-role.md");
    let role = std::fs::read_to_string(&role_file).unwrap();
    let at = role.find("[skills]").unwrap();
    let at = at + role[at..].find('\n').unwrap() + 1;
    std::fs::write(
        &role_file,
        format!("{}{line}\n{}", &role[..at], &role[at..]),
    )
    .unwrap();

    let said = quoted_after(&section, "`roadbook check` then says ");
    let checked = run_in(&hb, &["check"]).assert_ok();
    assert_eq!(checked.stderr.trim(), said);
    run_in(&hb, &["build"]).assert_ok();
    let html = std::fs::read_to_string(hb.join("public/skills/graphql/index.html")).unwrap();
    assert!(html.contains("<h1>GraphQL</h1>"), "{html}");
    assert!(
        html.contains("example-skill/#where-to-start\">Example skill</a>"),
        "{html}"
    );

    // The typo the README shows, reported as it shows it.
    let typo = skill.replacen("difficulty = ", "dificulty = ", 1);
    std::fs::write(hb.join("content/skills/graphql.md"), typo).unwrap();
    let report = run_in(&hb, &["check"]).assert_code(1).stderr;
    let shown = code_block(&section, "text");
    assert!(
        report.starts_with(&shown),
        "README shows:\n{shown}\nroadbook says:\n{report}"
    );
}

// ---------------------------------------------------------------------------
// Diagnostics: the line shown, the help that fits the file.
// ---------------------------------------------------------------------------

#[test]
fn a_mistake_in_a_very_long_line_shows_the_line_clipped_around_it() {
    let long = format!(
        "{} See [the cache](skill:cachng) for more. {}",
        "word ".repeat(2000),
        "more ".repeat(2000)
    );
    let dir = base_with(
        "content/skills/apis.md",
        format!(
            "+++\ntitle = \"APIs\"\nsummary = \"S.\"\ncategory = \"core\"\ndifficulty = \"intermediate\"\n+++\n\n{long}\n"
        ),
    );
    let report = expect_errors(&dir);
    assert!(report.len() < 1000, "{} bytes:\n{report}", report.len());
    assert_snapshot!("clipped_long_line", report);
}

#[test]
fn a_toml_error_in_handbook_toml_gets_help_for_handbook_toml() {
    let dir = fixture("base");
    let toml = expect_file(&dir, "handbook.toml");
    change_file(
        &dir,
        "handbook.toml",
        toml.replacen("[[tracks]]", "[[tracks]", 1),
    );
    let report = expect_errors(&dir);
    assert!(!report.contains("front matter"), "{report}");
    assert_snapshot!("handbook_toml_syntax_error", report);
}

// ---------------------------------------------------------------------------
// Template errors as good as content errors.
// ---------------------------------------------------------------------------

fn with_page_template(body: &str) -> TempDir {
    base_with(
        "templates/page.html",
        format!(
            "{{% extends \"base.html\" %}}\n{{% block content %}}\n{body}\n{{% endblock content %}}\n"
        ),
    )
}

#[test]
fn an_unknown_filter_names_the_template_once_with_the_filter_meant() {
    let report = expect_errors_in_build(&with_page_template("<h1>{{ page.title | upcase }}</h1>"));
    assert!(!report.contains("error: error"), "{report}");
    assert!(report.contains("--> templates/page.html:3:"), "{report}");
    assert!(report.contains("did you mean `upper`?"), "{report}");
    assert_snapshot!("template_unknown_filter", report);
}

#[test]
fn an_unclosed_if_is_reported_at_its_opening_line() {
    let report = expect_errors_in_build(&with_page_template(
        "{% if page.title %}\n<h1>{{ page.title }}</h1>",
    ));
    assert!(report.contains("--> templates/page.html:3:1"), "{report}");
    assert_snapshot!("template_unclosed_if", report);
}

#[test]
fn an_unknown_field_gets_the_closest_field() {
    let report = expect_errors_in_build(&with_page_template("<h1>{{ page.titel }}</h1>"));
    assert!(report.contains("did you mean `title`?"), "{report}");
    assert_snapshot!("template_unknown_field", report);
}
