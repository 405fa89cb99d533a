//! `serve`'s session against plain `build`, edit by edit: whatever a
//! session re-renders (one page for a body edit, everything otherwise), its
//! site must be byte for byte what a fresh build of the same files gives.
//!
//! The edits run over every Markdown file of the bundled handbook and of
//! the full fixture, so a page that starts to show something of another
//! page's body (a word count on a card, say) fails here, naming the file.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a test reports failure by panicking"
)]

mod harness;

use std::path::{Path, PathBuf};

use harness::*;
use roadbook::pipeline::{self, Built, Failure, Options, Session};

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
/// that one edit, and compares it with a fresh build. Returns how many
/// pages the session rendered, and whether it handed over the edited
/// file's own page early (checked to be exactly the fresh build's).
fn edit_and_compare(session: &mut Session, root: &Path, rel: &Path, text: &str) -> (usize, bool) {
    edit_and_compare_with(session, root, rel, text, None)
}

/// [`edit_and_compare`], given what a fresh build makes of the edited
/// files when that is known already (the handbook as it was at the start).
fn edit_and_compare_with(
    session: &mut Session,
    root: &Path,
    rel: &Path,
    text: &str,
    known: Option<&Result<Built, Failure>>,
) -> (usize, bool) {
    let before = session.last_files().unwrap_or_default();
    std::fs::write(root.join(rel), text).unwrap();
    let mut early = None;
    let patched = session.rebuild_with(&[rel.to_path_buf()], &mut |b| early = Some(b));
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
        assert_eq!(early.rendered, 1, "pages shown early for {}", rel.display());
        // The page it rendered is the one whose bytes moved (if they did:
        // a new order may not change the page itself); it must be the
        // final page already.
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
    same_as_build(rel, &patched, fresh);
    (patched.map_or(0, |b| b.rendered), early.is_some())
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
    /// Body edits that re-rendered a single page.
    single: usize,
    /// Front matter edits that keep the entry's shape (its place in a
    /// list, at least here, and its links).
    edits: usize,
    /// Front matter edits whose page was shown early.
    early: usize,
    /// Of those, the ones that then rendered fewer pages than the site has.
    partial: usize,
    /// Edits that move an entry in its list whose page was shown early.
    moved_early: usize,
    /// Files given a new link (in the body alone, or with a new title).
    linked: usize,
    /// Of those body links, the ones that rendered at most the file's page
    /// and the target's, which lists it among its backlinks.
    linked_quietly: usize,
    /// New links with a new title whose page was shown early.
    linked_early: usize,
    /// New headings that rendered the file's own page alone.
    headed_quietly: usize,
}

