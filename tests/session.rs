//! `serve`'s session against plain `build`, edit by edit: whatever the
//! session kept from earlier runs (files as read, parses, highlighted
//! code), its site must be byte for byte what a fresh build of the same
//! files gives, and the page it shows early must be that build's page.
//!
//! The edits run over every Markdown file of the bundled handbook and of
//! the full fixture, so a kept result that goes stale fails here, naming
//! the file.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a test reports failure by panicking"
)]

mod harness;

use std::path::{Path, PathBuf};

use harness::*;
use roadbook::pipeline::{self, Built, Failure, Options};
use roadbook::session::{Early, Session};

fn options(root: &Path) -> Options {
    Options {
        root: root.to_path_buf(),
        plain_asset_names: true,
        ..Options::default()
    }
}

/// Every Markdown file under `content/`, relative to the root.
fn markdown_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.join("content")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                out.push(path.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// What a run leaves for the preview: the files, or the error report.
fn outcome(result: &Result<Built, Failure>) -> Result<(&roadbook::output::Files, String), String> {
    match result {
        Ok(b) => Ok((&b.files, b.warnings.render())),
        Err(f) => Err(f.diagnostics.render()),
    }
}

/// Writes `text` to `rel`, rebuilds the session as `serve` would after
/// that one edit, and compares it with a fresh build (`known`, when that
/// is known already). Returns whether the session handed over the edited
/// file's page early; that page is checked to be the fresh build's.
fn edit_and_compare_with(
    session: &mut Session,
    root: &Path,
    rel: &Path,
    text: &str,
    known: Option<&Result<Built, Failure>>,
) -> bool {
    let before = session.last_files();
    std::fs::write(root.join(rel), text).unwrap();
    let mut early = None;
    let mut before_index = None;
    let rebuilt = session.rebuild_with(&[rel.to_path_buf()], &mut |b| match b {
        Early::EditedPage(b) => early = Some(b),
        Early::BeforeIndex(b) => before_index = Some(b),
    });
    let built;
    let fresh = match known {
        Some(k) => k,
        None => {
            built = pipeline::build(&options(root));
            &built
        }
    };
    if let Some(early) = &early {
        let fresh = fresh.as_ref().unwrap_or_else(|f| {
            panic!(
                "after editing {}, the session showed a page early but a build fails: {}",
                rel.display(),
                f.diagnostics.render()
            )
        });
        // Every page but the edited one is the last site's; the edited one
        // is the fresh build's already.
        let before = before.expect("a page is shown early only over a last good site");
        let moved: Vec<&String> = early
            .files
            .files
            .keys()
            .filter(|p| before.files.get(*p) != early.files.files.get(*p))
            .collect();
        assert!(
            moved.len() <= 1,
            "after editing {}: {moved:?}",
            rel.display()
        );
        for p in moved {
            assert!(
                early.files.files.get(p) == fresh.files.files.get(p),
                "after editing {}, the early {p} differs from a build's",
                rel.display()
            );
        }
    }
    same_as_build(rel, &rebuilt, fresh);
    // The site handed over before the search index is the run's but for
    // the index.
    if let (Some(handed), Ok(done)) = (&before_index, &rebuilt) {
        let not_index = |p: &&String| !p.starts_with(roadbook::search::BUNDLE_DIR);
        let differ: Vec<&String> = done
            .files
            .files
            .keys()
            .chain(handed.files.files.keys())
            .filter(not_index)
            .filter(|p| done.files.files.get(*p) != handed.files.files.get(*p))
            .collect();
        assert!(
            differ.is_empty(),
            "after editing {}: {differ:?}",
            rel.display()
        );
    }
    early.is_some()
}

/// [`edit_and_compare_with`] against a fresh build made now; asserts that
/// the edited page was shown early exactly when a page is made from the
/// file after the edit and the site before it was good. Returns whether
/// it was, and whether the build failed.
fn edit_and_compare(session: &mut Session, root: &Path, rel: &Path, text: &str) -> (bool, bool) {
    let had_site = session.last_files().is_some();
    std::fs::write(root.join(rel), text).unwrap();
    let fresh = pipeline::build(&options(root));
    let shows = fresh
        .as_ref()
        .is_ok_and(|b| page_of(b, root, rel).is_some());
    let early = edit_and_compare_with(session, root, rel, text, Some(&fresh));
    assert_eq!(
        early,
        shows && had_site,
        "after editing {}: shown early {early}, a page made from it {shows}, a good site before {had_site}",
        rel.display()
    );
    (early, fresh.is_err())
}

/// The output file of the page made from `rel` in `built`, found by the
/// slug its file name gives.
fn page_of(built: &Built, root: &Path, rel: &Path) -> Option<String> {
    let name = rel.file_name()?.to_str()?;
    // A draft makes no page (the home page is made without its file).
    let text = std::fs::read_to_string(root.join(rel)).ok()?;
    if text.starts_with("+++\ndraft = true\n") {
        return None;
    }
    if name == "_index.md" {
        return built
            .files
            .get("index.html")
            .map(|_| "index.html".to_string());
    }
    let stem = name.strip_suffix(".md")?;
    // A `NN-` order prefix is not part of the slug.
    let slug = match stem.split_once('-') {
        Some((n, rest)) if n.chars().all(|c| c.is_ascii_digit()) => rest,
        _ => stem,
    };
    let folder = rel.parent()?.file_name()?.to_str()?;
    let file = match folder {
        "pages" => format!("{slug}/index.html"),
        other => format!("{other}/{slug}/index.html"),
    };
    built.files.get(&file).map(|_| file)
}

/// Compares the session's site after a change to `rel` with a build's.
fn same_as_build(rel: &Path, patched: &Result<Built, Failure>, fresh: &Result<Built, Failure>) {
    match (outcome(patched), outcome(fresh)) {
        (Ok((a, wa)), Ok((b, wb))) => {
            if a != b {
                let differ: Vec<&String> = a
                    .files
                    .keys()
                    .chain(b.files.keys())
                    .filter(|p| a.files.get(*p) != b.files.get(*p))
                    .collect();
                panic!(
                    "after editing {}, the session's site differs from a build in {differ:?}",
                    rel.display()
                );
            }
            assert_eq!(wa, wb, "warnings after editing {}", rel.display());
        }
        (Err(a), Err(b)) => assert_eq!(a, b, "errors after editing {}", rel.display()),
        (a, b) => panic!(
            "after editing {}, the session {} but a build {}",
            rel.display(),
            if a.is_ok() { "succeeded" } else { "failed" },
            if b.is_ok() { "succeeded" } else { "failed" },
        ),
    }
}

/// `text` with `suffix` added to the end of the front matter's `key`
/// string (`title = "APIs"` → `title = "APIs, revised"`); `None` when the
/// file has no such line.
fn with_suffix(text: &str, key: &str, suffix: &str) -> Option<String> {
    let start = text.find(&format!("\n{key} = \""))? + key.len() + 5;
    let end = start + text[start..].find('"')?;
    Some(format!("{}{suffix}{}", &text[..end], &text[end..]))
}

/// `text` with `item` put first in the front matter's `key` array
/// (`tools = ["Git"]` → `tools = ["Added", "Git"]`); `None` when the file
/// has no such line.
fn with_first_item(text: &str, key: &str, item: &str) -> Option<String> {
    let at = text.find(&format!("\n{key} = ["))? + key.len() + 5;
    Some(format!("{}\"{item}\", {}", &text[..at], &text[at..]))
}

/// Edits to what shows of an entry but not where it sorts or what it
/// links: a title or summary, a skill's difficulty, tools and impact, a
/// role's duties and pay, a phase's focus. Each applies to the files that
/// have the key.
fn shape_keeping_edits(text: &str) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for (key, suffix) in [
        ("title", ", revised"),
        ("summary", " Revised."),
        ("impact", " Revised."),
        ("applies", " Revised."),
    ] {
        out.extend(with_suffix(text, key, suffix).map(|t| (key, t)));
    }
    for key in ["tools", "responsibilities", "focus"] {
        out.extend(with_first_item(text, key, "Added while previewing").map(|t| (key, t)));
    }
    for (from, to) in [("beginner", "advanced"), ("advanced", "beginner")] {
        let old = format!("\ndifficulty = \"{from}\"");
        if text.contains(&old) {
            let new = format!("\ndifficulty = \"{to}\"");
            out.push(("difficulty", text.replacen(&old, &new, 1)));
        }
    }
    // A salary's upper end, one digit longer.
    if text.contains("\nmax = ") && text.contains("[[salary]]") {
        out.push(("salary", text.replacen("\nmax = ", "\nmax = 1", 1)));
    }
    out
}

