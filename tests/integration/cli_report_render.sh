#!/usr/bin/env bash
# cli_report_render.sh: "ismsctl report" as HTML, PDF and XLSX against a
# real ismsd with known data, each read back by a program that is not
# ours: the HTML's DOM as headless Chromium builds it (--dump-dom), the
# PDF's text by pdftotext, the workbook by openpyxl. Also the PDF's
# failures: no Chromium, a Chromium that fails, one that hangs (killed
# with its children after ISMS_CHROMIUM_TIMEOUT). Two Chromium runs in all,
# so the script stays short.
# Usage: cli_report_render.sh BUILD_DIR
set -u
build=$(realpath "$1")
src=$(realpath "$(dirname "$0")")
# shellcheck source=cli_lib.sh
. "$src/cli_lib.sh"
cli_workdir cli_report_render
cli_checks re
start

chromium=$(command -v chromium) || {
	bad "chromium is not installed: run scripts/install-deps.sh"
	# The risk register: heat maps in the page, typed cells in the workbook.
expect 0 risk add title="Laptop theft" owner=alice likelihood=3 impact=4
expect 0 risk add title="Phishing, 'CEO' fraud & co" owner=bob likelihood=5 \
	impact=2
expect 0 report risks -o html --output risks.html
equals "two heat maps" "$(grep -c '<svg role="img"' risks.html)" 2
has "a heat-map cell" 'likelihood 3, impact 4: 1 \(' "$(cat risks.html)"
expect 0 report risks -o xlsx --output risks.xlsx
x=$(/usr/bin/python3 "$src/xlsx_dump.py" risks.xlsx)
equals "risks sheets" "$(grep '^sheet' <<<"$x" | cut -d' ' -f2 | tr '\n' ' ')" \
	"About heatmap levels register "
has "register: frozen, filtered" \
	'^sheet register rows=3 cols=15 freeze=A2 filter=A1:O3$' "$x"
has "likelihood is a number" '^cell register!E2 n 3$' "$x"
has "score is a number" '^cell register!G3 n 10$' "$x"
has "next review is a date" \
	'^cell register!O2 d [0-9]{4}-[0-9]{2}-[0-9]{2}T00:00:00$' "$x"
has "heat map grid" '^cell heatmap!A1 s,bold ' "$x"
has "text with commas and quotes" \
	"^cell register!B3 s \"Phishing, 'CEO' fraud & co\"$" "$x"

# Binary formats are not written to a terminal.
out=$(script -qec "$ctl report soa -o xlsx" /dev/null)
equals "xlsx to a terminal: exit" "$?" 2
has "xlsx to a terminal" 'xlsx is binary: give a FILE or a pipe' "$out"
out=$(script -qec "$ctl report soa --pdf -" /dev/null)
has "a PDF to a terminal" 'PDF is binary: give a FILE or a pipe' "$out"

cli_done cli_report_render
	exit 1
}

# dom FILE EXPR: evaluates EXPR on the DOM Chromium builds from FILE: rows(id)
# counts the body rows of table id, cells(id, col) lists a column's texts,
# doc(name) is a document-control value, count(tag) counts elements.
dom() {
	"$chromium" --headless --no-sandbox --disable-gpu --no-first-run \
		--single-process --no-zygote \
		--disable-extensions --user-data-dir="$work/chromium-profile" \
		--dump-dom "file://$work/$1" 2>chromium.log >dom.html ||
		bad "chromium --dump-dom $1: $(tail -3 chromium.log)"
}
domq() {
	/usr/bin/python3 -c 'import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(s):
        super().__init__(); s.stack=[]; s.tables={}; s.tags={}; s.cell=None
        s.docrow=None; s.doc={}; s.title=""; s.intitle=False
    def handle_starttag(s, tag, attrs):
        a=dict(attrs); s.tags[tag]=s.tags.get(tag,0)+1
        if tag=="table": s.stack.append([a.get("id"), False, []])
        if tag=="title": s.intitle=True
        if s.stack and tag=="tbody": s.stack[-1][1]=True
        if s.stack and s.stack[-1][1] and tag=="tr": s.stack[-1][2].append([])
        if tag in ("td","th"): s.cell=[tag,a.get("class") or "",a.get("scope"),""]
    def handle_endtag(s, tag):
        if tag=="title": s.intitle=False
        if tag in ("td","th") and s.cell and s.stack:
            t=s.stack[-1]
            if t[0]=="document-control":
                if s.cell[0]=="th": s.docrow=s.cell[3]
                else: s.doc[s.docrow]=s.cell[3]
            elif t[1] and t[2]: t[2][-1].append((s.cell[1],s.cell[3]))
            elif s.cell[0]=="th": s.tables.setdefault(str(t[0])+":head",[]).append(s.cell)
            s.cell=None
        if tag=="table" and s.stack:
            t=s.stack.pop(); s.tables[t[0]]=t[2]
    def handle_data(s, d):
        if s.cell: s.cell[3]+=d
        if s.intitle: s.title+=d
p=P(); p.feed(open("dom.html").read())
rows=lambda i: len(p.tables[i])
cells=lambda i,c: [r[c] for r in p.tables[i]]
heads=lambda i: [h[3] for h in p.tables[i+":head"] if h[2]=="col"]
doc=lambda n: p.doc.get(n)
count=lambda t: p.tags.get(t,0)
print(eval(sys.argv[1]))' "$1"
}

