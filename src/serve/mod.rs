//! `unionpress serve`: builds the site into a temporary folder, serves it,
//! watches the sources and rebuilds what changed, and tells open pages to
//! reload. A failed rebuild keeps the last good site served and shows its
//! errors in the page.

pub mod http;
pub mod indexer;
pub mod reload;
pub mod server;
pub mod session;
mod watch;

use std::collections::HashSet;
use std::io::Write;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::EventKind;

use crate::error::{self, Error, Errors};
use crate::files::{CONFIG_FILE, is_ignored};
use crate::messages::Localizer;
use crate::msg;
use indexer::Indexer;
use reload::Hub;
use session::{Rebuilt, Session};
use watch::Watches;

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub drafts: bool,
    /// The language of what the server prints (the overlay follows each
    /// page's).
    pub messages: Localizer,
}

/// Folders whose changes trigger a rebuild (with `site.yaml`).
const WATCHED: [&str; 3] = ["content", "themes", "static"];

/// Events closer together than this are one change (an editor's save is
/// often several: write a temporary file, rename it over the old one).
const QUIET: Duration = Duration::from_millis(10);
/// A stream of changes is built at least this often.
const MOST_WAIT: Duration = Duration::from_millis(300);

enum Message {
    Changed(EventKind, Vec<PathBuf>),
    /// The search indexes of a rebuild, made (see [`indexer`]).
    Indexed(indexer::Made),
    Stop,
}

/// The event kind sent when the watcher lost track of changes.
const RESCAN: EventKind = EventKind::Any;

