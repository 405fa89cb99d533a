//! Hardening: what a handbook changed by a stranger (a pull request) or a
//! clumsy user must not be able to do to the machine that builds it, the
//! folder it builds into, or the author's preview.
//!
//! - Files: nothing outside the handbook is read through a link, in
//!   `build` or `serve`; copied files get ordinary permissions.
//! - Output: staging folders of killed builds are removed; one build at a
//!   time writes an output folder.
//! - Preview: only requests for its own host are answered; connections
//!   that send nothing are closed; `--bind` warns.
//!
//! What a page's text may hold, and the size limit, are in
//! tests/hostile_input.rs.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a test reports failure by panicking"
)]

mod harness;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use harness::preview::{Server, WAIT};
use harness::*;

fn skill(title: &str, body: &str) -> String {
    format!(
        "+++\ntitle = \"{title}\"\nsummary = \"A skill made by a test.\"\ncategory = \"core\"\ndifficulty = \"beginner\"\n+++\n\n{body}\n"
    )
}

// ---------------------------------------------------------------------------
// Links stay inside the handbook.
// ---------------------------------------------------------------------------

#[cfg(unix)]
mod links {
    use super::*;
    use std::os::unix::fs::{PermissionsExt, symlink};

    /// A folder outside the handbook with a secret in it.
    fn secrets() -> TempDir {
        let outside = TempDir::new("outside");
        change_file(&outside, "secret.txt", "SECRET-TOKEN");
        change_file(&outside, "more/skill.md", skill("Stolen", "SECRET-TOKEN"));
        change_file(&outside, "base.html", "SECRET-TOKEN {{ page.title }}");
        outside
    }

    #[test]
    fn a_link_to_a_file_outside_is_an_error_naming_link_and_target() {
        let hb = fixture("base");
        let outside = secrets();
        std::fs::create_dir_all(hb.join("static")).unwrap();
        symlink(outside.join("secret.txt"), hb.join("static/env.txt")).unwrap();
        let report = expect_errors(&hb);
        let target = outside.join("secret.txt");
        assert!(
            report.contains(&format!(
                "error: `static/env.txt` is a symbolic link to `{}`, outside the handbook",
                target.display()
            )),
            "{report}"
        );
        assert!(report.contains("--> static/env.txt"), "{report}");
        assert!(!report.contains("SECRET-TOKEN"), "{report}");
    }

    #[test]
    fn a_link_to_a_folder_outside_is_an_error_in_every_source_folder() {
        let hb = fixture("base");
        let outside = secrets();
        std::fs::create_dir_all(hb.join("static")).unwrap();
        std::fs::create_dir_all(hb.join("templates")).unwrap();
        symlink(outside.path(), hb.join("static/linked")).unwrap();
        symlink(outside.join("more"), hb.join("content/skills/more")).unwrap();
        symlink(outside.join("base.html"), hb.join("templates/base.html")).unwrap();
        let report = expect_errors(&hb);
        for (link, target) in [
            ("content/skills/more", outside.join("more")),
            ("static/linked", outside.path().to_path_buf()),
            ("templates/base.html", outside.join("base.html")),
        ] {
            assert!(
                report.contains(&format!(
                    "`{link}` is a symbolic link to `{}`, outside the handbook",
                    target.display()
                )),
                "{link}: {report}"
            );
        }
        assert!(!report.contains("SECRET-TOKEN"), "{report}");
    }

    #[test]
    fn links_inside_the_handbook_are_followed_but_not_into_hidden_folders() {
        let hb = fixture("base");
        change_file(&hb, "static/shared/logo.txt", "logo");
        symlink("shared", hb.join("static/alias")).unwrap();
        symlink("../handbook.toml", hb.join("static/config.txt")).unwrap();
        build(&hb).assert_ok();
        assert_eq!(expect_file(&hb, "public/alias/logo.txt"), "logo");
        assert!(expect_file(&hb, "public/config.txt").contains("Test Handbook"));
        // .git holds the token `actions/checkout` leaves for later steps.
        change_file(
            &hb,
            ".git/config",
            "extraheader = AUTHORIZATION: basic SECRET-TOKEN",
        );
        symlink("../.git/config", hb.join("static/git.txt")).unwrap();
        let report = build(&hb).assert_code(1).stderr;
        assert!(
            report.contains("`static/git.txt` is a symbolic link to `../.git/config`, a hidden file of the handbook"),
            "{report}"
        );
    }

