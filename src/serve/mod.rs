//! `roadbook serve`: the handbook in a browser while it is being written.
//!
//! The site is built into memory by the same [`crate::pipeline`] as
//! `build`, through a [`Session`] that reads and parses again only the
//! files that changed and shows the edited file's page first, and served
//! over HTTP on 127.0.0.1 (or the address of `--bind`) under `base_url`'s
//! path, so the preview has the URLs GitHub Pages will have. A watcher
//! (`watch`) turns file events into rebuilds; each finished build replaces
//! the served `Snapshot` (`state`) whole and only then tells open pages
//! (server-sent events, `http`) to reload, swap stylesheets, or show the
//! errors.
//! A broken edit keeps the last good site on screen with the diagnostics
//! over it. Serving never reads or writes the disk: nothing to traverse,
//! nothing to clean up.
//!
//! Threads: the main thread runs the HTTP server (a single-threaded tokio
//! runtime is plenty for one author's browser); one builder thread waits
//! for changes and runs the pipeline (which uses rayon inside).

mod http;
mod state;
mod watch;

use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant, SystemTime};

use tokio::sync::watch as tokio_watch;

use crate::diagnostic::plural;
use crate::pipeline::{Built, Failure, Options};
use crate::session::{Early, Session};
use state::{Diff, Live, Signal, Snapshot};
use watch::{Batch, Changes, Watcher};

/// What `roadbook serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    /// 0 picks a free port.
    pub port: u16,
    /// The address to listen on: 127.0.0.1 unless the author asks for
    /// another (`--bind`), to preview on a phone over the network.
    pub bind: IpAddr,
    pub drafts: bool,
    /// Open the preview in the default browser.
    pub open: bool,
    /// Look for changes every 300 ms instead of asking the OS for events.
    pub poll: bool,
}

/// The default port: Jekyll's, which GitHub Pages authors know.
pub const DEFAULT_PORT: u16 = 4000;

/// How long the watcher must be quiet before a change to several files is
/// built.
const SETTLE: Duration = Duration::from_millis(100);

/// A chain of builds superseded by newer changes is published anyway
/// after this long, so a file that changes without pause cannot hold the
/// preview back for ever.
const SUPERSEDE_AT_MOST: Duration = Duration::from_secs(2);