expect 0 user add alice --role viewer
expect 0 user add bob --role viewer
expect 0 control set A.5.1 applicable=yes status=implemented owner=alice \
	justification='<script>alert(1)</script> & "quoted"' \
	evidence="POL-1 v2" last_tested_on=2026-11-01
expect 0 control set A.8.5 applicable=yes status=partial owner=bob \
	justification="Rolled out to staff first"
expect 0 control set A.7.4 applicable=no justification="No premises"
head=$("$ctl" journal head)
seq=${head%%:*}

# --- HTML: one self-contained page; Chromium's DOM has the 93 SoA rows.
expect 0 report soa -o html --output soa.html
equals "--output leaves stdout empty" "$out" ""
hasnt "nothing fetched" '<script|<link|<img|src=|url\(' "$(cat soa.html)"
has "escaped in the file" '&lt;script&gt;alert\(1\)&lt;/script&gt; &amp;' \
	"$(cat soa.html)"
dom soa.html
equals "93 SoA rows in the DOM" "$(domq 'rows("table-soa")')" 93
equals "column headers with scope" "$(domq 'len(heads("table-soa"))')" 10
equals "no script element" "$(domq 'count("script")')" 0
equals "the title" "$(domq 'p.title')" "Statement of Applicability"
equals "header: journal seq" "$(domq 'doc("Journal seq")')" "$seq"
equals "header: head hash" "$(domq 'doc("Head hash")')" "${head#*:}"
equals "header: generated by" "$(domq 'doc("Generated by")')" root
equals "A.5.1's justification as text" \
	"$(domq '[r[4][1] for r in p.tables["table-soa"] if r[0][1]=="A.5.1"][0]')" \
	'<script>alert(1)</script> & "quoted"'
equals "status colours" \
	"$(domq 'sorted(set(r[5][0]+"="+r[5][1] for r in p.tables["table-soa"] if r[0][1] in ("A.5.1","A.8.5")))')" \
	"['t-good=implemented', 't-warn=partial']"

# --- PDF: the same page printed; pdftotext reads it back.
expect 0 report soa --pdf soa.pdf
equals "--pdf leaves stdout empty" "$out" ""
equals "a PDF" "$(head -c 5 soa.pdf)" "%PDF-"
text=$(pdftotext soa.pdf - | tr -s '\n ' '  ')
has "pdf: the report title" 'Statement of Applicability' "$text"
has "pdf: the journal seq" "Journal seq $seq " "$text"
has "pdf: the page footer" "seq $seq Page 1 of [0-9]+" "$text"
has "pdf: a control title" 'Policies for information security' "$text"
has "pdf: a control further down" 'A\.8\.34 Penetration|Protection of information systems during audit testing' "$text"