/// A paragraph, a list and a code block added at the end of the body: an
/// edit only the file's own page shows.
fn body_edit(text: &str) -> String {
    format!(
        "{text}\nA sentence added while previewing, with *emphasis*.\n\n- one more point\n\n```text\nplain block\n```\n"
    )
}

/// The built-in template `name` with `extra` at the end of its content
/// block: a handbook's override that shows more than the default theme.
fn with_builtin(name: &str, extra: &str) -> String {
    let text = roadbook::render::BUILTIN
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap()
        .1;
    text.replace(
        "{% endblock content %}",
        &format!("{extra}{{% endblock content %}}"),
    )
}

/// What [`every_edit_matches_a_build`] counted.
#[derive(Debug, Default)]
struct Counts {
    /// Edits made.
    edits: usize,
    /// Edits whose page was shown early.
    early: usize,
    /// Edits the session (and a build) failed on.
    failed: usize,
}

/// Every kind of edit on every Markdown file of the handbook at `root`,
/// each compared with a fresh build, each file restored after.
fn every_edit_matches_a_build(root: &Path, adding: &[(&str, &str)], all_kinds: bool) -> Counts {
    let mut session = Session::new(options(root));
    assert!(session.build().is_ok(), "the handbook builds");
    // Every file goes back to how it was after each edit.
    let start = pipeline::build(&options(root));
    let mut counts = Counts::default();
    let mut edit = |session: &mut Session, rel: &Path, text: &str| {
        counts.edits += 1;
        let (early, failed) = edit_and_compare(session, root, rel, text);
        counts.early += usize::from(early);
        counts.failed += usize::from(failed);
    };
    let restore = |session: &mut Session, rel: &Path, original: &str| {
        edit_and_compare_with(session, root, rel, original, Some(&start));
    };
    for rel in markdown_files(root) {
        let original = std::fs::read_to_string(root.join(&rel)).unwrap();
        let mut edits = vec![
            body_edit(&original),
            format!("{original}\nSee [the about page](page:about).\n"),
            original.replacen("title = \"", "title = \"Renamed ", 1),
            // A broken link: the session fails as a build does.
            format!("{original}\nSee [nothing](skill:no-such-skill).\n"),
        ];
        edits.extend(shape_keeping_edits(&original).into_iter().map(|(_, t)| t));
        if all_kinds {
            edits.push(format!("{original}\n## A heading added later\n\nText.\n"));
            // A link to a draft: its own error.
            edits.push(format!("{original}\nSee [a draft](skill:quantum).\n"));
            if original.contains("\n## ") {
                // Links to the old headings, from here or elsewhere, break.
                edits.push(original.replace("\n## ", "\n## Renamed "));
            }
            if let Some(at) = original.find("duration = {") {
                let (head, tail) = original.split_at(at);
                edits.push(format!("{head}{}", tail.replacen("min = ", "min = 1", 1)));
            }
            if let Some(rest) = original.strip_prefix("+++\n") {
                edits.push(format!("+++\ndraft = true\n{rest}"));
            }
        }
        for &(key, skill) in adding {
            if !original.contains(&format!("\"{skill}\"")) {
                edits.extend(with_first_item(&original, key, skill));
            }
        }
        for (from, to) in [("\norder = ", "\norder = 9"), ("\nlevel = ", "\nlevel = 9")] {
            if original.contains(from) {
                edits.push(original.replacen(from, to, 1));
            }
        }
        for text in edits {
            edit(&mut session, &rel, &text);
            // Back as it was: nothing of the edit may stay.
            restore(&mut session, &rel, &original);
        }
    }
    counts
}

