#!/usr/bin/env bash
# readme_lists.sh: runs the README's lists, filters, sort and unarchive
# commands (ismsctl section), verbatim, after the tour and the whole ISMS,
# against a real ismsd.
# Usage: readme_lists.sh README BUILD_DIR
. "$(dirname "$0")/readme_lib.sh"
export ISMS_ENDPOINT=unix:var/ismsd.sock

# Commands the block shows refused on purpose.
expect_rc() {
	case "$1" in
	*"# refused: exit 1"*) echo 1 ;;
	*) echo 0 ;;
	esac
}

quiet tour
quiet isms
run lists expect_rc

check "level=high lists RSK-0001" grep -q RSK-0001 "$(out 'level=high')"
check "applicable=no lists A.7.4" grep -q 'A.7.4' "$(out 'applicable=no')"
check "applicable=no lists no applicable control" \
	bash -c "! grep -q 'A.8.24' $(out 'applicable=no')"
check "sorted by title: Laptop theft before Phishing" \
	bash -c "cut -d, -f1 $(out '--sort title') | tr -d '\r' | tr '\n' ' ' | grep -qx 'id RSK-0001 RSK-0002 '"
check "unarchive prints it" grep -q 'unarchived RSK-0002' "$(out 'risk unarchive')"
check "the journal has the unarchive" grep -q unarchived "$(out 'journal --id RSK-0002')"
check "get shows both exclusions" \
	bash -c "grep -q 'what=A.7.4; justification=Fully remote' $(out 'scope get') && grep -q 'what=A.7.1; justification=No offices\\\\; staff' $(out 'scope get')"
check "the misspelt relation names the valid ones" \
	grep -q "unknown relation 'treatd_by'.*treated_by (to control" "$(out 'treatd_by')"
check "the wrong pair says what treated_by joins" \
	grep -q "not an asset" "$(out 'treated_by AST-0001')"
check "risk get of an incident names its register" \
	grep -q 'INC-0001 is an incident, not a risk' "$(out 'risk get INC-0001')"
check "help link prints the table" grep -q 'measured_by' "$(out 'help link')"
check "the scope keeps A.7.4 only" \
	bash -c "build/bin/ismsctl scope get SCOPE-0001 | grep -c 'what=' | grep -qx 1"
finish
