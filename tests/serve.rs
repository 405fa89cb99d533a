//! `roadbook serve`, driven from outside: the real binary on a free port,
//! over HTTP, in a temporary copy of `tests/fixtures/serve/` that each test
//! edits while the server runs. Every wait is bounded and polls; nothing
//! asserts how fast a rebuild is. The browser's view is in `tests/browser.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use harness::TempDir;
use harness::preview::*;

#[test]
fn serves_the_site_under_the_base_path() {
    let hb = Handbook::new("base");
    let server = Server::start(&hb);
    assert!(server.url.ends_with("/fixture/"), "{}", server.url);

    let home = server.get("");
    assert_eq!(home.status, 200);
    assert!(home.body.contains("Serve Fixture"));
    assert!(
        home.body.contains("__roadbook/live.js"),
        "the live script is injected"
    );
    assert_eq!(home.header("cache-control"), Some("no-cache"));

    let root = request(server.port, "GET", "/");
    assert_eq!(root.status, 302);
    assert_eq!(root.header("location"), Some("/fixture/"));

    let bare = server.get("skills/alpha");
    assert_eq!(bare.status, 301);
    assert_eq!(bare.header("location"), Some("/fixture/skills/alpha/"));
    assert!(server.get("skills/alpha/").body.contains("ALPHA-ONE"));

    let css = server.get("assets/roadbook.css");
    assert_eq!(css.status, 200);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert!(
        !css.body.contains("__roadbook"),
        "only HTML gets the script"
    );

    let missing = server.get("no-such-page/");
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.contains("__roadbook/live.js"),
        "the 404 page is the site's, live"
    );
    assert_eq!(request(server.port, "GET", "/elsewhere/").status, 404);
    assert_eq!(request(server.port, "POST", "/fixture/").status, 405);

    let head = request(server.port, "HEAD", "/fixture/skills/alpha/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
}

#[test]
fn an_edit_appears_and_parses_one_file() {
    let hb = Handbook::new("edit");
    let mut server = Server::start(&hb);
    hb.replace("content/skills/alpha.md", "ALPHA-ONE", "ALPHA-TWO");
    server.wait_until("skills/alpha/", "show the edit", |r| {
        r.body.contains("ALPHA-TWO")
    });
    let line = server.wait_for_log(|log| {
        log.lines()
            .find(|l| l.starts_with("rebuilt in ") && l.contains("content/skills/alpha.md changed"))
            .map(String::from)
    });
    // One terminal line: what changed, what was parsed and rendered, time.
    // Only the file's own page (shown first, on a line of its own) and
    // the print version, which has every body, changed in the whole run.
    assert!(line.contains("parsed 1 file,"), "{line}");
    assert!(line.contains(" ms: "), "{line}");
    assert!(line.contains("(2 changed), pages reloaded"), "{line}");
    let early = server.wait_for_log(|log| {
        log.lines()
            .find(|l| l.starts_with("shown in ") && l.contains("content/skills/alpha.md changed"))
            .map(String::from)
    });
    assert!(early.contains("pages reloaded"), "{early}");
}

#[test]
fn new_deleted_and_renamed_files_appear_and_go() {
    let hb = Handbook::new("files");
    let server = Server::start(&hb);

    hb.write("content/skills/gamma.md", &skill("Gamma", "GAMMA-ONE"));
    server.wait_until("skills/gamma/", "appear", |r| {
        r.status == 200 && r.body.contains("GAMMA-ONE")
    });
    server.wait_until("skills/", "list the new skill", |r| {
        r.body.contains("Gamma")
    });

    std::fs::remove_file(hb.path("content/skills/lonely.md")).unwrap();
    server.wait_until("skills/lonely/", "be gone", |r| r.status == 404);

    std::fs::rename(
        hb.path("content/skills/gamma.md"),
        hb.path("content/skills/delta.md"),
    )
    .unwrap();
    server.wait_until("skills/delta/", "appear under its new name", |r| {
        r.status == 200 && r.body.contains("GAMMA-ONE")
    });
    assert_eq!(server.get("skills/gamma/").status, 404);
}

