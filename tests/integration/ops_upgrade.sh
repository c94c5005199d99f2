#!/usr/bin/env bash
# ops_upgrade.sh: this ismsd started on a data dir made by an older one
# (tests/fixtures/datadir-v1, see its NOTE): it migrates it in one
# transaction at start and logs what it did, every record, revision, user,
# token and the method read back as the older ismsd served them (its
# dump.json), the journal keeps its entries and verifies across the
# migration, the older head included, and a token of then still works. A
# data dir newer than this ismsd (its schema bumped with mdb_dump and
# mdb_load) is refused with a clear message and left byte for byte as it
# was. Works for any newer schema: it reads MIGRATE_SCHEMA from the
# source. Usage: ops_upgrade.sh BUILD
set -u
build=$(realpath "$1")
src=$(cd "$(dirname "$0")/../.." && pwd)
fixture="$src/tests/fixtures/datadir-v1"
# shellcheck source=cli_lib.sh
. "$(dirname "$0")/cli_lib.sh"
cli_workdir ops_upgrade
cli_checks re

old=$(sed -n 's/^schema=//p' "$fixture/NOTE")
new=$(sed -n 's/^#define MIGRATE_SCHEMA \([0-9]*\).*/\1/p' \
	"$src/daemon/engine/migrate.h")
[ -n "$old" ] && [ -n "$new" ] || bad "cannot read the schemas ($old, $new)"
echo "fixture schema $old, this ismsd's $new"
# copy_fixture DIR: the fixture's data dir, as its owner left it.
copy_fixture() {
	mkdir -p "$1"
	gunzip -c "$fixture/data.mdb.gz" >"$1/data.mdb"
	cp "$fixture/token.key" "$1/"
	chmod 700 "$1"
	chmod 600 "$1/data.mdb" "$1/token.key"
}

# --- the upgrade
rmdir var
copy_fixture var
start_tcp
if [ "$new" -gt "$old" ]; then
	has "the log says it migrates" \
		"data dir schema $old: migrating to schema $new in one transaction" \
		"$(cat daemon.log)"
	has "the log says it migrated" \
		"data dir migrated from schema $old to schema $new" \
		"$(cat daemon.log)"
else
	has "the log says the schema is current" "data dir schema $old: current" \
		"$(cat daemon.log)"
fi
expect 0 journal verify --deep
# The chain runs through the head the older ismsd left.
expect 0 journal verify --head "$(cat "$fixture/head.txt")"
python3 "$(dirname "$0")/ops_dump.py" "$ctl" "$ISMS_ENDPOINT" >dump.json ||
	bad "dump"
python3 - "$fixture/dump.json" dump.json >compare.txt <<'PY' || bad "$(head -20 compare.txt)"
import json, sys
was, now = (json.load(open(p)) for p in sys.argv[1:3])
bad = 0
def differ(what, a, b):
    global bad
    if a != b:
        bad += 1
        print(f"{what} differs:\n  was {json.dumps(a)[:300]}\n  now {json.dumps(b)[:300]}")
for rid, rec in was["records"].items():
    differ(rid, rec, now["records"].get(rid))
differ("the users", was["users"], now["users"])
differ("the tokens", was["tokens"], now["tokens"])
differ("the method", was["method"], now["method"])
n = len(was["journal"])
differ("the journal up to the old head", was["journal"], now["journal"][:n])
print(f"{len(was['records'])} records, {n} journal entries compared: {bad} differ")
sys.exit(1 if bad else 0)
PY
tail -1 compare.txt
expect 0 --endpoint "tcp://127.0.0.1:$port" --insecure \
	--token-file "$fixture/bob.tok" status
has "the old token still names bob" 'bob' "$out"
stop

# --- one schema back (the fixture restamped), the steps since run and
# are logged, and nothing they rebuild changes what is served
rm -rf var daemon.log
copy_fixture var
set_schema() { # DIR N: the data dir's meta "schema", with LMDB's tools
	mdb_dump -s meta "$1" >meta.txt
	python3 - "$2" meta.txt <<'PY'
import sys
want, path = int(sys.argv[1]), sys.argv[2]
lines = open(path).read().split("\n")
i = lines.index(" " + b"schema".hex())
lines[i + 1] = " %08x" % want
open(path, "w").write("\n".join(lines))
PY
	mdb_load -s meta -f meta.txt "$1"
	rm -f "$1/lock.mdb"
}
set_schema var $((old - 1))
start
log=$(cat daemon.log)
has "migrates from one schema back" \
	"data dir schema $((old - 1)): migrating to schema $new" "$log"
has "logs the step" "schema $old: " "$log"
has "and the end" "data dir migrated from schema $((old - 1)) to schema $new" "$log"
expect 0 journal verify --deep
expect 0 journal verify --head "$(cat "$fixture/head.txt")"
python3 "$(dirname "$0")/ops_dump.py" "$ctl" "$ISMS_ENDPOINT" >dump2.json ||
	bad "dump"
python3 - "$fixture/dump.json" dump2.json <<'PY' || bad "records differ after the steps"
import json, sys
was, now = (json.load(open(p)) for p in sys.argv[1:3])
sys.exit(0 if all(now["records"].get(k) == v for k, v in was["records"].items()) else 1)
PY
stop

# --- a data dir from a newer ismsd: refused, untouched
mkdir newer
copy_fixture newer/var
set_schema newer/var $((new + 1))
sums() { (cd newer/var && sha256sum data.mdb token.key && ls -A); }
before=$(sums)
mtime=$(stat -c %Y.%y newer/var/data.mdb)
"$build/bin/ismsd" --data-dir newer/var --listen unix:newer/s.sock \
	--foreground 2>newer.log
equals "a newer data dir stops ismsd" "$?" 1
has "the message says why" \
	"data dir has schema $((new + 1)), newer than this ismsd's $new" \
	"$(cat newer.log)"
after=$(sums)
after=$(grep -v -x -e lock.mdb -e ismsd.lock <<<"$after")
equals "the newer data dir is left byte for byte" "$after" "$before"
equals "and not even rewritten" "$(stat -c %Y.%y newer/var/data.mdb)" "$mtime"
cli_done ops_upgrade
