#!/usr/bin/env bash
# socket_activation.sh: ismsd started by systemd-socket-activate serves
# the socket it is passed (LISTEN_FDS), with and without a --listen that
# names it, beside one it binds itself, and leaves the passed socket's
# file alone when it stops; a passed TCP socket no endpoint names is
# refused; the README's example works. Then the reminder unit's ExecStartPre admits its account as a
# viewer, once, with no manual step.
# Usage: socket_activation.sh SOURCE_DIR BUILD_DIR
set -u
src=$(realpath "$1")
build=$(realpath "$2")
# shellcheck source=../integration/cli_lib.sh
. "$src/tests/integration/cli_lib.sh"
command -v systemd-socket-activate >/dev/null ||
	{ echo "SKIP: systemd-socket-activate missing (package systemd)"; exit 0; }
cli_workdir sockact
sock=$work/act.sock
export ISMS_ENDPOINT=unix:$sock

# activate ARGS...: ismsd under systemd-socket-activate on $sock; it is
# started at the first connection, which must reach it.
activate() {
	systemd-socket-activate -l "$sock" "$build/bin/ismsd" --foreground \
		--data-dir var "$@" 2>>daemon.log &
	pid=$!
	for _ in $(seq 200); do
		[ -S "$sock" ] && break
		sleep 0.05
	done
	if "$ctl" status >status.out 2>&1; then ok; else
		bad "ismsctl did not reach the activated ismsd ($*)"
		cat status.out daemon.log
	fi
}
# halt: stops ismsd; the passed socket's file must stay (systemd's).
halt() {
	kill "$pid"
	wait "$pid" 2>/dev/null
	pid=
	if [ -S "$sock" ]; then ok; else bad "ismsd removed the passed socket"; fi
	rm -f "$sock"
}

# 1. No --listen: the passed socket, and not the default endpoint.
activate
cli_checks fixed
expect 0 "status" status
has "status: the user" "root (admin)"
grep -q "listening on unix:$sock (socket-activated)" daemon.log && ok ||
	bad "no 'socket-activated' line in the log"
! grep -q "listening on unix:/run" daemon.log || bad "bound the default endpoint too"
halt

# 2. --listen names the passed socket (as ismsd.conf does under systemd):
# taken as it is, not bound again, beside a socket ismsd binds itself.
: >daemon.log
activate --listen "unix:$sock" --listen unix:var/own.sock
expect 0 "status on the socket ismsd bound" --endpoint unix:var/own.sock status
grep -q "another ismsd" daemon.log && bad "the passed socket was bound again"
grep -q "listening on unix:var/own.sock$" daemon.log && ok ||
	bad "ismsd did not bind its own endpoint"
halt
[ ! -e var/own.sock ] && ok || bad "ismsd left its own socket behind"

# 3. A TCP socket with no tcp:// endpoint (no TLS settings): refused.
: >daemon.log
port=$((20000 + RANDOM % 12000)) # below the ephemeral ports
systemd-socket-activate -l "127.0.0.1:$port" --fdname=web "$build/bin/ismsd" \
	--foreground --data-dir var 2>>daemon.log &
pid=$!
for _ in $(seq 200); do
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
	sleep 0.05
done
for _ in $(seq 200); do
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.05
done
if kill -0 "$pid" 2>/dev/null; then
	bad "ismsd serves a passed TCP socket without TLS settings"
	kill "$pid"
fi
wait "$pid" 2>/dev/null
pid=
grep -q "socket 'web' is not a Unix socket and no listen tcp://" daemon.log && ok ||
	{ bad "no refusal of the TCP socket in the log"; cat daemon.log; }

# 3b. A passed TCP socket its tcp:// endpoint names is taken (not bound
# again, which would fail: the port is the passed socket's).
: >daemon.log
systemd-socket-activate -l "127.0.0.1:$port" "$build/bin/ismsd" --foreground \
	--data-dir var --listen unix:var/own.sock \
	--listen "tcp://127.0.0.1:$port" --insecure 2>>daemon.log &
pid=$!
for _ in $(seq 200); do
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
	sleep 0.05
done
for _ in $(seq 200); do
	grep -q "ready" daemon.log && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.05
done
if grep -q "listening on tcp://127.0.0.1:$port" daemon.log && kill -0 "$pid" 2>/dev/null; then
	ok
else
	bad "ismsd did not take the passed TCP socket its endpoint names"
	cat daemon.log
fi
expect 0 "status over the unix socket beside it" --endpoint unix:var/own.sock status
kill "$pid" && wait "$pid" 2>/dev/null
pid=

# 4. README's "Run as a service" block, as it stands.
ln -s "$build" build
rm -rf var && mkdir var
mapfile -t lines < <(sed -n '/<!-- sockact:begin -->/,/<!-- sockact:end -->/p' \
	"$src/README.md" | sed -n 's/^\$ //p')
equals "README sockact lines" "${#lines[@]}" 2
eval "${lines[0]}" 2>>daemon.log
pid=$!
# A reader types the next line later: wait for the socket.
for _ in $(seq 200); do
	[ -S act.sock ] && break
	sleep 0.05
done
if eval "${lines[1]}" >readme.out 2>&1 && grep -q "root (admin)" readme.out; then ok; else
	bad "README's socket activation block failed"; cat readme.out daemon.log
fi
kill "$pid" && wait "$pid" 2>/dev/null
pid=
rm -f act.sock

# 5. ismsd-remind.service's ExecStartPre, run twice as root would run it
# (its account here: nobody), admits the account once, as a viewer.
export ISMS_ENDPOINT=unix:var/ismsd.sock
: >daemon.log
rm -rf var && mkdir var
start
cmdline=$(sed -n 's/^ExecStartPre=+//p' "$src/systemd/ismsd-remind.service" |
	sed -e "s#unix:///run/ismsd/ismsd.sock#unix:$work/var/ismsd.sock#g" \
		-e "s#ismsctl #$ctl #g" -e 's/\$\$/$/g' \
		-e 's/id -u ismsd-remind/id -u nobody/')
[ -n "$cmdline" ] || bad "ismsd-remind.service has no ExecStartPre=+"
for run in 1 2; do
	eval "$cmdline" >pre.out 2>&1 && ok || { bad "ExecStartPre run $run failed"; cat pre.out; }
done
expect 0 "user list" -o csv user list
has "the reminder's user" "ismsd-remind,viewer,$(id -u nobody)"
stop

cli_done socket_activation
