# readme_lib.sh: what the README tests share. Source it with the README and
# the build dir as $1 and $2: it starts a real ismsd on ./var from a fresh
# directory holding build/ (as a new user would), and gives block, run,
# out and check. Each test ends with `finish`.
set -u
readme=$(realpath "$1")
build=$(realpath "$2")

work=$(mktemp -d /tmp/ismsd-readme-XXXXXX)
pid=
dog=
cleanup() {
	[ -n "$dog" ] && pkill -P "$dog" && kill "$dog" 2>/dev/null
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
cd "$work" || exit 1

# A hung command would show only as ctest's timeout: name it, with the
# state of every process of ours, before ctest gives up (at 120 s).
(
	sleep 90 </dev/null >/dev/null 2>&1
	echo "FAIL: still running after 90 s: $(cat "$work/current" 2>/dev/null)"
	# By session, not group: `timeout` puts its command in a group of
	# its own. The signal masks tell a lost SIGINT from a hung call.
	ps -o pid,ppid,stat,wchan:24,etime,pending,blocked,ignored,caught,args \
		-s "$(ps -o sid= -p $$ | tr -d ' ')"
	tail -5 "$work/daemon.log"
	for f in "$work"/out.*; do
		[ -e "$f" ] && echo "--- $f" && tail -3 "$f"
	done
) &
dog=$!
ln -s "$build" build
mkdir var
build/bin/ismsd --data-dir var --listen unix:var/ismsd.sock --foreground \
	2>daemon.log &
pid=$!
for _ in $(seq 100); do
	[ -S var/ismsd.sock ] && break
	sleep 0.05
done

fails=0
passes=0
cmds=()

# block NAME: the "$ " lines between <!-- NAME:begin --> and its end.
block() {
	sed -n "/<!-- $1:begin -->/,/<!-- $1:end -->/p" "$readme" |
		sed -n 's/^\$ //p'
}

# check DESCRIPTION COMMAND...: counts a pass or prints the failure.
check() {
	local what=$1
	shift
	if "$@"; then
		passes=$((passes + 1))
	else
		echo "FAIL: $what"
		fails=$((fails + 1))
	fi
}

# quiet NAME: runs a block whose own test checks it (a prerequisite).
quiet() {
	local c
	while IFS= read -r c; do
		echo "$c" >"$work/current"
		eval "$c" >/dev/null 2>&1
	done < <(block "$1")
}

# run NAME EXPECT-FN: runs a block into out.N files; EXPECT-FN CMD prints
# the exit code each command must have.
run() {
	local i rc want
	mapfile -t cmds < <(block "$1")
	[ "${#cmds[@]}" -gt 3 ] || {
		echo "FAIL: block $1 not found in $readme"
		exit 1
	}
	for i in "${!cmds[@]}"; do
		echo "${cmds[$i]}" >"$work/current"
		case "${cmds[$i]}" in
		*" watch "*) # runs until Ctrl-C: send it one after two seconds
			# (--foreground: no SIGCONT after it, which, landing as
			# an ASan build's leak checker stops the process at
			# exit, cancels the stop and hangs the checker)
			eval "timeout --foreground --preserve-status -s INT 2 ${cmds[$i]}" \
				>"out.$i" 2>&1 ;;
		*) eval "${cmds[$i]}" >"out.$i" 2>&1 ;;
		esac
		rc=$?
		want=$("$2" "${cmds[$i]}")
		check "'${cmds[$i]}' exited $rc, expected $want: $(head -c 300 "out.$i")" \
			test "$rc" -eq "$want"
	done
}

# out PATTERN: the output file of the first command matching it.
out() {
	local i
	for i in "${!cmds[@]}"; do
		case "${cmds[$i]}" in *$1*)
			echo "out.$i"
			return
			;;
		esac
	done
	echo /dev/null
}

# out_is CMD: the output file of the command that is exactly CMD.
out_is() {
	local i
	for i in "${!cmds[@]}"; do
		[ "${cmds[$i]}" = "$1" ] && {
			echo "out.$i"
			return
		}
	done
	echo /dev/null
}

# all_zero CMD: every command must succeed.
all_zero() {
	echo 0
}

finish() {
	echo "$passes passed, $fails failed"
	[ "$fails" -eq 0 ]
}
