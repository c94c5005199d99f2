/*
 * report_html.c: a report as one self-contained HTML5 file (report_html.h).
 *
 * Everything the page needs is in it: the style sheet inline, heat maps as
 * inline SVG, bars as SVG inside a table; the Content-Security-Policy meta
 * forbids any fetch, so a file that looks right offline is right. Every
 * string from the report goes through report_html_text. Colour is never
 * the only carrier: cells keep their text, heat-map cells their counts.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "report_html.h"
#include "report_style.h"
#include "timefmt.h"

/* Heat-map cells, in SVG user units. */
#define HM_LEFT   64
#define HM_TOP    8
#define HM_CELLW  60
#define HM_CELLH  40
#define HM_BOTTOM 40
#define HM_MAXN   20 /* a larger scale is drawn as a table only */

static const char html_css[] =
    ":root{color-scheme:light}\n"
    "*{box-sizing:border-box}\n"
    "body{font-family:system-ui,\"Segoe UI\",Roboto,\"Noto Sans\",Arial,"
    "sans-serif;color:#1a1a1a;background:#fff;margin:2rem auto;"
    "max-width:80rem;padding:0 1rem;line-height:1.4;font-size:15px}\n"
    "h1{font-size:1.6rem;margin:0 0 .75rem}\n"
    "h2{font-size:1.25rem;margin:2rem 0 .5rem;color:#1f3a5f;"
    "border-bottom:2px solid #1f3a5f;padding-bottom:.2rem}\n"
    "a{color:#1f3a5f}\n"
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;"
    "clip:rect(0 0 0 0);white-space:nowrap}\n"
    "table{border-collapse:collapse;margin:.5rem 0 1rem}\n"
    "th,td{border:1px solid #b0b0b0;padding:.25rem .5rem;text-align:left;"
    "vertical-align:top}\n"
    "thead th{background:#1f3a5f;color:#fff}\n"
    "table.data{width:100%;font-size:.85rem}\n"
    "table.data tbody tr:nth-child(even){background:#f4f6f9}\n"
    "caption{text-align:left;font-weight:600;padding:.25rem 0}\n"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    "table.data td:first-child{white-space:nowrap}\n"
    "td.t-bad{font-weight:600}\n"
    "table.doc th{background:#eef2f7;color:#1a1a1a;width:13rem}\n"
    ".hash{font-family:ui-monospace,\"DejaVu Sans Mono\",monospace;"
    "word-break:break-all}\n"
    ".heatmaps{display:flex;flex-wrap:wrap;gap:2rem;align-items:flex-start}\n"
    "figure{margin:0 0 1rem}\n"
    "figcaption{font-weight:600;margin-bottom:.25rem}\n"
    ".legend{list-style:none;padding:0;margin:.25rem 0;display:flex;"
    "flex-wrap:wrap;gap:1rem;font-size:.85rem}\n"
    ".swatch{width:.9em;height:.9em;vertical-align:-.1em;margin-right:.3em}\n"
    "table.bars{min-width:60%}\n"
    "table.bars td.bar{width:60%;min-width:10rem}\n"
    "table.bars svg{display:block;width:100%;height:.9rem}\n"
    "@page{size:A4;margin:15mm 12mm 18mm}\n"
    "@media print{\n"
    "html,body,*{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    "body{margin:0;max-width:none;padding:0;font-size:9.5pt}\n"
    "main>section{break-before:page}\n"
    "main>section:first-child{break-before:auto}\n"
    "thead{display:table-header-group}\n"
    "tr,figure,table.doc{break-inside:avoid}\n"
    "h1,h2{break-after:avoid}\n"
    "a{color:inherit;text-decoration:none}\n"
    "}\n";

static const char *const html_tone_class[] = {
    [RTONE_NONE] = NULL,   [RTONE_GOOD] = "t-good",   [RTONE_WARN] = "t-warn",
    [RTONE_BAD] = "t-bad", [RTONE_MUTED] = "t-muted",
};

/* The tone's index into html_tone_class, RTONE_NONE when out of range. */
static unsigned
html_tone(enum rtone t)
{
	return (unsigned)t <= RTONE_MUTED ? (unsigned)t : RTONE_NONE;
}

