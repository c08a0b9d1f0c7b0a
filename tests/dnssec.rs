//! DNSSEC status validated by mxlens itself: zones signed with ldns-signzone,
//! served by NSD on loopback, validated against the test's own trust anchors
//! (one given as DNSKEY, one as DS): secure, insecure (an unsigned child
//! whose absent DS the signed parent proves), bogus (a record edited after
//! signing).

mod support;

use std::path::Path;
use std::sync::Arc;

use mxlens::dns::mx_report;
use mxlens::dns::security::dnssec::{parse_anchors, read_anchor_file};
use mxlens::dns::security::{SecurityOptions, add_security};
use mxlens::dns::upstream::Upstream;
use mxlens::mx::dnssec::{DnssecStatus, TlsaLookup};
use support::https::TestCa;
use support::nsd::{Nsd, have_ldns, keygen, keygen_zsk, sign, sign_split};

const SEC: &str = "$ORIGIN sec.test.
$TTL 300
@ IN SOA ns.sec.test. hostmaster.sec.test. 1 7200 3600 1209600 60
@ IN NS ns.sec.test.
ns IN A 127.0.0.1
@ IN MX 10 mx1.sec.test.
@ IN MX 20 mx.insec.sec.test.
mx1 IN A 192.0.2.1
insec IN NS ns.insec.sec.test.
ns.insec IN A 127.0.0.1
_25._tcp.mx1 IN TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
u IN MX 10 mxu.sec.test.
mxu IN A 192.0.2.5
_25._tcp.mxu IN TLSA 1 0 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
_25._tcp.mxu IN TLSA 3 1 1 0123
i IN MX 10 mxt.insec.sec.test.
";

const INSEC: &str = "$ORIGIN insec.sec.test.
$TTL 300
@ IN SOA ns.insec.sec.test. hostmaster.sec.test. 1 7200 3600 1209600 60
@ IN NS ns.insec.sec.test.
ns IN A 127.0.0.1
mx IN A 192.0.2.2
@ IN MX 10 mx.insec.sec.test.
mxt IN A 192.0.2.6
_25._tcp.mxt IN TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
";

const BOG: &str = "$ORIGIN bog.test.
$TTL 300
@ IN SOA ns.bog.test. hostmaster.bog.test. 1 7200 3600 1209600 60
@ IN NS ns.bog.test.
ns IN A 127.0.0.1
@ IN MX 10 mx.bog.test.
@ IN MX 20 mx2.bog.test.
mx IN A 192.0.2.3
mx2 IN A 192.0.2.4
_25._tcp.mx2 IN TLSA 3 1 1 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
";

