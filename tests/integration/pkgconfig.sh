#!/usr/bin/env bash
# pkgconfig.sh: installs the build into a temp prefix, then compiles and
# links a small program against libismsclient through its pkg-config file.
# Usage: pkgconfig.sh BUILD_DIR
set -eu
build=$(realpath "$1")
prefix=$(mktemp -d /tmp/ismsd-prefix-XXXXXX)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
# The .pc names the prefix it was configured with; point it at ours.
sed -i "s|^prefix=.*|prefix=$prefix|" "$prefix/lib/pkgconfig/ismsclient.pc"
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
cat >"$prefix/t.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <ismsclient.h>

int
main(void)
{
	char path[108];
	struct isms_err err;

	if (isms_endpoint_unix_path("unix:///run/x.sock", path, sizeof path,
	    &err) != 0 || strcmp(path, "/run/x.sock") != 0)
		return 1;
	puts(path);
	return 0;
}
C
# A sanitizer build's libraries need the sanitizer runtime too.
san=
grep -q '^ISMS_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" &&
	san=-fsanitize=address,undefined
# shellcheck disable=SC2046
cc $san -o "$prefix/t" "$prefix/t.c" $(pkg-config --cflags --libs --static ismsclient)
out=$("$prefix/t")
[ "$out" = /run/x.sock ] && echo "1 passed, 0 failed"
