//! Writes a synthetic handbook of any size, for measuring builds and the
//! preview on something bigger than the bundled one.
//!
//! ```text
//! cargo run --example gen-handbook -- --pages 5000 --out /tmp/hb5000
//! ```
//!
//! Deterministic: the same arguments give the same bytes. Each skill has a
//! body of about 2 KB with three headings, a Rust and a Python code block,
//! three cross-links to other skills (one with a `#fragment`), a
//! prerequisite (forming a tree, so no cycles) and a related skill. Twelve
//! roles and twelve phases in two tracks reference skills spread over the
//! whole range; there is a home page and one free page.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const CATEGORIES: [(&str, &str); 5] = [
    ("languages", "Languages"),
    ("core", "Core skills"),
    ("data", "Data"),
    ("infrastructure", "Infrastructure"),
    ("practices", "Practices"),
];
const DIFFICULTY: [&str; 3] = ["beginner", "intermediate", "advanced"];
const LEVELS: [&str; 3] = ["familiar", "proficient", "expert"];
const ROLES: usize = 12;
const PHASES_PER_TRACK: usize = 6;

fn slug(i: usize) -> String {
    format!("skill-{i:05}")
}

fn usage() -> ExitCode {
    eprintln!("usage: gen-handbook --pages N --out DIR");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut pages = None;
    let mut out = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--pages" => pages = it.next().and_then(|n| n.parse::<usize>().ok()),
            "--out" => out = it.next().map(PathBuf::from),
            _ => return usage(),
        }
    }
    let (Some(n), Some(out)) = (pages, out) else {
        return usage();
    };
    if n < 4 {
        eprintln!("--pages must be at least 4");
        return ExitCode::from(2);
    }
    if out.join("content").exists() {
        eprintln!(
            "{} already has a content/ folder; pass an empty or new folder",
            out.display()
        );
        return ExitCode::from(2);
    }
    match generate(n, &out) {
        Ok(()) => {
            eprintln!(
                "wrote a handbook of {n} skills, {ROLES} roles and {} phases to {}",
                2 * PHASES_PER_TRACK,
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("could not write the handbook: {e}");
            ExitCode::from(1)
        }
    }
}

fn write(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, text)
}

fn generate(n: usize, out: &Path) -> std::io::Result<()> {
    let mut toml = String::from(
        "title = \"Synthetic Handbook\"\n\
         description = \"A generated handbook for measuring roadbook.\"\n\
         base_url = \"https://example.github.io/synthetic\"\n",
    );
    for (id, title) in CATEGORIES {
        let _ = write!(
            toml,
            "\n[[categories]]\nid = \"{id}\"\ntitle = \"{title}\"\n"
        );
    }
    toml.push_str("\n[[tracks]]\nid = \"learning\"\ntitle = \"Learning path\"\n");
    toml.push_str("\n[[tracks]]\nid = \"career\"\ntitle = \"Career path\"\n");
    write(&out.join("handbook.toml"), &toml)?;

    write(
        &out.join("content/_index.md"),
        &format!(
            "+++\ntitle = \"Synthetic Handbook\"\n+++\n\nA generated handbook with {n} skills. Start with [](skill:{}).\n",
            slug(0)
        ),
    )?;
    write(
        &out.join("content/pages/about.md"),
        "+++\ntitle = \"About\"\nsummary = \"What this handbook is.\"\nin_menu = true\n+++\n\n## What it is\n\nA handbook made by a program, for measuring.\n",
    )?;

    for i in 0..n {
        write(
            &out.join(format!("content/skills/{}.md", slug(i))),
            &skill(i, n),
        )?;
    }
    // Roles: each needs 20 skills spread over the whole range.
    for r in 0..ROLES {
        let mut text = format!(
            "+++\ntitle = \"Role {r}\"\nsummary = \"A generated role at level {}.\"\nlevel = {}\nexperience = {{ min = {}, max = {} }}\nresponsibilities = [\"Build things\", \"Review things\", \"Run things\"]\n\n[[salary]]\nregion = \"India\"\ncurrency = \"INR\"\nmin = {}\nmax = {}\n\n[skills]\n",
            r % 9 + 1,
            r % 9 + 1,
            r,
            r + 3,
            400_000 + r * 100_000,
            900_000 + r * 150_000,
        );
        let mut seen = Vec::new();
        for k in 0..20 {
            let s = (r * 977 + k * (n / 20).max(1) + k) % n;
            if !seen.contains(&s) {
                seen.push(s);
                let _ = writeln!(text, "{} = \"{}\"", slug(s), LEVELS[(r + k) % 3]);
            }
        }
        let _ = write!(
            text,
            "+++\n\nRole {r} works with [](skill:{}) every day.\n",
            slug(seen[0])
        );
        write(&out.join(format!("content/roles/role-{r:02}.md")), &text)?;
    }
    // Phases: two tracks, ten skills each.
    for (t, track) in ["learning", "career"].iter().enumerate() {
        for p in 0..PHASES_PER_TRACK {
            let skills: Vec<String> = (0..10)
                .map(|k| slug((t * 7919 + p * 1021 + k * (n / 10).max(1)) % n))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .map(|s| format!("\"{s}\""))
                .collect();
            let text = format!(
                "+++\ntitle = \"{track} phase {p}\"\ntrack = \"{track}\"\norder = {}\nsummary = \"A generated phase.\"\nduration = {{ min = 1, max = 2, unit = \"months\" }}\nfocus = [\"Practice\", \"Projects\"]\nskills = [{}]\n+++\n\n## What to do\n\nWork through the skills listed here.\n",
                p + 1,
                skills.join(", ")
            );
            write(
                &out.join(format!("content/phases/{:02}-{track}-{p}.md", p + 1)),
                &text,
            )?;
        }
    }
    Ok(())
}

