"""What a correct MX report holds, computed from dig's answers alone.

The result mirrors the parts of `mxlens/report/v1` that dig can establish:
outcome, error word, and for every MX record its preference, exchange, TTL
and the addresses (with TTLs) its exchange resolves to.
"""

import ipaddress

from dig import follow, query, report_name

RCODE_WORDS = {"SERVFAIL": "servfail", "REFUSED": "refused"}


def _status(ans):
    if ans.rcode is None:
        return "timeout"
    if ans.rcode == "NXDOMAIN":
        return "nxdomain"
    if ans.rcode == "NOERROR":
        return "nodata"
    return RCODE_WORDS.get(ans.rcode, "error")


def addresses(server, port, name):
    """(address_status, [(ip, family, ttl)], cname chain) of one exchange,
    `name` in presentation form."""
    found = []
    statuses = []
    chain = []
    for rtype, family in (("A", "ipv4"), ("AAAA", "ipv6")):
        ans = query(server, port, name, rtype)
        c, _, recs = follow(ans.records, name, rtype)
        chain = chain or [report_name(x) for x in c]
        for r in recs:
            found.append((str(ipaddress.ip_address(r.rdata)), family, r.ttl))
        statuses.append("ok" if recs else _status(ans))
    if found:
        status = "ok"
    elif statuses[0] == statuses[1]:
        status = statuses[0]
    else:
        status = None  # A and AAAA failed differently: no single word to expect
    return status, sorted(found), chain


def report(server, port, domain):
    """The oracle's report for `domain` (ASCII, trailing dot) from server:port."""
    ans = query(server, port, domain, "MX")
    if ans.rcode is None:
        return {"outcome": "error", "error": "timeout", "mx": []}
    if ans.rcode in ("SERVFAIL", "REFUSED"):
        return {"outcome": "error", "error": RCODE_WORDS[ans.rcode], "mx": []}
    if ans.rcode == "NXDOMAIN":
        return {"outcome": "nxdomain", "error": None, "mx": []}
    if ans.rcode != "NOERROR":
        return {"outcome": "error", "error": ans.rcode.lower(), "mx": []}
    domain_chain, _, mx_records = follow(ans.records, domain, "MX")
    hosts = []
    if mx_records:
        for r in mx_records:
            pref, exchange = r.rdata.split(None, 1)
            hosts.append({"preference": int(pref), "exchange": report_name(exchange.strip()),
                          "query": exchange.strip(), "ttl": r.ttl})
        outcome = "null_mx" if all(h["exchange"] == "." for h in hosts) else "mx"
    else:
        hosts.append({"preference": 0, "exchange": report_name(domain), "query": domain, "ttl": None})
        outcome = None  # implicit or no_mail, decided by the addresses
    for h in hosts:
        if h["exchange"] == ".":
            h.pop("query")
            h.update(address_status=None, addresses=[], cname=[])
            continue
        status, addrs, chain = addresses(server, port, h.pop("query"))
        h.update(address_status=status, addresses=addrs, cname=chain)
    if outcome is None:
        if hosts[0]["addresses"]:
            outcome = "implicit"
        else:
            outcome, hosts = "no_mail", []
    hosts.sort(key=lambda h: (h["preference"], h["exchange"]))
    return {"outcome": outcome, "error": None, "mx": hosts,
            "domain_cname": [report_name(x) for x in domain_chain]}
