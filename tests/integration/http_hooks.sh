#!/usr/bin/env bash
# http_hooks.sh: issue 17 point 3, the webhooks, end to end: a real ismsd
# and a real ismsd-http (plain HTTP on loopback, run as nobody), driven
# with curl. Alertmanager's sample payload firing twice then resolved, and
# an OCSF Incident Finding created, updated and closed, each make one
# incident at rev 3 with a repeat count of 2 (checked with ismsctl as the
# admin); a triaged incident is not moved back by a resolved webhook; a
# partial failure says which alert failed; the ingest token is refused
# the JSON API (403), a viewer the hooks (403), an editor may post them; a
# wrong token 401, malformed JSON 400 with its position, another OCSF
# class 400, an oversized body 413, a wrong method 405.
# Usage: http_hooks.sh BUILD_DIR
set -u
build=$(realpath "$1")
# shellcheck source=http_lib.sh
. "$(dirname "$0")/http_lib.sh"
http_setup http_hooks

"$ctl" user add alice --role editor >/dev/null || bad "user add alice"
"$ctl" user add bob --role viewer >/dev/null || bad "user add bob"
"$ctl" user add am --role ingest >/dev/null || bad "user add am"
itok=$("$ctl" token create am 2>/dev/null | awk '{print $2}')
etok=$("$ctl" token create alice 2>/dev/null | awk '{print $2}')
vtok=$("$ctl" token create bob 2>/dev/null | awk '{print $2}')
case "$itok" in isms_*) ok ;; *) bad "no token for am: '$itok'" ;; esac

gw_start --max-body 65536

status=
body=
hdrs=
# post TOKEN PATH BODY [curl args...]: status, body and headers.
post() {
	local t=$1 p=$2 d=$3
	shift 3
	status=$(curl -s -o body.out -D hdrs.out -w '%{http_code}' \
		-H "Authorization: Bearer $t" \
		-H 'Content-Type: application/json' --data-binary "$d" \
		"$@" "$url$p")
	body=$(cat body.out)
	hdrs=$(cat hdrs.out)
}
# get ID FILTER: a field of the incident as the admin sees it.
get() { "$ctl" -o json incident get "$1" | jq -r "$2"; }

# --- Alertmanager: the sample payload of its docs, firing twice, resolved
am() {
	cat <<JSON
{"version":"4","groupKey":"{}:{alertname=\"DiskFull\"}","truncatedAlerts":0,
 "status":"$1","receiver":"ismsd","groupLabels":{"alertname":"DiskFull"},
 "commonLabels":{"alertname":"DiskFull","instance":"db1:9100","severity":"$2"},
 "commonAnnotations":{"summary":"Disk almost full on db1"},
 "externalURL":"http://alertmanager.example:9093",
 "alerts":[{"status":"$1",
  "labels":{"alertname":"DiskFull","instance":"db1:9100","severity":"$2"},
  "annotations":{"summary":"Disk almost full on db1","description":"/var is 95% full"},
  "startsAt":"2026-12-07T21:00:00.123456789Z","endsAt":"$3",
  "generatorURL":"http://prometheus.example:9090/graph?g0.expr=disk",
  "fingerprint":"d41c9a0b5e1f2a37"}]}
JSON
}
post "$itok" /v1/hooks/alertmanager "$(am firing warning 0001-01-01T00:00:00Z)"
equals "alertmanager: first push 200" "$status" 200
equals "it created INC-0001" "$(jq -r '.results[0].id' <<<"$body")" INC-0001
equals "created: true" "$(jq -r '.results[0].created' <<<"$body")" true
equals "keyed by the fingerprint" \
	"$(jq -r '.results[0].external_id' <<<"$body")" d41c9a0b5e1f2a37
post "$itok" /v1/hooks/alertmanager "$(am firing critical 0001-01-01T00:00:00Z)"
equals "second push 200" "$status" 200
equals "the same incident" "$(jq -r '.results[0].id' <<<"$body")" INC-0001
equals "created: false" "$(jq -r '.results[0].created' <<<"$body")" false
post "$itok" /v1/hooks/alertmanager "$(am resolved critical 2026-12-07T21:30:00Z)"
equals "resolved push 200" "$status" 200
equals "rev 3 in the reply" "$(jq -r '.results[0].rev' <<<"$body")" 3
equals "one incident at rev 3" "$(get INC-0001 .rev)" 3
equals "repeat count 2" "$(get INC-0001 .incident.repeat_count)" 2
equals "the summary is the title" "$(get INC-0001 .title)" \
	"Disk almost full on db1"
equals "severity from the label" "$(get INC-0001 .incident.severity)" critical
equals "the description" "$(get INC-0001 .incident.description)" \
	"/var is 95% full"
equals "generatorURL is the link" "$(get INC-0001 .incident.link)" \
	"http://prometheus.example:9090/graph?g0.expr=disk"
equals "startsAt is detected_at" "$(get INC-0001 .incident.detected_at)" \
	2026-12-07T21:00:00Z
equals "endsAt is the source's resolution" \
	"$(get INC-0001 .incident.source_resolved_at)" 2026-12-07T21:30:00Z
"$ctl" incident list -o json | jq -e 'length == 1' >/dev/null &&
	ok || bad "one incident only"

