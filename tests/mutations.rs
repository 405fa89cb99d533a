//! Property tests over the whole pipeline: the full fixture, one file
//! mutated at random (content with `_index.md`, `handbook.toml`, a template
//! override, static files), and after each mutation:
//!
//! - nothing panics;
//! - every diagnostic that names a file and a place lies inside that file:
//!   its line exists, its column is on that line, and the line it shows is
//!   the file's line;
//! - `check` and `build` agree: when `check` fails, `build` fails with the
//!   same diagnostics; when `check` passes, `build` passes too, unless every
//!   error it reports is in a file under `templates/` (templates are only
//!   read when pages are rendered, which `check` does not do);
//! - a [`Session`] that built the handbook before the mutation and is told
//!   which file changed gives what a fresh build of the mutated handbook
//!   gives: the same files, or the same diagnostics;
//! - every mutation that keeps the handbook valid by construction (plain
//!   text appended to a body or a static file) builds, and some mutated
//!   handbooks build with a warning (so warnings are compared too).
//!
//! Deterministic: a fixed seed, so a failure names an iteration that fails
//! again the same way.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a test reports failure by panicking"
)]

mod harness;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use harness::*;
use roadbook::diagnostic::{Diagnostic, Diagnostics, Severity};
use roadbook::pipeline::{self, Built, Failure, Options};
use roadbook::session::Session;

/// A tiny deterministic PRNG (xorshift64*).
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// What mutations insert: syntax of TOML, Markdown, Tera and the front
/// matter fence, bytes that are not UTF-8, and multibyte characters.
const PIECES: &[&[u8]] = &[
    b"+",
    b"\"",
    b"=",
    b"[",
    b"]",
    b"{",
    b"}",
    b"{{",
    b"}}",
    b"{%",
    b"%}",
    b"\n",
    b"#",
    b"(",
    b")",
    b":",
    b"\xff",
    b"\xe9",
    "é".as_bytes(),
    "₹".as_bytes(),
    "𝄞".as_bytes(),
    b"\r\n",
    b"+++\n",
    b"](skill:",
    b"](/",
    b"[^1]",
    b"```\n",
    b"|",
    b"-",
    b"0",
    b"'",
    b"\\",
    b"draft = true\n",
];

/// One to four random edits of `original`.
fn mutate(original: &[u8], rng: &mut Rng) -> (Vec<u8>, Vec<String>) {
    let mut bytes = original.to_vec();
    let mut log = Vec::new();
    for _ in 0..1 + rng.below(4) {
        let pos = rng.below(bytes.len() + 1);
        let piece = PIECES[rng.below(PIECES.len())];
        match rng.below(3) {
            0 => {
                bytes.splice(pos..pos, piece.iter().copied());
                log.push(format!("insert {piece:?} at {pos}"));
            }
            1 if pos < bytes.len() => {
                let len = 1 + rng.below(8).min(bytes.len() - pos - 1);
                bytes.drain(pos..pos + len);
                log.push(format!("delete {len} at {pos}"));
            }
            _ if pos < bytes.len() => {
                bytes.splice(pos..pos + 1, piece.iter().copied());
                log.push(format!("replace 1 at {pos} with {piece:?}"));
            }
            _ => {
                bytes.extend_from_slice(piece);
                log.push(format!("append {piece:?}"));
            }
        }
    }
    (bytes, log)
}

/// Plain text added to the end of a Markdown body or a static file:
/// valid whatever the file held, so the mutated handbook must build. With
/// `warn`, a body gets a root-absolute link, which builds with a warning.
fn benign(rel: &str, original: &[u8], warn: bool) -> Option<Vec<u8>> {
    let mut bytes = original.to_vec();
    if rel.ends_with(".md") && warn {
        bytes.extend_from_slice(b"\n\nSee [the start](/) too.\n");
    } else if rel.ends_with(".md") {
        bytes.extend_from_slice(b"\n\nA plain paragraph added later.\n");
    } else if rel.starts_with("static/") {
        bytes.extend_from_slice(b"\n/* added */\n");
    } else {
        return None;
    }
    Some(bytes)
}