struct Lab {
    _dir: tempfile::TempDir,
    nsd: Nsd,
    anchor_file: std::path::PathBuf,
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// sec.test signed (anchor: its DNSKEY), insec.sec.test unsigned, bog.test
/// signed (anchor: its DS) and then edited.
fn lab() -> Option<Lab> {
    if !have_ldns() {
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sec_key = keygen(d, "sec.test.");
    let bog_key = keygen(d, "bog.test.");
    let sec = sign(d, "sec.test.", &write(d, "sec.zone", SEC), &sec_key);
    let insec = write(d, "insec.zone", INSEC);
    let bog = sign(d, "bog.test.", &write(d, "bog.zone", BOG), &bog_key);
    // Edit a signed record: its RRSIG no longer matches.
    let signed = std::fs::read_to_string(&bog).unwrap();
    let edited = signed
        .replace("192.0.2.3\n", "192.0.2.33\n")
        .replace(&"a".repeat(64), &"b".repeat(64));
    assert!(
        edited.contains("192.0.2.33") && edited.contains(&"b".repeat(64)),
        "{edited}"
    );
    assert_ne!(signed, edited);
    std::fs::write(&bog, edited).unwrap();
    // Anchors: sec.test as DNSKEY, bog.test as DS, in one file.
    let dnskey = std::fs::read_to_string(d.join(format!("{sec_key}.key"))).unwrap();
    let ds = std::fs::read_to_string(d.join(format!("{bog_key}.ds"))).unwrap();
    let anchor_file = write(
        d,
        "anchors.txt",
        &format!("; test anchors\n{dnskey}\n{ds}\n"),
    );
    let nsd = Nsd::start(
        d,
        &[
            ("sec.test.", sec),
            ("insec.sec.test.", insec),
            ("bog.test.", bog),
        ],
    )?;
    Some(Lab {
        _dir: dir,
        nsd,
        anchor_file,
    })
}

fn options(lab: &Lab) -> SecurityOptions {
    let mut o = SecurityOptions::with_roots(TestCa::new("unused").roots()).unwrap();
    o.trust_anchor = Some(Arc::new(read_anchor_file(&lab.anchor_file).unwrap()));
    o
}

async fn report(up: &Upstream, opts: &SecurityOptions, domain: &str) -> mxlens::mx::MxReport {
    let mut r = mx_report(up, domain).await;
    add_security(up, &mut r, opts).await;
    r
}

#[tokio::test]
async fn secure_insecure_and_bogus() {
    let Some(lab) = lab() else { return };
    let up = Upstream::server(lab.nsd.addr(), &support::quick());
    let opts = options(&lab);

    let r = report(&up, &opts, "sec.test.").await;
    let d = r.dnssec.as_ref().expect("dnssec ran");
    assert_eq!(d.mx, DnssecStatus::Secure, "{d:?}");
    let mx1 = d
        .exchanges
        .iter()
        .find(|e| e.exchange == "mx1.sec.test.")
        .unwrap();
    assert_eq!(mx1.a, DnssecStatus::Secure, "{d:?}");
    // No AAAA: the NSEC proof of its absence is signed.
    assert_eq!(mx1.aaaa, DnssecStatus::Secure, "{d:?}");
    let child = d
        .exchanges
        .iter()
        .find(|e| e.exchange == "mx.insec.sec.test.")
        .unwrap();
    assert_eq!(child.a, DnssecStatus::Insecure, "{d:?}");
    assert!(
        !r.findings.iter().any(|f| f.code == "dnssec-bogus"),
        "{:?}",
        r.findings
    );

    let b = report(&up, &opts, "bog.test.").await;
    let d = b.dnssec.as_ref().unwrap();
    assert_eq!(d.mx, DnssecStatus::Secure, "{d:?}");
    assert_eq!(d.exchanges[0].a, DnssecStatus::Bogus, "{d:?}");
    let bogus: Vec<_> = b
        .findings
        .iter()
        .filter(|f| f.code == "dnssec-bogus")
        .collect();
    assert_eq!(bogus.len(), 1, "{:?}", b.findings);
    assert_eq!(bogus[0].subject, "mx.bog.test.");
    assert_eq!(mxlens::cmd::check::exit_code(&b), 1);
}

fn codes(r: &mxlens::mx::MxReport, code: &str) -> Vec<String> {
    r.findings
        .iter()
        .filter(|f| f.code == code)
        .map(|f| f.subject.clone())
        .collect()
}

#[tokio::test]
async fn dane_tlsa_statuses_and_findings() {
    let Some(lab) = lab() else { return };
    let up = Upstream::server(lab.nsd.addr(), &support::quick());
    let opts = options(&lab);

    // mx1 has secure, usable TLSA; the backup in the unsigned child has none.
    let r = report(&up, &opts, "sec.test.").await;
    let t = r.tlsa.as_ref().unwrap();
    let mx1 = t.iter().find(|h| h.exchange == "mx1.sec.test.").unwrap();
    assert_eq!(mx1.lookup, TlsaLookup::Found, "{t:?}");
    assert_eq!(mx1.dnssec, DnssecStatus::Secure, "{t:?}");
    assert_eq!(
        (
            mx1.records[0].usage,
            mx1.records[0].selector,
            mx1.records[0].matching_type
        ),
        (3, 1, 1)
    );
    assert!(mx1.dane_usable());
    assert_eq!(codes(&r, "tlsa-partial"), ["mx.insec.sec.test."]);
    assert_eq!(codes(&r, "tls-rpt-missing"), ["sec.test."]);
    assert!(codes(&r, "tlsa-insecure").is_empty() && codes(&r, "tlsa-unusable").is_empty());

    // PKIX usage and a short digest: unusable for SMTP.
    let u = report(&up, &opts, "u.sec.test.").await;
    assert_eq!(
        codes(&u, "tlsa-unusable"),
        ["mxu.sec.test."],
        "{:?}",
        u.findings
    );
    let f = u
        .findings
        .iter()
        .find(|f| f.code == "tlsa-unusable")
        .unwrap();
    assert!(
        f.message.contains("usage 1") && f.message.contains("32-byte"),
        "{}",
        f.message
    );
    assert!(f.message.contains("none usable"), "{}", f.message);

    // TLSA in an unsigned zone: published but not secure.
    let i = report(&up, &opts, "i.sec.test.").await;
    let h = &i.tlsa.as_ref().unwrap()[0];
    assert_eq!(h.dnssec, DnssecStatus::Insecure, "{h:?}");
    assert_eq!(codes(&i, "tlsa-insecure"), ["mxt.insec.sec.test."]);

    // A signed exchange whose TLSA fails validation: DANE senders defer.
    let b = report(&up, &opts, "bog.test.").await;
    let mx2 = b
        .tlsa
        .as_ref()
        .unwrap()
        .iter()
        .find(|h| h.exchange == "mx2.bog.test.")
        .unwrap();
    assert_eq!(mx2.lookup, TlsaLookup::Failed, "{mx2:?}");
    assert_eq!(codes(&b, "tlsa-lookup-failed"), ["mx2.bog.test."]);
    assert_eq!(
        b.findings
            .iter()
            .find(|f| f.code == "tlsa-lookup-failed")
            .unwrap()
            .severity,
        mxlens::mx::Severity::Error
    );
}

/// RFC 7672 decides host by host: a DANE sender authenticates mx1 and
/// gives the TLSA-less backup unauthenticated TLS; a mandatory-DANE sender
/// (Postfix dane-only) refuses the backup.
#[tokio::test]
async fn dane_senders_decide_host_by_host_and_dane_only_refuses_the_rest() {
    use mxlens::mx::enforce::{Enforce, refused};
    let Some(lab) = lab() else { return };
    let up = Upstream::server(lab.nsd.addr(), &support::quick());
    let r = report(&up, &options(&lab), "sec.test.").await;
    let (out, note) = refused(&r, Enforce::Dane);
    assert!(out.is_empty(), "{out:?}");
    let note = note.expect("a note on the unauthenticated backup");
    assert!(
        note.contains("mx.insec.sec.test.") && note.contains("unauthenticated TLS"),
        "{note}"
    );
    let (out, _) = refused(&r, Enforce::DaneOnly);
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(out[0].0, "mx.insec.sec.test.");
    assert!(out[0].1.contains("not DNSSEC-secure"), "{}", out[0].1);
    // Without DNSSEC (no anchor) nothing is authenticated: DANE senders
    // deliver everywhere, mandatory DANE refuses every exchange.
    let plain = SecurityOptions::with_roots(TestCa::new("unused").roots()).unwrap();
    let r = report(&up, &plain, "sec.test.").await;
    let (out, note) = refused(&r, Enforce::Dane);
    assert!(out.is_empty() && note.unwrap().contains("does not use DANE"));
    assert_eq!(refused(&r, Enforce::DaneOnly).0.len(), 2);
}

#[tokio::test]
async fn without_the_anchor_nothing_is_secure() {
    let Some(lab) = lab() else { return };
    let up = Upstream::server(lab.nsd.addr(), &support::quick());
    // The built-in root anchor: the lab's zones do not chain to it.
    let opts = SecurityOptions::with_roots(TestCa::new("unused").roots()).unwrap();
    let r = report(&up, &opts, "sec.test.").await;
    let d = r.dnssec.as_ref().unwrap();
    // NSD serves no root zone: without the root's keys there is no chain
    // of trust at all, which is indeterminate, not bogus.
    assert_eq!(d.mx, DnssecStatus::Indeterminate, "{d:?}");
    assert!(
        d.exchanges
            .iter()
            .all(|e| e.a == DnssecStatus::Indeterminate),
        "{d:?}"
    );
    assert!(codes(&r, "dnssec-bogus").is_empty(), "{:?}", r.findings);
}

const SPLIT: &str = "$ORIGIN split.test.
$TTL 300
@ IN SOA ns.split.test. hostmaster.split.test. 1 7200 3600 1209600 60
@ IN NS ns.split.test.
ns IN A 127.0.0.1
@ IN MX 10 mx.split.test.
@ IN MX 20 mx.elsewhere.test.
@ IN MX 30 alias.split.test.
mx IN A 192.0.2.7
alias IN CNAME mx
_25._tcp.mx IN TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
";

const ELSEWHERE: &str = "$ORIGIN elsewhere.test.
$TTL 300
@ IN SOA ns.elsewhere.test. hostmaster.elsewhere.test. 1 7200 3600 1209600 60
@ IN NS ns.elsewhere.test.
ns IN A 127.0.0.1
mx IN A 192.0.2.8
_25._tcp.mx IN TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
";

/// A zone signed as most are (a key-signing key that only the DS names,
/// and a zone-signing key that signs the data), anchored by that DS alone
/// or by the KSK's DNSKEY alone; its backup exchange lives in a zone no
/// anchor covers.
#[tokio::test]
async fn a_ksk_anchor_vouches_for_the_zone_signing_key_and_names_outside_are_indeterminate() {
    if !have_ldns() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ksk = keygen(d, "split.test.");
    let zsk = keygen_zsk(d, "split.test.");
    let signed = sign_split(d, "split.test.", &write(d, "split.zone", SPLIT), &ksk, &zsk);
    let elsewhere = write(d, "elsewhere.zone", ELSEWHERE);
    let Some(nsd) = Nsd::start(
        d,
        &[("split.test.", signed), ("elsewhere.test.", elsewhere)],
    ) else {
        return;
    };
    let up = Upstream::server(nsd.addr(), &support::quick());
    let ds = std::fs::read_to_string(d.join(format!("{ksk}.ds"))).unwrap();
    let dnskey = std::fs::read_to_string(d.join(format!("{ksk}.key"))).unwrap();
    for anchor in [ds, dnskey] {
        let mut opts = SecurityOptions::with_roots(TestCa::new("unused").roots()).unwrap();
        opts.trust_anchor = Some(Arc::new(parse_anchors(&anchor).unwrap()));
        let r = report(&up, &opts, "split.test.").await;
        let d = r.dnssec.as_ref().expect("dnssec ran");
        assert_eq!(d.mx, DnssecStatus::Secure, "{anchor}: {d:?}");
        let mx = d
            .exchanges
            .iter()
            .find(|e| e.exchange == "mx.split.test.")
            .unwrap();
        assert_eq!(
            (mx.a, mx.aaaa),
            (DnssecStatus::Secure, DnssecStatus::Secure),
            "{d:?}"
        );
        // Through a signed CNAME: the alias and the target's A are signed,
        // and so is the proof that the target has no AAAA.
        let alias = d
            .exchanges
            .iter()
            .find(|e| e.exchange == "alias.split.test.")
            .unwrap();
        assert_eq!(
            (alias.a, alias.aaaa),
            (DnssecStatus::Secure, DnssecStatus::Secure),
            "{d:?}"
        );
        // Its TLSA is looked up at the expanded name first (RFC 7672):
        // the alias is authenticated like its target, no tlsa-partial.
        let alias_tlsa = r
            .tlsa
            .as_ref()
            .unwrap()
            .iter()
            .find(|t| t.exchange == "alias.split.test.")
            .unwrap();
        assert_eq!(alias_tlsa.lookup, TlsaLookup::Found, "{alias_tlsa:?}");
        assert_eq!(alias_tlsa.dnssec, DnssecStatus::Secure);
        assert!(
            !codes(&r, "tlsa-partial").contains(&"alias.split.test.".to_string()),
            "{:?}",
            r.findings
        );
        // Outside every anchor: no chain of trust, which is not bogus.
        let out = d
            .exchanges
            .iter()
            .find(|e| e.exchange == "mx.elsewhere.test.")
            .unwrap();
        assert_eq!(out.a, DnssecStatus::Indeterminate, "{d:?}");
        assert!(codes(&r, "dnssec-bogus").is_empty(), "{:?}", r.findings);
        let tlsa = r.tlsa.as_ref().unwrap();
        let inside = tlsa
            .iter()
            .find(|t| t.exchange == "mx.split.test.")
            .unwrap();
        assert_eq!(
            (inside.lookup, inside.dnssec),
            (TlsaLookup::Found, DnssecStatus::Secure)
        );
        // Its TLSA is read, but nothing vouches for it.
        let outside = tlsa
            .iter()
            .find(|t| t.exchange == "mx.elsewhere.test.")
            .unwrap();
        assert_eq!(outside.lookup, TlsaLookup::Found, "{outside:?}");
        assert_eq!(outside.dnssec, DnssecStatus::Indeterminate);
        assert!(
            codes(&r, "tlsa-lookup-failed").is_empty(),
            "{:?}",
            r.findings
        );
    }
}

#[test]
fn anchor_files_take_ds_and_dnskey_and_refuse_the_rest() {
    let a = parse_anchors(
        "; comment\nexample.test. 3600 IN DS 34799 13 2 4b6ec98a84325133a0dd0eb2d7e3c7979a0d242f8786f4fb296be2926fd258f7\n",
    )
    .unwrap();
    assert_eq!(a.ds.len(), 1);
    assert!(
        parse_anchors("example.test. IN A 192.0.2.1\n")
            .unwrap_err()
            .contains("neither DS nor DNSKEY")
    );
    assert!(parse_anchors("; nothing\n").is_err());
}
