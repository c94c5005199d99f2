#!/usr/bin/env bash
# man_pages.sh: each man page renders with man -l without a warning, and
# says what the programs' --help says: every option of ismsd and
# ismsd-http, every command and register verb of ismsctl.
# Usage: man_pages.sh SOURCE_DIR BUILD_DIR
set -u
src=$(realpath "$1")
build=$(realpath "$2")
# shellcheck source=../integration/cli_lib.sh
. "$src/tests/integration/cli_lib.sh"
cli_workdir man
export LC_ALL=C MANWIDTH=250 MAN_KEEP_FORMATTING=

for page in ismsd.8 ismsd.conf.5 ismsd-protocol.7 ismsd-http.8 ismsctl.1; do
	f=$build/man/$page
	[ -s "$f" ] || { bad "$page was not built"; continue; }
	man --warnings -l "$f" 2>"$page.err" | col -b >"$page.txt"
	if [ -s "$page.err" ]; then bad "$page: man -l warns:"; cat "$page.err"; else ok; fi
	grep -q "^NAME" "$page.txt" && ok || bad "$page: no NAME section"
done

# options PROGRAM PAGE: every --option of PROGRAM --help is in PAGE.
options() {
	local n=0
	for o in $("$build/bin/$1" --help 2>&1 | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
		n=$((n + 1))
		grep -qF -- "$o" "$2.txt" && ok || bad "$2 does not document $1 $o"
	done
	[ "$n" -gt 5 ] && ok || bad "$1 --help lists only $n options"
}
options ismsd ismsd.8
options ismsd-http ismsd-http.8

# Every command of ismsctl --help (a usage line indented by two) and
# every register verb, by its synopsis, in ismsctl(1).
"$build/bin/ismsctl" --help >ctl.help
sed -n '/^Commands:/,/^Registers:/p' ctl.help | grep -E '^  [a-z]' |
	sed 's/^  //' >commands.txt
sed -n '/^Register verbs:/,/^Field words/p' ctl.help | grep -E '^  [<a-z]' |
	sed -e 's/^  //' -e 's/^<register>/REGISTER/' >verbs.txt
[ "$(wc -l <commands.txt)" -gt 10 ] && ok || bad "no commands in ismsctl --help"
tr -s ' \n' ' ' <ismsctl.1.txt >ctl.flat
while read -r usage; do
	grep -qF -- "ismsctl $usage" ctl.flat && ok ||
		bad "ismsctl(1) lacks the command 'ismsctl $usage'"
done <commands.txt
while read -r usage; do
	grep -qF -- "ismsctl ${usage%% *} " ctl.flat && ok ||
		bad "ismsctl(1) lacks the register verb '$usage'"
done <verbs.txt
cli_done man_pages
