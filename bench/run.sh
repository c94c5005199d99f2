#!/bin/sh
# bench/run.sh BUILD [standard|due|gateway]: the standard benchmark set
# against a fresh ismsd on a temp dir, each figure beside its ceiling or
# target.
#   standard  raw, put, get, list, watch, connections, ismsctl as a
#             process; BENCH_RUNS (3) runs, each on a fresh daemon, and the
#             table shows the median of the runs (~4 min)
#   due       fills a data dir with BENCH_DUE_N risks through raw (before
#             the daemon starts), then times the Due query
#   gateway   ismsd-http (plain HTTP on loopback, run as nobody: needs
#             root and setpriv) beside ismsd's own RPCs, 50 clients each:
#             ingest (half repeats) and get of one record, alternating
#             gateway and RPC for BENCH_GW_ROUNDS (5) rounds of
#             BENCH_GW_DURATION (3) s each; medians, and whether the
#             gateway keeps >= 2/3 of the RPC throughput (~1.5 min)
set -eu
BUILD=${1:-build}
SET=${2:-standard}
BIN=$BUILD/bin
DUR=${BENCH_DURATION:-10}
DUE_N=${BENCH_DUE_N:-1000000}
RUNS=${BENCH_RUNS:-3}
SLICES=5
RUN=1
DIR=$(mktemp -d /tmp/ismsbench-XXXXXX)
EP=unix:$DIR/ismsd.sock
PID=
GWPID=
DAEMON_ARGS=
VS="ceiling/target"
ROWS=$DIR/rows

cleanup() {
	[ -n "$GWPID" ] && kill "$GWPID" 2>/dev/null && wait "$GWPID" 2>/dev/null
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$DIR"
}
trap cleanup EXIT INT TERM

# Starts ismsd on $DIR/data.$RUN and waits until it answers.
start_daemon() {
	mkdir -p "$DIR/data.$RUN"
	# shellcheck disable=SC2086 # DAEMON_ARGS: words, no blanks in them
	"$BIN/ismsd" --data-dir "$DIR/data.$RUN" --listen "$EP" --foreground \
		$DAEMON_ARGS 2>"$DIR/ismsd.log" &
	PID=$!
	i=0
	until "$BIN/ismsctl" --endpoint "$EP" status >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 100 ] || { cat "$DIR/ismsd.log"; exit 1; }
		sleep 0.1
	done
}

# Stops the daemon of this run.
stop_daemon() {
	kill "$PID" && wait "$PID" || true
	PID=
}

# bench NAME ARGS...: runs ismsbench with --json, keeps its line as NAME
# of the current run ($RUN).
bench() {
	name=$1
	shift
	echo "+ ismsbench $*" | sed 's/isms_[0-9a-f]*/isms_.../' >&2
	"$BIN/ismsbench" --json --endpoint "$EP" "$@" >"$DIR/$name.$RUN.json"
}

# one NAME FIELD: a field of a result of the current run.
one() {
	jq -r ".$2" "$DIR/$1.$RUN.json"
}

# get NAME FIELD: the median over the runs of a field of a kept result.
get() {
	for f in "$DIR/$1".*.json; do jq -r ".$2" "$f"; done |
		sort -g | awk '{ v[NR] = $1 } END {
			if (NR % 2) print v[(NR + 1) / 2]
			else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# mean NAME A...: keeps as NAME the mean of the results A... (ops/s, p50,
# p99) of this run.
mean() {
	name=$1
	shift
	for a in "$@"; do cat "$DIR/$a.$RUN.json"; done |
		jq -s '{ops_per_s: (map(.ops_per_s) | add / length),
		        p50_ms: (map(.p50_ms) | add / length),
		        p99_ms: (map(.p99_ms) | add / length)}' \
			>"$DIR/$name.$RUN.json"
}

# row MEASURE RESULT CEILING KIND: KIND "up" (more is better, ratio
# result/ceiling) or "down" (a latency, ratio target/result); MIN: the
# ratio the target asks for ("" when none).
row() {
	printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >>"$ROWS"
}

