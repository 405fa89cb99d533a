//! What each fuzz target does with one input, shared by the targets
//! (fuzz_targets/) and the replay of the kept corpus in `cargo test`
//! (tests/hardening.rs), so that a crash found by fuzzing stays fixed.
//!
//! Every target must never panic, whatever the bytes; the body target
//! also checks what a finished page may never contain.

#![allow(dead_code, reason = "each target uses one of these")]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use roadbook::config::{self, Config};
use roadbook::content::{self, Slug};
use roadbook::fs::SourceFile;
use roadbook::git::Dates;
use roadbook::output::Memory;
use roadbook::pipeline::{self, NoMemo, Sources, Timings};

/// The test fixture handbook, which a fuzzed file joins: its files link to
/// each other, so references, fragments and backlinks are all exercised.
const FIXTURE: &[(&str, &str)] = &[
    (
        "content/_index.md",
        include_str!("../tests/fixtures/base/content/_index.md"),
    ),
    (
        "content/skills/apis.md",
        include_str!("../tests/fixtures/base/content/skills/apis.md"),
    ),
    (
        "content/skills/caching.md",
        include_str!("../tests/fixtures/base/content/skills/caching.md"),
    ),
    (
        "content/skills/databases.md",
        include_str!("../tests/fixtures/base/content/skills/databases.md"),
    ),
    (
        "content/phases/01-basics.md",
        include_str!("../tests/fixtures/base/content/phases/01-basics.md"),
    ),
    (
        "content/phases/02-services.md",
        include_str!("../tests/fixtures/base/content/phases/02-services.md"),
    ),
    (
        "content/roles/backend-developer.md",
        include_str!("../tests/fixtures/base/content/roles/backend-developer.md"),
    ),
    (
        "content/pages/faq.md",
        include_str!("../tests/fixtures/base/content/pages/faq.md"),
    ),
];

const HANDBOOK_TOML: &str = include_str!("../tests/fixtures/base/handbook.toml");

fn config(raw_html_escaped: bool) -> Option<Config> {
    let text = if raw_html_escaped {
        format!("raw_html = \"escape\"\n{HANDBOOK_TOML}")
    } else {
        HANDBOOK_TOML.to_string()
    };
    config::parse(Path::new("."), &text).ok()
}

fn file(rel: &str, bytes: &[u8]) -> SourceFile {
    SourceFile {
        rel: PathBuf::from(rel),
        bytes: Arc::from(bytes),
    }
}

/// The fixture with `extra` added (or in place of the file of its path).
fn sources(config: Config, extra: SourceFile) -> Sources {
    let mut files: Vec<SourceFile> = FIXTURE
        .iter()
        .filter(|(rel, _)| Path::new(rel) != extra.rel)
        .map(|(rel, text)| file(rel, text.as_bytes()))
        .collect();
    files.push(extra);
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    Sources {
        config,
        content: files,
        templates: Vec::new(),
        statics: Vec::new(),
        static_names: Vec::new(),
    }
}

/// Where the first byte puts a whole fuzzed file: each kind's front
/// matter is read by its own rules.
const PLACES: &[&str] = &[
    "content/skills/fuzz.md",
    "content/roles/fuzz.md",
    "content/phases/03-fuzz.md",
    "content/pages/fuzz.md",
    "content/_index.md",
];

/// A whole content file (front matter and body) read, validated, and
/// checked against the rest of the handbook; every diagnostic rendered.
pub fn frontmatter(data: &[u8]) {
    let Some((&first, bytes)) = data.split_first() else {
        return;
    };
    let Some(config) = config(false) else {
        return;
    };
    let rel = PLACES[usize::from(first) % PLACES.len()];
    // On its own, as `serve` parses an edited file...
    let parsed = content::parse_file(&config, file(rel, bytes));
    let (_, diags) = content::assemble(vec![parsed], true, &Dates::default());
    let _ = diags.render();
    // ...and with the handbook it belongs to, as `check` reads it.
    let drafts = first & 0x80 != 0;
    match pipeline::check_sources(
        sources(config, file(rel, bytes)),
        &Dates::default(),
        drafts,
        &NoMemo,
        Timings::default(),
    ) {
        Ok(checked) => {
            let _ = checked.warnings.render();
        }
        Err(failure) => {
            let _ = failure.diagnostics.render();
        }
    }
}