/// Runs edits of every kind on every Markdown file of the handbook at
/// `root` (`all_kinds: false` skips the kinds that always rebuild
/// everything, which other tests cover on the whole).
fn every_edit_matches_a_build(root: &Path, all_kinds: bool) -> Counts {
    let mut session = Session::new(options(root));
    assert!(session.build().is_ok(), "the handbook builds");
    // Every file goes back to how it was after its edits.
    let start = pipeline::build(&options(root));
    let restore = |session: &mut Session, rel: &Path, original: &str| {
        edit_and_compare_with(session, root, rel, original, Some(&start));
    };
    let pages = start.as_ref().map_or(0, |b| b.pages);
    let mut counts = Counts::default();
    for rel in markdown_files(root) {
        let original = std::fs::read_to_string(root.join(&rel)).unwrap();
        // Body only: the fast path when the file had no warnings.
        if edit_and_compare(&mut session, root, &rel, &body_edit(&original)).0 == 1 {
            counts.single += 1;
        }
        // A link: a backlink appears on the target's page; then it goes
        // again, with the backlink.
        let linked = format!("{original}\nSee [the about page](page:about).\n");
        counts.linked += 1;
        let (rendered, _) = edit_and_compare(&mut session, root, &rel, &linked);
        if rendered <= 2 {
            counts.linked_quietly += 1;
        }
        restore(&mut session, &rel, &original);
        // A link and a new title: its page early, then what shows it.
        if let Some(retitled) = with_suffix(&linked, "title", ", revised") {
            if edit_and_compare(&mut session, root, &rel, &retitled).1 {
                counts.linked_early += 1;
            }
            restore(&mut session, &rel, &original);
        }
        // What shows of the entry, not its place or links: its own page
        // comes early, then the pages that show it.
        for (_, edited) in shape_keeping_edits(&original) {
            counts.edits += 1;
            let (rendered, shown_early) = edit_and_compare(&mut session, root, &rel, &edited);
            if shown_early {
                counts.early += 1;
                if rendered < pages {
                    counts.partial += 1;
                }
            }
            restore(&mut session, &rel, &original);
        }
        if !all_kinds {
            continue;
        }
        // A new heading: other pages may link to it.
        let (rendered, _) = edit_and_compare(
            &mut session,
            root,
            &rel,
            &format!("{original}\n## A heading added later\n\nText.\n"),
        );
        if rendered == 1 {
            counts.headed_quietly += 1;
        }
        // Every heading renamed: links to them from other pages, or from
        // this one, break, and the session fails exactly as a build does.
        if original.contains("\n## ") {
            let renamed = original.replace("\n## ", "\n## Renamed ");
            edit_and_compare(&mut session, root, &rel, &renamed);
            restore(&mut session, &rel, &original);
        }
        // The front matter: a new title shows on many pages, and moves the
        // entry in its lists: a whole build, its own page still first.
        let retitled = original.replacen("title = \"", "title = \"Renamed ", 1);
        if edit_and_compare(&mut session, root, &rel, &retitled).1 {
            counts.moved_early += 1;
        }
        // A broken link: the session fails exactly as a build does.
        edit_and_compare(
            &mut session,
            root,
            &rel,
            &format!("{original}\nSee [nothing](skill:no-such-skill).\n"),
        );
        // After a failed run the session builds everything again: each
        // edit below starts from a good one.
        restore(&mut session, &rel, &original);
        // A link to a draft, which a build leaves out: its own error.
        edit_and_compare(
            &mut session,
            root,
            &rel,
            &format!("{original}\nSee [a draft](skill:quantum).\n"),
        );
        restore(&mut session, &rel, &original);
        // A new prerequisite changes what relates to what (and from the
        // skill itself, makes a cycle).
        if let Some(edited) = with_first_item(&original, "prerequisites", "caching") {
            edit_and_compare(&mut session, root, &rel, &edited);
            restore(&mut session, &rel, &original);
        }
        // Made a draft: it leaves the site.
        if let Some(edited) = original.strip_prefix("+++\n") {
            let edited = format!("+++\ndraft = true\n{edited}");
            edit_and_compare(&mut session, root, &rel, &edited);
            restore(&mut session, &rel, &original);
        }
        // Back as it was: the session must not keep anything of the edits.
        restore(&mut session, &rel, &original);
    }
    counts
}

#[test]
fn every_edit_of_the_bundled_handbook_matches_a_build() {
    let hb = bundled();
    let files = markdown_files(hb.path()).len();
    let counts = every_edit_matches_a_build(hb.path(), false);
    // The bundled handbook has no warnings, so every body edit takes the
    // fast path.
    assert_eq!(counts.single, files, "body edits that re-rendered one page");
    // Every front matter edit of one file shows its page early. Every
    // file has a title, and a suffix moves none of them in its list here,
    // so at least every title edit renders only the pages that show it.
    eprintln!("bundled: {counts:?}");
    assert_eq!(counts.early, counts.edits, "{counts:?}");
    assert!(counts.partial >= files, "{counts:?} for {files} files");
    // A new link renders its page and the target's, from any file.
    assert_eq!(counts.linked_quietly, files, "{counts:?}");
    assert_eq!(counts.linked_early, files, "{counts:?}");
}

#[test]
fn every_edit_of_the_full_fixture_matches_a_build() {
    let hb = full();
    let counts = every_edit_matches_a_build(hb.path(), true);
    assert!(counts.single > 0, "some body edit took the fast path");
    assert!(counts.early > 0, "some front matter edit was shown early");
    eprintln!("full: {counts:?}");
    assert!(counts.partial > 0, "{counts:?}");
    assert!(counts.moved_early > 0, "{counts:?}");
    // The fixture's files have no warnings but one, and a draft: the rest
    // take a new link or heading without a full build.
    let files = markdown_files(hb.path()).len();
    assert!(
        counts.linked_quietly + 2 >= files,
        "{counts:?} for {files} files"
    );
    assert!(
        counts.headed_quietly + 2 >= files,
        "{counts:?} for {files} files"
    );
    assert!(counts.linked_early > 0, "{counts:?}");
}

