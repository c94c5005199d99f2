#!/usr/bin/env bash
# ops_units.sh: systemd/ismsd-backup.service and .timer pass
# `systemd-analyze verify` without a warning about them (when it is
# installed), and the service's command, run as written (its systemd
# escapes undone, the paths pointed at this build and a temp dir), writes
# today's backup, which restores, and keeps the seven newest backups.
# Usage: ops_units.sh SOURCE_DIR BUILD_DIR
set -u
src=$(realpath "$1")
build=$(realpath "$2")
# shellcheck source=cli_lib.sh
. "$(dirname "$0")/cli_lib.sh"
cli_workdir ops_units
cli_checks re
units="ismsd-backup.service ismsd-backup.timer"

if command -v systemd-analyze >/dev/null 2>&1; then
	mkdir units
	for u in $units; do
		sed -e "s#/usr/bin/ismsctl#$ctl#g" "$src/systemd/$u" >"units/$u"
	done
	(cd units && systemd-analyze verify ./ismsd-backup.service \
		./ismsd-backup.timer) >verify.log 2>&1
	equals "systemd-analyze verify" "$?" 0
	if grep -E "ismsd-backup|$work" verify.log; then
		bad "systemd-analyze verify warns about the backup units"
	else ok; fi
else
	echo "SKIP verify: systemd-analyze not installed"
fi
unit="$src/systemd/ismsd-backup.service"
has "a oneshot" '^Type=oneshot$' "$(cat "$unit")"
has "as the data dir's owner" '^User=ismsd$' "$(cat "$unit")"
has "hardened" '^ProtectSystem=strict$' "$(cat "$unit")"
has "the timer is daily" '^OnCalendar=\*-\*-\* 02:30$' \
	"$(cat "$src/systemd/ismsd-backup.timer")"

# The command as systemd runs it: $$ is $, %% is %.
cmd=$(sed -n 's/^ExecStart=//p' "$unit")
cmd=${cmd//\$\$/\$}
cmd=${cmd//%%/%}
cmd=${cmd//\/var\/backups\/ismsd/$work\/backups}
cmd=${cmd//\/usr\/bin\/ismsctl/$ctl}
cmd=${cmd//unix:\/\/\/run\/ismsd\/ismsd.sock/unix:var\/ismsd.sock}
mkdir backups
for d in 01 02 03 04 05 06 07 08; do
	echo old >"backups/ismsd-202001$d.mdb"
done
start
eval "$cmd"
equals "the backup command" "$?" 0
today="ismsd-$(date -u +%Y%m%d).mdb"
equals "today's and the six newest before it are kept" \
	"$(cd backups && ls -1 | tr '\n' ' ')" \
	"ismsd-20200103.mdb ismsd-20200104.mdb ismsd-20200105.mdb ismsd-20200106.mdb ismsd-20200107.mdb ismsd-20200108.mdb $today "
"$build/bin/ismsd" --restore "backups/$today" --data-dir restored 2>restore.log
equals "today's backup restores" "$?" 0
stop
cli_done ops_units