/// The front matter every fuzzed body is put under: a valid skill.
const BODY_HEAD: &str = "+++\ntitle = \"Fuzz\"\nsummary = \"S.\"\ncategory = \"core\"\ndifficulty = \"beginner\"\n+++\n";

/// A Markdown body (links to the fixture's entries, headings, code, raw
/// HTML...) built into a whole site. With the first byte odd, raw HTML is
/// escaped (`raw_html = "escape"`), and the page then must have no
/// script link in it.
pub fn body(data: &[u8]) {
    let Some((&first, bytes)) = data.split_first() else {
        return;
    };
    let escaped = first & 1 == 1;
    let Some(config) = config(escaped) else {
        return;
    };
    let mut text = BODY_HEAD.as_bytes().to_vec();
    text.extend_from_slice(bytes);
    let checked = match pipeline::check_sources(
        sources(config, file("content/skills/fuzz.md", &text)),
        &Dates::default(),
        false,
        &NoMemo,
        Timings::default(),
    ) {
        Ok(c) => c,
        Err(failure) => {
            let _ = failure.diagnostics.render();
            return;
        }
    };
    let memory = Memory::default();
    let rendered = pipeline::ready(&checked, true).and_then(|r| r.render(&memory, &NoMemo));
    if let Err(failure) = rendered {
        let _ = failure.diagnostics.render();
        return;
    }
    let files = memory.into_files();
    let Some(page) = files.get("skills/fuzz/index.html") else {
        panic!("a valid skill has a page");
    };
    assert!(!page.contains(&0), "a NUL byte reached the page");
    if escaped {
        let lower = String::from_utf8_lossy(&page).to_ascii_lowercase();
        for attr in ["href=\"", "src=\""] {
            for scheme in ["javascript:", "vbscript:"] {
                let bad = format!("{attr}{scheme}");
                assert!(!lower.contains(&bad), "{bad} reached the page");
            }
        }
    }
}

/// A body cut into pieces (of at most 255 bytes, the first byte's value)
/// reads as the whole body: the same HTML, and the same byte ranges for
/// what diagnostics point at.
pub fn pieces(data: &[u8]) {
    let Some((&first, bytes)) = data.split_first() else {
        return;
    };
    let Ok(body) = std::str::from_utf8(bytes) else {
        return;
    };
    let whole: Vec<_> = pulldown_cmark::Parser::new_ext(body, content::markdown_options())
        .into_offset_iter()
        .collect();
    let cut: Vec<_> = content::events_in_pieces(body, usize::from(first).max(1)).collect();
    let html = |events: &[(pulldown_cmark::Event<'_>, std::ops::Range<usize>)]| {
        let mut out = String::new();
        pulldown_cmark::html::push_html(&mut out, events.iter().map(|(e, _)| e.clone()));
        out
    };
    assert_eq!(html(&cut), html(&whole), "the pieces render differently");
    let ranges = |events: &[(pulldown_cmark::Event<'_>, std::ops::Range<usize>)]| {
        events
            .iter()
            .filter(|(e, _)| content::placed_in_source(e))
            .map(|(_, r)| r.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ranges(&cut),
        ranges(&whole),
        "the pieces place events differently"
    );
}

/// Slugs from file names: a slug that parses is made only of what slugs
/// may hold, and the suggestion for a bad name is itself a good slug.
pub fn slug(data: &[u8]) {
    let Ok(name) = std::str::from_utf8(data) else {
        return;
    };
    match Slug::from_file_name(name) {
        Ok(slug) => {
            let s = slug.as_str();
            assert!(!s.is_empty());
            assert!(
                s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            );
            assert!(!s.starts_with('-') && !s.ends_with('-'), "{s:?}");
        }
        Err(why) => {
            assert!(!why.chars().any(char::is_control), "{why:?}");
            let suggested = content::suggest_slug(name);
            assert!(
                suggested.is_empty() || Slug::parse(&suggested).is_ok(),
                "{name:?} → {suggested:?}"
            );
        }
    }
    let id = content::heading_id(name);
    assert!(!id.is_empty());
}