/// Runs the dev server until Ctrl-C. `report` prints a build's errors.
pub fn serve(
    root: &Path,
    options: &ServeOptions,
    report: fn(Localizer, &[Error]),
) -> Result<(), Errors> {
    let loc = options.messages;
    let report = |errors: &[Error]| report(loc, errors);
    if !root.join(CONFIG_FILE).is_file() {
        return Err(Errors::from(crate::pipeline::no_site(root)));
    }
    let root = root
        .canonicalize()
        .map_err(|e| Errors::from(Error::io(root, e)))?;
    let out = tempfile::Builder::new()
        .prefix("unionpress-serve-")
        .tempdir()
        .map_err(|e| Errors::from(Error::io(&std::env::temp_dir(), e)))?;
    let out_root = out
        .path()
        .canonicalize()
        .map_err(|e| Errors::from(Error::io(out.path(), e)))?;

    let listener = std::net::TcpListener::bind((options.bind, options.port)).map_err(|e| {
        vec![Error::new(
            "--port",
            msg!(
                "serve-cannot-listen",
                address = format!("{}:{}", options.bind, options.port),
                reason = error::io_reason(&e)
            ),
        )]
    })?;
    let address = listener
        .local_addr()
        .map_err(|e| vec![Error::new("--bind", error::io_reason(&e))])?;
    let host = match address.ip() {
        ip if ip.is_unspecified() => "127.0.0.1".to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
        ip => ip.to_string(),
    };
    let base_url = format!("http://{host}:{}/", address.port());
    if !address.ip().is_loopback() {
        let warning = msg!("serve-public", address = address.to_string());
        eprintln!(
            "{}",
            loc.text(&msg!("severity", kind = "warning", message = warning))
        );
    }

    let (tx, rx) = mpsc::channel();
    let rescan_root = root.clone();
    let changed = tx.clone();
    let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let tx = &changed;
        match event {
            // Events were lost: the root stands for "check everything".
            Ok(event) if event.need_rescan() => {
                let _ = tx.send(Message::Changed(RESCAN, vec![rescan_root.clone()]));
            }
            // Reading a file changes nothing (and every build reads many).
            Ok(event) if !counts(&event.kind) => {}
            Ok(event) => {
                let _ = tx.send(Message::Changed(event.kind, event.paths));
            }
            Err(_) => {
                let _ = tx.send(Message::Changed(RESCAN, vec![rescan_root.clone()]));
            }
        }
    })
    .map_err(|e| {
        Errors::from(Error::new(
            "serve",
            msg!("serve-watch", reason = e.to_string()),
        ))
    })?;
    // Watched while the first build runs (20,000 folders take a second):
    // a save made meanwhile is seen.
    let watching = {
        let root = root.clone();
        std::thread::spawn(move || Watches::start(watcher, &root))
    };

    let hub = Arc::new(Hub::default());
    let mut session = Session::new(&root, out_root.clone(), &base_url, options.drafts);
    match session.rebuild(&[]) {
        Ok(r) => {
            error::eprint_all(loc, &r.warnings);
            let ms = r.elapsed.as_millis() as u64;
            eprintln!(
                "{}",
                loc.text(&msg!("serve-built", pages = r.pages, ms = ms))
            );
        }
        Err(errors) => {
            report(&errors);
            hub.errors(&errors);
        }
    }

    server::spawn(listener, out_root.clone(), hub.clone(), server::LIMITS);
    {
        let hub = hub.clone();
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(Duration::from_secs(15));
                hub.ping();
            }
        });
    }

    let stop = tx.clone();
    let made = tx.clone();
    let indexer = Indexer::spawn(move |m| {
        let _ = made.send(Message::Indexed(m));
    });
    ctrlc::set_handler(move || {
        let _ = stop.send(Message::Stop);
    })
    .map_err(|e| {
        Errors::from(Error::new(
            "serve",
            msg!("serve-ctrl-c", reason = e.to_string()),
        ))
    })?;
    let mut watches = watching
        .join()
        .map_err(|_| Errors::from(Error::new("serve", msg!("serve-watch", reason = "panic"))))??;

    println!("{}", loc.text(&msg!("serve-serving", url = &base_url)));
    let _ = std::io::stdout().flush();
    eprintln!("{}", loc.text(&msg!("serve-output", folder = &out_root)));

    while let Ok(message) = rx.recv() {
        let (kind, paths) = match message {
            Message::Changed(kind, paths) => (kind, paths),
            Message::Indexed(made) => {
                serve_index(&mut session, &indexer, made, &hub, loc, &report);
                continue;
            }
            Message::Stop => break,
        };
        // Gather the rest of the save before building, and wait for files
        // being written to be closed: an editor that truncates and then
        // writes must not have its empty file built.
        let mut touched = Vec::new();
        let mut writing = HashSet::new();
        note(kind, paths, &mut touched, &mut writing);
        let started = Instant::now();
        let mut stopping = false;
        let mut early = None;
        while started.elapsed() < MOST_WAIT {
            match rx.recv_timeout(QUIET) {
                Ok(Message::Changed(kind, paths)) => note(kind, paths, &mut touched, &mut writing),
                // Made before this save: `session.indexed` below drops
                // it unless this save changes nothing.
                Ok(Message::Indexed(made)) => early = Some(made),
                Err(RecvTimeoutError::Timeout) if !writing.is_empty() => {}
                Ok(Message::Stop) => {
                    stopping = true;
                    break;
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => {
                    stopping = true;
                    break;
                }
            }
        }
        if stopping {
            break;
        }
        touched.retain(|p| relevant(&root, p));
        if touched.is_empty() {
            // Nothing to rebuild: an index made meanwhile is still current.
            if let Some(made) = early {
                serve_index(&mut session, &indexer, made, &hub, loc, &report);
            }
            continue;
        }
        // A folder that cannot be watched is named; the server goes on
        // (the rebuild reads it, and names what it cannot read).
        if let Err(errors) = watches.add(&touched) {
            report(&errors);
        }
        // The index being made may be out of date after this rebuild.
        indexer.supersede();
        match session.rebuild(&touched) {
            Ok(r) => {
                error::eprint_all(loc, &r.warnings);
                hub.built(&r.changed);
                eprintln!("{}", loc.text(&describe(&r)));
            }
            Err(errors) => {
                report(&errors);
                hub.errors(&errors);
            }
        }
        // The pages are served and reloaded; the search index follows,
        // made off this loop (a failed rebuild leaves the last good
        // rebuild's index to make).
        session.index_later(&indexer);
    }
    drop(watches);
    eprintln!("{}", loc.text(&msg!("serve-stopped")));
    drop(out);
    Ok(())
}

