#!/usr/bin/env bash
# http_ui_api.sh: the routes the web interface needs, through a real
# ismsd-http (as nobody, plain HTTP on loopback) against a real ismsd,
# checked against what ismsctl says of the same store: sign-off (the
# owner signs and the journal names them; a viewer who is not the owner
# gets 403; a stale rev 409, or 412 with If-Match), history (auditors;
# 403 for a viewer), links, describe, journal verify, the dashboard's
# figures (heat maps, statuses, SoA, gap, due, open, journal head), my
# work (exactly the caller's records waiting for their sign-off, from
# Describe, and their due items), and reports (HTML and CSV equal to
# `ismsctl report` run as the same user, a third at once gets 429, the
# secret is not in the child's command line).
# Usage: http_ui_api.sh BUILD_DIR
set -u
build=$(realpath "$1")
# shellcheck source=http_lib.sh
. "$(dirname "$0")/http_lib.sh"
http_setup http_ui_api

for u in alice:editor bob:viewer carol:auditor dave:editor; do
	"$ctl" user add "${u%%:*}" --role "${u#*:}" >/dev/null ||
		bad "user add $u"
	"$ctl" token create "${u%%:*}" 2>/dev/null | awk '{print $2}' >"${u%%:*}.tok"
done
auth() { echo "Authorization: Bearer $(cat "$1.tok")"; }

# Records, each created in its initial status and moved with set.
"$ctl" risk add title="Laptop theft" owner=alice threat=theft \
	likelihood=3 impact=4 >/dev/null || bad "risk 1"
"$ctl" risk set RSK-0001 status=assessed >/dev/null || bad "risk 1 assessed"
"$ctl" risk add title="Flood" owner=bob likelihood=2 impact=5 \
	residual_likelihood=1 residual_impact=2 >/dev/null || bad "risk 2"
"$ctl" risk set RSK-0002 status=assessed >/dev/null || bad "risk 2 assessed"
"$ctl" risk add title="Phishing" owner=alice likelihood=4 impact=4 \
	residual_likelihood=2 residual_impact=3 >/dev/null || bad "risk 3"
"$ctl" risk set RSK-0003 status=assessed >/dev/null || bad "risk 3 assessed"
"$ctl" risk set RSK-0003 status=treating >/dev/null || bad "risk 3 treating"
"$ctl" risk add title="Open one" owner=alice likelihood=1 impact=1 \
	>/dev/null || bad "risk 4"
"$ctl" risk add title="Dave's" owner=dave likelihood=5 impact=5 \
	>/dev/null || bad "risk 5"
"$ctl" risk set RSK-0005 status=assessed >/dev/null || bad "risk 5 assessed"
"$ctl" document add title="Access policy" owner=alice kind=policy \
	>/dev/null || bad "document"
"$ctl" incident add title="Phish" owner=alice severity=high >/dev/null ||
	bad "incident"
"$ctl" control set A.5.1 owner=alice applicable=yes status=implemented \
	justification="Policies exist" >/dev/null || bad "control A.5.1"
"$ctl" control set A.5.2 applicable=no justification="One person" \
	>/dev/null || bad "control A.5.2"
"$ctl" link RSK-0001 treated_by A.5.1 >/dev/null || bad "link"

# The reports' ismsctl waits while gate/hold exists (the 429 check).
mkdir gate && chmod 777 gate
cat >slow-ismsctl <<SH
#!/bin/sh
touch "$work/gate/started.\$\$"
while [ -e "$work/gate/hold" ]; do sleep 0.05; done
exec "$build/bin/ismsctl" "\$@"
SH
chmod 755 slow-ismsctl
gw_start --ismsctl "$work/slow-ismsctl"

# get WHO PATH OUT: GET as WHO into OUT; the status in $code.
get() { code=$(curl -s -o "$3" -w '%{http_code}' -H "$(auth "$1")" "$url$2"); }

