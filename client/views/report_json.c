/*
 * report_json.c: a report as one JSON document: the header's fields, then
 * the sections with their paragraph, table (numbers as numbers), heat
 * maps and bars.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>

#include "output.h"
#include "report_text.h"
#include "timefmt.h"

static void
json_kv(FILE *f, const char *k, const char *v, bool comma)
{
	ctl_out_json_string(f, k);
	fputc(':', f);
	if (v != NULL)
		ctl_out_json_string(f, v);
	else
		fputs("null", f);
	if (comma)
		fputc(',', f);
}

static void
json_cell(FILE *f, const struct rcell *c)
{
	if (c->type == RCELL_NUMBER && c->text[0] != '\0')
		fprintf(f, "%.17g", c->num);
	else
		ctl_out_json_string(f, c->text);
}

static void
json_table(FILE *f, const struct rtable *t)
{
	size_t i, j;

	fputs("\"table\":{\"columns\":[", f);
	for (j = 0; j < t->ncols; j++) {
		if (j > 0)
			fputc(',', f);
		ctl_out_json_string(f, t->cols[j]);
	}
	fputs("],\"rows\":[", f);
	for (i = 0; i < t->nrows; i++) {
		fputs(i > 0 ? ",[" : "[", f);
		for (j = 0; j < t->ncols; j++) {
			if (j > 0)
				fputc(',', f);
			json_cell(f, &t->cells[i * t->ncols + j]);
		}
		fputc(']', f);
	}
	fputs("]}", f);
}

/* counts and levels as arrays of rows, likelihood 1 first. */
static void
json_heat(FILE *f, const struct rheat *h)
{
	unsigned l, i, k;

	fputc('{', f);
	json_kv(f, "title", h->title, true);
	fprintf(f, "\"likelihood\":%u,\"impact\":%u,\"counts\":[", h->nlik,
	        h->nimp);
	for (l = 1; l <= h->nlik; l++) {
		fputs(l > 1 ? ",[" : "[", f);
		for (i = 1; i <= h->nimp; i++) {
			k = (l - 1) * h->nimp + (i - 1);
			fprintf(f, "%s%u", i > 1 ? "," : "", h->count[k]);
		}
		fputc(']', f);
	}
	fputs("],\"levels\":[", f);
	for (l = 1; l <= h->nlik; l++) {
		fputs(l > 1 ? ",[" : "[", f);
		for (i = 1; i <= h->nimp; i++) {
			k = (l - 1) * h->nimp + (i - 1);
			if (i > 1)
				fputc(',', f);
			ctl_out_json_string(
			    f, h->level && h->level[k] ? h->level[k] : "");
		}
		fputc(']', f);
	}
	fputs("]}", f);
}

static void
json_bars(FILE *f, const struct rbars *b)
{
	size_t i;

	fputs("\"bars\":{", f);
	json_kv(f, "title", b->title, true);
	fputs("\"bars\":[", f);
	for (i = 0; i < b->n; i++) {
		fputs(i > 0 ? ",{" : "{", f);
		json_kv(f, "label", b->bar[i].label, true);
		fprintf(f, "\"value\":%.17g,\"max\":%.17g}", b->bar[i].value,
		        b->bar[i].max);
	}
	fputs("]}", f);
}

static void
json_section(FILE *f, const struct rsection *s)
{
	fputc('{', f);
	json_kv(f, "id", s->id, true);
	json_kv(f, "title", s->title, true);
	json_kv(f, "text", s->text, false);
	if (s->table != NULL) {
		fputc(',', f);
		json_table(f, s->table);
	}
	if (s->heat[0] != NULL || s->heat[1] != NULL) {
		fputs(",\"heatmaps\":[", f);
		if (s->heat[0] != NULL)
			json_heat(f, s->heat[0]);
		if (s->heat[1] != NULL) {
			if (s->heat[0] != NULL)
				fputc(',', f);
			json_heat(f, s->heat[1]);
		}
		fputc(']', f);
	}
	if (s->bars != NULL) {
		fputc(',', f);
		json_bars(f, s->bars);
	}
	fputc('}', f);
}

int
report_render_json(FILE *f, const struct report *r, char *err, size_t errlen)
{
	char at[TIMEFMT_INSTANT_LEN];
	size_t i;

	timefmt_instant(r->h.generated_at, at, sizeof at);
	fputc('{', f);
	json_kv(f, "report", r->h.report, true);
	json_kv(f, "kind", r->h.kind, true);
	json_kv(f, "organisation", r->h.organisation, true);
	json_kv(f, "scope", r->h.scope, true);
	json_kv(f, "generated_at", at, true);
	json_kv(f, "generated_by", r->h.generated_by, true);
	fprintf(f, "\"journal_seq\":%" PRIu64 ",", r->h.seq);
	json_kv(f, "head_hash", r->h.head_hash, true);
	json_kv(f, "as_of", r->h.as_of, true);
	json_kv(f, "server", r->h.server, true);
	fputs("\"sections\":[", f);
	for (i = 0; i < r->n; i++) {
		if (i > 0)
			fputc(',', f);
		json_section(f, &r->sec[i]);
	}
	fputs("]}\n", f);
	if (ferror(f)) {
		snprintf(err, errlen, "cannot write the report");
		return -1;
	}
	return 0;
}
