//! Headless Chromium (Debian's `chromium`) driven over the DevTools
//! Protocol, for every browser test: one page, its viewport, colour scheme
//! and print media, file pickers, downloads and screenshots. Each `Browser`
//! has a profile of its own (a fresh localStorage), removed when it is
//! dropped.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::{Message, WebSocket};

use crate::harness::TempDir;

/// How long a page may take to load or a condition to come true.
const WAIT: Duration = Duration::from_secs(20);

/// The Chromium binary: `ROADBOOK_CHROMIUM`, or the first of the usual
/// names on `PATH`. `None` skips the browser tests, unless
/// `ROADBOOK_REQUIRE_BROWSER=1` (as in CI), where that is a failure.
pub fn find(test: &str) -> Option<PathBuf> {
    let found = std::env::var_os("ROADBOOK_CHROMIUM")
        .map(PathBuf::from)
        .or_else(|| {
            let path = std::env::var_os("PATH")?;
            ["chromium", "chromium-browser", "google-chrome"]
                .iter()
                .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
                .find(|p| p.is_file())
        });
    if found.is_none() {
        assert!(
            std::env::var("ROADBOOK_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "Chromium is required (ROADBOOK_REQUIRE_BROWSER=1) but was not found"
        );
        eprintln!(
            "SKIPPED {test}: no chromium on PATH (set ROADBOOK_REQUIRE_BROWSER=1 to fail instead)"
        );
    }
    found
}

pub struct Browser {
    ws: WebSocket<TcpStream>,
    next_id: u64,
    /// A server's log, printed when a wait times out: the reason a page
    /// never changed is usually there.
    server_log: Option<Arc<Mutex<String>>>,
    _process: Process,
}

/// The Chromium process, closed (or killed) when dropped.
struct Process {
    child: Child,
    browser_ws: Option<String>,
    _profile: TempDir,
}

impl Drop for Process {
    fn drop(&mut self) {
        // Closing through the protocol lets Chromium end its helper
        // processes; killing is the fallback.
        if let Some(mut ws) = self.browser_ws.as_deref().and_then(|u| connect(u).ok()) {
            let _ = ws.send(Message::text(
                json!({ "id": 1, "method": "Browser.close" }).to_string(),
            ));
            let _ = ws.read();
        }
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn connect(url: &str) -> Result<WebSocket<TcpStream>, String> {
    let hostport = url
        .strip_prefix("ws://")
        .and_then(|u| u.split('/').next())
        .ok_or("not a ws URL")?
        .replace("localhost", "127.0.0.1");
    let stream = TcpStream::connect(hostport).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .map_err(|e| e.to_string())?;
    // A whole-page screenshot of a long page (the print version) is well
    // over the default 16 MiB message limit.
    let config = tungstenite::protocol::WebSocketConfig::default()
        .max_message_size(Some(256 << 20))
        .max_frame_size(Some(256 << 20));
    let (ws, _) = tungstenite::client::client_with_config(url, stream, Some(config))
        .map_err(|e| e.to_string())?;
    Ok(ws)
}

/// `GET /json/list` on Chromium's debugging port.
fn targets(port: u16) -> Value {
    use std::io::{Read, Write};
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return Value::Null;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    let _ = s.write_all(
        format!("GET /json/list HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n")
            .as_bytes(),
    );
    // Chromium may keep the connection open: read until the body parses.
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = s.read(&mut buf) {
        if n == 0 {
            break;
        }
        data.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&data);
        if let Some(Ok(v)) = text
            .split("\r\n\r\n")
            .nth(1)
            .map(serde_json::from_str::<Value>)
        {
            return v;
        }
    }
    Value::Null
}

impl Browser {
    pub fn launch(chromium: &Path) -> Browser {
        let profile = TempDir::new("chromium");
        let child = Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--remote-debugging-port=0",
                "--window-size=1280,800",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let file = profile.join("DevToolsActivePort");
        let mut process = Process {
            child,
            browser_ws: None,
            _profile: profile,
        };
        let start = Instant::now();
        let text = loop {
            if let Ok(t) = std::fs::read_to_string(&file)
                && t.lines().count() >= 2
            {
                break t;
            }
            assert!(start.elapsed() < WAIT, "Chromium did not start");
            std::thread::sleep(Duration::from_millis(50));
        };
        let mut lines = text.lines();
        let port: u16 = lines.next().unwrap().trim().parse().unwrap();
        process.browser_ws = Some(format!(
            "ws://127.0.0.1:{port}{}",
            lines.next().unwrap().trim()
        ));
        let start = Instant::now();
        let page_ws = loop {
            let page = targets(port)
                .as_array()
                .into_iter()
                .flatten()
                .find(|t| t["type"] == "page")
                .and_then(|t| t["webSocketDebuggerUrl"].as_str().map(String::from));
            if let Some(p) = page {
                break p;
            }
            assert!(start.elapsed() < WAIT, "Chromium has no page");
            std::thread::sleep(Duration::from_millis(100));
        };
        let mut b = Browser {
            ws: connect(&page_ws).unwrap(),
            next_id: 0,
            server_log: None,
            _process: process,
        };
        b.viewport(1280, 800);
        b
    }

    /// Prints `log` (a `roadbook serve` log) with any wait that times out.
    pub fn with_server_log(mut self, log: Arc<Mutex<String>>) -> Browser {
        self.server_log = Some(log);
        self
    }

    pub fn call(&mut self, method: &str, params: Value) -> Result<Value, String> {
        self.next_id += 1;
        let id = self.next_id;
        let msg = json!({ "id": id, "method": method, "params": params });
        self.ws.send(Message::text(msg.to_string())).unwrap();
        loop {
            let msg = self.ws.read().unwrap();
            let Message::Text(text) = msg else { continue };
            let v: Value = serde_json::from_str(text.as_str()).unwrap();
            if v["id"] == id {
                if let Some(e) = v.get("error") {
                    return Err(format!("{method}: {e}"));
                }
                return Ok(v["result"].clone());
            }
        }
    }

    /// Evaluates JavaScript in the page (awaiting a promise); `Err` on an
    /// exception or while the page is between documents.
    pub fn eval(&mut self, expression: &str) -> Result<Value, String> {
        let r = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
        )?;
        if let Some(e) = r.get("exceptionDetails") {
            return Err(e.to_string());
        }
        Ok(r["result"]["value"].clone())
    }

    /// Evaluates, failing the test on an exception.
    pub fn js(&mut self, expression: &str) -> Value {
        self.eval(expression)
            .unwrap_or_else(|e| panic!("{expression}\n  failed: {e}"))
    }

    /// Polls `expression` until it is `true`.
    pub fn wait_for(&mut self, expression: &str, what: &str) {
        let start = Instant::now();
        loop {
            if let Ok(Value::Bool(true)) = self.eval(expression) {
                return;
            }
            if start.elapsed() > WAIT {
                let log = self
                    .server_log
                    .as_ref()
                    .map(|l| format!("\n--- server log:\n{}", l.lock().unwrap()))
                    .unwrap_or_default();
                panic!("timed out waiting for {what} ({expression}){log}");
            }
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    /// Opens `url` and waits until it has loaded and its deferred script
    /// has run.
    pub fn open(&mut self, url: &str) {
        self.call("Page.navigate", json!({ "url": url })).unwrap();
        self.wait_for(
            &format!(
                "location.href === {} && document.readyState === 'complete'",
                json!(url)
            ),
            &format!("{url} to load"),
        );
    }

    /// A viewport `width` CSS pixels wide, as a phone's (touch aside).
    pub fn viewport(&mut self, width: u32, height: u32) {
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 700 }),
        )
        .unwrap();
    }

    /// The system colour scheme the page sees, and screen or print media.
    pub fn media(&mut self, dark: bool, print: bool) {
        self.call(
            "Emulation.setEmulatedMedia",
            json!({
                "media": if print { "print" } else { "" },
                "features": [{ "name": "prefers-color-scheme", "value": if dark { "dark" } else { "light" } }],
            }),
        )
        .unwrap();
    }

    /// A PNG of the whole page, or of its first screen only.
    pub fn screenshot(&mut self, to: &Path, whole: bool) {
        let r = self
            .call(
                "Page.captureScreenshot",
                json!({ "format": "png", "captureBeyondViewport": whole }),
            )
            .unwrap();
        let data = r["data"].as_str().unwrap_or_default();
        std::fs::write(to, base64_decode(data)).unwrap();
    }

    /// Gives the file input matched by `selector` the file `path`, as a
    /// reader picking it would (its change event fires).
    pub fn pick_file(&mut self, selector: &str, path: &Path) {
        let doc = self.call("DOM.getDocument", json!({})).unwrap();
        let node = self
            .call(
                "DOM.querySelector",
                json!({ "nodeId": doc["root"]["nodeId"], "selector": selector }),
            )
            .unwrap();
        self.call(
            "DOM.setFileInputFiles",
            json!({ "nodeId": node["nodeId"], "files": [path.display().to_string()] }),
        )
        .unwrap();
    }

    /// Saves downloads into `dir`, under their suggested names.
    pub fn downloads_to(&mut self, dir: &Path) {
        self.call(
            "Browser.setDownloadBehavior",
            json!({ "behavior": "allow", "downloadPath": dir.display().to_string() }),
        )
        .or_else(|_| {
            self.call(
                "Page.setDownloadBehavior",
                json!({ "behavior": "allow", "downloadPath": dir.display().to_string() }),
            )
        })
        .unwrap();
    }
}

/// Standard base64, as the protocol sends screenshots.
fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for v in s.bytes().filter_map(val) {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}
