#!/usr/bin/env bash
# import_roundtrip.sh: export → import into an empty data dir gives equal
# records, for every register (issue 18 point 2): a daemon filled with
# records of each register (links, lists, dates, records moved along
# their lifecycle, a risk method of its own, users), "export --all", a
# second daemon on an empty dir, "import --all", then the second export
# equals the first (ids, every settable field, links, users, method) and
# every record reads the same on both but for the server's stamps (derived
# fields re-derive equal). Usage: import_roundtrip.sh BUILD_DIR
set -u
build=$(realpath "$1")
# shellcheck source=cli_lib.sh
. "$(dirname "$0")/cli_lib.sh"
cli_workdir import_roundtrip
cli_checks fixed
start

# c ARGS...: an ismsctl call of the fill; a failure counts.
c() {
	"$ctl" "$@" >/dev/null 2>fill.err ||
		bad "fill: ismsctl $*: $(cat fill.err)"
}
c user add alice --role viewer --display-name "Alice Martin"
c user add bob --role editor --display-name "Bob Ng" --email bob@example.org
c method set acceptance_threshold=12 \
	levels=low:1:365,medium:5:180,high:13:90,critical:20:30
c risk add title="Laptop theft" owner=alice likelihood=3 impact=4 \
	tags=physical tags="a;b" description="Lost, \"stolen\"
or left behind" threat=thieves residual_likelihood=1 residual_impact=2 \
	treatment=mitigate identified_on=2025-01-20 external_ref=R-1
c risk add title="Phishing" owner=bob likelihood=5 impact=5 \
	external_ref="R;2"
c risk set RSK-0001 status=assessed
c asset add title="Sales laptops" owner=alice kind=hardware \
	classification=internal confidentiality=3 location="HQ, floor 2"
c asset add title="CRM" owner=bob kind=software
c scope add title="ISMS scope" owner=alice statement="All of it" \
	exclusions+='what=A.7.4;justification=No premises\; remote' \
	exclusions+='what=A.7.5;justification=None'
c issue add title="Growth" owner=alice kind=external description="Fast growth"
c party add title="Customers" owner=alice party=Customers requirements=SLA \
	addressed=yes
c document add title="Security policy" owner=alice kind=policy version=1.2 \
	classification=internal
c role add title="CISO" owner=alice responsibilities="Runs the ISMS" \
	holders=alice holders=bob
c treatment add title="Encrypt disks" owner=alice action="FDE everywhere" \
	due_on=2027-03-31 progress=40
# An own control keeps its id (CTL-0001) beside the catalog's A.8.1.
c control add title="Clean desk checks" owner=alice applicable=yes \
	status=planned justification="Open-plan office"
c control set A.8.1 applicable=yes status=partial evidence="MDM report" \
	owner=alice
c requirement set 4.1 status=partial evidence="Context doc" owner=alice
c objective add title="Fewer incidents" owner=alice \
	measure="incidents/quarter" target="<3" due_on=2027-06-30
c competence add title="Awareness" owner=alice person=bob \
	training="Phishing 101" completed_on=2026-01-15
c communication add title="Newsletter" owner=alice what="Security news" \
	with_whom=staff
c supplier add title="Hoster" owner=alice service=IaaS criticality=high \
	last_assessed_on=2026-05-01
c incident add title="Stolen laptop" owner=alice severity=high \
	detected_at=2026-11-01T08:30:00Z
c incident set INC-0001 status=triaged
c metric add title="Incident count" owner=alice measure=count \
	frequency=monthly
c audit add title="Internal audit 2027" owner=alice planned_on=2027-02-01 \
	auditor=bob
c finding add title="No asset review" owner=alice kind=minor_nc \
	description="Reviews missing"
c nonconformity add title="Asset reviews missing" owner=alice source=finding \
	description="No reviews"
c action add title="Review assets" owner=bob kind=corrective \
	description="Do it" due_on=2027-01-31
c action set ACT-0001 status=in_progress
c legal add title=GDPR owner=alice kind=regulation reference="EU 2016/679"
c milestone add title="Gap analysis" owner=alice phase=gap_analysis \
	target_on=2027-01-15
c mreview add title="Review 2027" owner=alice held_on=2027-03-01 \
	attendees=alice attendees=bob