# --- my work: from Describe, the caller's records waiting for a sign-off
get alice /v1/mywork mw.json
equals "GET /v1/mywork" "$code" 200
equals "my work names the caller" "$(jq -r .user mw.json)" alice
want=$( ("$ctl" -o json risk list owner=alice |
	jq -r '.[] | select(.risk.status == "assessed" or .risk.status == "treating") | .id'
"$ctl" -o json document list owner=alice |
	jq -r '.[] | select(.document.status == "draft") | .id') | sort | tr '\n' ' ')
equals "my work: alice's risks to accept, documents to approve" \
	"$(jq -r '.signoffs[].record.id' mw.json | sort | tr '\n' ' ')" "$want"
equals "the verbs come from Describe" \
	"$(jq -r '[.signoffs[] | .register + ":" + .verb] | unique | join(" ")' mw.json)" \
	"document:approve risk:accept"
"$ctl" -o json due --owner alice --within 30 >due.ctl.json || bad "due"
equals "my work's due items are ismsctl due's" \
	"$(jq -c '[.due[] | .id + " " + .date]' mw.json)" \
	"$(jq -c '[.items[] | .id + " " + .date]' due.ctl.json)"
[ "$(jq '.due | length' mw.json)" -gt 0 ] && ok || bad "no due item"

# --- sign-off
post() { # post WHO PATH BODY [HEADER]: POST; the status in $code
	code=$(curl -s -o post.json -w '%{http_code}' -X POST -H "$(auth "$1")" \
		${4:+-H "$4"} -d "$3" "$url$2")
}
post bob /v1/risk/RSK-0001/signoff '{}'
equals "a viewer who is not the owner: 403" "$code" 403
has "ismsd says who may" "$(cat post.json)" "only the owner of RSK-0001"
post dave /v1/risk/RSK-0001/signoff '{}'
equals "another editor: 403" "$code" 403
post alice /v1/risk/RSK-0001/signoff '{"expect_rev": 1}'
equals "a stale expect_rev: 409" "$code" 409
post alice /v1/risk/RSK-0001/signoff '{}' 'If-Match: "1"'
equals "a stale If-Match: 412" "$code" 412
post alice /v1/risk/RSK-0001/signoff '{"bogus": 1}'
equals "an unknown member: 400" "$code" 400
post alice /v1/document/RSK-0001/signoff '{}'
[ "$code" = 400 ] || [ "$code" = 404 ] && ok ||
	bad "another register's id: got $code"
rev=$("$ctl" -o json risk get RSK-0001 | jq .rev)
post alice /v1/risk/RSK-0001/signoff \
	"{\"note\": \"Board minute 7\", \"until\": \"$(day 200)\", \"expect_rev\": $rev}"
equals "the owner signs off" "$code" 200
equals "the reply is the record, accepted" "$(jq -r .risk.status post.json)" accepted
"$ctl" -o json risk get RSK-0001 >r1.json
equals "acceptance.by is the signer" "$(jq -r .risk.acceptance.by r1.json)" alice
equals "the note is kept" "$(jq -r .risk.acceptance.note r1.json)" "Board minute 7"
equals "the journal names the signer" \
	"$("$ctl" -o json journal --id RSK-0001 | jq -r '.[-1].actor')" alice
get alice /v1/mywork mw2.json
equals "signed: it leaves my work" \
	"$(jq '[.signoffs[].record.id] | index("RSK-0001")' mw2.json)" null

# --- history, links, describe, verify
get carol /v1/risk/RSK-0001/history hist.json
equals "history for an auditor" "$code" 200
"$ctl" -o json risk history RSK-0001 >hist.ctl.json
cmp -s hist.json hist.ctl.json && ok || bad "history differs from ismsctl's"
equals "every revision, oldest first" "$(jq -c '[.[].rev]' hist.json)" \
	"$(jq -c "[range(1; $(jq .rev r1.json) + 1)]" <<<null)"
