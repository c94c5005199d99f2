#!/usr/bin/env bash
# readme_reports.sh: runs the README's "Reports" commands, verbatim, after
# the tour and the whole ISMS, against a real ismsd.
# Usage: readme_reports.sh README BUILD_DIR
. "$(dirname "$0")/readme_lib.sh"
export ISMS_ENDPOINT=unix:var/ismsd.sock

quiet tour
quiet isms
run reports all_zero

check "the SoA's document control" grep -Eq '^\| Journal seq \| [0-9]+ \|$' \
	"$(out_is 'build/bin/ismsctl report soa')"
check "93 Annex A rows" test "$(grep -c '^| A\.' \
	"$(out_is 'build/bin/ismsctl report soa')")" -eq 93
check "risks.csv has the register" grep -q '^section,register,Risk register' \
	risks.csv
check "the heat maps in CSV" grep -q '^section,heatmap.inherent,' risks.csv
check "the plan" grep -q '^## Risk treatment plan (6.1.3 e)$' \
	"$(out 'report treatment')"
check "gap as JSON" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["kind"]=="gap"' \
	"$(out 'report gap')"
check "review input a" grep -q '^## a) Status of actions from previous' \
	"$(out 'report review')"
check "audits" grep -q '^## Audit programme (9.2.2)$' "$(out 'report audits')"
check "incidents as JSON" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["sections"][0]["id"]=="by-severity"' \
	"$(out 'report incidents')"
check "the organisation given" grep -q '^| Organisation | Example Ltd |$' \
	"$(out 'as-of')"
check "as of the date" grep -q '^| As of | 2026-06-30 |$' "$(out 'as-of')"

finish