# --- PDF failures: a clear error, no file left, a hung Chromium killed.
expect 1 report soa --pdf missing.pdf --chromium /nonexistent/chromium
has "named chromium missing" 'chromium /nonexistent/chromium not found' "$err"
[ -e missing.pdf ] && bad "a failed --pdf left missing.pdf" || ok
out=$(PATH=/nonexistent "$ctl" report soa --pdf missing.pdf 2>&1)
equals "no chromium on PATH: exit" "$?" 1
has "no chromium on PATH" 'chromium not found on PATH: install it' "$out"
printf '#!/bin/sh\necho "boom: cannot open display" >&2\nexit 3\n' >fail.sh
chmod +x fail.sh
expect 1 report soa --pdf failed.pdf --chromium ./fail.sh
has "a failing chromium" 'failed \(exit 3\): boom: cannot open display' "$err"
printf '#!/bin/sh\nsleep 300 &\necho $! >child.pid\nwait\n' >hang.sh
chmod +x hang.sh
t0=$(date +%s)
ISMS_CHROMIUM=./hang.sh ISMS_CHROMIUM_TIMEOUT=1 run report soa --pdf hung.pdf
equals "a hung chromium: exit" "$rc" 1
has "a hung chromium" 'did not finish within 1 s and was killed' "$err"
[ $(($(date +%s) - t0)) -lt 15 ] && ok || bad "the timeout took too long"
# Its child, in its process group, is killed too (gone or a zombie).
child=$(cat child.pid)
for _ in $(seq 100); do
	st=$(awk '{print $3}' "/proc/$child/stat" 2>/dev/null)
	[ -z "$st" ] || [ "$st" = Z ] && break
	sleep 0.05
done
[ -z "$st" ] || [ "$st" = Z ] && ok || bad "chromium's child $child still runs"
expect 2 report soa --pdf a.pdf --output b.pdf

# --- XLSX: openpyxl reads typed cells, frozen headers, filters.
expect 0 report soa -o xlsx --output soa.xlsx
x=$(/usr/bin/python3 "$src/xlsx_dump.py" soa.xlsx 10)
equals "sheets" "$(grep '^sheet' <<<"$x" | cut -d' ' -f2 | tr '\n' ' ')" \
	"About summary applicability soa "
has "soa sheet: 93 rows, frozen, filtered" \
	'^sheet soa rows=94 cols=10 freeze=A2 filter=A1:J94$' "$x"
has "bold header" "^cell soa!A1 s,bold 'ID'$" "$x"
has "a date cell is a date" '^cell soa!J2 d 2026-11-01T00:00:00$' "$x"
has "a number cell is a number" '^cell summary!B2 n 1$' "$x"
has "text stays text" "^cell soa!E2 s '<script>alert\(1\)</script> & \"quoted\"'$" "$x"
has "about: the seq" "^cell About!B8 n $seq$" "$x"
equals "xlsx to a pipe" "$("$ctl" report soa -o xlsx 2>/dev/null | head -c 4 | od -An -c | tr -d ' ')" \
	'PK003004'

# The risk register: heat maps in the page, typed cells in the workbook.
expect 0 risk add title="Laptop theft" owner=alice likelihood=3 impact=4
expect 0 risk add title="Phishing, 'CEO' fraud & co" owner=bob likelihood=5 \
	impact=2
expect 0 report risks -o html --output risks.html
equals "two heat maps" "$(grep -c '<svg role="img"' risks.html)" 2
has "a heat-map cell" 'likelihood 3, impact 4: 1 \(' "$(cat risks.html)"
expect 0 report risks -o xlsx --output risks.xlsx
x=$(/usr/bin/python3 "$src/xlsx_dump.py" risks.xlsx)
equals "risks sheets" "$(grep '^sheet' <<<"$x" | cut -d' ' -f2 | tr '\n' ' ')" \
	"About heatmap levels register "
has "register: frozen, filtered" \
	'^sheet register rows=3 cols=15 freeze=A2 filter=A1:O3$' "$x"
has "likelihood is a number" '^cell register!E2 n 3$' "$x"
has "score is a number" '^cell register!G3 n 10$' "$x"
has "next review is a date" \
	'^cell register!O2 d [0-9]{4}-[0-9]{2}-[0-9]{2}T00:00:00$' "$x"
has "heat map grid" '^cell heatmap!A1 s,bold ' "$x"
has "text with commas and quotes" \
	"^cell register!B3 s \"Phishing, 'CEO' fraud & co\"$" "$x"

# Binary formats are not written to a terminal.
out=$(script -qec "$ctl report soa -o xlsx" /dev/null)
equals "xlsx to a terminal: exit" "$?" 2
has "xlsx to a terminal" 'xlsx is binary: give a FILE or a pipe' "$out"
out=$(script -qec "$ctl report soa --pdf -" /dev/null)
has "a PDF to a terminal" 'PDF is binary: give a FILE or a pipe' "$out"

cli_done cli_report_render
