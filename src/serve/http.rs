//! HTTP over the in-memory site: requests are answered from the current
//! [`Snapshot`] only, never from the disk, so a path can name nothing but a
//! file of the built site. Paths with `..`, `.`, empty segments or
//! backslashes (also percent-encoded) are refused before any lookup.
//!
//! HTML pages get the live-reload script injected on the way out (the
//! built files themselves stay exactly what `build` writes). Internal
//! endpoints live under `<base>__roadbook/`: `events` (server-sent events),
//! `live.js` (the script) and `status` (JSON, for tools and tests).

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tokio::sync::broadcast::error::RecvError;

use super::state::{Live, Signal, Snapshot};

const LIVE_JS: &str = include_str!("live.js");
const INTERNAL: &str = "__roadbook/";

struct App {
    live: Arc<Live>,
    /// Differs between runs of `roadbook serve`, so a page left open across
    /// a restart reloads.
    instance: String,
}

/// The server's routes: everything goes through [`handle`].
pub fn router(live: Arc<Live>, instance: String) -> Router {
    Router::new()
        .fallback(handle)
        .with_state(Arc::new(App { live, instance }))
}

async fn handle(State(app): State<Arc<App>>, method: Method, uri: Uri) -> Response {
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
