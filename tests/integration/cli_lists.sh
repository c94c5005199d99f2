#!/usr/bin/env bash
# cli_lists.sh: issue 16 points 6-8 end to end, ismsctl against a real
# ismsd on a temp dir: lists of records (scope exclusions), the relations
# table, unarchive, list filters on any field with --sort, the bounded
# list scan and its continuation, ids of another register. Usage:
# cli_lists.sh BUILD_DIR
set -u
build=$(realpath "$1")
# shellcheck source=cli_lib.sh
. "$(dirname "$0")/cli_lib.sh"
cli_workdir cli_lists
cli_checks fixed
start

# --- a register lifecycle: incidents move along their enum only
expect 0 "incident add" incident add title="Phishing mail" severity=high
equals "incident id" "$out" INC-0001
expect 1 "new -> contained is refused" incident set INC-0001 status=contained
has "the refusal names the field" "status"
expect 0 "new -> triaged is allowed" incident set INC-0001 status=triaged

expect 0 "the daemon answers" method get
expect 0 "an owner" user add alice --role viewer
expect 0 "another owner" user add bob --role viewer

# --- lists of records: scope exclusions with their justification
expect 0 "a scope with an exclusion" scope add title="ISMS scope" owner=alice statement="All of Example Ltd" "exclusions+=what=A.7.4;justification=No premises to monitor"
expect 0 "a second exclusion, with a ';' in its text" scope set SCOPE-0001 'exclusions+=what=A.7.1; justification=Fully remote\; no offices'
expect 0 "the same one again changes nothing" scope set SCOPE-0001 "exclusions+=what=A.7.4;justification=No premises to monitor"
has "unchanged" "SCOPE-0001 unchanged at rev 2"
expect 0 "get shows them, one a line, as typed" scope get SCOPE-0001
has "the first" "exclusions:           what=A.7.4; justification=No premises to monitor"
has "the second" "                      what=A.7.1; justification=Fully remote\; no offices"
expect 0 "json keeps them as records" -o json scope get SCOPE-0001
has "json element" '"what": "A.7.1"'
has "json justification" '"justification": "Fully remote; no offices"'
expect 0 "csv: one cell, an element a line" -o csv scope list
has "csv cell" '"what=A.7.4; justification=No premises to monitor'
has "csv second line" 'what=A.7.1; justification=Fully remote\; no offices",'
expect 0 "remove one by its values" scope set SCOPE-0001 "exclusions-=what=A.7.4"
expect 0 "get after the removal" scope get SCOPE-0001
lacks "A.7.4 removed" "A.7.4"
has "A.7.1 kept" "what=A.7.1"
expect 2 "a removal that matches nothing" scope set SCOPE-0001 "exclusions-=what=A.9.9"
has "says so" "no element holds 'what=A.9.9'"
expect 2 "an unknown subfield" scope set SCOPE-0001 "exclusions+=control=A.7.4"
has "names the element's fields" "write what=...;justification=..."
expect 0 "remove by position" scope set SCOPE-0001 "exclusions-=#1"
expect 0 "get after removing the last" scope get SCOPE-0001
lacks "no exclusions left" "exclusions"
expect 0 "replace the list" scope set SCOPE-0001 "exclusions=what=A.5.7;justification=x" "exclusions+=what=A.5.8;justification=y"
expect 0 "get after replace" -o json scope get SCOPE-0001
has "replaced first" '"what": "A.5.7"'
has "replaced second" '"what": "A.5.8"'
expect 0 "clear the list" scope set SCOPE-0001 exclusions=
expect 0 "get after clear" scope get SCOPE-0001
lacks "cleared" "exclusions"
expect 0 "the history names the list" scope history SCOPE-0001
has "history" "exclusions"
expect 0 "help shows the syntax" help scope
has "help: the field" "exclusions+='what=...;justification=...'"
has "help: removal" "f-=#2 the second"

# --- relations are a table
expect 0 "a risk" risk add title="Laptop theft" likelihood=3 impact=4 owner=alice
expect 0 "an asset" asset add title="Laptops" kind=hardware owner=alice
expect 0 "an incident" incident add title="Phishing" severity=low owner=bob
expect 0 "treated_by risk -> control" link RSK-0001 treated_by A.8.24
expect 0 "affects risk -> asset" link RSK-0001 affects AST-0001
expect 1 "a misspelt relation is refused" link RSK-0001 treatd_by A.8.20
has "it names the relation" "unknown relation 'treatd_by'"
has "it names the valid ones" "treated_by (to control treatment action)"
has "and their targets" "affects (to asset supplier)"
expect 1 "a wrong pair is refused" link RSK-0001 treated_by AST-0001
has "it says what treated_by joins" "'treated_by' from a risk links to control treatment action, not an asset"
expect 1 "a wrong source is refused" link INC-0001 treated_by A.8.24
has "it names the sources" "'treated_by' links risk to control treatment action, not an incident"
expect 0 "the links stored are unchanged" links RSK-0001
has "treated_by kept" "treated_by → A.8.24"
lacks "nothing refused was stored" "A.8.20"
expect 0 "help link lists the relations" help link
has "relations table in help" "found_in"

