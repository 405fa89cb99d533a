//! The full fixture (`tests/fixtures/full`, which uses every part of the
//! authoring contract) built by the real binary, and its pages read: URLs,
//! links, relations, highlighting, drafts, aliases, exports, comparison
//! tables, timelines and charts.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a test reports failure by panicking"
)]

mod harness;

use std::collections::BTreeSet;

use harness::links::*;
use harness::*;
use insta::assert_snapshot;

// ---------------------------------------------------------------------------
// The full fixture: every feature of the contract, rendered.
// ---------------------------------------------------------------------------

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
    // The chart: one per currency, each drawn wide and for phones;
    // open-ended ranges fade out.
    assert_eq!(html.matches("<svg class=\"chart wide-chart\"").count(), 2);
    assert_eq!(html.matches("<svg class=\"chart narrow-chart\"").count(), 2);
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
    // The full fixture, every chart but the skill map drawn twice (wide
    // and for phones): a salary chart per currency
    // (two) on the roles overview and on the one role with salaries, a
    // timeline per track
    // (two) on the phases overview, a roadmap and a timeline on each
    // track's page, and the map of skills by prerequisites on the skills
    // page.
    assert_eq!(
        per_dir[0],
        2 * 2 + 2 * 2 + 2 * 2 + 2 * (2 + 2) + 1,
        "SVGs in the full fixture"
    );
    assert!(per_dir[1] > 0, "no SVG in the bundled handbook");
}

// ---------------------------------------------------------------------------
// Career paths: a role's steps follow the paths it names.
// ---------------------------------------------------------------------------

/// A role's heading and `(step down, step up)` per navigation block.
fn steps(html: &str) -> Vec<(String, String, String)> {
    html.split("<nav class=\"prev-next\"")
        .skip(1)
        .map(|nav| {
            let nav = &nav[..nav.find("</nav>").unwrap()];
            let label = nav.split("aria-label=\"").nth(1).unwrap();
            let label = label[..label.find('"').unwrap()].to_string();
            let after = |class: &str| {
                nav.split(&format!("class=\"{class}\""))
                    .nth(1)
                    .map(|a| {
                        let text = &a[a.find("</span>").unwrap() + 7..a.find("</a>").unwrap()];
                        text.trim().to_string()
                    })
                    .unwrap_or_default()
            };
            (label, after("prev"), after("next"))
        })
        .collect()
}

