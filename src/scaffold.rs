//! `roadbook init`, `roadbook new` and `roadbook theme eject`: start a
//! handbook, add one file to it with the required front matter filled in,
//! or copy the built-in theme into it to edit.
//!
//! Both only ever create files, never replace one: every target is checked
//! first and then written with `create_new`, so an existing handbook or
//! page survives a mistyped command. What they write builds as it is with
//! the built-in theme (no templates to copy).

mod theme;

pub use theme::{Ejected, eject, theme_names};

use std::path::{Path, PathBuf};

use crate::config::{self, CONFIG_FILE, Config};
use crate::content::{self, Kind, Slug, suggest_slug};
use crate::diagnostic::{Diagnostic, Diagnostics, display_path};
use crate::fs;
use crate::git::Dates;
use crate::resolve::RESERVED;

/// What a command created: paths relative to `root`.
#[derive(Debug)]
pub struct Created {
    pub root: PathBuf,
    pub files: Vec<PathBuf>,
    /// The title `new` made from the slug, when none was given: a guess
    /// the command line reports, so "Graphql" never goes unnoticed.
    pub guessed_title: Option<String>,
}

/// Why nothing was created. `usage` marks a refusal caused by the command
/// line (a bad slug, a file that exists: exit status 2) rather than by a
/// problem in the handbook (exit status 1).
#[derive(Debug)]
pub struct Refusal {
    pub diagnostics: Diagnostics,
    pub usage: bool,
}

fn refuse(d: Diagnostic, usage: bool) -> Refusal {
    let mut diagnostics = Diagnostics::new();
    diagnostics.push(d);
    Refusal { diagnostics, usage }
}

/// Words a slug spells in lower case that are written otherwise: a title
/// made from `faq` reads "FAQ", not "Faq". A guess all the same, which
/// `new` says it made (`--title` chooses).
const SPELLINGS: &[(&str, &str)] = &[
    ("ai", "AI"),
    ("api", "API"),
    ("apis", "APIs"),
    ("aws", "AWS"),
    ("cd", "CD"),
    ("ci", "CI"),
    ("cli", "CLI"),
    ("css", "CSS"),
    ("cto", "CTO"),
    ("devops", "DevOps"),
    ("dns", "DNS"),
    ("faq", "FAQ"),
    ("gcp", "GCP"),
    ("graphql", "GraphQL"),
    ("grpc", "gRPC"),
    ("html", "HTML"),
    ("http", "HTTP"),
    ("ios", "iOS"),
    ("javascript", "JavaScript"),
    ("json", "JSON"),
    ("ml", "ML"),
    ("nodejs", "Node.js"),
    ("nosql", "NoSQL"),
    ("php", "PHP"),
    ("qa", "QA"),
    ("rest", "REST"),
    ("seo", "SEO"),
    ("sql", "SQL"),
    ("sre", "SRE"),
    ("tls", "TLS"),
    ("typescript", "TypeScript"),
    ("ui", "UI"),
    ("ux", "UX"),
];

/// A word of a slug as a title writes it: its known spelling, else as is.
fn spelled(word: &str) -> Option<&'static str> {
    SPELLINGS.iter().find(|(w, _)| *w == word).map(|(_, s)| *s)
}

