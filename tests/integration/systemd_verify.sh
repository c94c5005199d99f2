#!/usr/bin/env bash
# systemd_verify.sh: the units in systemd/ pass `systemd-analyze verify`
# without a warning about them, with ExecStart= pointing at the build's
# binaries (the installed paths do not exist here), and keep the settings
# the daemon and the reminder depend on.
# Usage: systemd_verify.sh SOURCE_DIR BUILD_DIR
set -u
src=$(realpath "$1")
build=$(realpath "$2")
units="ismsd.socket ismsd.service ismsd-remind.service ismsd-remind.timer ismsd-http.service"

if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "SKIP: systemd-analyze not installed (scripts/install-deps.sh" \
		"installs the systemd package)"
	exit 0
fi

work=$(mktemp -d /tmp/ismsd-units-XXXXXX)
trap 'rm -rf "$work"' EXIT
fails=0
bad() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

for u in $units; do
	[ -f "$src/systemd/$u" ] || bad "systemd/$u is missing"
	sed -e "s#/usr/sbin/ismsd#$build/bin/ismsd#g" \
		-e "s#/usr/bin/ismsctl#$build/bin/ismsctl#g" \
		"$src/systemd/$u" >"$work/$u"
done

# Documentation= names our man pages: verify finds them in the build's.
for p in "$build"/man/*.[1-8]; do
	mkdir -p "$work/man/man${p##*.}"
	ln -s "$p" "$work/man/man${p##*.}/"
done
# verify exits 0 on many warnings: every line naming our units fails.
(cd "$work" && MANPATH=$work/man systemd-analyze verify $(printf './%s ' $units)) \
	>"$work/verify.log" 2>&1
rc=$?
[ "$rc" -eq 0 ] || bad "systemd-analyze verify exited $rc"
pattern=$(printf '%s|' $units "$work")
if grep -E "${pattern%|}" "$work/verify.log" >"$work/ours.log"; then
	bad "systemd-analyze verify warns about our units:"
	sed 's/^/    /' "$work/ours.log"
fi

# systemd-analyze security (offline): each service's exposure at or
# under its ceiling: 2.0, and the reminder's 6.5 (a set-gid or set-uid
# sendmail rules out NoNewPrivileges= and all that implies it).
exposure() {
	(cd "$work" && systemd-analyze security --offline=true --no-pager "./$1") 2>&1 |
		sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p'
}
for pair in ismsd.service:2.0 ismsd-http.service:2.0 ismsd-remind.service:6.5; do
	u=${pair%%:*}
	e=$(exposure "$u")
	echo "exposure $u: ${e:-?} (ceiling ${pair#*:})"
	awk -v e="$e" -v m="${pair#*:}" 'BEGIN { exit !(e != "" && e + 0 <= m + 0) }' ||
		bad "$u: exposure ${e:-unknown} over ${pair#*:}"
done

# has UNIT LINE: the unit holds exactly this line.
has() { grep -qxF -- "$2" "$src/systemd/$1" || bad "$1 lacks '$2'"; }
# lacks UNIT KEY: the unit does not set KEY.
lacks() { ! grep -q "^$2=" "$src/systemd/$1" || bad "$1 must not set $2="; }

has ismsd.service "Type=notify"
has ismsd.service "NotifyAccess=main"
has ismsd.service "WatchdogSec=30s"
has ismsd.service "NoNewPrivileges=yes"
has ismsd.service "ProtectSystem=strict"
has ismsd.service "PrivateTmp=yes"
has ismsd.service "CapabilityBoundingSet="
has ismsd.service "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6"
has ismsd.service "SystemCallFilter=@system-service"
has ismsd.service "UMask=0077"
has ismsd.service "StateDirectory=ismsd"
# Socket-activated: the socket is ismsd.socket's, never removed with
# the service (no RuntimeDirectory= to clean /run/ismsd away).
has ismsd.service "Requires=ismsd.socket"
lacks ismsd.service "RuntimeDirectory"
has ismsd.socket "ListenStream=/run/ismsd/ismsd.sock"
has ismsd.socket "SocketMode=0660"
has ismsd.socket "SocketGroup=ismsd"
# The gateway: unprivileged, no data, only ismsd's socket group.
has ismsd-http.service "DynamicUser=yes"
has ismsd-http.service "SupplementaryGroups=ismsd"
has ismsd-http.service "NoNewPrivileges=yes"
has ismsd-http.service "ProtectSystem=strict"
has ismsd-http.service "CapabilityBoundingSet="
has ismsd-http.service "SystemCallFilter=@system-service"
has ismsd-http.service "LoadCredential=tls-key:/etc/ismsd/http-key.pem"
lacks ismsd-http.service "StateDirectory"
has ismsd-remind.service "Type=oneshot"
has ismsd-remind.service "ExecStart=/usr/bin/ismsctl --endpoint unix:///run/ismsd/ismsd.sock due --within 14d --mail"
has ismsd-remind.timer "OnCalendar=Mon..Fri 08:00"
has ismsd-remind.timer "Persistent=true"
# A set-gid sendmail must keep working: nothing that implies NNP.
for k in NoNewPrivileges SystemCallFilter RestrictAddressFamilies \
	PrivateDevices RestrictSUIDSGID MemoryDenyWriteExecute LockPersonality \
	DynamicUser SystemCallArchitectures RestrictNamespaces; do
	lacks ismsd-remind.service "$k"
done
# Whoever the units run as is declared for systemd-sysusers.
for user in ismsd ismsd-remind; do
	grep -qE "^u $user " "$src/packaging/ismsd.sysusers" ||
		bad "packaging/ismsd.sysusers does not create $user"
done

[ "$fails" -eq 0 ] && echo "units verified: $units"
[ "$fails" -eq 0 ]