#[test]
fn editor_save_patterns_are_seen() {
    let hb = Handbook::new("editors");
    let server = Server::start(&hb);
    let original = hb.read("content/skills/alpha.md");

    // Write a temporary file, then rename it over the original.
    hb.write(
        "content/skills/.alpha.md.tmp",
        &original.replace("ALPHA-ONE", "ALPHA-TMP"),
    );
    std::fs::rename(
        hb.path("content/skills/.alpha.md.tmp"),
        hb.path("content/skills/alpha.md"),
    )
    .unwrap();
    server.wait_until("skills/alpha/", "show the renamed-over save", |r| {
        r.body.contains("ALPHA-TMP")
    });

    // Vim's default: move the original to a backup, write a new file,
    // delete the backup; with a swap file beside it all along.
    hb.write("content/skills/.alpha.md.swp", "swap");
    std::fs::rename(
        hb.path("content/skills/alpha.md"),
        hb.path("content/skills/alpha.md~"),
    )
    .unwrap();
    hb.write(
        "content/skills/alpha.md",
        &original.replace("ALPHA-ONE", "ALPHA-VIM"),
    );
    std::fs::remove_file(hb.path("content/skills/alpha.md~")).unwrap();
    server.wait_until("skills/alpha/", "show the backup-style save", |r| {
        r.body.contains("ALPHA-VIM")
    });
    std::fs::remove_file(hb.path("content/skills/.alpha.md.swp")).unwrap();
    assert_eq!(server.status()["error"], serde_json::Value::Null);
}

#[test]
fn folders_created_removed_and_renamed_while_running() {
    let hb = Handbook::new("folders");
    assert!(!hb.path("static").exists());
    let server = Server::start(&hb);

    // A source folder that did not exist when the server started.
    hb.write("static/files/note.txt", "NOTE-ONE");
    server.wait_until("files/note.txt", "appear", |r| {
        r.status == 200 && r.body == "NOTE-ONE"
    });

    std::fs::rename(hb.path("static/files"), hb.path("static/docs")).unwrap();
    server.wait_until("docs/note.txt", "appear in the renamed folder", |r| {
        r.status == 200
    });
    assert_eq!(server.get("files/note.txt").status, 404);

    std::fs::remove_dir_all(hb.path("static")).unwrap();
    server.wait_until("docs/note.txt", "go with its folder", |r| r.status == 404);
    hb.write("static/again.txt", "AGAIN");
    server.wait_until("again.txt", "appear in the re-created folder", |r| {
        r.body == "AGAIN"
    });

    // Renaming a content folder away breaks references; back, it is fixed.
    std::fs::rename(hb.path("content/skills"), hb.path("content/skills-away")).unwrap();
    server.wait_until("skills/alpha/", "show the errors", |r| {
        r.page_state()["error"].is_string()
    });
    std::fs::rename(hb.path("content/skills-away"), hb.path("content/skills")).unwrap();
    hb.replace("content/skills/alpha.md", "ALPHA-ONE", "ALPHA-BACK");
    server.wait_until("skills/alpha/", "recover", |r| {
        r.body.contains("ALPHA-BACK") && r.page_state()["error"].is_null()
    });
}

