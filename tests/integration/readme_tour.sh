#!/usr/bin/env bash
# readme_tour.sh: runs the README's tour, verbatim, against a real ismsd,
# the way a new user would: from a directory holding build/ and var/.
# Usage: readme_tour.sh README BUILD_DIR
. "$(dirname "$0")/readme_lib.sh"

# Commands the tour shows failing on purpose, and their exit codes.
expect_rc() {
	case "$1" in
	*"impact=2 --rev 1"*) echo 1 ;;
	*"likelihood=9"*) echo 1 ;;
	*"colour=red"*) echo 2 ;;
	*"Nobody's risk"*) echo 1 ;;
	*"owner=tom"*) echo 1 ;;
	*) echo 0 ;;
	esac
}

run tour expect_rc

# What the tour promises, checked on what the commands printed.
check "add prints RSK-0001" grep -qx RSK-0001 "$(out 'title="Laptop theft"')"
check "an owner given as an e-mail is stored as its user" \
	bash -c "build/bin/ismsctl -o json risk get RSK-0002 | grep -q '\"owner\": \"bob\"'"
check "a risk without an owner is refused naming it" \
	grep -q "field 'owner' is required for a risk" "$(out "Nobody's risk")"
check "an unknown owner is refused with the user add line" \
	grep -q 'ismsctl user add tom --display-name' "$(out 'owner=tom')"
check "asset add prints AST-0001" grep -qx AST-0001 "$(out 'asset add')"
check "list owner=alice shows only RSK-0001" \
	bash -c "grep -q RSK-0001 $(out 'list owner=alice') && ! grep -q RSK-0002 $(out 'list owner=alice')"
check "stale rev refused with ABORTED" grep -q ABORTED "$(out 'impact=2 --rev 1')"
check "json shows the derived score 15" grep -q '"score": 15' "$(out '-o json')"
check "json shows rev 2" grep -q '"rev": 2' "$(out '-o json')"
check "history lists rev 2 changing impact" \
	grep -Eq '^2 .*impact' "$(out 'risk history')"
check "csv has a header row" grep -q '^id,rev,title' "$(out '-o csv')"
check "archived record shows with --all" grep -q RSK-0002 "$(out 'list --all')"
check "tags+= kept the old tag" bash -c "build/bin/ismsctl -o json risk get RSK-0002 | grep -q email"
check "out of scale names the field" grep -q likelihood "$(out 'likelihood=9')"
check "unknown field lists valid fields" grep -q 'valid fields' "$(out 'colour=red')"

finish