# --- OCSF: an Incident Finding created, updated, closed
ocsf() {
	cat <<JSON
{"class_uid":2005,"category_uid":2,"activity_id":$1,"type_uid":20050$1,
 "severity_id":$2,"time":1796677200000,"status_id":1,
 "metadata":{"version":"1.1.0","product":{"name":"SIEM","vendor_name":"Example"}},
 "finding_info":{"uid":"f-42","title":"$3","desc":"300 failed logins",
  "src_url":"https://siem.example/f/42","first_seen_time":1796677000000}}
JSON
}
post "$itok" /v1/hooks/ocsf "$(ocsf 1 3 'Brute force on vpn1')"
equals "ocsf create 200" "$status" 200
equals "it created INC-0002" "$(jq -r '.results[0].id' <<<"$body")" INC-0002
post "$itok" /v1/hooks/ocsf "$(ocsf 2 4 'Brute force on vpn1 and vpn2')"
equals "ocsf update 200" "$status" 200
post "$itok" /v1/hooks/ocsf "$(ocsf 3 4 'Brute force on vpn1 and vpn2')"
equals "ocsf close 200" "$status" 200
equals "one incident at rev 3" "$(get INC-0002 .rev)" 3
equals "repeat count 2" "$(get INC-0002 .incident.repeat_count)" 2
equals "the update's title" "$(get INC-0002 .title)" \
	"Brute force on vpn1 and vpn2"
equals "severity_id 4 is high" "$(get INC-0002 .incident.severity)" high
equals "src_url is the link" "$(get INC-0002 .incident.link)" \
	https://siem.example/f/42
equals "close: resolved by the source" \
	"$(get INC-0002 .incident.source_resolved_at)" 2026-12-07T21:00:00Z
equals "status stays new" "$(get INC-0002 .incident.status)" new
post "$itok" /v1/hooks/ocsf "$(ocsf 1 3 x | sed 's/"class_uid":2005/"class_uid":2004/')"
equals "another OCSF class: 400" "$status" 400
has "it says which" "$body" "class_uid 2005"

# --- a human's triage is not moved back by a resolved webhook
form='{"source":"sentry","external_id":"PROJ-1A","title":"Crash in checkout","severity":"high","link":"https://sentry.example/i/1A"}'
post "$itok" /v1/hooks/incident "$form"
equals "incident form 200" "$status" 200
id=$(jq -r '.results[0].id' <<<"$body")
equals "it created INC-0003" "$id" INC-0003
"$ctl" incident set "$id" status=triaged owner=alice >/dev/null ||
	bad "triage $id"
post "$itok" /v1/hooks/incident \
	'{"source":"sentry","external_id":"PROJ-1A","state":"resolved"}'
equals "resolved form 200" "$status" 200
equals "still triaged" "$(get "$id" .incident.status)" triaged
equals "still alice's" "$(get "$id" .owner)" alice
[ "$(get "$id" .incident.source_resolved_at)" != null ] && ok ||
	bad "the source's resolution is recorded"
post "$itok" /v1/hooks/incident '{"source":"s","external_id":"x","severity":"urgent"}'
equals "an unknown severity: 400" "$status" 400

# --- a partial failure says which alert failed (an id ismsd refuses)
long=$(printf 'f%.0s' $(seq 300))
two=$(am firing high 0001-01-01T00:00:00Z | jq -c --arg l "$long" \
	'.alerts += [.alerts[0] | .fingerprint = $l]')
post "$itok" /v1/hooks/alertmanager "$two"
equals "a partial failure: 400" "$status" 400
equals "as INVALID_ARGUMENT" "$(jq -r .code <<<"$body")" INVALID_ARGUMENT
has "one of two" "$body" "1 of 2 failed"
equals "the first is stored" "$(jq -r '.results[0].id' <<<"$body")" INC-0001
has "the second says why" "$(jq -r '.results[1].error.message' <<<"$body")" \
	"longer than"

# --- who may post, and the ingest token elsewhere
post "$etok" /v1/hooks/incident '{"source":"manual","external_id":"e1","title":"Phishing mail","severity":"low"}'
equals "an editor may post hooks" "$status" 200
post "$vtok" /v1/hooks/incident '{"source":"manual","external_id":"v1","title":"x","severity":"low"}'
equals "a viewer may not: 403" "$status" 403
equals "PERMISSION_DENIED" "$(jq -r .code <<<"$body")" PERMISSION_DENIED
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $itok" \
	"$url/v1/incident")
equals "the ingest token may not list: 403" "$code" 403
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $itok" \
	"$url/v1/incident/INC-0001")
equals "nor get: 403" "$code" 403
post "$itok" /v1/risk '{"title":"x","owner":"alice","risk":{"threat":"t"}}'
equals "nor create: 403" "$status" 403
post "$itok" /v1/incident/INC-0001 '{"title":"x"}' -X PATCH
equals "nor change: 403" "$status" 403
post "isms_nosuchtoken" /v1/hooks/alertmanager "$(am firing high x)"
equals "a wrong token: 401" "$status" 401
has "WWW-Authenticate" "$hdrs" "WWW-Authenticate: Bearer"
post "$itok" /v1/hooks/alertmanager '{"version":"4",
 "alerts":[}'
equals "malformed JSON: 400" "$status" 400
has "with its position" "$body" "malformed JSON at line 2, column"
post "$itok" /v1/hooks/ocsf "$(head -c 70000 /dev/zero | tr '\0' ' ')"
equals "an oversized body: 413" "$status" 413
code=$(curl -s -o /dev/null -D hdrs.out -w '%{http_code}' \
	-H "Authorization: Bearer $itok" "$url/v1/hooks/alertmanager")
equals "GET on a hook: 405" "$code" 405
has "Allow: POST" "$(cat hdrs.out)" "Allow: POST"
equals "still one incident per key" \
	"$("$ctl" incident list -o json | jq length)" 4

# A clean stop (under ASan: no leak of a webhook's state).
kill "$gwpid"
wait "$gwpid"
rc=$?
gwpid=
equals "ismsd-http exits 0 on SIGTERM" "$rc" 0

echo "http_hooks: $passes passed, $fails failed"
[ "$fails" -eq 0 ] || { sed 's/^/    gw: /' gw.log | tail -20; exit 1; }