for l in "RSK-0001 treated_by A.8.1" "RSK-0001 treated_by RTP-0001" \
	"RSK-0001 affects AST-0001" "RTP-0001 mitigates RSK-0001" \
	"INC-0001 affects AST-0001" "AST-0002 provided_by SUP-0001" \
	"FND-0001 found_in AUD-0001" "NC-0001 raised_from FND-0001" \
	"ACT-0001 for NC-0001" "OBJ-0001 measured_by KPI-0001" \
	"DOC-0001 owned_by ROLE-0001" "AUD-0001 covers A.8.1" \
	"MS-0001 supports OBJ-0001"; do
	# shellcheck disable=SC2086
	c link $l
done

regs=$("$ctl" -o csv status | tr -d "\r" | sed -n 's/^\([a-z]*\),[0-9]*,[0-9]*$/\1/p')
[ "$(wc -w <<<"$regs")" -ge 23 ] || bad "status lists every register: $regs"
expect 0 "export --all" export --all out1
for r in $regs; do
	[ -s "out1/$r.csv" ] || bad "out1/$r.csv is missing or empty"
	[ "$(wc -l <"out1/$r.csv")" -ge 2 ] || bad "$r: no record exported"
done
has_file() { grep -qF -- "$2" "$1" || bad "$1 lacks: $2"; }
has_file out1/risk.csv 'RSK-0001,Laptop theft,alice,"physical;a\;b"'
has_file out1/risk.csv '"A.8.1;RTP-0001",AST-0001'
has_file out1/risk.csv ',R-1,2025-01-20,assessed,"Lost, ""stolen""'
has_file out1/scope.csv 'justification=No premises\; remote'
has_file out1/method.txt "levels=low:1:365,medium:5:180,high:13:90,critical:20:30"
has_file out1/users.csv "bob,Bob Ng,bob@example.org,editor"
has_file out1/control.csv "CTL-0001,Clean desk checks"
if grep -q "score\|created_at\|updated_by" out1/risk.csv; then
	bad "derived fields or stamps exported: $(head -1 out1/risk.csv)"
fi
for r in $regs; do
	"$ctl" -o json "$r" list >"$r.1.json"
done
# The same as a workbook, read back by openpyxl (not our code).
expect 0 "export risk -o xlsx" export risk -o xlsx
"$ctl" export risk -o xlsx >risk.xlsx
/usr/bin/python3 "$(dirname "$0")/xlsx_dump.py" risk.xlsx >risk.xlsx.txt ||
	bad "openpyxl cannot read risk.xlsx"
has_file risk.xlsx.txt "sheet risk rows=3 "
has_file risk.xlsx.txt "cell risk!A2 s 'RSK-0001'"
grep -q "^cell risk![A-Z]*2 d 2025-01-20" risk.xlsx.txt ||
	bad "identified_on is not a date cell: $(grep '!.2 ' risk.xlsx.txt)"
expect 0 "export --all -o xlsx" export --all xl -o xlsx
/usr/bin/python3 "$(dirname "$0")/xlsx_dump.py" xl/isms.xlsx 1 >all.txt ||
	bad "openpyxl cannot read xl/isms.xlsx"
[ "$(grep -c '^sheet ' all.txt)" -ge 23 ] ||
	bad "isms.xlsx lacks a sheet per register: $(grep '^sheet ' all.txt)"
stop

# --- a second daemon on an empty data dir
mv var var.1
mkdir var
start
expect 0 "import --all" import --all out1
has "one batch" "created "
expect 0 "export again" export --all out2
if diff -r out1 out2 >diff.txt; then ok; else
	bad "the second export differs: $(head -20 diff.txt)"
fi
# Every record reads the same but for the server's own stamps.
stamps='"(rev|created_at|created_by|updated_at|updated_by|last_reviewed_at)":'
for r in $regs; do
	"$ctl" -o json "$r" list >"$r.2.json"
	if diff <(grep -vE "$stamps" "$r.1.json") \
		<(grep -vE "$stamps" "$r.2.json") >"$r.diff"; then ok; else
		bad "$r differs: $(head -12 "$r.diff")"
	fi
done
grep -q '"score": 12' risk.2.json || bad "risk score not re-derived"
grep -q '"level": "medium"' risk.2.json || bad "risk level not re-derived with the imported method"
expect 0 "a rerun of the same import" import --all out1
has "nothing left to create" "created 0"

# --- the same through JSON lines, into a third empty data dir
expect 0 "export --all as JSON lines" -o json export --all out3
[ -s out3/risk.jsonl ] || bad "out3/risk.jsonl is missing"
stop
mv var var.2
mkdir var
start
expect 0 "import --all of JSON lines" import --all out3
expect 0 "export again, as CSV" export --all out4
if diff -r out1 out4 >diff4.txt; then ok; else
	bad "JSON lines lost something: $(cat -A diff4.txt | head -20)"
fi

cli_done import_roundtrip
