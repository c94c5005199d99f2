#!/usr/bin/env bash
# import_cli.sh: ismsctl import of a messy, real-world-shaped risk register
# (issue 18 point 1) against a real ismsd on a temp dir: unmapped columns
# named, owners that are not users refused, a dry run that writes nothing,
# a bad row that writes nothing and names its line, the import in one
# batch with word scales, dates and links kept, a rerun with --key that
# updates, the ';' variant, and JSON lines. Usage: import_cli.sh BUILD_DIR
set -u
build=$(realpath "$1")
fx=$(realpath "$(dirname "$0")/import")
# shellcheck source=cli_lib.sh
. "$(dirname "$0")/cli_lib.sh"
cli_workdir import_cli
cli_checks fixed
start

# head: the journal's head seq (every write moves it).
head_seq() { "$ctl" -o json status | sed -n 's/.*"journal_head": \([0-9]*\).*/\1/p'; }
# rows REGISTER: how many live records it has.
rows() { "$ctl" -o json "$1" list | grep -c '^    "id": '; }
# users: the user names.
users() { "$ctl" -o csv user list | cut -d, -f1 | tr '\r\n' '  '; }

expect 0 "the owner alice" user add alice --role viewer \
	--display-name "Alice Martin"
MAP='Risk Title=title,Risk Owner=owner,Comments=-,Score=-'
SCALES=(--scale 'likelihood=Low=1,Medium=3,High=5'
	--scale 'impact=Minor=2,Moderate=3,Major=4,Severe=5')
seq0=$(head_seq)

# --- columns that name no field are listed, and refused
expect 2 "unmapped columns" import risk "$fx/risks_messy.csv"
has "the count" "5 columns not mapped to a field of risk"
# (Score is the risk's derived score: the server writes it, no column may.)
has "each one named" '"Risk ID", "Risk Title", "Risk Owner", "Comments", "Score"'
has "how to map or drop" "--map 'Column=-'"

# --- owners that are not users: refused with the list, nothing written
expect 1 "owners not users" import risk "$fx/risks_messy.csv" --key 'Risk ID' \
	--map "$MAP" "${SCALES[@]}"
has "the missing owners" '"Müller, Jürgen" "O'"'"'Brien, Seán"'
lacks "alice's display name resolves" '"Alice Martin"'
has "the way out" "--create-owners"
equals "nothing written" "$(head_seq)" "$seq0"

# --- a dry run checks on the server and writes nothing
expect 0 "dry run" import risk "$fx/risks_messy.csv" --key 'Risk ID' \
	--map "$MAP" "${SCALES[@]}" --create-owners --dry-run
has "owners it would create" 'would create user muller.jurgen ("Müller, Jürgen")'
has "second owner" "would create user o.brien.sean"
has "the summary" "dry run: would create 5, update 0, leave 0 unchanged; nothing written"
equals "dry run: journal unchanged" "$(head_seq)" "$seq0"
equals "dry run: no risk" "$(rows risk)" 0
equals "dry run: no user created" "$(users)" "name alice root "

# --- one bad row: nothing written, the line, column and value named
expect 1 "a bad row" import risk "$fx/risks_bad_row.csv" --key 'Risk ID' \
	--map "$MAP" "${SCALES[@]}" --create-owners
has "file, line, column, value" \
	'risks_bad_row.csv:7: column "Likelihood": value "Extreme": not a number nor a word of the scale'
has "the refusal" "import refused: 1 error; nothing written"
equals "bad row: journal unchanged" "$(head_seq)" "$seq0"
equals "bad row: no owner created" "$(users)" "name alice root "
# A value only the server can judge (7 on a 1..5 scale): the same shape.
sed 's/^R-05,Office flood,,"Müller, Jürgen",LOW/R-05,Office flood,,alice,7/' \
	"$fx/risks_messy.csv" >server_bad.csv
expect 1 "a row the server refuses" import risk server_bad.csv \
	--key 'Risk ID' --map "$MAP" "${SCALES[@]}" --create-owners
has "the server's reason at its line" 'server_bad.csv:8: column "Likelihood": value "7": field '"'likelihood'"' must be between 1 and 5'
equals "server refusal: journal unchanged" "$(head_seq)" "$seq0"
equals "server refusal: no owner created" "$(users)" "name alice root "

# --- the import: one batch, owners created without login
expect 0 "import" import risk "$fx/risks_messy.csv" --key 'Risk ID' \
	--map "$MAP" "${SCALES[@]}" --create-owners
