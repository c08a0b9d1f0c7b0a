//! `mxlens watch` against a server whose zone changes mid-test: a UDP
//! proxy on loopback forwards to the server with the old zone, then to the
//! one with the new zone. The proxy counts the MX queries it forwards, so
//! "detected within two intervals" is checked by counting looks, not by a
//! clock.

mod support;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::{TestDns, WAIT, qtype};
use tokio::net::UdpSocket;

const OLD: &str = "@ 300 IN MX 10 old\nold 60 IN A 192.0.2.1\n";
const NEW: &str = "@ 300 IN MX 10 new\nnew 60 IN A 192.0.2.2\n";

/// Forwards each datagram to `a` or, once switched, to `b`.
struct SwitchProxy {
    addr: SocketAddr,
    switched: Arc<AtomicBool>,
    mx_after_switch: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl SwitchProxy {
    async fn start(a: SocketAddr, b: SocketAddr) -> Self {
        let socket = Arc::new(UdpSocket::bind("127.0.0.1:0").await.unwrap());
        let addr = socket.local_addr().unwrap();
        let switched = Arc::new(AtomicBool::new(false));
        let mx_after_switch = Arc::new(AtomicUsize::new(0));
        let (sw, count) = (switched.clone(), mx_after_switch.clone());
        let task = tokio::spawn(async move {
            let mut buf = [0u8; 4096];
            while let Ok((n, peer)) = socket.recv_from(&mut buf).await {
                let packet = buf[..n].to_vec();
                let to = if sw.load(Ordering::SeqCst) {
                    if qtype(&packet) == Some(15) {
                        count.fetch_add(1, Ordering::SeqCst);
                    }
                    b
                } else {
                    a
                };
                let socket = socket.clone();
                tokio::spawn(async move {
                    let up = UdpSocket::bind("127.0.0.1:0").await.unwrap();
                    up.send_to(&packet, to).await.unwrap();
                    let mut answer = [0u8; 4096];
                    if let Ok(Ok(n)) =
                        tokio::time::timeout(Duration::from_secs(2), up.recv(&mut answer)).await
                    {
                        let _ = socket.send_to(&answer[..n], peer).await;
                    }
                });
            }
        });
        Self {
            addr,
            switched,
            mx_after_switch,
            task,
        }
    }

    fn switch(&self) {
        self.switched.store(true, Ordering::SeqCst);
    }
}

impl Drop for SwitchProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Runs `watch --every 1 --until-change` through the proxy, switches once
/// the first answer is printed, and returns (exit code, output lines, MX
/// queries after the switch).
async fn watch_through_switch(format: &str) -> (i32, Vec<String>, usize) {
    let old = TestDns::start(&[("mig.test.", OLD)]).await;
    let new = TestDns::start(&[("mig.test.", NEW)]).await;
    let proxy = SwitchProxy::start(old.addr(), new.addr()).await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_mxlens"))
        .env("NO_COLOR", "1")
        .args([
            "watch",
            "--resolver",
            &proxy.addr.to_string(),
            "--timeout",
            "0.5",
            "--every",
            "1",
            "--until-change",
            "--format",
            format,
            "mig.test",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    let deadline = Instant::now() + WAIT;
    // The first answer, from the old zone.
    while !lines.iter().any(|l: &String| l.contains("old.mig.test.")) {
        let line = tokio::time::timeout_at(deadline.into(), rx.recv())
            .await
            .unwrap_or_else(|_| panic!("no first answer; got {lines:?}"))
            .expect("watch is still running");
        lines.push(line);
    }
    proxy.switch();
    while let Ok(Some(line)) = tokio::time::timeout_at(deadline.into(), rx.recv()).await {
        lines.push(line);
    }
    let status = tokio::task::spawn_blocking(move || {
        let end = Instant::now() + WAIT;
        loop {
            if let Some(s) = child.try_wait().unwrap() {
                return s;
            }
            if Instant::now() > end {
                let _ = child.kill();
                panic!("watch did not stop after the change");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    })
    .await
    .unwrap();
    let looks = proxy.mx_after_switch.load(Ordering::SeqCst);
    (status.code().unwrap_or(-1), lines, looks)
}

#[tokio::test(flavor = "multi_thread")]
async fn until_change_exits_1_and_names_the_change_in_json() {
    let (code, lines, looks) = watch_through_switch("json").await;
    assert_eq!(code, 1, "{lines:?}");
    assert!(
        (1..=2).contains(&looks),
        "the change is seen within two looks after it, not {looks}"
    );
    let events: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(events.iter().all(|e| e["schema"] == "mxlens/watch/v1"));
    assert_eq!(events[0]["event"], "initial");
    assert_eq!(
        events[0]["answer"],
        "MX 10 old.mig.test.; old.mig.test. 192.0.2.1"
    );
    let change = events.iter().find(|e| e["event"] == "change").unwrap();
    assert_eq!(change["role"], "resolver");
    assert_eq!(
        change["changes"],
        serde_json::json!([
            "- MX 10 old.mig.test.",
            "+ MX 10 new.mig.test.",
            "- old.mig.test. 192.0.2.1",
            "+ new.mig.test. 192.0.2.2"
        ])
    );
    assert_eq!(events.last().unwrap()["event"], "change", "it stops there");
}

#[tokio::test(flavor = "multi_thread")]
async fn until_change_names_the_change_in_text() {
    let (code, lines, _) = watch_through_switch("text").await;
    eprintln!("{}", lines.join("\n"));
    assert_eq!(code, 1, "{lines:?}");
    assert!(
        lines[0].starts_with("watching 1 domain on 127.0.0.1:"),
        "{lines:?}"
    );
    let change = lines.iter().find(|l| l.contains("changed:")).unwrap();
    assert!(
        change.contains("changed: - MX 10 old.mig.test., + MX 10 new.mig.test.,"),
        "{change}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn until_consistent_exits_0_once_resolvers_and_authorities_agree() {
    let a = TestDns::start(&[("mig.test.", NEW)]).await;
    let b = TestDns::start(&[("mig.test.", NEW)]).await;
    let (pa, pb) = (a.addr().to_string(), b.addr().to_string());
    let mut c = Command::new(env!("CARGO_BIN_EXE_mxlens"));
    c.args([
        "watch",
        "--resolver",
        &pa,
        "--resolver",
        &pb,
        "--authority",
        &pa,
        "--authority",
        &pb,
        "--until-consistent",
        "--format",
        "json",
        "mig.test",
    ]);
    let out = tokio::task::spawn_blocking(move || c.output().unwrap())
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let events: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let roles: Vec<&str> = events
        .iter()
        .filter(|e| e["event"] == "initial")
        .map(|e| e["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["resolver", "resolver", "authority", "authority"]);
    assert_eq!(events.last().unwrap()["event"], "consistent");
}

#[test]
fn bad_intervals_are_usage_errors() {
    for bad in ["0", "0.5", "abc", "100000"] {
        let out = Command::new(env!("CARGO_BIN_EXE_mxlens"))
            .args([
                "watch",
                "--every",
                bad,
                "--resolver",
                "127.0.0.1:9",
                "x.test",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.contains(&format!("\"{bad}\" is not an interval")),
            "{err}"
        );
    }
}
