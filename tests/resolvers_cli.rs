//! `check` with several resolvers: propagation (when each resolver's answer
//! expires) and a resolver that gives no answer (unknown, not a difference).

mod support;

use std::process::Command;

use support::{SilentServer, TestDns};

#[tokio::test(flavor = "multi_thread")]
async fn differing_records_carry_expiry_and_a_silent_resolver_is_unknown() {
    let old =
        TestDns::start(&[("mig.test.", "@ 2460 IN MX 10 old\nold 60 IN A 192.0.2.1\n")]).await;
    let new = TestDns::start(&[("mig.test.", "@ 300 IN MX 10 new\nnew 60 IN A 192.0.2.2\n")]).await;
    let silent = SilentServer::start();
    let (po, pn, ps) = (
        old.addr().to_string(),
        new.addr().to_string(),
        silent.addr().to_string(),
    );
    let mut c = Command::new(env!("CARGO_BIN_EXE_mxlens"));
    c.env("NO_COLOR", "1").args([
        "check",
        "--timeout",
        "0.3",
        "--resolver",
        &po,
        "--resolver",
        &pn,
        "--resolver",
        &ps,
        "mig.test",
    ]);
    let out = tokio::task::spawn_blocking(move || c.output().unwrap())
        .await
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&format!("≠ mig.test.: {pn} differs from {po}")),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "- MX 10 old.mig.test.   (expires at {po} in 41 m, at {pn} in 5 m)"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "? mig.test.: {ps} gave no answer (timeout): unknown, not compared"
        )),
        "{text}"
    );
    assert!(
        !text.contains(&format!("{ps} differs")),
        "a silent resolver is not a disagreement: {text}"
    );
    // The failed lookup still decides the exit code (a lookup that could not be completed).
    assert_eq!(out.status.code(), Some(2));
}
