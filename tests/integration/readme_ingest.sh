#!/usr/bin/env bash
# readme_ingest.sh: runs the README's "Incidents pushed by integrations"
# commands, verbatim, after the tour and the whole ISMS, against a real
# ismsd.
# Usage: readme_ingest.sh README BUILD_DIR
. "$(dirname "$0")/readme_lib.sh"
export ISMS_ENDPOINT=unix:var/ismsd.sock

quiet tour
quiet isms
run ingest all_zero

check "the first push creates INC-0002" grep -q '^created INC-0002 (rev 1)$' \
	"$(out 'severity=high link=')"
check "the second updates it" grep -q '^updated INC-0002 (rev 2, repeat 1)$' \
	"$(out 'severity=critical')"
check "resolved at the source: repeat 2" \
	grep -q '^updated INC-0002 (rev 4, repeat 2)$' "$(out 'state=resolved')"
check "the status people set stands" grep -Eq '^status: +triaged$' \
	"$(out 'incident get INC-0002')"
check "the source's resolution is recorded" grep -q '^source_resolved_at:' \
	"$(out 'incident get INC-0002')"
check "the source's severity" grep -Eq '^severity: +critical$' \
	"$(out 'incident get INC-0002')"
check "three ingest entries" bash -c \
	"[ \$(grep -c incident_ingested $(out 'journal --id INC-0002')) -eq 3 ]"
check "health says ok" grep -qx ok "$(out 'health')"

finish
