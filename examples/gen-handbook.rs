//! Generates a synthetic handbook for benchmarks, deterministically.
//!
//! ```text
//! cargo run --release --example gen-handbook -- --pages 1000 --out /dev/shm/bench
//! ```
//!
//! `--search` keeps roadbook's search index on (off by default, as the
//! peers' corpora have none). `--big-body MB` makes the first page's body
//! that many megabytes (its usual body over and over), for the memory a
//! huge page costs each tool.
//!
//! Writes the same pages three ways, so every tool builds the same text:
//! `OUT/roadbook` (a handbook in the contract's format), `OUT/hugo` (a Hugo
//! site with minimal templates and build-time highlighting) and `OUT/mdbook`
//! (an mdBook book). Each page has about 2 KB of Markdown: paragraphs, a
//! list, a table, a 10-line Rust and a 10-line Python block, and three links
//! to other pages (checked cross-references in roadbook, plain relative
//! links elsewhere). Skills are grouped into phases and roles that
//! reference them, as in a real handbook.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A small deterministic PRNG (xorshift64*), so the corpus never changes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const WORDS: &[&str] = &[
    "service",
    "request",
    "database",
    "cache",
    "index",
    "query",
    "latency",
    "throughput",
    "schema",
    "deploy",
    "container",
    "cluster",
    "replica",
    "queue",
    "event",
    "stream",
    "token",
    "session",
    "handler",
    "route",
    "payload",
    "contract",
    "migration",
    "backup",
    "metric",
    "trace",
    "log",
    "alert",
    "budget",
    "shard",
    "partition",
    "lock",
    "retry",
    "timeout",
    "pool",
    "worker",
    "batch",
    "consistent",
    "durable",
    "scalable",
    "secure",
    "observable",
    "idempotent",
    "stateless",
];

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        let w = WORDS[rng.below(WORDS.len())];
        if i == 0 {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                s.push(f.to_ascii_uppercase());
                s.push_str(c.as_str());
            }
        } else {
            s.push(' ');
            s.push_str(w);
        }
    }
    s.push('.');
    s
}

