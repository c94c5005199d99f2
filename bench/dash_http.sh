#!/usr/bin/env bash
# bench/dash_http.sh BUILD: ismsd-http's requests per second on GET
# /v1/dashboard with BENCH_DASH_N (10,000) risks, BENCH_DASH_CLIENTS (4)
# keep-alive clients for BENCH_DASH_DURATION (10) s, as a viewer; and one
# request timed alone with curl. Needs root and setpriv (the gateway runs
# as nobody, as in the tests). Not part of `make test`.
set -eu
BUILD=${1:-build}
BIN=$(realpath "$BUILD/bin")
N=${BENCH_DASH_N:-10000}
CLIENTS=${BENCH_DASH_CLIENTS:-4}
DUR=${BENCH_DASH_DURATION:-10}
DIR=$(mktemp -d /tmp/ismsbench-dash-XXXXXX)
EP=unix:$DIR/ismsd.sock
PID=
GWPID=
cleanup() {
	[ -n "$GWPID" ] && kill "$GWPID" 2>/dev/null && wait "$GWPID" 2>/dev/null
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$DIR"
}
trap cleanup EXIT INT TERM
chmod 755 "$DIR"
mkdir "$DIR/data"
"$BIN/ismsd" --data-dir "$DIR/data" --listen "$EP" --socket-group 65534 \
	--foreground 2>"$DIR/ismsd.log" &
PID=$!
until "$BIN/ismsctl" --endpoint "$EP" status >/dev/null 2>&1; do sleep 0.1; done
"$BIN/ismsctl" --endpoint "$EP" user add dashviewer --role viewer >/dev/null
TOK=$("$BIN/ismsctl" --endpoint "$EP" token create dashviewer 2>/dev/null | cut -d' ' -f2)
PORT=$((20000 + $$ % 12000))
URL=http://127.0.0.1:$PORT
setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN/ismsd-http" \
	--endpoint "$EP" --listen "tcp://127.0.0.1:$PORT" --insecure \
	--foreground --rpc-timeout 60 2>"$DIR/gw.log" &
GWPID=$!
until curl -s -o /dev/null "$URL/v1/openapi.json"; do sleep 0.1; done
# cpu PID: user + system CPU ticks of a running process.
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# N - 1 risks and one request, then the timed run adds the last risk.
"$BIN/ismsbench" --endpoint "$EP" http-dash --records "$((N - 1))" \
	--clients 1 --count 1 --url "$URL" --token "$TOK" >/dev/null
d0=$(cpu "$PID")
g0=$(cpu "$GWPID")
echo "GET /v1/dashboard over $N risks, $CLIENTS clients, $DUR s:"
"$BIN/ismsbench" --endpoint "$EP" http-dash --records 1 \
	--clients "$CLIENTS" --duration "$DUR" --url "$URL" --token "$TOK"
hz=$(getconf CLK_TCK)
echo "CPU s during the run: ismsd $(( ($(cpu "$PID") - d0) / hz )).$(( ($(cpu "$PID") - d0) % hz * 100 / hz )), ismsd-http $(( ($(cpu "$GWPID") - g0) / hz )).$(( ($(cpu "$GWPID") - g0) % hz * 100 / hz ))"
echo "one request alone (curl, total s):"
for _ in 1 2 3; do
	curl -s -o "$DIR/dash.json" -w '  %{time_total}\n' \
		-H "Authorization: Bearer $TOK" "$URL/v1/dashboard"
done
echo "risks on the heat map: $(jq '[.heatmap.inherent[][]] | add' "$DIR/dash.json")"
echo "gateway peak RSS: $(awk '/VmHWM/ {print $2, $3}' "/proc/$GWPID/status")"
