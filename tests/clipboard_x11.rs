//! The system clipboard on a real X server: a private Xvfb started by the
//! test (`-displayfd` lets Xvfb choose a free display, so parallel runs do
//! not collide), read back with `xclip`, ownership kept between copies, a
//! second copy replacing the first; and bounded failures without a display.
//!
//! One test function: it sets `DISPLAY` for the process, which must not
//! race another test in the same binary.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use mxlens::clipboard::{
    Clipboard, ClipboardError, ClipboardMode, CopyTarget, Environment, SYSTEM_TIMEOUT,
};

struct Xvfb {
    child: Child,
    display: String,
}

impl Xvfb {
    /// Starts Xvfb on a display of its choosing; `None` if the binary is absent.
    fn start() -> Option<Xvfb> {
        let mut child = match Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-nolisten",
                "tcp",
                "-screen",
                "0",
                "320x240x24",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
        {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) => panic!("cannot start Xvfb: {e}"),
        };
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let mut xvfb = Xvfb {
            child,
            display: String::new(),
        };
        let n = rx
            .recv_timeout(Duration::from_secs(10))
            .expect("Xvfb did not report its display within 10 s");
        xvfb.display = format!(":{}", n.trim());
        assert!(xvfb.display.len() > 1, "Xvfb exited without a display");
        Some(xvfb)
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `cmd`, killing it if it has not finished within `limit`.
fn run_bounded(cmd: &mut Command, limit: Duration) -> Option<(bool, String)> {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().ok()? {
            let mut out = String::new();
            child.stdout.take()?.read_to_string(&mut out).ok()?;
            return Some((status.success(), out));
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn xclip_out(display: &str) -> String {
    let (ok, out) = run_bounded(
        Command::new("xclip")
            .args(["-o", "-selection", "clipboard"])
            .env("DISPLAY", display),
        Duration::from_secs(5),
    )
    .expect("xclip did not finish within 5 s");
    assert!(ok, "xclip could not read the clipboard");
    out
}

fn set_display(value: Option<&str>) {
    // SAFETY: this binary has a single test, so no other thread reads the
    // environment concurrently.
    unsafe {
        match value {
            Some(v) => std::env::set_var("DISPLAY", v),
            None => std::env::remove_var("DISPLAY"),
        }
        std::env::remove_var("WAYLAND_DISPLAY");
    }
}

#[test]
fn system_clipboard_end_to_end() {
    // Headless: clear error, quickly, whatever the mode's environment says.
    set_display(None);
    assert!(!Environment::detect().display);
    let start = Instant::now();
    let err = Clipboard::new(ClipboardMode::System).copy("x").unwrap_err();
    assert_eq!(err, ClipboardError::NoDisplay);
    eprintln!("no DISPLAY: failed in {:?}", start.elapsed());
    assert!(start.elapsed() < Duration::from_millis(500));

    // A display that does not answer: an error within the bound, no hang.
    set_display(Some(":7391"));
    let start = Instant::now();
    let err = Clipboard::new(ClipboardMode::System).copy("x").unwrap_err();
    assert!(
        matches!(
            err,
            ClipboardError::SystemUnavailable(_) | ClipboardError::SystemTimeout
        ),
        "{err:?}"
    );
    eprintln!("dead DISPLAY: failed in {:?}: {err}", start.elapsed());
    assert!(start.elapsed() < SYSTEM_TIMEOUT + Duration::from_secs(1));
    assert!(err.to_string().contains("--clipboard osc52"), "{err}");

    let Some(xvfb) = Xvfb::start() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "a tool this test needs is missing under CI"
        );
        eprintln!("skipped the Xvfb part: the Xvfb binary is absent (Debian package xvfb)");
        return;
    };
    if Command::new("xclip")
        .arg("-version")
        .stderr(Stdio::null())
        .output()
        .is_err()
    {
        assert!(
            std::env::var_os("CI").is_none(),
            "a tool this test needs is missing under CI"
        );
        eprintln!("skipped the Xvfb part: xclip is absent (Debian package xclip)");
        return;
    }
    set_display(Some(&xvfb.display));
    let mut cb = Clipboard::new(ClipboardMode::System);
    let start = Instant::now();
    let first = "example.test. 300 IN MX 10 mx1.example.test.\n";
    assert_eq!(cb.copy(first), Ok(CopyTarget::System));
    eprintln!(
        "first copy under Xvfb {}: {:?}",
        xvfb.display,
        start.elapsed()
    );
    assert_eq!(xclip_out(&xvfb.display), first);
    // Ownership stays with us: a second read still finds the text.
    assert_eq!(xclip_out(&xvfb.display), first);
    let second = "mx1.example.test. 60 IN A 192.0.2.10\n";
    assert_eq!(cb.copy(second), Ok(CopyTarget::System));
    assert_eq!(xclip_out(&xvfb.display), second);

    // Auto picks the system clipboard when the display answers.
    let mut auto = Clipboard::new(ClipboardMode::Auto);
    assert_eq!(auto.copy("auto"), Ok(CopyTarget::System));
    assert_eq!(xclip_out(&xvfb.display), "auto");
    drop(auto);
    drop(cb);
}