    #[test]
    fn handbook_toml_through_a_link_outside_is_refused_without_showing_it() {
        let hb = fixture("base");
        let outside = secrets();
        std::fs::remove_file(hb.join("handbook.toml")).unwrap();
        symlink(outside.join("secret.txt"), hb.join("handbook.toml")).unwrap();
        let report = check(&hb).assert_code(1).stderr;
        assert!(
            report.contains("`handbook.toml` is a symbolic link to"),
            "{report}"
        );
        assert!(!report.contains("SECRET-TOKEN"), "{report}");
    }

    #[test]
    fn copied_files_get_ordinary_permissions() {
        let hb = fixture("base");
        change_file(&hb, "static/private.txt", "p");
        change_file(&hb, "static/run.sh", "#!/bin/sh\n");
        change_file(&hb, "content/skills/notes.txt", "n");
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
        let set = |p: &Path, m: u32| {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
        };
        set(&hb.join("static/private.txt"), 0o600);
        set(&hb.join("static/run.sh"), 0o4755);
        set(&hb.join("content/skills/notes.txt"), 0o640);
        build(&hb).assert_ok();
        // What this process's umask gives a new file.
        change_file(&hb, "fresh.txt", "f");
        let ordinary = mode(&hb.join("fresh.txt"));
        for out in ["private.txt", "run.sh", "skills/notes.txt", "index.html"] {
            assert_eq!(mode(&hb.join("public").join(out)), ordinary, "{out}");
        }
    }

    #[test]
    fn serve_never_serves_a_file_through_a_link_outside() {
        let hb = fixture("base");
        let outside = secrets();
        change_file(&hb, "static/inside.txt", "inside");
        symlink(outside.join("secret.txt"), hb.join("static/env.txt")).unwrap();
        let mut server = Server::start_in(hb.path(), &[]);
        server.wait_for_line("symbolic link to");
        for path in ["/handbook/env.txt", "/handbook/inside.txt", "/handbook/"] {
            let r = request_as(&server, path, "127.0.0.1");
            assert!(!r.contains("SECRET-TOKEN"), "{path}: {r}");
        }
        // Once the link is gone the handbook builds, still without it.
        std::fs::remove_file(hb.join("static/env.txt")).unwrap();
        wait_until(&server, "/handbook/inside.txt", |r| {
            r.starts_with("HTTP/1.1 200")
        });
        let r = request_as(&server, "/handbook/env.txt", "127.0.0.1");
        assert!(r.starts_with("HTTP/1.1 404"), "{r}");
        // A link made while it runs is refused the same way.
        symlink(outside.join("secret.txt"), hb.join("static/late.txt")).unwrap();
        server.wait_for_line("`static/late.txt` is a symbolic link to");
        let r = request_as(&server, "/handbook/late.txt", "127.0.0.1");
        assert!(!r.contains("SECRET-TOKEN"), "{r}");
    }
}

// ---------------------------------------------------------------------------
// Nothing left behind; one build at a time.
// ---------------------------------------------------------------------------

/// Names beside the output that only a build in progress (or killed) has.
fn staging_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".roadbook-"))
        .collect();
    names.sort();
    names
}

