"""Generated zone and query lists for scripts/bench-bulk.

`write(dir, n)` writes, for domains d0 … d{n-1} under bench.test.:
  bench.test.zone   each domain with two MX hosts (preference 10 and 20),
                    every host with one A and one AAAA (documentation ranges);
                    plus four.bench.test. with four exchanges (critical path)
  domains.txt       the n domain names, one per line (mxlens --file)
  mx-queries.txt    "NAME MX" lines (dnsperf -d, dig -f)
"""

from pathlib import Path

ZONE = "bench.test."
FOUR = "four.bench.test."


def write(directory, n):
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    zone = [
        f"$ORIGIN {ZONE}",
        "$TTL 3600",
        f"@ IN SOA ns.{ZONE} hostmaster.{ZONE} 1 7200 3600 1209600 300",
        f"@ IN NS ns.{ZONE}",
        "ns IN A 192.0.2.253",
        "four IN MX 10 mx1.four",
        "four IN MX 10 mx2.four",
        "four IN MX 20 mx3.four",
        "four IN MX 30 mx4.four",
    ]
    for h in range(1, 5):
        zone += [f"mx{h}.four IN A 192.0.2.{h}", f"mx{h}.four IN AAAA 2001:db8:4::{h}"]
    for i in range(n):
        name = f"d{i}"
        zone += [
            f"{name} IN MX 10 mx1.{name}",
            f"{name} IN MX 20 mx2.{name}",
            f"mx1.{name} IN A 198.51.100.{i % 250 + 1}",
            f"mx1.{name} IN AAAA 2001:db8:{i // 65536:x}:{i % 65536:x}::1",
            f"mx2.{name} IN A 203.0.113.{i % 250 + 1}",
            f"mx2.{name} IN AAAA 2001:db8:{i // 65536:x}:{i % 65536:x}::2",
        ]
    (d / "bench.test.zone").write_text("\n".join(zone) + "\n")
    names = [f"d{i}.{ZONE}" for i in range(n)]
    (d / "domains.txt").write_text("\n".join(names) + "\n")
    (d / "mx-queries.txt").write_text("".join(f"{x} MX\n" for x in names))
    return d / "bench.test.zone", d / "domains.txt", d / "mx-queries.txt"
