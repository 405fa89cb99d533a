//! HTTP over the in-memory site: requests are answered from the current
//! [`Snapshot`] only, never from the disk, so a path can name nothing but a
//! file of the built site. Paths with `..`, `.`, empty segments or
//! backslashes (also percent-encoded) are refused before any lookup.
//!
//! Only requests for the preview's own host are answered: a loopback name
//! or address, or the address `--bind` gave. A web page elsewhere can
//! otherwise point a name of its own at 127.0.0.1 (DNS rebinding) and
//! read the preview, its errors and its status with the reader's browser.
//! Connections that do not send a request's headers within
//! [`HEADER_TIMEOUT`] (also between requests) are closed, so idle or
//! trickling clients cannot hold the server's connections.
//!
//! HTML pages get the live-reload script injected on the way out (the
//! built files themselves stay exactly what `build` writes). Internal
//! endpoints live under `<base>__roadbook/`: `events` (server-sent events),
//! `live.js` (the script) and `status` (JSON, for tools and tests).

use std::convert::Infallible;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tokio::sync::broadcast::error::RecvError;

use super::state::{Live, Signal, Snapshot};

const LIVE_JS: &str = include_str!("live.js");
const INTERNAL: &str = "__roadbook/";

struct App {
    live: Arc<Live>,
    /// The address the server listens on, which the Host of a request
    /// may name besides the loopback ones.
    bound: IpAddr,
    /// Differs between runs of `roadbook serve`, so a page left open across
    /// a restart reloads.
    instance: String,
}

/// How long a connection may take to send a request's headers, and stay
/// idle between requests. A browser sends them at once; a page's event
/// stream is a response, which this does not limit.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(5);

/// The server's routes: everything goes through [`handle`].
pub fn router(live: Arc<Live>, instance: String, bound: IpAddr) -> Router {
    Router::new().fallback(handle).with_state(Arc::new(App {
        live,
        bound,
        instance,
    }))
}

/// Answers connections from `listener` with `app` until `stop` resolves,
/// then lets open requests finish for up to three seconds.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    stop: impl std::future::Future<Output = ()>,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let service = hyper_util::service::TowerToHyperService::new(app);
    tokio::pin!(stop);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors, or a connection reset before it
                // was accepted: wait a moment rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(HEADER_TIMEOUT)
            .serve_connection(TokioIo::new(stream), service.clone());
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
        });
    }
    let _ = tokio::time::timeout(Duration::from_secs(3), graceful.shutdown()).await;
}

/// Whether the Host header names this server: a loopback name or
/// address, the address it is bound to, or (bound to every address) any
/// address. Never a name other than `localhost`, which is all DNS
/// rebinding can use.
pub fn host_allowed(host: Option<&str>, bound: IpAddr) -> bool {
    let Some(host) = host else {
        return false;
    };
    let name = match host.strip_prefix('[') {
        // `[::1]:4000`
        Some(rest) => match rest.split_once(']') {
            Some((ip, port)) if port.is_empty() || is_port(port) => ip,
            _ => return false,
        },
        None => match host.rsplit_once(':') {
            Some((name, port)) if is_port(port) => name,
            Some(_) => return false,
            None => host,
        },
    };
    let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") {
        return true;
    }
    match name.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback() || ip == bound || bound.is_unspecified(),
        Err(_) => false,
    }
}

fn is_port(s: &str) -> bool {
    s.strip_prefix(':').unwrap_or(s).parse::<u16>().is_ok()
}

