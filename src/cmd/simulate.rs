//! `mxlens simulate`: what a sender does with a domain's mail while hosts or
//! addresses are down (DESIGN §6).
//!
//! Exit codes: 0 delivered; 1 deferred or bounced; 2 usage error (an unknown
//! `--down` value, a bad `--mx`…) or an MX lookup that could not be completed.

use std::io::Write;

use anyhow::Context;

use super::exit;
use crate::cli::SimulateArgs;
use crate::config::settings::{Settings, Source};
use crate::dns::lookup;
use crate::dns::security::add_security;
use crate::dns::upstream::connect;
use crate::export::ExportFormat;
use crate::mx::enforce::Enforce;
use crate::mx::escape::visible;
use crate::mx::failover::whatif::{ProposedMx, parse_mx_list, parse_zone_fragment};
use crate::mx::failover::{Outages, SimOutcome, Simulation, simulate, walk};
use crate::mx::input::parse_domain;
use crate::mx::{MxReport, Outcome};
use crate::text::{self, Style};

pub async fn run(args: &SimulateArgs, settings: &Settings) -> anyhow::Result<i32> {
    let domain = parse_domain(&args.domain)
        .with_context(|| format!("\"{}\" is not a domain to simulate", visible(&args.domain)))?;
    // The profile with the configuration's and the flags' overrides.
    let profile = settings.profile.clone();
    let proposal = proposal(args, &domain)?;
    let enforce: Enforce = args.enforce.into();
    anyhow::ensure!(
        enforce == Enforce::None
            || settings.security.source != crate::config::settings::Source::Flag("--no-security"),
        "--enforce {} needs the security lookups that --no-security turns off; drop one of them",
        enforce.name()
    );
    let report = report(&domain, proposal.as_ref(), settings, enforce).await?;
    let mut outages = Outages::default();
    for value in &args.down {
        outages.add_arg(&report, value).map_err(shown)?;
    }
    let enforcement = crate::mx::enforce::enforcement(&report, enforce);
    for r in enforcement.iter().flat_map(|e| &e.refused) {
        outages.hosts.insert(r.exchange.clone());
    }
    let mut sim = simulate(&report, &outages, &profile);
    if proposal.is_some() {
        note_unresolved(&report, &mut sim);
    }
    if let Some(seed) = args.seed {
        sim.walk = Some(walk(&report, &outages, &profile, seed));
    }
    sim.enforce = enforcement;
    if args.dns_down {
        sim.dns_outage = Some(crate::mx::dns_outage::outage(
            &report,
            profile.queue_lifetime_s,
        ));
    }
    let mut out = std::io::stdout().lock();
    match args.format {
        ExportFormat::Json => out.write_all(crate::export::json_line(&sim).as_bytes())?,
        _ => {
            if let Some(e) = &sim.enforce {
                out.write_all(enforce_text(e).as_bytes())?;
            }
            out.write_all(
                text::simulation::render(&sim, Style::for_stdout_with(settings.color.value))
                    .as_bytes(),
            )?;
            if let Some(t) = &sim.dns_outage {
                out.write_all(dns_down_text(t).as_bytes())?;
            }
        }
    }
    out.flush()?;
    Ok(exit_code(&report, &sim))
}

/// The DNS-outage timeline below the simulation.
fn dns_down_text(t: &crate::mx::dns_outage::DnsOutage) -> String {
    use crate::text::simulation::duration;
    if t.all_defer_after_s == 0 {
        return "\nDNS down: no exchange has an address to cache; every delivery defers at once.\n"
            .to_string();
    }
    format!(
        "\nDNS down (the domain's authoritative servers unreachable):\n  senders with a fresh cache deliver for {} more (the shortest path: the MX TTL, then the exchange's longest-lived A/AAAA);\n  all senders defer after {} (the longest), until DNS returns;\n  mail bounces if DNS is down longer than {} (the queue lifetime).\n  Long TTLs buy time in a DNS outage and cost time in a migration: a changed record reaches every sender only {} after the change.\n",
        duration(f64::from(t.cached_min_s)),
        duration(f64::from(t.all_defer_after_s)),
        duration(t.bounce_after_s),
        duration(f64::from(t.all_defer_after_s)),
    )
}

