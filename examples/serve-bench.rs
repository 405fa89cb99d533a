//! How fast `roadbook serve` shows an edit, measured as an author sees it:
//! over HTTP, from the moment the file is saved.
//!
//! ```text
//! cargo run --release --example gen-handbook -- --pages 10000 --out /dev/shm/bench
//! cargo build --release
//! cargo run --release --example serve-bench -- --root /dev/shm/bench/roadbook \
//!     --bin target/release/roadbook [--edits 10] [--every-ms 1500] [--memory-edits 100]
//! ```
//!
//! It starts `serve` on the handbook (a generated one: it edits the file of
//! skill `skill-00000` in place and puts it back at the end), then saves a
//! new title for that skill `--edits` times, `--every-ms` apart, and for
//! each save polls until
//!
//! - the skill's own page has the new title: **edited page served**;
//! - the skills list has it too: **every page served** (the list is one of
//!   the last pages rendered, as the largest);
//!
//! then prints medians. Then it makes `--memory-edits` more title edits and
//! five edits of `handbook.toml`, and prints `serve`'s resident memory
//! (VmRSS) after each tenth edit: the memory curve. Pass the binary of
//! another build as `--bin` to compare two versions in one sitting.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Args {
    root: PathBuf,
    bin: PathBuf,
    edits: usize,
    every: Duration,
    memory_edits: usize,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        root: PathBuf::new(),
        bin: PathBuf::from("target/release/roadbook"),
        edits: 10,
        every: Duration::from_millis(1500),
        memory_edits: 100,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        let number = || value.parse::<u64>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--root" => a.root = PathBuf::from(&value),
            "--bin" => a.bin = PathBuf::from(&value),
            "--edits" => a.edits = number()? as usize,
            "--every-ms" => a.every = Duration::from_millis(number()?),
            "--memory-edits" => a.memory_edits = number()? as usize,
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    if a.root.as_os_str().is_empty() {
        return Err("usage: serve-bench --root HANDBOOK [--bin ROADBOOK] [--edits N] [--every-ms MS] [--memory-edits N]".into());
    }
    Ok(a)
}

/// The body of `GET path`, or `None` while the server does not answer.
fn get(port: u16, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut out = Vec::new();
    s.read_to_end(&mut out).ok()?;
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// Polls `path` until its body has `text`; the time from `since`.
fn until(port: u16, path: &str, text: &str, since: Instant) -> Result<Duration, String> {
    while since.elapsed() < Duration::from_secs(30) {
        if get(port, path).is_some_and(|b| b.contains(text)) {
            return Ok(since.elapsed());
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    Err(format!("{path} never showed {text:?}"))
}

fn rss_kib(child: &Child) -> u64 {
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v.get(v.len() / 2).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// `serve`'s port, read from its "serving http://127.0.0.1:PORT/…" line.
fn start(bin: &Path, root: &Path) -> Result<(Child, u16, String), String> {
    let mut child = Command::new(bin)
        .args(["serve", "--port", "0", "--root"])
        .arg(root)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start {}: {e}", bin.display()))?;
    let mut err = child.stderr.take().ok_or("no stderr")?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        let mut line = String::new();
        let mut sent = false;
        while let Ok(n) = err.read(&mut buf) {
            if n == 0 {
                break;
            }
            line.push_str(&String::from_utf8_lossy(&buf[..n]));
            if !sent && let Some(at) = line.find("serving http://127.0.0.1:") {
                let rest = &line[at + "serving http://127.0.0.1:".len()..];
                if let Some(end) = rest.find(' ') {
                    let (port, path) = rest[..end].split_once('/').unwrap_or((&rest[..end], ""));
                    let _ = tx.send((port.parse::<u16>().unwrap_or(0), format!("/{path}")));
                    sent = true;
                }
            }
        }
    });
    let (port, base) = rx
        .recv_timeout(Duration::from_secs(120))
        .map_err(|_| "serve did not start".to_string())?;
    Ok((child, port, base))
}

fn run(a: &Args) -> Result<(), String> {
    let rel = a.root.join("content/skills/skill-00000.md");
    let original = std::fs::read_to_string(&rel).map_err(|e| format!("{}: {e}", rel.display()))?;
    let toml_path = a.root.join("handbook.toml");
    let toml = std::fs::read_to_string(&toml_path).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let (mut child, port, base) = start(&a.bin, &a.root)?;
    println!(
        "{}: serving after {:.0} ms, {} MiB resident",
        a.bin.display(),
        started.elapsed().as_secs_f64() * 1000.0,
        rss_kib(&child) / 1024
    );
    let page = format!("{base}skills/skill-00000/");
    let list = format!("{base}skills/");
    let mut n = 0;
    let edit = |n: &mut usize| -> Result<(Duration, Duration), String> {
        *n += 1;
        let title = format!("Skill 00000 edited {n}");
        let text = original.replacen(
            "title = \"Skill 00000\"",
            &format!("title = \"{title}\""),
            1,
        );
        let saved = Instant::now();
        std::fs::write(&rel, text).map_err(|e| e.to_string())?;
        let own = until(port, &page, &format!("<h1>{title}"), saved)?;
        let all = until(port, &list, &format!(">{title}</a>"), saved)?;
        Ok((own, all))
    };
    let (mut own, mut all) = (Vec::new(), Vec::new());
    for _ in 0..a.edits {
        let began = Instant::now();
        let (o, l) = edit(&mut n)?;
        own.push(o);
        all.push(l);
        std::thread::sleep(a.every.saturating_sub(began.elapsed()));
    }
    println!(
        "title edit, {} saves {} ms apart: edited page served {:.0} ms, every page served {:.0} ms (medians); slowest {:.0} / {:.0} ms",
        a.edits,
        a.every.as_millis(),
        median(own.clone()),
        median(all.clone()),
        own.iter().max().map_or(0.0, |d| d.as_secs_f64() * 1000.0),
        all.iter().max().map_or(0.0, |d| d.as_secs_f64() * 1000.0),
    );
    let first = rss_kib(&child);
    print!("memory (MiB) after 0");
    print!(" / {}: {}", n, first / 1024);
    for i in 0..a.memory_edits {
        edit(&mut n)?;
        if (i + 1) % 10 == 0 {
            // Let the rest of the run finish before reading its memory.
            std::thread::sleep(Duration::from_millis(300));
            print!(", +{}: {}", i + 1, rss_kib(&child) / 1024);
            let _ = std::io::stdout().flush();
        }
    }
    println!();
    for i in 0..5 {
        let edited = toml.replacen(
            "description = \"",
            &format!("description = \"Edit {i}. "),
            1,
        );
        std::fs::write(&toml_path, edited).map_err(|e| e.to_string())?;
        until(
            port,
            &format!("{base}handbook.json"),
            &format!("Edit {i}. "),
            Instant::now(),
        )?;
        std::thread::sleep(Duration::from_millis(300));
    }
    let last = rss_kib(&child);
    println!(
        "after {} title edits and 5 settings edits: {} MiB ({:+.1}% from {} MiB)",
        n,
        last / 1024,
        (last as f64 / first.max(1) as f64 - 1.0) * 100.0,
        first / 1024
    );
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::write(&rel, original);
    let _ = std::fs::write(&toml_path, toml);
    Ok(())
}

fn main() -> std::process::ExitCode {
    match args().and_then(|a| run(&a)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("serve-bench: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