#[test]
fn settings_and_template_edits_rebuild() {
    let hb = Handbook::new("settings");
    let mut server = Server::start(&hb);

    // A template override appears, changes, and goes.
    let builtin =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/skill.html"))
            .unwrap();
    let ours = builtin.replacen(
        "<h1>{{ skill.title }}</h1>",
        "<h1>{{ skill.title }} TEMPLATE-ONE</h1>",
        1,
    );
    assert_ne!(ours, builtin);
    hb.write("templates/skill.html", &ours);
    server.wait_until("skills/alpha/", "use the new template", |r| {
        r.body.contains("Alpha TEMPLATE-ONE")
    });
    hb.write(
        "templates/skill.html",
        &ours.replace("TEMPLATE-ONE", "TEMPLATE-TWO"),
    );
    server.wait_until("skills/alpha/", "use the edited template", |r| {
        r.body.contains("Alpha TEMPLATE-TWO")
    });
    std::fs::remove_file(hb.path("templates/skill.html")).unwrap();
    server.wait_until("skills/alpha/", "use the built-in again", |r| {
        !r.body.contains("TEMPLATE-")
    });

    // handbook.toml: a new title everywhere; a new base_url moves the site.
    hb.replace(
        "handbook.toml",
        "title = \"Serve Fixture\"",
        "title = \"Renamed Fixture\"",
    );
    server.wait_until("skills/beta/", "show the new site title", |r| {
        r.body.contains("Renamed Fixture")
    });
    hb.replace(
        "handbook.toml",
        "example.github.io/fixture",
        "example.github.io/moved",
    );
    let start = Instant::now();
    loop {
        let r = request(server.port, "GET", "/moved/skills/alpha/");
        if r.status == 200 && r.body.contains("ALPHA-ONE") {
            break;
        }
        assert!(
            start.elapsed() < WAIT,
            "the site did not move to /moved/:\n{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        request(server.port, "GET", "/").header("location"),
        Some("/moved/")
    );
    // serve publishes the moved site before it prints the line: wait for
    // the line, not for the site.
    let line = format!("now serving {}/moved/", server.origin);
    server.wait_for_log(|log| log.contains(&line).then_some(()));
}

#[test]
fn a_burst_of_changes_gives_few_builds() {
    let hb = Handbook::new("burst");
    let mut server = Server::start(&hb);
    const N: usize = 60;
    for i in 0..N {
        hb.write(
            &format!("content/skills/burst-{i}.md"),
            &skill(&format!("Burst {i}"), "x"),
        );
    }
    server.wait_until("skills/", "list every new skill", |r| {
        (0..N).all(|i| r.body.contains(&format!("Burst {i}<")))
    });
    server.wait_for_log(|log| log.contains("burst-").then_some(()));
    // A checkout or a formatter touching many files is one build (or a
    // few, on a busy machine), never one per file.
    let builds = server.rebuild_lines();
    eprintln!("{N} files written: {} builds: {builds:#?}", builds.len());
    assert!(builds.len() < N / 4, "{builds:#?}");
}

#[test]
fn a_broken_edit_keeps_the_last_good_site_and_shows_why() {
    let hb = Handbook::new("broken");
    let mut server = Server::start(&hb);
    let good = hb.read("content/skills/beta.md");
    hb.replace("content/skills/beta.md", "difficulty =", "dificulty =");

    let page = server.wait_until("skills/beta/", "carry the errors", |r| {
        r.page_state()["error"].is_string()
    });
    assert_eq!(page.status, 200, "the last good page is still served");
    assert!(
        page.body.contains("built on alpha"),
        "with its last good content"
    );
    let error = page.page_state()["error"].as_str().unwrap().to_string();
    assert!(error.contains("content/skills/beta.md:5:1"), "{error}");
    assert!(error.contains("did you mean `difficulty`?"), "{error}");
    // Every page carries them, and they are the terminal's text.
    assert_eq!(
        server.get("roles/developer/").page_state()["error"].as_str(),
        Some(error.as_str())
    );
    // The overlay is published before the terminal report is printed:
    // wait for the report.
    server.wait_for_log(|log| {
        (log.contains(&error) && log.contains("serving the last good site")).then_some(())
    });

    hb.write("content/skills/beta.md", &good);
    server.wait_until("skills/beta/", "clear the errors", |r| {
        r.page_state()["error"].is_null()
    });
    assert_eq!(server.status()["error"], serde_json::Value::Null);
}

#[test]
fn a_handbook_broken_from_the_start_is_served_once_fixed() {
    let hb = Handbook::new("start-broken");
    hb.replace("content/skills/alpha.md", "title =", "titel =");
    let server = Server::start(&hb);
    let page = server.get("skills/alpha/");
    assert_eq!(page.status, 503);
    assert!(
        page.page_state()["error"]
            .as_str()
            .unwrap()
            .contains("content/skills/alpha.md:2:1")
    );
    hb.replace("content/skills/alpha.md", "titel =", "title =");
    server.wait_until("skills/alpha/", "be served", |r| {
        r.status == 200 && r.body.contains("ALPHA-ONE")
    });
}

#[test]
fn live_events_follow_builds() {
    let hb = Handbook::new("events").with_own_css();
    let server = Server::start(&hb);
    let mut events = Events::open(&server);

    let css = hb.read("static/assets/roadbook.css");
    hb.write(
        "static/assets/roadbook.css",
        &format!("{css}\n:root {{ --test: 1; }}\n"),
    );
    let data = events.next("css", &server);
    assert!(data.contains("assets/roadbook.css"), "{data}");

    hb.replace("content/skills/alpha.md", "ALPHA-ONE", "ALPHA-TWO");
    events.next("reload", &server);

    let good = hb.read("content/skills/beta.md");
    hb.replace("content/skills/beta.md", "title =", "titel =");
    let data = events.next("failed", &server);
    assert!(data.contains("content/skills/beta.md:2:1"), "{data}");
    // Back to exactly the last good text: no page changed, only the
    // errors go.
    hb.write("content/skills/beta.md", &good);
    events.next("fixed", &server);
}

/// A new title shows on the skill's own page and on every page that lists
/// or links it. The own page is published first, alone; the rest follow
/// with the full rebuild, and each reload signal names its pages, so the
/// open page of the skill is not reloaded a second time.
#[test]
fn a_new_title_shows_on_its_page_first_then_everywhere() {
    let hb = Handbook::new("early");
    let mut server = Server::start(&hb);
    let mut events = Events::open(&server);
    hb.replace(
        "content/skills/alpha.md",
        "title = \"Alpha\"",
        "title = \"Alpha Prime\"",
    );

    let first: serde_json::Value = serde_json::from_str(&events.next("reload", &server)).unwrap();
    assert_eq!(
        first["pages"],
        serde_json::json!(["skills/alpha/index.html"])
    );
    let then: serde_json::Value = serde_json::from_str(&events.next("reload", &server)).unwrap();
    let pages: Vec<&str> = then["pages"]
        .as_array()
        .expect("the pages are listed")
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    for lists_it in ["skills/index.html", "skills/beta/index.html", "index.html"] {
        assert!(pages.contains(&lists_it), "{lists_it} in {pages:?}");
    }
    assert!(
        !pages.contains(&"skills/alpha/index.html"),
        "the skill's page is already final: {pages:?}"
    );
    assert!(server.get("skills/beta/").body.contains("Alpha Prime"));
    // The line is printed just after the signal is sent.
    let log = server.wait_for_log(|log| log.contains("rebuilt in ").then(|| log.to_string()));
    let shown = log.find("shown in ").expect("the early line");
    let rebuilt = log.rfind("rebuilt in ").unwrap();
    assert!(shown < rebuilt, "{log}");
    assert!(
        log[shown..].contains("content/skills/alpha.md changed; pages reloaded, the rest to come"),
        "{log}"
    );
    // The whole run: the skill's page, the 8 pages that show the title,
    // /progress/, which lists every skill, and /print/, which has them all.
    let line = log[rebuilt..].lines().next().unwrap_or_default();
    assert!(
        line.contains("parsed 1 file, 16 pages (11 changed), pages reloaded"),
        "{line}"
    );
}

#[test]
fn every_page_carries_the_file_key_reload_signals_name() {
    // What the script does with the key (a reload signal that lists pages
    // leaves every other page alone) is checked in a real browser by
    // `browser_sees_live_changes`, step 3b; here, that every page carries
    // the key the signals name.
    let hb = Handbook::new("file-key");
    let server = Server::start(&hb);
    assert_eq!(
        server.get("skills/alpha/").page_state()["file"],
        "skills/alpha/index.html"
    );
    assert_eq!(server.get("").page_state()["file"], "index.html");
    assert!(server.get("no/such/page/").page_state()["file"].is_null());
}

#[test]
fn polling_sees_edits() {
    let hb = Handbook::new("poll");
    let mut server = Server::start_with(&hb, &["--port", "0", "--poll"]);
    server.wait_for_log(|log| log.contains("watching by polling").then_some(()));
    // Modification times have whole seconds here: let the edit's be newer
    // than the one the watcher saw first (a regression: such a write was
    // reported as a metadata change and ignored).
    std::thread::sleep(Duration::from_millis(1100));
    hb.replace("content/skills/alpha.md", "ALPHA-ONE", "ALPHA-POLL");
    server.wait_until("skills/alpha/", "show the edit", |r| {
        r.body.contains("ALPHA-POLL")
    });
}

#[test]
fn requests_outside_the_site_never_reach_the_disk() {
    let hb = Handbook::new("traversal");
    // Something worth stealing next to the handbook, and the handbook's
    // own sources, which are not part of the site either.
    std::fs::write(hb.root().parent().unwrap().join("secret.txt"), "SECRET").unwrap();
    let server = Server::start(&hb);
    for target in [
        "/fixture/../secret.txt",
        "/fixture/../../etc/passwd",
        "/fixture/%2e%2e/secret.txt",
        "/fixture/%2E%2E/%2E%2E/etc/passwd",
        "/fixture/.%2e/secret.txt",
        "/fixture/..%2fsecret.txt",
        "/fixture/%2e%2e%2fsecret.txt",
        "/fixture/..\\secret.txt",
        "/fixture/%5c..%5csecret.txt",
        "/fixture/%5C..%5Chandbook.toml",
        "//etc/passwd",
        "/fixture//etc/passwd",
        "/fixture/%2fetc%2fpasswd",
        "/fixture/C:/Windows/win.ini",
        "/etc/passwd",
        "/fixture/handbook.toml",
        "/fixture/content/skills/alpha.md",
        "/fixture/skills/alpha.md",
        "/fixture/%00",
        "/fixture/%",
    ] {
        let r = request(server.port, "GET", target);
        assert!(r.status == 400 || r.status == 404, "{target}: {}", r.status);
        for leak in ["SECRET", "root:", "base_url = ", "+++"] {
            assert!(!r.body.contains(leak), "{target} leaked {leak}: {}", r.body);
        }
    }
}

#[test]
fn a_taken_port_falls_back_to_a_free_one() {
    let hb = Handbook::new("port");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let server = Server::start_with(&hb, &["--port", &port]);
    assert_ne!(server.port.to_string(), port);
    assert!(
        server
            .log()
            .contains(&format!("port {port} is not available")),
        "{}",
        server.log()
    );
    assert_eq!(server.get("").status, 200);
}

#[test]
fn serve_answers_only_on_the_loopback_address() {
    let hb = Handbook::new("loopback");
    let server = Server::start(&hb);
    assert!(
        server.origin.starts_with("http://127.0.0.1:"),
        "{}",
        server.origin
    );
    assert_eq!(server.get("").status, 200);
    // Every address of this machine that is not loopback must refuse.
    let out = Command::new("hostname").arg("-I").output();
    let addresses: Vec<std::net::IpAddr> = out
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|a| a.parse().ok())
        .filter(|a: &std::net::IpAddr| !a.is_loopback())
        .collect();
    if addresses.is_empty() {
        eprintln!("SKIPPED the non-loopback half: this machine has no other address");
        return;
    }
    for ip in addresses {
        let at = std::net::SocketAddr::new(ip, server.port);
        let connected = std::net::TcpStream::connect_timeout(&at, Duration::from_secs(2));
        assert!(connected.is_err(), "serve answered on {at}");
    }
}

