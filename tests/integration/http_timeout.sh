#!/usr/bin/env bash
# http_timeout.sh: issue 17's leftovers 3 and 4, against a real ismsd and
# a real ismsd-http (as nobody, plain HTTP on loopback), with curl.
# A hung ismsd (SIGSTOP): a request gets 504 DEADLINE_EXCEEDED after
# --rpc-timeout, and so does one that needs a new connection (its hello
# hangs); after SIGCONT requests are answered again on a new connection.
# A webhook of five alerts whose third call gets no answer: ismsd sits
# behind a Unix socket relay that passes the first three requests of a
# connection (hello and two Ingests) and holds the rest; the reply is
# 504 with each alert's fate (two ingested with their ids, one failed,
# two not sent), and ismsd holds exactly the two incidents.
# Usage: http_timeout.sh BUILD_DIR
set -u
build=$(realpath "$1")
# shellcheck source=http_lib.sh
. "$(dirname "$0")/http_lib.sh"
http_setup http_timeout

relaypid=
stopped=
timeout_cleanup() {
	[ -n "$stopped" ] && kill -CONT "$pid" 2>/dev/null
	[ -n "$relaypid" ] && kill "$relaypid" 2>/dev/null &&
		wait "$relaypid" 2>/dev/null
	http_cleanup
}
trap timeout_cleanup EXIT

"$ctl" user add alice --role editor >/dev/null || bad "user add alice"
"$ctl" user add bob --role viewer >/dev/null || bad "user add bob"
"$ctl" user add am --role ingest >/dev/null || bad "user add am"
vtok=$("$ctl" token create bob 2>/dev/null | awk '{print $2}')
itok=$("$ctl" token create am 2>/dev/null | awk '{print $2}')
"$ctl" risk add title="Laptop theft" owner=alice threat=theft >/dev/null ||
	bad "risk add"

# fetch TOKEN PATH: $code and $body of a GET.
fetch() {
	code=$(curl -s -o body.out -w '%{http_code}' --max-time 20 \
		-H "Authorization: Bearer $1" "$url$2")
	body=$(cat body.out)
}
# now_ms: the clock in milliseconds.
now_ms() { date +%s%3N; }

# --- 3. a hung ismsd: 504 after --rpc-timeout, then served again
gw_start --rpc-timeout 1
fetch "$vtok" /v1/risk/RSK-0001
equals "GET before the stop" "$code" 200

kill -STOP "$pid"
stopped=1
t0=$(now_ms)
fetch "$vtok" /v1/risk/RSK-0001
t1=$(now_ms)
equals "GET from a stopped ismsd: 504" "$code" 504
equals "its code" "$(jq -r .code <<<"$body")" DEADLINE_EXCEEDED
has "its message names the setting" "$body" "rpc_timeout"
# The deadline, not curl's --max-time, ended it (1 s, some slack).
if [ $((t1 - t0)) -ge 900 ] && [ $((t1 - t0)) -lt 8000 ]; then ok; else
	bad "504 after $((t1 - t0)) ms, want about 1000"
fi
# The connection was dropped: the next request opens a new one, whose
# hello hangs in turn.
fetch "$vtok" /v1/risk/RSK-0001
equals "GET on a new connection to the stopped ismsd: 504" "$code" 504
kill -0 "$gwpid" 2>/dev/null && ok || bad "the gateway died"

kill -CONT "$pid"
stopped=
code=
for _ in $(seq 200); do
	fetch "$vtok" /v1/risk/RSK-0001
	[ "$code" = 200 ] && break
	sleep 0.05
done
equals "GET after SIGCONT" "$code" 200
equals "the record" "$(jq -r .id <<<"$body")" RSK-0001
fetch "$vtok" /v1/risk
equals "a list after SIGCONT" "$code" 200
kill "$gwpid"
wait "$gwpid"
rc=$?
gwpid=
equals "ismsd-http exits 0 on SIGTERM after timeouts" "$rc" 0

