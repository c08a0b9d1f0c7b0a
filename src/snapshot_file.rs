//! Snapshot files: reading one strictly, writing one atomically.
//!
//! A snapshot is the JSON Lines `mxlens check --format json` writes. Writes
//! go to a temporary file in the same directory, are synced, then renamed
//! over the target, so a snapshot is never half-written; without
//! `overwrite` an existing file is never replaced.

use std::io::Write;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::mx::MxReport;
use crate::mx::escape::visible;
use crate::mx::snapshot::{ParseError, Snapshot};

#[derive(Debug, Error)]
pub enum SnapshotFileError {
    #[error("cannot read the snapshot \"{path}\": {err}", path = shown(.0), err = .1)]
    Read(PathBuf, std::io::Error),
    #[error(
        "the snapshot \"{path}\" {err}; give a file written by `mxlens check --format json` or the TUI's s",
        path = shown(.0),
        err = .1
    )]
    Parse(PathBuf, ParseError),
    #[error("\"{}\" exists; confirm to replace it, or choose another name", shown(.0))]
    Exists(PathBuf),
    #[error("cannot write the snapshot \"{path}\": {err}", path = shown(.0), err = .1)]
    Write(PathBuf, std::io::Error),
}

/// A path as it may be shown on a terminal.
pub fn shown(path: &Path) -> String {
    visible(&path.to_string_lossy()).into_owned()
}

/// Reads and checks the snapshot at `path`.
pub fn load(path: &Path) -> Result<Snapshot, SnapshotFileError> {
    let bytes = std::fs::read(path).map_err(|e| SnapshotFileError::Read(path.into(), e))?;
    Snapshot::parse(&bytes).map_err(|e| SnapshotFileError::Parse(path.into(), e))
}

/// `reports` as snapshot text: what `check --format json` writes for them.
pub fn to_jsonl(reports: &[MxReport]) -> String {
    reports.iter().map(crate::export::json_line).collect()
}

/// Writes `reports` to `path` as a snapshot, all or nothing.
pub fn save(path: &Path, reports: &[MxReport], overwrite: bool) -> Result<(), SnapshotFileError> {
    save_text(path, &to_jsonl(reports), overwrite)
}

/// Writes snapshot `text` (from [`to_jsonl`]) to `path`, all or nothing.
pub fn save_text(path: &Path, text: &str, overwrite: bool) -> Result<(), SnapshotFileError> {
    let werr = |e| SnapshotFileError::Write(path.into(), e);
    if !overwrite && path.exists() {
        return Err(SnapshotFileError::Exists(path.into()));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "snapshot".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        drop(f);
        if overwrite {
            std::fs::rename(&tmp, path)
        } else {
            // A hard link never replaces an existing file, unlike rename.
            std::fs::hard_link(&tmp, path).map(|()| {
                let _ = std::fs::remove_file(&tmp);
            })
        }
    })();
    match result {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Err(SnapshotFileError::Exists(path.into()))
            } else {
                Err(werr(e))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mx::Outcome;

    fn reports() -> Vec<MxReport> {
        let mut r = MxReport::new("a.test.", "lab");
        r.outcome = Outcome::Mx;
        vec![r]
    }

    #[test]
    fn save_load_and_refuse_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("snap.jsonl");
        save(&p, &reports(), false).unwrap();
        assert_eq!(load(&p).unwrap().reports, reports());
        let e = save(&p, &[], false).unwrap_err();
        assert!(matches!(e, SnapshotFileError::Exists(_)), "{e}");
        assert_eq!(load(&p).unwrap().reports, reports(), "kept");
        let mut other = reports();
        other[0].domain = "b.test.".into();
        save(&p, &other, true).unwrap();
        assert_eq!(load(&p).unwrap().reports, other);
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file left behind");
    }

    #[test]
    fn errors_name_the_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bad\u{1b}.jsonl");
        std::fs::write(&p, "{\"schema\":\"mxlens/report/v1\",\"dom").unwrap();
        let e = load(&p).unwrap_err().to_string();
        assert!(
            e.contains("bad\\027.jsonl\" line 1: the file ends in the middle"),
            "{e}"
        );
        let e = save(&dir.path().join("no/such/dir.jsonl"), &reports(), false).unwrap_err();
        assert!(matches!(e, SnapshotFileError::Write(..)), "{e}");
    }
}
