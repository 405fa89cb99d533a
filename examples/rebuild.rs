//! How long `serve` takes to rebuild after one edited file, stage by stage:
//! a [`Session`] builds the handbook once (as `serve` starts), then FILE is
//! edited RUNS times, each edit followed by the rebuild `serve` would run,
//! and the median of each stage is printed. Two kinds of edit are timed:
//!
//! - a sentence added to the body, the most common save: only that page is
//!   rendered again;
//! - a changed title in the front matter, which other pages show: the
//!   edited page is rendered first and handed over ("early", what `serve`
//!   shows at once), then the pages that can show the entry (its lists,
//!   neighbours and linking pages) are rendered from the kept state.
//!
//! - a new heading, which other pages could link to, and a new link, which
//!   puts a backlink on its target's page: the links that could break are
//!   checked again, and the pages whose backlinks changed rendered;
//! - a title that moves the entry in its sorted list: the whole build runs
//!   again, the edited page handed over as soon as it can be rendered.
//!
//! Last comes the baseline, timed in the same run: the whole build again
//! with the session's caches warm, which is what a title edit cost before.
//!
//! ```text
//! cargo run --release --example rebuild -- ROOT content/skills/x.md [RUNS]
//! ```
//!
//! Then a copy of FILE is added as a new page file and deleted again.
//!
//! The file is restored at the end. `ROADBOOK_REBUILD_EDITS=moves,heading`
//! times only the edits whose names hold one of these words, and no
//! baseline: for a profiler, which should see little but them.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use roadbook::pipeline::{Options, Session};

/// The allocator the `roadbook` binary runs `serve` with (see
/// `src/main.rs`), with `serve`'s purge delay, so the figures are
/// `serve`'s.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1000.0
}

/// Stage names in order, with every run's time.
#[derive(Default)]
struct Stages(Vec<(&'static str, Vec<Duration>)>);

impl Stages {
    fn add(&mut self, i: usize, name: &'static str, d: Duration) {
        if self.0.len() <= i {
            self.0.push((name, Vec::new()));
        }
        // The first run after the session's build may take another path,
        // with other stages: the names are the last run's.
        self.0[i].0 = name;
        self.0[i].1.push(d);
    }
}

/// Edits `file` `runs` times with `edit(original, run)`, rebuilding after
/// each, and prints the medians under `title`.
fn time_edits(
    session: &mut Session,
    path: &Path,
    file: &str,
    runs: usize,
    title: &str,
    edit: impl Fn(&str, usize) -> String,
) -> Result<(), String> {
    let original = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let (mut stages, mut notes, mut totals) = (Stages::default(), Stages::default(), Vec::new());
    let (mut rendered, mut pages) = (0, 0);
    // When the edited page was handed over ahead of the rest.
    let mut early = Vec::new();
    let mut result = Ok(());
    let cpu_before = cpu_ms();
    for run in 0..runs {
        if let Err(e) = std::fs::write(path, edit(&original, run)) {
            result = Err(e.to_string());
            break;
        }
        let start = std::time::Instant::now();
        let mut shown = None;
        let outcome = session.rebuild_with(&[PathBuf::from(file)], &mut |_| {
            shown = Some(start.elapsed());
        });
        if let Some(d) = shown {
            early.push(d);
        }
        // Wall time of the whole call, including handing back the files.
        let took = start.elapsed();
        match outcome {
            Ok(b) => {
                (rendered, pages) = (b.rendered, b.pages);
                totals.push(took);
                for (i, (name, d)) in b.timings.stages.iter().enumerate() {
                    stages.add(i, name, *d);
                }
                for (i, (name, d, _)) in b.timings.notes.iter().enumerate() {
                    notes.add(i, name, *d);
                }
            }
            Err(f) => {
                result = Err(f.diagnostics.render());
                break;
            }
        }
    }
    let cpu = cpu_before.zip(cpu_ms()).map(|(a, b)| (b - a) / runs as f64);
    // Back as it was, and the session with it.
    let restored = std::fs::write(path, &original).map_err(|e| e.to_string());
    let _ = session.build();
    result?;
    restored?;
    println!("{title}: median of {runs}, {rendered} of {pages} pages rendered");
    for (name, v) in stages.0 {
        println!("  {name:<10} {:>8.2} ms", median(v));
    }
    if !early.is_empty() {
        println!(
            "  {:<10} {:>8.2} ms  (the edited page, shown {} of {runs} times before the rest)",
            "early",
            median(early.clone()),
            early.len()
        );
    }
    println!("  {:<10} {:>8.2} ms", "all", median(totals));
    if let Some(cpu) = cpu {
        println!(
            "  {:<10} {:>8.2} ms  (mean CPU time of a run, every thread)",
            "cpu", cpu
        );
    }
    for (name, v) in notes.0 {
        println!("  ({name}: {:.2} ms)", median(v));
    }
    Ok(())
}

/// A copy of `path` added as a new page file next to it, then deleted,
/// `runs` times, each followed by the rebuild `serve` would run.
fn time_add_and_delete(session: &mut Session, path: &Path, runs: usize) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let dir = path.parent().ok_or("the file has no folder")?;
    let root = dir
        .parent()
        .and_then(Path::parent)
        .ok_or("the file is not in content/KIND/")?;
    let added = dir.join("added-while-timing.md");
    let rel = added
        .strip_prefix(root)
        .map_err(|e| e.to_string())?
        .to_path_buf();
    let (mut add, mut delete) = (Vec::new(), Vec::new());
    let mut counts = (0, 0, 0);
    for _ in 0..runs {
        for adding in [true, false] {
            if adding {
                std::fs::write(&added, &text).map_err(|e| e.to_string())?;
            } else {
                std::fs::remove_file(&added).map_err(|e| e.to_string())?;
            }
            let start = std::time::Instant::now();
            let built = session
                .rebuild(std::slice::from_ref(&rel))
                .map_err(|f| f.diagnostics.render())?;
            let took = start.elapsed();
            if adding {
                add.push(took);
                counts.0 = built.rendered;
            } else {
                delete.push(took);
                counts.1 = built.rendered;
            }
            counts.2 = built.pages;
        }
    }
    println!(
        "a new page file, then deleted: median of {runs}, {} and {} of {} pages rendered",
        counts.0, counts.1, counts.2
    );
    println!("  {:<10} {:>8.2} ms", "added", median(add));
    println!("  {:<10} {:>8.2} ms", "deleted", median(delete));
    Ok(())
}

/// The CPU time this process has used, every thread, in milliseconds
/// (Linux; in clock ticks of 10 ms). On a shared machine whose speed
/// drifts, CPU time tells two versions apart where wall time cannot.
fn cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name, which is in parentheses.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line.
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks * 10.0)
}