fn paragraph(rng: &mut Rng) -> String {
    (0..4)
        .map(|_| {
            let n = 8 + rng.below(8);
            sentence(rng, n)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A 10-line Rust block, different on every page (names and numbers
/// vary), so no tool can reuse one page's highlighting for another.
fn rust(i: usize) -> String {
    format!(
        "```rust\nuse std::collections::HashMap;\n\n/// Counts how often each word occurs in part {i}.\nfn count_{i}(text: &str) -> HashMap<&str, usize> {{\n    let mut counts = HashMap::with_capacity({});\n    for word in text.split_whitespace().skip({}) {{\n        *counts.entry(word).or_insert(0) += 1;\n    }}\n    counts\n}}\n```",
        i % 97 + 8,
        i % 5
    )
}

/// A 10-line Python block, different on every page.
fn python(i: usize) -> String {
    format!(
        "```python\nimport json\nfrom dataclasses import dataclass\n\n@dataclass\nclass Order{i}:\n    id: int\n    total: float = {}.5\n\ndef load_{i}(path: str) -> list[Order{i}]:\n    with open(path) as f:\n        return [Order{i}(**row) for row in json.load(f)]\n```",
        i % 50
    )
}

/// How a link to skill `i` is written for each tool.
enum Flavour {
    Roadbook,
    Hugo,
    MdBook,
}

fn link(flavour: &Flavour, i: usize, text: &str) -> String {
    match flavour {
        Flavour::Roadbook => format!("[{text}](skill:skill-{i:05})"),
        Flavour::Hugo => format!("[{text}](/skills/skill-{i:05}/)"),
        Flavour::MdBook => format!("[{text}](skill-{i:05}.md)"),
    }
}

fn body(rng: &mut Rng, i: usize, n: usize, flavour: &Flavour) -> String {
    let mut b = String::new();
    let targets: Vec<usize> = (0..3).map(|k| (i + 1 + k * 7 + rng.below(5)) % n).collect();
    let _ = writeln!(b, "## Overview\n\n{}\n", paragraph(rng));
    let _ = writeln!(
        b,
        "It builds on {}, pairs well with {} and leads to {}.\n",
        link(flavour, targets[0], "the first topic"),
        link(flavour, targets[1], "a neighbour"),
        link(flavour, targets[2], "what comes next")
    );
    let _ = writeln!(b, "## Key points\n");
    for _ in 0..4 {
        let n = 6 + rng.below(6);
        let _ = writeln!(b, "- {}", sentence(rng, n));
    }
    let _ = writeln!(b, "\n| Aspect | Detail | Effort |\n|---|---|---|");
    for k in 0..3 {
        let _ = writeln!(
            b,
            "| {} | {} | {} |",
            WORDS[rng.below(WORDS.len())],
            sentence(rng, 5),
            k + 1
        );
    }
    let _ = writeln!(
        b,
        "\n## Example\n\n{}\n\n{}\n\n{}\n\n{}\n",
        paragraph(rng),
        rust(i),
        sentence(rng, 10),
        python(i)
    );
    b
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// `body` repeated until it is at least `mb` megabytes (once when `mb` is
/// 0).
fn repeated(body: String, mb: usize) -> String {
    let want = mb * 1_000_000;
    if body.len() >= want {
        return body;
    }
    // Whole copies, cut to the size: the last may end mid-paragraph.
    let mut out = body.repeat(want.div_ceil(body.len()));
    let mut end = want;
    while !out.is_char_boundary(end) {
        end -= 1;
    }
    out.truncate(end);
    out
}

fn generate(n: usize, out: &Path, search: bool, big_mb: usize) -> Result<(), String> {
    let rb = out.join("roadbook");
    let hugo = out.join("hugo");
    let mdbook = out.join("mdbook");
    for d in [&rb, &hugo, &mdbook] {
        if d.exists() {
            fs::remove_dir_all(d).map_err(|e| format!("{}: {e}", d.display()))?;
        }
    }
    let categories = 10;
    let phases = (n / 50).max(2);
    let roles = 10;
    // handbook.toml
    let mut toml = String::from(
        "title = \"Synthetic handbook\"\ndescription = \"Generated for benchmarks.\"\nbase_url = \"https://example.github.io/bench\"\n",
    );
    // No search index unless asked for: the peers' corpora have none
    // (mdBook's search is turned off below).
    if !search {
        toml.push_str("search = false\n");
    }
    if big_mb >= 10 {
        let _ = writeln!(toml, "max_file_size = {}", big_mb + 1);
    }
    for c in 0..categories {
        let _ = write!(
            toml,
            "\n[[categories]]\nid = \"cat-{c}\"\ntitle = \"Category {c}\"\n"
        );
    }
    toml.push_str("\n[[tracks]]\nid = \"path\"\ntitle = \"Learning path\"\n");
    write(&rb.join("handbook.toml"), &toml)?;
    write(
        &rb.join("content/_index.md"),
        "Welcome to the synthetic handbook.\n",
    )?;
    // Hugo and mdBook scaffolding.
    write(
        &hugo.join("hugo.toml"),
        "baseURL = \"https://example.github.io/bench/\"\ntitle = \"Synthetic handbook\"\ndisableKinds = [\"taxonomy\", \"term\", \"RSS\", \"sitemap\"]\n[markup.highlight]\nnoClasses = false\ncodeFences = true\n",
    )?;
    write(
        &hugo.join("layouts/_default/single.html"),
        "<!doctype html><html><head><title>{{ .Title }}</title><link rel=\"stylesheet\" href=\"/style.css\"></head><body><h1>{{ .Title }}</h1>{{ .Content }}</body></html>\n",
    )?;
    write(
        &hugo.join("layouts/_default/list.html"),
        "<!doctype html><html><head><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul></body></html>\n",
    )?;
    write(
        &hugo.join("content/_index.md"),
        "---\ntitle: Synthetic handbook\n---\nWelcome.\n",
    )?;
    write(
        &mdbook.join("book.toml"),
        "[book]\ntitle = \"Synthetic handbook\"\n\n[output.html]\n\n[output.html.search]\nenable = false\n",
    )?;
    let mut summary = String::from("# Summary\n\n");

    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for i in 0..n {
        let title = format!("Skill {i:05}");
        let summary_line = sentence(&mut rng, 10);
        let seed = rng.next();
        let prereq = if i > 0 && i % 3 == 0 {
            format!("prerequisites = [\"skill-{:05}\"]\n", i - 1)
        } else {
            String::new()
        };
        let fm = format!(
            "+++\ntitle = \"{title}\"\nsummary = \"{summary_line}\"\ncategory = \"cat-{}\"\ndifficulty = \"{}\"\ntools = [\"Tool A\", \"Tool B\"]\n{prereq}+++\n",
            i % categories,
            ["beginner", "intermediate", "advanced"][i % 3]
        );
        let mb = if i == 0 { big_mb } else { 0 };
        let mut r = Rng(seed | 1);
        write(
            &rb.join(format!("content/skills/skill-{i:05}.md")),
            &format!(
                "{fm}{}",
                repeated(body(&mut r, i, n, &Flavour::Roadbook), mb)
            ),
        )?;
        let mut r = Rng(seed | 1);
        write(
            &hugo.join(format!("content/skills/skill-{i:05}.md")),
            &format!(
                "---\ntitle: \"{title}\"\n---\n{}",
                repeated(body(&mut r, i, n, &Flavour::Hugo), mb)
            ),
        )?;
        let mut r = Rng(seed | 1);
        write(
            &mdbook.join(format!("src/skill-{i:05}.md")),
            &format!(
                "# {title}\n\n{}",
                repeated(body(&mut r, i, n, &Flavour::MdBook), mb)
            ),
        )?;
        let _ = writeln!(summary, "- [{title}](skill-{i:05}.md)");
    }
    write(&mdbook.join("src/SUMMARY.md"), &summary)?;
    // Phases build every skill; roles need a spread of them.
    for p in 0..phases {
        let skills: Vec<String> = (0..n)
            .filter(|i| i % phases == p)
            .map(|i| format!("\"skill-{i:05}\""))
            .collect();
        write(
            &rb.join(format!("content/phases/phase-{p:03}.md")),
            &format!(
                "+++\ntitle = \"Phase {p}\"\ntrack = \"path\"\norder = {}\nsummary = \"Phase {p} of the path.\"\nduration = {{ min = 2, max = 3, unit = \"weeks\" }}\nskills = [{}]\n+++\nWork through these skills in order.\n",
                p + 1,
                skills.join(", ")
            ),
        )?;
    }
    for r in 0..roles {
        let mut table = String::from("[skills]\n");
        for i in (r..n).step_by(roles * 3) {
            let _ = writeln!(
                table,
                "skill-{i:05} = \"{}\"",
                ["familiar", "proficient", "expert"][i % 3]
            );
        }
        write(
            &rb.join(format!("content/roles/role-{r:02}.md")),
            &format!(
                "+++\ntitle = \"Role {r}\"\nsummary = \"Role {r}.\"\nlevel = {}\nresponsibilities = [\"Build things\", \"Fix things\"]\n\n[[salary]]\nregion = \"India\"\ncurrency = \"INR\"\nmin = {}\nmax = {}\n\n{table}+++\nWhat this role does.\n",
                r % 9 + 1,
                400_000 + r * 200_000,
                800_000 + r * 300_000
            ),
        )?;
    }
    Ok(())
}

fn main() -> ExitCode {
    let mut pages = 1000usize;
    let mut out = PathBuf::from("bench-corpus");
    let mut search = false;
    let mut big_mb = 0usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--pages" => match args.next().and_then(|v| v.parse().ok()) {
                Some(n) if n >= 2 => pages = n,
                _ => {
                    eprintln!("error: --pages takes a whole number of 2 or more");
                    return ExitCode::from(2);
                }
            },
            "--out" => match args.next() {
                Some(p) => out = PathBuf::from(p),
                None => {
                    eprintln!("error: --out takes a folder");
                    return ExitCode::from(2);
                }
            },
            "--search" => search = true,
            "--big-body" => match args.next().and_then(|v| v.parse().ok()) {
                Some(mb) if mb <= 1000 => big_mb = mb,
                _ => {
                    eprintln!("error: --big-body takes megabytes, at most 1000");
                    return ExitCode::from(2);
                }
            },
            other => {
                eprintln!(
                    "error: unknown argument `{other}`\nusage: gen-handbook [--pages N] [--out DIR] [--search] [--big-body MB]"
                );
                return ExitCode::from(2);
            }
        }
    }
    match generate(pages, &out, search, big_mb) {
        Ok(()) => {
            eprintln!(
                "wrote {pages} pages for roadbook, hugo and mdbook under {}",
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
