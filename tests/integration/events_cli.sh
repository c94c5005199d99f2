#!/usr/bin/env bash
# events_cli.sh: reviews, due notices, reminders and the journal through
# ismsctl, against a real ismsd that is restarted with a shifted clock
# (--test-clock-offset) so that things fall due: the scheduler's notices
# (once per cycle), review, due --check / --ical / --mail, watch (filters,
# NDJSON, its exit codes, the resync notice) and journal verify before and
# after a byte of a stored entry is flipped. Usage: events_cli.sh BUILD_DIR
set -u
build=$(realpath "$1")
# shellcheck source=cli_lib.sh
. "$(dirname "$0")/cli_lib.sh"
cli_workdir events_cli
cli_checks re
# count TYPE ID: journal entries of that type for that record.
count() {
	"$ctl" -o csv journal --id "$2" | awk -F, -v t="$1" '$4 == t' | wc -l
}
# wait_count TYPE ID N: waits (5 s at most) until count reaches N.
wait_count() {
	for _ in $(seq 100); do
		[ "$(count "$1" "$2")" -ge "$3" ] && return 0
		sleep 0.05
	done
}

# --- day 0: a critical risk (30-day reviews), an action due tomorrow ----
start
# The owners are users: alice and carol with an e-mail, bob and dave
# without one.
expect 0 user add alice --display-name "Alice Martin" --email alice@example.org
expect 0 user add carol --email carol@example.org
expect 0 user add bob
expect 0 user add dave
expect 0 risk add title="Server room flood" likelihood=5 impact=5 \
	owner=alice@example.org
equals "first risk" "$out" RSK-0001
expect 0 risk add title="Ransomware" likelihood=5 impact=4 \
	owner=carol@example.org
expect 0 action add title="Patch servers" kind=corrective owner=bob \
	due_on="$(day 1)"
expect 0 -o json risk get RSK-0001
has "critical risk reviewed in 30 days" "\"next_review_on\": \"$(day 30)\""
expect 0 due --check
has "nothing overdue yet" '^OK: nothing overdue'
expect 2 due --within 2x
expect 0 due --within 2w
expect 1 review RSK-9999
expect 2 watch --type nonsense
has "bad type names the valid ones" "review_due" "$err"

# watch: filters, NDJSON, SIGTERM ends it with 0.
# A second, unfiltered watch shows when ismsd has fanned out the last
# change: the filtered one has been sent all it would get by then.
"$ctl" -o json watch --register risk --type created >watch1.json 2>&1 &
wpid=$!
"$ctl" -o json watch >watch1.all 2>&1 &
apid=$!
wait_until "two subscribers" status_at_least subscribers 2
expect 0 risk add title="Flood 2" likelihood=1 impact=1 owner=dave
expect 0 asset add title="Rack" kind=hardware owner=dave
expect 0 risk set RSK-0003 impact=2
wait_until "the last change in the unfiltered watch" \
	in_file watch1.all '"type":"updated".*"id":"RSK-0003"'
wait_until "the risk's creation in the filtered watch" \
	in_file watch1.json '"id":"RSK-0003"'
kill -TERM "$apid"
wait "$apid"
kill -TERM "$wpid"
wait "$wpid"
equals "watch ends with 0 on SIGTERM" "$?" 0
equals "watch: only the risk creation" "$(wc -l <watch1.json)" 1
has "watch: one JSON object per line" '^\{"seq":[0-9]+,.*"type":"created".*"id":"RSK-0003".*\}$' \
	"$(cat watch1.json)"
if command -v python3 >/dev/null; then
	python3 -c 'import json,sys
for l in open(sys.argv[1]): json.loads(l)' watch1.json && ok ||
		bad "watch -o json lines do not parse as JSON"
fi
# watch: the connection lost (daemon stopped) is exit 3.
"$ctl" watch --since 0 >watch2.txt 2>&1 &
wpid=$!
wait_until "the replay" in_file watch2.txt .
has "watch --since 0 replays the journal" "^1 .* created 4 " \
	"$(head -1 watch2.txt)"
stop
wait "$wpid"
equals "watch exits 3 when ismsd goes away" "$?" 3