# Prints the rows as a table.
table() {
	echo
	echo "uptime before: $LOAD"
	echo "uptime after:  $(uptime)"
	echo "each result: the median of $RUNS run(s)"
	awk -F'\t' -v vs="$VS" '
	BEGIN { printf "%-44s %14s %16s %7s %s\n", "measure", "result",
	        vs, "ratio", "target" }
	{
		r = ($4 == "up") ? ($3 > 0 ? $2 / $3 : 0) : ($2 > 0 ? $3 / $2 : 0)
		t = ($5 == "") ? "-" : (r >= $5 ? "met" : "NOT met")
		if ($5 != "") t = t " (>= " $5 ")"
		printf "%-44s %14.3f %16.3f %7.2f %s\n", $1, $2, $3, r, t
	}' "$ROWS"
}

LOAD=$(uptime)
: >"$ROWS"

# Starts ismsd-http on a free loopback port as nobody (the daemon names a
# connection by its Unix uid first: the gateway's must be no user's), with
# plain HTTP (--insecure), and waits until it answers.
start_gateway() {
	chmod 755 "$DIR"
	PORT=$((20000 + $$ % 20000))
	URL=http://127.0.0.1:$PORT
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$BIN/ismsd-http" --endpoint "$EP" \
		--listen "tcp://127.0.0.1:$PORT" --insecure --foreground \
		2>"$DIR/gw.log" &
	GWPID=$!
	i=0
	until curl -s -o /dev/null "$URL/v1/openapi.json"; do
		i=$((i + 1))
		[ $i -lt 100 ] || { cat "$DIR/gw.log"; exit 1; }
		sleep 0.1
	done
}

