#!/usr/bin/env bash
# http_session.sh: issue 19's sign-in in ismsd-http, end to end: a real
# ismsd and a real gateway (as nobody, plain HTTP on loopback), driven
# with curl. Sign-in sets the cookie (HttpOnly, Secure, SameSite=Strict);
# the cookie is a credential on the API and the event stream; a change
# made with it needs the CSRF token and a same-origin Origin, one made
# with a bearer token does not; logout, a password change and a disabled
# user end the session; a wrong password is 401 with one message; the
# trusted proxy's user header opens a session only from its address; the
# web interface's files (redirect, CSP, 404 for traversal, ETag -> 304);
# the per-address throttle (429, Retry-After) last, from an address of its
# own (curl --interface 127.0.0.3).
# Usage: http_session.sh BUILD_DIR
set -u
build=$(realpath "$1")
# shellcheck source=http_lib.sh
. "$(dirname "$0")/http_lib.sh"
cli_workdir http_session
trap http_cleanup EXIT
chmod 755 "$work" var
# The gateway runs as nobody (65534): the uid ismsd takes proxy sign-ins
# from.
start --socket-group 65534 --sso-gateway-uid 65534

pw_alice='correct horse battery'
pw_alice2='another long passphrase'
pw_carol='carols long password'
"$ctl" user add alice --role editor --display-name 'Alice A' >/dev/null ||
	bad "user add alice"
"$ctl" user add carol --role editor >/dev/null || bad "user add carol"
"$ctl" user add dave --role viewer >/dev/null || bad "user add dave"
printf '%s\n' "$pw_alice" | "$ctl" user passwd alice --stdin >/dev/null ||
	bad "passwd alice"
printf '%s\n' "$pw_carol" | "$ctl" user passwd carol --stdin >/dev/null ||
	bad "passwd carol"
tok=$("$ctl" token create alice 2>/dev/null | awk '{print $2}')

# Trusted proxies: one by flag, one by the file (the flags add to it).
printf '[ismsd-http]\ntrusted_proxy = 127.0.0.4\n' >gw.conf
gw_start --trusted-proxy 127.0.0.2 --config "$work/gw.conf"

status=
body=
hdrs=
# call METHOD PATH [curl args...]: the status in $status, body in $body,
# headers in $hdrs (CRs removed).
call() {
	local m=$1 p=$2
	shift 2
	status=$(curl -s -o body.out -D hdrs.out -w '%{http_code}' -X "$m" \
		"$@" "$url$p")
	body=$(cat body.out)
	hdrs=$(tr -d '\r' <hdrs.out)
}
# The session cookie's value in the last reply's Set-Cookie.
set_cookie() { sed -n 's/^Set-Cookie: isms_session=\([^;]*\).*/\1/p' <<<"$hdrs"; }
# signin USER PASSWORD [curl args...]: POST /v1/session.
signin() {
	local u=$1 p=$2
	shift 2
	call POST /v1/session -H 'Content-Type: application/json' \
		-d "$(jq -nc --arg u "$u" --arg p "$p" '{user: $u, password: $p}')" "$@"
}
risk() { jq -nc --arg t "$1" '{title: $t, owner: "alice", risk: {threat: "theft", likelihood: 2, impact: 3}}'; }

# --- sign-in: the cookie and the document
signin alice "$pw_alice"
equals "sign-in is 200" "$status" 200
cookie=$(grep '^Set-Cookie: isms_session=' <<<"$hdrs")
has "the cookie is HttpOnly" "$cookie" "; HttpOnly"
has "the cookie is Secure" "$cookie" "; Secure"
has "the cookie is SameSite=Strict" "$cookie" "; SameSite=Strict"
has "the cookie is for every path" "$cookie" "; Path=/"
has "the cookie ends with the session" "$cookie" "; Max-Age="
sec=$(set_cookie)
csrf=$(jq -r .csrf <<<"$body")
equals "the user" "$(jq -r .user <<<"$body")" alice
equals "the role" "$(jq -r .role <<<"$body")" editor
equals "the display name" "$(jq -r .display_name <<<"$body")" "Alice A"
equals "the CSRF token is 64 hex digits" \
	"$(grep -cE '^[0-9a-f]{64}$' <<<"$csrf")" 1
case "$(jq -r .expires_at <<<"$body")" in
20*Z) ok ;; *) bad "expires_at: $body" ;;
esac
jar="Cookie: theme=dark; isms_session=$sec; other=1"

