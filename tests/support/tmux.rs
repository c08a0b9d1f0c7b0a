//! The real binary in a private tmux server (its own socket, no user
//! config), driven like a user would, with bounded waits.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use super::{have_tool, poll};

const BIN: &str = env!("CARGO_BIN_EXE_mxlens");

/// A private tmux server (its own socket, no user config), killed on drop.
pub struct Tmux {
    socket: PathBuf,
    dir: tempfile::TempDir,
}

impl Tmux {
    /// A shell in a detached `w`×`h` session; `env` is the argument list of
    /// `env(1)` that sets the shell's environment (`-u DISPLAY`, `DISPLAY=:5`).
    /// `None` (test skipped, with a note) when tmux is absent outside CI;
    /// under CI that fails the test.
    pub fn start(name: &str, w: u16, h: u16, env: &[&str]) -> Option<Tmux> {
        if !have_tool("tmux", "tmux") {
            return None;
        }
        let dir = tempfile::Builder::new()
            .prefix(&format!("mxlens-tmux-{name}-"))
            .tempdir()
            .unwrap();
        // The socket lives in the temporary directory and goes with it.
        let socket = dir.path().join("tmux.sock");
        let t = Tmux { socket, dir };
        let ok = Command::new("tmux")
            .arg("-S")
            .arg(&t.socket)
            .args(["-f", "/dev/null", "new-session", "-d"])
            .args(["-s", "e2e", "-x", &w.to_string(), "-y", &h.to_string()])
            .arg("env")
            .args(env)
            .args(["PS1=READY$ ", "sh", "-i"])
            .status()
            .unwrap();
        assert!(ok.success(), "tmux new-session failed");
        t.wait_for("shell prompt", |s| s.contains("READY$"));
        Some(t)
    }

    pub fn cmd(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .output()
            .unwrap()
    }

    pub fn tmux(&self, args: &[&str]) -> String {
        String::from_utf8_lossy(&self.cmd(args).stdout).into_owned()
    }

    pub fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "e2e"])
    }

    /// Keys in tmux `send-keys` syntax, one call per key so that `Escape`
    /// never merges with the next key into an Alt chord.
    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.tmux(&["send-keys", "-t", "e2e", k]);
        }
    }

    /// The paste buffer OSC 52 filled, raw bytes; `None` while there is none.
    pub fn buffer(&self) -> Option<Vec<u8>> {
        let out = self.cmd(&["show-buffer"]);
        out.status.success().then_some(out.stdout)
    }

    /// Deletes every paste buffer.
    pub fn clear_buffers(&self) {
        for _ in 0..100 {
            if self.buffer().is_none() {
                return;
            }
            self.tmux(&["delete-buffer"]);
        }
        panic!("tmux keeps a paste buffer after 100 deletions");
    }

    /// Polls the screen until `ok` holds on a settled screen (two captures
    /// alike, so never half a frame); fails after [`WAIT`] with the screen.
    pub fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        poll(
            what,
            || {
                let s = self.screen();
                if !ok(&s) {
                    return None;
                }
                std::thread::sleep(Duration::from_millis(20));
                (self.screen() == s).then_some(s)
            },
            || self.screen(),
        )
    }

    /// Esc from a pane back to the domains list, waiting for the focus to
    /// move: sent right before another key, ESC would read as an Alt chord.
    pub fn escape_to_domains(&self) {
        self.keys(&["Escape"]);
        self.wait_for("focus back on domains", |s| s.contains("┏ Domains"));
    }

    /// Starts mxlens in the shell.
    pub fn run(&self, args: &str) {
        self.run_env("", args);
    }

    /// Starts mxlens in the shell with `env` (`VAR=value …`) before it.
    /// Its configuration and remembered session live in this harness's
    /// directory ([`Tmux::path`] `config` and `state`), never the user's.
    pub fn run_env(&self, env: &str, args: &str) {
        let line = format!(
            "XDG_CONFIG_HOME={} XDG_STATE_HOME={} MXLENS_CONFIG= CLICOLOR_FORCE= {env} NO_COLOR= {BIN} {args}",
            self.path("config").display(),
            self.path("state").display()
        );
        self.tmux(&["send-keys", "-t", "e2e", "-l", line.trim_start()]);
        self.keys(&["Enter"]);
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Literal text typed into the pane.
    pub fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "e2e", "-l", text]);
    }

    /// After the app exits: the shell is back, out of the alternate screen,
    /// no mouse reporting, and the tty is in cooked mode with echo.
    pub fn assert_terminal_sane(&self) {
        self.wait_for("the shell prompt after exit", |s| {
            s.lines().any(|l| l.starts_with("READY$"))
        });
        let flags = self.tmux(&[
            "display",
            "-p",
            "-t",
            "e2e",
            "#{alternate_on} #{mouse_any_flag} #{mouse_button_flag} #{cursor_flag}",
        ]);
        assert_eq!(
            flags.trim(),
            "0 0 0 1",
            "alternate screen, mouse modes off, cursor shown"
        );
        let out = self.path("stty.txt");
        self.type_text(&format!(
            "stty -a > {}; echo STTY-$((1+1))-DONE",
            out.display()
        ));
        self.keys(&["Enter"]);
        self.wait_for("stty", |s| s.contains("STTY-2-DONE"));
        let stty = std::fs::read_to_string(&out).unwrap();
        let words: Vec<&str> = stty.split_whitespace().collect();
        for want in ["icanon", "echo", "isig", "icrnl", "opost"] {
            assert!(words.contains(&want), "{want} missing:\n{stty}");
            assert!(
                !words.contains(&format!("-{want}").as_str()),
                "-{want}:\n{stty}"
            );
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .arg("kill-server")
            .stderr(Stdio::null())
            .status();
    }
}

/// The status row (second to last line), trimmed.
pub fn status_row(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    lines[lines.len().saturating_sub(2)].trim().to_string()
}

/// The two status rows joined with single spaces, so a message wrapped over
/// both reads as one line.
pub fn status_rows(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    lines[lines.len().saturating_sub(2)..]
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
