#!/usr/bin/env bash
# cli_measures.sh: measurements (9.1), objectives against their metric,
# planned audits and the audit programme (9.2.2), and one due item per
# record and date, through ismsctl against a real ismsd: record and
# values, append-only, the recorder in the journal, measurement due items,
# objective met / not met, journal verify against a measurement changed,
# deleted or added behind ismsd's back (flip_byte), and the due db
# rebuilt by the schema 3 upgrade. Usage: cli_measures.sh BUILD_DIR
set -u
build=$(realpath "$1")
# shellcheck source=cli_lib.sh
. "$(dirname "$0")/cli_lib.sh"
cli_workdir cli_measures
cli_checks re

me=$(id -un)

start
# Owners are users (as issue 16 asks of every test).
expect 0 user add alice --role viewer
expect 0 user add bob --role viewer

# --- metrics: a frequency the server understands ------------------------
expect 1 metric add title="Phishing click rate" measure="clicks per mail" \
	frequency="every month" owner=alice
has "an unparseable frequency is refused naming the field" \
	"frequency.*monthly" "$err"
expect 0 metric add title="Phishing click rate" measure="clicks per mail" \
	frequency=weekly owner=alice
equals "metric id" "$out" KPI-0001
# Created today, weekly: its first measurement is due in 7 days.
expect 0 -o csv due --within 30d --register metric
has "a new metric's first measurement is due a period on" \
	",$(day 7),measurement,KPI-0001,"

# --- record and values -------------------------------------------------
expect 2 metric record KPI-0001 at=2026-01-01
expect 2 metric record KPI-0001 value=lots
expect 1 metric record KPI-0001 value=3 at=2026-02-30
has "a bad date is refused" "at.*YYYY-MM-DD" "$err"
expect 1 metric record RSK-0001 value=3
expect 0 metric record KPI-0001 value=7.8 at="$(day -10)" note="campaign 1"
has "record prints the value and its journal seq" \
	"^KPI-0001: 7.8 at $(day -10) \(seq [0-9]+\)$"
seq1=$(sed -E 's/.*seq ([0-9]+).*/\1/' <<<"$out")
# Its next measurement was due 3 days ago: overdue.
expect 0 -o csv due --within 0 --register metric
has "measurement overdue a period after the last one" \
	",$(day -3),measurement,KPI-0001,metric,[^,]*,true"
expect 4 due --check
expect 0 metric record KPI-0001 value=4.1 at="$(day 0)"
expect 0 -o csv due --within 30d --register metric
has "the due item moves with the latest measurement" \
	",$(day 7),measurement,KPI-0001,metric,[^,]*,false"
hasnt "one measurement item per metric" "$(day -3),measurement"
expect 0 due --check
expect 0 due --ical - --within 30d --register metric
has "the calendar names a measurement" "^SUMMARY:Measure KPI-0001"
# An older period recorded later does not move the due date back.
expect 0 metric record KPI-0001 value=9.9 at="$(day -20)"
expect 0 -o csv due --within 30d --register metric
has "a late entry for an old period leaves the due date" \
	"$(day 7),measurement"
expect 0 metric values KPI-0001
has "values in date order" "^$(day -20) +9.9 .*
$(day -10) +7.8 +$me .*campaign 1
$(day 0) +4.1 +$me"
expect 0 -o json metric values KPI-0001 --limit 2
has "json values: value, at, recorded_by, recorded_at" \
	'"value": 9.9,'
has "json values: the server stamps who" "\"recorded_by\": \"$me\""
equals "--limit 2 gives 2" "$(grep -c '"seq"' <<<"$out")" 2
expect 0 -o csv metric values KPI-0001
equals "csv: a header and 3 rows" "$(wc -l <<<"$out")" 4

# Append-only: the same period again is a new entry, nothing rewritten;
# the record's own fields cannot reach a measurement.
expect 0 metric record KPI-0001 value=4.2 at="$(day 0)" note=corrected
expect 0 -o csv metric values KPI-0001
has "the first value of the period is still there" ",$(day 0),4.1,"
has "the second one beside it" ",$(day 0),4.2,"
expect 2 metric set KPI-0001 measurements=1
expect 0 metric set KPI-0001 title="Phishing clicks"
expect 0 -o csv metric values KPI-0001
equals "a metric update leaves its 4 measurements" "$(wc -l <<<"$out")" 5

