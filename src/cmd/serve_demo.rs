//! `mxlens serve-demo`: the demo zones on their own, for dig and friends,
//! with the MTA-STS policy host beside them.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::cli::ServeDemoArgs;
use crate::dns::demo::{DEMO_DOMAINS, DEMO_STS_DOMAIN, DemoServer};
use crate::dns::demo_dnssec::anchor_text;

pub async fn run(args: &ServeDemoArgs) -> anyhow::Result<i32> {
    let server = DemoServer::listen(args.listen).await.map_err(|e| {
        anyhow::anyhow!(
            "cannot listen on \"{}\": {e}; pick another address with --listen 127.0.0.1:PORT",
            args.listen
        )
    })?;
    let addr = server.addr();
    // The CA certificate and the trust anchor are public data; they are
    // written to new files (never through an existing name) and removed
    // when the server stops.
    let files = DemoFiles::write(&server)?;
    eprintln!("mxlens demo DNS server on {addr} (UDP and TCP); Ctrl-C stops it. Try:");
    eprintln!(
        "  dig @{} -p {} {} MX",
        addr.ip(),
        addr.port(),
        DEMO_DOMAINS[0].trim_end_matches('.')
    );
    eprintln!(
        "  mxlens check --resolver {addr} {}",
        DEMO_DOMAINS[..3]
            .iter()
            .map(|d| d.trim_end_matches('.'))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let authorities: Vec<String> = server
        .authority_addrs()
        .iter()
        .map(ToString::to_string)
        .collect();
    if !authorities.is_empty() {
        eprintln!(
            "  authoritative servers of migrating.example (they disagree): {}",
            authorities.join(", ")
        );
    }
    let sts = DEMO_STS_DOMAIN.trim_end_matches('.');
    eprintln!(
        "MTA-STS policy host of {sts} (HTTPS) on 127.0.0.1:{}, its certificate from a CA made at start: {}",
        server.https_port(),
        crate::mx::escape::visible(&files.ca.display().to_string())
    );
    eprintln!(
        "DNSSEC trust anchor of the zones signed at start: {}",
        crate::mx::escape::visible(&files.anchor.display().to_string())
    );
    eprintln!("The security lookups with both (the policy host's address is 127.0.0.1):");
    eprintln!(
        "  MXLENS_MTA_STS_PORT={} mxlens check --resolver {addr} --security --ca-file {} --trust-anchor {} dane.example {sts}",
        server.https_port(),
        shell_word(&files.ca),
        shell_word(&files.anchor)
    );
    tokio::select! {
        r = server.run_until_done() => r?,
        _ = stop_signal() => {}
    }
    drop(files);
    Ok(super::exit::OK)
}

/// Ctrl-C, or (Unix) SIGTERM: either stops the server and removes its files.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// The demo CA and the trust anchor in the temporary directory.
struct DemoFiles {
    ca: PathBuf,
    anchor: PathBuf,
}

impl DemoFiles {
    fn write(server: &DemoServer) -> anyhow::Result<Self> {
        let ca = write_new("ca.pem", server.ca_pem())?;
        match write_new("anchor.txt", &anchor_text(&server.anchor())) {
            Ok(anchor) => Ok(Self { ca, anchor }),
            Err(e) => {
                let _ = std::fs::remove_file(&ca);
                Err(e)
            }
        }
    }
}

impl Drop for DemoFiles {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.ca);
        let _ = std::fs::remove_file(&self.anchor);
    }
}

/// Writes `text` to a new file `mxlens-demo-<pid>-<random>-<suffix>` in the
/// temporary directory. The name is never one that exists (a file left by
/// a killed run, or put there by someone else): another is tried. A file
/// that cannot be written whole is removed.
fn write_new(suffix: &str, text: &str) -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir();
    let pid = std::process::id();
    for _ in 0..16 {
        let token = crate::dns::udp::random_u16();
        let path = dir.join(format!("mxlens-demo-{pid}-{token:04x}-{suffix}"));
        let mut f = match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => anyhow::bail!("cannot create \"{}\": {e}", path.display()),
        };
        if let Err(e) = f.write_all(text.as_bytes()) {
            let _ = std::fs::remove_file(&path);
            anyhow::bail!("cannot write \"{}\": {e}", path.display());
        }
        return Ok(path);
    }
    anyhow::bail!(
        "cannot create a file for the demo in \"{}\": every name tried exists",
        dir.display()
    )
}

/// `path` as one shell word: quoted when it holds anything but safe bytes.
fn shell_word(path: &Path) -> String {
    let text = crate::mx::escape::visible(&path.display().to_string()).into_owned();
    if text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"/._-+:".contains(&b))
    {
        text
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}
