# cli_lib.sh: what the ismsctl end-to-end scripts share, sourced by each
# (cli_*.sh, events_cli.sh, owners_cli.sh) after setting build=BUILD_DIR:
# a temp work dir removed on exit, a real ismsd on var/ismsd.sock, the
# pass and fail counts, and two styles of checks:
#   cli_checks fixed: expect RC WHAT CMD..., has WHAT TEXT, lacks WHAT TEXT
#                     (fixed strings in stdout and stderr together);
#   cli_checks re:    expect RC CMD..., has WHAT RE [TEXT], hasnt WHAT RE
#                     [TEXT] (extended regexps; stdout in $out, stderr in
#                     $err).
# equals WHAT GOT WANT, ok and bad in both; cli_done NAME ends the script.
# shellcheck shell=bash
ctl="$build/bin/ismsctl"
flip="$build/tests/flip_byte"
DAY=86400

fails=0
passes=0
out=
err=
rc=0
pid=

# cli_workdir NAME: a new temp dir, the current one, removed on exit.
cli_workdir() {
	work=$(mktemp -d "/tmp/ismsd-$1-XXXXXX")
	trap cli_cleanup EXIT
	cd "$work" || exit 1
	mkdir var
	export ISMS_ENDPOINT=unix:var/ismsd.sock
	export NO_COLOR=1
}
cli_cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
}

ok() { passes=$((passes + 1)); }
bad() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}
equals() { if [ "$2" = "$3" ]; then ok; else bad "$1: got '$2', want '$3'"; fi; }
day() { date -u -d "@$(($(date +%s) + $1 * DAY))" +%F; }

# start [FLAGS...]: starts ismsd on var/ and waits until it answers.
start() {
	"$build/bin/ismsd" --data-dir var --listen unix:var/ismsd.sock \
		--foreground "$@" 2>>daemon.log &
	pid=$!
	for _ in $(seq 200); do
		"$ctl" status >/dev/null 2>&1 && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	bad "ismsd did not start with $*"
	cat daemon.log
	exit 1
}
# start_tcp [FLAGS...]: start, also on plain TCP on a free loopback port
# ($port): a daemon that cannot bind it exits, and the next is tried.
start_tcp() {
	for _ in $(seq 10); do
		port=$((20000 + RANDOM % 12000)) # below the ephemeral ports
		"$build/bin/ismsd" --data-dir var --listen unix:var/ismsd.sock \
			--listen "tcp://127.0.0.1:$port" --insecure --foreground \
			"$@" 2>>daemon.log &
		pid=$!
		for _ in $(seq 200); do
			"$ctl" status >/dev/null 2>&1 && return 0
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		wait "$pid" 2>/dev/null
		pid=
	done
	bad "ismsd did not start on any port"
	cat daemon.log
	exit 1
}
stop() {
	kill "$pid" && wait "$pid"
	pid=
}

# wait_until WHAT CMD...: runs CMD every 50 ms until it succeeds, for at
# most 20 s (a loaded sanitizer build is slow); a FAIL names WHAT if it
# never does. Tests wait for what they check, never a fixed time.
wait_until() {
	local what=$1 _i
	shift
	for _i in $(seq 400); do
		"$@" && return 0
		sleep 0.05
	done
	bad "timed out waiting for $what"
	return 1
}

# status_at_least KEY N: `ismsctl status -o json` has KEY >= N.
status_at_least() {
	local v
	v=$("$ctl" -o json status 2>/dev/null | sed -n "s/^ *\"$1\": \([0-9]*\).*/\1/p")
	[ -n "$v" ] && [ "$v" -ge "$2" ]
}

# in_file FILE PATTERN: FILE has a line matching the extended regex.
in_file() {
	grep -qE -- "$2" "$1" 2>/dev/null
}

# The fixed-string checks: the output is stdout and stderr together.
cli_checks_fixed() {
	run() {
		out=$("$ctl" "$@" 2>&1)
		rc=$?
	}
	expect() {
		local want=$1 what=$2
		shift 2
		run "$@"
		if [ "$rc" -eq "$want" ]; then ok; else
			bad "$what: 'ismsctl $*' exited $rc, expected $want:"
			echo "$out" | head -5 | sed 's/^/    /'
		fi
	}
	has() {
		if grep -qF -- "$2" <<<"$out"; then ok; else
			bad "$1: no '$2' in:"
			echo "$out" | head -12 | sed 's/^/    /'
		fi
	}
	lacks() {
		if grep -qF -- "$2" <<<"$out"; then
			bad "$1: '$2' still in the output"
		else ok; fi
	}
}

# The regexp checks: stdout in $out, stderr in $err.
cli_checks_re() {
	run() {
		out=$("$ctl" "$@" 2>err.txt)
		rc=$?
		err=$(cat err.txt)
	}
	expect() {
		local want=$1
		shift
		run "$@"
		if [ "$rc" -eq "$want" ]; then ok; else
			bad "'ismsctl $*' exited $rc, expected $want: $out $err"
		fi
	}
	has() {
		if grep -qE -- "$2" <<<"${3-$out}"; then ok; else
			bad "$1: no /$2/ in: $(head -c 600 <<<"${3-$out}")"
		fi
	}
	hasnt() {
		if grep -qE -- "$2" <<<"${3-$out}"; then
			bad "$1: /$2/ in: $(head -c 600 <<<"${3-$out}")"
		else ok; fi
	}
}

# cli_checks fixed|re: which style the script's checks take.
cli_checks() { "cli_checks_$1"; }

# cli_done NAME: the counts, and the script's exit code.
cli_done() {
	echo "$1: $passes passed, $fails failed"
	[ "$fails" -eq 0 ]
}