get bob /v1/risk/RSK-0001/history hist.bob.json
equals "history for a viewer: 403" "$code" 403
get bob /v1/risk/RSK-0001/links links.json
equals "links" "$code" 200
"$ctl" -o json links RSK-0001 >links.ctl.json
cmp -s links.json links.ctl.json && ok || bad "links differ from ismsctl's"
get bob /v1/control/A.5.1/links links2.json
equals "links both ways" "$(jq -r '.incoming[0].source' links2.json)" RSK-0001
get bob /v1/describe/risk desc.json
equals "describe" "$(jq -r .signoff_verb desc.json)" accept
get bob /v1/describe/nothing desc2.json
equals "describe an unknown register: 404" "$code" 404
get carol /v1/journal/verify verify.json
"$ctl" -o json journal verify >verify.ctl.json
cmp -s verify.json verify.ctl.json && ok || bad "verify differs from ismsctl's"
equals "the journal holds" "$(jq .ok verify.json)" true
get bob /v1/journal/verify verify.bob.json
equals "journal verify for a viewer: 403" "$code" 403

# --- the dashboard, against ismsctl's lists and views
get bob /v1/dashboard dash.json
equals "GET /v1/dashboard as a viewer" "$code" 200
"$ctl" -o json risk list >risks.json
for m in inherent:likelihood:impact residual:residual_likelihood:residual_impact; do
	IFS=: read -r map l i <<<"$m"
	equals "heat map $map" "$(jq -c ".heatmap.$map" dash.json)" \
		"$(jq -c "[range(1;6) as \$l | [range(1;6) as \$i |
			[.[] | select(.risk.$l == \$l and .risk.$i == \$i)] | length]]" risks.json)"
done
equals "risks by status" "$(jq -cS .risks_by_status dash.json)" \
	"$(jq -cS 'group_by(.risk.status) | map({(.[0].risk.status): length}) | add' risks.json)"
"$ctl" -o json soa >soa.json
equals "SoA per theme" "$(jq -c '[.soa[] | [.title, .total, .applicable, .implemented, .excluded, .undecided]]' dash.json)" \
	"$(jq -c 'group_by(.theme) | map([(.[0].theme | sub("^A\\.[0-9]+ "; "")), length,
		([.[] | select(.applicable == true)] | length),
		([.[] | select(.applicable == true and .status == "implemented")] | length),
		([.[] | select(.applicable == false)] | length),
		([.[] | select(.applicable == null)] | length)])' soa.json)"
"$ctl" -o json gap >gap.json
equals "gap per clause" "$(jq -c '[.gap[] | [.clause, .met, .total]]' dash.json)" \
	"$(jq -c '[.summary[] | select(.key | test("^[0-9]+$")) | [.key, .met, .met + .partial + .not_met]]' gap.json)"
"$ctl" -o json due --within 30 >due.all.json
equals "due per owner" "$(jq -c '.due' dash.json)" \
	"$(jq -c '.items | group_by(.owner) | map({owner: .[0].owner,
		due: ([.[] | select(.overdue | not)] | length),
		overdue: ([.[] | select(.overdue)] | length)})' due.all.json)"
equals "open incidents" "$(jq .open.incident dash.json)" \
	"$("$ctl" -o json incident list | jq '[.[] | select(.incident.status != "closed")] | length')"
equals "the journal head" "$(jq .journal_seq dash.json)" \
	"$("$ctl" -o json journal | jq '.[-1].seq')"
code=$(curl -s -o /dev/null -w '%{http_code}' "$url/v1/dashboard")
equals "dashboard without a token: 401" "$code" 401
# The answer is kept while the journal does not move, and only then: a
# second caller gets the same bytes; a new risk shows at once.
get alice /v1/dashboard dash2.json
cmp -s dash.json dash2.json && ok || bad "an unchanged store answers differently"
cell() { jq ".heatmap.inherent[0][0]" "$1"; }
"$ctl" risk add title="Kept answers" owner=alice likelihood=1 impact=1 >/dev/null
get bob /v1/dashboard dash3.json
equals "a change shows at once" "$(cell dash3.json)" "$(($(cell dash.json) + 1))"
equals "with the new head" "$(jq .journal_seq dash3.json)" \
	"$("$ctl" -o json journal | jq '.[-1].seq')"