/// `version-control` → `Version control`, `faq` → `FAQ`, `ci-cd` → `CI CD`.
fn title_from_slug(slug: &str) -> String {
    let words: Vec<String> = slug
        .split('-')
        .filter(|w| !w.is_empty())
        .map(|w| spelled(w).map_or_else(|| w.to_string(), str::to_string))
        .collect();
    let words = words.join(" ");
    let mut chars = words.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A title as a TOML string's contents: `"` and `\` escaped.
fn toml_text(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// `my-roadmap` → `My Roadmap`.
fn title_case(slug: &str) -> String {
    slug.split('-')
        .filter(|w| !w.is_empty())
        .map(title_from_slug)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Writes every file, having checked that none exists. A failure part way
/// (a disk error) reports the file; those already written stay.
fn write_all(root: &Path, files: Vec<(PathBuf, String)>) -> Result<Created, Refusal> {
    let existing: Vec<String> = files
        .iter()
        .filter(|(rel, _)| root.join(rel).exists())
        .map(|(rel, _)| format!("`{}`", display_path(rel)))
        .collect();
    if !existing.is_empty() {
        return Err(refuse(
            Diagnostic::general(format!(
                "refusing to overwrite {} in `{}`",
                existing.join(", "),
                root.display()
            ))
            .with_help(
                "roadbook never replaces an existing file; move it away or pick another folder",
            ),
            true,
        ));
    }
    let mut written = Vec::new();
    for (rel, text) in files {
        if let Err(e) = fs::create_new(&root.join(&rel), text.as_bytes()) {
            let usage = e.source.kind() == std::io::ErrorKind::AlreadyExists;
            return Err(refuse(Diagnostic::general(e.to_string()), usage));
        }
        written.push(rel);
    }
    Ok(Created {
        root: root.to_path_buf(),
        files: written,
        guessed_title: None,
    })
}

/// `roadbook init [DIR]`: a handbook.toml and one example of each kind.
pub fn init(dir: &Path) -> Result<Created, Refusal> {
    if dir.join(CONFIG_FILE).exists() {
        return Err(refuse(
            Diagnostic::general(format!(
                "`{}` already has a {CONFIG_FILE}: refusing to start a handbook over another",
                dir.display()
            ))
            .with_help("add pages to it with `roadbook new skill|role|phase|page SLUG`, or pass another folder to `roadbook init`"),
            true,
        ));
    }
    if dir.exists() && !dir.is_dir() {
        return Err(refuse(
            Diagnostic::general(format!("`{}` is a file, not a folder", dir.display()))
                .with_help("pass a folder to `roadbook init` (it is created if missing)"),
            true,
        ));
    }
    let name = fs::absolute(dir)
        .file_name()
        .map(|n| suggest_slug(&n.to_string_lossy()))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "handbook".to_string());
    let title = title_case(&name);
    let mut files = vec![
        (PathBuf::from(CONFIG_FILE), handbook_toml(&title, &name)),
        (PathBuf::from("content/_index.md"), home(&title)),
        (
            PathBuf::from("content/skills/example-skill.md"),
            EXAMPLE_SKILL.to_string(),
        ),
        (
            PathBuf::from("content/roles/example-role.md"),
            EXAMPLE_ROLE.to_string(),
        ),
        (
            PathBuf::from("content/phases/getting-started.md"),
            EXAMPLE_PHASE.to_string(),
        ),
        (
            PathBuf::from("content/pages/about.md"),
            EXAMPLE_PAGE.to_string(),
        ),
    ];
    // Keep built sites out of version control, unless the folder already
    // has its own rules; publish with roadbook's action, unless the
    // repository already has a workflow of that name. Both are skipped
    // rather than refused: a handbook started inside an existing
    // repository is the reason they may exist.
    if !dir.join(".gitignore").exists() {
        files.push((PathBuf::from(".gitignore"), GITIGNORE.to_string()));
    }
    if !dir.join(PAGES_WORKFLOW).exists() {
        files.push((PathBuf::from(PAGES_WORKFLOW), pages_workflow()));
    }
    write_all(dir, files)
}

/// Where `init` puts the GitHub Pages workflow.
pub const PAGES_WORKFLOW: &str = ".github/workflows/pages.yml";

/// The built site, the folders a build stages it in before swapping it
/// into place (`.public.roadbook-new-PID`, `.public.roadbook-old-PID`) and
/// its lock (`.public.roadbook-lock`), left behind only if a build is
/// killed part way (and removed by the next build).
const GITIGNORE: &str = "# roadbook's output, and the folders a build stages it in\n/public/\n.*.roadbook-new-*\n.*.roadbook-old-*\n.*.roadbook-lock\n";

/// `owner/name` of roadbook's repository, from Cargo.toml's `repository`,
/// which is also where the action (action.yml) and the release binaries
/// it installs live.
pub fn repository_slug() -> &'static str {
    let url = env!("CARGO_PKG_REPOSITORY");
    url.strip_prefix("https://github.com/")
        .unwrap_or(url)
        .trim_end_matches('/')
}

/// The handbook repository's workflow: check on pull requests, build and
/// deploy on pushes to main, with the action and binary of the roadbook
/// release that wrote it (pinned, so a new release never changes a site
/// unasked).
fn pages_workflow() -> String {
    let repo = repository_slug();
    let version = env!("CARGO_PKG_VERSION");
    format!(
        r#"# Checks the handbook on pull requests (errors show on the lines of the
# diff) and publishes it on GitHub Pages on every push to main, with
# roadbook's action: a prebuilt roadbook, cached between runs.
#
# One-time setup: Settings → Pages → Build and deployment → Source:
# "GitHub Actions". To move to a newer roadbook, change both v{version}s.
name: Pages

on:
  push:
    branches: [main]
  pull_request:
  workflow_dispatch:

# Read the repository; write Pages and prove with an OIDC token that this
# workflow is the one deploying (used by the deploy job only).
permissions:
  contents: read
  pages: write
  id-token: write

# One deployment at a time; a newer push waits for one half done. Pull
# requests each get their own group.
concurrency:
  group: pages-${{{{ github.event_name == 'pull_request' && github.ref || 'deploy' }}}}
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          # The whole history, so every page gets its "Last updated" date.
          fetch-depth: 0

      # On a pull request: `roadbook check`, errors as annotations, then a
      # build. On a push: a build for the address Pages gives.
      - name: Check and build the handbook
        id: roadbook
        uses: {repo}@v{version}
        with:
          version: v{version}
          root: .

      - name: Upload the site
        if: github.event_name != 'pull_request'
        uses: actions/upload-pages-artifact@v3
        with:
          path: ${{{{ steps.roadbook.outputs.output }}}}

  deploy:
    if: github.event_name != 'pull_request'
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - name: Deploy to GitHub Pages
        id: deployment
        uses: actions/deploy-pages@v4
"#
    )
}

fn handbook_toml(title: &str, name: &str) -> String {
    format!(
        r#"# The handbook's settings; docs/content.md in roadbook's repository
# describes every key.
title = "{title}"
description = "A free, open roadmap: the skills to learn, the roles they lead to and a path through them."
# Where the site is published. The GitHub Pages workflow passes the real
# address with --base-url, so this one matters for local builds.
base_url = "https://example.github.io/{name}"
language = "en"
# edit_url = "https://github.com/OWNER/REPO/edit/main/content"  # "Edit this page" links
# cname = "roadmap.example.org"                                  # a custom domain

# Skill categories, in display order.
[[categories]]
id = "fundamentals"
title = "Fundamentals"

# Ordered paths made of phases.
[[tracks]]
id = "learning-path"
title = "Learning path"
"#
    )
}

fn home(title: &str) -> String {
    format!(
        r#"+++
title = "{title}"
+++

This handbook maps the skills to learn, the roles they lead to and a path
through them. Start with [](phase:getting-started), see what an
[](role:example-role) does, or read [about this handbook](page:about).

Replace the examples with your own: `roadbook new skill SLUG` (or `role`,
`phase`, `page`) adds a file with its required keys filled in.
"#
    )
}

const EXAMPLE_SKILL: &str = r#"+++
title = "Example skill"
summary = "One sentence on what this skill is, shown in tables and cards."
category = "fundamentals"     # an id from [[categories]] in handbook.toml
difficulty = "beginner"       # beginner | intermediate | advanced
tools = ["A tool", "Another tool"]
# prerequisites = ["another-skill"]   # skills to learn first
# related = ["another-skill"]         # shown on both skills

[[resources]]                 # where to learn it (at most 8)
title = "An introduction"
url = "https://example.org/introduction"
kind = "article"              # official | docs | article | course | video | book
+++

Why this skill matters and how to learn it, in Markdown. Link to other
pages with cross-references: the [](role:example-role) needs it, and
[](phase:getting-started) builds it.

## Where to start

Every heading gets an id, so other pages can link straight to it.
"#;

const EXAMPLE_ROLE: &str = r#"+++
title = "Example role"
summary = "One sentence on what this role does."
level = 1                        # seniority 1–9: orders the career ladder
experience = { min = 0, max = 2 }  # years; leave out max for "2+ years"
responsibilities = ["The first thing this role looks after", "The second"]

[skills]                         # skill slug → familiar | proficient | expert
example-skill = "proficient"

# [[salary]]                     # yearly ranges, one table per region
# region = "Europe"
# currency = "EUR"
# min = 40000
# max = 55000
+++

What a day in this role looks like, and how people get there.
"#;

const EXAMPLE_PHASE: &str = r#"+++
title = "Getting started"
track = "learning-path"          # a track id from handbook.toml
order = 1                        # position in the track
summary = "One sentence on what this phase is for."
duration = { min = 1, max = 2, unit = "months" }  # unit: weeks | months
focus = ["A first focus area", "A second one"]
skills = ["example-skill"]       # skills this phase builds
+++

What to do in this phase, and how to tell it is done.
"#;

const EXAMPLE_PAGE: &str = r#"+++
title = "About"
in_menu = true                   # listed in the site's menu
+++

Who writes this handbook, where its figures come from, and how to suggest a
change.
"#;

/// `roadbook new KIND SLUG [--title TITLE]`: one file with the required
/// keys filled in; without a title, one is made from the slug.
pub fn new_file(
    root: &Path,
    kind: Kind,
    slug: &str,
    title: Option<&str>,
) -> Result<Created, Refusal> {
    let slug = match Slug::parse(slug) {
        Ok(s) => s,
        Err(why) => {
            let suggestion = suggest_slug(slug);
            let help = if suggestion.is_empty() {
                "slugs use lowercase ASCII letters, digits and `-`".to_string()
            } else {
                format!(
                    "slugs use lowercase ASCII letters, digits and `-`; try `roadbook new {} {suggestion}`",
                    kind.name()
                )
            };
            return Err(refuse(
                Diagnostic::general(format!("the slug `{slug}` {why}")).with_help(help),
                true,
            ));
        }
    };
    let config = config::load(root).map_err(|diagnostics| Refusal {
        diagnostics,
        usage: false,
    })?;
    if kind == Kind::Page {
        let statics = fs::top_level_names(&root.join("static"));
        if RESERVED.contains(&slug.as_str()) || statics.iter().any(|n| n == slug.as_str()) {
            return Err(refuse(
                Diagnostic::general(format!(
                    "a page with the slug `{slug}` would collide with `/{slug}/`, which roadbook or the handbook's static/ folder already uses"
                ))
                .with_help(format!("pick another slug; these are taken: {}", RESERVED.join(", "))),
                true,
            ));
        }
    }
    let folder = PathBuf::from("content").join(kind.folder());
    for name in fs::top_level_names(&root.join(&folder)) {
        if name.ends_with(".md") && Slug::from_file_name(&name).is_ok_and(|s| s == slug) {
            return Err(refuse(
                Diagnostic::general(format!(
                    "`{}` already has the {} slug `{slug}`",
                    display_path(&folder.join(&name)),
                    kind.name()
                ))
                .with_help(
                    "roadbook never replaces an existing file; pick another slug or edit that file",
                ),
                true,
            ));
        }
    }
    let guessed = title.is_none().then(|| title_from_slug(slug.as_str()));
    if let Some(t) = title
        && t.trim().is_empty()
    {
        return Err(refuse(
            Diagnostic::general("`--title` must not be empty").with_help(format!(
                "e.g. `roadbook new {} {slug} --title \"...\"`",
                kind.name()
            )),
            true,
        ));
    }
    let title = toml_text(
        title
            .map_or_else(|| guessed.clone().unwrap_or_default(), str::to_string)
            .trim(),
    );
    let text = match kind {
        Kind::Skill => format!(
            "+++\ntitle = \"{title}\"\nsummary = \"One sentence on what {title} is, shown in tables and cards.\"\ncategory = \"{}\"\ndifficulty = \"beginner\"  # beginner | intermediate | advanced\n+++\n\nWhy {title} matters and how to learn it.\n",
            config.categories[0].id
        ),
        Kind::Role => format!(
            "+++\ntitle = \"{title}\"\nsummary = \"One sentence on what a {title} does.\"\nlevel = 1  # seniority 1–9\nresponsibilities = [\"What this role looks after\"]\n+++\n\nWhat a day as a {title} looks like.\n"
        ),
        Kind::Phase => {
            let Some(track) = config.tracks.first() else {
                return Err(refuse(
                    Diagnostic::general(format!(
                        "{CONFIG_FILE} defines no track, and every phase belongs to one"
                    ))
                    .with_help(format!(
                        "add to {CONFIG_FILE}:\n[[tracks]]\nid = \"learning-path\"\ntitle = \"Learning path\""
                    )),
                    false,
                ));
            };
            let order = next_order(root, &config);
            format!(
                "+++\ntitle = \"{title}\"\ntrack = \"{}\"\norder = {order}\nsummary = \"One sentence on what this phase is for.\"\n+++\n\nWhat to do in this phase, and how to tell it is done.\n",
                track.id
            )
        }
        Kind::Page => format!("+++\ntitle = \"{title}\"\n+++\n\n"),
    };
    let mut created = write_all(root, vec![(folder.join(format!("{slug}.md")), text)])?;
    created.guessed_title = guessed;
    Ok(created)
}

/// One more than the highest `order` among the first track's phases
/// (drafts included), or 1.
fn next_order(root: &Path, config: &Config) -> i64 {
    let Ok(files) = content::load(root, config.max_file_size) else {
        return 1;
    };
    let (hb, _) = content::parse(config, files, true, &Dates::default());
    hb.phases
        .iter()
        .filter(|p| p.track == 0)
        .map(|p| *p.order.get_ref())
        .max()
        .map_or(1, |o| o.saturating_add(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_come_from_slugs() {
        assert_eq!(title_from_slug("version-control"), "Version control");
        assert_eq!(title_from_slug("go"), "Go");
        assert_eq!(title_from_slug("faq"), "FAQ");
        assert_eq!(title_from_slug("graphql"), "GraphQL");
        assert_eq!(title_from_slug("ci-cd-pipelines"), "CI CD pipelines");
        assert_eq!(toml_text(r#"a "b" \ c"#), r#"a \"b\" \\ c"#);
        assert_eq!(title_case("my-frontend-roadmap"), "My Frontend Roadmap");
    }
}
