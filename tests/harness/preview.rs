//! `roadbook serve` driven from outside: a private copy of
//! `tests/fixtures/serve/` ([`Handbook`]), the real binary on a free port
//! ([`Server`]), requests written by hand so their targets go out exactly as
//! written ([`request`]), and the live-reload event stream ([`Events`]).
//! Every wait is bounded and polls for the event it waits for.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{TempDir, copy_tree};

/// How long anything may take to show up before a test fails.
pub const WAIT: Duration = Duration::from_secs(15);

/// A private copy of the fixture handbook.
pub struct Handbook {
    pub tmp: TempDir,
}

impl Handbook {
    pub fn new(name: &str) -> Handbook {
        let tmp = TempDir::new(name);
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/serve");
        copy_tree(&fixture, &tmp.join("hb"));
        Handbook { tmp }
    }

    pub fn root(&self) -> PathBuf {
        self.tmp.join("hb")
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub fn replace(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} has no `{from}`");
        self.write(rel, &text.replacen(from, to, 1));
    }

    /// The theme's stylesheet as the handbook's own, so tests can edit it.
    pub fn with_own_css(self) -> Handbook {
        let css = Path::new(env!("CARGO_MANIFEST_DIR")).join("static/assets/roadbook.css");
        std::fs::create_dir_all(self.path("static/assets")).unwrap();
        std::fs::copy(css, self.path("static/assets/roadbook.css")).unwrap();
        self
    }

    /// Every file under the handbook with its bytes, to compare before and
    /// after.
    pub fn listing(&self) -> Vec<(PathBuf, Vec<u8>)> {
        fn walk(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
            let mut entries: Vec<_> = std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap())
                .collect();
            entries.sort_by_key(|e| e.file_name());
            for e in entries {
                if e.file_type().unwrap().is_dir() {
                    out.push((e.path(), Vec::new()));
                    walk(&e.path(), out);
                } else {
                    out.push((e.path(), std::fs::read(e.path()).unwrap()));
                }
            }
        }
        let mut out = Vec::new();
        walk(self.tmp.path(), &mut out);
        out
    }
}

pub fn skill(title: &str, body: &str) -> String {
    format!(
        "+++\ntitle = \"{title}\"\nsummary = \"A skill made by a test.\"\ncategory = \"core\"\ndifficulty = \"beginner\"\n+++\n\n{body}\n"
    )
}

/// A running `roadbook serve`, killed when dropped (also when a test
/// panics).
pub struct Server {
    pub child: Child,
    /// `http://127.0.0.1:PORT`
    pub origin: String,
    /// The printed URL: origin and base path.
    pub url: String,
    pub port: u16,
    pub log: Arc<Mutex<String>>,
}

pub fn roadbook() -> Command {
    Command::new(env!("CARGO_BIN_EXE_roadbook"))
}

impl Server {
    pub fn start(hb: &Handbook) -> Server {
        Server::start_with(hb, &["--port", "0"])
    }

    pub fn start_with(hb: &Handbook, args: &[&str]) -> Server {
        Server::start_env(hb, args, &[])
    }

    /// `start_with`, with variables added to the server's environment.
    pub fn start_env(hb: &Handbook, args: &[&str], env: &[(&str, &std::ffi::OsStr)]) -> Server {
        Server::spawn(&hb.root(), args, env)
    }

    /// `roadbook serve --port 0` on any handbook folder, with `args` added.
    pub fn start_in(root: &Path, args: &[&str]) -> Server {
        let mut all = vec!["--port", "0"];
        all.extend_from_slice(args);
        Server::spawn(root, &all, &[])
    }