#[test]
fn every_edit_of_the_bundled_handbook_matches_a_build() {
    let hb = bundled();
    // Without the search index: hundreds of edits would each index the
    // site twice over (the session's run and the fresh build), for nothing
    // the full fixture's edits, which keep it, do not already compare.
    let toml = hb.path().join("handbook.toml");
    let settings = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, format!("search = false\n{settings}")).unwrap();
    let adding = [
        ("prerequisites", "version-control"),
        ("related", "security"),
        ("skills", "rust"),
    ];
    let counts = every_edit_matches_a_build(hb.path(), &adding, false);
    eprintln!("bundled: {counts:?}");
    // Whether each edit showed its page early is checked edit by edit
    // (`edit_and_compare`). Every file got a broken link, which fails; every
    // file makes a page, so every edit that did not fail showed it.
    let files = markdown_files(hb.path()).len();
    assert!(counts.failed >= files, "{counts:?}");
    assert_eq!(counts.early + counts.failed, counts.edits, "{counts:?}");
}

#[test]
fn every_edit_of_the_full_fixture_matches_a_build() {
    let hb = full();
    let adding = [
        ("prerequisites", "databases"),
        ("related", "apis"),
        ("skills", "caching"),
    ];
    let counts = every_edit_matches_a_build(hb.path(), &adding, true);
    eprintln!("full: {counts:?}");
    // At least the broken link of every file fails; the rest is checked
    // edit by edit.
    let files = markdown_files(hb.path()).len();
    assert!(counts.failed > files, "{counts:?}");
    assert!(counts.early > counts.edits / 2, "{counts:?}");
}

