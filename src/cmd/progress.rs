//! Progress and the closing summary of a bulk `check --file` run.
//!
//! Both go to standard error, and only when it is a terminal: standard
//! output carries the reports scripts parse, and a script's standard error
//! (a cron mail, a CI log) should hold errors, not a tally the exit code
//! already gives. The progress line is redrawn at most ten times a second,
//! cleared before any report or message is written to the same terminal,
//! and erased at the end, where the summary takes its place.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::mx::{MxReport, Outcome, Severity};

/// Redraws no more often than this.
const EVERY: Duration = Duration::from_millis(100);
/// The total is not known (yet).
const UNKNOWN: u64 = u64::MAX;

/// Tally of a bulk run: domains by their worst finding, lookups that
/// failed, input lines skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub done: u64,
    pub errors: u64,
    pub warnings: u64,
    pub info: u64,
    pub clean: u64,
    /// A lookup could not be completed (timeout, SERVFAIL, …).
    pub failed: u64,
    /// An input line that is not a domain.
    pub skipped: u64,
}

impl Tally {
    /// Counts one domain (its reports from every resolver).
    pub fn add(&mut self, reports: &[MxReport]) {
        self.done += 1;
        if reports.iter().any(|r| r.outcome == Outcome::Error) {
            self.failed += 1;
            return;
        }
        let worst = reports.iter().filter_map(|r| r.worst_severity()).max();
        match worst {
            Some(Severity::Error) => self.errors += 1,
            Some(Severity::Warning) => self.warnings += 1,
            Some(Severity::Info) => self.info += 1,
            None => self.clean += 1,
        }
    }

    pub fn skip(&mut self) {
        self.done += 1;
        self.skipped += 1;
    }