async fn handle(
    State(app): State<Arc<App>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    if !host_allowed(host, app.bound) {
        return text(
            StatusCode::MISDIRECTED_REQUEST,
            "roadbook serve answers only requests for localhost or the address it listens on; open the address it printed\n".into(),
        );
    }
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
            "the preview only answers GET and HEAD\n",
        )
            .into_response();
    }
    let raw = uri.path();
    let path = match clean_path(raw) {
        Ok(p) => p,
        Err(why) => return text(StatusCode::BAD_REQUEST, format!("bad path: {why}\n")),
    };
    let snap = app.live.current();
    let base = snap.base_path.as_str();
    let Some(rel) = path.strip_prefix(base) else {
        if path == "/" || format!("{path}/") == base {
            return redirect(StatusCode::FOUND, base);
        }
        return text(
            StatusCode::NOT_FOUND,
            format!("not found: the handbook is served under {base} (its base_url's path)\n"),
        );
    };
    if let Some(internal) = rel.strip_prefix(INTERNAL) {
        return match internal {
            "events" => events(&app, &snap, uri.query()),
            "live.js" => (
                [
                    (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                    (header::CACHE_CONTROL, "no-cache"),
                ],
                LIVE_JS,
            )
                .into_response(),
            "status" => (
                [
                    (header::CONTENT_TYPE, "application/json"),
                    (header::CACHE_CONTROL, "no-store"),
                ],
                status_json(&app, &snap),
            )
                .into_response(),
            _ => text(StatusCode::NOT_FOUND, "not found\n".into()),
        };
    }
    serve_file(&app, &snap, rel, raw, uri.query())
}

fn serve_file(app: &App, snap: &Snapshot, rel: &str, raw: &str, query: Option<&str>) -> Response {
    let Some(site) = &snap.site else {
        // No build has succeeded yet: every page explains, with the errors
        // over it, and turns into the handbook once it builds.
        let page = inject(
            PLACEHOLDER.as_bytes(),
            &snap.base_path,
            &page_config(app, snap, None),
        );
        return file(
            StatusCode::SERVICE_UNAVAILABLE,
            "text/html; charset=utf-8",
            page,
        );
    };
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    if let Some(bytes) = site.get(&key) {
        return respond(app, snap, StatusCode::OK, &key, &bytes, true);
    }
    // `/skills/x` → `/skills/x/`, as GitHub Pages does.
    if !rel.is_empty() && !rel.ends_with('/') && site.contains(&format!("{rel}/index.html")) {
        let to = match query {
            Some(q) => format!("{raw}/?{q}"),
            None => format!("{raw}/"),
        };
        return redirect(StatusCode::MOVED_PERMANENTLY, &to);
    }
    match site.get("404.html") {
        Some(page) => respond(app, snap, StatusCode::NOT_FOUND, "404.html", &page, false),
        None => text(StatusCode::NOT_FOUND, "not found\n".into()),
    }
}

fn respond(
    app: &App,
    snap: &Snapshot,
    status: StatusCode,
    key: &str,
    bytes: &[u8],
    found: bool,
) -> Response {
    let mime = content_type(key);
    if mime.starts_with("text/html") {
        let page = inject(
            bytes,
            &snap.base_path,
            &page_config(app, snap, found.then_some(key)),
        );
        return file(status, mime, page);
    }
    file(status, mime, bytes.to_vec())
}

fn file(status: StatusCode, mime: &'static str, body: Vec<u8>) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, mime),
            // Always revalidate: the preview changes under the reader.
            (header::CACHE_CONTROL, "no-cache"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
        .into_response()
}

fn text(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body,
    )
        .into_response()
}

fn redirect(status: StatusCode, to: &str) -> Response {
    match header::HeaderValue::from_str(to) {
        Ok(v) => (status, [(header::LOCATION, v)]).into_response(),
        Err(_) => text(StatusCode::BAD_REQUEST, "bad path\n".into()),
    }
}

/// What the live script needs to know about the page it runs in.
/// `file` is the output path of the page served (absent for the 404 page,
/// which stands in for any path), so that it can tell whether a build
/// changed it.
fn page_config(app: &App, snap: &Snapshot, file: Option<&str>) -> String {
    serde_json::json!({
        "base": snap.base_path,
        "generation": snap.generation,
        "instance": app.instance,
        "error": snap.error.as_deref(),
        "found": file.is_some(),
        "file": file,
    })
    .to_string()
}

fn status_json(app: &App, snap: &Snapshot) -> String {
    serde_json::json!({
        "base": snap.base_path,
        "generation": snap.generation,
        "instance": app.instance,
        "error": snap.error.as_deref(),
        "built": snap.site.is_some(),
    })
    .to_string()
}

const PLACEHOLDER: &str = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>roadbook: the handbook has errors</title></head>\n<body style=\"font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:4em auto;padding:0 1em\">\n<h1>The handbook has errors</h1>\n<p>roadbook could not build it yet. The errors are in the terminal and over this page; fix them and this page turns into the handbook by itself.</p>\n</body></html>\n";