#[test]
fn roles_step_up_and_down_along_their_career_paths() {
    let dir = fixture("base");
    let toml = std::fs::read_to_string(dir.join("handbook.toml")).unwrap();
    change_file(
        &dir,
        "handbook.toml",
        format!(
            "{toml}\n[[paths]]\nid = \"tech\"\ntitle = \"Engineering\"\n\n[[paths]]\nid = \"people\"\ntitle = \"Management\"\n"
        ),
    );
    let role = |title: &str, level: u8, paths: &str| {
        format!(
            "+++\ntitle = \"{title}\"\nsummary = \"S.\"\nlevel = {level}\nresponsibilities = [\"R\"]\npaths = [{paths}]\n+++\n"
        )
    };
    let backend = std::fs::read_to_string(dir.join("content/roles/backend-developer.md")).unwrap();
    change_file(
        &dir,
        "content/roles/backend-developer.md",
        backend.replacen("level = 2\n", "level = 2\npaths = [\"tech\"]\n", 1),
    );
    change_file(
        &dir,
        "content/roles/senior.md",
        role("Senior", 5, "\"tech\", \"people\""),
    );
    // Level 4, between the two, but on neither path.
    change_file(
        &dir,
        "content/roles/specialist.md",
        role("Specialist", 4, ""),
    );
    change_file(
        &dir,
        "content/roles/architect.md",
        role("Architect", 6, "\"tech\""),
    );
    change_file(
        &dir,
        "content/roles/manager.md",
        role("Manager", 8, "\"people\""),
    );
    build(&dir).assert_ok();

    assert_eq!(
        steps(&page(&dir, "roles/senior/index.html")),
        [
            (
                "On the Engineering path".into(),
                "Backend Developer".into(),
                "Architect".into()
            ),
            (
                "On the Management path".into(),
                String::new(),
                "Manager".into()
            ),
        ]
    );
    // Alone on the ladder of roles without a path: no neighbours to show.
    assert!(steps(&page(&dir, "roles/specialist/index.html")).is_empty());
    let roles = page(&dir, "roles/index.html");
    let paths = &roles[roles.find("<h2 id=\"paths-title\">").unwrap()..];
    assert!(
        paths.contains("<ol class=\"path-steps\" aria-labelledby=\"path-people\"><li><a href=\"../roles/senior/\">Senior</a></li><li><a href=\"../roles/manager/\">Manager</a></li></ol>"),
        "{paths}"
    );
    let json: serde_json::Value = serde_json::from_str(&page(&dir, "handbook.json")).unwrap();
    assert_eq!(json["paths"][1]["id"], "people");
    let senior = json["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["slug"] == "senior")
        .unwrap();
    assert_eq!(senior["paths"], serde_json::json!(["tech", "people"]));
    assert_eq!(senior["previous"], "backend-developer");
}

/// The bundled handbook: a senior developer's step down is the mid-level
/// developer, not a specialist who happens to sit one level lower.
#[test]
fn the_bundled_senior_developer_steps_down_to_the_mid_level_developer() {
    let dir = bundled();
    build(&dir).assert_ok();
    let senior = steps(&page(&dir, "roles/senior-backend-developer/index.html"));
    assert_eq!(senior[0].1, "Backend Developer (Mid-Level)", "{senior:?}");
    assert!(
        senior.iter().any(|s| s.2 == "Engineering Manager"),
        "{senior:?}"
    );
}

// ---------------------------------------------------------------------------
// The whole handbook on one page.
// ---------------------------------------------------------------------------

/// The ids of every element of `html`, in order.
fn ids(html: &str) -> Vec<&str> {
    html.split(" id=\"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect()
}

#[test]
fn the_print_version_has_every_page_in_reading_order_on_one_page() {
    let dir = full_built();
    let print = page(&dir, "print/index.html");
    // Tracks' phases in order, then skills by category, roles by level,
    // then the free pages: the order of their sections.
    let sections: Vec<&str> = print
        .split("<article class=\"print-entry\" id=\"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect();
    assert_eq!(
        sections,
        [
            "phases.foundations",
            "phases.services",
            "phases.junior-years",
            "phases.senior-years",
            "skills.databases",
            "skills.apis",
            "skills.caching",
            "roles.backend-developer",
            "roles.senior-backend-developer",
            // Free pages by their `order`.
            "faq",
            "about",
        ],
        "{print}"
    );
    // One page, so one of each id.
    let all = ids(&print);
    let unique: BTreeSet<&str> = all.iter().copied().collect();
    assert_eq!(all.len(), unique.len(), "duplicate ids: {all:?}");
    // A body's headings keep their names under their page's anchor, two
    // levels down; its links to its own headings and to other printed
    // pages stay on this page; its image is the page's own file.
    assert!(
        print.contains("<h4 id=\"skills.databases.indexes\">"),
        "{print}"
    );
    assert!(
        print.contains("href=\"#skills.databases.indexes\""),
        "{print}"
    );
    assert!(
        print.contains("href=\"#roles.backend-developer\""),
        "{print}"
    );
    assert!(print.contains("src=\"../skills/diagram.png\""), "{print}");
    // Code is printed plain, in the same wrapper.
    let code = &print[print.find("<pre class=\"hl\"").unwrap()..];
    assert!(
        !code[..code.find("</pre>").unwrap()].contains("<span"),
        "{code}"
    );
    // Every link of it works (checked with the rest of the site), and the
    // drafts stay out.
    assert!(!print.contains("Quantum Backends"));
    assert!(broken_links(&dir.join("public")).is_empty());
    // Linked from every page's footer; not for search engines.
    assert!(page(&dir, "skills/caching/index.html").contains("href=\"../../print/\""));
    assert!(!page(&dir, "sitemap.xml").contains("/print/"));
}

#[test]
fn print_false_leaves_the_print_version_out() {
    let dir = full();
    let toml = std::fs::read_to_string(dir.join("handbook.toml")).unwrap();
    change_file(&dir, "handbook.toml", format!("print = false\n{toml}"));
    build(&dir).assert_ok();
    expect_no_file(&dir, "public/print/index.html");
    assert!(!page(&dir, "skills/caching/index.html").contains("print/"));
}

/// Past 1,000 pages the print version is left out unless asked for: such a
/// book is not printed in one piece.
#[test]
fn a_big_handbook_gets_the_print_version_only_when_it_asks() {
    let dir = fixture("base");
    for i in 0..1000 {
        change_file(
            &dir,
            &format!("content/skills/s{i:04}.md"),
            format!(
                "+++\ntitle = \"S{i}\"\nsummary = \"S.\"\ncategory = \"core\"\ndifficulty = \"beginner\"\n+++\nBody {i}.\n"
            ),
        );
    }
    build(&dir).assert_ok();
    expect_no_file(&dir, "public/print/index.html");
    assert!(!page(&dir, "index.html").contains("print/"));
    let toml = std::fs::read_to_string(dir.join("handbook.toml")).unwrap();
    change_file(&dir, "handbook.toml", format!("print = true\n{toml}"));
    build(&dir).assert_ok();
    assert!(page(&dir, "print/index.html").contains("Body 999."));
}

/// The skills page maps every skill in the order to learn it: each after
/// its prerequisites, an arc per prerequisite, every node a link that the
/// progress script can colour.
#[test]
fn the_skill_map_puts_every_skill_after_its_prerequisites() {
    let dir = bundled();
    build(&dir).assert_ok();
    let skills = page(&dir, "skills/index.html");
    let svg = &skills[skills.find("<svg class=\"chart skill-map\"").unwrap()..];
    let svg = &svg[..svg.find("</svg>").unwrap()];
    let order: Vec<&str> = svg
        .split(" data-skill-link=\"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect();
    let json: serde_json::Value = serde_json::from_str(&page(&dir, "handbook.json")).unwrap();
    let all = json["skills"].as_array().unwrap();
    assert_eq!(order.len(), all.len(), "{order:?}");
    let mut arcs = 0;
    for skill in all {
        let at = order.iter().position(|s| *s == skill["slug"]).unwrap();
        for p in skill["prerequisites"].as_array().unwrap() {
            let before = order.iter().position(|s| *s == p).unwrap();
            assert!(before < at, "{p} after {}: {order:?}", skill["slug"]);
            arcs += 1;
        }
    }
    assert!(arcs > 5);
    assert_eq!(svg.matches("class=\"prereq\"").count(), arcs);
    // A track's roadmap draws the arcs among the skills it shows.
    let track = page(&dir, "tracks/learning-path/index.html");
    assert!(track.contains("class=\"prereq\""));
}