# --- reports: as ismsctl report makes them for the same user
asalice() { # runs ismsctl as nobody with alice's token, as the gateway does
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		env ISMS_TOKEN="$(cat alice.tok)" "$build/bin/ismsctl" \
		--endpoint "unix:$work/var/ismsd.sock" "$@"
}
nostamp() { grep -v 'Generated at' "$1"; }
for f in csv html; do
	code=$(curl -s -D "soa.$f.h" -o "soa.gw.$f" -w '%{http_code}' \
		-H "$(auth alice)" "$url/v1/reports/soa?format=$f")
	equals "report soa -o $f" "$code" 200
	asalice report soa -o "$f" >"soa.ctl.$f" || bad "ismsctl report soa -o $f"
	if diff <(nostamp "soa.gw.$f") <(nostamp "soa.ctl.$f") >/dev/null; then ok; else
		bad "report soa -o $f differs from ismsctl's"
		diff <(nostamp "soa.gw.$f") <(nostamp "soa.ctl.$f") | head -5
	fi
	has "an attachment" "$(cat "soa.$f.h")" \
		"filename=\"soa-$(date -u +%F).$f\""
done
has "HTML" "$(cat soa.csv.h soa.html.h)" "Content-Type: text/html"
get alice "/v1/reports/nope" nope.json
equals "an unknown report: 404" "$code" 404
get alice "/v1/reports/soa?format=exe" nope.json
equals "an unknown format: 400" "$code" 400

# Two at once are made; a third gets 429; the secret is in no argv.
rm -f gate/started.*
touch gate/hold
held=
for n in 1 2; do
	curl -s -o "held.$n" -w '%{http_code}' -H "$(auth alice)" \
		"$url/v1/reports/risks?format=csv" >"held.$n.code" &
	held="$held $!"
done
for _ in $(seq 200); do
	[ "$(find gate -name 'started.*' | wc -l)" -ge 2 ] && break
	sleep 0.05
done
equals "two reports running" "$(find gate -name 'started.*' | wc -l)" 2
get alice "/v1/reports/risks?format=csv" third.json
equals "a third at once: 429" "$code" 429
for m in gate/started.*; do
	cmd=$(tr '\0' ' ' <"/proc/${m##*.}/cmdline")
	has "the child runs ismsctl report" "$cmd" "report risks -o csv"
	if grep -qF "$(cat alice.tok)" <<<"$cmd"; then
		bad "the secret is in the child's command line: $cmd"
	else ok; fi
	if tr '\0' '\n' <"/proc/${m##*.}/environ" | grep -qxF "ISMS_TOKEN=$(cat alice.tok)"; then
		ok
	else bad "no ISMS_TOKEN in the child's environment"; fi
done
rm gate/hold
# shellcheck disable=SC2086
wait $held
for n in 1 2; do
	equals "held report $n ends" "$(cat "held.$n.code")" 200
done
has "the risks report" "$(cat held.1)" "Laptop theft"

equals "in the OpenAPI document" \
	"$(curl -s "$url/v1/openapi.json" | jq -r '[.paths["/v1/dashboard"].get.operationId,
		.paths["/v1/{register}/{id}/signoff"].post.operationId,
		.paths["/v1/reports/{name}"].get.operationId] | join(" ")')" \
	"dashboard signoff report"

# A report still running when the gateway stops: the child goes first.
rm -f gate/started.*
touch gate/hold
curl -s -o /dev/null -H "$(auth alice)" "$url/v1/reports/soa" &
held=$!
for _ in $(seq 200); do
	[ -n "$(find gate -name 'started.*')" ] && break
	sleep 0.05
done
child=$(find gate -name 'started.*' | sed 's/.*\.//')
[ -n "$child" ] && kill -0 "$child" 2>/dev/null && ok || bad "no child running"
kill "$gwpid"
wait "$gwpid"
rc=$?
gwpid=
equals "the gateway stops cleanly" "$rc" 0
if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
	bad "the report's child outlived the gateway"
	kill "$child"
else ok; fi
wait "$held"
rm gate/hold

echo "http_ui_api: $passes passed, $fails failed"
[ "$fails" -eq 0 ] || { sed 's/^/    gw: /' gw.log | tail -20; exit 1; }
