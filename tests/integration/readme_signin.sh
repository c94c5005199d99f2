#!/usr/bin/env bash
# readme_signin.sh: runs the README's "Web sign-in: passwords and
# sessions" commands, verbatim, against a real ismsd.
# Usage: readme_signin.sh README BUILD_DIR
. "$(dirname "$0")/readme_lib.sh"
export ISMS_ENDPOINT=unix:var/ismsd.sock

# expect CMD: the refused one exits 1, the others 0.
expect() {
	case "$1" in
	*"# refused: exit 1"*) echo 1 ;;
	*) echo 0 ;;
	esac
}
run signin expect

check "user list shows the password column" grep -q PASSWORD \
	"$(out 'user list')"
check "alice has a password" grep -Eq '^alice +editor .* yes ' \
	"$(out 'user list')"
check "a short password is refused" grep -q '12 to 256 bytes' \
	"$(out "'too short' |")"
check "the journal says the password was set" grep -q 'password set' \
	"$(out 'journal --id alice')"
check "the hash is not in the journal" bash -c \
	"! build/bin/ismsctl -o json journal | grep -q argon2"

finish
