#!/usr/bin/env bash
# bench_http.sh: a smoke test of ismsbench's gateway modes (issue 17's
# benchmark), not a timed one: a real ismsd and a real ismsd-http (plain
# HTTP on loopback, run as nobody). http-ingest and the ingest RPC each
# push 40 incidents, half repeating a key sent before: 20 incidents each,
# none failed; http-get reads one risk 200 times with no error; http-paths
# reads its paths in turn; a wrong token makes every request of http-get
# an error.
# Usage: bench_http.sh BUILD_DIR
set -u
build=$(realpath "$1")
# shellcheck source=http_lib.sh
. "$(dirname "$0")/http_lib.sh"
bench="$build/bin/ismsbench"
http_setup bench_http

"$ctl" user add feeder --role ingest >/dev/null || bad "user add feeder"
"$ctl" user add reader --role viewer >/dev/null || bad "user add reader"
itok=$("$ctl" token create feeder 2>/dev/null | awk '{print $2}')
vtok=$("$ctl" token create reader 2>/dev/null | awk '{print $2}')

gw_start

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

# http-paths: the paths in turn (a page's calls), each answered.
out=$("$bench" --json http-paths --count 40 --clients 4 --url "$url" \
	--token "$vtok" --paths '/v1/risk?page_size=50,/v1/openapi.json')
equals "http-paths exits 0" "$?" 0
equals "http-paths: 40 samples" "$(jq -r .samples <<<"$out")" 40
equals "http-paths: no error" "$(jq -r .errors <<<"$out")" 0
out=$("$bench" --json http-paths --count 20 --clients 2 --url "$url" \
	--token "$vtok" --paths '/v1/openapi.json,/v1/nosuch' 2>/dev/null)
equals "http-paths: every other path a 404, an error" \
	"$(jq -r .errors <<<"$out")" 10
"$bench" http-paths --url "$url" --token "$vtok" --paths 'v1/risk' \
	2>err.out >/dev/null
equals "http-paths: a path without / is refused" "$?" 1

out=$("$bench" --json http-get --count 20 --clients 2 --url "$url" \
	--token isms_wrong 2>err.out)
equals "a wrong token: every request an error" \
	"$(jq -r .errors <<<"$out")" 20
grep -q "HTTP 401" err.out && ok || bad "no 'HTTP 401' in: $(cat err.out)"

echo "bench_http: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
