#!/bin/sh
# import_report.sh: the import and report benchmark of issue 18.
#   bench/import_report.sh BUILD [N]
# Writes an N-row risk register as CSV (default 100,000), starts a fresh
# ismsd, imports it in one batch (ismsctl import), then draws
# `report risks -o html` of the data dir; prints the wall time and the peak
# memory of the client for each step and ismsd's peak (VmHWM).
set -eu
BUILD=${1:?usage: import_report.sh BUILD [N]}
N=${2:-100000}
BIN=$(cd "$BUILD/bin" && pwd)
TMP=$(mktemp -d /tmp/isms-impbench.XXXXXX)
SOCK=$TMP/ismsd.sock
CTL="$BIN/ismsctl --endpoint unix:$SOCK"
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$TMP"' EXIT

awk -v n="$N" 'BEGIN {
	print "Ref,Title,Owner,Likelihood,Impact,Identified on,Tags"
	split("Low,Medium,High", w, ",")
	for (i = 1; i <= n; i++)
		printf "R-%06d,Risk number %d to the information we hold,owner%d,%s,%s,2025-%02d-%02d,bench;import\n", \
		    i, i, i % 20, w[i % 3 + 1], w[(i / 3) % 3 + 1], i % 12 + 1, i % 28 + 1
}' > "$TMP/risks.csv"

mkdir -p "$TMP/data"
"$BIN/ismsd" --data-dir "$TMP/data" --listen "unix:$SOCK" --foreground \
	2>"$TMP/ismsd.log" &
PID=$!
i=0
until $CTL status >/dev/null 2>&1; do
	i=$((i + 1)); [ $i -lt 200 ] || { echo "ismsd did not start" >&2; exit 1; }
	sleep 0.05
done
for u in $(seq 0 19); do $CTL user add "owner$u" --role viewer >/dev/null; done

step() { # LABEL CMD...: wall seconds and client peak RSS
	label=$1; shift
	/usr/bin/time -f "%e %M" -o "$TMP/time" "$@" >"$TMP/out" 2>"$TMP/err" ||
		{ cat "$TMP/err" >&2; exit 1; }
	read -r wall rss < "$TMP/time"
	printf '%-40s %8s s %8d KiB client\n' "$label" "$wall" "$rss"
}
SCALE='Low=1,Medium=3,High=5'
echo "N=$N risks ($(wc -c < "$TMP/risks.csv") bytes of CSV)"
step "import risk (one batch)" $CTL import risk "$TMP/risks.csv" --key Ref \
	--scale likelihood=$SCALE --scale impact=$SCALE
step "report risks -o html" $CTL report risks -o html --output "$TMP/r.html"
step "export risk" $CTL export risk
printf '%-40s %8s\n' "ismsd peak memory (VmHWM)" \
	"$(awk '/VmHWM/ {print $2, $3}' /proc/$PID/status)"
printf '%-40s %8s bytes\n' "report html size" "$(wc -c < "$TMP/r.html")"
