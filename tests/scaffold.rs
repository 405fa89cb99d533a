//! Starting a handbook: `init`, `new`, and the Pages workflow `init`
//! writes.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a test reports failure by panicking"
)]

mod harness;

use harness::links::*;
use harness::*;
use insta::assert_snapshot;

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
        "# roadbook's output, and the folders a build stages it in\n/public/\n.*.roadbook-new-*\n.*.roadbook-old-*\n.*.roadbook-lock\n"
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

// The README's "Add a skill in a minute" is applied literally to a fresh
// `init` handbook in tests/authoring.rs.