#[test]
fn staging_folders_of_killed_builds_are_removed() {
    let hb = fixture("base");
    // What `kill -9` in the middle of two earlier builds leaves.
    change_file(&hb, ".public.roadbook-new-4194304/index.html", "half");
    change_file(&hb, ".public.roadbook-old-4194305/index.html", "old");
    change_file(&hb, ".public.roadbook-lock", "4194304");
    // Not ours to remove: another output's, and a name no build makes.
    change_file(&hb, ".site.roadbook-new-4194304/index.html", "other");
    change_file(&hb, ".public.roadbook-new-notes/keep.txt", "keep");
    build(&hb).assert_ok();
    assert_eq!(
        staging_names(hb.path()),
        [".public.roadbook-new-notes", ".site.roadbook-new-4194304"]
    );
    assert!(hb.join("public/index.html").is_file());
}

#[test]
fn two_builds_at_once_both_succeed_or_one_names_the_other() {
    let hb = fixture("full");
    let mut refused = 0;
    for pair in 0..20 {
        let spawn = || {
            Command::new(env!("CARGO_BIN_EXE_roadbook"))
                .arg("build")
                .current_dir(hb.path())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        let (pid_a, pid_b) = (a.id(), b.id());
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        for (out, other) in [(&a, pid_b), (&b, pid_a)] {
            let stderr = String::from_utf8_lossy(&out.stderr);
            if out.status.success() {
                continue;
            }
            refused += 1;
            assert!(
                stderr.contains(&format!(
                    "error: another roadbook build (process {other}) is writing `{}` now",
                    hb.join("public").display()
                )),
                "pair {pair}: {stderr}"
            );
            assert!(stderr.contains("help: wait for it to finish"), "{stderr}");
        }
        assert!(
            a.status.success() || b.status.success(),
            "pair {pair}: both failed"
        );
        assert!(
            staging_names(hb.path()).is_empty(),
            "pair {pair}: {:?}",
            staging_names(hb.path())
        );
        assert!(hb.join("public/index.html").is_file());
        assert!(hb.join("public/.roadbook-output").is_file());
    }
    eprintln!("{refused} of 20 pairs had one build refused");
}

#[test]
fn a_build_stops_while_another_process_writes_the_output() {
    let hb = fixture("base");
    build(&hb).assert_ok();
    let before = tree(&hb.join("public"));
    // Hold the lock as a build in progress does, with this process's id.
    let mut lock = std::fs::File::create(hb.join(".public.roadbook-lock")).unwrap();
    lock.try_lock().unwrap();
    write!(lock, "{}", std::process::id()).unwrap();
    let report = build(&hb).assert_code(1).stderr;
    assert!(
        report.contains(&format!(
            "error: another roadbook build (process {}) is writing `[ROOT]/public` now",
            std::process::id()
        )),
        "{report}"
    );
    assert_eq!(tree(&hb.join("public")), before, "the output was changed");
    assert_eq!(staging_names(hb.path()), [".public.roadbook-lock"]);
    // Let go (as a killed build does): the next build goes ahead, and
    // removes the lock file when done.
    drop(lock);
    build(&hb).assert_ok();
    assert!(staging_names(hb.path()).is_empty());
}

#[test]
fn an_output_that_is_a_file_is_refused_as_a_file() {
    let hb = fixture("base");
    change_file(&hb, "site.txt", "x");
    let report = build_with(&hb, &["--output", "site.txt"])
        .assert_code(2)
        .stderr;
    assert!(
        report.contains(
            "refusing to write the site into `[ROOT]/site.txt`: it is a file, not a folder"
        ),
        "{report}"
    );
}

#[test]
fn init_ignores_the_lock_too() {
    let dir = TempDir::new("init-ignore");
    run(&dir, &["init", "hb"]).assert_ok();
    let ignore = expect_file(&dir, "hb/.gitignore");
    for line in [
        "/public/",
        ".*.roadbook-new-*",
        ".*.roadbook-old-*",
        ".*.roadbook-lock",
    ] {
        assert!(ignore.lines().any(|l| l == line), "{line}: {ignore}");
    }
}

// ---------------------------------------------------------------------------
// The preview answers only its author.
// ---------------------------------------------------------------------------

/// The whole answer to a GET of `path` with this Host header.
fn request_as(server: &Server, path: &str, host: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Polls `path` (from the site root, with the usual Host) until `ok` holds.
fn wait_until(server: &Server, path: &str, ok: impl Fn(&str) -> bool) -> String {
    let start = Instant::now();
    loop {
        let r = request_as(server, path, "127.0.0.1");
        if ok(&r) {
            return r;
        }
        assert!(start.elapsed() < WAIT, "{path}: {r}\n{}", server.log());
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_request_for_a_foreign_host_is_refused() {
    let hb = fixture("base");
    let server = Server::start_in(hb.path(), &[]);
    let port = server.port;
    for path in [
        "/handbook/",
        "/handbook/__roadbook/status",
        "/handbook/skills/apis/",
    ] {
        for host in [
            "attacker.example",
            &format!("attacker.example:{port}"),
            "localhost.attacker.example",
        ] {
            let r = request_as(&server, path, host);
            assert!(r.starts_with("HTTP/1.1 421"), "{path} for {host}: {r}");
            assert!(!r.contains("Databases") && !r.contains("generation"), "{r}");
        }
        for host in [
            format!("127.0.0.1:{port}"),
            format!("localhost:{port}"),
            format!("[::1]:{port}"),
        ] {
            let r = request_as(&server, path, &host);
            assert!(r.starts_with("HTTP/1.1 200"), "{path} for {host}: {r}");
        }
    }
    // No Host at all (HTTP/1.0) is no better.
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(b"GET /handbook/ HTTP/1.0\r\n\r\n").unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    assert!(
        out.starts_with("HTTP/1.0 421") || out.starts_with("HTTP/1.1 421"),
        "{out}"
    );
}

/// Reads until the server closes the connection; the bytes read, or
/// `None` if it was still open after a minute (far past any timeout).
fn read_until_closed(s: &mut TcpStream) -> Option<Vec<u8>> {
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return Some(out),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return Some(out),
            Err(_) => return None,
        }
    }
}

#[test]
fn a_connection_that_sends_its_headers_slowly_or_nothing_is_dropped() {
    let hb = fixture("base");
    let server = Server::start_in(hb.path(), &[]);
    // Slowloris: a request line and part of a header, and then nothing.
    let mut slow = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    slow.write_all(b"GET /handbook/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-a: ")
        .unwrap();
    // Idle: one request answered, the connection kept alive, then nothing.
    let mut idle = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    idle.write_all(b"GET /handbook/__roadbook/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    let answered = read_until_closed(&mut slow);
    assert!(answered.is_some(), "the slow connection was never closed");
    let answered = read_until_closed(&mut idle).expect("the idle connection was never closed");
    assert!(String::from_utf8_lossy(&answered).starts_with("HTTP/1.1 200"));
    // The server still answers.
    let r = request_as(&server, "/handbook/", "127.0.0.1");
    assert!(r.starts_with("HTTP/1.1 200"), "{r}");
}

#[test]
fn bind_warns_that_the_network_can_read_the_preview() {
    let hb = fixture("base");
    let mut server = Server::start_in(hb.path(), &["--bind", "0.0.0.0"]);
    let warning = server.wait_for_line("warning: listening on 0.0.0.0");
    assert!(
        warning.contains("anyone on this network can read the preview"),
        "{warning}"
    );
    // Opened by address from the network (the Host is that address).
    let r = request_as(&server, "/handbook/", &format!("10.1.2.3:{}", server.port));
    assert!(r.starts_with("HTTP/1.1 200"), "{r}");
    let r = request_as(
        &server,
        "/handbook/",
        &format!("rebound.example:{}", server.port),
    );
    assert!(r.starts_with("HTTP/1.1 421"), "{r}");
    // Loopback, the default: no warning.
    let mut local = Server::start_in(hb.path(), &["--bind", "127.0.0.1"]);
    local.wait_for_line("serving http://127.0.0.1:");
    assert!(
        !local.log().contains("warning: listening"),
        "{}",
        local.log()
    );
    let bad = run(&hb, &["serve", "--bind", "my-laptop"]).assert_code(2);
    assert!(bad.stderr.contains("--bind"), "{}", bad.stderr);
}