#[test]
fn default_port_is_4000_when_free() {
    let hb = Handbook::new("default-port");
    // Ask the system whether 4000 is free just before starting; another
    // program (or test run) may hold it, and then serve must say so.
    let free = std::net::TcpListener::bind(("127.0.0.1", 4000)).is_ok();
    let server = Server::start_with(&hb, &[]);
    if free && server.port == 4000 {
        assert!(
            !server.log().contains("is not available"),
            "{}",
            server.log()
        );
    } else {
        assert_ne!(server.port, 4000);
        assert!(
            server.log().contains("port 4000 is not available"),
            "4000 was {}:\n{}",
            if free {
                "free a moment before"
            } else {
                "taken"
            },
            server.log()
        );
    }
    assert_eq!(server.get("").status, 200);
}

#[cfg(unix)]
#[test]
fn open_flag_opens_the_preview_url_in_the_browser() {
    use std::os::unix::fs::PermissionsExt;
    let hb = Handbook::new("open");
    // A fake `xdg-open` first on PATH records the URL it is given.
    let tools = TempDir::new("fake-xdg-open");
    let bin = tools.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let record = tools.join("opened.txt");
    let script = bin.join("xdg-open");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '%s' \"$1\" > '{}.tmp' && mv '{}.tmp' '{}'\n",
            record.display(),
            record.display(),
            record.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = std::env::join_paths(std::iter::once(bin.clone()).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    let server = Server::start_env(&hb, &["--port", "0", "--open"], &[("PATH", &path)]);
    let start = Instant::now();
    let opened = loop {
        if let Ok(text) = std::fs::read_to_string(&record) {
            break text;
        }
        assert!(
            start.elapsed() < WAIT,
            "xdg-open was not run:\n{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(25));
    };
    assert_eq!(opened, server.url);
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_and_deletes_nothing() {
    let hb = Handbook::new("stop");
    let before = hb.listing();
    let mut server = Server::start(&hb);
    assert_eq!(server.get("").status, 200);
    let _events = Events::open(&server);
    let ok = Command::new("kill")
        .args(["-INT", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            start.elapsed() < WAIT,
            "still running after Ctrl-C:\n{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(25));
    };
    assert!(status.success(), "{status}\n{}", server.log());
    assert_eq!(hb.listing(), before, "serve changed files on disk");
}

#[test]
fn command_line_errors() {
    let bad = roadbook()
        .args(["serve", "--port", "many"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let tmp = TempDir::new("missing");
    let missing = roadbook()
        .arg("serve")
        .arg("--root")
        .arg(tmp.join("nowhere"))
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("is not a folder"));
}