/// Adds the live-reload script before `</body>` (or at the end). The page
/// config travels in an attribute, HTML-escaped, so no text of the
/// handbook can end the script early.
pub fn inject(html: &[u8], base: &str, config: &str) -> Vec<u8> {
    let tag = format!(
        "<script src=\"{}{INTERNAL}live.js\" data-roadbook=\"{}\"></script>\n",
        escape_attr(base),
        escape_attr(config)
    );
    let at = find_last_ci(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn find_last_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if hay.len() < needle.len() {
        return None;
    }
    (0..=hay.len() - needle.len())
        .rev()
        .find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// The server-sent event stream of one open page: `hello` with the current
/// state first, then one event per signal until the server stops. The
/// page says which it is (`?file=` its output path), so the builder knows
/// which pages are open.
fn events(app: &App, snap: &Snapshot, query: Option<&str>) -> Response {
    let file = query
        .unwrap_or("")
        .split('&')
        .find_map(|kv| kv.strip_prefix("file="))
        .map(crate::resolve::percent_decode);
    let viewer = app.live.open_stream(file);
    let hello = Event::default()
        .event("hello")
        .retry(Duration::from_millis(1000))
        .data(
            serde_json::json!({
                "generation": snap.generation,
                "instance": app.instance,
                "error": snap.error.as_deref(),
            })
            .to_string(),
        );
    let signals = app.live.subscribe();
    let stop = app.live.stopping();
    let stream = futures_util::stream::unfold(
        (Some(hello), signals, stop, viewer),
        |(hello, mut signals, mut stop, viewer)| async move {
            if let Some(h) = hello {
                return Some((Ok::<_, Infallible>(h), (None, signals, stop, viewer)));
            }
            if *stop.borrow() {
                return None;
            }
            let event = tokio::select! {
                s = signals.recv() => match s {
                    Ok(signal) => to_event(&signal),
                    // Missed signals: the page is out of date, reload it.
                    Err(RecvError::Lagged(_)) => Event::default().event("reload").data("{}"),
                    Err(RecvError::Closed) => return None,
                },
                _ = stop.changed() => return None,
            };
            Some((Ok(event), (None, signals, stop, viewer)))
        },
    );
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

fn to_event(signal: &Signal) -> Event {
    let (name, data) = match signal {
        Signal::Reload { generation, pages } => (
            "reload",
            serde_json::json!({ "generation": generation, "pages": pages }),
        ),
        Signal::Css { generation, files } => (
            "css",
            serde_json::json!({ "generation": generation, "files": files }),
        ),
        Signal::Failed { error } => ("failed", serde_json::json!({ "error": &**error })),
        Signal::Fixed => ("fixed", serde_json::json!({})),
    };
    Event::default().event(name).data(data.to_string())
}

/// Percent-decodes and checks a request path. The result starts with `/`
/// and has no `.` or `..` segment, no empty segment (`//`) before the last,
/// no backslash and no control character.
pub fn clean_path(raw: &str) -> Result<String, &'static str> {
    if raw.contains('\\') {
        return Err("backslashes are not allowed");
    }
    let decoded = percent_decode(raw)?;
    if decoded.contains('\\') {
        return Err("backslashes are not allowed");
    }
    if decoded.chars().any(char::is_control) {
        return Err("control characters are not allowed");
    }
    let Some(inner) = decoded.strip_prefix('/') else {
        return Err("the path must start with `/`");
    };
    let segments: Vec<&str> = inner.split('/').collect();
    for (i, seg) in segments.iter().enumerate() {
        if *seg == "." || *seg == ".." {
            return Err("`.` and `..` are not allowed");
        }
        if seg.is_empty() && i + 1 < segments.len() {
            return Err("empty path segments (`//`) are not allowed");
        }
    }
    Ok(decoded)
}

fn percent_decode(raw: &str) -> Result<String, &'static str> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = |b: u8| (b as char).to_digit(16);
            match (
                bytes.get(i + 1).and_then(|b| hex(*b)),
                bytes.get(i + 2).and_then(|b| hex(*b)),
            ) {
                (Some(h), Some(l)) => out.push((h * 16 + l) as u8),
                _ => return Err("malformed percent-encoding"),
            }
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "the path is not UTF-8")
}

