//! `mxlens serve-demo`: the demo zones on their own, for dig and friends.

use crate::cli::ServeDemoArgs;
use crate::dns::demo::{DEMO_DOMAINS, DemoServer};

pub async fn run(args: &ServeDemoArgs) -> anyhow::Result<i32> {
    let server = DemoServer::listen(args.listen).await.map_err(|e| {
        anyhow::anyhow!(
            "cannot listen on \"{}\": {e}; pick another address with --listen 127.0.0.1:PORT",
            args.listen
        )
    })?;
    let addr = server.addr();
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
    tokio::select! {
        r = server.run_until_done() => r?,
        _ = tokio::signal::ctrl_c() => {}
    }
    Ok(super::exit::OK)
}
