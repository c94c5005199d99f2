#!/bin/sh
# bench/ui.sh BUILD [N]: the web interface's benchmark (issue 19), not a
# test. Imports N risks (default 10,000; owners are 20 users) into a
# fresh ismsd, starts ismsd-http as nobody on plain HTTP on loopback
# (needs root and setpriv), then
#   (a) sign-in to a usable dashboard and (b) the risk list page #/r/risk
#       usable, in headless Chromium (tests/browser/bench.mjs), each
#       BENCH_UI_RUNS (5) times cold and warm: the median and the range;
#   (c) ismsd-http's requests per second on the dashboard's API calls,
#       each alone and the three in turn, with ismsbench http-paths as a
#       browser session (its cookie), BENCH_UI_CLIENTS (8) connections
#       for BENCH_UI_DURATION (5) s each.
set -eu
BUILD=${1:?usage: bench/ui.sh BUILD [N]}
N=${2:-10000}
RUNS=${BENCH_UI_RUNS:-5}
CLIENTS=${BENCH_UI_CLIENTS:-8}
DUR=${BENCH_UI_DURATION:-5}
BIN=$(cd "$BUILD/bin" && pwd)
SRC=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d /tmp/isms-uibench.XXXXXX)
SOCK=$TMP/ismsd.sock
CTL="$BIN/ismsctl --endpoint unix:$SOCK"
PID=
GWPID=
PW="bench's sign-in password"
cleanup() {
	[ -n "$GWPID" ] && kill "$GWPID" 2>/dev/null && wait "$GWPID" 2>/dev/null
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM
[ "$(id -u)" -eq 0 ] || { echo "bench/ui.sh: needs root (the gateway runs as nobody)" >&2; exit 1; }
[ -d "$SRC/tests/browser/node_modules/puppeteer-core" ] ||
	{ echo "bench/ui.sh: no tests/browser/node_modules (scripts/install-deps.sh)" >&2; exit 1; }
chmod 755 "$TMP"

awk -v n="$N" 'BEGIN {
	print "Ref,Title,Owner,Likelihood,Impact,Identified on,Tags"
	for (i = 1; i <= n; i++)
		printf "R-%06d,Risk number %d to the information we hold,owner%d,%d,%d,2025-%02d-%02d,bench;ui\n", \
		    i, i, i % 20, i % 5 + 1, int(i / 5) % 5 + 1, i % 12 + 1, i % 28 + 1
}' >"$TMP/risks.csv"

mkdir -p "$TMP/data"
"$BIN/ismsd" --data-dir "$TMP/data" --listen "unix:$SOCK" --foreground \
	--socket-group 65534 2>"$TMP/ismsd.log" &
PID=$!
i=0
until $CTL status >/dev/null 2>&1; do
	i=$((i + 1)); [ $i -lt 200 ] || { cat "$TMP/ismsd.log" >&2; exit 1; }
	sleep 0.05
done
for u in $(seq 0 19); do $CTL user add "owner$u" --role viewer >/dev/null; done
$CTL user add bench --role editor --display-name "Bench Mark" >/dev/null
printf '%s\n' "$PW" | $CTL user passwd bench --stdin >/dev/null
$CTL import risk "$TMP/risks.csv" --key Ref >/dev/null
echo "N=$N risks imported; $(nproc) cores; $(uptime)"

# The gateway as nobody on a free loopback port.
for _ in $(seq 10); do
	PORT=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 12000))
	setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN/ismsd-http" \
		--endpoint "unix:$SOCK" --listen "tcp://127.0.0.1:$PORT" \
		--insecure --foreground 2>>"$TMP/gw.log" &
	GWPID=$!
	URL="http://127.0.0.1:$PORT"
	i=0
	until curl -s -o /dev/null "$URL/v1/openapi.json"; do
		i=$((i + 1))
		if ! kill -0 "$GWPID" 2>/dev/null || [ $i -ge 200 ]; then
			wait "$GWPID" 2>/dev/null || true
			GWPID=
			break
		fi
		sleep 0.05
	done
	[ -n "$GWPID" ] && break
done
[ -n "$GWPID" ] || { tail -3 "$TMP/gw.log" >&2; exit 1; }

# (a) and (b): Chromium.
ISMS_UI_URL=$URL ISMS_UI_USER=bench ISMS_UI_PASSWORD=$PW BENCH_UI_RUNS=$RUNS \
	node "$SRC/tests/browser/bench.mjs" >"$TMP/ui.json"

# (c): a browser session's cookie, then ismsbench on each call.
SECRET=$(curl -s -o /dev/null -c "$TMP/jar" -H 'Content-Type: application/json' \
	-d "{\"user\":\"bench\",\"password\":\"$PW\"}" "$URL/v1/session" &&
	awk '$6 == "isms_session" {print $7}' "$TMP/jar")
rps() { # PATHS: requests/s, p50 and p99 ms, errors
	"$BIN/ismsbench" --json http-paths --url "$URL" --cookie "$SECRET" \
		--clients "$CLIENTS" --duration "$DUR" --paths "$1" |
		jq -r '[.ops_per_s, .p50_ms, .p99_ms, .errors] | @tsv'
}

echo
printf '%-44s %10s %10s %10s\n' "in Chromium (ms, $RUNS runs)" median min max
for m in dashboard_cold dashboard_warm list_cold list_warm; do
	jq -r --arg m "$m" '.[$m] | sort | [.[length / 2 | floor], .[0], .[-1]] |
		@tsv' "$TMP/ui.json" |
		{
			read -r med lo hi
			case $m in
			dashboard_cold) what="sign-in -> dashboard usable, cold" ;;
			dashboard_warm) what="sign-in -> dashboard usable, warm" ;;
			list_cold) what="#/r/risk usable ($N risks), cold" ;;
			list_warm) what="#/r/risk usable ($N risks), warm" ;;
			esac
			printf '%-44s %10.0f %10.0f %10.0f\n' "$what" "$med" "$lo" "$hi"
		}
done
echo
printf '%-44s %10s %10s %10s %6s\n' \
	"ismsd-http, $CLIENTS clients, ${DUR} s each" "req/s" "p50 ms" "p99 ms" errors
for p in /v1/dashboard /v1/session '/v1/risk?page_size=50' \
	'/v1/dashboard,/v1/session,/v1/risk?page_size=50'; do
	rps "$p" | {
		read -r ops p50 p99 errs
		label="GET $p"
		[ "${p#*,}" != "$p" ] && label="the three in turn"
		printf '%-44s %10.0f %10.2f %10.2f %6s\n' "$label" "$ops" "$p50" "$p99" "$errs"
	}
done
echo "uptime after: $(uptime)"
