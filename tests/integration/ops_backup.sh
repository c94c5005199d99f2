#!/usr/bin/env bash
# ops_backup.sh: "ismsctl backup" and "ismsd --restore" end to end. A
# writer keeps putting records while a slow reader takes the backup; the
# backup restored into a fresh dir serves, in a second ismsd, every record
# and every revision the source held at the backup's journal seq, the same
# journal up to it and the same head; a non-admin is refused; a truncated
# or corrupted file, and a non-empty dir, are refused by --restore and
# leave nothing behind. Usage: ops_backup.sh BUILD
set -u
build=$(realpath "$1")
# shellcheck source=cli_lib.sh
. "$(dirname "$0")/cli_lib.sh"
cli_workdir ops_backup
cli_checks re
start_tcp
ismsd="$build/bin/ismsd"

# --- data: users, a token for an editor, records big enough (about 4 MB)
# that the stream takes a while, links, and changes
expect 0 user add alice --role viewer
expect 0 user add bob --role editor
expect 0 token create bob
cut -d' ' -f2 <<<"$out" >bob.tok
as_bob=(--endpoint "tcp://127.0.0.1:$port" --insecure --token-file bob.tok)
big=$(head -c 60000 /dev/zero | tr '\0' 'x')
for i in $(seq 1 30); do
	"$ctl" asset add title="asset $i" owner=alice description="$big$i" \
		>/dev/null || bad "asset $i"
done
expect 0 risk add title=MarkerRiskTitle owner=alice likelihood=2 impact=3
expect 0 risk set RSK-0001 likelihood=4
expect 0 link RSK-0001 affects AST-0001

# --- a non-admin is refused, and leaves no file
expect 1 "${as_bob[@]}" backup denied.mdb
has "refused as PERMISSION_DENIED" 'PERMISSION_DENIED' "$err"
if ls -A | grep -q denied; then bad "a refused backup left a file"; else ok; fi

# --- the backup under concurrent writes: the writer runs until told to
# stop, and the reader takes 64 KiB per 20 ms
writer() {
	local i=0
	while [ ! -e stop ]; do
		i=$((i + 1))
		"$ctl" risk add title="w$i" owner=alice >/dev/null 2>&1
		"$ctl" risk set RSK-0001 description="d$i" >/dev/null 2>&1
		# Renamed into place: a reader never sees it half written.
		echo "$i" >written.tmp && mv written.tmp written
	done
}
writer &
wpid=$!
for _ in $(seq 200); do [ -s written ] && break; sleep 0.02; done
before=$(cat written)
"$ctl" -o json backup - 2>summary.json | python3 -c '
import sys, time
while True:
    b = sys.stdin.buffer.read(65536)
    if not b:
        break
    sys.stdout.buffer.write(b)
    time.sleep(0.02)
' >backup.mdb
equals "backup exit" "${PIPESTATUS[0]}" 0
after=$(cat written)
touch stop
wait "$wpid"
if [ "$after" -gt "$before" ]; then ok; else
	bad "no write landed while the backup streamed ($before, $after)"
fi
seq=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["head_seq"])' <summary.json)
hash=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["head_hash"])' <summary.json)
size=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["size"])' <summary.json)
equals "the summary's size is the file's" "$(stat -c %s backup.mdb)" "$size"
if [ "$size" -gt 3000000 ]; then ok; else bad "backup only $size bytes"; fi
expect 0 journal head
src_head=${out%%:*}
if [ "$src_head" -gt "$seq" ]; then ok; else
	bad "the source did not move on past the backup's seq $seq"
fi
# The source's chain passes through the backup's head.
expect 0 journal verify --head "$seq:$hash"

# --- a client that goes away mid-stream: the copy is cut short, ismsd
# goes on serving, and the next backup (to FILE, below) is whole
"$ctl" backup - 2>cut.err | head -c 100000 >/dev/null
has "the client says why it stopped" 'write' "$(cat cut.err)"
expect 0 status

# --- a backup to FILE: renamed into place, mode 0600
expect 0 backup file.mdb
has "FILE summary" "backup file.mdb: [0-9]+ bytes, sha256 [0-9a-f]{64}"
equals "the file is private" "$(stat -c %a file.mdb)" 600
if [ "$(stat -c %s file.mdb)" -gt "$size" ]; then ok; else
	bad "the backup after a cut one is short"
fi
if ls -A | grep -q partial; then bad "a temp file is left"; else ok; fi

# --- restore: refused into a non-empty dir, a truncated or corrupt file
mkdir full && touch full/x
run_ismsd() {
	out=$("$ismsd" "$@" 2>&1)
	rc=$?
}
run_ismsd --restore backup.mdb --data-dir full
equals "non-empty dir refused" "$rc" 1
has "says not empty" "full is not empty" "$out"
equals "the dir is as it was" "$(ls -A full)" x
head -c $((size / 2)) backup.mdb >half.mdb
run_ismsd --restore half.mdb --data-dir r-half
equals "truncated refused" "$rc" 1
has "says truncated" "half.mdb is truncated" "$out"
if [ -e r-half ]; then bad "a refused restore left its dir"; else ok; fi
cp backup.mdb bad.mdb
off=$(grep -obUa MarkerRiskTitle bad.mdb | head -1 | cut -d: -f1)
printf 'N' | dd of=bad.mdb bs=1 seek="$off" conv=notrunc status=none
run_ismsd --restore bad.mdb --data-dir r-bad
equals "corrupt refused" "$rc" 1
has "says what failed" "journal verify failed|corrupt" "$out"
if [ -e r-bad ]; then bad "a refused restore left its dir"; else ok; fi
run_ismsd --restore - --data-dir r-stdin <backup.mdb
equals "restore from stdin" "$rc" 0

# --- restore into a fresh dir, verified, then served by a second ismsd
run_ismsd --restore backup.mdb --data-dir restored
equals "restore" "$rc" 0
has "names the verified head" "head seq $seq hash $hash" "$out"
equals "only data.mdb" "$(ls -A restored)" data.mdb
"$ismsd" --data-dir restored --listen unix:restored.sock --foreground \
	2>>daemon2.log &
pid2=$!
r=(--endpoint unix:restored.sock)
for _ in $(seq 200); do "$ctl" "${r[@]}" status >/dev/null 2>&1 && break; sleep 0.05; done
expect 0 "${r[@]}" journal head
equals "the restored head is the backup's" "$out" "$seq:$hash"
expect 0 "${r[@]}" journal verify --deep
# The journal up to the backup's seq, entry by entry.
"$ctl" -o json journal --limit "$seq" >src-journal.json
"$ctl" "${r[@]}" -o json journal --limit "$((seq + 10))" >dst-journal.json
if cmp -s src-journal.json dst-journal.json; then ok; else
	bad "the journals differ up to seq $seq"
fi
# Every record and every revision, as the source has them at those revs.
if "$(dirname "$0")/ops_compare.py" "$ctl" "$ISMS_ENDPOINT" unix:restored.sock \
	risk asset >compare.txt; then ok; else
	bad "records differ: $(head -5 compare.txt)"
fi
tail -1 compare.txt
created=$(grep -cE '"type":"created","register":"(risk|asset)"' src-journal.json)
listed=$(( $("$ctl" "${r[@]}" -o json risk list --all | grep -c '"id"') + \
	$("$ctl" "${r[@]}" -o json asset list --all | grep -c '"id"') ))
equals "every record created by seq $seq is restored" "$listed" "$created"
expect 0 -o json user list
users=$out
expect 0 "${r[@]}" -o json user list
equals "the users" "$out" "$users"
kill "$pid2" && wait "$pid2"
stop
cli_done ops_backup
