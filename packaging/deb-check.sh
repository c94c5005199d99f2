#!/usr/bin/env bash
# deb-check.sh: checks a built ismsd .deb: its file list (dpkg-deb -c),
# Depends computed by dpkg-shlibdeps (dpkg-deb -f), maintainer scripts
# that create the users and enable only the socket, and lintian without
# errors (warnings are printed).
# Usage: deb-check.sh ismsd_VERSION_ARCH.deb
set -u
deb=$(realpath "$1")
work=$(mktemp -d /tmp/ismsd-debcheck-XXXXXX)
trap 'rm -rf "$work"' EXIT
fails=0
passes=0
ok() { passes=$((passes + 1)); }
bad() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's#^\./#/#' >"$work/files"
for f in /usr/sbin/ismsd /usr/sbin/ismsd-http /usr/bin/ismsctl \
	"/usr/lib/$multiarch/libismsclient.a" "/usr/lib/$multiarch/pkgconfig/ismsclient.pc" \
	/usr/include/ismsd/ismsclient.h /usr/include/ismsd/proto/isms.pb-c.h \
	/usr/share/ismsd/proto/isms.proto /usr/share/ismsd/catalog/iso27001-2022.csv \
	/usr/share/ismsd/www/index.html \
	/usr/share/ismsd/www/reglist.js \
	/lib/systemd/system/ismsd.socket /lib/systemd/system/ismsd.service \
	/lib/systemd/system/ismsd-http.service /lib/systemd/system/ismsd-remind.service \
	/lib/systemd/system/ismsd-remind.timer \
	/usr/lib/sysusers.d/ismsd.conf /usr/lib/tmpfiles.d/ismsd.conf \
	/etc/ismsd/ismsd.conf /etc/ismsd/ismsd-http.conf \
	/usr/share/man/man1/ismsctl.1.gz /usr/share/man/man5/ismsd.conf.5.gz \
	/usr/share/man/man7/ismsd-protocol.7.gz /usr/share/man/man8/ismsd.8.gz \
	/usr/share/man/man8/ismsd-http.8.gz /usr/share/doc/ismsd/copyright; do
	grep -qxF "$f" "$work/files" && ok || bad "the package lacks $f"
done

# Depends: computed from the binaries, not written by hand.
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for lib in libc6 libevent-core libevent-openssl liblmdb0 libssl3 \
	libprotobuf-c1 libinih1 libjansson4; do
	case "$depends" in *"$lib"*) ok ;; *) bad "Depends lacks $lib" ;; esac
done

# Maintainer scripts: users and the data dir at configure; only the
# socket enabled and started.
dpkg-deb -e "$deb" "$work/ctl"
post=$work/ctl/postinst
grep -q 'systemd-sysusers.*ismsd' "$post" && ok || bad "postinst runs no systemd-sysusers"
grep -q 'systemd-tmpfiles.*ismsd' "$post" && ok || bad "postinst runs no systemd-tmpfiles"
# dh enables at first install the units whose block says "was-enabled
# defaults to true", and starts those it invokes: the socket alone.
enabled=$(grep -A1 'was-enabled defaults to true' "$post" |
	grep -o "was-enabled '[^']*'" | sort -u | tr '\n' ' ')
equals() { if [ "$2" = "$3" ]; then ok; else bad "$1: got '$2', want '$3'"; fi; }
equals "units enabled at install" "$enabled" "was-enabled 'ismsd.socket' "
started=$(grep -o "deb-systemd-invoke [^ ]* '[^']*'" "$post" | sort -u | tr '\n' ' ')
equals "units started at install" "$started" "deb-systemd-invoke \$_dh_action 'ismsd.socket' "
grep -qx /etc/ismsd/ismsd.conf "$work/ctl/conffiles" && ok || bad "ismsd.conf is no conffile"

# lintian: no errors; warnings listed.
lintian --allow-root --tag-display-limit 0 "$deb" >"$work/lintian" 2>&1
if grep -q '^E:' "$work/lintian"; then bad "lintian errors:"; grep '^E:' "$work/lintian"; else ok; fi
grep '^W:' "$work/lintian" | sed 's/^/lintian /'
echo "deb-check: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