# The journal shows each measurement with its recorder.
expect 0 -o csv journal --id KPI-0001
has "the journal holds the measurement, actor and summary" \
	"^$seq1,[^,]*,$me,measured,metric,KPI-0001,.*measured 7.8 at $(day -10): campaign 1"

# --- objectives against their metric ----------------------------------
expect 1 objective add title="Few clicks" measure="click rate" \
	target="fewer please" owner=alice
has "an unparseable target is refused" "target.*'< 5%'" "$err"
expect 0 objective add title="Few clicks" measure="click rate" \
	target="< 5%" owner=alice
expect 1 objective set OBJ-0001 progress.met=true
expect 0 -o json objective get OBJ-0001
hasnt "no progress without a measured_by link" '"progress"'
expect 0 link OBJ-0001 measured_by KPI-0001
expect 0 -o json objective get OBJ-0001
has "latest value (the later entry of today)" '"value": 4.2'
has "against the parsed target" '"target": "< 5 %"'
has "met" '"met": true'
expect 0 metric record KPI-0001 value=6.5 at="$(day 1)"
expect 0 -o json objective get OBJ-0001
has "not met once the latest value is above" '"met": false'
expect 0 -o csv objective list
has "list carries progress too" "progress.met"
has "list: not met" ",false,"

# --- archived metrics take no measurement --------------------------------
expect 0 metric add title="Old" measure="x" frequency=monthly owner=bob
expect 0 metric archive KPI-0002
expect 1 metric record KPI-0002 value=1
has "archived metric refused" "archived" "$err"

# --- planned audits are due; one due item per record and date ----------
expect 0 audit add title="Internal audit 1" planned_on="$(day 5)" \
	auditor=alice owner=bob
expect 0 -o csv due --within 30d --register audit
has "a planned audit is a due item (target)" ",$(day 5),target,AUD-0001,"
expect 0 audit set AUD-0001 status=in_progress
expect 0 audit set AUD-0001 status=reported performed_on="$(day 0)" \
	conclusion="Conforms"
expect 0 -o csv due --within 30d --register audit
hasnt "a performed audit is no longer due on its plan" ",target,"
expect 0 action add title="Fix it" kind=corrective owner=alice \
	due_on="$(day 10)"
expect 0 -o csv due --within 400d --register action
equals "an action with a due date has one due item" \
	"$(grep -c ACT-0001 <<<"$out")" 1
has "and it is the due date" ",$(day 10),due,ACT-0001,"
# A treatment keeps its 30-day review beside a due date, but on the same
# date the two are one item.
expect 0 treatment add title="Encrypt laptops" action="Roll out FDE" \
	due_on="$(day 30)" owner=alice
expect 0 treatment add title="MFA" action="Roll out MFA" \
	due_on="$(day 45)" owner=alice
expect 0 -o csv due --within 400d --register treatment
equals "one item for the date both fall on" \
	"$(grep -c "RTP-0001" <<<"$out")" 1
has "the due date's" ",$(day 30),due,RTP-0001,"
equals "two dates, two items" "$(grep -c "RTP-0002" <<<"$out")" 2

# --- the audit programme ----------------------------------------------
expect 0 soa set A.8.24 owner=alice
expect 0 link AUD-0001 covers 9.2.2
expect 0 link AUD-0001 covers A.8.24
expect 0 finding add title="Keys in repo" kind=observation owner=bob
expect 0 link FND-0001 found_in AUD-0001
expect 0 link FND-0001 about 6.1.2
expect 0 audit add title="Next year" planned_on=2031-03-01 auditor=bob \
	owner=bob
expect 0 link AUD-0002 covers 5.2
expect 0 audit programme --from "$(day -30)" --to "$(day 30)"
has "window and count" "1 audit in the window"
has "clause 9 covered by the audit" "^9 +Performance evaluation +covered +AUD-0001"
has "clause 6 covered through a finding" "^6 +Planning +covered +AUD-0001"
has "A.8 covered" "^A.8 .* covered +AUD-0001"
has "clause 5 not covered in the window" "^5 +Leadership +NOT COVERED"
has "uncovered list" "Not covered in the window: 4 5 7 8 10 A.5 A.6 A.7$"
has "auditor independence" "AUD-0001: auditor alice owns A.8.24"
expect 0 -o json audit programme --from 2031-01-01 --to 2031-12-31
has "json: the other window" '"audits":\["AUD-0002"\]'
has "json: clause 5 covered then" '"key":"5","title":"Leadership","covered":true'
has "json: bob audits what alice owns? no conflict" '"independence":\[\]'
expect 0 -o csv audit programme --from 2031-01-01 --to 2031-12-31
has "csv header" "^section,key,title,status,audits,detail"
expect 2 audit programme --from 2031-13-01
expect 2 audit programme --from 2031-02-01 --to 2031-01-01

