//! The interactive terminal UI: `mxlens` with no subcommand.
//!
//! - [`state`]: [`App`] and the types it is made of, [`Msg`] and [`Cmd`].
//! - [`app`]: the pure `update(Msg) -> Vec<Cmd>`; `nav` (cursors,
//!   scrolling, mouse), `prompt` (the add-domain prompt), [`lookups`]
//!   (lookups, answers, several resolvers) and [`copy`] (the copy keys and
//!   their status line) hold the rest of it.
//! - [`layout`]: where each pane goes, for drawing and for mouse hits.
//! - [`keymap`]: the key table behind dispatch, help and hints.
//! - [`ui`]: one render function per pane.
//! - [`theme`]: colours that work on dark, light and `NO_COLOR` terminals.
//! - [`guard`]: terminal setup and restore (quit, error, panic).
//!
//! The runner below owns the terminal and the channels: it `select!`s over
//! terminal events, DNS results and a tick that only exists while a spinner
//! shows, feeds them to [`App::update`], carries out the [`Cmd`]s, and draws
//! once per batch, only when something changed.

pub mod app;
pub mod copy;
pub mod guard;
pub mod keymap;
pub mod keyspec;
pub mod layout;
pub mod lookups;
mod marks;
mod nav;
mod prompt;
pub mod security;
pub mod snapshots;
mod standing;
pub mod state;
pub mod theme;
pub mod ui;
pub mod view;
pub mod watch;
pub mod whatif;
pub mod wrap;

use std::future::Future;
use std::io;
use std::time::{Duration, Instant};

use crossterm::event::{Event, EventStream};
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use futures_util::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tokio::sync::mpsc;

use guard::TerminalGuard;
pub use state::{App, Cmd, Msg};

use crate::clipboard::Clipboard;
use crate::mx::MxReport;
use crate::mx::authority::AuthorityCheck;

/// Spinner speed.
const TICK: Duration = Duration::from_millis(100);
/// Lookups in flight at once (the same default as `mxlens check --concurrency`).
const LOOKUPS_AT_ONCE: usize = 64;
/// Most messages handled between two draws, so a flood cannot starve the screen.
const BATCH: usize = 256;