# --- day 31: RSK-0001 and RSK-0002 (30 days) due for review; ACT-0001
# 30 days past its due date (its one item: no review beside it) -------
start --test-clock-offset $((31 * DAY))
wait_count review_due RSK-0002 1
equals "one review_due for RSK-0001" "$(count review_due RSK-0001)" 1
equals "one review_due for RSK-0002" "$(count review_due RSK-0002)" 1
equals "ACT-0001 overdue" "$(count action_overdue ACT-0001)" 1
equals "not yet overdue" "$(count review_overdue RSK-0001)" 0
expect 0 journal --id RSK-0001
has "journal table" '^SEQ +TIME +ACTOR +TYPE +ID +REV +SUMMARY'
has "review_due in the journal" 'ismsd +review_due +RSK-0001'
expect 4 due --check
has "check summary" '^OVERDUE: 3 items overdue \(oldest ACT-0001, 30 days\)'
expect 0 due
has "grouped by owner (the e-mail resolved to its user)" '^alice \(1\)'
has "overdue days" 'ACT-0001 +Patch servers +OVERDUE 30 days'
expect 0 due --owner bob
has "only bob" '^bob' "$(grep -v '^ ' <<<"$out" | head -1)"
expect 0 due --owner carol@example.org
has "--owner by e-mail: carol's" '^carol \(1\)'
equals "--owner by e-mail: carol's only" "$(grep -cE '^(alice|bob|dave)' <<<"$out")" 0

# --ical: the fields, CRLF, folding, stable UIDs with the instance id.
expect 0 -o json status
instance=$(sed -n 's/.*"instance_id": "\([0-9a-f]*\)".*/\1/p' <<<"$out")
equals "an instance id of 32 hex digits" "${#instance}" 32
expect 0 due --ical cal1.ics
expect 0 due --ical - --within 14d
printf '%s' "$out" >cal2.ics
equals "UIDs stable across runs" "$(tr -d '\r' <cal1.ics | grep UID: | sort)" \
	"$(tr -d '\r' <cal2.ics | grep UID: | sort)"
cal=$(cat cal1.ics)
for f in '^BEGIN:VCALENDAR' '^VERSION:2.0' '^PRODID:' '^END:VCALENDAR' \
	"^UID:RSK-0001-review@$instance.ismsd" "^UID:ACT-0001-due@$instance.ismsd" \
	"^DTSTART;VALUE=DATE:$(day 30 | tr -d -)" \
	"^DTEND;VALUE=DATE:$(day 31 | tr -d -)" '^DTSTAMP:[0-9]{8}T[0-9]{6}Z' \
	'^SUMMARY:Review RSK-0001' '^DESCRIPTION:' '^BEGIN:VALARM' \
	'^ACTION:DISPLAY' '^TRIGGER:-P1D'; do
	has "ical $f" "$f" "$cal"
done
# Reviews of RSK-0001 and RSK-0002; ACT-0001's due date.
equals "VEVENTs" "$(grep -c $'^BEGIN:VEVENT\r$' cal1.ics)" 3
equals "every line ends CRLF" "$(grep -vc $'\r$' cal1.ics)" 0
equals "no line over 75 octets" \
	"$(tr -d '\r' <cal1.ics | LC_ALL=C awk 'length > 75' | wc -l)" 0