/// Runs until Ctrl-C. An `Err` is a message for the terminal: the server
/// could not start at all. A handbook with errors is not one: the preview
/// starts anyway and shows them.
pub fn run(opts: ServeOptions) -> Result<(), String> {
    if !opts.root.is_dir() {
        return Err(format!(
            "`{}` is not a folder; pass the handbook folder (the one with handbook.toml) with --root",
            opts.root.display()
        ));
    }
    let root = crate::fs::absolute(&opts.root);
    let mut session = Session::new(Options {
        root: opts.root.clone(),
        base_url: None,
        drafts: opts.drafts,
        // Served from memory with no-cache: plain names let a stylesheet
        // edit be swapped in without reloading every page.
        plain_asset_names: true,
    });

    // The first build, before anything is served.
    let start = Instant::now();
    let (first, first_ok) = match session.build() {
        Ok(built) => {
            warn(&built);
            eprintln!(
                "built {} {} in {} ms",
                built.pages,
                plural(built.pages, "page"),
                start.elapsed().as_millis()
            );
            (
                Snapshot {
                    base_path: built.base_path,
                    site: Some(Arc::new(built.files)),
                    generation: 1,
                    error: None,
                },
                true,
            )
        }
        Err(f) => {
            let text = f.diagnostics.render();
            eprint!("{text}");
            (
                Snapshot {
                    site: None,
                    base_path: base_path_guess(&opts.root),
                    generation: 0,
                    error: Some(text.into()),
                },
                false,
            )
        }
    };

    // What the first build dropped (its render buffers) goes back now.
    crate::allocator::collect_everywhere();

    let listener = bind(opts.bind, opts.port)?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("could not read the server's address: {e}"))?;
    // Bound to every address, the preview is opened here on loopback.
    let shown = if addr.ip().is_unspecified() {
        let loopback = match addr.ip() {
            IpAddr::V4(_) => IpAddr::from(Ipv4Addr::LOCALHOST),
            IpAddr::V6(_) => IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
        };
        SocketAddr::new(loopback, addr.port())
    } else {
        addr
    };
    let origin = format!("http://{shown}");
    let url = format!("{origin}{}", first.base_path);
    let (stop_tx, stop_rx) = tokio_watch::channel(false);
    let live = Arc::new(Live::new(first, stop_rx));

    let (tx, rx) = mpsc::channel::<Batch>();
    let watcher = match Watcher::start(&root, opts.poll, tx.clone()) {
        Ok(w) => w,
        Err(e) if !opts.poll => {
            eprintln!("warning: {e}; looking for changes by polling instead (as with --poll)");
            Watcher::start(&root, true, tx)?
        }
        Err(e) => return Err(e),
    };
    let polling = watcher.is_polling();
    {
        let live = Arc::clone(&live);
        let root = root.clone();
        let origin = origin.clone();
        std::thread::Builder::new()
            .name("roadbook-builder".into())
            .spawn(move || rebuild_loop(session, watcher, rx, &root, &live, &origin))
            .map_err(|e| format!("could not start the builder thread: {e}"))?;
    }

    if !first_ok {
        eprintln!("the handbook has errors; the preview shows them until they are fixed");
    }
    eprintln!(
        "serving {url}  (watching {}; Ctrl-C to stop)",
        if polling { "by polling" } else { "for changes" }
    );
    if !addr.ip().is_loopback() {
        let other = if addr.ip().is_unspecified() {
            lan_address().map(|ip| SocketAddr::new(ip, addr.port()))
        } else {
            Some(addr)
        };
        if let Some(other) = other {
            eprintln!(
                "on another device of the network, open http://{other}{}",
                first_base(&live)
            );
        }
        eprintln!(
            "warning: listening on {}: anyone on this network can read the preview, drafts and errors included; leave out --bind to preview on this computer only",
            addr.ip()
        );
    }
    if opts.open {
        open_browser(&url);
    }

    let instance = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
        .to_string();
    let app = http::router(Arc::clone(&live), instance, addr.ip());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| format!("could not start the server: {e}"))?;
    runtime.block_on(async move {
        listener
            .set_nonblocking(true)
            .map_err(|e| format!("could not start the server: {e}"))?;
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| format!("could not start the server: {e}"))?;
        // Ctrl-C ends the event streams, then the server lets open
        // requests finish.
        let stop = async move {
            shutdown_signal().await;
            let _ = stop_tx.send(true);
        };
        http::serve(listener, app, stop).await;
        Ok::<(), String>(())
    })?;
    eprintln!("stopped");
    Ok(())
}

/// Listens on `ip` (127.0.0.1 unless `--bind` says otherwise). A taken
/// (or forbidden) port falls back to a free one, with a note.
fn bind(ip: IpAddr, port: u16) -> Result<TcpListener, String> {
    let at = |p: u16| TcpListener::bind(SocketAddr::new(ip, p));
    match at(port) {
        Ok(l) => Ok(l),
        Err(e) if port != 0 => {
            let l = at(0).map_err(|e| format!("could not listen on {ip}: {e}"))?;
            let free = l.local_addr().map(|a| a.port()).unwrap_or(0);
            eprintln!("port {port} is not available ({e}); using port {free} instead");
            Ok(l)
        }
        Err(e) => Err(format!(
            "could not listen on {ip}: {e}; pass an address of this computer with --bind (0.0.0.0 for all of them)"
        )),
    }
}

/// This computer's address on its network, for the line that tells how
/// to open the preview from a phone: the address a packet to the outside
/// would leave from. Connecting a UDP socket sends nothing.
fn lan_address() -> Option<IpAddr> {
    let socket = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)).ok()?;
    socket.connect((Ipv4Addr::new(192, 0, 2, 1), 9)).ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_unspecified() && !ip.is_loopback()).then_some(ip)
}

/// The base path of the first snapshot.
fn first_base(live: &Live) -> String {
    live.current().base_path.clone()
}

/// The base path when the first build failed: from handbook.toml if it can
/// be read, else `/`.
fn base_path_guess(root: &Path) -> String {
    crate::config::load(root).map_or_else(|_| "/".to_string(), |c| c.base_path)
}

fn warn(built: &Built) {
    if !built.warnings.is_empty() {
        eprint!("{}", built.warnings.render());
    }
}

