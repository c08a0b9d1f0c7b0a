//! Puts the terminal into TUI mode and always takes it back out: on drop
//! (quit, or an error returned through `?`) and on panic, through a panic
//! hook chained in front of the previous one.
//!
//! ratatui's own `init` does not undo mouse capture or bracketed paste;
//! this guard undoes everything it turned on.

use std::io::{self, Write};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute};

/// Whether the terminal is in TUI mode right now.
static ACTIVE: AtomicBool = AtomicBool::new(false);
static HOOK: Once = Once::new();

/// The terminal in TUI mode; dropping it restores the terminal.
#[derive(Debug)]
pub struct TerminalGuard(());

impl TerminalGuard {
    /// Raw mode, alternate screen, mouse capture, bracketed paste.
    pub fn enter() -> io::Result<TerminalGuard> {
        install_panic_hook();
        enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        let guard = TerminalGuard(());
        execute!(
            io::stdout(),
            EnterAlternateScreen,
            EnableMouseCapture,
            EnableBracketedPaste,
            cursor::Hide
        )?;
        Ok(guard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Ctrl-Z: gives the terminal back to the shell and stops the process the
/// way a shell's job control expects (SIGTSTP); when `fg` continues it,
/// puts the terminal back in TUI mode. Unix only.
#[cfg(unix)]
pub fn suspend() -> io::Result<()> {
    restore();
    // No signal API without unsafe code: kill(1) sends it. Waiting for it
    // returns only once the process has been stopped and continued.
    // The stop itself lands a moment later; the runner comes back into TUI
    // mode on SIGCONT ([`resume`]).
    let stopped = std::process::Command::new("kill")
        .args(["-TSTP", &std::process::id().to_string()])
        .status();
    match stopped {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => {
            resume()?;
            Err(io::Error::other(format!("kill -TSTP failed ({s})")))
        }
        Err(e) => {
            resume()?;
            Err(e)
        }
    }
}

/// Back into TUI mode after [`suspend`] (on SIGCONT); a no-op when the
/// terminal is in TUI mode already.
pub fn resume() -> io::Result<()> {
    if ACTIVE.load(Ordering::SeqCst) {
        return Ok(());
    }
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste,
        cursor::Hide
    )
}

/// Whether the terminal is in TUI mode (not while suspended): frames are
/// drawn only then.
pub fn active() -> bool {
    ACTIVE.load(Ordering::SeqCst)
}

/// Takes the terminal out of TUI mode, once; safe to call any time.
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut out = io::stdout();
    // Best effort: on the panic path nothing can be reported anyway.
    let _ = execute!(
        out,
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = disable_raw_mode();
    let _ = out.flush();
}

fn install_panic_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // Restore first, so the panic message lands on a sane screen.
            restore();
            previous(info);
        }));
    });
}