/// Edits that change where an entry sorts or what relates to what, on
/// every file of the handbook at `root`: a new title, order, level or
/// duration, and a skill from `adding` put first in a list that lacks it
/// (`(key, skill)`). The session resolves again from what it kept and
/// renders only the pages the edit can have changed (see
/// `render::Reach`); whatever it leaves must be a build's already.
/// Returns how many edits ran, were shown early and rendered fewer pages
/// than the site has.
fn every_moving_edit_matches_a_build(
    root: &Path,
    adding: &[(&str, &str)],
) -> (usize, usize, usize) {
    let mut session = Session::new(options(root));
    let pages = session.build().unwrap().pages;
    let start = pipeline::build(&options(root));
    let (mut early, mut partial, mut edits) = (0, 0, 0);
    for rel in markdown_files(root) {
        let original = std::fs::read_to_string(root.join(&rel)).unwrap();
        let retitled = original.replacen("title = \"", "title = \"A ", 1);
        let mut moving = vec![retitled.clone()];
        // A skill not listed yet (listing one twice changes nothing).
        let mut retitled_too = None;
        for &(key, skill) in adding {
            if !original.contains(&format!("\"{skill}\"")) {
                moving.extend(with_first_item(&original, key, skill));
                retitled_too = retitled_too.or_else(|| with_first_item(&retitled, key, skill));
            }
        }
        // The same with a new title: the entry's card changes in a run
        // that resolves the site again, whose cards' values are otherwise
        // taken over from the last run.
        moving.extend(retitled_too);
        // A new place in a list or on the ladder, and a phase that takes
        // longer, which moves every later phase of its track.
        for (from, to) in [("\norder = ", "\norder = 9"), ("\nlevel = ", "\nlevel = 9")] {
            if original.contains(from) {
                moving.push(original.replacen(from, to, 1));
            }
        }
        if let Some(at) = original.find("duration = {") {
            let (head, tail) = original.split_at(at);
            moving.push(format!("{head}{}", tail.replacen("min = ", "min = 1", 1)));
            if tail.lines().next().is_some_and(|l| l.contains("max = ")) {
                moving.push(format!("{head}{}", tail.replacen("max = ", "max = 1", 1)));
            }
        }
        for edited in moving {
            edits += 1;
            let (rendered, shown) = edit_and_compare(&mut session, root, &rel, &edited);
            early += usize::from(shown);
            partial += usize::from(rendered < pages);
            edit_and_compare_with(&mut session, root, &rel, &original, Some(&start));
        }
    }
    (edits, early, partial)
}

#[test]
fn every_moving_edit_of_the_bundled_handbook_matches_a_build() {
    let hb = bundled();
    let adding = [
        ("prerequisites", "version-control"),
        ("related", "security"),
        ("skills", "rust"),
    ];
    let (edits, early, partial) = every_moving_edit_matches_a_build(hb.path(), &adding);
    eprintln!("moving edits: {edits}, shown early {early}, fewer pages {partial}");
    assert!(early * 10 >= edits * 9, "{early} of {edits} shown early");
    // A new prerequisite or related skill changes a few pages; a title
    // that moves an entry, the lists too.
    assert!(partial * 2 > edits, "{partial} of {edits}");
}

#[test]
fn every_moving_edit_of_the_full_fixture_matches_a_build() {
    let hb = full();
    let adding = [
        ("prerequisites", "databases"),
        ("related", "apis"),
        ("skills", "caching"),
    ];
    let (edits, _, partial) = every_moving_edit_matches_a_build(hb.path(), &adding);
    eprintln!("moving edits: {edits}, fewer pages {partial}");
    assert!(edits > 30, "{edits} edits");
    assert!(partial * 2 > edits, "{partial} of {edits}");
}

/// The same with a skill template that shows more of its phases than the
/// built-in one: where each starts and ends, which a phase that takes
/// longer moves for every later phase of its track, and how many skills
/// it builds. Those pages show no entry the edit touched, only cards it
/// changed.
#[test]
fn every_moving_edit_matches_a_build_with_templates_that_show_more() {
    let hb = full();
    let skill = with_builtin(
        "skill.html",
        "{% for p in skill.phases %}<p>{{ p.starts }} to {{ p.ends }}, {{ p.skill_count }} skills</p>{% endfor %}",
    );
    change_file(&hb, "templates/skill.html", skill);
    let adding = [("skills", "caching")];
    let (edits, _, partial) = every_moving_edit_matches_a_build(hb.path(), &adding);
    assert!(partial * 2 > edits, "{partial} of {edits}");
}