# --- an id of another register is refused, for every verb
expect 1 "risk get of an incident" risk get INC-0001
has "names its register" "INC-0001 is an incident, not a risk"
expect 1 "risk set of an incident" risk set INC-0001 title=x
has "set names its register" "INC-0001 is an incident, not a risk"
expect 1 "risk archive of an incident" risk archive INC-0001
has "archive names its register" "INC-0001 is an incident, not a risk"
expect 1 "asset history of a risk" asset history RSK-0001
has "history names its register" "RSK-0001 is a risk, not an asset"
expect 1 "risk review of an incident" risk review INC-0001
has "review names its register" "INC-0001 is an incident, not a risk"
expect 1 "risk unarchive of an incident" risk unarchive INC-0001
has "unarchive names its register" "INC-0001 is an incident, not a risk"
expect 0 "incident get of the incident" incident get INC-0001

# --- unarchive
expect 1 "unarchive of a live record is refused" asset unarchive AST-0001
has "live record refused" "AST-0001 is not archived"
expect 0 "archive the incident" incident archive INC-0001
expect 0 "archived: gone from the list" incident list
lacks "not listed" "INC-0001"
expect 0 "archived: due for nothing" due --within 400d
lacks "no review due" "INC-0001"
expect 0 "unarchive the incident" incident unarchive INC-0001
has "unarchive prints it" "unarchived INC-0001 (rev "
expect 0 "back in the list" incident list
has "listed again" "INC-0001"
expect 0 "unarchived: its review is due again" due --within 400d
has "review due again" "INC-0001"
expect 0 "the archived filter knows" incident list --archived
lacks "not archived any more" "INC-0001"
expect 0 "it can change again" incident set INC-0001 status=triaged
expect 0 "the journal has it" journal --id INC-0001
has "journaled as unarchived" "unarchived"
expect 0 "verify covers it" journal verify --deep
has "the chain verifies" "OK:"

# --- list filters on any field, derived ones too, and --sort
expect 0 "a second risk" risk add title="Phishing" likelihood=4 impact=4 owner=bob
expect 0 "a third risk" risk add title="Flood" likelihood=1 impact=2 owner=alice
expect 0 "filter on a derived field" risk list level=high
has "RSK-0002 is high (16)" "RSK-0002"
lacks "RSK-0003 is low" "RSK-0003"
expect 0 "filter on a number and the owner" risk list owner=alice score=12
has "RSK-0001 scores 12" "RSK-0001"
lacks "RSK-0002 is bob's" "RSK-0002"
expect 0 "exclude a control" soa set A.7.4 applicable=no justification="No premises"
expect 0 "filter on a bool, yes/no" control list applicable=no
has "A.7.4 excluded" "A.7.4"
lacks "A.7.5 not excluded" "A.7.5 "
expect 0 "a policy" document add title="IS policy" kind=policy owner=alice
expect 0 "a procedure" document add title="Backup procedure" kind=procedure owner=bob
expect 0 "filter on an enum" document list kind=policy
has "the policy" "DOC-0001"
lacks "not the procedure" "DOC-0002"
expect 0 "f= matches an absent field" risk list vulnerability=
has "all risks lack a vulnerability" "RSK-0003"
expect 2 "an unknown field is a usage error" risk list colour=red
has "names the field" "risk has no field 'colour'"
expect 2 "a message field is refused" risk list acceptance=x
expect 0 "sort ascending" -o csv risk list --sort score
equals "by score" "$(cut -d, -f1 <<<"$out" | tr -d '\r' | tr '\n' ' ')" "id RSK-0003 RSK-0001 RSK-0002 "
expect 0 "sort descending, limit after the sort" -o csv risk list --sort -score --limit 2
equals "by score, descending" "$(cut -d, -f1 <<<"$out" | tr -d '\r' | tr '\n' ' ')" "id RSK-0002 RSK-0001 "
expect 0 "sort on text" -o csv risk list --sort title
equals "by title" "$(cut -d, -f1 <<<"$out" | tr -d '\r' | tr '\n' ' ')" "id RSK-0003 RSK-0001 RSK-0002 "
expect 2 "sort on an unknown field" risk list --sort colour

# --- articles: an incident, an action, not "a incident"
expect 1 "an incident without its severity" incident add title=x owner=bob
has "an incident" "field 'severity' is required for an incident"
expect 1 "an action without its kind" action add title=x owner=bob
has "an action" "is required for an action"
expect 1 "a bad status filter" incident list status=bogus
has "an incident status" "status 'bogus' is not an incident status"

cli_done cli_lists
