//! NSD on loopback serving zone files (signed ones included), and DNSSEC
//! signing with ldnsutils, for the DNSSEC tests.

use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// An NSD process on 127.0.0.1 (random port); stopped on drop.
pub struct Nsd {
    child: Child,
    addr: SocketAddr,
}

/// The NSD binary, or `None` (with a note, or a failure under CI).
pub fn nsd_binary() -> Option<PathBuf> {
    for p in ["/usr/sbin/nsd", "/usr/bin/nsd"] {
        if Path::new(p).is_file() {
            return Some(PathBuf::from(p));
        }
    }
    super::have_tool("nsd", "nsd").then(|| PathBuf::from("nsd"))
}

impl Nsd {
    /// Serves `zones` (origin, zone file) from `dir`.
    pub fn start(dir: &Path, zones: &[(&str, PathBuf)]) -> Option<Self> {
        let nsd = nsd_binary()?;
        let port = {
            let s = UdpSocket::bind("127.0.0.1:0").unwrap();
            s.local_addr().unwrap().port()
        };
        let d = dir.display();
        let mut conf = format!(
            "server:\n  ip-address: 127.0.0.1@{port}\n  username: \"\"\n  chroot: \"\"\n  database: \"\"\n  zonesdir: \"{d}\"\n  pidfile: \"{d}/nsd.pid\"\n  zonelistfile: \"{d}/zone.list\"\n  xfrdfile: \"{d}/xfrd.state\"\n  xfrdir: \"{d}\"\n  server-count: 1\n  rrl-ratelimit: 0\n  verbosity: 1\nremote-control:\n  control-enable: no\n"
        );
        for (origin, file) in zones {
            conf.push_str(&format!(
                "zone:\n  name: \"{origin}\"\n  zonefile: \"{}\"\n",
                file.display()
            ));
        }
        let conf_path = dir.join("nsd.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let child = Command::new(nsd)
            .args(["-d", "-c"])
            .arg(&conf_path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let nsd = Self { child, addr };
        nsd.wait_ready(zones[0].0);
        Some(nsd)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Polls with an SOA query until NSD answers (bounded).
    fn wait_ready(&self, zone: &str) {
        let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
        sock.set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        let query = soa_query(zone);
        let deadline = Instant::now() + super::WAIT;
        let mut buf = [0u8; 512];
        loop {
            let _ = sock.send_to(&query, self.addr);
            if sock
                .recv_from(&mut buf)
                .is_ok_and(|(n, _)| n >= 12 && buf[3] & 0x0f == 0)
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "NSD did not answer on {} within {:?}",
                self.addr,
                super::WAIT
            );
        }
    }
}

impl Drop for Nsd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn soa_query(zone: &str) -> Vec<u8> {
    let mut q = vec![0x12, 0x34, 0x00, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
    for label in zone.trim_end_matches('.').split('.') {
        q.push(label.len() as u8);
        q.extend_from_slice(label.as_bytes());
    }
    q.extend_from_slice(&[0, 0, 6, 0, 1]);
    q
}

/// Whether ldns-keygen and ldns-signzone are there (ldnsutils).
pub fn have_ldns() -> bool {
    super::have_tool("ldns-signzone", "ldnsutils") && super::have_tool("ldns-keygen", "ldnsutils")
}

/// Makes a signing key for `zone` in `dir` (ECDSA P-256, one key that signs
/// everything); returns its base name, e.g. `Kexample.test.+013+12345`.
pub fn keygen(dir: &Path, zone: &str) -> String {
    let out = Command::new("ldns-keygen")
        .args(["-a", "ECDSAP256SHA256", "-k", zone])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "ldns-keygen: {out:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// A zone-signing key (no SEP flag) for `zone`: the key's base name.
pub fn keygen_zsk(dir: &Path, zone: &str) -> String {
    let out = Command::new("ldns-keygen")
        .args(["-a", "ECDSAP256SHA256", zone])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "ldns-keygen: {out:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Signs `zone_file` with a key-signing and a zone-signing key (NSEC).
pub fn sign_split(dir: &Path, zone: &str, zone_file: &Path, ksk: &str, zsk: &str) -> PathBuf {
    let out_file = dir.join(format!("{zone}signed"));
    let out = Command::new("ldns-signzone")
        .args(["-o", zone, "-f"])
        .arg(&out_file)
        .arg(zone_file)
        .args([ksk, zsk])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "ldns-signzone: {out:?}");
    out_file
}

/// Signs `zone_file` (origin `zone`) with the key `key` (NSEC); returns the
/// signed file's path.
pub fn sign(dir: &Path, zone: &str, zone_file: &Path, key: &str) -> PathBuf {
    let out_file = dir.join(format!("{zone}signed"));
    let out = Command::new("ldns-signzone")
        .args(["-o", zone, "-f"])
        .arg(&out_file)
        .arg(zone_file)
        .arg(key)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "ldns-signzone: {out:?}");
    out_file
}
