#!/usr/bin/env bash
# bench_http.sh: a smoke test of ismsbench's gateway modes (issue 17's
# benchmark), not a timed one: a real ismsd and a real ismsd-http (plain
# HTTP on loopback, run as nobody). http-ingest and the ingest RPC each
# push 40 incidents, half repeating a key sent before: 20 incidents each,
# none failed; http-get reads one risk 200 times with no error; a wrong
# token makes every request of http-get an error.
# Usage: bench_http.sh BUILD_DIR
set -u
build=$(realpath "$1")
ctl="$build/bin/ismsctl"
bench="$build/bin/ismsbench"

for tool in curl jq setpriv; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "FAIL: $tool is not installed (scripts/install-deps.sh)"
		exit 1
	fi
done

work=$(mktemp -d /tmp/ismsd-benchhttp-XXXXXX)
pid=
gwpid=
cleanup() {
	[ -n "$gwpid" ] && kill "$gwpid" 2>/dev/null && wait "$gwpid" 2>/dev/null
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
cd "$work" || exit 1
chmod 755 "$work"
mkdir -m 755 var
"$build/bin/ismsd" --data-dir var --listen unix:var/ismsd.sock \
	--socket-group 65534 --foreground 2>daemon.log &
pid=$!
for _ in $(seq 100); do
	[ -S var/ismsd.sock ] && break
	sleep 0.05
done
export ISMS_ENDPOINT=unix:var/ismsd.sock
export NO_COLOR=1

fails=0
passes=0
ok() { passes=$((passes + 1)); }
bad() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}
equals() {
	if [ "$2" = "$3" ]; then ok; else bad "$1: got '$2', expected '$3'"; fi
}

"$ctl" user add feeder --role ingest >/dev/null || bad "user add feeder"
"$ctl" user add reader --role viewer >/dev/null || bad "user add reader"
itok=$("$ctl" token create feeder 2>/dev/null | awk '{print $2}')
vtok=$("$ctl" token create reader 2>/dev/null | awk '{print $2}')

port=$((20000 + RANDOM % 20000))
setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$build/bin/ismsd-http" --endpoint "unix:$work/var/ismsd.sock" \
	--listen "tcp://127.0.0.1:$port" --insecure --foreground 2>gw.log &
gwpid=$!
url="http://127.0.0.1:$port"
for _ in $(seq 100); do
	curl -s -o /dev/null "$url/v1/openapi.json" && break
	sleep 0.05
done

out=$("$bench" --json http-ingest --count 40 --clients 5 --url "$url" \
	--token "$itok")
equals "http-ingest exits 0" "$?" 0
equals "http-ingest: 40 samples" "$(jq -r .samples <<<"$out")" 40
equals "http-ingest: no error" "$(jq -r .errors <<<"$out")" 0
equals "half the pushes repeat: 20 incidents" \
	"$("$ctl" incident list -o json | jq length)" 20

out=$("$bench" --json ingest --count 40 --clients 5)
equals "ingest exits 0" "$?" 0
equals "ingest: no error" "$(jq -r .errors <<<"$out")" 0
equals "ingest: 20 more incidents" \
	"$("$ctl" incident list -o json | jq length)" 40

out=$("$bench" --json http-get --count 200 --clients 10 --url "$url" \
	--token "$vtok")
equals "http-get exits 0" "$?" 0
equals "http-get: 200 samples" "$(jq -r .samples <<<"$out")" 200
equals "http-get: no error" "$(jq -r .errors <<<"$out")" 0
equals "http-get: 10 clients" "$(jq -r .clients <<<"$out")" 10

out=$("$bench" --json http-get --count 20 --clients 2 --url "$url" \
	--token isms_wrong 2>err.out)
equals "a wrong token: every request an error" \
	"$(jq -r .errors <<<"$out")" 20
grep -q "HTTP 401" err.out && ok || bad "no 'HTTP 401' in: $(cat err.out)"

echo "bench_http: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