# --- the cookie as a credential
call GET /v1/risk -H "$jar"
equals "GET /v1/risk with the cookie" "$status" 200
call GET /v1/session -H "Cookie: isms_session=\"$sec\""
equals "a quoted cookie value" "$status" 200
long=$(head -c 9000 /dev/zero | tr '\0' a)
call GET /v1/session -H "Cookie: pad=$long; isms_session=$sec"
equals "a Cookie header past 8 KiB is not read" "$status" 401
call GET /v1/session -H "$jar"
equals "GET /v1/session" "$status" 200
equals "it gives the CSRF token again" "$(jq -r .csrf <<<"$body")" "$csrf"
equals "and the display name" "$(jq -r .display_name <<<"$body")" "Alice A"
call POST /v1/risk -H "$jar" -d "$(risk 'No token')"
equals "a change without X-CSRF-Token is 403" "$status" 403
has "it says what is missing" "$body" "needs the X-CSRF-Token header"
# The token with its last digit changed (not replaced: it may be a 0).
[ "${csrf: -1}" = 0 ] && last=1 || last=0
call POST /v1/risk -H "$jar" -H "X-CSRF-Token: ${csrf%?}$last" -d "$(risk Wrong)"
equals "a wrong X-CSRF-Token is 403" "$status" 403
call POST /v1/risk -H "$jar" -H "X-CSRF-Token: $csrf" \
	-H 'Origin: https://evil.example' -d "$(risk Foreign)"
equals "a foreign Origin is 403" "$status" 403
call POST /v1/risk -H "$jar" -H "X-CSRF-Token: $csrf" \
	-H "Origin: http://127.0.0.1:$port" -d "$(risk 'With the token')"
equals "with the CSRF token and our Origin: 201" "$status" 201
call POST /v1/risk -H "Authorization: Bearer $tok" -d "$(risk Bearer)"
equals "a bearer change needs no CSRF token" "$status" 201
call POST /v1/risk -H "Authorization: Bearer $tok" -H "$jar" -d "$(risk Both)"
equals "bearer wins over the cookie" "$status" 201
equals "three risks made" "$("$ctl" risk list | grep -c RSK-)" 3

# The event stream with the cookie (EventSource sends no header of its own).
curl -sN -H "$jar" "$url/v1/events?since=0" >events.out 2>/dev/null &
cpid=$!
for _ in $(seq 200); do
	grep -q '^id: ' events.out && break
	sleep 0.05
done
kill "$cpid" 2>/dev/null
wait "$cpid" 2>/dev/null
has "events with the cookie" "$(cat events.out)" "event: created"

# --- logout ends the session
call DELETE /v1/session -H "$jar"
equals "logout needs the CSRF token" "$status" 403
call DELETE /v1/session -H "$jar" -H "X-CSRF-Token: $csrf"
equals "logout is 200" "$status" 200
equals "logout answers {}" "$(jq -c . <<<"$body")" '{}'
has "logout clears the cookie" "$hdrs" "isms_session=; Path=/"
has "with Max-Age=0" "$hdrs" "Max-Age=0"
call GET /v1/risk -H "$jar"
equals "the same cookie after logout: 401" "$status" 401
call GET /v1/session -H "$jar"
equals "GET /v1/session after logout: 401" "$status" 401
ended=$jar

# --- a password change ends every session
signin alice "$pw_alice"
sec=$(set_cookie)
csrf=$(jq -r .csrf <<<"$body")
jar="Cookie: isms_session=$sec"
signin alice "$pw_alice"
jar2="Cookie: isms_session=$(set_cookie)"
call POST /v1/session/password -H "$jar" \
	-d "$(jq -nc --arg o "$pw_alice" --arg p "$pw_alice2" '{old_password: $o, password: $p}')"
equals "a password change needs the CSRF token" "$status" 403
call POST /v1/session/password -H "$jar" -H "X-CSRF-Token: $csrf" \
	-d "$(jq -nc --arg o "$pw_alice" --arg p "$pw_alice2" '{old_password: $o, password: $p}')"
equals "the password change is 200" "$status" 200
equals "it names the user" "$(jq -r .user <<<"$body")" alice
has "it clears the cookie" "$hdrs" "Max-Age=0"
call GET /v1/risk -H "$jar"
equals "the session after a password change: 401" "$status" 401
call GET /v1/risk -H "$jar2"
equals "the user's other session too" "$status" 401
signin alice "$pw_alice"
equals "the old password no longer signs in" "$status" 401
signin alice "$pw_alice2"
equals "the new one does" "$status" 200

