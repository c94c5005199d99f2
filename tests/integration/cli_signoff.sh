#!/usr/bin/env bash
# cli_signoff.sh: evidence per state and sign-offs end to end, with ismsctl
# against a real ismsd on a temp dir: records created in a later state,
# moves refused naming what is missing, sign-offs by the owner, refused to
# another editor, an admin's (named in the journal) except above the risk
# acceptance threshold, voiding, and 'help REGISTER'. Users alice and bob
# (editors) call over plain TCP on loopback with their tokens; the data
# dir's owner is the admin on the Unix socket. Usage: cli_signoff.sh BUILD
set -u
build=$(realpath "$1")
# shellcheck source=cli_lib.sh
. "$(dirname "$0")/cli_lib.sh"
cli_workdir cli_signoff
cli_checks fixed
start_tcp
admin=$(id -un)

# Users (owners are users) and the editors' tokens.
expect 0 "user alice" user add alice --role editor
expect 0 "user bob" user add bob --role editor
for u in alice bob; do
	expect 0 "token of $u" token create "$u"
	cut -d' ' -f2 <<<"$out" >"$u.tok"
done
tcp=(--endpoint "tcp://127.0.0.1:$port" --insecure)
as_alice=("${tcp[@]}" --token-file alice.tok)
as_bob=("${tcp[@]}" --token-file bob.tok)
expect 0 "alice is alice over TCP" "${as_alice[@]}" status

# --- a risk: created in a later state only with its evidence
expect 1 "a risk created accepted without acceptance" \
	risk add title="Ransomware" likelihood=4 impact=4 owner=alice status=accepted
has "the error names the status" "status 'accepted'"
has "the error names what is missing" "acceptance.by"
expect 0 "risk add" "${as_alice[@]}" risk add title="Ransomware" \
	likelihood=4 impact=4 owner=alice
has "the id" "RSK-0001"
expect 1 "an editor types acceptance.by" "${as_bob[@]}" risk set RSK-0001 \
	acceptance.by=alice
has "the acceptance is the server's" "'acceptance' is derived"
has "the error names the sign-off" "'ismsctl risk accept ID' writes it"
expect 1 "acceptance.at from a client" risk set RSK-0001 acceptance.at=2026-01-01
expect 0 "assessed" risk set RSK-0001 status=assessed
expect 1 "set status=accepted is no acceptance" risk set RSK-0001 status=accepted
has "it names the acceptance" "acceptance.by"

# --- who signs
expect 1 "bob (an editor, not the owner) may not accept" \
	"${as_bob[@]}" risk accept RSK-0001
has "bob is told who may" "only the owner of RSK-0001 (alice) or an admin"
expect 1 "the admin may not accept a risk above the threshold" \
	risk accept RSK-0001
has "only the owner above the threshold" "only the risk owner (alice)"
expect 0 "the owner accepts" "${as_alice[@]}" risk accept RSK-0001 \
	--until 2027-06-30 note="Board minute 7"
has "accepted by alice" "signed RSK-0001 (accept) as alice: status accepted"
expect 0 "get" -o json risk get RSK-0001
has "status accepted" '"status": "accepted"'
has "acceptance.by" '"by": "alice"'
has "acceptance.until" '"until": "2027-06-30"'
expect 0 "journal" -o csv journal --id RSK-0001
has "the journal names the signer" ",alice,signed,risk,RSK-0001,"
has "as owner" "RSK-0001 accepted by alice (owner): Board minute 7"

# --- a change of the residual scores voids it
expect 0 "new residual scores" "${as_alice[@]}" risk set RSK-0001 \
	residual_likelihood=2 residual_impact=2
expect 0 "get" -o json risk get RSK-0001
has "back to assessed" '"status": "assessed"'
lacks "no acceptance" '"acceptance"'
expect 0 "journal" -o csv journal --id RSK-0001
has "the voiding is journaled" "acceptance voided: residual_likelihood changed; status accepted -> assessed"
# Residual 4 is under the threshold: an admin may accept, and says so.
expect 0 "the admin accepts" risk accept RSK-0001
expect 0 "journal" -o csv journal --id RSK-0001
has "the journal names the admin" ",$admin,signed,risk,RSK-0001,"
has "as admin" "RSK-0001 accepted by $admin (admin)"

# --- moves into closed states name what is missing
expect 0 "incident add" incident add title="Phish" severity=low
expect 1 "closed without lessons learned" incident set INC-0001 status=closed
has "names the field" "lessons_learned"
expect 0 "closed with them" incident set INC-0001 status=closed \
	lessons_learned="Report button works"