/// The slug of a skill other than the edited file: the first file of
/// `content/skills`.
fn other_skill(root: &Path, file: &str) -> Option<String> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(root.join("content/skills"))
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md") && !p.ends_with(file))
        .collect();
    names.sort();
    let name = names.first()?.file_name()?.to_str()?;
    let slug = roadbook::content::Slug::from_file_name(name).ok()?;
    Some(slug.as_str().to_string())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(root), Some(file)) = (args.first(), args.get(1)) else {
        eprintln!("usage: rebuild ROOT FILE [RUNS]");
        return ExitCode::from(2);
    };
    let runs: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(7);
    // As `serve` has it (see `roadbook::allocator`).
    roadbook::allocator::purge_freed_memory(roadbook::allocator::Purge::Never);
    roadbook::allocator::no_huge_pages();
    let root = PathBuf::from(root);
    let path = root.join(file);
    let target = other_skill(&root, file);
    let mut session = Session::new(Options {
        root,
        plain_asset_names: true,
        ..Options::default()
    });
    match session.build() {
        Ok(b) => println!(
            "first build of the session: {:.1} ms, {} pages",
            b.timings.total().as_secs_f64() * 1000.0,
            b.pages
        ),
        Err(f) => {
            eprintln!("{}", f.diagnostics.render());
            return ExitCode::FAILURE;
        }
    }
    // ROADBOOK_REBUILD_EDITS=moves,heading times only the edits whose
    // names contain one of these words (for a profiler's sake).
    let only: Option<Vec<String>> = std::env::var("ROADBOOK_REBUILD_EDITS")
        .ok()
        .map(|v| v.split(',').map(str::to_string).collect());
    let body = |text: &str, run: usize| format!("{text}\nEdit number {run} adds this sentence.\n");
    // A suffix, which keeps the entry's place in its sorted list.
    let title = |text: &str, run: usize| match text.find("title = \"") {
        Some(at) => {
            let from = at + "title = \"".len();
            let end = from + text[from..].find('"').unwrap_or(0);
            format!("{} ({run}){}", &text[..end], &text[end..])
        }
        None => text.to_string(),
    };
    // A new anchor other pages could link to.
    let heading = |text: &str, run: usize| format!("{text}\n## Added section {run}\n\nText.\n");
    // A link to another skill every other run, so that each run adds or
    // takes away a backlink.
    let link = |text: &str, run: usize| match (&target, run % 2) {
        (Some(slug), 0) => format!("{text}\nSee [this skill](skill:{slug}) too.\n"),
        _ => format!("{text}\nEdit number {run} adds this sentence.\n"),
    };
    // A prefix, which moves the entry to another place in its list.
    let moved = |text: &str, run: usize| {
        let prefix = if run % 2 == 0 { "A " } else { "Zz " };
        text.replacen("title = \"", &format!("title = \"{prefix}"), 1)
    };
    for (name, edit) in [
        (
            "a sentence added to the body",
            &body as &dyn Fn(&str, usize) -> String,
        ),
        ("a new title in the front matter", &title),
        ("a new heading in the body", &heading),
        ("a new link in the body, every other run", &link),
        ("a title that moves the entry in its list", &moved),
    ] {
        if !only
            .as_ref()
            .is_none_or(|o| o.iter().any(|w| name.contains(w.as_str())))
        {
            continue;
        }
        if let Err(e) = time_edits(&mut session, &path, file, runs, name, edit) {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    }
    // The baseline, in the same run: what every edit cost before the
    // session learnt to re-render only what an edit shows (a whole build,
    // parsed files and highlighted code reused).
    if only
        .as_ref()
        .is_none_or(|o| o.iter().any(|w| "added deleted".contains(w.as_str())))
        && let Err(e) = time_add_and_delete(&mut session, &path, runs)
    {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    if only.is_some() {
        return ExitCode::SUCCESS;
    }
    let mut whole = Vec::new();
    for _ in 0..runs {
        let start = std::time::Instant::now();
        if let Err(f) = session.build() {
            eprintln!("{}", f.diagnostics.render());
            return ExitCode::FAILURE;
        }
        whole.push(start.elapsed());
    }
    println!(
        "baseline, the whole build again (caches warm): median of {runs}: {:.2} ms",
        median(whole)
    );
    ExitCode::SUCCESS
}
