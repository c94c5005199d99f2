#!/usr/bin/env bash
# readme_isms.sh: runs the README's "whole ISMS" commands, verbatim, after
# the tour, against a real ismsd.
# Usage: readme_isms.sh README BUILD_DIR
. "$(dirname "$0")/readme_lib.sh"
export ISMS_ENDPOINT=unix:var/ismsd.sock

quiet tour
run isms all_zero

check "links shows the risk" grep -q 'treated_by ← RSK-0001' "$(out 'links A.8.24')"
check "soa has the four themes" \
	bash -c "grep -c '^A\.[5-8] ' $(out_is 'build/bin/ismsctl soa') | grep -qx 4"
check "soa shows the exclusion" grep -q 'A.7.4 .*no ' "$(out_is 'build/bin/ismsctl soa')"
check "soa csv: header and 93 controls" \
	bash -c "test \$(wc -l < $(out '-o csv soa')) -eq 94"
check "soa csv names the risk of A.8.24" \
	grep -q '^A.8.24,.*RSK-0001' "$(out '-o csv soa')"
check "the matrix counts the risk" grep -q '1 risk' "$(out 'risk matrix')"
check "gap still misses the scope" grep -q '4.3: no scope recorded' "$(out_is 'build/bin/ismsctl gap')"
check "gap knows the objective" bash -c "! grep -q '6.2: no objective' $(out_is 'build/bin/ismsctl gap')"
check "the acceptance is journaled with its signer" grep -Eq \
	"$(id -un) +signed +RSK-0001 .*accepted by $(id -un) \(admin\)" \
	"$(out 'journal --id RSK-0001 --limit 5')"
check "the policy is approved" grep -q '^signed DOC-0001 (approve) as .*: status approved' \
	"$(out 'document approve DOC-0001')"
check "help shows the evidence" grep -q 'a linked action in status done' \
	"$(out 'help nonconformity')"
check "metric values lists both measurements" \
	bash -c "test \$(grep -c '^20[0-9-]* ' $(out 'metric values KPI-0001')) -eq 2"
check "the objective is met by the latest value" \
	grep -q 'progress.met: *true' "$(out 'objective get OBJ-0001')"
check "the programme covers clause 6 and A.8" \
	bash -c "grep -q '^6 .*covered *AUD-0001' $(out 'audit programme --from 2027-01-01 --to 2027-12-31') && grep -q '^A.8 .*covered *AUD-0001' $(out 'audit programme --from 2027-01-01 --to 2027-12-31')"
check "the programme lists what is not covered" \
	grep -q 'Not covered in the window: 4 5 7 8 9 10 A.5 A.6 A.7' "$(out 'audit programme --from 2027-01-01 --to 2027-12-31')"
check "gap derives 4.3 from the scope register" \
	grep -q '4.3 .*not met *derived: no scope' "$(out_is 'build/bin/ismsctl gap')"
check "plan has 9 milestones" bash -c "test \$(grep -c '^MS-' $(out_is 'build/bin/ismsctl plan')) -eq 9"
finish
