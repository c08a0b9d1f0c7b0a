//! Authoritative consistency against real servers on loopback: two
//! in-process authoritative servers serving different versions of one zone,
//! a server that is down, and discovery through a parent zone that delegates
//! the child to two servers.

mod support;

use std::net::SocketAddr;
use std::process::Command;

use serde_json::Value;
use support::{SilentServer, TestDns, output};

const OLD: &str = "@ 300 IN MX 10 old\nold 60 IN A 192.0.2.1\n";
const NEW: &str =
    "@ 300 IN MX 10 new\n@ 300 IN MX 20 old\nnew 60 IN A 192.0.2.2\nold 60 IN A 192.0.2.1\n";

fn mxlens(args: &[String]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_mxlens"));
    c.env("NO_COLOR", "1")
        .env_remove("MXLENS_LOG")
        .args(["--timeout", "0.5"])
        .args(args);
    c
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn json_line(out: &std::process::Output) -> Value {
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    serde_json::from_str(text.lines().next().expect("one report")).unwrap()
}

fn codes(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .filter(|c| c.contains("authorit"))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn two_servers_that_disagree_are_named_with_their_answers() {
    let a = TestDns::start(&[("mig.test.", OLD)]).await;
    let b = TestDns::start(&[("mig.test.", NEW)]).await;
    let (pa, pb) = (a.addr().to_string(), b.addr().to_string());
    let base = args(&[
        "check",
        "--resolver",
        &pa,
        "--authority",
        &pa,
        "--authority",
        &pb,
        "mig.test",
    ]);
    let out = output(mxlens(&base)).await;
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    assert_eq!(out.status.code(), Some(0), "warnings only:\n{text}");
    assert!(text.contains("mx-inconsistent-authorities"), "{text}");
    assert!(
        text.contains(&format!(
            "{pa} serves MX 10 old.mig.test.; old.mig.test. 192.0.2.1"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{pb} serves MX 10 new.mig.test., 20 old.mig.test.; new.mig.test. 192.0.2.2; old.mig.test. 192.0.2.1"
        )),
        "{text}"
    );
    assert!(text.contains("the servers DISAGREE"), "{text}");

    let mut json = base.clone();
    json.extend(args(&["--format", "json"]));
    let v = json_line(&output(mxlens(&json)).await);
    assert_eq!(codes(&v), ["mx-inconsistent-authorities"]);
    let servers = v["authorities"]["servers"].as_array().unwrap();
    assert_eq!(servers.len(), 2);
    assert_eq!(servers[0]["server"], pa.as_str());
    assert_eq!(servers[0]["status"], "answer");
    assert_eq!(servers[0]["mx"][0]["exchange"], "old.mig.test.");
    assert_eq!(servers[1]["mx"].as_array().unwrap().len(), 2);
    assert_eq!(servers[1]["addresses"][0]["ip"], "192.0.2.2");
    assert_eq!(v["authorities"]["discovered"], false);
}

#[tokio::test(flavor = "multi_thread")]
async fn agreeing_servers_give_no_authority_finding() {
    let a = TestDns::start(&[("mig.test.", NEW)]).await;
    let b = TestDns::start(&[("mig.test.", NEW)]).await;
    let (pa, pb) = (a.addr().to_string(), b.addr().to_string());
    let out = output(mxlens(&args(&[
        "check",
        "--resolver",
        &pa,
        "--authority",
        &pa,
        "--authority",
        &pb,
        "--format",
        "json",
        "mig.test",
    ])))
    .await;
    let v = json_line(&out);
    assert!(codes(&v).is_empty(), "{v}");
    assert_eq!(v["authorities"]["servers"][1]["status"], "answer");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_down_is_unreachable_and_the_other_still_counts() {
    let a = TestDns::start(&[("mig.test.", NEW)]).await;
    let silent = SilentServer::start();
    // A closed port: the kernel refuses at once.
    let closed = std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let (pa, ps, pc) = (
        a.addr().to_string(),
        silent.addr().to_string(),
        closed.to_string(),
    );
    let started = std::time::Instant::now();
    let out = output(mxlens(&args(&[
        "check",
        "--resolver",
        &pa,
        "--authority",
        &pa,
        "--authority",
        &ps,
        "--authority",
        &pc,
        "--format",
        "json",
        "mig.test",
    ])))
    .await;
    assert_eq!(out.status.code(), Some(0));
    let v = json_line(&out);
    assert_eq!(
        codes(&v),
        ["authority-unreachable", "authority-unreachable"]
    );
    let servers = v["authorities"]["servers"].as_array().unwrap();
    assert_eq!(servers[0]["status"], "answer");
    assert_eq!(servers[0]["mx"][0]["exchange"], "new.mig.test.");
    assert_eq!(servers[1]["status"], "unreachable");
    assert_eq!(servers[1]["error"], "timeout");
    assert_eq!(servers[2]["status"], "unreachable");
    assert_eq!(servers[2]["error"], "unreachable", "a refused port says so");
    // The silent server costs its two tries of 0.5 s; nothing waits longer.
    assert!(started.elapsed().as_secs_f64() < 10.0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_without_the_zone_is_lame() {
    let a = TestDns::start(&[("mig.test.", NEW)]).await;
    let other = TestDns::start(&[("elsewhere.test.", "")]).await;
    let (pa, po) = (a.addr().to_string(), other.addr().to_string());
    let out = output(mxlens(&args(&[
        "check",
        "--resolver",
        &pa,
        "--authority",
        &pa,
        "--authority",
        &po,
        "--format",
        "json",
        "mig.test",
    ])))
    .await;
    let v = json_line(&out);
    assert_eq!(codes(&v), ["authority-lame"]);
    assert_eq!(v["authorities"]["servers"][1]["status"], "lame");
    assert_eq!(v["authorities"]["servers"][1]["error"], "refused");
}

/// Two child servers on 127.0.0.2 and 127.0.0.3, one port for both (the
/// port the discovered addresses are asked on).
async fn child_pair() -> (TestDns, TestDns, u16) {
    for _ in 0..50 {
        let a = TestDns::start_at(&[("child.lab.test.", OLD)], "127.0.0.2:0".parse().unwrap())
            .await
            .expect("127.0.0.2 is a loopback address on Linux");
        let port = a.addr().port();
        let at: SocketAddr = format!("127.0.0.3:{port}").parse().unwrap();
        if let Ok(b) = TestDns::start_at(&[("child.lab.test.", NEW)], at).await {
            return (a, b, port);
        }
    }
    panic!("no port free on both 127.0.0.2 and 127.0.0.3");
}

#[tokio::test(flavor = "multi_thread")]
async fn discovery_follows_the_delegation_to_both_servers() {
    let (_a, _b, port) = child_pair().await;
    let parent = TestDns::start(&[
        (
            "lab.test.",
            "child 300 IN NS ns-a.nsnet.test.\nchild 300 IN NS ns-b.nsnet.test.\n",
        ),
        (
            "nsnet.test.",
            "ns-a 300 IN A 127.0.0.2\nns-b 300 IN A 127.0.0.3\n",
        ),
    ])
    .await;
    let up = parent.addr().to_string();
    let out = output(mxlens(&args(&[
        "check",
        "--resolver",
        &up,
        "--authorities",
        "--authority-port",
        &port.to_string(),
        "--format",
        "json",
        "child.lab.test",
    ])))
    .await;
    let v = json_line(&out);
    let auth = &v["authorities"];
    assert_eq!(auth["zone"], "child.lab.test.", "{v}");
    assert_eq!(auth["discovered"], true);
    let servers = auth["servers"].as_array().unwrap();
    let named: Vec<(String, String)> = servers
        .iter()
        .map(|s| {
            (
                s["ns"].as_str().unwrap().to_string(),
                s["server"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        named,
        [
            ("ns-a.nsnet.test.".into(), format!("127.0.0.2:{port}")),
            ("ns-b.nsnet.test.".into(), format!("127.0.0.3:{port}")),
        ]
    );
    assert!(codes(&v).contains(&"mx-inconsistent-authorities".to_string()));
    let message = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "mx-inconsistent-authorities")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.contains(&format!(
            "127.0.0.2:{port} (ns-a.nsnet.test.) serves MX 10 old.child.lab.test."
        )),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn discovery_off_by_default_and_failure_is_said() {
    let a = TestDns::start(&[("mig.test.", NEW)]).await;
    let pa = a.addr().to_string();
    let plain = output(mxlens(&args(&[
        "check",
        "--resolver",
        &pa,
        "--format",
        "json",
        "mig.test",
    ])))
    .await;
    assert!(json_line(&plain).get("authorities").is_none());
    // Discovery through a server that only knows mig.test.: the NS name
    // ns1.lab.test. has no address, which is said, not hidden.
    let out = output(mxlens(&args(&[
        "check",
        "--resolver",
        &pa,
        "--authorities",
        "mig.test",
    ])))
    .await;
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("zone mig.test., from its NS set"), "{text}");
    assert!(
        text.contains("ns1.lab.test.  no answer (no-address)"),
        "{text}"
    );
    assert!(text.contains("authority-unreachable"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_shows_a_migration_offline() {
    let out = output(mxlens(&args(&[
        "check",
        "--demo",
        "--authorities",
        "--format",
        "json",
        "migrating.example",
        "healthy.example",
    ])))
    .await;
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(codes(&lines[0]), ["mx-inconsistent-authorities"], "{text}");
    let ns: Vec<&str> = lines[0]["authorities"]["servers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["ns"].as_str().unwrap())
        .collect();
    assert_eq!(ns, ["ns-new.demo.test.", "ns-old.demo.test."]);
    assert!(
        codes(&lines[1]).is_empty(),
        "the other demo domains are consistent: {text}"
    );
    assert_eq!(
        lines[1]["authorities"]["servers"][0]["ns"],
        "ns1.demo.test."
    );

    let out = output(mxlens(&args(&[
        "check",
        "--demo",
        "--demo-resolvers",
        "migrating.example",
    ])))
    .await;
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(
            "+ MX 10 mx-old.migrating.example.   (expires at demo in 1 m, at demo-lagging in 41 m)"
        ),
        "{text}"
    );
}
