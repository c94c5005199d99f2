#!/usr/bin/env bash
# ops_completion.sh: the bash completion script of "ismsctl completion
# bash", driven as bash drives it (COMP_WORDS, COMP_CWORD, then the
# function it registered): commands and registers, a register's own verbs,
# field names, and record ids from a running ismsd, which must cost
# nothing when ismsd is down and at most its short timeout when ismsd
# hangs. Usage: ops_completion.sh BUILD
set -u
build=$(realpath "$1")
# shellcheck source=cli_lib.sh
. "$(dirname "$0")/cli_lib.sh"
cli_workdir ops_completion
cli_checks re
PATH="$build/bin:$PATH"

"$ctl" completion bash >ismsctl.bash || bad "completion bash"
if cmp -s ismsctl.bash "$build/completion/ismsctl"; then ok; else
	bad "the build did not generate the bash script ismsctl prints"
fi
# shellcheck source=/dev/null
. ./ismsctl.bash
equals "registered for ismsctl" "$(complete -p ismsctl)" \
	"complete -o default -F _ismsctl ismsctl"

# comp LINE: what TAB offers at the end of LINE (words split on blanks),
# in $reply, one line each.
comp() {
	COMP_LINE=$1
	COMP_POINT=${#1}
	read -ra COMP_WORDS <<<"$1"
	[[ $1 == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_ismsctl ismsctl "${COMP_WORDS[COMP_CWORD]}" \
		"${COMP_WORDS[COMP_CWORD - 1]}"
	reply=$(printf '%s\n' "${COMPREPLY[@]}")
}

comp "ismsctl ri"
equals "ismsctl ri<TAB>" "$reply" risk
comp "ismsctl "
has "commands" '^journal$' "$reply"
has "registers" '^nonconformity$' "$reply"
has "backup is a command" '^backup$' "$reply"
hasnt "the hidden command" '__complete' "$reply"
comp "ismsctl risk "
has "a verb after 'ismsctl risk '" '^add$' "$reply"
has "the risk's own verb" '^accept$' "$reply"
hasnt "another register's verb" '^approve$' "$reply"
comp "ismsctl document "
has "the document's own verb" '^approve$' "$reply"
hasnt "the risk's verb" '^accept$' "$reply"
comp "ismsctl risk add ti"
equals "ismsctl risk add ti<TAB>" "$reply" "title="
comp "ismsctl risk set RSK-0001 acc"
has "nested fields" '^acceptance\.until=$' "$reply"
comp "ismsctl asset list own"
equals "a filter's field" "$reply" "owner="
comp "ismsctl user "
has "a command's verbs" '^disable$' "$reply"
comp "ismsctl journal v"
equals "journal v<TAB>" "$reply" verify
comp "ismsctl help ri"
equals "help ri<TAB>" "$reply" risk
comp "ismsctl completion "
equals "the shells" "$(tr '\n' ' ' <<<"$reply")" "bash zsh fish "
comp "ismsctl -o json risk "
has "past a global option and its value" '^get$' "$reply"

# Ids come from a running daemon.
start
expect 0 user add alice --role viewer
expect 0 risk add title=One owner=alice
expect 0 risk add title=Two owner=alice
expect 0 asset add title=Laptop owner=alice
comp "ismsctl risk get RSK-"
equals "ids after 'risk get RSK-'" "$(tr '\n' ' ' <<<"$reply")" \
	"RSK-0001 RSK-0002 "
comp "ismsctl risk get RSK-0002"
equals "the id typed" "$reply" RSK-0002
comp "ismsctl asset history "
equals "another register's ids" "$reply" AST-0001
comp "ismsctl risk add "
hasnt "no ids where fields go" 'RSK-' "$reply"
saved=$ISMS_ENDPOINT
unset ISMS_ENDPOINT
comp "ismsctl --endpoint unix:var/ismsd.sock risk get RSK-0001"
equals "the endpoint on the line" "$reply" RSK-0001
comp "ismsctl -e unix:var/ismsd.sock risk get RSK-0001"
equals "-e on the line" "$reply" RSK-0001
export ISMS_ENDPOINT=$saved

# A hung daemon costs the short timeout, no more, and offers nothing.
kill -STOP "$pid"
t0=$(date +%s%N)
comp "ismsctl risk get RSK-"
ms=$((($(date +%s%N) - t0) / 1000000))
kill -CONT "$pid"
equals "nothing from a hung daemon" "$reply" ""
# (the bounds leave room for a sanitizer build on a loaded machine; what
# they catch is the 60 s call deadline or the 30 s TCP connect instead)
if [ "$ms" -lt 3000 ]; then ok; else bad "a hung daemon took $ms ms"; fi
echo "completion against a stopped (SIGSTOP) daemon: $ms ms"
stop
t0=$(date +%s%N)
comp "ismsctl risk get RSK-"
ms=$((($(date +%s%N) - t0) / 1000000))
equals "nothing when ismsd is down" "$reply" ""
if [ "$ms" -lt 2000 ]; then ok; else bad "a down daemon took $ms ms"; fi
comp "ismsctl ri"
equals "commands still complete" "$reply" risk

# The other shells' scripts ask the same hidden command.
expect 0 completion zsh
has "zsh: a completion function" '^#compdef ismsctl' "$out"
has "zsh: asks ismsctl" '__complete' "$out"
expect 0 completion fish
has "fish: asks ismsctl" '__complete' "$out"
expect 2 completion tcsh
cli_done ops_completion