/// The `Content-Type` of a site file, by extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("xml") => "application/xml",
        Some("txt") => "text/plain; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("avif") => "image/avif",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("pdf") => "application/pdf",
        Some("wasm") => "application/wasm",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_paths_pass() {
        assert_eq!(clean_path("/hb/skills/x/").as_deref(), Ok("/hb/skills/x/"));
        assert_eq!(clean_path("/").as_deref(), Ok("/"));
        assert_eq!(clean_path("/a%20b.png").as_deref(), Ok("/a b.png"));
        assert_eq!(clean_path("/caf%C3%A9/").as_deref(), Ok("/café/"));
    }

    #[test]
    fn traversal_is_refused() {
        for bad in [
            "/../etc/passwd",
            "/hb/../../etc/passwd",
            "/hb/%2e%2e/handbook.toml",
            "/hb/%2E%2E%2Fhandbook.toml",
            "/hb/.%2e/x",
            "/hb/./x",
            "/hb/..\\handbook.toml",
            "/hb/%5c..%5chandbook.toml",
            "//etc/passwd",
            "/hb//etc/passwd",
            "/hb/%2fetc%2fpasswd",
            "/hb/%00",
            "/hb/%zz",
            "/hb/%ff",
            "etc/passwd",
        ] {
            assert!(clean_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_script_goes_before_the_last_body_tag_and_is_escaped() {
        let html = b"<html><body><p>x</p></BODY></html>";
        let out = String::from_utf8(inject(
            html,
            "/hb/",
            r#"{"base":"/hb/","error":"</script><b>"}"#,
        ))
        .unwrap_or_default();
        assert!(
            out.starts_with("<html><body><p>x</p><script src=\"/hb/__roadbook/live.js\""),
            "{out}"
        );
        assert!(out.ends_with("</script>\n</BODY></html>"), "{out}");
        assert!(!out.contains("</script><b>"), "{out}");
        let no_body =
            String::from_utf8(inject(b"<p>x</p>", "/", r#"{"base":"/"}"#)).unwrap_or_default();
        assert!(
            no_body.starts_with("<p>x</p><script src=\"/__roadbook/live.js\""),
            "{no_body}"
        );
    }

    #[test]
    fn only_the_preview_s_own_hosts_are_answered() {
        let loopback = IpAddr::from([127, 0, 0, 1]);
        for good in [
            "localhost",
            "localhost:4000",
            "LOCALHOST.:4000",
            "docs.localhost:4000",
            "127.0.0.1:4000",
            "127.0.0.2",
            "[::1]:4000",
            "[::1]",
        ] {
            assert!(host_allowed(Some(good), loopback), "{good}");
        }
        for bad in [
            "attacker.example",
            "attacker.example:4000",
            "localhost.attacker.example",
            "127.0.0.1.nip.io:4000",
            "192.168.1.5:4000",
            "[::1]x",
            "localhost:http",
            "",
        ] {
            assert!(!host_allowed(Some(bad), loopback), "{bad}");
        }
        assert!(!host_allowed(None, loopback));
        // Bound to a LAN address: that address too, never a name.
        let lan = IpAddr::from([192, 168, 1, 5]);
        assert!(host_allowed(Some("192.168.1.5:4000"), lan));
        assert!(!host_allowed(Some("192.168.1.6:4000"), lan));
        assert!(!host_allowed(Some("phone.example:4000"), lan));
        // Bound to every address: any address, still no name.
        let any = IpAddr::from([0, 0, 0, 0]);
        assert!(host_allowed(Some("10.0.0.7:4000"), any));
        assert!(!host_allowed(Some("attacker.example:4000"), any));
    }

    #[test]
    fn content_types_by_extension() {
        assert_eq!(
            content_type("skills/x/index.html"),
            "text/html; charset=utf-8"
        );
        assert_eq!(
            content_type("assets/roadbook.CSS"),
            "text/css; charset=utf-8"
        );
        assert_eq!(content_type("CNAME"), "application/octet-stream");
    }
}