/// Runs `app` in the terminal until the user quits. `lookup(upstream,
/// domain)` answers [`Cmd::Lookup`]; it runs as a tokio task per domain and
/// upstream. Timings in the log are measured from `started`. Returns the
/// app as the user left it (for the remembered session).
///
/// The work other than the MX lookups: `services.0` answers
/// [`Cmd::Authorities`] (the compare view's authoritative check, when
/// [`App::authorities`] is on); `services.1` answers [`Cmd::Security`] (a
/// report with its security lookups added, when [`App::security`] is on).
pub async fn run_app<L, F, A, G, S, H>(
    mut app: App,
    started: Instant,
    mut clipboard: Clipboard,
    lookup: L,
    services: (A, S),
) -> anyhow::Result<App>
where
    L: Fn(usize, String) -> F + Send + Sync + 'static,
    F: Future<Output = MxReport> + Send + 'static,
    A: Fn(String) -> G + Send + Sync + 'static,
    G: Future<Output = AuthorityCheck> + Send + 'static,
    S: Fn(MxReport) -> H + Send + Sync + 'static,
    H: Future<Output = Result<MxReport, String>> + Send + 'static,
{
    let (authorities, security) = services;
    let services = (
        std::sync::Arc::new(authorities),
        std::sync::Arc::new(security),
    );
    let _guard = TerminalGuard::enter()?;
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    let size = terminal.size()?;
    app.update(Msg::Resize(size.width, size.height));
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    // At most LOOKUPS_AT_ONCE lookups run together (a long domain list must
    // not flood the resolver); the rest wait their turn, spinners showing.
    // A waiting lookup is a few words: its future (a resolver's state is
    // kilobytes) is made, boxed, only once it may run, so 10,000 domains
    // waiting cost next to nothing.
    let limit = std::sync::Arc::new(tokio::sync::Semaphore::new(LOOKUPS_AT_ONCE));
    let make = std::sync::Arc::new(lookup);
    let lookup = std::sync::Arc::new(move |upstream: usize, domain: String| {
        let (limit, make) = (limit.clone(), make.clone());
        async move {
            // The semaphore is never closed, so acquiring cannot fail.
            let _permit = limit.acquire_owned().await;
            Box::pin(make(upstream, domain)).await
        }
    });
    let first = app.start();
    draw(&mut terminal, &mut app)?;
    tracing::info!(ms = started.elapsed().as_secs_f64() * 1e3, "first frame");
    if std::env::var_os("MXLENS_TEST_PANIC").is_some() {
        // Hidden hook for the terminal-restore test (tests/tui_e2e.rs).
        panic!("MXLENS_TEST_PANIC is set: panicking after the first frame");
    }
    let mut all_done_logged = false;
    let mut quit = run_cmds(first, &lookup, &services, &tx, &mut clipboard);
    let mut events = EventStream::new();
    // `fg` after Ctrl-Z: back into TUI mode and a whole new frame.
    #[cfg(not(unix))]
    let mut continued = ();
    #[cfg(unix)]
    let mut continued =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::from_raw(libc::SIGCONT))?;
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    while !quit {
        let animating = app.needs_tick();
        let msg = tokio::select! {
            ev = events.next() => match ev {
                Some(ev) => to_msg(ev?),
                None => break,
            },
            Some(m) = rx.recv() => Some(m),
            _ = tick.tick(), if animating => Some(Msg::Tick),
            _ = continued_recv(&mut continued) => {
                // A fresh terminal: its buffers are empty, so the next frame
                // is drawn whole (Terminal::clear would ask the terminal
                // for the cursor, racing the event reader for the answer).
                guard::resume()?;
                terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
                app.dirty = true;
                None
            }
        };
        let received = Instant::now();
        let mut batch: Vec<Msg> = msg.into_iter().collect();
        // Drain whatever else is ready without waiting.
        for _ in 0..BATCH {
            let more = tokio::select! {
                biased;
                ev = events.next() => match ev {
                    Some(ev) => to_msg(ev?),
                    None => { quit = true; None }
                },
                Some(m) = rx.recv() => Some(m),
                () = std::future::ready(()) => break,
            };
            batch.extend(more);
        }
        let keys = batch.iter().any(|m| matches!(m, Msg::Key(_)));
        for m in batch {
            let cmds = app.update(m);
            if cmds.contains(&Cmd::Suspend) {
                suspend(&mut app);
            }
            quit |= run_cmds(cmds, &lookup, &services, &tx, &mut clipboard);
        }
        if quit {
            break;
        }
        if app.dirty && guard::active() {
            draw(&mut terminal, &mut app)?;
        }
        if keys {
            // Key to frame, for scripts/measure-tui (MXLENS_LOG).
            tracing::info!(
                us = received.elapsed().as_micros() as u64,
                domains = app.domains.len(),
                "key handled and drawn"
            );
        }
        if !all_done_logged && !app.lookups_pending() {
            all_done_logged = true;
            tracing::info!(
                ms = started.elapsed().as_secs_f64() * 1e3,
                "every report shown"
            );
        }
    }
    Ok(app)
}

fn to_msg(ev: Event) -> Option<Msg> {
    match ev {
        Event::Key(k) => Some(Msg::Key(k)),
        Event::Mouse(m) => Some(Msg::Mouse(m)),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        Event::Paste(s) => Some(Msg::Paste(s)),
        Event::FocusGained | Event::FocusLost => None,
    }
}

