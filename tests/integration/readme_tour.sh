#!/usr/bin/env bash
# readme_tour.sh: runs the README's tour, verbatim, against a real ismsd,
# the way a new user would: from a directory holding build/ and var/.
# Usage: readme_tour.sh README BUILD_DIR
set -u
readme=$(realpath "$1")
build=$(realpath "$2")

work=$(mktemp -d /tmp/ismsd-tour-XXXXXX)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
cd "$work" || exit 1
ln -s "$build" build
mkdir var
build/bin/ismsd --data-dir var --listen unix:var/ismsd.sock --foreground \
	2>daemon.log &
pid=$!
for _ in $(seq 100); do
	[ -S var/ismsd.sock ] && break
	sleep 0.05
done

# The commands of the tour: lines starting with "$ " between the markers.
mapfile -t cmds < <(sed -n '/<!-- tour:begin -->/,/<!-- tour:end -->/p' \
	"$readme" | sed -n 's/^\$ //p')
[ "${#cmds[@]}" -gt 10 ] || { echo "FAIL: tour not found in $readme"; exit 1; }

# Commands the tour shows failing on purpose, and their exit codes.
expect_rc() {
	case "$1" in
	*"impact=2 --rev 1"*) echo 1 ;;
	*"likelihood=9"*) echo 1 ;;
	*"colour=red"*) echo 2 ;;
	*) echo 0 ;;
	esac
}

fails=0
passes=0
check() { # check DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then
		passes=$((passes + 1))
	else
		echo "FAIL: $what"
		fails=$((fails + 1))
	fi
}

for i in "${!cmds[@]}"; do
	cmd=${cmds[$i]}
	eval "$cmd" >"out.$i" 2>&1
	rc=$?
	want=$(expect_rc "$cmd")
	check "'$cmd' exited $rc, expected $want: $(head -c 300 "out.$i")" \
		test "$rc" -eq "$want"
done

# What the tour promises, checked on what the commands printed.
out() { # out PATTERN-OF-COMMAND: the output file of the first match
	local i
	for i in "${!cmds[@]}"; do
		case "${cmds[$i]}" in *$1*) echo "out.$i"; return ;; esac
	done
}
check "add prints RSK-0001" grep -qx RSK-0001 "$(out 'title="Laptop theft"')"
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

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
