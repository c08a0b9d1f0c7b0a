//! The system clipboard on a real X server: a private Xvfb started by the
//! test (`-displayfd` lets Xvfb choose a free display, so parallel runs do
//! not collide), read back with `xclip`, ownership kept between copies, a
//! second copy replacing the first; and bounded failures without a display.
//!
//! One test function: it sets `DISPLAY` for the process, which must not
//! race another test in the same binary.

use std::time::{Duration, Instant};

mod support;
use support::xvfb::Xvfb;

use mxlens::clipboard::{
    Clipboard, ClipboardError, ClipboardMode, CopyTarget, Environment, SYSTEM_TIMEOUT,
};

#[expect(
    unsafe_code,
    reason = "the environment is changed in the only test of this binary"
)]
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

    // Without Xvfb or xclip the rest is skipped (with a note; a failure under CI).
    let Some(xvfb) = Xvfb::start() else {
        return;
    };
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
    assert_eq!(xvfb.clipboard().unwrap_or_default(), first);
    // Ownership stays with us: a second read still finds the text.
    assert_eq!(xvfb.clipboard().unwrap_or_default(), first);
    let second = "mx1.example.test. 60 IN A 192.0.2.10\n";
    assert_eq!(cb.copy(second), Ok(CopyTarget::System));
    assert_eq!(xvfb.clipboard().unwrap_or_default(), second);

    // Auto picks the system clipboard when the display answers.
    let mut auto = Clipboard::new(ClipboardMode::Auto);
    assert_eq!(auto.copy("auto"), Ok(CopyTarget::System));
    assert_eq!(xvfb.clipboard().unwrap_or_default(), "auto");
    drop(auto);
    drop(cb);
}