expect 0 "audit add" audit add title="ISMS audit" planned_on=2026-03-02
expect 0 "in progress" audit set AUD-0001 status=in_progress
expect 1 "reported without a report" audit set AUD-0001 status=reported
has "names performed_on" "performed_on"
has "names the conclusion" "conclusion"
expect 0 "an audit imported as reported" audit add title="2025 audit" \
	planned_on=2025-03-02 performed_on=2025-03-03 conclusion="Conforms" \
	status=reported

# --- a nonconformity: verified by its owner once its action is done
expect 1 "a closed NC needs its evidence" nonconformity add title="No restore test" \
	source=finding description="Backups" owner=alice status=closed
has "names the effectiveness" "effectiveness.by"
expect 0 "nc add" nonconformity add title="No restore test" source=finding \
	description="Backups never restored" owner=alice \
	correction="Restored once" root_cause="No owner"
expect 0 "action planned" nonconformity set NC-0001 status=action_planned
expect 1 "verify before the action is done" "${as_alice[@]}" \
	nonconformity verify NC-0001 result="no recurrence"
has "names the action" "a linked action in status done"
expect 0 "action add" action add title="Monthly restore test" kind=corrective \
	owner=alice due_on=2026-12-31
expect 0 "link" link ACT-0001 for NC-0001
expect 0 "action done" action set ACT-0001 status=done
expect 1 "bob may not verify" "${as_bob[@]}" nonconformity verify NC-0001 \
	result="no recurrence"
expect 0 "alice verifies" "${as_alice[@]}" nonconformity verify NC-0001 \
	result="no recurrence in 90 days"
expect 0 "closed" nonconformity set NC-0001 status=closed
# what the closed NC needs cannot be taken away through its action
expect 1 "its action stays linked" unlink ACT-0001 for NC-0001
has "the unlink names what NC-0001 needs" \
	"NC-0001 is closed, which needs a linked action in status done"
expect 1 "its action stays live" action archive ACT-0001 --force
has "the archive names it too" "NC-0001 is closed"
expect 1 "its action stays done" action set ACT-0001 status=in_progress
has "so does the move" "NC-0001 is closed"

# --- a document: approved by its owner, voided by a new version
expect 0 "document add" document add title="Security policy" kind=policy \
	version=1.0 owner=alice
expect 1 "approval.by from a client" document set DOC-0001 approval.by=alice
expect 0 "alice approves" "${as_alice[@]}" document approve DOC-0001
expect 0 "get" -o json document get DOC-0001
has "approved" '"status": "approved"'
expect 0 "a new version" document set DOC-0001 version=1.1
expect 0 "get" -o json document get DOC-0001
has "back to draft" '"status": "draft"'

# --- a management review: held with its inputs, closed by approval
expect 0 "mreview add" mreview add title="MR 2026" owner=alice
expect 1 "held without inputs" mreview set MR-0001 status=held held_on=2026-04-01
has "names an input" "input_risk"
expect 0 "held" mreview set MR-0001 status=held held_on=2026-04-01 \
	attendees=ceo input_previous_actions=a input_changes=b \
	input_party_needs=c input_performance=d input_party_feedback=e \
	input_risk=f input_improvement=g
expect 1 "approve without decisions" "${as_alice[@]}" mreview approve MR-0001
has "names decisions" "decisions"
expect 0 "decisions" mreview set MR-0001 decisions="Fund the SIEM"
expect 0 "alice approves" "${as_alice[@]}" mreview approve MR-0001
expect 0 "get" -o json mreview get MR-0001
has "closed" '"status": "closed"'

# --- help REGISTER: prefix, lifecycle, evidence, dates
expect 0 "help risk" help risk
has "the prefix" "RSK-0001"
has "a state and its moves" "accepted"
has "the evidence" "acceptance.by"
has "the sign-off" "ismsctl risk accept ID"
has "a date as a date" "a date YYYY-MM-DD"
expect 0 "help nonconformity" help nonconformity
has "the linked action" "a linked action in status done"
expect 0 "help finding" help finding
has "only for nonconformity findings" "kind=major_nc|minor_nc"

# --- the journal still verifies, with every sign-off in it
expect 0 "journal verify --deep" journal verify --deep
has "verified" "OK: "
expect 0 "the journal as JSON" -o json journal --id DOC-0001
has "a signed entry" '"type":"signed"'

cli_done cli_signoff