# --- 4. a webhook whose third Ingest gets no answer
mkdir relay
chown 65534:65534 relay
setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/python3 - \
	"$work/relay/ismsd.sock" "$work/var/ismsd.sock" 3 2>>relay.log <<'PY' &
import os, socket, sys, threading

listen_path, target, passes = sys.argv[1], sys.argv[2], int(sys.argv[3])

def down(client, server):
    # ismsd's replies go back unchanged.
    try:
        while True:
            data = server.recv(65536)
            if not data:
                break
            client.sendall(data)
    except OSError:
        pass
    client.close()

def frame(buf):
    # The length of the first whole frame (varint prefix), or 0.
    n = shift = i = 0
    while i < len(buf):
        b = buf[i]
        n |= (b & 0x7F) << shift
        shift += 7
        i += 1
        if not b & 0x80:
            return i + n if len(buf) >= i + n else 0
    return 0

def up(client):
    server = socket.socket(socket.AF_UNIX)
    server.connect(target)
    threading.Thread(target=down, args=(client, server), daemon=True).start()
    buf, sent = b"", 0
    try:
        while True:
            data = client.recv(65536)
            if not data:
                break
            buf += data
            while sent < passes:
                k = frame(buf)
                if k == 0:
                    break
                server.sendall(buf[:k])
                buf, sent = buf[k:], sent + 1
    except OSError:
        pass
    server.close()

s = socket.socket(socket.AF_UNIX)
s.bind(listen_path)
s.listen(16)
while True:
    c, _ = s.accept()
    threading.Thread(target=up, args=(c,), daemon=True).start()
PY
relaypid=$!
for _ in $(seq 200); do
	[ -S relay/ismsd.sock ] && break
	sleep 0.05
done
[ -S relay/ismsd.sock ] && ok || bad "the relay did not start"

gw_endpoint=$work/relay/ismsd.sock gw_start --rpc-timeout 1

alerts=
for k in 1 2 3 4 5; do
	alerts="$alerts${alerts:+,}{\"status\":\"firing\",\"labels\":{\"alertname\":\"A$k\",\"severity\":\"high\"},\"annotations\":{\"summary\":\"Alert $k\"},\"fingerprint\":\"fp$k\"}"
done
code=$(curl -s -o body.out -w '%{http_code}' --max-time 20 \
	-H "Authorization: Bearer $itok" \
	-d "{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[$alerts]}" \
	"$url/v1/hooks/alertmanager")
body=$(cat body.out)
equals "five alerts, the third unanswered: 504" "$code" 504
equals "its code" "$(jq -r .code <<<"$body")" DEADLINE_EXCEEDED
equals "its message" "$(jq -r .message <<<"$body")" \
	"2 of 5 ingested; 1 failed, 2 not sent"
equals "a result per alert" "$(jq '.results | length' <<<"$body")" 5
equals "the ingested ones, with their ids" \
	"$(jq -c '[.results[] | select(.id) | [.index, .external_id, .id, .created]]' <<<"$body")" \
	'[[0,"fp1","INC-0001",true],[1,"fp2","INC-0002",true]]'
equals "the failed one" \
	"$(jq -r '.results[2] | [.external_id, .error.code] | join(" ")' <<<"$body")" \
	"fp3 DEADLINE_EXCEEDED"
equals "the ones not sent" \
	"$(jq -r '[.results[3,4] | .error.message] | unique | .[]' <<<"$body")" \
	"not sent: the call of alert 2 failed"
equals "ismsd holds the two ingested" \
	"$("$ctl" incident list -o json | jq -r '[.[].id] | join(" ")')" \
	"INC-0001 INC-0002"

kill "$gwpid"
wait "$gwpid"
rc=$?
gwpid=
equals "ismsd-http exits 0 on SIGTERM after a stopped webhook" "$rc" 0

echo "http_timeout: $passes passed, $fails failed"
[ "$fails" -eq 0 ] || { sed 's/^/    gw: /' gw.log | tail -20; exit 1; }
