#!/usr/bin/env bash
# readme_import.sh: runs the README's "Import and export" commands,
# verbatim, after the tour, against a real ismsd.
# Usage: readme_import.sh README BUILD_DIR
. "$(dirname "$0")/readme_lib.sh"
export ISMS_ENDPOINT=unix:var/ismsd.sock

quiet tour
# import_rc CMD: the unmapped columns exit 2, the owner not a user 1.
import_rc() {
	case "$1" in
	*"import risk risks.csv") echo 2 ;;
	*"--map 'Risk owner=owner,Notes=-'") echo 1 ;;
	*) echo 0 ;;
	esac
}
run import import_rc

first='build/bin/ismsctl import risk risks.csv'
keyed="$first --key Ref --map 'Risk owner=owner,Notes=-' --scale likelihood='Low=1,Medium=3,High=5' --scale impact='Low=1,Medium=3,High=5'"
check "unmapped columns named" grep -q \
	'3 columns not mapped to a field of risk: "Ref", "Risk owner", "Notes"' \
	"$(out_is "$first")"
check "derived fields are not offered" bash -c \
	"! grep -q 'residual_score' $(out_is "$first")"
check "the owner that is not a user" grep -q \
	'owners that are not users: "Dana Scully"' \
	"$(out_is "$first --key Ref --map 'Risk owner=owner,Notes=-'")"
check "dry run: the owner it would create" grep -q \
	'^would create user dana.scully ("Dana Scully"): role viewer, no login$' \
	"$(out '--create-owners --dry-run')"
check "dry run: the rows" grep -q \
	'^dry run: would create 2, update 0, leave 0 unchanged; nothing written$' \
	"$(out '--create-owners --dry-run')"
check "the import" grep -q '^created 2, updated 0, unchanged 0$' \
	"$(out_is "$keyed --create-owners")"
check "the rerun updates one, same ids" grep -q \
	'^created 0, updated 1, unchanged 1$' "$(out_is "$keyed")"
check "the new owner's risk" grep -q 'Lost USB keys, unencrypted' \
	"$(out 'owner=dana.scully')"
check "export: the updated title, the sheet's review date and key" grep -q \
	',Tailgating at the loading bay,alice,,[0-9]*,2027-01-31,R-1,' \
	"$(out 'export risk')"
check "export --all: users" grep -q '^dana.scully,Dana Scully,,viewer' \
	isms-export/users.csv
check "export --all: every register" test -s isms-export/milestone.csv

finish
