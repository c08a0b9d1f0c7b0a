//! The subcommands' handlers. Each returns the process exit code.

pub mod check;
pub mod serve_demo;
pub mod simulate;

/// Exit codes (DESIGN §4).
pub mod exit {
    /// No finding of severity `error`.
    pub const OK: i32 = 0;
    /// At least one `error` finding, or a domain that does not exist.
    pub const FINDINGS: i32 = 1;
    /// Usage error, or a lookup that could not be completed.
    pub const USAGE_OR_LOOKUP: i32 = 2;
}

/// The security-lookup options the upstream flags ask for (`--ca-file`,
/// `--trust-anchor`;
/// `MXLENS_MTA_STS_PORT`, a lab setting, moves the policy fetch off port 443).
pub fn security_options(
    upstream: &crate::cli::UpstreamArgs,
) -> anyhow::Result<crate::dns::security::SecurityOptions> {
    let mut opts = crate::dns::security::SecurityOptions::new(upstream.ca_file.as_deref())?;
    if let Some(path) = &upstream.trust_anchor {
        opts.trust_anchor = Some(std::sync::Arc::new(
            crate::dns::security::dnssec::read_anchor_file(path)?,
        ));
    }
    if let Some(port) = std::env::var_os("MXLENS_MTA_STS_PORT") {
        let text = port.to_string_lossy();
        opts.https_port = text.parse().map_err(|_| {
            anyhow::anyhow!("MXLENS_MTA_STS_PORT \"{text}\" is not a port number (1 to 65535)")
        })?;
        anyhow::ensure!(
            opts.https_port != 0,
            "MXLENS_MTA_STS_PORT is 0; give a port number from 1 to 65535"
        );
    }
    Ok(opts)
}
