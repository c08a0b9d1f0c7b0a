//! `mxlens compare` end to end against lab zones: a portfolio where one
//! domain still points at the old provider.

mod support;

use support::{TestDns, mxlens, output as run};

const NEW: &str = "@ IN MX 1 a.mail.test.\n@ IN MX 5 b.mail.test.";
const OLD: &str = "@ IN MX 10 mx.old.test.";

async fn lab() -> TestDns {
    TestDns::start(&[
        ("one.test.", NEW),
        ("two.test.", NEW),
        ("three.test.", OLD),
        (
            "mail.test.",
            "a IN A 192.0.2.1\nb IN A 192.0.2.2\nb IN AAAA 2001:db8::2",
        ),
        ("old.test.", "mx IN A 198.51.100.1"),
    ])
    .await
}

#[tokio::test]
async fn text_names_the_domain_that_differs_from_the_majority() {
    let lab = lab().await;
    let mut c = mxlens();
    c.args(["compare", "--resolver", &lab.addr().to_string()])
        .args(["one.test", "two.test", "three.test"]);
    let out = run(c).await;
    assert_eq!(out.status.code(), Some(1), "tiers differ");
    let text = String::from_utf8(out.stdout).unwrap();
    let want = format!(
        "3 domains side by side (resolver {})

  outcome           same: mx
≠ exchanges         three.test. differs from the other 2
    one.test.       1 a.mail.test., 5 b.mail.test.
    two.test.       1 a.mail.test., 5 b.mail.test.
  ≠ three.test.     10 mx.old.test.
≠ preferences       three.test. differs from the other 2
    one.test.       1 host at 1, 1 host at 5
    two.test.       1 host at 1, 1 host at 5
  ≠ three.test.     1 host at 10
",
        lab.addr()
    );
    assert!(text.starts_with(&want), "got:\n{text}\nwant start:\n{want}");
    for l in [
        "≠ families          three.test. differs from the other 2\n    one.test.       IPv4 all (2/2), IPv6 some (1/2)\n",
        "≠ shared addresses  three.test. differs from the other 2\n    one.test.       192.0.2.1, 192.0.2.2, 2001:db8::2\n",
        "  ≠ three.test.     —\n",
        "  providers         same: unrecognised\n",
        "  ≠ three.test.     info no-ipv6, info single-mx\n\n5 of 7 tiers differ\n",
    ] {
        assert!(text.contains(l), "{l:?} missing:\n{text}");
    }
}

#[tokio::test]
async fn json_is_one_compare_v1_object_with_the_reports() {
    let lab = lab().await;
    let mut c = mxlens();
    c.args([
        "compare",
        "--format",
        "json",
        "--resolver",
        &lab.addr().to_string(),
    ])
    .args(["one.test", "two.test", "three.test"]);
    let out = run(c).await;
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 1);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["schema"], "mxlens/compare/v1");
    assert_eq!(
        v["domains"],
        serde_json::json!(["one.test.", "two.test.", "three.test."])
    );
    assert_eq!(v["resolver"], lab.addr().to_string());
    assert_eq!(v["reports"].as_array().unwrap().len(), 3);
    assert_eq!(v["reports"][2]["schema"], "mxlens/report/v1");
    let tiers: Vec<&str> = v["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["tier"].as_str().unwrap())
        .collect();
    assert_eq!(
        tiers,
        [
            "outcome",
            "exchanges",
            "preference_structure",
            "providers",
            "address_families",
            "shared_addresses",
            "findings"
        ]
    );
    let ex = &v["tiers"][1];
    assert_eq!(ex["same"], false);
    assert_eq!(
        ex["majority"],
        serde_json::json!(["one.test.", "two.test."])
    );
    assert_eq!(ex["differs"], serde_json::json!(["three.test."]));
    assert_eq!(ex["values"][2], serde_json::json!(["10 mx.old.test."]));
    assert_eq!(v["tiers"][0]["same"], true);
    assert_eq!(v["tiers"][0]["differs"], serde_json::json!([]));
}

#[tokio::test]
async fn identical_layouts_exit_0_and_failures_exit_2() {
    let lab = lab().await;
    let addr = lab.addr().to_string();
    let mut c = mxlens();
    c.args(["compare", "--resolver", &addr, "one.test", "two.test"]);
    let out = run(c).await;
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .ends_with("\nall 7 tiers agree\n")
    );
    // A zone the lab does not serve: REFUSED, so the comparison is incomplete.
    let mut c = mxlens();
    c.args(["compare", "--resolver", &addr, "one.test", "elsewhere.test"]);
    assert_eq!(run(c).await.status.code(), Some(2));
    let mut c = mxlens();
    c.args(["compare", "--resolver", &addr, "one.test", "ONE.test."]);
    let out = run(c).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("\"one.test.\" is named twice")
    );
}
