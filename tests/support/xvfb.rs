//! A private X server for clipboard tests.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::{have_tool, poll};

/// A private X server (`-displayfd`: it picks a free display), killed on drop.
pub struct Xvfb {
    child: Child,
    pub display: String,
}

impl Xvfb {
    /// `None` (test skipped, with a note) when Xvfb or xclip is absent
    /// outside CI; under CI that fails the test.
    pub fn start() -> Option<Xvfb> {
        if !have_tool("xclip", "xclip") || !have_tool("Xvfb", "xvfb") {
            return None;
        }
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-nolisten", "tcp"])
            .args(["-screen", "0", "320x240x24"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot start Xvfb");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let mut x = Xvfb {
            child,
            display: String::new(),
        };
        let n = rx
            .recv_timeout(Duration::from_secs(10))
            .expect("Xvfb did not report its display within 10 s");
        assert!(!n.trim().is_empty(), "Xvfb exited without a display");
        x.display = format!(":{}", n.trim());
        Some(x)
    }

    /// The CLIPBOARD selection as `xclip` reads it; `None` when nobody owns
    /// it. Fails if xclip hangs for 5 s.
    pub fn clipboard(&self) -> Option<String> {
        let mut child = Command::new("xclip")
            .args(["-o", "-selection", "clipboard"])
            .env("DISPLAY", &self.display)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("xclip did not answer within 5 s");
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let mut out = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        status.success().then_some(out)
    }

    /// Waits until the clipboard holds exactly `want`.
    pub fn wait_clipboard(&self, what: &str, want: &str) {
        poll(
            what,
            || (self.clipboard().as_deref() == Some(want)).then_some(()),
            || format!("{:?}\nwanted:\n{want:?}", self.clipboard()),
        );
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
