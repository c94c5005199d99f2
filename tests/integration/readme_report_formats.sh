#!/usr/bin/env bash
# readme_report_formats.sh: runs the README's "Report formats" commands,
# verbatim, after the tour and the whole ISMS, against a real ismsd, and
# reads what they wrote: the page's SoA rows, the workbook with openpyxl,
# the PDF with pdftotext.
# Usage: readme_report_formats.sh README BUILD_DIR
. "$(dirname "$0")/readme_lib.sh"
export ISMS_ENDPOINT=unix:var/ismsd.sock
dump=$(realpath "$(dirname "$0")")/xlsx_dump.py

quiet tour
quiet isms
run report-formats all_zero

check "soa.html: 93 SoA rows" test "$(sed -n \
	'/<table class="data" id="table-soa"/,/<\/table>/p' soa.html |
	grep -c '^<tr><td')" -eq 93
check "soa.html: the document control" grep -q 'id="document-control"' \
	soa.html
check "gap.html: bars" grep -q '<table class="bars">' gap.html
check "risks.xlsx: the register sheet, frozen and filtered" grep -Eq \
	'^sheet register rows=[0-9]+ cols=15 freeze=A2 filter=A1:O[0-9]+$' \
	<(/usr/bin/python3 "$dump" risks.xlsx 2)
check "soa.pdf is a PDF" test "$(head -c 5 soa.pdf)" = "%PDF-"
check "soa.pdf: its title" grep -q 'Statement of Applicability' \
	<(pdftotext soa.pdf -)

finish