/// A new title and level: the whole build from kept state, rendering the
/// pages whose inputs changed. The FAQ links to the role with an empty
/// text, which shows its title: its page is one of them, though nothing of
/// it but that link's text changes.
#[test]
fn a_new_title_and_level_render_the_pages_that_show_the_title() {
    let hb = full();
    let root = hb.path();
    let mut session = Session::new(options(root));
    let pages = session.build().unwrap().pages;
    let rel = Path::new("content/roles/backend-developer.md");
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    // First a new title alone, which keeps the role's place: the pages
    // that show it are rendered from the kept state.
    let retitled = text.replacen(
        "title = \"Backend Developer\"",
        "title = \"Server Developer\"",
        1,
    );
    assert_ne!(retitled, text);
    edit_and_compare(&mut session, root, rel, &retitled);
    // Then the old title with a new level. The FAQ goes back to what it
    // was at the start, which a fingerprint from then would call unchanged:
    // the last run must have recorded what it rendered the FAQ from.
    let edited = text.replacen("\nlevel = 3\n", "\nlevel = 4\n", 1);
    assert_ne!(edited, text);
    let before = session.last_files().unwrap();
    let (rendered, early) = edit_and_compare(&mut session, root, rel, &edited);
    assert!(early);
    assert!(rendered < pages, "{rendered} of {pages}");
    let after = session.last_files().unwrap();
    assert_ne!(before.get("faq/index.html"), after.get("faq/index.html"));
}

#[test]
fn edits_to_several_bodies_at_once_render_just_their_pages() {
    let hb = bundled();
    let root = hb.path();
    let mut session = Session::new(options(root));
    assert!(session.build().is_ok());
    let files = markdown_files(root);
    let picked: Vec<PathBuf> = files.iter().step_by(7).cloned().collect();
    for rel in &picked {
        let text = std::fs::read_to_string(root.join(rel)).unwrap();
        std::fs::write(root.join(rel), body_edit(&text)).unwrap();
    }
    let patched = session.rebuild(&picked);
    let fresh = pipeline::build(&options(root));
    let (patched, fresh) = (patched.unwrap(), fresh.unwrap());
    assert_eq!(patched.rendered, picked.len());
    assert_eq!(patched.files, fresh.files);
    assert_eq!(patched.pages, fresh.pages);
    assert_eq!(patched.file_count, fresh.file_count);
}

#[test]
fn a_file_that_is_not_a_page_rebuilds_everything() {
    let hb = bundled();
    let root = hb.path();
    let mut session = Session::new(options(root));
    let first = session.build().unwrap();
    let toml = std::fs::read_to_string(root.join("handbook.toml")).unwrap();
    std::fs::write(
        root.join("handbook.toml"),
        toml.replacen("title = \"", "title = \"New ", 1),
    )
    .unwrap();
    let again = session.rebuild(&[PathBuf::from("handbook.toml")]).unwrap();
    assert_eq!(again.rendered, first.pages);
    assert_eq!(again.files, pipeline::build(&options(root)).unwrap().files);
}

#[test]
fn two_front_matter_edits_at_once_show_nothing_early() {
    let hb = bundled();
    let root = hb.path();
    let mut session = Session::new(options(root));
    assert!(session.build().is_ok());
    let files = markdown_files(root);
    let picked: Vec<PathBuf> = files
        .iter()
        .filter(|p| p.starts_with("content/skills"))
        .take(2)
        .cloned()
        .collect();
    for rel in &picked {
        let text = std::fs::read_to_string(root.join(rel)).unwrap();
        std::fs::write(root.join(rel), with_suffix(&text, "title", " II").unwrap()).unwrap();
    }
    let mut early = 0;
    let patched = session.rebuild_with(&picked, &mut |_| early += 1);
    assert_eq!(
        early, 0,
        "each could keep its place while together they swap"
    );
    assert_eq!(
        patched.unwrap().files,
        pipeline::build(&options(root)).unwrap().files
    );
}

