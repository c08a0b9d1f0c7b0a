"""dig as an independent oracle: run it, parse what it prints.

Record owners are decoded to one character per wire octet (presentation
escapes like `\\027` and `\\.` undone); rdata stays as dig printed it.
`report_name` turns dig's presentation form into the form mxlens reports
names in (lower-case; octets as received, except `.` and `\\` inside a label
written `\\.` and `\\\\`, and octets above 127 as `\\DDD`).
"""

import re
import subprocess
from dataclasses import dataclass, field

STATUS = re.compile(r"status: ([A-Z]+)")
FLAGS = re.compile(r";; flags: ([a-z ]*);")


def unescape(name):
    """Decode RFC 1035 §5.1 presentation escapes (`\\DDD`, `\\X`)."""
    out = []
    i = 0
    while i < len(name):
        c = name[i]
        if c == "\\" and i + 1 < len(name):
            if name[i + 1 : i + 4].isdigit() and len(name[i + 1 : i + 4]) == 3:
                out.append(chr(int(name[i + 1 : i + 4])))
                i += 4
                continue
            out.append(name[i + 1])
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def labels(pres):
    """The labels of a presentation-format name, each decoded to octets (as chars)."""
    out, cur, i = [], [], 0
    while i < len(pres):
        c = pres[i]
        if c == "\\" and i + 1 < len(pres):
            digits = pres[i + 1 : i + 4]
            if len(digits) == 3 and digits.isdigit():
                cur.append(chr(int(digits)))
                i += 4
                continue
            cur.append(pres[i + 1])
            i += 2
            continue
        if c == ".":
            out.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    if cur:
        out.append("".join(cur))
    return [lab for lab in out if lab != "" or len(out) == 1]


def report_name(pres):
    """dig's presentation name in the form mxlens writes into reports."""
    parts = labels(pres)
    if not parts or parts == [""]:
        return "."
    out = []
    for label in parts:
        for c in lower(label):
            if c == ".":
                out.append("\\.")
            elif c == "\\":
                out.append("\\\\")
            elif ord(c) >= 0x80:
                out.append(f"\\{ord(c):03d}")
            else:
                out.append(c)
        out.append(".")
    return "".join(out)


def lower(name):
    """ASCII-only lower-casing, as DNS compares names."""
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in name)


@dataclass
class Record:
    owner: str
    ttl: int
    rtype: str
    rdata: str


@dataclass
class Answer:
    rcode: str | None  # None: no answer at all (timeout, nothing listening)
    flags: set = field(default_factory=set)
    records: list = field(default_factory=list)
    raw: str = ""

    def of_type(self, rtype):
        return [r for r in self.records if r.rtype == rtype]


def query(server, port, name, rtype, tcp=False, timeout=2, tries=1, extra=()):
    """One query with dig; TC answers are retried over TCP as dig does by default."""
    argv = [
        "dig", f"@{server}", "-p", str(port), name, rtype,
        "+noall", "+comments", "+answer", "+nottlunits", "+noidnout", "+noidnin",
        f"+time={timeout}", f"+tries={tries}",
    ]
    if tcp:
        argv.append("+tcp")
    argv += list(extra)
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout * tries + 10,
                           errors="surrogateescape")
    except subprocess.TimeoutExpired:
        return Answer(None, raw="dig did not return")
    text = p.stdout
    m = STATUS.search(text)
    if not m:
        return Answer(None, raw=text + p.stderr)
    flags = set()
    fm = FLAGS.search(text)
    if fm:
        flags = set(fm.group(1).split())
    records = []
    for line in text.splitlines():
        if not line or line.startswith(";"):
            continue
        parts = line.split(None, 4)
        if len(parts) < 5 or parts[2] != "IN":
            continue
        records.append(Record(unescape(parts[0]), int(parts[1]), parts[3], parts[4].strip()))
    return Answer(m.group(1), flags, records, text)


def follow(records, name, rtype):
    """The CNAME chain from `name` (presentation form) as dig printed its
    targets, and the records of `rtype` at its end."""
    chain = []
    current = lower(unescape(name))
    for _ in range(16):
        cname = [r for r in records if r.rtype == "CNAME" and lower(r.owner) == current]
        if not cname:
            break
        chain.append(cname[0].rdata)
        current = lower(unescape(cname[0].rdata))
    return chain, current, [r for r in records if r.rtype == rtype and lower(r.owner) == current]