/// Why a diagnostic does not lie inside its file, if it does not.
fn outside_its_file(root: &Path, d: &Diagnostic) -> Option<String> {
    let (Some(file), Some(loc)) = (&d.file, &d.location) else {
        return None;
    };
    let bytes = match std::fs::read(root.join(file)) {
        Ok(b) => b,
        Err(e) => return Some(format!("{}: cannot read: {e}", file.display())),
    };
    let text = String::from_utf8_lossy(&bytes);
    // A position just past a final line break is on an empty last line.
    let lines: Vec<&str> = text.split('\n').collect();
    let Some(line) = loc.line.checked_sub(1).and_then(|i| lines.get(i)) else {
        return Some(format!(
            "{}: line {} of {}",
            d.position(),
            loc.line,
            lines.len()
        ));
    };
    let line = line.trim_end_matches('\r');
    let chars = line.chars().count();
    if loc.column == 0 || loc.column > chars + 1 {
        return Some(format!(
            "{}: column {} on a line of {chars} characters",
            d.position(),
            loc.column
        ));
    }
    if loc.line_text != line {
        return Some(format!(
            "{}: shows {:?}, the file has {line:?}",
            d.position(),
            loc.line_text
        ));
    }
    None
}

fn errors(d: &Diagnostics) -> Vec<&Diagnostic> {
    d.iter().filter(|d| d.severity == Severity::Error).collect()
}

/// What a run gave, comparable: the files, or the report.
#[derive(Debug, PartialEq)]
enum Outcome {
    Built(roadbook::output::Files, String),
    Failed(String),
}

fn outcome(r: Result<Built, Failure>) -> Outcome {
    match r {
        Ok(b) => Outcome::Built(b.files, b.warnings.render()),
        Err(f) => Outcome::Failed(f.diagnostics.render()),
    }
}

/// The first path at which two outcomes differ, for the failure message.
fn difference(a: &Outcome, b: &Outcome) -> String {
    match (a, b) {
        (Outcome::Built(fa, wa), Outcome::Built(fb, wb)) => {
            if wa != wb {
                return format!("warnings differ:\n{wa}\n---\n{wb}");
            }
            let paths: std::collections::BTreeSet<&String> =
                fa.files.keys().chain(fb.files.keys()).collect();
            for p in paths {
                if fa.get(p) != fb.get(p) {
                    return format!("file {p} differs");
                }
            }
            "no difference".to_string()
        }
        (Outcome::Failed(a), Outcome::Failed(b)) => format!("{a}\n---\n{b}"),
        (Outcome::Built(..), Outcome::Failed(b)) => format!("built, then failed:\n{b}"),
        (Outcome::Failed(a), Outcome::Built(..)) => format!("failed:\n{a}\nthen built"),
    }
}

/// How many mutated handbooks each run tries: enough to reach every kind
/// of file many times, few enough for a debug build on two cores.
const ITERATIONS: u64 = 400;