/// Serves the search indexes the worker made, if still current.
fn serve_index(
    session: &mut Session,
    indexer: &Indexer,
    made: indexer::Made,
    hub: &Hub,
    loc: Localizer,
    report: &dyn Fn(&[Error]),
) {
    let ms = made.elapsed.as_millis() as u64;
    match session.indexed(made, indexer) {
        Ok(files) if files.is_empty() => {}
        Ok(files) => {
            let m = msg!("serve-indexed", ms = ms, files = files.len());
            eprintln!("{}", loc.text(&m));
        }
        Err(errors) => {
            report(&errors);
            hub.errors(&errors);
        }
    }
}

/// Whether an event of this kind may change the site (reading a file
/// does not; closing one written to ends a save).
fn counts(kind: &EventKind) -> bool {
    use notify::event::{AccessKind, AccessMode};
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// Takes in one watcher event: what it touched, and which files are open
/// for writing (written to, not yet closed).
fn note(
    kind: EventKind,
    paths: Vec<PathBuf>,
    touched: &mut Vec<PathBuf>,
    writing: &mut HashSet<PathBuf>,
) {
    use notify::event::{AccessKind, AccessMode, ModifyKind};
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => {
            for p in &paths {
                writing.remove(p);
            }
        }
        // Reading a file changes nothing (`counts` drops those events).
        EventKind::Access(_) => return,
        EventKind::Modify(ModifyKind::Data(_)) => writing.extend(paths.iter().cloned()),
        _ => {}
    }
    touched.extend(paths);
}

/// A change the site is made from: `site.yaml` or a file in a watched
/// folder, not an editor's swap or backup file.
fn relevant(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if is_ignored(&name) {
        return false;
    }
    rel.as_os_str().is_empty()
        || rel == Path::new(CONFIG_FILE)
        || rel
            .components()
            .next()
            .is_some_and(|c| WATCHED.iter().any(|w| c.as_os_str() == *w))
}

/// `rebuilt in 12 ms [content 3, render 5, write 1 ms]: 2 files changed
/// (news/a/index.html, index.html)`.
fn describe(r: &Rebuilt) -> crate::messages::Message {
    let first: Vec<&str> = r.changed.iter().take(3).map(String::as_str).collect();
    let more = r.changed.len().saturating_sub(first.len());
    let phases: Vec<String> = (r.phases.iter())
        .map(|(name, d)| format!("{name} {}", d.as_millis()))
        .collect();
    let which = match (first.is_empty(), more) {
        (true, _) => msg!("hint-none"),
        (false, 0) => msg!("serve-which", files = first.join(", ")),
        (false, n) => msg!("serve-which-more", files = first.join(", "), more = n),
    };
    msg!(
        "serve-rebuilt",
        ms = r.elapsed.as_millis() as u64,
        phases = phases.join(", "),
        count = r.changed.len(),
        which = which
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_site_sources_trigger_a_rebuild() {
        let root = Path::new("/site");
        for yes in [
            "/site/site.yaml",
            "/site/content/news/a/index.zh.md",
            "/site/themes/default/static/style.css",
            "/site/static/logo.png",
        ] {
            assert!(relevant(root, Path::new(yes)), "{yes}");
        }
        for no in [
            "/site/public/index.html",
            "/site/.unionpress-cache/images/x.jpg",
            "/site/content/news/a/.index.zh.md.swp",
            "/site/content/news/a/index.zh.md~",
            "/site/README.md",
            "/elsewhere/site.yaml",
        ] {
            assert!(!relevant(root, Path::new(no)), "{no}");
        }
    }
}
