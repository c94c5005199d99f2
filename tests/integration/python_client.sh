#!/bin/sh
# python_client.sh: the Python client (contrib/python) against a real
# ismsd, with Debian's /usr/bin/python3 and python3-protobuf, and the
# isms_pb2.py that protoc generated into BUILD_DIR/python. Skipped (77)
# only when one of those is missing; scripts/install-deps.sh installs
# them. Usage: python_client.sh SOURCE_DIR BUILD_DIR
set -u
src=$(realpath "$1")
build=$(realpath "$2")
py=/usr/bin/python3

if [ ! -x "$py" ]; then
	echo "SKIP: no $py (scripts/install-deps.sh installs python3)"
	exit 77
fi
if ! "$py" -c 'import google.protobuf' 2>/dev/null; then
	echo "SKIP: $py has no protobuf module" \
		"(scripts/install-deps.sh installs python3-protobuf)"
	exit 77
fi
if [ ! -f "$build/python/isms_pb2.py" ]; then
	echo "SKIP: no $build/python/isms_pb2.py: protoc was missing at" \
		"configure time (scripts/install-deps.sh installs protobuf-compiler)"
	exit 77
fi
PYTHONPATH="$build/python" PYTHONDONTWRITEBYTECODE=1 \
	exec "$py" "$src/tests/integration/python_client_test.py" "$src" "$build"