/// Templates that show more than the built-in ones: a skill's page shows
/// its phases' start, end and size (which a longer phase earlier in the
/// track moves), and every skill's title through an include; a role's
/// page reads `site` whole through a variable. No list of which page
/// shows what exists to be taught about them: the site after each edit
/// is still a build's.
#[test]
fn templates_that_show_more_are_rendered_again_after_an_edit() {
    let hb = full();
    let skill = with_builtin(
        "skill.html",
        "{% for p in skill.phases %}<p>{{ p.starts }} to {{ p.ends }}, {{ p.skill_count }} skills</p>{% endfor %}{% include \"all-skills.html\" %}",
    );
    change_file(&hb, "templates/skill.html", skill);
    change_file(
        &hb,
        "templates/all-skills.html",
        "<ul>{% for c in site.categories %}{% for s in c.skills %}<li>{{ s.title }}: {{ s.tools | join(sep=\", \") }}</li>{% endfor %}{% endfor %}</ul>",
    );
    let role = with_builtin(
        "role.html",
        "{% set everything = site %}<p>{{ everything.tracks | length }} tracks</p>",
    );
    change_file(&hb, "templates/role.html", role);
    let root = hb.path();
    let mut session = Session::new(options(root));
    let first = session.build().unwrap();
    let rel = Path::new("content/skills/databases.md");
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    let retooled = with_first_item(&text, "tools", "Added while previewing").unwrap();
    edit_and_compare(&mut session, root, rel, &retooled);
    // Another skill's page shows the new tool, through the include.
    let other = "skills/caching/index.html";
    let after = session.last_files().unwrap();
    let shown = String::from_utf8_lossy(&after.get(other).unwrap()).into_owned();
    assert!(shown.contains("Added while previewing"), "{other}");
    assert_ne!(first.files.get(other), after.get(other));
    // A phase that takes longer moves every later phase of its track.
    let phases = markdown_files(root);
    for rel in phases.iter().filter(|p| p.starts_with("content/phases")) {
        let original = std::fs::read_to_string(root.join(rel)).unwrap();
        if let Some(at) = original.find("duration = {") {
            let (head, tail) = original.split_at(at);
            let longer = format!("{head}{}", tail.replacen("min = ", "min = 1", 1));
            edit_and_compare(&mut session, root, rel, &longer);
            edit_and_compare(&mut session, root, rel, &original);
        }
    }
}

#[test]
fn edits_to_several_files_at_once_match_a_build() {
    let hb = bundled();
    let root = hb.path();
    let mut session = Session::new(options(root));
    assert!(session.build().is_ok());
    let picked: Vec<PathBuf> = markdown_files(root).into_iter().step_by(7).collect();
    for rel in &picked {
        let text = std::fs::read_to_string(root.join(rel)).unwrap();
        let text = with_suffix(&text, "title", " II").unwrap_or_else(|| body_edit(&text));
        std::fs::write(root.join(rel), text).unwrap();
    }
    let mut early = 0;
    let rebuilt = session.rebuild_with(&picked, &mut |b| {
        early += usize::from(matches!(b, Early::EditedPage(_)));
    });
    let fresh = pipeline::build(&options(root));
    assert_eq!(
        early, 0,
        "no one page is the edit's when several files changed"
    );
    same_as_build(&picked[0], &rebuilt, &fresh);
    assert_eq!(session.parse_counts().0, picked.len(), "files parsed");
}

