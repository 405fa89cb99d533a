//! A tiny HTTP/1.1 static file server and client, std only, for testing a
//! built site the way GitHub Pages serves it: under a sub-path, a folder
//! answers with its `index.html`, a folder without its trailing slash is
//! redirected, and anything missing gets status 404 with the site's
//! `404.html` as the body.
//!
//! It binds to 127.0.0.1 on a free port, answers one request per
//! connection, and stops when dropped.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(10);

/// A running server; dropping it stops the thread.
pub struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Serves the folder `root` under `prefix` (`/handbook/`, or `/`).
    pub fn start(root: &Path, prefix: &str) -> Server {
        assert!(prefix.starts_with('/') && prefix.ends_with('/'), "{prefix}");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local address");
        let stop = Arc::new(AtomicBool::new(false));
        let (root, prefix, flag) = (root.to_path_buf(), prefix.to_string(), stop.clone());
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    let _ = answer(stream, &root, &prefix);
                }
            }
        });
        Server {
            addr,
            stop,
            thread: Some(thread),
        }
    }

    /// Where it listens, for a browser to open.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `GET path` (a path with its query, `/handbook/skills/`).
    pub fn get(&self, path: &str) -> Response {
        get(self.addr, path)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, TIMEOUT);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// What came back for one request.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn is_html(&self) -> bool {
        self.header("content-type")
            .is_some_and(|t| t.starts_with("text/html"))
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

/// Status, extra headers and body for a request path.
fn route(root: &Path, prefix: &str, target: &str) -> (u16, Vec<(String, String)>, PathBuf) {
    let path = target.split(['?', '#']).next().unwrap_or_default();
    let not_found = (404, Vec::new(), root.join("404.html"));
    if path == prefix.trim_end_matches('/') && prefix != "/" {
        return (
            301,
            vec![("Location".into(), prefix.to_string())],
            PathBuf::new(),
        );
    }
    let Some(rel) = path.strip_prefix(prefix) else {
        return not_found;
    };
    let rel = roadbook::resolve::percent_decode(rel);
    if rel.split('/').any(|s| s == "..") {
        return not_found;
    }
    let file = root.join(&rel);
    if file.is_dir() {
        if !rel.is_empty() && !rel.ends_with('/') {
            return (
                301,
                vec![("Location".into(), format!("{path}/"))],
                PathBuf::new(),
            );
        }
        let index = file.join("index.html");
        if index.is_file() {
            return (200, Vec::new(), index);
        }
        return not_found;
    }
    if file.is_file() {
        return (200, Vec::new(), file);
    }
    not_found
}

fn answer(mut stream: TcpStream, root: &Path, prefix: &str) -> std::io::Result<()> {
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))?;
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let head = String::from_utf8_lossy(&head);
    let mut first = head.lines().next().unwrap_or_default().split(' ');
    let (method, target) = (first.next().unwrap_or(""), first.next().unwrap_or(""));
    let (status, mut headers, file) = if method == "GET" || method == "HEAD" {
        route(root, prefix, target)
    } else {
        (405, Vec::new(), PathBuf::new())
    };
    let body = if file.as_os_str().is_empty() {
        Vec::new()
    } else {
        std::fs::read(&file).unwrap_or_default()
    };
    if !file.as_os_str().is_empty() {
        headers.push(("Content-Type".into(), content_type(&file).into()));
    }
    let reason = match status {
        200 => "OK",
        301 => "Moved Permanently",
        404 => "Not Found",
        _ => "Method Not Allowed",
    };
    let mut out = format!("HTTP/1.1 {status} {reason}\r\n");
    for (n, v) in &headers {
        out.push_str(&format!("{n}: {v}\r\n"));
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    stream.write_all(out.as_bytes())?;
    if method != "HEAD" {
        stream.write_all(&body)?;
    }
    stream.flush()
}

/// A plain HTTP/1.1 GET; the server closes the connection after answering.
pub fn get(addr: SocketAddr, path: &str) -> Response {
    let mut stream = TcpStream::connect_timeout(&addr, TIMEOUT).expect("connect to the server");
    stream.set_read_timeout(Some(TIMEOUT)).expect("timeout");
    stream.set_write_timeout(Some(TIMEOUT)).expect("timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("send the request");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read the response");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("GET {path}: no header end in the response"));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("GET {path}: bad status line in {head:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Response {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}
