#!/usr/bin/env bash
# readme_reviews.sh: runs the README's "Reviews, reminders and the journal"
# commands, verbatim, after the tour, against a real ismsd, from a
# directory holding build/ and var/ as a new user would.
# Usage: readme_reviews.sh README BUILD_DIR
. "$(dirname "$0")/readme_lib.sh"
export ISMS_ENDPOINT=unix:var/ismsd.sock

# The tour first (its own test checks it): the section continues it.
quiet tour
# The tour's action is due in 10 days: the plugin's WARNING.
expect_rc() {
	case "$1" in
	*"--nagios"*) echo 1 ;;
	*) echo 0 ;;
	esac
}
run reviews expect_rc

check "review prints the next date" \
	grep -Eq '^reviewed RSK-0001: next review [0-9]{4}-[0-9]{2}-[0-9]{2}$' \
	"$(out 'review RSK-0001')"
check "due lists the action" grep -q 'ACT-0001 .*due in 10 days' \
	"$(out 'due --within 2w')"
check "due --check says OK" grep -q '^OK: nothing overdue' \
	"$(out 'due --check')"
check "due --check --nagios: the plugin line" \
	grep -qx 'ISMS DUE WARNING - 1 item due within 14 days (next ACT-0001 in 10 days) | overdue=0 due=1' \
	"$(out 'due --check --nagios')"
check "the calendar was written" grep -q '^BEGIN:VCALENDAR' isms.ics
check "journal lists the review" grep -Eq 'reviewed +RSK-0001' \
	"$(out 'journal --actor')"
check "json journal" grep -q '"id":"ACT-0001"' "$(out 'journal --id ACT-0001')"
check "head is SEQ:HEX" grep -Eq '^[0-9]+:[0-9a-f]{64}$' "$(out 'journal head')"
check "verify OK" grep -Eq '^OK: [0-9]+ entries, head [0-9]+:[0-9a-f]{64}$' \
	"$(out 'journal verify')"
check "verify --deep OK" grep -Eq '^OK: [0-9]+ entries, head [0-9]+:[0-9a-f]{64}$' \
	"$(out 'journal verify --deep')"
check "verify --head OK" grep -Eq '^OK: [0-9]+ entries, head [0-9]+:[0-9a-f]{64}$' \
	"$(out 'journal verify --head')"
check "watch replays the risks" grep -q ' created RSK-0001 ' \
	"$(out ' watch ')"

finish
