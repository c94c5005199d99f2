#!/bin/sh
# install-deps.sh: installs the Debian packages ismsd needs to build, test
# and run, when they are missing, then the browser tests' npm packages
# when they are missing or older than their lock. Does nothing when all
# are present.
set -eu

PACKAGES="build-essential cmake pkg-config libevent-dev libprotobuf-c-dev
protobuf-c-compiler liblmdb-dev lmdb-utils libcmocka-dev libssl-dev libinih-dev
systemd openssl protobuf-compiler python3 python3-protobuf libjansson-dev curl jq
libxlsxwriter-dev chromium poppler-utils python3-openpyxl scdoc man-db groff-base
libargon2-dev"

# `install-deps.sh fuzz` adds what `make fuzz` needs: clang, its runtime
# with libFuzzer and the sanitizers, and llvm-symbolizer for the stacks.
FUZZ_PACKAGES="clang-14 libclang-rt-14-dev llvm-14"
# `install-deps.sh pkg` adds what `make deb` needs: debhelper (dh with
# CMake), dpkg-dev and fakeroot, and lintian for the checks.
PKG_PACKAGES="debhelper dpkg-dev fakeroot lintian"
case "${1:-}" in
"") ;;
fuzz) PACKAGES="$PACKAGES $FUZZ_PACKAGES" ;;
pkg) PACKAGES="$PACKAGES $PKG_PACKAGES" ;;
*)
	echo "usage: install-deps.sh [fuzz|pkg]" >&2
	exit 2
	;;
esac

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
# The browser tests need node and npm: the commands, wherever they come
# from (Debian's nodejs 18 + npm 9, or a newer nodejs with npm inside).
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"

if [ -n "$missing" ]; then
	echo "install-deps: installing:$missing"
	if [ "$(id -u)" -eq 0 ]; then
		SUDO=""
	elif command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	else
		echo "install-deps: need root (or sudo) to install:$missing" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update
	# shellcheck disable=SC2086
	$SUDO apt-get install -y --no-install-recommends $missing
fi

# The browser tests' npm packages (tests/browser/package-lock.json: the
# pinned puppeteer-core and axe-core), as the invoking user, when
# node_modules is missing or older than the lock. puppeteer-core never
# downloads a browser (the tests drive Debian's chromium); no package's
# install scripts run.
browser="$(cd "$(dirname "$0")/.." && pwd)/tests/browser"
stamp="$browser/node_modules/.package-lock.json"
if [ ! -f "$stamp" ] || [ -n "$(find "$browser" -maxdepth 1 \
    -name 'package*.json' -newer "$stamp")" ]; then
	echo "install-deps: npm ci --prefix tests/browser"
	PUPPETEER_SKIP_DOWNLOAD=1 npm ci --prefix "$browser" --no-audit \
	    --no-fund --ignore-scripts
fi