# iCal DESCRIPTION ends with a command that works: run each one.
cmds=$(tr -d '\r' <cal1.ics | awk '/^DESCRIPTION:/ {d = $0; next}
	/^ / && d != "" {d = d substr($0, 2); next}
	d != "" {print d; d = ""}' | sed -n 's/.*\\n\(ismsctl .*\)$/\1/p' | sort -u)
equals "one command per item" "$(wc -l <<<"$cmds")" 3
has "review command" '^ismsctl review RSK-0001$' "$cmds"
has "due command" '^ismsctl action get ACT-0001$' "$cmds"
while IFS= read -r c; do
	# shellcheck disable=SC2086
	"$ctl" ${c#ismsctl } >/dev/null 2>&1 && ok || bad "DESCRIPTION command fails: $c"
done <<<"$(grep -v review <<<"$cmds")"

# --check --nagios: the monitoring plugin codes, overdue is CRITICAL (2).
expect 2 due --check --nagios
has "nagios CRITICAL line" '^ISMS DUE CRITICAL - 3 items overdue \(oldest ACT-0001, 30 days\), 0 due within 14 days \| overdue=3 due=0$'

# --mail: one message per owner, at the user's e-mail; bob and dave have
# none: without a fallback they are named and the exit code is 1.
mkdir mail
cat >sendmail <<SH
#!/bin/sh
echo "\$*" >"$work/mail/args"
cat >"$work/mail/msg.\$\$"
SH
chmod +x sendmail
ISMS_SENDMAIL="$work/sendmail" expect 1 due --mail
has "mail: bob not mailed, and why" "not mailed: 1 item of bob: user bob has no e-mail" "$err"
equals "two messages" "$(ls mail/msg.* | wc -l)" 2
has "sendmail -t -oi" '^-t -oi$' "$(cat mail/args)"
msgs=$(cat mail/msg.*)
has "To alice" '^To: alice@example.org$' "$msgs"
has "alice by her display name" '^Hello Alice Martin,$' "$msgs"
has "To carol" '^To: carol@example.org$' "$msgs"
has "subject" '^Subject: ISMS: 1 item due or overdue$' "$msgs"
has "body lists the item" 'RSK-0002 +Ransomware: OVERDUE 1 day' "$msgs"
# With a fallback, bob's items go to the ISMS manager: exit 0.
rm -f mail/msg.*
ISMS_SENDMAIL="$work/sendmail" expect 0 due --mail --fallback isms@example.org
equals "three messages" "$(ls mail/msg.* | wc -l)" 3
msgs=$(cat mail/msg.*)
has "fallback To" '^To: isms@example.org$' "$msgs"
has "fallback says why" 'fallback: user bob has no e-mail' "$msgs"
has "fallback lists bob's item" 'ACT-0001 +Patch servers' "$msgs"
has "mailed line names the fallback" 'mailed 1 item of bob to isms@example.org' "$out"
ISMS_SENDMAIL="$work/sendmail" expect 2 due --mail --fallback not-an-address
# A sendmail that fails: exit 1, named.
printf '#!/bin/sh\ncat >/dev/null; exit 75\n' >sendmail
ISMS_SENDMAIL="$work/sendmail" expect 1 due --mail --fallback isms@example.org
has "sendmail failure named" 'failed for alice@example.org \(status 75\)' "$err"

# review: the next date moves by 30 days from (shifted) today.
expect 0 review RSK-0001 note="Checked the pumps"
equals "review output" "$out" "reviewed RSK-0001: next review $(day 61)"
expect 0 -o json risk get RSK-0001
has "get shows the new date" "\"next_review_on\": \"$(day 61)\""
expect 0 risk review RSK-0003 note="verb form"
has "register verb" '^reviewed RSK-0003: next review '
due_events=$("$ctl" -o csv journal | grep -cE ',(review|action)_(over)?due,')

# --- day 31 again: nothing new; RSK-0001 is reviewed ------------------
stop
start --test-clock-offset $((31 * DAY))
wait_until "the scheduler's first pass" status_at_least scheduler_passes 1
equals "no duplicate notices after a restart" \
	"$("$ctl" -o csv journal | grep -cE ',(review|action)_(over)?due,')" \
	"$due_events"

# --- day 38: RSK-0002 past the 7-day grace ----------------------------
stop
start --test-clock-offset $((38 * DAY))
wait_count review_overdue RSK-0002 1
equals "review_overdue for RSK-0002" "$(count review_overdue RSK-0002)" 1
equals "RSK-0001 reviewed: nothing new" "$(count review_due RSK-0001)" 1
equals "RSK-0001 reviewed: not overdue" "$(count review_overdue RSK-0001)" 0

# --- the journal: verify, head, tampering -----------------------------
expect 0 journal head
head=$out
has "head is SEQ:HEX" '^[0-9]+:[0-9a-f]{64}$'
expect 0 journal verify
has "verify OK" "^OK: [0-9]+ entries, head $head\$"
expect 0 journal verify --head "$head"
expect 1 journal verify --head "${head%%:*}:$(printf '%064d' 0)"
has "wrong head" '^FAILED at seq'
expect 2 journal verify --head 12:abc
seq=$("$ctl" -o csv journal --id RSK-0002 | awk -F, 'NR == 2 {print $1}')
stop
"$flip" var "$seq" >/dev/null || bad "flip_byte failed"
start
expect 1 journal verify
has "tampering found at its seq" "^FAILED at seq $seq: "

# --- a watcher too slow to keep up is dropped: exit 1 ------------------
stop
start --sub-output-cap 65536
"$ctl" watch --since 0 >watch3.txt 2>watch3.err &
wpid=$!
# Stopped once it has replayed something, i.e. it is subscribed.
for _ in $(seq 200); do
	[ -s watch3.txt ] && break
	sleep 0.05
done
[ -s watch3.txt ] || bad "the watcher printed nothing"
kill -STOP "$wpid"
# 3,000 events: several times what the cap and the socket buffers hold,
# from one client process (1,000 ismsctl processes are slow under ASan).
"$build/bin/ismsbench" put --count 3000 --inflight 8 >/dev/null ||
	bad "ismsbench put failed"
kill -CONT "$wpid"
wait "$wpid"
equals "a dropped watcher exits 1" "$?" 1
has "resync notice on stderr" 'resync from seq [0-9]+' "$(cat watch3.err)"

cli_done events_cli
