//! Copying text: the system clipboard (arboard) or the terminal's OSC 52.
//!
//! - **System** (X11; arboard is built without its Wayland backend, so a
//!   Wayland session needs XWayland's `DISPLAY`). On X11 the clipboard
//!   content lives in the process that owns the selection, so a background
//!   owner thread holds the `arboard::Clipboard` for the life of the
//!   [`Clipboard`] and serves each copy over a channel: the text stays
//!   pasteable until something else is copied, and a second copy replaces
//!   it. When the [`Clipboard`] is dropped the thread drops arboard's
//!   clipboard, which hands the text to a clipboard manager if one runs.
//!   Every wait on that thread is bounded ([`SYSTEM_TIMEOUT`]); without a
//!   display the copy fails at once with a message that says what to do.
//! - **OSC 52** writes `ESC ] 52 ; c ; <base64> ESC \` to the terminal
//!   (standard output unless another writer is given), which sets the
//!   clipboard of the terminal the user sits at, also over SSH. Inside tmux
//!   the sequence reaches tmux's paste buffer (and, when the outer terminal
//!   supports it, the desktop clipboard) only with `set -g set-clipboard on`;
//!   with tmux's default `external` the sequence is ignored. GNU screen needs
//!   a passthrough wrapper mxlens does not write. Payloads are limited to
//!   [`OSC52_MAX_BASE64`] bytes of base64; larger text is refused, never
//!   truncated.
//! - **Auto** uses the system clipboard when a display is set
//!   (`DISPLAY`/`WAYLAND_DISPLAY`) and the clipboard opens, OSC 52
//!   otherwise — so a remote session (`SSH_TTY`/`SSH_CONNECTION`) without a
//!   forwarded display always gets OSC 52.
//!
//! Whatever the caller passes, no control character other than newline, tab
//! and the CR of a CRLF line end reaches the clipboard: others are written
//! as `\DDD` ([`crate::mx::escape::visible`]).

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Write};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use thiserror::Error;

use crate::mx::escape::{is_unsafe, visible};

/// Largest OSC 52 payload written, in bytes of base64 (about 56 kB of text).
///
/// The figure is the limit of hterm's `osc52.sh` and sits below what xterm,
/// tmux, kitty, foot and WezTerm accept; terminals that accept less drop
/// the whole sequence, so a conservative limit keeps copies reliable.
pub const OSC52_MAX_BASE64: usize = 74_994;

/// Longest wait for the system clipboard thread (start-up or one copy).
pub const SYSTEM_TIMEOUT: Duration = Duration::from_secs(2);

/// Where copied text goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClipboardMode {
    /// System clipboard when a display server answers, else OSC 52.
    #[default]
    Auto,
    /// The system clipboard (X11, or XWayland under Wayland) only.
    System,
    /// The terminal's clipboard escape sequence (works over SSH and tmux).
    Osc52,
}

impl ClipboardMode {
    /// Every mode, in the order help lists them.
    pub const ALL: [ClipboardMode; 3] = [Self::Auto, Self::System, Self::Osc52];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::System => "system",
            Self::Osc52 => "osc52",
        }
    }

    /// One line for help.
    pub fn description(self) -> &'static str {
        match self {
            Self::Auto => "System clipboard when a display server answers, else OSC 52",
            Self::System => "The system clipboard (X11, or XWayland under Wayland) only",
            Self::Osc52 => "The terminal's clipboard escape sequence (works over SSH and tmux)",
        }
    }
}

/// Where a copy went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyTarget {
    System,
    Osc52,
}

impl fmt::Display for CopyTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CopyTarget::System => "system clipboard",
            CopyTarget::Osc52 => "terminal (OSC 52)",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ClipboardError {
    #[error(
        "no display server for the system clipboard (DISPLAY is unset); use --clipboard osc52 or auto"
    )]
    NoDisplay,
    #[error("the system clipboard is not available; use --clipboard osc52 or auto ({0})")]
    SystemUnavailable(String),
    #[error(
        "the system clipboard did not answer within {} s; use --clipboard osc52 or auto",
        SYSTEM_TIMEOUT.as_secs()
    )]
    SystemTimeout,
    #[error("the system clipboard refused the text ({0})")]
    SystemFailed(String),
    #[error(
        "the text to copy is {bytes} bytes, {encoded} bytes as base64: too large for OSC 52, which mxlens limits to {limit} bytes of base64 (about 56 kB of text); copy a smaller selection or use --clipboard system",
        limit = OSC52_MAX_BASE64
    )]
    TooLarge { bytes: usize, encoded: usize },
    #[error("could not write the OSC 52 sequence to the terminal ({0})")]
    Terminal(String),
}