    /// `checked 1000 domains in 8.2 s (122/s): 12 with errors, 40 with
    /// warnings, 300 with notes only, 645 clean; 3 failed, 1 line skipped`.
    pub fn summary(&self, elapsed: Duration) -> String {
        let checked = self.done - self.skipped;
        let secs = elapsed.as_secs_f64();
        let mut out = format!(
            "checked {checked} domain{} in {secs:.1} s ({}/s): {} with errors, {} with warnings, {} with notes only, {} clean",
            plural(checked),
            rate(checked, elapsed),
            self.errors,
            self.warnings,
            self.info,
            self.clean
        );
        if self.failed > 0 || self.skipped > 0 {
            out.push_str(&format!(
                "; {} failed, {} line{} skipped",
                self.failed,
                self.skipped,
                plural(self.skipped)
            ));
        }
        out
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn rate(n: u64, elapsed: Duration) -> u64 {
    let secs = elapsed.as_secs_f64();
    if secs > 0.0 {
        (n as f64 / secs).round() as u64
    } else {
        0
    }
}

/// The progress line on standard error; a no-op when it is not shown.
pub struct Progress {
    shown: bool,
    started: Instant,
    last_draw: Option<Instant>,
    drawn: bool,
    total: Arc<AtomicU64>,
    pub tally: Tally,
}

impl Progress {
    /// `shown`: standard error is a terminal and this is a bulk run.
    pub fn new(shown: bool) -> Self {
        Self {
            shown,
            started: Instant::now(),
            last_draw: None,
            drawn: false,
            total: Arc::new(AtomicU64::new(UNKNOWN)),
            tally: Tally::default(),
        }
    }

    pub fn shown(&self) -> bool {
        self.shown
    }

    /// Counts the domains of `path` in the background (a regular file
    /// only: standard input and pipes can be read once), plus `extra` from
    /// the command line; the line shows done/total once it is known.
    pub fn count_in_background(&self, path: &Path, extra: u64) {
        if !self.shown || path == Path::new("-") || !path.is_file() {
            return;
        }
        let (path, total) = (path.to_path_buf(), self.total.clone());
        tokio::task::spawn_blocking(move || {
            if let Ok(n) = count_items(&path) {
                total.store(n + extra, Ordering::Relaxed);
            }
        });
    }

    /// The number of domains, when known up front.
    pub fn set_total(&self, total: u64) {
        self.total.store(total, Ordering::Relaxed);
    }

    /// Redraws when the last draw is old enough.
    pub fn tick(&mut self) {
        if !self.shown {
            return;
        }
        let now = Instant::now();
        if self.last_draw.is_some_and(|t| now - t < EVERY) {
            return;
        }
        self.last_draw = Some(now);
        let line = self.line(now - self.started);
        // A terminal that reports no size (0 columns) gets 80.
        let width = match crossterm::terminal::size() {
            Ok((w, _)) if w >= 20 => w as usize,
            _ => 80,
        };
        let line: String = line.chars().take(width.saturating_sub(1)).collect();
        let mut err = std::io::stderr().lock();
        // A failing stderr must not stop the run.
        let _ = write!(err, "\r\x1b[2K{line}");
        let _ = err.flush();
        self.drawn = true;
    }

    /// Erases the line, before anything else is written to the terminal.
    pub fn clear(&mut self) {
        if self.drawn {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
            self.drawn = false;
            // Redraw on the next tick, not a tenth of a second later.
            self.last_draw = None;
        }
    }

    /// Erases the line and prints the summary (when shown).
    pub fn finish(&mut self) {
        self.clear();
        if self.shown {
            eprintln!("{}", self.tally.summary(self.started.elapsed()));
        }
    }

    fn line(&self, elapsed: Duration) -> String {
        let t = &self.tally;
        let total = self.total.load(Ordering::Relaxed);
        let speed = rate(t.done, elapsed);
        let mut out = if total == UNKNOWN {
            format!("checking: {} done", t.done)
        } else {
            let total = total.max(t.done);
            let pct = (t.done * 100).checked_div(total).unwrap_or(100);
            let mut s = format!("checking: {}/{total} ({pct}%)", t.done);
            if speed > 0 && total > t.done {
                let left = (total - t.done) / speed;
                s.push_str(&format!(", {}:{:02} left", left / 60, left % 60));
            }
            s
        };
        out.push_str(&format!(", {speed}/s"));
        if t.failed > 0 {
            out.push_str(&format!(", {} failed", t.failed));
        }
        if t.errors > 0 {
            out.push_str(&format!(", {} with errors", t.errors));
        }
        out
    }
}

/// Domains in a `--file`, counted as `check` reads them: one per line,
/// `#` comments and blank lines left out. Reads through a fixed buffer, so a
/// file without line ends costs no memory.
pub fn count_items(path: &Path) -> std::io::Result<u64> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 1 << 16];
    let (mut n, mut content, mut comment) = (0u64, false, false);
    loop {
        let got = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(got) => got,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        for &b in &buf[..got] {
            match b {
                b'\n' => {
                    n += u64::from(content);
                    (content, comment) = (false, false);
                }
                _ if comment => {}
                b'#' => comment = true,
                _ if !b.is_ascii_whitespace() => content = true,
                _ => {}
            }
        }
    }
    Ok(n + u64::from(content))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_counts_domains_by_their_worst_finding() {
        let t = Tally {
            done: 5,
            errors: 1,
            clean: 2,
            failed: 1,
            skipped: 1,
            ..Tally::default()
        };
        let s = t.summary(Duration::from_secs(2));
        assert_eq!(
            s,
            "checked 4 domains in 2.0 s (2/s): 1 with errors, 0 with warnings, 0 with notes only, 2 clean; 1 failed, 1 line skipped"
        );
    }

    #[test]
    fn items_are_counted_like_check_reads_them() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("list");
        std::fs::write(&p, "a.test\n\n# comment\n  b.test # two\n   \nc.test").unwrap();
        assert_eq!(count_items(&p).unwrap(), 3);
    }

    #[test]
    fn the_line_says_done_of_total_and_failures() {
        let mut p = Progress::new(false);
        p.tally.done = 50;
        p.tally.failed = 2;
        assert_eq!(
            p.line(Duration::from_secs(1)),
            "checking: 50 done, 50/s, 2 failed"
        );
        p.total.store(200, Ordering::Relaxed);
        assert_eq!(
            p.line(Duration::from_secs(1)),
            "checking: 50/200 (25%), 0:03 left, 50/s, 2 failed"
        );
    }
}
