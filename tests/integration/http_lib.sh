# http_lib.sh: what the ismsd-http scripts share (http_gateway.sh,
# http_hooks.sh, bench_http.sh), on top of cli_lib.sh: a work dir that
# nobody may enter, ismsd with its socket in nobody's group, and the
# gateway run as nobody (the unprivileged service) on plain HTTP on a
# loopback port. Sourced after setting build=BUILD_DIR.
# shellcheck shell=bash
# shellcheck source=cli_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/cli_lib.sh"

for tool in curl jq setpriv; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "FAIL: $tool is not installed (scripts/install-deps.sh)"
		exit 1
	fi
done

gwpid=
http_cleanup() {
	[ -n "$gwpid" ] && kill "$gwpid" 2>/dev/null && wait "$gwpid" 2>/dev/null
	cli_cleanup
}

# http_setup NAME: the work dir and a running ismsd the gateway can reach.
http_setup() {
	cli_workdir "$1"
	trap http_cleanup EXIT
	chmod 755 "$work" var
	start --socket-group 65534
}

# has WHAT TEXT PATTERN: TEXT holds the fixed string PATTERN.
has() {
	if grep -qF -- "$3" <<<"$2"; then ok; else
		bad "$1: no '$3' in:"
		head -c 600 <<<"$2" | sed 's/^/    /'
		echo
	fi
}

# gw_start [FLAGS...]: ismsd-http as nobody on a free loopback port
# ($port, $url, $gwpid), its log in gw.log; waits until it answers.
gw_start() {
	for _ in $(seq 10); do
		port=$((20000 + RANDOM % 12000)) # below the ephemeral ports
		setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$build/bin/ismsd-http" \
			--endpoint "unix:${gw_endpoint:-$work/var/ismsd.sock}" \
			--listen "tcp://127.0.0.1:$port" --insecure --foreground \
			"$@" 2>>gw.log &
		gwpid=$!
		url="http://127.0.0.1:$port"
		for _ in $(seq 400); do
			curl -s -o /dev/null "$url/v1/openapi.json" && return 0
			kill -0 "$gwpid" 2>/dev/null || break
			sleep 0.05
		done
		# It could not bind that port (taken): the next one is tried.
		wait "$gwpid" 2>/dev/null
	done
	bad "ismsd-http did not start on any port: $(tail -3 gw.log)"
}