/// Carries out commands; true when one of them is [`Cmd::Quit`].
///
/// A copy runs here, between two frames, so an OSC 52 sequence never lands
/// inside a frame; the system clipboard answers within
/// [`crate::clipboard::SYSTEM_TIMEOUT`] at worst.
fn run_cmds<L, F, A, G, S, H>(
    cmds: Vec<Cmd>,
    lookup: &std::sync::Arc<L>,
    (authorities, security): &(std::sync::Arc<A>, std::sync::Arc<S>),
    tx: &mpsc::UnboundedSender<Msg>,
    clipboard: &mut Clipboard,
) -> bool
where
    L: Fn(usize, String) -> F + Send + Sync + 'static,
    F: Future<Output = MxReport> + Send + 'static,
    A: Fn(String) -> G + Send + Sync + 'static,
    G: Future<Output = AuthorityCheck> + Send + 'static,
    S: Fn(MxReport) -> H + Send + Sync + 'static,
    H: Future<Output = Result<MxReport, String>> + Send + 'static,
{
    let mut quit = false;
    for cmd in cmds {
        match cmd {
            Cmd::Lookup {
                generation,
                upstream,
                domain,
            } => {
                let (lookup, tx) = (lookup.clone(), tx.clone());
                tokio::spawn(async move {
                    let report = lookup(upstream, domain).await;
                    // The receiver is gone only when the app has quit.
                    let _ = tx.send(Msg::Report {
                        generation,
                        upstream,
                        report: Box::new(report),
                    });
                });
            }
            Cmd::Authorities { generation, domain } => {
                let (ask, tx) = (authorities.clone(), tx.clone());
                tokio::spawn(async move {
                    let check = ask(domain).await;
                    let _ = tx.send(Msg::Authorities {
                        generation,
                        check: Box::new(check),
                    });
                });
            }
            Cmd::Security { generation, report } => {
                let (secure, tx) = (security.clone(), tx.clone());
                tokio::spawn(async move {
                    let report = secure(*report).await.map(Box::new);
                    let _ = tx.send(Msg::Security { generation, report });
                });
            }
            Cmd::Copy {
                text,
                subject,
                summary,
            } => {
                let result = clipboard.copy(&text).map_err(|e| e.to_string());
                // The receiver lives as long as the loop that called us.
                let _ = tx.send(Msg::Copied {
                    subject,
                    summary,
                    result,
                });
            }
            Cmd::SaveSnapshot {
                path,
                text,
                count,
                overwrite,
            } => {
                let tx = tx.clone();
                tokio::task::spawn_blocking(move || {
                    use crate::snapshot_file::{SnapshotFileError, save_text};
                    let result = match save_text(std::path::Path::new(&path), &text, overwrite) {
                        Ok(()) => Ok(()),
                        Err(SnapshotFileError::Exists(_)) => Err(state::SaveFailure::Exists),
                        Err(e) => Err(state::SaveFailure::Other(e.to_string())),
                    };
                    let _ = tx.send(Msg::SnapshotSaved {
                        path,
                        count,
                        result,
                    });
                });
            }
            Cmd::OpenSnapshot { path } => {
                let tx = tx.clone();
                tokio::task::spawn_blocking(move || {
                    let result = crate::snapshot_file::load(std::path::Path::new(&path))
                        .map(|s| s.reports)
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Msg::SnapshotOpened { path, result });
                });
            }
            Cmd::Quit => quit = true,
            // Done by the loop, which owns the terminal.
            Cmd::Suspend => {}
        }
    }
    quit
}

/// Ctrl-Z: back to the shell until `fg`, then a whole new frame.
fn suspend(app: &mut App) {
    #[cfg(unix)]
    let result = guard::suspend();
    #[cfg(not(unix))]
    let result: io::Result<()> = Err(io::Error::other("not on this system"));
    if let Err(e) = result {
        app.notice(format!("could not suspend: {e}"));
        app.dirty = true;
    }
}

/// The next SIGCONT (the shell's `fg`).
#[cfg(unix)]
async fn continued_recv(s: &mut tokio::signal::unix::Signal) -> Option<()> {
    s.recv().await
}

/// Never: without job control there is nothing to continue from.
#[cfg(not(unix))]
async fn continued_recv(_: &mut ()) -> Option<()> {
    std::future::pending().await
}

/// One frame inside a synchronized update, so terminals never show half of it.
fn draw(terminal: &mut Terminal<CrosstermBackend<io::Stdout>>, app: &mut App) -> io::Result<()> {
    crossterm::queue!(terminal.backend_mut(), BeginSynchronizedUpdate)?;
    terminal.draw(|f| ui::render(f, app))?;
    crossterm::execute!(terminal.backend_mut(), EndSynchronizedUpdate)?;
    app.dirty = false;
    Ok(())
}