/* Writes one byte of text, escaped. */
static void
html_byte(FILE *out, unsigned char c)
{
	switch (c) {
	case '&':
		fputs("&amp;", out);
		break;
	case '<':
		fputs("&lt;", out);
		break;
	case '>':
		fputs("&gt;", out);
		break;
	case '"':
		fputs("&quot;", out);
		break;
	case '\'':
		fputs("&#39;", out);
		break;
	case '\t':
	case '\n':
	case '\r':
		fputc(c, out);
		break;
	default:
		/* C0 controls and DEL are not allowed in HTML text. */
		if (c < 0x20 || c == 0x7f)
			fputs("&#xFFFD;", out);
		else
			fputc(c, out);
	}
}

void
report_html_text(FILE *out, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)(s ? s : ""); *p; p++)
		html_byte(out, *p);
}

/* Writes s as the body of a CSS string: quotes, backslashes, '<' escaped. */
static void
html_css_string(FILE *out, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\' ||
		    *p == '<' || *p == '>' || *p == '&')
			fprintf(out, "\\%x ",
			        *p < 0x20 || *p == 0x7f ? 0x20 : *p);
		else
			fputc(*p, out);
	}
}

/* Writes a paragraph text: blank lines part paragraphs, a newline breaks. */
static void
html_paragraphs(FILE *out, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;

	fputs("<p>", out);
	for (; *p; p++) {
		if (*p != '\n') {
			html_byte(out, *p);
		} else if (p[1] == '\n') {
			while (p[1] == '\n')
				p++;
			if (p[1])
				fputs("</p>\n<p>", out);
		} else if (p[1]) {
			fputs("<br>\n", out);
		}
	}
	fputs("</p>\n", out);
}

/* The tone classes' colours, from the colours the renderers share. */
static void
html_tone_css(FILE *out)
{
	const struct rstyle *c;
	unsigned t;

	for (t = RTONE_GOOD; t <= RTONE_MUTED; t++) {
		c = rstyle_tone((enum rtone)t);
		fprintf(out, "td.%s{background:#%06x;color:#%06x}\n",
		        html_tone_class[t], (unsigned)c->fill,
		        (unsigned)c->ink);
	}
}

/* Writes the <head>: title, the no-fetch policy, the style sheet. */
static void
html_head(FILE *out, const struct report *r)
{
	const struct report_header *h = &r->h;

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	      "<meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\""
	      "default-src 'none'; style-src 'unsafe-inline'\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, "
	      "initial-scale=1\">\n"
	      "<meta name=\"generator\" content=\"ismsctl\">\n<title>",
	      out);
	report_html_text(out, h->report);
	if (h->organisation && *h->organisation) {
		fputs(" \xe2\x80\x94 ", out);
		report_html_text(out, h->organisation);
	}
	fputs("</title>\n<style>\n", out);
	fputs(html_css, out);
	html_tone_css(out);
	/* The footer of every printed page names the document and its seq. */
	fprintf(out, "@page{@bottom-left{content:\"");
	html_css_string(out, h->report);
	fprintf(out,
	        " \\b7  seq %" PRIu64 "\";font-size:8pt;color:#404040}"
	        "@bottom-right{content:\"Page \" counter(page) \" of \" "
	        "counter(pages);font-size:8pt;color:#404040}}\n",
	        h->seq);
	fputs("</style>\n</head>\n", out);
}

/* One row of the document-control table; "—" for a missing value. */
static void
html_doc_row(FILE *out, const char *name, const char *value, bool mono)
{
	fprintf(out, "<tr><th scope=\"row\">%s</th><td%s>", name,
	        mono ? " class=\"hash\"" : "");
	if (value && *value)
		report_html_text(out, value);
	else
		fputs("\xe2\x80\x94", out);
	fputs("</td></tr>\n", out);
}

