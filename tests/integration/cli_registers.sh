#!/usr/bin/env bash
# cli_registers.sh: the newer ismsctl commands end to end, against a real
# ismsd on a temp dir: register lifecycles, links, archive --force, the
# risk method and matrix, the SoA, the gap analysis, the plan and catalog
# loading. Usage: cli_registers.sh BUILD_DIR
set -u
build=$(realpath "$1")
# shellcheck source=cli_lib.sh
. "$(dirname "$0")/cli_lib.sh"
cli_workdir cli_registers
cli_checks fixed
start

expect 0 "the daemon answers" method get
# Owners are users: the records below name alice.
expect 0 "owner's user" user add alice --display-name "Alice Martin" \
	--email alice@example.org

# --- a register lifecycle: incidents move along their enum only
expect 0 "incident add" incident add title="Phishing mail" severity=high
equals "incident id" "$out" INC-0001
expect 1 "new -> contained is refused" incident set INC-0001 status=contained
has "the refusal names the field" "status"
expect 0 "new -> triaged is allowed" incident set INC-0001 status=triaged

# --- links
expect 0 "risk add" risk add title="Laptop theft" likelihood=3 impact=4 \
	owner=alice
expect 0 "link a risk to a control" link RSK-0001 treated_by A.8.5
has "link prints the link" "RSK-0001 treated_by → A.8.5"
expect 0 "links of the risk" links RSK-0001
has "outgoing section" "links from RSK-0001:"
has "outgoing link" "treated_by → A.8.5"
expect 0 "links of the control" links A.8.5
has "incoming link" "treated_by ← RSK-0001"
expect 0 "get shows what links here" control get A.8.5
has "get: linked from" "linked from:"
has "get: the risk" "treated_by ← RSK-0001"
expect 0 "links as json" -o json links A.8.5
has "json incoming" '{"source": "RSK-0001", "rel": "treated_by", "target": "A.8.5"}'
expect 0 "unlink" unlink RSK-0001 treated_by A.8.5
expect 0 "links after unlink" links RSK-0001
lacks "the link is gone" "A.8.5"
expect 1 "link to a record that does not exist" link RSK-0001 treated_by A.99.1
expect 2 "link needs three arguments" link RSK-0001 treated_by

# --- archive: refused while linked, allowed with --force
expect 0 "asset add" asset add title="Sales laptops" kind=hardware owner=alice
expect 0 "incident affects asset" link INC-0001 affects AST-0001
expect 1 "archive of a linked asset is refused" asset archive AST-0001
has "refusal says why" "INC-0001"
expect 0 "archive --force" asset archive AST-0001 --force
expect 0 "archived asset listed with --archived" asset list --archived
has "archived asset" "AST-0001"

# --- the risk method; risks are re-derived
expect 0 "risk level before" -o json risk get RSK-0001
has "score 12 is high by default" '"level": "high"'
expect 0 "method set" method set acceptance_threshold=12 \
	levels=low:1:365,medium:5:180,high:13:90,critical:20:30
has "method set prints the new rev" "risk method rev 2"
expect 0 "method get" method get
has "threshold" "acceptance threshold: 12"
has "new band" "high      13         13-19   90"
expect 0 "risk level after" -o json risk get RSK-0001
has "score 12 re-derived as medium" '"level": "medium"'
expect 1 "a stale method rev is refused" method set --rev 1 acceptance_threshold=9
expect 2 "a bad method word" method set colour=red

# --- risk matrix
expect 0 "second risk" risk add title="Phishing" likelihood=3 impact=4 \
	owner=alice
