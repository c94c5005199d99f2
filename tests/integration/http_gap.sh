#!/usr/bin/env bash
# http_gap.sh: GET /v1/gap through a real ismsd-http (as nobody, plain
# HTTP on loopback) is byte for byte what `ismsctl gap -o json` prints
# against the same ismsd: the catalog ismsd starts with (requirements and
# controls), a scope, a risk, a metric measured twice and one never
# measured (the latest measurement's date decides 9.1); a
# viewer may read it; the route takes GET only and is in the OpenAPI
# document.
# Usage: http_gap.sh BUILD_DIR
set -u
build=$(realpath "$1")
# shellcheck source=http_lib.sh
. "$(dirname "$0")/http_lib.sh"
http_setup http_gap

"$ctl" user add alice --role editor >/dev/null || bad "user add alice"
"$ctl" user add bob --role viewer >/dev/null || bad "user add bob"
vtok=$("$ctl" token create bob 2>/dev/null | awk '{print $2}')
"$ctl" scope add title="Head office" owner=alice \
	statement="The head office and its systems" >/dev/null || bad "scope add"
"$ctl" risk add title="Laptop theft" owner=alice threat=theft \
	likelihood=3 impact=4 >/dev/null || bad "risk add"
"$ctl" metric add title="Patch latency" owner=alice frequency=monthly measure=days \
	>/dev/null || bad "metric add"
"$ctl" metric add title="Phishing clicks" owner=alice frequency=quarterly measure=% \
	>/dev/null || bad "metric add 2"
"$ctl" metric record KPI-0001 value=12 at="$(day -40)" >/dev/null ||
	bad "metric record"
"$ctl" metric record KPI-0001 value=9 at="$(day -3)" >/dev/null ||
	bad "metric record 2"

gw_start
code=$(curl -s -o gap.json -w '%{http_code}' \
	-H "Authorization: Bearer $vtok" "$url/v1/gap")
equals "GET /v1/gap as a viewer" "$code" 200
"$ctl" -o json gap >gap.ctl.json || bad "ismsctl gap -o json"
if cmp -s gap.json gap.ctl.json; then ok; else
	bad "/v1/gap differs from ismsctl gap -o json:"
	diff gap.ctl.json gap.json | head -20
fi
jq -e . gap.json >/dev/null && ok || bad "/v1/gap is not JSON"
# Not an empty analysis: the catalog's requirements and the metric.
n=$(grep -c '"' gap.json)
[ "$n" -gt 50 ] && ok || bad "/v1/gap looks empty ($n lines)"
has "9.1 from the latest measurements" "$(cat gap.json)" \
	"1 of 2 active metrics measured in their period"

code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -d '{}' \
	-H "Authorization: Bearer $vtok" "$url/v1/gap")
equals "POST /v1/gap: 405" "$code" 405
code=$(curl -s -o /dev/null -w '%{http_code}' "$url/v1/gap")
equals "no token: 401" "$code" 401
equals "in the OpenAPI document" \
	"$(curl -s "$url/v1/openapi.json" | jq -r '.paths["/v1/gap"].get.operationId')" \
	gap

kill "$gwpid"
wait "$gwpid"
rc=$?
gwpid=
equals "ismsd-http exits 0 on SIGTERM" "$rc" 0

echo "http_gap: $passes passed, $fails failed"
[ "$fails" -eq 0 ] || { sed 's/^/    gw: /' gw.log | tail -20; exit 1; }