/// Filler sentences, picked by index, so bodies differ but stay
/// deterministic.
const SENTENCES: [&str; 8] = [
    "Backend work rewards people who understand what happens between a request arriving and a response leaving.",
    "Start small: build a toy version first, then read how the production tools solve the same problem.",
    "Measure before you optimise, and write down what you measured so the next person can repeat it.",
    "Most outages come from the boring parts: configuration, timeouts, retries and full disks.",
    "Read the official documentation end to end once; it answers questions you did not know to ask.",
    "Pair the theory with a project you care about, so the details have somewhere to stick.",
    "Explain the idea to a colleague; the parts you cannot explain are the parts to study next.",
    "Keep notes of the mistakes you make, because you will meet each of them again in production.",
];

fn paragraph(seed: usize) -> String {
    (0..4)
        .map(|k| SENTENCES[(seed * 5 + k * 3) % SENTENCES.len()])
        .collect::<Vec<_>>()
        .join(" ")
}

fn skill(i: usize, n: usize) -> String {
    let (category, _) = CATEGORIES[i % CATEGORIES.len()];
    let links = [(i * 7 + 1) % n, (i * 13 + 2) % n, (i * 31 + 3) % n]
        .map(|j| if j == i { (j + 1) % n } else { j });
    let mut text = format!(
        "+++\ntitle = \"Skill {i}\"\nsummary = \"Generated skill number {i}.\"\ncategory = \"{category}\"\ndifficulty = \"{}\"\norder = {i}\ntools = [\"Tool {}\", \"Tool {}\"]\n",
        DIFFICULTY[i % 3],
        i % 17,
        i % 23
    );
    if i > 0 {
        let _ = writeln!(text, "prerequisites = [\"{}\"]", slug((i - 1) / 2));
    }
    let _ = writeln!(text, "related = [\"{}\"]", slug(links[0]));
    let _ = write!(
        text,
        "\n[[resources]]\ntitle = \"Official guide to skill {i}\"\nurl = \"https://example.org/skills/{i}\"\nkind = \"official\"\n+++\n\n"
    );
    let _ = write!(
        text,
        "## Why it matters\n\n{}\n\nIt builds on [skill {}](skill:{}) and pairs well with [](skill:{}).\n\n",
        paragraph(i),
        links[0],
        slug(links[0]),
        slug(links[1])
    );
    let _ = write!(
        text,
        "## How to learn it\n\n{}\n\n```rust\nfn skill_{i}(input: &[u32]) -> u32 {{\n    // Sum the even values, the way skill {i} would.\n    input.iter().filter(|v| *v % 2 == 0).sum()\n}}\n```\n\n{}\n\n```python\ndef skill_{i}(values):\n    \"\"\"Count the values above the mean.\"\"\"\n    mean = sum(values) / len(values)\n    return len([v for v in values if v > mean])\n```\n\n",
        paragraph(i + 1),
        paragraph(i + 2)
    );
    let _ = write!(
        text,
        "## Pitfalls\n\n{}\n\nSee also the pitfalls of [skill {}](skill:{}#pitfalls).\n",
        paragraph(i + 3),
        links[2],
        slug(links[2])
    );
    text
}