/* Writes the title and the document-control header as a table. */
static void
html_doc_header(FILE *out, const struct report *r)
{
	const struct report_header *h = &r->h;
	char at[TIMEFMT_INSTANT_LEN], seq[32];

	timefmt_instant(h->generated_at, at, sizeof at);
	snprintf(seq, sizeof seq, "%" PRIu64, h->seq);
	fputs("<header>\n<h1>", out);
	report_html_text(out, h->report);
	fputs("</h1>\n<table class=\"doc\" id=\"document-control\">\n"
	      "<caption class=\"sr\">Document control</caption>\n<tbody>\n",
	      out);
	html_doc_row(out, "Report", h->report, false);
	html_doc_row(out, "Kind", h->kind, false);
	html_doc_row(out, "Organisation", h->organisation, false);
	html_doc_row(out, "Scope", h->scope, false);
	html_doc_row(out, "Generated at", h->generated_at ? at : NULL, false);
	html_doc_row(out, "Generated by", h->generated_by, false);
	html_doc_row(out, "As of", h->as_of ? h->as_of : "current data", false);
	html_doc_row(out, "Journal seq", seq, false);
	html_doc_row(out, "Head hash", h->head_hash, true);
	html_doc_row(out, "Server", h->server, false);
	fputs("</tbody>\n</table>\n</header>\n", out);
}

/* A table of contents when there is more than one section. */
static void
html_contents(FILE *out, const struct report *r)
{
	size_t i;

	if (r->n < 2)
		return;
	fputs("<nav aria-label=\"Contents\">\n<ol>\n", out);
	for (i = 0; i < r->n; i++) {
		fputs("<li><a href=\"#sec-", out);
		report_html_text(out, r->sec[i].id);
		fputs("\">", out);
		report_html_text(out, r->sec[i].title);
		fputs("</a></li>\n", out);
	}
	fputs("</ol>\n</nav>\n", out);
}

/* Whether a cell holds a date or an instant a <time> element can carry. */
static bool
html_is_time(const struct rcell *c)
{
	int64_t t;

	if (c->type == RCELL_DATE)
		return timefmt_date_valid(c->text);
	return c->type == RCELL_TIME && strchr(c->text, 'T') &&
	       timefmt_parse_instant(c->text, &t) == 0;
}

/* Writes one cell of a data table with its tone and type. */
static void
html_cell(FILE *out, const struct rcell *c)
{
	const char *tone = html_tone_class[html_tone(c->tone)];
	bool num = c->type == RCELL_NUMBER;

	fputs("<td", out);
	if (tone || num)
		fprintf(out, " class=\"%s%s%s\"", num ? "num" : "",
		        num && tone ? " " : "", tone ? tone : "");
	fputs(">", out);
	if (html_is_time(c)) {
		fputs("<time datetime=\"", out);
		report_html_text(out, c->text);
		fputs("\">", out);
		report_html_text(out, c->text);
		fputs("</time>", out);
	} else {
		report_html_text(out, c->text);
	}
	fputs("</td>", out);
}

/* Writes a section's table: header row with scope, one <tr> per row. */
static void
html_table(FILE *out, const struct rsection *s)
{
	const struct rtable *t = s->table;
	size_t i, j;

	fputs("<table class=\"data\" id=\"table-", out);
	report_html_text(out, s->id);
	fputs("\" aria-labelledby=\"h-", out);
	report_html_text(out, s->id);
	fputs("\">\n<thead><tr>", out);
	for (j = 0; j < t->ncols; j++) {
		fputs("<th scope=\"col\">", out);
		report_html_text(out, t->cols[j]);
		fputs("</th>", out);
	}
	fputs("</tr></thead>\n<tbody>\n", out);
	for (i = 0; i < t->nrows; i++) {
		fputs("<tr>", out);
		for (j = 0; j < t->ncols; j++)
			html_cell(out, &t->cells[i * t->ncols + j]);
		fputs("</tr>\n", out);
	}
	fputs("</tbody>\n</table>\n", out);
}

/* The colours of a level name as "#rrggbb" (report_style.h). */
static void
html_level_colours(const char *level, char fill[8], char ink[8])
{
	const struct rstyle *c = rstyle_level(level);

	snprintf(fill, 8, "#%06x", (unsigned)c->fill & 0xFFFFFF);
	snprintf(ink, 8, "#%06x", (unsigned)c->ink & 0xFFFFFF);
}

/* The level name of a heat-map cell, "" when the map has none. */
static const char *
html_heat_level(const struct rheat *hm, unsigned i)
{
	return hm->level && hm->level[i] ? hm->level[i] : "";
}