#[test]
fn a_settings_edit_matches_a_build() {
    let hb = bundled();
    let root = hb.path();
    let mut session = Session::new(options(root));
    session.build().unwrap();
    let toml = std::fs::read_to_string(root.join("handbook.toml")).unwrap();
    let rel = Path::new("handbook.toml");
    std::fs::write(
        root.join(rel),
        toml.replacen("title = \"", "title = \"New ", 1),
    )
    .unwrap();
    let rebuilt = session.rebuild(&[rel.to_path_buf()]);
    same_as_build(rel, &rebuilt, &pipeline::build(&options(root)));
    // Other settings: every file is parsed again, as it is checked
    // against them.
    let files = markdown_files(root).len();
    assert!(
        session.parse_counts().0 >= files,
        "{:?}",
        session.parse_counts()
    );
}

/// A role leaving a career path changes its neighbours' pages and the
/// roles page: the rebuild gives what a build gives.
#[test]
fn a_career_path_edit_matches_a_build() {
    let hb = bundled();
    let root = hb.path();
    let mut session = Session::new(options(root));
    session.build().unwrap();
    let rel = Path::new("content/roles/backend-developer.md");
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    let edited = text.replacen(", \"security\"]", "]", 1);
    assert_ne!(edited, text, "the bundled role names the security path");
    std::fs::write(root.join(rel), edited).unwrap();
    let rebuilt = session.rebuild(&[rel.to_path_buf()]);
    same_as_build(rel, &rebuilt, &pipeline::build(&options(root)));
    let built = rebuilt.unwrap();
    let security = built
        .files
        .get("roles/security-specialist/index.html")
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap();
    assert!(security.contains("<h1"), "{security}");
    assert!(!security.contains("Step down"), "{security}");
}

/// A file added while `serve` runs, then deleted: the site is a build's
/// each time, and a deletion that leaves a link broken fails as a build
/// does. Only the new file is parsed.
#[test]
fn a_page_file_added_then_deleted_matches_a_build() {
    let hb = bundled();
    let root = hb.path();
    let mut session = Session::new(options(root));
    let pages = session.build().unwrap().pages;
    let rel = Path::new("content/skills/added-while-previewing.md");
    let text = "+++\ntitle = \"Added while previewing\"\nsummary = \"A skill made while the preview ran.\"\ncategory = \"core\"\ndifficulty = \"beginner\"\nprerequisites = [\"apis\"]\n+++\n\nSee [caching](skill:caching) too.\n";
    std::fs::write(root.join(rel), text).unwrap();
    let rebuilt = session.build();
    same_as_build(rel, &rebuilt, &pipeline::build(&options(root)));
    assert_eq!(session.parse_counts().0, 1, "files parsed for a new file");
    assert_eq!(rebuilt.as_ref().map(|b| b.pages).ok(), Some(pages + 1));

    // A free page that links to it, added; the skill deleted: the link
    // breaks, and the session fails as a build does.
    let page = Path::new("content/pages/links-to-the-new-skill.md");
    let linking = "+++\ntitle = \"Links to the new skill\"\n+++\n\nRead [it](skill:added-while-previewing).\n";
    std::fs::write(root.join(page), linking).unwrap();
    same_as_build(page, &session.build(), &pipeline::build(&options(root)));
    std::fs::remove_file(root.join(rel)).unwrap();
    let rebuilt = session.build();
    assert!(rebuilt.is_err(), "a deleted skill that a page links to");
    same_as_build(rel, &rebuilt, &pipeline::build(&options(root)));

    // Both gone: the handbook as it was.
    std::fs::remove_file(root.join(page)).unwrap();
    let rebuilt = session.build();
    same_as_build(page, &rebuilt, &pipeline::build(&options(root)));
    assert_eq!(rebuilt.as_ref().map(|b| b.pages).ok(), Some(pages));
    assert_eq!(session.parse_counts().0, 0, "nothing new to parse");
}

