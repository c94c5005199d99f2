#!/usr/bin/env bash
# browser_ui.sh: issue 19's web interface in a real browser: a real ismsd
# and a real ismsd-http (plain HTTP on loopback, run as nobody, as
# http_lib.sh starts them), users with passwords set by 'ismsctl user
# passwd --stdin', risks made with ismsctl and moved through their
# lifecycle; then tests/browser/ui.test.mjs drives Debian's chromium
# headless through puppeteer-core: a sign-off from My work named in the
# journal, a viewer refused, a stale edit shown as a conflict, a live
# change, CSRF, logout and a disabled user, a phone screen, axe-core on
# every view. Screenshots go to BUILD_DIR/ui-shots/.
# Usage: browser_ui.sh BUILD_DIR
set -u
build=$(realpath "$1")
src=$(realpath "$(dirname "$0")/../..")
# shellcheck source=http_lib.sh
. "$(dirname "$0")/http_lib.sh"

for tool in node /usr/bin/chromium; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "FAIL: $tool is not installed (scripts/install-deps.sh)"
		exit 1
	fi
done
if [ ! -f "$src/tests/browser/node_modules/puppeteer-core/package.json" ] ||
	[ ! -f "$src/tests/browser/node_modules/axe-core/axe.min.js" ]; then
	echo "FAIL: no tests/browser/node_modules (scripts/install-deps.sh runs npm ci)"
	exit 1
fi
http_setup browser_ui

# passwd NAME PASSWORD: sets a user's password as the admin.
passwd() {
	printf '%s\n' "$2" | "$ctl" user passwd "$1" --stdin >/dev/null 2>pw.err ||
		bad "user passwd $1: $(cat pw.err)"
}
# add ID FIELD=VALUE...: a record whose id must be ID.
add() {
	local want=$1 got
	shift
	got=$("$ctl" risk add "$@" 2>&1)
	equals "risk add $*" "$got" "$want"
}

export ISMS_UI_PW_ALICE="alice's correct horse"
export ISMS_UI_PW_VICTOR="victor views, never signs"
export ISMS_UI_PW_DORA="dora will be disabled"
"$ctl" user add alice --role editor --display-name "Alice Owner" >/dev/null ||
	bad "user add alice"
"$ctl" user add victor --role viewer >/dev/null || bad "user add victor"
"$ctl" user add dora --role editor >/dev/null || bad "user add dora"
passwd alice "$ISMS_UI_PW_ALICE"
passwd victor "$ISMS_UI_PW_VICTOR"
passwd dora "$ISMS_UI_PW_DORA"

# Two risks wait for alice's acceptance (assessed, 4 x 4: above the
# acceptance threshold, so only she may accept); one stays open.
add RSK-0001 title="Ransomware on the file server" likelihood=4 impact=4 \
	owner=alice
add RSK-0002 title="Phishing" likelihood=2 impact=3 owner=alice
add RSK-0003 title="Laptop theft" likelihood=4 impact=4 owner=alice
for id in RSK-0001 RSK-0003; do
	"$ctl" risk set "$id" status=assessed >/dev/null || bad "$id assessed"
done
[ "$fails" -eq 0 ] || { cli_done browser_ui; exit 1; }

gw_start

# ismsbench's --cookie (the UI benchmark's client) speaks as a browser
# session: a sign-in's cookie reads /v1/session; a wrong one is refused.
secret=$(curl -s -o /dev/null -c jar -H 'Content-Type: application/json' \
	-d "{\"user\":\"victor\",\"password\":\"$ISMS_UI_PW_VICTOR\"}" \
	"$url/v1/session" && awk '$6 == "isms_session" {print $7}' jar)
out=$("$build/bin/ismsbench" --json http-paths --count 20 --url "$url" \
	--cookie "$secret" --paths /v1/session,/v1/dashboard)
equals "ismsbench --cookie: no error" "$(jq -r .errors <<<"$out")" 0
out=$("$build/bin/ismsbench" --json http-paths --count 4 --url "$url" \
	--cookie "${secret}x" --paths /v1/session 2>/dev/null)
equals "ismsbench --cookie, a wrong one: 4 errors" \
	"$(jq -r .errors <<<"$out")" 4

rm -rf "$build/ui-shots"
ISMS_UI_URL="$url" ISMSCTL="$ctl" ISMS_ENDPOINT="unix:$work/var/ismsd.sock" \
	ISMS_UI_SHOTS="$build/ui-shots" node "$src/tests/browser/ui.test.mjs"
rc=$?
if [ "$rc" -ne 0 ]; then
	bad "ui.test.mjs exited $rc (the FAIL lines above say which step)"
	echo "--- the gateway's log (last 20 lines)"
	tail -20 gw.log
else
	ok
fi
cli_done browser_ui