#[test]
fn mutated_handbooks_keep_every_promise() {
    let dir = full();
    // A template override and a static stylesheet, so both get mutated.
    change_file(
        &dir,
        "templates/page.html",
        std::fs::read(repo_root().join("templates/page.html")).unwrap(),
    );
    change_file(&dir, "static/extra.css", "body { margin: 0; }\n");
    let mut targets: Vec<String> = Vec::new();
    for (rel, _) in tree(dir.path()) {
        let name = rel.rsplit('/').next().unwrap_or_default();
        // The editor leftovers `full()` adds are never read; mutating them
        // would test nothing.
        if roadbook::fs::is_editor_leftover(name) {
            continue;
        }
        if rel == "handbook.toml"
            || (rel.starts_with("content/") && rel.ends_with(".md"))
            || rel.starts_with("templates/")
            || rel.starts_with("static/")
        {
            targets.push(rel);
        }
    }
    for needed in [
        "content/_index.md",
        "handbook.toml",
        "templates/page.html",
        "static/robots.txt",
    ] {
        assert!(targets.iter().any(|t| t == needed), "{needed}: {targets:?}");
    }
    let originals: Vec<Vec<u8>> = targets
        .iter()
        .map(|t| std::fs::read(dir.join(t)).unwrap())
        .collect();
    let opts = Options {
        root: dir.path().to_path_buf(),
        ..Options::default()
    };
    let baseline = outcome(pipeline::build(&opts));
    assert!(matches!(baseline, Outcome::Built(..)), "{baseline:?}");
    let mut session = Session::new(opts.clone());
    assert_eq!(outcome(session.build()), baseline);

    let mut problems: Vec<String> = Vec::new();
    let (mut built, mut benign_cases, mut benign_built) = (0, 0, 0);
    // Builds that passed with a warning: the rebuild's warnings are
    // compared with a build's only if some mutation makes one.
    let mut warned = 0;
    for iteration in 0..ITERATIONS {
        let mut rng = Rng::new(iteration + 1);
        let which = rng.below(targets.len());
        let rel = &targets[which];
        let kind_benign = rng.below(5) == 0;
        let warn = rng.below(2) == 0;
        let (bytes, log) = match benign(rel, &originals[which], warn).filter(|_| kind_benign) {
            Some(b) => (b, vec!["append plain text".to_string()]),
            None => mutate(&originals[which], &mut rng),
        };
        let is_benign = kind_benign && log == ["append plain text"];
        change_file(&dir, rel, &bytes);
        let case = format!(
            "iteration {iteration}: {rel} ({})\n{}",
            log.join(", "),
            String::from_utf8_lossy(&bytes)
        );

        let runs = catch_unwind(AssertUnwindSafe(|| {
            let checked = pipeline::check(&opts).map(|c| c.warnings);
            let fresh = pipeline::build(&opts);
            let rebuilt = session.rebuild(&[PathBuf::from(rel)]);
            (checked, fresh, rebuilt)
        }));
        let Ok((checked, fresh, rebuilt)) = runs else {
            problems.push(format!("panic in {case}"));
            // A session that panicked holds nothing trustworthy.
            session = Session::new(opts.clone());
            change_file(&dir, rel, &originals[which]);
            let _ = session.build();
            continue;
        };

        for diags in [checked.as_ref().err(), fresh.as_ref().err()]
            .into_iter()
            .flatten()
            .map(|f| &f.diagnostics)
            .chain(checked.as_ref().ok())
            .chain(fresh.as_ref().ok().map(|b| &b.warnings))
        {
            for d in diags.iter() {
                if let Some(why) = outside_its_file(dir.path(), d) {
                    problems.push(format!("diagnostic outside its file: {why}\nin {case}"));
                }
            }
        }

        match (&checked, &fresh) {
            (Err(c), Err(b)) => {
                if c.diagnostics.render() != b.diagnostics.render() {
                    problems.push(format!(
                        "check and build report differently:\n{}\n---\n{}\nin {case}",
                        c.diagnostics.render(),
                        b.diagnostics.render()
                    ));
                }
            }
            (Err(c), Ok(_)) => problems.push(format!(
                "check failed, build passed:\n{}\nin {case}",
                c.diagnostics.render()
            )),
            (Ok(_), Err(b)) => {
                let outside: Vec<&Diagnostic> = errors(&b.diagnostics)
                    .into_iter()
                    .filter(|d| !d.file.as_ref().is_some_and(|f| f.starts_with("templates")))
                    .collect();
                if !outside.is_empty() {
                    problems.push(format!(
                        "check passed, build failed outside templates/:\n{}\nin {case}",
                        b.diagnostics.render()
                    ));
                }
            }
            (Ok(_), Ok(b)) => {
                built += 1;
                if !b.warnings.is_empty() {
                    warned += 1;
                }
            }
        }
        if is_benign {
            benign_cases += 1;
            if fresh.is_ok() {
                benign_built += 1;
            }
        }

        let fresh = outcome(fresh);
        let rebuilt = outcome(rebuilt);
        if rebuilt != fresh {
            problems.push(format!(
                "the rebuild differs from a fresh build: {}\nin {case}",
                difference(&rebuilt, &fresh)
            ));
        }

        // Back to the original: the session must come back too.
        change_file(&dir, rel, &originals[which]);
        let restored = outcome(session.rebuild(&[PathBuf::from(rel)]));
        if restored != baseline {
            problems.push(format!(
                "the rebuild after undoing differs from the first build: {}\nafter {case}",
                difference(&restored, &baseline)
            ));
        }
        if problems.len() >= 5 {
            break;
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems; the first:\n{}",
        problems.len(),
        problems.join("\n\n=====\n\n")
    );
    assert!(benign_cases > 0, "no benign mutation was tried");
    assert_eq!(
        benign_built, benign_cases,
        "a mutation valid by construction failed to build"
    );
    assert!(built >= benign_built, "{built} built");
    assert!(warned > 0, "no mutated handbook built with a warning");
    eprintln!(
        "{ITERATIONS} mutated handbooks: {built} built ({warned} with warnings), {benign_cases} valid by construction"
    );
}
