#!/bin/sh
# run.sh: runs each fuzz target for a while on a copy of its seed corpus.
#
#   tests/fuzz/run.sh BUILD_DIR SECONDS TARGET...
#
# The committed corpus (tests/fuzz/corpus/TARGET) is copied to
# BUILD_DIR/fuzz-runs/TARGET/corpus, which the run grows; the committed one
# never changes. Crashes, leaks and hangs land in tests/fuzz/crashes/ as
# TARGET-crash-<sha1> (and leak-, timeout-, oom-); the log of each run is
# BUILD_DIR/fuzz-runs/TARGET/log. Every target runs even when one fails;
# the exit status is 1 when any found something. FUZZ_FLAGS overrides the
# libFuzzer flags.
set -u
cd "$(dirname "$0")/../.." || exit 2

[ $# -ge 3 ] || { echo "usage: $0 BUILD_DIR SECONDS TARGET..." >&2; exit 2; }
build=$1
secs=$2
shift 2
flags=${FUZZ_FLAGS:--max_len=65536 -timeout=10 -rss_limit_mb=2048}
crashes=tests/fuzz/crashes
mkdir -p "$crashes"

# Symbolized stacks without the unversioned llvm package.
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ] &&
    [ -x /usr/lib/llvm-14/bin/llvm-symbolizer ]; then
	export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-14/bin/llvm-symbolizer
fi

failed=""
for t in "$@"; do
	run=$build/fuzz-runs/$t
	rm -rf "$run"
	mkdir -p "$run/corpus"
	cp tests/fuzz/corpus/"$t"/* "$run/corpus/"
	echo "fuzz: $t for $secs s ($flags)"
	# shellcheck disable=SC2086
	if "$build/fuzz/$t" $flags -max_total_time="$secs" \
	    -print_final_stats=1 -artifact_prefix="$crashes/$t-" \
	    "$run/corpus" >"$run/log" 2>&1; then
		grep -E '^#[0-9]+[[:space:]]+DONE' "$run/log" || tail -n 3 "$run/log"
		grep -E '^fuzz_dispatch: [0-9]+ inputs' "$run/log" || true
		grep -E 'INTERNAL reply' "$run/log" | sort -u || true
	else
		echo "fuzz: $t FOUND SOMETHING (log: $run/log):"
		tail -n 80 "$run/log"
		failed="$failed $t"
	fi
done
if [ -n "$failed" ]; then
	echo "fuzz: findings in:$failed; reproduce with" \
	    "$build/fuzz/TARGET $crashes/TARGET-crash-..." >&2
	exit 1
fi