has "owner created" 'created user muller.jurgen ("Müller, Jürgen"): role viewer, no login'
has "the summary" "created 5, updated 0"
equals "five risks" "$(rows risk)" 5
expect 0 "the created owner" -o json user list
has "its display name" '"display_name": "Müller, Jürgen"'
has "named for the cell" '"name": "o.brien.sean"'
"$ctl" user list >users.txt
equals "role viewer, no uid: no login" \
	"$(awk '$1 == "muller.jurgen" { print $2, $3 }' users.txt)" "viewer -"
seq1=$(head_seq)
expect 0 "R-01" -o json risk get RSK-0001
has "created at rev 1" '"rev": 1,'
has "owner by display name" '"owner": "alice"'
has "word scale: High=5" '"likelihood": 5'
has "word scale: Major=4" '"impact": 4'
has "score derived" '"score": 20'
has "external_ref from --key" '"external_ref": "R-01"'
has "identified_on kept" '"identified_on": "2025-03-14"'
has "next_review_on kept" '"next_review_on": "2026-09-30"'
has "tags split" '"tags": ["physical", "endpoint"]'
has "status as given" '"status": "assessed"'
expect 0 "R-02" -o json risk get RSK-0002
has "multi-line cell kept" '"description": "Staff click on links:\r\ncredential theft, then\r\nmailbox takeover"'
has "UTF-8 owner as a user" '"owner": "muller.jurgen"'
has "words in any case" '"likelihood": 3'
expect 0 "R-04" -o json risk get RSK-0004
has "a formula is text, kept as given" '"description": "=cmd|'"' /C calc'"'!A0 came from a vendor sheet"'
expect 0 "links kept" links RSK-0003
has "first control" "treated_by → A.8.7"
has "second control" "treated_by → A.8.13"

# --- export reads back: cells as stored, defused only when asked
expect 0 "export" export risk
has "the header is field paths" "id,title,owner,tags,review_interval_days,next_review_on,external_ref,identified_on,risk.status"
has "a formula cell as stored" ",=cmd|' /C calc'!A0 came from a vendor sheet,"
lacks "no derived score" "risk.score"
expect 0 "export --defuse" export risk --defuse
has "a formula cell defused" ",'=cmd|' /C calc'!A0 came from a vendor sheet,"

# --- a rerun with --key updates the same records: same ids, rev 2
sed 's/Laptops left in cars, trains and cafés/Laptops left in cars/' \
	"$fx/risks_messy.csv" >rerun.csv
expect 0 "rerun" import risk rerun.csv --key 'Risk ID' --map "$MAP" \
	"${SCALES[@]}"
has "updates, no duplicates" "created 0, updated 1, unchanged 4"
equals "still five risks" "$(rows risk)" 5
equals "one journal entry: the one update" "$(head_seq)" "$((seq1 + 1))"
expect 0 "the changed one" -o json risk get RSK-0001
has "same id, rev 2" '"rev": 2,'
has "the new text" '"description": "Laptops left in cars"'

# --- the ';' variant (sep=; line) reads the same as the original file
expect 0 "';' file, dry run" import risk "$fx/risks_semicolon.csv" \
	--key 'Risk ID' --map "$MAP" "${SCALES[@]}" --dry-run
has "every row matched by key" \
	"would create 0, update 1, leave 4 unchanged; nothing written"
equals "dry runs write nothing" "$(head_seq)" "$((seq1 + 1))"

# --- JSON lines from stdin, links by external_ref
cat >assets.jsonl <<'EOF'
{"title": "Sales laptops", "owner": "alice", "asset": {"kind": "hardware"}, "external_ref": "AS-1"}

{"title": "CRM", "owner": "Alice Martin", "kind": "software", "tags": ["saas", "crm"], "external_ref": "AS-2"}
EOF
expect 0 "jsonl from stdin" import asset - --format jsonl <assets.jsonl
has "two assets" "created 2, updated 0"
printf 'Title,Owner,Incident.Severity,Affects\nStolen laptop,alice,high,@asset:AS-1;@asset:AS-2\n' >inc.csv
expect 0 "links by external_ref" import incident inc.csv
expect 0 "the incident's links" links INC-0001
has "to the first asset" "affects → AST-0001"
has "to the second asset" "affects → AST-0002"
printf '{"title": "x", "owner": "alice", "asset": {"kind": "vase"}}\n' >bad.jsonl
expect 1 "a bad enum in JSON lines" import asset bad.jsonl
has "line and column" 'bad.jsonl:1: column "asset.kind": value "vase": '
expect 2 "a broken JSON line" import asset - --format jsonl <<<'{"title": "x",'
has "names the line" "stdin:1: "

cli_done import_cli
