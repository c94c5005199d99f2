#!/usr/bin/env bash
# owners_cli.sh: owners are people (issue 16 point 3) and the reminders
# that reach them (point 10), end to end through ismsctl against a real
# ismsd on a temp dir: login-less users, owners required and checked,
# e-mails resolved, disabled users, --owner filters, due --check --nagios.
# Usage: owners_cli.sh BUILD_DIR
set -u
build=$(realpath "$1")
# shellcheck source=cli_lib.sh
. "$(dirname "$0")/cli_lib.sh"
cli_workdir owners_cli
cli_checks fixed
start
# field F: field F of the last -o json output (a string or a number).
field() {
	sed -n "s/^ *\"$1\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}\$/\1/p" <<<"$out" | head -1
}

# --- a user without any login: display name and e-mail, role viewer
expect 0 "login-less user" -o json user add tom --display-name "Tom Baker" \
	--email tom@example.org
equals "its display name" "$(field display_name)" "Tom Baker"
equals "its e-mail" "$(field email)" "tom@example.org"
equals "role viewer when none is given" "$(field role)" "viewer"
lacks "no uid: no way in" '"uid"'
expect 0 "user list" user list
has "list shows the display name" "Tom Baker"
expect 0 "display name changes alone" user set tom display_name="Thomas Baker"
has "the new display name" "Thomas Baker"
expect 1 "a second user with tom's e-mail" user add tom2 --email TOM@example.org
has "e-mails name one user" "already user tom's"
expect 1 "an e-mail must be an address" user add tom3 --email nobody
has "names the field" "field 'email'"
expect 0 "a second owner" user add una --email una@example.org

# --- owner required where ISO 27001 asks for one
expect 1 "risk without owner" risk add title="Orphan" likelihood=1 impact=1
has "names the owner field" "field 'owner' is required for a risk"
has "says how to add one" "ismsctl user add NAME"
for args in "asset add title=A kind=hardware" \
	"treatment add title=T action=Encrypt" \
	"objective add title=O measure=m target=>=95%" \
	"nonconformity add title=N description=d source=other" \
	"action add title=A kind=corrective due_on=2030-01-01" \
	"document add title=D kind=policy"; do
	# shellcheck disable=SC2086
	expect 1 "${args%% *} without owner" $args
	has "${args%% *}: names the owner field" "field 'owner' is required for a"
	# shellcheck disable=SC2086
	expect 0 "${args%% *} with an owner" $args owner=tom
done
expect 0 "an incident needs no owner" incident add title=I severity=low
expect 1 "an applicable control without owner" soa set A.5.2 applicable=yes
has "control: names the condition" \
	"field 'owner' is required for a control with applicable=yes"
expect 0 "an excluded control needs none" soa set A.7.4 applicable=no \
	justification="No premises"
expect 0 "an applicable control with an owner" soa set A.5.2 \
	applicable=yes owner=tom

# --- an owner names a user
expect 1 "unknown owner" risk add title=R likelihood=1 impact=1 owner=zed
has "the user add line that fixes it" \
	"ismsctl user add zed --display-name \"...\" --email ..."
expect 1 "unknown e-mail" risk add title=R likelihood=1 impact=1 \
	owner=Zoe.Kay@example.org
has "the user add line for an e-mail" \
	"ismsctl user add zoe.kay --display-name \"...\" --email Zoe.Kay@example.org"
expect 0 "an e-mail resolves to its user" -o json risk add title=R1 \
	likelihood=1 impact=1 owner=TOM@example.org
equals "stored as the user's name" "$(field owner)" tom
rsk=$(field id)
expect 0 "another owner by name" risk add title=R2 likelihood=1 impact=1 \
	owner=una
expect 1 "an update cannot clear the owner" risk set "$rsk" owner=
has "clearing names the field" "field 'owner' is required"
expect 1 "nor set an unknown one" risk set "$rsk" owner=zed
has "again the fix" "ismsctl user add zed"

# --- --owner filters take a name or a user's e-mail
expect 0 "list owner=tom" risk list owner=tom
has "tom's risk" "$rsk"
lacks "not una's" "R2"
expect 0 "list owner=e-mail" risk list owner=tom@example.org
has "tom's risk by e-mail" "$rsk"
lacks "not una's by e-mail" "R2"
expect 0 "due --owner e-mail" due --within 400d --owner una@example.org
has "una's items" "R2"
lacks "not tom's" "R1"
"$ctl" watch --owner una@example.org >watch.txt 2>&1 &
wpid=$!
wait_until "the watch subscribed" status_at_least subscribers 1
expect 0 "a change of tom's" risk set "$rsk" impact=2
expect 0 "a change of una's" risk set RSK-0002 impact=2
# Tom's change is fanned out before una's: once hers shows, his would.
wait_until "una's change in the watch" in_file watch.txt RSK-0002
kill -TERM "$wpid"
wait "$wpid"
if grep -q RSK-0002 watch.txt && ! grep -q "$rsk" watch.txt; then
	passes=$((passes + 1))
else
	echo "FAIL: watch --owner e-mail: $(cat watch.txt)"
	fails=$((fails + 1))
fi

# --- disabled users keep what they own and get nothing new
expect 0 "disable tom" user disable tom
expect 0 "tom's risk still changes" risk set "$rsk" title="R1 kept"
expect 1 "nothing new for tom" risk add title=R3 likelihood=1 impact=1 \
	owner=tom
has "says tom is disabled" "user 'tom' is disabled"
expect 0 "enable tom" user enable tom

# --- due --check --nagios: 0 nothing due, 1 due soon (2: events_cli.sh)
expect 0 "nagios OK" due --check --nagios --within 1d
has "OK line" "ISMS DUE OK - nothing due within 1 days | overdue=0 due=0"
expect 0 "an action due in 3 days" action add title=Soon kind=corrective \
	owner=una due_on="$(date -u -d '+3 days' +%F)"
expect 1 "nagios WARNING" due --check --nagios --within 7d
has "WARNING line" "ISMS DUE WARNING - 1 item due within 7 days (next ACT-0002 in 3 days) | overdue=0 due=1"
expect 3 "nagios UNKNOWN without ismsd" --endpoint unix:nowhere.sock due \
	--nagios
has "UNKNOWN line" "ISMS DUE UNKNOWN - no answer from ismsd"

cli_done owners_cli