# cpu_ticks PID: the user + system CPU ticks of a running process.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# child_cpu: CHILD, the CPU seconds of this shell's finished children
# (times must run in this shell: in a pipe or $(...) it would count a
# subshell's).
child_cpu() {
	times >"$DIR/times"
	CHILD=$(awk 'NR == 2 { split($1, u, "m"); split($2, s, "m")
		print u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$DIR/times")
}

# gbench NAME ARGS...: bench, and the CPU time per request of ismsd-http,
# ismsd and ismsbench over the run (utime + stime from /proc and of the
# finished child), kept in its result as cpu_gw_us, cpu_ismsd_us and
# cpu_bench_us.
gbench() {
	g0=$(cpu_ticks "$GWPID")
	d0=$(cpu_ticks "$PID")
	child_cpu
	c0=$CHILD
	bench "$@"
	g1=$(cpu_ticks "$GWPID")
	d1=$(cpu_ticks "$PID")
	child_cpu
	c1=$CHILD
	f="$DIR/$1.$RUN.json"
	jq --argjson hz "$HZ" --argjson g "$((g1 - g0))" \
		--argjson d "$((d1 - d0))" --argjson c "$(awk -v a="$c1" -v b="$c0" 'BEGIN { print a - b }')" \
		'(.samples | if . > 0 then . else 1 end) as $n |
		 . + {cpu_gw_us: ($g / $hz * 1e6 / $n),
		      cpu_ismsd_us: ($d / $hz * 1e6 / $n),
		      cpu_bench_us: ($c * 1e6 / $n)}' "$f" >"$f.cpu" &&
		mv "$f.cpu" "$f"
}

# cpu_table NAME...: the median CPU per request of each process.
cpu_table() {
	echo
	echo "CPU per request, microseconds (user + system; median of rounds;"
	echo "ismsd-http is idle in the RPC rows):"
	printf '%-36s %11s %9s %10s\n' run ismsd-http ismsd ismsbench
	for n in "$@"; do
		printf '%-36s %11.1f %9.1f %10.1f\n' "$n" \
			"$(get "$n" cpu_gw_us)" "$(get "$n" cpu_ismsd_us)" \
			"$(get "$n" cpu_bench_us)"
	done
}

# The gateway set: see the top of this file.
gateway_set() {
	ROUNDS=${BENCH_GW_ROUNDS:-5}
	GDUR=${BENCH_GW_DURATION:-3}
	[ "$(id -u)" = 0 ] || {
		echo "run.sh gateway: needs root (ismsd-http runs as nobody)" >&2
		exit 2
	}
	DAEMON_ARGS="--socket-group 65534"
	VS="RPC, same run"
	RUNS=$ROUNDS
	HZ=$(getconf CLK_TCK)
	start_daemon
	ctl="$BIN/ismsctl --endpoint $EP"
	$ctl user add benchingest --role ingest >/dev/null
	$ctl user add benchreader --role viewer >/dev/null
	ITOK=$($ctl token create benchingest | awk '{ print $2 }')
	VTOK=$($ctl token create benchreader | awk '{ print $2 }')
	start_gateway
	while [ "$RUN" -le "$ROUNDS" ]; do
		echo "round $RUN of $ROUNDS" >&2
		gbench hingest http-ingest --clients 50 --duration "$GDUR" \
			--url "$URL" --token "$ITOK"
		gbench ingest ingest --clients 50 --duration "$GDUR"
		gbench ingest1 ingest --clients 1 --inflight 50 --duration "$GDUR"
		gbench hget http-get --clients 50 --duration "$GDUR" \
			--url "$URL" --token "$VTOK"
		gbench get get --clients 50 --duration "$GDUR" --records 1
		RUN=$((RUN + 1))
	done
	row "ingest 50 clients, half repeats, ops/s" "$(get hingest ops_per_s)" "$(get ingest ops_per_s)" up 0.67
	row "ingest 50 clients p50 ms" "$(get hingest p50_ms)" "$(get ingest p50_ms)" down ""
	row "ingest 50 clients p99 ms" "$(get hingest p99_ms)" "$(get ingest p99_ms)" down ""
	row "ingest 50 clients, mean commit batch" "$(get hingest mean_batch)" "$(get ingest mean_batch)" up ""
	row "RPC ingest 1 conn x 50 in flight, ops/s" "$(get ingest1 ops_per_s)" "$(get ingest ops_per_s)" up ""
	row "  its mean commit batch" "$(get ingest1 mean_batch)" "$(get ingest mean_batch)" up ""
	row "get one record 50 clients, ops/s" "$(get hget ops_per_s)" "$(get get ops_per_s)" up 0.67
	row "get one record 50 clients p50 ms" "$(get hget p50_ms)" "$(get get p50_ms)" down ""
	row "get one record 50 clients p99 ms" "$(get hget p99_ms)" "$(get get p99_ms)" down ""
	echo
	echo "result: through ismsd-http (plain HTTP, loopback); beside it:"
	echo "ismsd's own RPC (libismsclient, Unix socket), 1 request in flight"
	echo "per client; target: the gateway keeps >= 2/3 of the RPC throughput."
	echo "The gateway sends one identity's calls on one ismsd connection (its"
	echo "pool): the RPC row with 1 connection x 50 in flight is that shape."
	echo "errors (all rounds): $(cat "$DIR"/*.json | jq -s 'map(.errors // 0) | add')"
	table
	cpu_table hingest ingest ingest1 hget get
}

if [ "$SET" = gateway ]; then
	gateway_set
	exit 0
fi

if [ "$SET" = due ]; then
	RUNS=1
	echo "+ ismsbench raw --prepare $DUE_N --batch 10000" >&2
	t0=$(date +%s)
	mkdir -p "$DIR/data.$RUN"
	"$BIN/ismsbench" raw --prepare "$DUE_N" --batch 10000 \
		--data-dir "$DIR/data.$RUN" --json >"$DIR/prepare.json"
	echo "prepared $DUE_N risks in $(($(date +%s) - t0)) s" >&2
	start_daemon
	bench due due --count 200
	row "due query p50 ms ($DUE_N risks)" "$(get due p50_ms)" 5 down 1
	row "due query p99 ms" "$(get due p99_ms)" 5 down ""
	row "due items returned" "$(get due items)" 100 up ""
	table
	exit 0
fi

# One run of the standard set on a fresh daemon. The disk's fsync time
# drifts on a shared machine, so a put and its ceiling are measured in
# turns: SLICES of raw then put, each figure the mean of its slices. A
# commit costs more as the B-trees deepen, so raw writes into one data dir
# of its own that grows alongside the daemon's (raw, being faster, keeps
# it a little larger: the ceiling errs low, never flatters).
standard_run() {
	SLICE=$(((DUR + SLICES - 1) / SLICES))
	RAWDIR="--data-dir $DIR/raw.$RUN" # mktemp's name has no blanks
	start_daemon
	i=1
	while [ $i -le "$SLICES" ]; do
		bench raw1_$i raw --batch 1 --duration "$SLICE" $RAWDIR
		bench put1_$i put --clients 1 --inflight 1 --duration "$SLICE"
		i=$((i + 1))
	done
	mean raw1 $(seq -f 'raw1_%g' "$SLICES")
	mean put1 $(seq -f 'put1_%g' "$SLICES")
	bench put50 put --clients 50 --inflight 1 --duration "$DUR"
	BATCH=$(printf '%.0f' "$(one put50 mean_batch)")
	[ "$BATCH" -ge 1 ] || BATCH=1
	bench rawNa raw --batch "$BATCH" --duration "$SLICE" $RAWDIR
	bench rawNb raw --batch "$BATCH" --duration "$SLICE" $RAWDIR
	mean rawN rawNa rawNb
	bench get1 get --clients 1 --inflight 1 --duration "$DUR"
	bench get50 get --clients 50 --inflight 4 --duration "$DUR"
	bench list1 list --clients 1 --inflight 1 --duration 5
	bench watch100 watch --subscribers 100 --count 200 --rate 100
	bench watch1000 watch --subscribers 1000 --count 200 --rate 50 \
		--threads 2
	bench conns conns --clients 1000
	ID=$("$BIN/ismsctl" --endpoint "$EP" risk list |
		awk 'NR == 2 { print $1 }')
	bench ctl spawn --count 200 -- \
		"$BIN/ismsctl" --endpoint "$EP" risk get "$ID"
	stop_daemon
}

while [ "$RUN" -le "$RUNS" ]; do
	echo "run $RUN of $RUNS" >&2
	standard_run
	RUN=$((RUN + 1))
done

row "raw batch 1, records/s" "$(get raw1 ops_per_s)" "$(get raw1 ops_per_s)" up ""
row "put 1 client seq, ops/s" "$(get put1 ops_per_s)" "$(get raw1 ops_per_s)" up 0.85
row "put 1 client p50 ms" "$(get put1 p50_ms)" "$(get raw1 p50_ms)" down ""
row "put 50 clients mean batch" "$(get put50 mean_batch)" "$(get put50 mean_batch)" up ""
row "raw batch = that mean, records/s" "$(get rawN ops_per_s)" "$(get rawN ops_per_s)" up ""
row "put 50 clients, ops/s" "$(get put50 ops_per_s)" "$(get rawN ops_per_s)" up 0.70
row "put 50 clients p99 ms" "$(get put50 p99_ms)" "$(get put50 p99_ms)" down ""
row "get 1 client, ops/s" "$(get get1 ops_per_s)" 25000 up 1
row "get 50 clients x4, ops/s" "$(get get50 ops_per_s)" 60000 up 1
row "get 1 client p99 ms" "$(get get1 p99_ms)" "$(get get1 p99_ms)" down ""
row "list 100/page 1 client, pages/s" "$(get list1 ops_per_s)" "$(get list1 ops_per_s)" up ""
row "watch 100 subs p50 ms (ack->last)" "$(get watch100 p50_ms)" "$(get watch100 p50_ms)" down ""
row "watch 100 subs p99 ms" "$(get watch100 p99_ms)" "$(get watch100 p99_ms)" down ""
row "watch 1000 subs p50 ms (ack->last)" "$(get watch1000 p50_ms)" 10 down ""
row "watch 1000 subs p99 ms" "$(get watch1000 p99_ms)" 10 down 1
row "daemon heap MiB, 1000 connections" "$(get conns heap_mib)" 64 down 1
row "ismsctl risk get process p50 ms" "$(get ctl p50_ms)" 3 down 1
row "ismsctl risk get process p90 ms" "$(get ctl p90_ms)" 3 down ""
table