/// What the enforcing sender refuses, above the simulation.
fn enforce_text(e: &crate::mx::enforce::Enforcement) -> String {
    let mut out = format!("sender enforces {}: ", e.policy);
    match (e.refused.as_slice(), e.note.as_deref()) {
        ([], Some(note)) => out.push_str(&format!("{}\n", visible(note))),
        ([], None) => out.push_str("every exchange passes\n"),
        (refused, _) => {
            out.push_str("refuses (counted as down)\n");
            for r in refused {
                out.push_str(&format!(
                    "  {}: {}\n",
                    visible(&r.exchange),
                    visible(&r.reason)
                ));
            }
        }
    }
    out.push('\n');
    out
}

/// A proposed exchange that does not resolve is unreachable: the outcome
/// (and the exit code) follow from the other exchanges, and a note says
/// which name to fix.
fn note_unresolved(report: &MxReport, sim: &mut Simulation) {
    let mut named = std::collections::HashSet::new();
    for h in report
        .mx
        .iter()
        .filter(|h| !h.is_null() && h.addresses.is_empty())
    {
        if named.insert(h.exchange.as_str()) {
            sim.notes.push(format!(
                "the proposed exchange {} did not resolve ({}): it can receive no mail; correct the name or give its addresses inline (NAME=ADDR)",
                h.exchange,
                h.address_status.as_str()
            ));
        }
    }
}

/// An error of the simulator (which keeps names as data) as shown on a
/// terminal: every unsafe character escaped.
fn shown(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{}", visible(&e.to_string()))
}

/// 0 delivered, 1 deferred or bounced, 2 when the MX lookup failed.
pub fn exit_code(report: &MxReport, sim: &Simulation) -> i32 {
    if report.outcome == Outcome::Error {
        return exit::USAGE_OR_LOOKUP;
    }
    match sim.outcome {
        SimOutcome::Delivered => exit::OK,
        SimOutcome::Deferred | SimOutcome::Bounced => exit::FINDINGS,
    }
}

fn proposal(args: &SimulateArgs, domain: &str) -> anyhow::Result<Option<ProposedMx>> {
    if let Some(list) = &args.mx {
        return Ok(Some(parse_mx_list(list).map_err(shown)?));
    }
    let Some(path) = &args.mx_file else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "cannot read the MX file \"{}\"; give a zone-file fragment with MX, A and AAAA lines",
            visible(&path.display().to_string())
        )
    })?;
    let p = parse_zone_fragment(&text, domain)
        .map_err(shown)
        .with_context(|| format!("in \"{}\"", visible(&path.display().to_string())))?;
    Ok(Some(p))
}

/// The published report, or the proposal's (looked up only when some
/// exchange has no inline addresses).
async fn report(
    domain: &str,
    proposal: Option<&ProposedMx>,
    settings: &Settings,
    enforce: Enforce,
) -> anyhow::Result<MxReport> {
    // A proposal with every address inline needs no lookup, unless the
    // sender enforces a policy: that policy is the domain's, looked up.
    if let Some(p) = proposal.filter(|p| !p.needs_lookup() && enforce == Enforce::None) {
        return Ok(p.offline_report(domain));
    }
    let mut spec = settings.upstream_spec();
    if spec.resolvers.len() > 1 {
        if settings.resolvers.source != Source::Default
            && !matches!(settings.resolvers.source, Source::File(_))
        {
            anyhow::bail!("simulate uses one upstream; give --resolver once (or --demo)");
        }
        // Several configured resolvers: simulate asks the first.
        spec.resolvers.truncate(1);
    }
    let (upstreams, demo) = connect(&spec).await?;
    let up = upstreams
        .first()
        .context("no upstream to query; give --resolver ADDR or --demo")?;
    let mut report = match proposal {
        Some(p) if !p.needs_lookup() => p.offline_report(domain),
        Some(p) => {
            let mut r = lookup::report_for_mx_set(up, domain, p.mx_set()).await;
            p.apply_inline(&mut r);
            r
        }
        None => lookup::mx_report(up, domain).await,
    };
    if enforce != Enforce::None {
        let opts = super::security_options(settings, demo.as_ref())?;
        add_security(up, &mut report, &opts).await;
    }
    Ok(report)
}
