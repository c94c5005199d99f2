#!/usr/bin/env python3
"""ops_compare.py CTL SRC_ENDPOINT DST_ENDPOINT REGISTER...: compares every
record and every revision a restored ismsd (DST) serves with the same
revision on the source (SRC), which may have moved on since the backup.
Prints one line per difference and a count; exits 1 on any difference."""
import json
import subprocess
import sys


def ctl(endpoint, *args):
    out = subprocess.run([CTL, "--endpoint", endpoint, "-o", "json", *args],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


CTL, SRC, DST, regs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
bad = records = revisions = 0
for reg in regs:
    src_latest = {r["id"]: r for r in ctl(SRC, reg, "list", "--all")}
    for rec in ctl(DST, reg, "list", "--all"):
        records += 1
        rid, rev = rec["id"], rec["rev"]
        for v in range(1, rev + 1):
            revisions += 1
            mine = rec if v == rev else ctl(DST, reg, "get", rid, "--rev", str(v))
            theirs = src_latest.get(rid)
            if theirs is None or theirs["rev"] != v:
                theirs = ctl(SRC, reg, "get", rid, "--rev", str(v))
            if mine != theirs:
                bad += 1
                print(f"{rid} rev {v} differs")
        if rev > 1:
            mine = ctl(DST, reg, "history", rid)
            theirs = [h for h in ctl(SRC, reg, "history", rid) if h["rev"] <= rev]
            if mine != theirs:
                bad += 1
                print(f"{rid} history differs")
print(f"compared {revisions} revisions of {records} records: {bad} differ")
sys.exit(1 if bad else 0)