/// What the environment offers, read from the process environment by
/// [`Environment::detect`] (tests build it by hand).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Environment {
    /// `DISPLAY` or `WAYLAND_DISPLAY` is set.
    pub display: bool,
    /// `SSH_TTY` or `SSH_CONNECTION` is set.
    pub remote: bool,
}

impl Environment {
    pub fn detect() -> Self {
        let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
        Environment {
            display: set("DISPLAY") || set("WAYLAND_DISPLAY"),
            remote: set("SSH_TTY") || set("SSH_CONNECTION"),
        }
    }
}

/// The OSC 52 sequence that puts `text` on the terminal's clipboard.
pub fn osc52_sequence(text: &str) -> Result<String, ClipboardError> {
    let encoded = text.len().div_ceil(3) * 4;
    if encoded > OSC52_MAX_BASE64 {
        return Err(ClipboardError::TooLarge {
            bytes: text.len(),
            encoded,
        });
    }
    Ok(format!("\x1b]52;c;{}\x1b\\", BASE64.encode(text)))
}

/// Writes the OSC 52 sequence for `text` to `out` and flushes it.
pub fn write_osc52(out: &mut dyn Write, text: &str) -> Result<(), ClipboardError> {
    let seq = osc52_sequence(text)?;
    out.write_all(seq.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| ClipboardError::Terminal(e.to_string()))
}

/// `text` with every control character except `\n`, `\t` and the CR of a
/// CRLF written as `\DDD`.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    let bad = |(i, c): (usize, char)| {
        is_unsafe(c) && c != '\n' && c != '\t' && !(c == '\r' && text[i + 1..].starts_with('\n'))
    };
    if !text.char_indices().any(bad) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for (i, c) in text.char_indices() {
        if bad((i, c)) {
            out.push_str(&visible(c.encode_utf8(&mut [0; 4])));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

type Reply = mpsc::SyncSender<Result<(), String>>;

/// The thread that owns the X11 selection.
struct SystemOwner {
    requests: Option<mpsc::Sender<(String, Reply)>>,
    finished: mpsc::Receiver<()>,
}

impl SystemOwner {
    fn start() -> Result<Self, ClipboardError> {
        let (init_tx, init_rx) = mpsc::sync_channel::<Result<(), String>>(1);
        let (req_tx, req_rx) = mpsc::channel::<(String, Reply)>();
        let (done_tx, done_rx) = mpsc::sync_channel::<()>(1);
        thread::Builder::new()
            .name("mxlens-clipboard".into())
            .spawn(move || {
                let mut clipboard = match arboard::Clipboard::new() {
                    Ok(c) => c,
                    Err(e) => {
                        let _ = init_tx.send(Err(e.to_string()));
                        return;
                    }
                };
                let _ = init_tx.send(Ok(()));
                while let Ok((text, reply)) = req_rx.recv() {
                    let _ = reply.send(clipboard.set_text(text).map_err(|e| e.to_string()));
                }
                drop(clipboard);
                let _ = done_tx.send(());
            })
            .map_err(|e| ClipboardError::SystemUnavailable(e.to_string()))?;
        match init_rx.recv_timeout(SYSTEM_TIMEOUT) {
            Ok(Ok(())) => Ok(SystemOwner {
                requests: Some(req_tx),
                finished: done_rx,
            }),
            Ok(Err(e)) => Err(ClipboardError::SystemUnavailable(e)),
            Err(mpsc::RecvTimeoutError::Timeout) => Err(ClipboardError::SystemTimeout),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(ClipboardError::SystemUnavailable(
                "the clipboard thread stopped".into(),
            )),
        }
    }

    fn copy(&self, text: &str) -> Result<(), ClipboardError> {
        let (reply_tx, reply_rx) = mpsc::sync_channel(1);
        let gone = || ClipboardError::SystemFailed("the clipboard thread stopped".into());
        self.requests
            .as_ref()
            .ok_or_else(gone)?
            .send((text.to_string(), reply_tx))
            .map_err(|_| gone())?;
        match reply_rx.recv_timeout(SYSTEM_TIMEOUT) {
            Ok(r) => r.map_err(ClipboardError::SystemFailed),
            Err(mpsc::RecvTimeoutError::Timeout) => Err(ClipboardError::SystemTimeout),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(gone()),
        }
    }
}

impl Drop for SystemOwner {
    /// Closes the request channel and gives arboard a bounded moment to
    /// hand the text over to a clipboard manager.
    fn drop(&mut self) {
        self.requests.take();
        let _ = self.finished.recv_timeout(Duration::from_millis(500));
    }
}

enum SystemState {
    NotTried,
    Ready(SystemOwner),
    Failed(ClipboardError),
}

/// Copies text to the clipboard the mode and the environment call for.
pub struct Clipboard {
    mode: ClipboardMode,
    env: Environment,
    system: SystemState,
    terminal: Box<dyn Write + Send>,
}

impl fmt::Debug for Clipboard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Clipboard")
            .field("mode", &self.mode)
            .field("env", &self.env)
            .finish_non_exhaustive()
    }
}

