"""Real DNS servers on loopback for the interop suite and the benchmark.

NSD serves zone files authoritatively; Unbound runs as a caching resolver in
front of it with one stub-zone per served zone and nothing else reachable
(every other name is refused, so no query ever leaves the machine). Every
wait is bounded; every server is stopped by `stop()` (use them as context
managers, or `Lab` which stops all of them).

Python 3 standard library only.
"""

import ctypes
import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

from dig import query

LOOPBACK = "127.0.0.1"


def free_port(host=LOOPBACK):
    """A port that is free for both UDP and TCP on `host` right now."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for _ in range(100):
        udp = socket.socket(family, socket.SOCK_DGRAM)
        udp.bind((host, 0))
        port = udp.getsockname()[1]
        tcp = socket.socket(family, socket.SOCK_STREAM)
        try:
            tcp.bind((host, port))
        except OSError:
            continue
        finally:
            tcp.close()
            udp.close()
        return port
    raise RuntimeError(f"no free port found on {host} for UDP and TCP")


def ipv6_loopback():
    """Whether ::1 can be bound here (containers may have no IPv6)."""
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def need(program):
    """Path of `program`, or a clear error telling how to install it."""
    for d in ("", "/usr/sbin", "/usr/bin", "/sbin"):
        path = shutil.which(program) if not d else os.path.join(d, program)
        if path and os.access(path, os.X_OK):
            return path
    raise RuntimeError(
        f'"{program}" is not installed; run .ci/run or apt-get install nsd unbound bind9-dnsutils dnsperf'
    )


class Server:
    """A server process started in the foreground, with its log file."""

    name = "server"

    def __init__(self, workdir, port=None, host=LOOPBACK):
        self.dir = Path(workdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.host = host
        self.port = port or free_port(host)
        self.proc = None
        self._pidfile = None
        self.log = self.dir / f"{self.name}.log"

    @property
    def addr(self):
        """As mxlens labels it: 127.0.0.1:PORT or [::1]:PORT."""
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    def _spawn(self, argv):
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        self._pidfile = None
        rundir = os.environ.get("MXLENS_LAB_RUNDIR")
        if rundir:
            # .ci/run stops whatever is listed here if this process dies first.
            self._pidfile = Path(rundir) / f"{self.name}-{self.proc.pid}.pid"
            self._pidfile.write_text(str(self.proc.pid))

    def log_tail(self, lines=20):
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def wait_ready(self, probe_name, probe_type="SOA", bound=15.0):
        """Poll with dig until the server answers (any rcode), at most `bound` s."""
        deadline = time.monotonic() + bound
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with status {self.proc.returncode}:\n{self.log_tail()}"
                )
            ans = query(self.host, self.port, probe_name, probe_type, timeout=1, tries=1)
            if ans.rcode is not None:
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer on {self.addr} within {bound:.0f} s:\n{self.log_tail()}")

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        if self._pidfile:
            self._pidfile.unlink(missing_ok=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class Nsd(Server):
    """NSD serving `zones` ({zone name: zone file path}) on host:port."""

    name = "nsd"

    def __init__(self, workdir, zones, port=None, host=LOOPBACK):
        super().__init__(workdir, port, host)
        self.zones = dict(zones)

    def start(self, probe_zone=None):
        nsd = need("nsd")
        zdir = self.dir / "zones"
        zdir.mkdir(exist_ok=True)
        conf = [
            "server:",
            f"    ip-address: {self.host}@{self.port}",
            '    username: ""',
            '    chroot: ""',
            '    database: ""',
            f'    zonesdir: "{zdir}"',
            f'    pidfile: "{self.dir}/nsd.pid"',
            f'    zonelistfile: "{self.dir}/zone.list"',
            f'    xfrdfile: "{self.dir}/xfrd.state"',
            f'    xfrdir: "{self.dir}"',
            "    server-count: 1",
            "    rrl-ratelimit: 0",
            "    hide-version: yes",
            "    verbosity: 1",
            "remote-control:",
            "    control-enable: no",
        ]
        for zone, path in self.zones.items():
            dest = zdir / f"{zone}.zone"
            shutil.copyfile(path, dest)
            conf += ["zone:", f'    name: "{zone}"', f'    zonefile: "{dest}"']
        conf_path = self.dir / "nsd.conf"
        conf_path.write_text("\n".join(conf) + "\n")
        self._spawn([nsd, "-d", "-c", str(conf_path)])
        self.wait_ready(probe_zone or next(iter(self.zones)))
        return self


class Unbound(Server):
    """Unbound caching resolver with a stub-zone per zone in `stubs`
    ({zone name: "127.0.0.1@port"}); every other name is refused.
    `local_data` records (zone-file lines) are served by Unbound itself."""

    name = "unbound"

    def __init__(self, workdir, stubs, port=None, local_data=()):
        super().__init__(workdir, port)
        self.stubs = dict(stubs)
        self.local_data = list(local_data)

    def start(self, probe_name=None):
        unbound = need("unbound")
        conf = [
            "server:",
            f"    interface: {LOOPBACK}",
            f"    port: {self.port}",
            "    do-ip6: no",
            "    do-daemonize: no",
            '    username: ""',
            '    chroot: ""',
            f'    directory: "{self.dir}"',
            f'    pidfile: "{self.dir}/unbound.pid"',
            '    logfile: ""',
            "    use-syslog: no",
            "    verbosity: 1",
            "    num-threads: 1",
            '    module-config: "iterator"',
            "    do-not-query-localhost: no",
            "    access-control: 127.0.0.0/8 allow",
            # Nothing but the stub zones is ever resolved: no root priming, no Internet.
            '    local-zone: "." refuse',
        ]
        tlds = sorted({z.rstrip(".").rsplit(".", 1)[-1] + "." for z in self.stubs})
        for tld in tlds:
            conf += [f'    local-zone: "{tld}" nodefault']
        for zone in self.stubs:
            conf += [f'    local-zone: "{zone}" transparent']
        for record in self.local_data:
            conf += [f'    local-data: "{record}"']
        conf += ["remote-control:", "    control-enable: no"]
        for zone, target in self.stubs.items():
            conf += ["stub-zone:", f'    name: "{zone}"', f"    stub-addr: {target}"]
        conf_path = self.dir / "unbound.conf"
        conf_path.write_text("\n".join(conf) + "\n")
        check = subprocess.run(
            [need("unbound-checkconf"), str(conf_path)], capture_output=True, text=True, timeout=30
        )
        if check.returncode != 0:
            raise RuntimeError(f"unbound-checkconf rejected {conf_path}:\n{check.stdout}{check.stderr}")
        self._spawn([unbound, "-d", "-c", str(conf_path)])
        self.wait_ready(probe_name or next(iter(self.stubs)))
        return self


PR_SET_CHILD_SUBREAPER = 36


def adopt_orphans():
    """Make this process the reaper of its descendants (Linux), so a server's
    worker that outlives its main process is ours to reap, not a zombie of init."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _own_children():
    me = str(os.getpid())
    kids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if stat.rsplit(")", 1)[1].split()[1] == me:
            kids.append(int(entry))
    return kids