/// What `build` writes names the theme's files by a hash of their bytes;
/// a session built that way matches it too, edit after edit.
#[test]
fn a_session_with_hashed_asset_names_matches_a_build() {
    let hb = full();
    let root = hb.path();
    let opts = Options {
        root: root.to_path_buf(),
        plain_asset_names: false,
        ..Options::default()
    };
    let mut session = Session::new(opts.clone());
    assert_eq!(
        session.build().unwrap().files,
        pipeline::build(&opts).unwrap().files
    );
    let css = "static/assets/roadbook.css";
    change_file(&hb, css, "body { color: red; }\n");
    let rebuilt = session.rebuild(&[PathBuf::from(css)]);
    let fresh = pipeline::build(&opts);
    same_as_build(Path::new(css), &rebuilt, &fresh);
    let names: Vec<&String> = fresh
        .as_ref()
        .unwrap()
        .files
        .files
        .keys()
        .filter(|p| p.starts_with("assets/roadbook."))
        .collect();
    assert!(
        names.iter().any(|p| p.len() > "assets/roadbook.css".len()),
        "{names:?}"
    );
}

/// The site a session keeps between rebuilds is held packed, and an edit
/// packs again only what it changed: the pages it did not change are the
/// last site's, shared.
#[test]
fn the_kept_site_is_packed_and_shared_across_an_edit() {
    let hb = bundled();
    let root = hb.path();
    let mut session = Session::new(options(root));
    session.build().unwrap();
    let first = session.last_files().unwrap();
    // The search index comes compressed already, and is made anew from
    // every run's pages; the pages are what packing is for.
    let pages = |files: &roadbook::output::Files| -> Vec<(String, roadbook::output::Stored)> {
        files
            .files
            .iter()
            .filter(|(p, _)| !p.starts_with(roadbook::search::BUNDLE_DIR))
            .map(|(p, f)| (p.clone(), f.clone()))
            .collect()
    };
    let kept = pages(&first);
    let written: usize = kept.iter().map(|(_, f)| f.len()).sum();
    let held: usize = kept.iter().map(|(_, f)| f.held()).sum();
    assert!(
        held * 3 < written,
        "{held} bytes held for {written} written"
    );
    let rel = Path::new("content/skills/databases.md");
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    edit_and_compare(&mut session, root, rel, &body_edit(&text));
    let after = session.last_files().unwrap();
    let packed_again: Vec<String> = pages(&after)
        .into_iter()
        .filter(|(p, f)| !first.files.get(p).is_some_and(|o| o.shares(f)))
        .map(|(p, _)| p)
        .collect();
    // The page itself, and the print version, which has every body.
    assert_eq!(
        packed_again,
        ["print/index.html", "skills/databases/index.html"]
    );
}

/// With search on, a rebuild hands over the new site before its search
/// index is made (the index of a big site takes longer than its pages),
/// with the last index until then; the run's result has the new index.
#[test]
fn the_pages_are_handed_over_before_the_search_index() {
    let hb = full();
    let root = hb.path();
    let mut session = Session::new(options(root));
    let first = session.build().unwrap().files;
    let rel = Path::new("content/skills/caching.md");
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    change_file(
        &hb,
        "content/skills/caching.md",
        with_suffix(&text, "title", " Zanzibar").unwrap(),
    );
    let mut handed = Vec::new();
    let done = session
        .rebuild_with(&[rel.to_path_buf()], &mut |b| {
            let kind = matches!(b, Early::BeforeIndex(_));
            handed.push((kind, b.into_built().files));
        })
        .unwrap()
        .files;
    // The edited page alone first, then every page before the index.
    assert_eq!(
        handed.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
        [false, true]
    );
    let pages = &handed[1].1;
    let list = String::from_utf8_lossy(&pages.get("skills/index.html").unwrap()).into_owned();
    assert!(list.contains("Zanzibar"), "{list}");
    let index: Vec<&String> = first
        .files
        .keys()
        .filter(|p| p.starts_with(roadbook::search::BUNDLE_DIR))
        .collect();
    assert!(!index.is_empty());
    for path in &index {
        assert!(pages.files[*path].shares(&first.files[*path]), "{path}");
    }
    // The new index differs from the last where it holds the new title.
    assert!(
        index.iter().any(|p| done.get(p) != first.get(p)),
        "the index was not made again"
    );
}