/* The heat map's cells: likelihood rows from the top, impact columns. */
static void
html_heat_cells(FILE *out, const struct rheat *hm)
{
	char fill[8], ink[8];
	const char *lv;
	unsigned lik, imp, i, x, y;

	for (lik = hm->nlik; lik >= 1; lik--) {
		y = HM_TOP + (hm->nlik - lik) * HM_CELLH;
		fprintf(
		    out,
		    "<text x=\"%u\" y=\"%u\" text-anchor=\"end\">%u</text>\n",
		    HM_LEFT - 8, y + HM_CELLH / 2 + 5, lik);
		for (imp = 1; imp <= hm->nimp; imp++) {
			i = (lik - 1) * hm->nimp + (imp - 1);
			x = HM_LEFT + (imp - 1) * HM_CELLW;
			lv = html_heat_level(hm, i);
			html_level_colours(lv, fill, ink);
			fprintf(out, "<g><title>likelihood %u, impact %u: %u (",
			        lik, imp, hm->count ? hm->count[i] : 0);
			report_html_text(out, lv);
			fprintf(out,
			        ")</title><rect x=\"%u\" y=\"%u\" width=\"%u\" "
			        "height=\"%u\" fill=\"%s\" stroke=\"#ffffff\" "
			        "stroke-width=\"2\"/>",
			        x, y, HM_CELLW, HM_CELLH, fill);
			if (hm->count && hm->count[i])
				fprintf(out,
				        "<text x=\"%u\" y=\"%u\" fill=\"%s\" "
				        "text-anchor=\"middle\" "
				        "font-weight=\"700\">%u</text>",
				        x + HM_CELLW / 2, y + HM_CELLH / 2 + 5,
				        ink, hm->count[i]);
			fputs("</g>\n", out);
		}
	}
	y = HM_TOP + hm->nlik * HM_CELLH + 16;
	for (imp = 1; imp <= hm->nimp; imp++)
		fprintf(out,
		        "<text x=\"%u\" y=\"%u\" "
		        "text-anchor=\"middle\">%u</text>\n",
		        HM_LEFT + (imp - 1) * HM_CELLW + HM_CELLW / 2, y, imp);
}

/* The legend: each level name of the map once, with its colour. */
static void
html_heat_legend(FILE *out, const struct rheat *hm)
{
	char fill[8], ink[8];
	const char *lv;
	unsigned i, j;

	fputs("<ul class=\"legend\">", out);
	for (i = 0; i < hm->nlik * hm->nimp; i++) {
		lv = html_heat_level(hm, i);
		for (j = 0; j < i; j++)
			if (strcmp(html_heat_level(hm, j), lv) == 0)
				break;
		if (j < i || !*lv)
			continue;
		html_level_colours(lv, fill, ink);
		fprintf(out,
		        "<li><svg class=\"swatch\" viewBox=\"0 0 10 10\" "
		        "aria-hidden=\"true\"><rect width=\"10\" height=\"10\" "
		        "fill=\"%s\" stroke=\"#555555\"/></svg>",
		        fill);
		report_html_text(out, lv);
		fputs("</li>", out);
	}
	fputs("</ul>\n", out);
}