# --- gap: statuses derived from the evidence ---------------------------
expect 0 gap
has "4.3 derived: no scope" "^  4.3 .* not met +derived: no scope"
has "9.1 derived from the measurements" \
	"^  9.1 .* met +derived: 1 of 1 active metrics measured"
has "9.2.2 derived from the reported audit" \
	"^    9.2.2 .* met +derived: AUD-0001 reported"
has "9.3.3 derived: no review" "^    9.3.3 .* not met +derived: no management"
expect 0 scope add title="ISMS scope" statement="All of it" owner=alice
expect 0 scope set SCOPE-0001 status=approved
expect 0 requirement set 9.3.3 status=met evidence="Board minutes"
expect 0 gap
has "4.3 met by the approved scope" \
	"^  4.3 .* met +derived: SCOPE-0001 approved"
has "a status by hand without justification is a defect" \
	"^  9.3.3: status met set by hand against the evidence"
has "and the evidence counts" "^    9.3.3 .* not met +derived"
expect 0 requirement set 9.3.3 justification="Board minutes DOC-9"
expect 0 -o csv gap
has "with a justification the status by hand stands" \
	"^requirement,9.3.3,[^,]*,met,"
hasnt "no defect then" "^defect,9.3.3,"
hasnt "catalog requirements at not_met are not statuses by hand" \
	"^defect,9.2.2,"
# A metric not measured in its period makes 9.1 partial, and says why.
expect 0 metric add title="Backups tested" measure="restores" \
	frequency=monthly owner=bob
expect 0 metric record KPI-0003 value=1 at="$(day -40)"
expect 0 -o json gap
has "9.1 partial" '"id": "9.1", .*"status": "partial"'
has "the late metric is a defect" \
	"\"ref\": \"KPI-0003\", \"message\": \"last measured $(day -40)"

expect 0 journal verify --deep
has "verify passes with measurements" "^OK: "

# --- tamper: a measurement changed, deleted or added outside ismsd -----
stop
cp -r var pristine
"$flip" var flip measures first >/dev/null || bad "flip_byte flip failed"
start
expect 1 journal verify
has "a changed measurement is caught" \
	"FAILED.*measurement of KPI-0001.*differ from the journaled" "$out$err"
stop
rm -rf var && cp -r pristine var
"$flip" var del measures first >/dev/null || bad "flip_byte del failed"
start
expect 1 journal verify
has "a deleted measurement is caught" \
	"FAILED.*measurement of KPI-0001 \(seq [0-9]+\) is journaled but no longer stored" \
	"$out$err"
stop
rm -rf var && cp -r pristine var
"$flip" var stray measures first >/dev/null || bad "flip_byte stray failed"
start
expect 1 journal verify
has "an added measurement is caught" "FAILED.*measurement of KPI-0001" \
	"$out$err"
stop

# --- schema 3 rebuilds the due db from the records ---------------------
rm -rf var && cp -r pristine var
"$flip" var del due first >/dev/null || bad "flip_byte del due failed"
start
expect 1 journal verify --deep
has "a missing due key fails deep verify" "due: key .* is missing" "$out$err"
stop
"$flip" var del meta str:schema >/dev/null || bad "flip_byte del schema"
start
expect 0 journal verify --deep
has "the upgrade rebuilt it" "^OK: "
has "the upgrade says so" "schema 3: rebuilding the due dates" \
	"$(cat daemon.log)"
stop

# --- a month on, the scheduler journals the measurement as due ---------
start --test-clock-offset $((30 * DAY))
for _ in $(seq 100); do
	"$ctl" -o csv journal --id KPI-0001 | grep -q ',action_overdue,' && break
	sleep 0.05
done
expect 0 -o csv journal --id KPI-0001
has "the measurement's due notice" ",ismsd,action_due,metric,KPI-0001,"
has "and its overdue notice" ",ismsd,action_overdue,metric,KPI-0001,"
stop

cli_done cli_measures