#[test]
fn a_template_that_reads_every_skill_has_its_pages_rendered_again() {
    let hb = bundled();
    let root = hb.path();
    // Every skill page lists every skill, through an included partial;
    // every role page shows `site` whole through a variable.
    let skill = with_builtin("skill.html", "{% include \"all-skills.html\" %}");
    change_file(&hb, "templates/skill.html", skill);
    change_file(
        &hb,
        "templates/all-skills.html",
        "<ul>{% for c in site.categories %}{% for s in c.skills %}<li>{{ s.title }}</li>{% endfor %}{% endfor %}</ul>",
    );
    let role = with_builtin(
        "role.html",
        "{% set everything = site %}<p>{{ everything.tracks | length }} tracks</p>",
    );
    change_file(&hb, "templates/role.html", role);
    let mut session = Session::new(options(root));
    let pages = session.build().unwrap().pages;
    let rel = Path::new("content/skills/databases.md");
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    let (rendered, early) = edit_and_compare(
        &mut session,
        root,
        rel,
        &with_suffix(&text, "title", " and storage").unwrap(),
    );
    assert!(early);
    // Not the whole site (the phases' pages show no skill list), but
    // every skill and role page.
    assert!(rendered < pages, "{rendered} of {pages}");
    let skills = markdown_files(root)
        .iter()
        .filter(|p| p.starts_with("content/skills") || p.starts_with("content/roles"))
        .count();
    assert!(
        rendered > skills,
        "{rendered} pages for {skills} skills and roles"
    );
    // An order or level that moves the entry in its list: the whole build
    // from the kept site. The skill's page reads every skill's title, so
    // the last build's `site` cannot show it; a role's page, whose
    // template reads `site` whole, neither.
    for (rel, from, to) in [
        (
            "content/skills/databases.md",
            "\norder = 1\n",
            "\norder = 99\n",
        ),
        (
            "content/roles/backend-developer.md",
            "\nlevel = 3\n",
            "\nlevel = 9\n",
        ),
    ] {
        let rel = Path::new(rel);
        let text = std::fs::read_to_string(root.join(rel)).unwrap();
        assert!(text.contains(from), "{}", rel.display());
        let moved = text.replacen(from, to, 1);
        let (rendered, early) = edit_and_compare(&mut session, root, rel, &moved);
        assert!(early, "{}", rel.display());
        // Every page whose template reads the lists, not the others.
        assert!(rendered > skills, "{rendered} of {pages}");
        // The skill's edit leaves the phases' pages as they were; the
        // role's renames the comparisons it is in (the lower level comes
        // first), which is a new set of pages: every page is rendered.
        if rel.starts_with("content/skills") {
            assert!(rendered < pages, "{rendered} of {pages}");
        }
        edit_and_compare(&mut session, root, rel, &text);
    }
}

/// A page file added while `serve` runs, then deleted: only that file is
/// read, the handbook is resolved again from the kept entries, and the
/// pages whose inputs changed are rendered (the new page among them, a
/// deleted page's file dropped). The site is a build's, byte for byte,
/// each time; a deletion that leaves a link to the page broken fails as
/// a build does.
#[test]
fn a_page_file_added_then_deleted_matches_a_build() {
    let hb = bundled();
    let root = hb.path();
    let mut session = Session::new(options(root));
    let pages = session.build().unwrap().pages;
    let entities = session.parse_counts().0;
    let rel = Path::new("content/skills/added-while-previewing.md");
    let text = "+++\ntitle = \"Added while previewing\"\nsummary = \"A skill made while the preview ran.\"\ncategory = \"core\"\ndifficulty = \"beginner\"\nprerequisites = [\"apis\"]\n+++\n\nSee [caching](skill:caching) too.\n";
    let (rendered, _) = edit_and_compare(&mut session, root, rel, text);
    assert_eq!(session.parse_counts().0, 1, "files parsed for a new file");
    assert!(
        rendered < pages,
        "rendered {rendered} of {} pages",
        pages + 1
    );

    // A free page that links to it, added; the skill deleted: the link
    // breaks, and the session fails as a build does.
    let page = Path::new("content/pages/links-to-the-new-skill.md");
    let linking = "+++\ntitle = \"Links to the new skill\"\n+++\n\nRead [it](skill:added-while-previewing).\n";
    edit_and_compare(&mut session, root, page, linking);
    std::fs::remove_file(root.join(rel)).unwrap();
    let patched = session.rebuild(&[rel.to_path_buf()]);
    assert!(patched.is_err(), "a deleted skill that a page links to");
    same_as_build(rel, &patched, &pipeline::build(&options(root)));

    // Both gone: the handbook as it was, though only the last deletion
    // was a session's own (the failed run kept nothing).
    std::fs::remove_file(root.join(page)).unwrap();
    let patched = session.rebuild(&[page.to_path_buf()]);
    same_as_build(page, &patched, &pipeline::build(&options(root)));
    assert_eq!(patched.as_ref().map(|b| b.pages).ok(), Some(pages));

    // Added and deleted again with a kept session: the deletion reads
    // nothing and renders only what changed.
    edit_and_compare(&mut session, root, rel, text);
    std::fs::remove_file(root.join(rel)).unwrap();
    let patched = session.rebuild(&[rel.to_path_buf()]);
    same_as_build(rel, &patched, &pipeline::build(&options(root)));
    assert_eq!(session.parse_counts(), (0, entities));
    let rendered = patched.as_ref().map_or(0, |b| b.rendered);
    assert!(
        rendered < pages,
        "rendered {rendered} of {pages} pages after a deletion"
    );
}