/// Waits for changes, builds, publishes; one terminal line per published
/// build.
///
/// A change to one file (an editor's save, a rename) is built at once. A
/// change to several files at a time looks like a burst (`git checkout`,
/// a formatter over every file), so the build waits until the watcher has
/// been quiet for [`SETTLE`]. Either way, when more changes arrived while
/// a build ran, its result is already out of date: it is dropped unseen
/// and the build runs again. So a burst reaches the browser as one reload
/// of the finished state, and a single save costs only the debounce and
/// one build.
fn rebuild_loop(
    mut session: Session,
    mut watcher: Watcher,
    rx: Receiver<Batch>,
    root: &Path,
    live: &Live,
    origin: &str,
) {
    let changes_in = |batch: Batch| match batch {
        Ok(events) => Changes::from_events(root, &events),
        Err(why) => {
            eprintln!("warning: watching for changes: {why}");
            Changes::default()
        }
    };
    // Everything the watcher has sent so far, without waiting.
    let pending = || {
        let mut changes = Changes::default();
        while let Ok(batch) = rx.try_recv() {
            changes.merge(changes_in(batch));
        }
        changes
    };
    // More changes until none came for SETTLE (at most SUPERSEDE_AT_MOST).
    let settle = |changes: &mut Changes| {
        let began = Instant::now();
        let mut quiet_from = Instant::now();
        while began.elapsed() < SUPERSEDE_AT_MOST {
            let Some(left) = SETTLE.checked_sub(quiet_from.elapsed()) else {
                break;
            };
            match rx.recv_timeout(left) {
                Ok(batch) => {
                    let more = changes_in(batch);
                    if !more.is_empty() {
                        changes.merge(more);
                        quiet_from = Instant::now();
                    }
                }
                Err(_) => break,
            }
        }
    };
    // Changes that came during a run which was published anyway (it ran
    // past SUPERSEDE_AT_MOST): the next run's, not lost.
    let mut carried = Changes::default();
    loop {
        let mut changes = if carried.is_empty() {
            let Ok(first) = rx.recv() else { return };
            changes_in(first)
        } else {
            std::mem::take(&mut carried)
        };
        changes.merge(pending());
        if changes.is_empty() {
            continue;
        }
        let start = Instant::now();
        // What the run's last line counts from: the site before any of its
        // hand-overs.
        let at_start = live.current();
        let mut parsed = 0;
        loop {
            if changes.is_burst() {
                settle(&mut changes);
            }
            for problem in watcher.refresh(&changes) {
                eprintln!("warning: {problem}");
            }
            let what = changes.describe();
            // The edited page, before the pages that show it are rendered
            // again; the pages, before the search index is made.
            let mut early = |early: Early| {
                let opened = live.streams_opened();
                let shown = publish(
                    Ok(early.into_built()),
                    live,
                    &what,
                    1,
                    start,
                    origin,
                    Stage::Early(&at_start),
                );
                head_start(live, &shown, opened);
            };
            let result = match changes.edited() {
                Some(edited) => session.rebuild_with(&edited, &mut early),
                None => session.build_with(&mut early),
            };
            parsed += session.parse_counts().0;
            let newer = pending();
            if newer.is_empty() || start.elapsed() > SUPERSEDE_AT_MOST {
                publish(
                    result,
                    live,
                    &what,
                    parsed,
                    start,
                    origin,
                    Stage::Done(&at_start),
                );
                carried = newer;
                break;
            }
            changes.merge(newer);
        }
        // What the run dropped goes back to the system now, not at the
        // render threads' next rebuild: the last site (held by `at_start`
        // until here, so after a settings edit a whole site), the last
        // run's unused parses, the render buffers.
        drop(at_start);
        crate::allocator::collect_everywhere();
    }
}

