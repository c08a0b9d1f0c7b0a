//! OSC 52: exact bytes, the size limit, the auto choice without a display,
//! sanitising, and a real tmux (`set -g set-clipboard on`) storing the
//! sequence in its paste buffer.

use std::io::{self, Write};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use mxlens::clipboard::{
    Clipboard, ClipboardError, ClipboardMode, CopyTarget, Environment, OSC52_MAX_BASE64,
    osc52_sequence,
};

/// A terminal stand-in the test can read after the clipboard wrote to it.
#[derive(Clone, Default)]
struct Tty(Arc<Mutex<Vec<u8>>>);

impl Write for Tty {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Tty {
    fn bytes(&self) -> Vec<u8> {
        self.0.lock().unwrap().clone()
    }
}

const HEADLESS: Environment = Environment {
    display: false,
    remote: false,
};

fn clipboard(mode: ClipboardMode, env: Environment) -> (Clipboard, Tty) {
    let tty = Tty::default();
    (Clipboard::with_parts(mode, env, Box::new(tty.clone())), tty)
}

/// The text inside an OSC 52 sequence, checking its framing byte for byte.
fn payload(bytes: &[u8]) -> String {
    let inner = bytes
        .strip_prefix(b"\x1b]52;c;")
        .and_then(|b| b.strip_suffix(b"\x1b\\"))
        .unwrap_or_else(|| panic!("not an OSC 52 sequence: {bytes:?}"));
    String::from_utf8(BASE64.decode(inner).unwrap()).unwrap()
}

#[test]
fn writes_the_exact_sequence() {
    let (mut cb, tty) = clipboard(ClipboardMode::Osc52, HEADLESS);
    let text = "example.test. 300 IN MX 10 mx1.example.test.\n";
    assert_eq!(cb.copy(text), Ok(CopyTarget::Osc52));
    let want = format!("\x1b]52;c;{}\x1b\\", BASE64.encode(text));
    assert_eq!(tty.bytes(), want.as_bytes());
    assert_eq!(payload(&tty.bytes()), text);
    assert_eq!(CopyTarget::Osc52.to_string(), "terminal (OSC 52)");
    assert_eq!(CopyTarget::System.to_string(), "system clipboard");
}

#[test]
fn refuses_too_large_payloads_without_writing() {
    let (mut cb, tty) = clipboard(ClipboardMode::Osc52, HEADLESS);
    let big = "x".repeat(OSC52_MAX_BASE64);
    let err = cb.copy(&big).unwrap_err();
    assert!(matches!(err, ClipboardError::TooLarge { bytes, .. } if bytes == big.len()));
    assert!(err.to_string().contains("74994"), "{err}");
    assert!(tty.bytes().is_empty(), "nothing may reach the terminal");
    let at_limit = "x".repeat(OSC52_MAX_BASE64 / 4 * 3);
    assert_eq!(cb.copy(&at_limit), Ok(CopyTarget::Osc52));
    assert_eq!(payload(&tty.bytes()), at_limit, "never truncated");
}

#[test]
fn auto_without_display_uses_osc52_also_over_ssh() {
    for remote in [false, true] {
        let env = Environment {
            display: false,
            remote,
        };
        let (mut cb, tty) = clipboard(ClipboardMode::Auto, env);
        assert_eq!(cb.copy("x"), Ok(CopyTarget::Osc52));
        assert_eq!(payload(&tty.bytes()), "x");
    }
}

#[test]
fn control_characters_never_reach_the_clipboard() {
    let (mut cb, tty) = clipboard(ClipboardMode::Osc52, HEADLESS);
    cb.copy("mx\u{1b}[31m\u{7}.hostile.test.\r\nok\tx\n")
        .unwrap();
    assert_eq!(
        payload(&tty.bytes()),
        "mx\\027[31m\\007.hostile.test.\r\nok\tx\n"
    );
}

#[test]
fn system_mode_without_display_fails_fast_and_writes_nothing() {
    let (mut cb, tty) = clipboard(ClipboardMode::System, HEADLESS);
    let start = Instant::now();
    let err = cb.copy("x").unwrap_err();
    assert_eq!(err, ClipboardError::NoDisplay);
    assert!(err.to_string().contains("--clipboard osc52"), "{err}");
    assert!(start.elapsed() < Duration::from_millis(200));
    assert!(tty.bytes().is_empty());
}

/// A private tmux server (own socket, no user config) with
/// `set-clipboard on`, killed on drop.
struct Tmux {
    socket: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Tmux {
    fn cmd(&self) -> Command {
        let mut c = Command::new("tmux");
        c.arg("-S").arg(&self.socket);
        c
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").stderr(Stdio::null()).status();
    }
}

#[test]
fn tmux_with_set_clipboard_on_stores_the_text() {
    if Command::new("tmux").arg("-V").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "a tool this test needs is missing under CI"
        );
        eprintln!("skipped: tmux is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("tmux.conf");
    std::fs::write(&conf, "set -g set-clipboard on\n").unwrap();
    let text =
        "example.test. 300 IN MX 10 mx1.example.test.\nmx1.example.test. 60 IN A 192.0.2.10\n";
    let seq = dir.path().join("seq");
    std::fs::write(&seq, osc52_sequence(text).unwrap()).unwrap();
    let tmux = Tmux {
        socket: dir.path().join("sock"),
        _dir: dir,
    };
    let status = tmux
        .cmd()
        .arg("-f")
        .arg(&conf)
        .args(["new-session", "-d", "-x", "80", "-y", "24"])
        .arg(format!("cat '{}'; sleep 30", seq.display()))
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut last = String::new();
    while Instant::now() < deadline {
        let out = tmux
            .cmd()
            .arg("show-buffer")
            .stderr(Stdio::null())
            .output()
            .unwrap();
        last = String::from_utf8_lossy(&out.stdout).into_owned();
        if out.status.success() && last == text {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("tmux's buffer never held the copied text; last: {last:?}");
}
