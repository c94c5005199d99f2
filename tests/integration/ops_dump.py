#!/usr/bin/env python3
"""ops_dump.py CTL ENDPOINT: everything an ismsd serves, as one JSON
document on stdout: every record of every register the journal names, at
every revision, the history of those changed, the users, the tokens (their
last use aside: it moves as they are used), the risk method and the whole
journal. tests/fixtures/make-datadir-v1.sh keeps one beside its data dir;
ops_upgrade.sh compares a newer ismsd's against it."""
import json
import subprocess
import sys

CTL, EP = sys.argv[1], sys.argv[2]


def ctl(*args):
    out = subprocess.run([CTL, "--endpoint", EP, "-o", "json", *args],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


journal = ctl("journal", "--limit", "1000000")
registers = sorted({e["register"] for e in journal if e.get("register")})
records = {}
for reg in registers:
    for rec in ctl(reg, "list", "--all"):
        revs = {str(rec["rev"]): rec}
        for v in range(1, rec["rev"]):
            revs[str(v)] = ctl(reg, "get", rec["id"], "--rev", str(v))
        entry = {"register": reg, "revisions": revs}
        if rec["rev"] > 1:
            entry["history"] = ctl(reg, "history", rec["id"])
        records[rec["id"]] = entry
tokens = ctl("token", "list")
for t in tokens:
    t.pop("last_used_at", None)
json.dump({"records": records, "users": ctl("user", "list"),
           "tokens": tokens, "method": ctl("method", "get"),
           "journal": journal}, sys.stdout, indent=1, sort_keys=True)
print()