impl Clipboard {
    /// A clipboard for `mode` in this process's environment, writing OSC 52
    /// to standard output. Nothing is opened until the first copy.
    pub fn new(mode: ClipboardMode) -> Self {
        Self::with_parts(mode, Environment::detect(), Box::new(io::stdout()))
    }

    /// Like [`Clipboard::new`] with the environment and the terminal given.
    pub fn with_parts(
        mode: ClipboardMode,
        env: Environment,
        terminal: Box<dyn Write + Send>,
    ) -> Self {
        Clipboard {
            mode,
            env,
            system: SystemState::NotTried,
            terminal,
        }
    }

    pub fn mode(&self) -> ClipboardMode {
        self.mode
    }

    /// Copies `text` (sanitised, see the module docs) and says where it went.
    pub fn copy(&mut self, text: &str) -> Result<CopyTarget, ClipboardError> {
        let text = sanitize(text);
        match self.mode {
            ClipboardMode::Osc52 => self.osc52(&text),
            ClipboardMode::System => self.system(&text),
            ClipboardMode::Auto => {
                if !self.env.display {
                    return self.osc52(&text);
                }
                match self.system(&text) {
                    Ok(t) => Ok(t),
                    Err(e) => {
                        // A clipboard that failed once is not tried again.
                        self.system = SystemState::Failed(e);
                        self.osc52(&text)
                    }
                }
            }
        }
    }

    fn osc52(&mut self, text: &str) -> Result<CopyTarget, ClipboardError> {
        write_osc52(&mut self.terminal, text).map(|()| CopyTarget::Osc52)
    }

    fn system(&mut self, text: &str) -> Result<CopyTarget, ClipboardError> {
        if matches!(self.system, SystemState::NotTried) {
            self.system = if self.env.display {
                match SystemOwner::start() {
                    Ok(owner) => SystemState::Ready(owner),
                    Err(e) => SystemState::Failed(e),
                }
            } else {
                SystemState::Failed(ClipboardError::NoDisplay)
            };
        }
        match &self.system {
            SystemState::Ready(owner) => owner.copy(text).map(|()| CopyTarget::System),
            SystemState::Failed(e) => Err(e.clone()),
            SystemState::NotTried => Err(ClipboardError::SystemUnavailable(
                "the clipboard was not opened".into(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_keeps_layout_only() {
        assert_eq!(sanitize("a\tb\r\nc\n"), "a\tb\r\nc\n");
        assert_eq!(sanitize("x\ry\u{1b}[2J\u{7}"), "x\\013y\\027[2J\\007");
        assert!(matches!(sanitize("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn limit_is_on_the_base64_length() {
        let fits = "a".repeat(OSC52_MAX_BASE64 / 4 * 3);
        assert!(osc52_sequence(&fits).is_ok());
        let over = "a".repeat(OSC52_MAX_BASE64 / 4 * 3 + 1);
        let e = osc52_sequence(&over).unwrap_err();
        assert!(e.to_string().contains("too large for OSC 52"), "{e}");
        assert!(e.to_string().contains("56245 bytes"), "{e}");
    }
}