def reap_orphans(bound=5.0):
    """Wait (bounded) for adopted workers to exit and reap them; terminate stragglers."""
    deadline = time.monotonic() + bound
    signalled = False
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid:
            continue
        if time.monotonic() > deadline:
            if signalled:
                return
            for kid in _own_children():
                try:
                    os.kill(kid, 15)
                except ProcessLookupError:
                    pass
            signalled = True
            deadline = time.monotonic() + bound
        time.sleep(0.02)


class Lab:
    """Stops every server it started, in reverse order, whatever happens,
    and reaps the workers they leave behind."""

    def __init__(self):
        self.servers = []
        adopt_orphans()

    def add(self, server):
        self.servers.append(server)
        return server

    def stop(self):
        for s in reversed(self.servers):
            try:
                s.stop()
            except Exception as e:  # keep stopping the others
                print(f"lab: stopping {s.name} failed: {e}")
        self.servers.clear()
        reap_orphans()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def cargo_target_dir(root):
    """Cargo's target directory for the crate at root: CARGO_TARGET_DIR,
    a config setting, or root/target, as cargo itself decides."""
    out = subprocess.run(["cargo", "metadata", "--format-version", "1", "--no-deps"],
                         cwd=root, check=True, capture_output=True, text=True).stdout
    return Path(json.loads(out)["target_directory"])
