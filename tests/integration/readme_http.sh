#!/usr/bin/env bash
# readme_http.sh: runs the README's ismsd-http commands (ismsd-http
# section), verbatim but for the port, against a real ismsd and a real
# gateway run as nobody, as the section says to.
# Usage: readme_http.sh README BUILD_DIR
. "$(dirname "$0")/readme_lib.sh"
export ISMS_ENDPOINT=unix:var/ismsd.sock

# The gateway's user reaches the socket through its group.
chmod 755 "$work" var
chgrp 65534 var/ismsd.sock
port=$((20000 + RANDOM % 12000)) # below the ephemeral ports
setpriv --reuid=65534 --regid=65534 --clear-groups \
	build/bin/ismsd-http --endpoint "unix:$work/var/ismsd.sock" \
	--listen "tcp://127.0.0.1:$port" --insecure --foreground 2>gw.log &
gw=$!
trap '[ -n "$gw" ] && kill "$gw" 2>/dev/null; cleanup' EXIT
for _ in $(seq 100); do
	curl -s -o /dev/null "http://127.0.0.1:$port/v1/openapi.json" && break
	sleep 0.05
done
readme_port() { sed "s/127.0.0.1:8080/127.0.0.1:$port/g" "$1"; }
tmp_readme=$work/README.md
readme_port "$readme" >"$tmp_readme"
readme=$tmp_readme

expect_rc() {
	case "$1" in
	*"--max-time"*) echo 28 ;; # the stream is cut after two seconds
	*) echo 0 ;;
	esac
}
run http expect_rc

check "the risk is created" grep -q '"id": "RSK-0001"' "$(out '"title":"Laptop theft"')"
check "the list has it" grep -q '"owner": "alice"' "$(out 'owner=alice')"
check "the first PATCH makes rev 2" grep -q '"rev": 2' "$(out '"impact":4')"
check "the stale one is ABORTED" grep -q '"code": "ABORTED"' "$(out '"impact":5')"
check "the stream has the creation" grep -q '^event: created' "$(out 'events?since=0')"
check "and the change" grep -q '^event: updated' "$(out 'events?since=0')"
check "ids are journal seqs" grep -q '^id: [0-9][0-9]*$' "$(out 'events?since=0')"

# The webhooks (the Webhooks subsection).
run hooks expect_rc
check "alertmanager creates INC-0001" grep -q '"id": "INC-0001"' "$(out hooks/alertmanager)"
check "as created" grep -q '"created": true' "$(out hooks/alertmanager)"
check "ocsf creates INC-0002" grep -q '"id": "INC-0002"' "$(out hooks/ocsf)"
check "the form creates INC-0003" grep -q '"id": "INC-0003"' "$(out hooks/incident)"
check "the ingest token may not list" grep -q PERMISSION_DENIED "$(out v1/incident)"
check "the admin sees three" test "$(grep -c '^INC-000' "$(out 'incident list')")" -eq 3
# Sign-in with the cookie (the Sign-in subsection).
run session expect_rc
check "sign-in answers the user" grep -q '"user": "alice"' session.json
check "and the CSRF token" grep -qE '"csrf": "[0-9a-f]{64}"' session.json
check "the cookie lists" grep -q '"title": "Laptop theft"' "$(out 'risk?owner=alice')"
check "a change without the token is 403" grep -q 'X-CSRF-Token header' "$(out 'cookie)" -d')"
check "with it, 201" grep -q '"id": "RSK-0002"' "$(out 'X-CSRF-Token')"
check "logout answers {}" grep -qx '{}' "$(out 'DELETE')"
check "the cookie is refused after" grep -q UNAUTHENTICATED \
	"$(out_is 'curl -s -H "Cookie: $(cat cookie)" http://127.0.0.1:'"$port"'/v1/session')"
check "the web interface is served" grep -q '^200 text/html' "$(out '%{http_code}')"
kill "$gw"
wait "$gw"
check "the gateway stops cleanly" test "$?" -eq 0
gw=
finish