# --- wrong user name or password: one message
signin alice 'not the password at all'
equals "a wrong password is 401" "$status" 401
equals "with the generic message" "$(jq -r .message <<<"$body")" \
	"wrong user name or password"
signin nosuchuser 'not the password at all'
equals "an unknown user is 401" "$status" 401
equals "with the same message" "$(jq -r .message <<<"$body")" \
	"wrong user name or password"
call POST /v1/session -d 'not json'
equals "a malformed body is 400" "$status" 400

# --- a disabled user's session ends
signin carol "$pw_carol"
jar="Cookie: isms_session=$(set_cookie)"
call GET /v1/risk -H "$jar"
equals "carol's session works" "$status" 200
"$ctl" user disable carol >/dev/null || bad "user disable carol"
call GET /v1/risk -H "$jar"
equals "a disabled user's session: 401" "$status" 401

# --- single sign-on through the trusted proxy (127.0.0.2)
call GET /v1/session -H 'X-Forwarded-User: dave'
equals "the user header from another address is ignored" "$status" 401
call GET /v1/session -H 'X-Forwarded-User: dave' --interface 127.0.0.2
equals "from the trusted proxy it opens a session" "$status" 200
equals "for its user" "$(jq -r .user <<<"$body")" dave
equals "with the user's role" "$(jq -r .role <<<"$body")" viewer
equals "no display name: the name" "$(jq -r .display_name <<<"$body")" dave
jar="Cookie: isms_session=$(set_cookie)"
call GET /v1/risk -H "$jar"
equals "the proxy's session works" "$status" 200
call GET /v1/session -H 'X-Forwarded-User: dave' -H "$ended" \
	--interface 127.0.0.2
equals "an ended cookie gives way to the proxy's user" \
	"$(jq -r .user <<<"$body")" dave
call GET /v1/session -H 'X-Forwarded-User: dave' --interface 127.0.0.4
equals "the proxy of the config file too" "$status" 200
call GET /v1/session -H 'X-Forwarded-User: nosuchuser' --interface 127.0.0.2
equals "the proxy's unknown user is refused" "$status" 403

# --- the web interface's files
call GET /
equals "/ redirects" "$status" 302
has "to /ui/" "$hdrs" "Location: /ui/"
call GET /ui/
equals "/ui/ is 200" "$status" 200
has "as HTML" "$hdrs" "Content-Type: text/html"
has "with the CSP" "$hdrs" "Content-Security-Policy: default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
has "nosniff" "$hdrs" "X-Content-Type-Options: nosniff"
has "no framing" "$hdrs" "X-Frame-Options: DENY"
has "Referrer-Policy" "$hdrs" "Referrer-Policy: same-origin"
has "the file is index.html" "$body" "<html"
etag=$(sed -n 's/^ETag: //p' <<<"$hdrs")
call GET /ui/index.html -H "If-None-Match: $etag"
equals "the same ETag: 304" "$status" 304
call GET /ui/nosuchfile.js
equals "an unknown file: 404" "$status" 404
call GET '/ui/..%2f..%2fetc%2fpasswd'
equals "traversal with encoded slashes: 404" "$status" 404
call GET '/ui/%2e%2e'
equals "an encoded ..: 404" "$status" 404
call GET /v1/risk
equals "the API without a credential: 401" "$status" 401
has "its replies carry nosniff too" "$hdrs" "X-Content-Type-Options: nosniff"
call GET /v1/openapi.json
equals "the sign-in route is described" \
	"$(jq -r '.paths["/v1/session"] | keys | join(",")' <<<"$body")" \
	delete,get,post
equals "as public" "$(jq -c '.paths["/v1/session"].post.security' <<<"$body")" '[]'

# --- the throttle per client address, from 127.0.0.3 (user names vary,
# so ismsd's own per-user throttle stays out of it)
for i in $(seq 10); do
	signin "nobody$i" 'not the password at all' --interface 127.0.0.3
	[ "$status" = 401 ] || bad "failure $i: $status"
done
signin alice "$pw_alice2" --interface 127.0.0.3
equals "the 11th sign-in from that address: 429" "$status" 429
equals "RESOURCE_EXHAUSTED" "$(jq -r .code <<<"$body")" RESOURCE_EXHAUSTED
case "$(sed -n 's/^Retry-After: //p' <<<"$hdrs")" in
[1-9]*) ok ;; *) bad "no Retry-After: $hdrs" ;;
esac
signin alice "$pw_alice2"
equals "the user still signs in from another address" "$status" 200
has "the gateway logged it" "$(cat gw.log)" "failures from 127.0.0.3"

cli_done http_session