/// Whether a result is a build's whole, or the edited pages shown ahead
/// of it (see [`Session::rebuild_with`]).
/// Each holds the site as it was when the run started.
#[derive(Clone, Copy)]
enum Stage<'a> {
    Early(&'a Snapshot),
    Done(&'a Snapshot),
}

/// Most changed pages a reload signal lists by name; with more, every open
/// page reloads.
const LISTED_PAGES: usize = 1000;

/// How long the rest of a run after an early publish waits, at most, for
/// an open page that shows an edited file to have reloaded.
const HEAD_START: Duration = Duration::from_millis(300);

/// After the edited pages are out ([`Stage::Early`]), waits until a page
/// that shows one of them (`shown`) has reloaded and opened its event
/// stream again (more than `opened` streams), before the rest of the run
/// takes every core: on two cores, sharing them slowed the reload of the
/// page the author is looking at by about a third (measured with the
/// `measure_save_to_reload` test in `tests/browser.rs`, which is ignored by
/// default). No wait when no open page shows them.
fn head_start(live: &Live, shown: &[String], opened: u64) {
    if !live.is_viewed(shown) {
        return;
    }
    let start = Instant::now();
    while live.streams_opened() == opened && start.elapsed() < HEAD_START {
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Publishes the result of a build after `what` changed (`parsed` files
/// parsed, started at `start`) and prints its line; for an early result,
/// returns the HTML pages it changed (for [`head_start`]).
fn publish(
    result: Result<Built, Failure>,
    live: &Live,
    what: &str,
    parsed: usize,
    start: Instant,
    origin: &str,
    stage: Stage<'_>,
) -> Vec<String> {
    let before = live.current();
    match result {
        Ok(built) => {
            // Once a run: an early result's warnings are the full one's.
            if let Stage::Done(_) = stage {
                warn(&built);
            }
            let diff = Diff::between(before.site.as_deref(), &built.files);
            let moved = built.base_path != before.base_path;
            // Files no open page shows (the search index, the export,
            // the feeds) are served anew but reload nothing.
            let unseen = !moved && diff.only_pages(LISTED_PAGES).is_some_and(|p| p.is_empty());
            let changed = (!diff.is_empty() || moved) && !unseen;
            let generation = before.generation + u64::from(changed);
            let mut signals = Vec::new();
            if before.error.is_some() {
                signals.push(Signal::Fixed);
            }
            let told = if !changed && before.error.is_some() {
                "errors cleared"
            } else if !changed {
                "nothing to reload"
            } else if diff.only_css() && !moved {
                signals.push(Signal::Css {
                    generation,
                    files: diff.changed.clone(),
                });
                "stylesheets swapped"
            } else {
                signals.push(Signal::Reload {
                    generation,
                    pages: if moved {
                        None
                    } else {
                        diff.only_pages(LISTED_PAGES)
                    },
                });
                "pages reloaded"
            };
            // The line speaks of the whole run: pages handed over early
            // count as changed by it.
            let (Stage::Early(at_start) | Stage::Done(at_start)) = stage;
            let run = Diff::between(at_start.site.as_deref(), &built.files);
            let run_told = if changed || run.is_empty() || before.error.is_some() {
                told
            } else if run.only_pages(LISTED_PAGES).is_some_and(|p| p.is_empty()) {
                "nothing to reload"
            } else if run.only_css() {
                "stylesheets swapped"
            } else {
                "pages reloaded"
            };
            let pages = built.pages;
            let base_path = built.base_path;
            let next = Snapshot {
                site: if !diff.is_empty() || moved || before.site.is_none() {
                    Some(Arc::new(built.files))
                } else {
                    before.site.clone()
                },
                base_path: base_path.clone(),
                generation,
                error: None,
            };
            live.publish(next, signals);
            if let Stage::Early(_) = stage {
                eprintln!(
                    "shown in {} ms: {what}; {told}, the rest to come",
                    start.elapsed().as_millis(),
                );
                return diff.html_pages();
            }
            eprintln!(
                "rebuilt in {} ms: {what}; parsed {parsed} {}, {pages} {} ({} changed), {run_told}",
                start.elapsed().as_millis(),
                plural(parsed, "file"),
                plural(pages, "page"),
                run.pages,
            );
            if base_path != at_start.base_path {
                eprintln!("base_url changed: now serving {origin}{base_path}");
            }
            Vec::new()
        }
        Err(f) => {
            let text = f.diagnostics.render();
            eprint!("{text}");
            let error: Arc<str> = text.into();
            let next = Snapshot {
                site: before.site.clone(),
                base_path: before.base_path.clone(),
                generation: before.generation,
                error: Some(Arc::clone(&error)),
            };
            live.publish(next, vec![Signal::Failed { error }]);
            eprintln!(
                "build failed in {} ms: {what}; {}",
                start.elapsed().as_millis(),
                if before.site.is_some() {
                    "serving the last good site, with the errors over it"
                } else {
                    "the preview shows the errors"
                }
            );
            Vec::new()
        }
    }
}

/// Ctrl-C, or SIGTERM on Unix. If a handler cannot be installed, that
/// signal simply keeps its default action.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}

/// Best effort: a missing opener is not worth failing for (the URL is on
/// the screen). The browser gets its own process group, so Ctrl-C here
/// does not close it.
fn open_browser(url: &str) {
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    cmd.arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    match cmd.spawn() {
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(_) => eprintln!("could not open a browser; open {url} yourself"),
    }
}