    fn spawn(root: &Path, args: &[&str], env: &[(&str, &std::ffi::OsStr)]) -> Server {
        let mut child = roadbook()
            .arg("serve")
            .arg("--root")
            .arg(root)
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().unwrap();
        {
            let log = Arc::clone(&log);
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines() {
                    let Ok(line) = line else { break };
                    let mut log = log.lock().unwrap();
                    log.push_str(&line);
                    log.push('\n');
                }
            });
        }
        let mut server = Server {
            child,
            origin: String::new(),
            url: String::new(),
            port: 0,
            log,
        };
        let url = server.wait_for_log(|log| {
            log.lines()
                .find_map(|l| l.strip_prefix("serving "))
                .map(|rest| rest.split_whitespace().next().unwrap_or("").to_string())
        });
        let after_scheme = url.strip_prefix("http://").expect("an http URL");
        let host_end = after_scheme.find('/').unwrap();
        server.origin = format!("http://{}", &after_scheme[..host_end]);
        server.port = after_scheme[..host_end]
            .rsplit(':')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        server.url = url;
        server
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    pub fn wait_for_log<T>(&mut self, found: impl FnMut(&str) -> Option<T>) -> T {
        self.wait_for_log_within(WAIT, found)
    }

    /// The first line of the log that contains `text`, once there is one.
    pub fn wait_for_line(&mut self, text: &str) -> String {
        self.wait_for_log(|log| log.lines().find(|l| l.contains(text)).map(String::from))
    }

    /// `wait_for_log` for something slower than usual (a search index in a
    /// debug build on a busy machine).
    pub fn wait_for_log_within<T>(
        &mut self,
        limit: Duration,
        mut found: impl FnMut(&str) -> Option<T>,
    ) -> T {
        let start = Instant::now();
        loop {
            if let Some(t) = found(&self.log()) {
                return t;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                std::thread::sleep(Duration::from_millis(100));
                panic!("the server exited ({status}):\n{}", self.log());
            }
            if start.elapsed() > limit {
                panic!("timed out waiting for the server's output:\n{}", self.log());
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Lines of the log that report a build after the first.
    pub fn rebuild_lines(&self) -> Vec<String> {
        self.log()
            .lines()
            .filter(|l| l.starts_with("rebuilt in ") || l.starts_with("build failed in "))
            .map(String::from)
            .collect()
    }

    /// GET a path under the base (`skills/alpha/`).
    pub fn get(&self, rel: &str) -> Response {
        let base = self.url.strip_prefix(&self.origin).unwrap();
        request(self.port, "GET", &format!("{base}{rel}"))
    }

    /// Polls `rel` until `ok` holds for the response.
    pub fn wait_until(&self, rel: &str, what: &str, ok: impl Fn(&Response) -> bool) -> Response {
        let start = Instant::now();
        loop {
            let r = self.get(rel);
            if ok(&r) {
                return r;
            }
            if start.elapsed() > WAIT {
                panic!(
                    "timed out waiting for {rel} to {what}; last answer {}:\n{}\n--- server log:\n{}",
                    r.status,
                    r.body,
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn status(&self) -> serde_json::Value {
        serde_json::from_str(&self.get("__roadbook/status").body).unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The page's live-reload state (the `data-roadbook` attribute).
    pub fn page_state(&self) -> serde_json::Value {
        let start =
            self.body.find("data-roadbook=\"").expect("the live script") + "data-roadbook=\"".len();
        let end = start + self.body[start..].find('"').unwrap();
        let json = self.body[start..end]
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&");
        serde_json::from_str(&json).unwrap()
    }
}

/// A hand-written HTTP/1.1 request, so the request target goes out exactly
/// as written (no client normalises `..` away).
pub fn request(port: u16, method: &str, target: &str) -> Response {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    // Read the head, then as much body as it announces (some servers keep
    // the connection open despite `Connection: close`).
    let mut raw = Vec::new();
    let mut chunk = [0u8; 8192];
    let split = loop {
        if let Some(at) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = s.read(&mut chunk).unwrap();
        assert!(n > 0, "the connection closed before a complete response");
        raw.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut body = raw[split + 4..].to_vec();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok());
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    if method == "HEAD" {
        body.clear();
    } else if let Some(length) = length {
        while body.len() < length {
            let n = s.read(&mut chunk).unwrap();
            assert!(n > 0, "the connection closed inside the body");
            body.extend_from_slice(&chunk[..n]);
        }
    } else {
        s.read_to_end(&mut body).unwrap();
    }
    if chunked {
        body = dechunk(&body);
    }
    Response {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

pub fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&data[..eol]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[eol + 2 + size + 2..];
    }
    out
}

/// An open server-sent event stream.
pub struct Events {
    stream: TcpStream,
    buffer: String,
}

impl Events {
    pub fn open(server: &Server) -> Events {
        let base = server.url.strip_prefix(&server.origin).unwrap();
        let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        write!(
            stream,
            "GET {base}__roadbook/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let mut events = Events {
            stream,
            buffer: String::new(),
        };
        events.next("hello", server);
        events
    }

    /// Reads until an event named `name` arrives; returns its data. Other
    /// events on the way are skipped.
    pub fn next(&mut self, name: &str, server: &Server) -> String {
        let start = Instant::now();
        let marker = format!("event: {name}\n");
        loop {
            if let Some(at) = self.buffer.find(&marker) {
                let rest = &self.buffer[at + marker.len()..];
                if let Some(end) = rest.find("\n\n") {
                    let data = rest[..end]
                        .lines()
                        .filter_map(|l| l.strip_prefix("data: "))
                        .collect::<Vec<_>>()
                        .join("\n");
                    self.buffer = rest[end..].to_string();
                    return data;
                }
            }
            if start.elapsed() > WAIT {
                panic!(
                    "no `{name}` event; received:\n{}\n--- server log:\n{}",
                    self.buffer,
                    server.log()
                );
            }
            let mut chunk = [0u8; 4096];
            match self.stream.read(&mut chunk) {
                Ok(0) => panic!("the event stream closed:\n{}", self.buffer),
                Ok(n) => self
                    .buffer
                    .push_str(&String::from_utf8_lossy(&chunk[..n]).replace("\r\n", "\n")),
                Err(_) => {} // timeout: poll again
            }
        }
    }
}
