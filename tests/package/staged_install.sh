#!/usr/bin/env bash
# staged_install.sh: `cmake --install` with DESTDIR and the prefix /usr
# (what make install and the .deb do) stages every file of the install
# layout; then the staged ismsd, started with the staged ismsd.conf (its
# data dir and socket moved into the temp dir), serves the staged ismsctl.
# Usage: staged_install.sh SOURCE_DIR BUILD_DIR
set -u
src=$(realpath "$1")
build=$(realpath "$2")
# shellcheck source=../integration/cli_lib.sh
. "$src/tests/integration/cli_lib.sh"
cli_workdir staged
stage=$work/stage
DESTDIR=$stage cmake --install "$build" --prefix /usr >install.log 2>&1 ||
	{ bad "cmake --install failed"; cat install.log; }
libdir=$(sed -n 's/^CMAKE_INSTALL_LIBDIR:[A-Z]*=//p' "$build/CMakeCache.txt")

want="usr/sbin/ismsd usr/sbin/ismsd-http usr/bin/ismsctl
usr/$libdir/libismsclient.a usr/$libdir/libisms_common.a
usr/$libdir/libisms_proto.a usr/$libdir/pkgconfig/ismsclient.pc
usr/include/ismsd/ismsclient.h usr/include/ismsd/errcode.h
usr/include/ismsd/protocol.h usr/include/ismsd/proto/isms.pb-c.h
usr/share/ismsd/proto/isms.proto usr/share/ismsd/catalog/iso27001-2022.csv
lib/systemd/system/ismsd.service lib/systemd/system/ismsd.socket
lib/systemd/system/ismsd-http.service lib/systemd/system/ismsd-remind.service
lib/systemd/system/ismsd-remind.timer
usr/lib/sysusers.d/ismsd.conf usr/lib/tmpfiles.d/ismsd.conf
etc/ismsd/ismsd.conf etc/ismsd/ismsd-http.conf
usr/share/man/man1/ismsctl.1 usr/share/man/man5/ismsd.conf.5
usr/share/man/man7/ismsd-protocol.7 usr/share/man/man8/ismsd.8
usr/share/man/man8/ismsd-http.8"
for f in $want; do
	if [ -s "$stage/$f" ]; then ok; else bad "the staged install lacks /$f"; fi
done
# Every unit in systemd/ is installed, whoever added it.
for u in "$src"/systemd/*.service "$src"/systemd/*.socket "$src"/systemd/*.timer; do
	[ -f "$stage/lib/systemd/system/${u##*/}" ] && ok ||
		bad "systemd/${u##*/} is not installed"
done
# The sysusers entry is the packaged one, and names the users the units run as.
cmp -s "$src/packaging/ismsd.sysusers" "$stage/usr/lib/sysusers.d/ismsd.conf" &&
	ok || bad "sysusers.d/ismsd.conf differs from packaging/ismsd.sysusers"
grep -q '^d /var/lib/ismsd 0700 ismsd ismsd' "$stage/usr/lib/tmpfiles.d/ismsd.conf" &&
	ok || bad "tmpfiles.d/ismsd.conf does not make /var/lib/ismsd"

# The staged config, pointed at the temp dir, serves the staged ismsctl.
sed -e "s#^data-dir = .*#data-dir = $work/data#" \
	-e "s#^listen = unix:.*#listen = unix:$work/staged.sock#" \
	"$stage/etc/ismsd/ismsd.conf" >ismsd.conf
grep -q "^data-dir = $work/data" ismsd.conf && ok || bad "ismsd.conf has no data-dir line"
"$stage/usr/sbin/ismsd" --config ismsd.conf --foreground 2>daemon.log &
pid=$!
ctl=$stage/usr/bin/ismsctl
export ISMS_ENDPOINT=unix:$work/staged.sock
for _ in $(seq 200); do
	"$ctl" status >/dev/null 2>&1 && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.05
done
cli_checks fixed
expect 0 "the staged ismsctl's status" status
has "status: the data dir" "$work/data"
expect 0 "user add" user add alice --role viewer
expect 0 "user list" -o csv user list
has "user list: alice" "alice,viewer"
stop
[ "$fails" -eq 0 ] || cat daemon.log
cli_done staged_install