/* One heat map as a figure with an inline SVG grid and its legend. */
static void
html_heat(FILE *out, const struct rsection *s, const struct rheat *hm,
          unsigned which)
{
	unsigned w, h, total = 0, i;

	if (hm->nlik == 0 || hm->nimp == 0 || hm->nlik > HM_MAXN ||
	    hm->nimp > HM_MAXN)
		return;
	for (i = 0; hm->count && i < hm->nlik * hm->nimp; i++)
		total += hm->count[i];
	w = HM_LEFT + hm->nimp * HM_CELLW + 8;
	h = HM_TOP + hm->nlik * HM_CELLH + HM_BOTTOM;
	fputs("<figure class=\"heat\">\n<figcaption>", out);
	report_html_text(out, hm->title);
	fprintf(out, " (%u)</figcaption>\n", total);
	fputs("<svg role=\"img\" aria-labelledby=\"hm-", out);
	report_html_text(out, s->id);
	fprintf(
	    out,
	    "-%u\" viewBox=\"0 0 %u %u\" width=\"%u\" height=\"%u\" "
	    "font-family=\"sans-serif\" font-size=\"14\" fill=\"#1a1a1a\">\n"
	    "<title id=\"hm-",
	    which, w, h, w, h);
	report_html_text(out, s->id);
	fprintf(out, "-%u\">", which);
	report_html_text(out, hm->title);
	fprintf(out,
	        ": %u risks by likelihood (rows, %u at the top) and impact "
	        "(columns)</title>\n",
	        total, hm->nlik);
	html_heat_cells(out, hm);
	fprintf(out,
	        "<text x=\"14\" y=\"%u\" text-anchor=\"middle\" "
	        "transform=\"rotate(-90 14 %u)\">Likelihood</text>\n"
	        "<text x=\"%u\" y=\"%u\" text-anchor=\"middle\">Impact</text>\n"
	        "</svg>\n",
	        HM_TOP + hm->nlik * HM_CELLH / 2,
	        HM_TOP + hm->nlik * HM_CELLH / 2,
	        HM_LEFT + hm->nimp * HM_CELLW / 2, h - 6);
	html_heat_legend(out, hm);
	fputs("</figure>\n", out);
}

/* Bars as a table: label, an SVG bar of value/max, the figures. */
static void
html_bars(FILE *out, const struct rsection *s)
{
	const struct rbars *b = s->bars;
	double pct;
	size_t i;

	fputs("<table class=\"bars\">\n<caption>", out);
	report_html_text(out, b->title ? b->title : s->title);
	fputs("</caption>\n<thead><tr><th scope=\"col\">Item</th>"
	      "<th scope=\"col\">Share</th><th scope=\"col\">Value</th></tr>"
	      "</thead>\n<tbody>\n",
	      out);
	for (i = 0; i < b->n; i++) {
		const struct rbar *bar = &b->bar[i];

		pct = bar->max > 0 ? 100.0 * bar->value / bar->max : 0;
		if (pct < 0)
			pct = 0;
		if (pct > 100)
			pct = 100;
		fputs("<tr><th scope=\"row\">", out);
		report_html_text(out, bar->label);
		fprintf(
		    out,
		    "</th><td class=\"bar\"><svg aria-hidden=\"true\" "
		    "preserveAspectRatio=\"none\" viewBox=\"0 0 100 10\">"
		    "<rect width=\"100\" height=\"10\" fill=\"#e3e7ed\"/>"
		    "<rect width=\"%.2f\" height=\"10\" fill=\"#%06x\"/></svg>"
		    "</td><td class=\"num\">%g / %g (%.0f%%)</td></tr>\n",
		    pct, (unsigned)rstyle_bar(bar->tone), bar->value, bar->max,
		    pct);
	}
	fputs("</tbody>\n</table>\n", out);
}

/* One section: heading, paragraph, heat maps, bars, table. */
static void
html_section(FILE *out, const struct rsection *s)
{
	fputs("<section id=\"sec-", out);
	report_html_text(out, s->id);
	fputs("\">\n<h2 id=\"h-", out);
	report_html_text(out, s->id);
	fputs("\">", out);
	report_html_text(out, s->title);
	fputs("</h2>\n", out);
	if (s->text && *s->text)
		html_paragraphs(out, s->text);
	if (s->heat[0] || s->heat[1]) {
		fputs("<div class=\"heatmaps\">\n", out);
		if (s->heat[0])
			html_heat(out, s, s->heat[0], 0);
		if (s->heat[1])
			html_heat(out, s, s->heat[1], 1);
		fputs("</div>\n", out);
	}
	if (s->bars && s->bars->n)
		html_bars(out, s);
	if (s->table)
		html_table(out, s);
	fputs("</section>\n", out);
}

int
report_render_html(FILE *out, const struct report *r, char *err, size_t errlen)
{
	size_t i;

	html_head(out, r);
	fputs("<body>\n", out);
	html_doc_header(out, r);
	html_contents(out, r);
	fputs("<main>\n", out);
	for (i = 0; i < r->n; i++)
		html_section(out, &r->sec[i]);
	fputs("</main>\n</body>\n</html>\n", out);
	if (fflush(out) != 0 || ferror(out)) {
		snprintf(err, errlen, "html: write error");
		return -1;
	}
	return 0;
}