expect 0 "third risk" risk add title="Fire" likelihood=5 impact=5 owner=alice
expect 0 "unrated risk" risk add title="Unknown" owner=alice
expect 0 "matrix" risk matrix
has "inherent" "risk matrix (inherent), method rev 2"
row=$(grep '^4 major' <<<"$out" | tr -s ' ')
equals "row 4: two risks at likelihood 3" "$row" "4 major - - 2 - -"
row=$(grep '^5 severe' <<<"$out" | tr -s ' ')
equals "row 5: one risk at likelihood 5" "$row" "5 severe - - - - 1"
has "count line" "3 risks in the grid; 1 without likelihood and impact"
expect 0 "matrix json" -o json risk matrix
has "json cell" '{"likelihood": 3, "impact": 4, "score": 12, "level": "medium", "count": 2, "risks": ["RSK-0001", "RSK-0002"]}'
expect 0 "residual matrix" risk matrix --residual
has "residual: nothing rated" "0 risks in the grid; 4 without residual likelihood and impact"

# --- Statement of Applicability
expect 0 "soa set (alias of control set)" soa set A.5.1 applicable=yes \
	status=implemented justification="Policy approved by the board" \
	owner=alice
expect 0 "soa" soa
n=$(grep -cE '^A\.[5-8]\.[0-9]+ ' <<<"$out")
equals "soa lists the 93 Annex A controls" "$n" 93
for theme in "A.5 Organizational controls" "A.6 People controls" \
	"A.7 Physical controls" "A.8 Technological controls"; do
	has "theme heading" "$theme"
done
has "soa row" "Policy approved by the board"
expect 0 "soa csv" -o csv soa
equals "soa csv has 94 lines" "$(wc -l <<<"$out")" 94
equals "soa csv header" "$(head -1 <<<"$out" | tr -d '\r')" \
	"id,title,theme,applicable,status,justification,owner,risks,evidence,last_tested_on"
expect 0 "link for the SoA risks column" link RSK-0003 treated_by A.7.1
expect 0 "soa csv again" -o csv soa
has "risks column" "RSK-0003"

# --- gap analysis
expect 0 "gap" gap
has "objective missing" "6.2: no objective recorded"
lacks "6.1.2 is satisfied" "6.1.2: no risk assessed"
expect 0 "objective add" objective add title="Phishing clicks below 5%" \
	measure="click rate" target="< 5%" owner=alice
expect 0 "gap again" gap
lacks "objective now recorded" "6.2: no objective recorded"
expect 0 "gap json" -o json gap
has "json summary" '"summary": ['

# --- implementation plan
expect 0 "plan init" plan init --start 2026-01-05
equals "9 milestones created" "$(wc -l <<<"$out")" 9
expect 1 "a second plan init is refused" plan init --start 2026-02-01
has "refusal says why" "already has 9 milestones"
expect 0 "plan" plan
equals "plan lists 9 milestones" "$(grep -c '^MS-' <<<"$out")" 9
has "first milestone" "Gap analysis"
has "its date" "2026-01-19"
expect 0 "plan csv" -o csv plan
equals "plan csv lines" "$(wc -l <<<"$out")" 10
expect 2 "plan init needs --start" plan init

# --- catalog load: a title changes, the organisation's answers stay
cat >catalog.csv <<'EOF'
kind,ref,parent,title,assessable
control,A.5.1,A.5,"Policies for information security, revised",yes
EOF
expect 0 "catalog load" catalog load catalog.csv
equals "catalog counts" "$out" "created 0, updated 1, unchanged 0"
expect 0 "control after load" -o json control get A.5.1
has "title updated" '"title": "Policies for information security, revised"'
has "applicability kept" '"applicable": true'
has "status kept" '"status": "implemented"'
has "justification kept" '"justification": "Policy approved by the board"'
expect 0 "same file again" catalog load catalog.csv
equals "nothing to change" "$out" "created 0, updated 0, unchanged 1"
printf 'kind,ref,parent,title,assessable\nclause,4.1,4,"broken,yes\n' >bad.csv
expect 2 "a bad catalog file" catalog load bad.csv
has "the error names file and line" "bad.csv: line 2:"

cli_done cli_registers
