#!/usr/bin/env bash
# readme_ops.sh: runs the README's "Operations" commands, verbatim, after
# the tour, against a real ismsd: completion, a backup, a restore (and the
# refused second one).
# Usage: readme_ops.sh README BUILD_DIR
. "$(dirname "$0")/readme_lib.sh"
export ISMS_ENDPOINT=unix:var/ismsd.sock

quiet tour
# shellcheck disable=SC2317
ops_codes() {
	case "$1" in
	*"--restore"*) [ -e restored.done ] && echo 1 || { touch restored.done; echo 0; } ;;
	*) echo 0 ;;
	esac
}
run ops-completion all_zero
check "complete registers the function" grep -q '_ismsctl ismsctl' \
	"$(out 'complete -p')"
check "the risk's verb" grep -qx accept "$(out 'risk ac')"
check "a field" grep -qx 'title=' "$(out 'risk add ti')"
check "the tour's risks" grep -qx 'RSK-0001' "$(out 'risk get RSK-')"
run ops-backup ops_codes
check "the backup's summary" grep -q 'backup isms-backup.mdb: .* bytes' \
	"$(out 'backup isms-backup.mdb')"
head=$(cat "$(out 'journal head')")
check "the restore verified the head" grep -q "head seq ${head%%:*} hash ${head#*:}" \
	"$(out_is 'build/bin/ismsd --restore isms-backup.mdb --data-dir restored')"
check "the backup names the same head" grep -q "journal head seq ${head%%:*} hash ${head#*:}" \
	"$(out 'backup isms-backup.mdb')"
finish
