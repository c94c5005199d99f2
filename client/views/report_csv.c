/*
 * report_csv.c: a report as CSV: the document control first, then one
 * table per section, each labelled by a "section,ID,TITLE" row and
 * separated by an empty line. Cells are defused against spreadsheet
 * formulas (ctl_out_csv_cell).
 */
#include <stdlib.h>

#include "output.h"
#include "report_text.h"
#include "xmalloc.h"

static void
csv_label(FILE *f, const struct rsection *s, const char *part)
{
	const char *l[3] = {"section", s->id, s->title};
	char *id = NULL;

	if (part != NULL) {
		id = xasprintf("%s.%s", s->id, part);
		l[1] = id;
	}
	ctl_out_csv_row(f, l, 3);
	free(id);
}

static void
csv_table(FILE *f, const struct rtable *t)
{
	const char **cells = xcalloc(t->ncols, sizeof *cells);
	size_t i, j;

	ctl_out_csv_row(f, (const char *const *)t->cols, t->ncols);
	for (i = 0; i < t->nrows; i++) {
		for (j = 0; j < t->ncols; j++)
			cells[j] = t->cells[i * t->ncols + j].text;
		ctl_out_csv_row(f, cells, t->ncols);
	}
	free(cells);
	fputs("\r\n", f);
}

/* A heat map as rows: likelihood, impact, count, level. */
static void
csv_heat(FILE *f, const struct rsection *s, const struct rheat *h,
         const char *part)
{
	static const char *const cols[] = {"likelihood", "impact", "count",
	                                   "level"};
	char a[16], b[16], c[16];
	const char *cells[4] = {a, b, c, NULL};
	unsigned l, i, k;

	csv_label(f, s, part);
	ctl_out_csv_row(f, cols, 4);
	for (l = 1; l <= h->nlik; l++)
		for (i = 1; i <= h->nimp; i++) {
			k = (l - 1) * h->nimp + (i - 1);
			snprintf(a, sizeof a, "%u", l);
			snprintf(b, sizeof b, "%u", i);
			snprintf(c, sizeof c, "%u", h->count[k]);
			cells[3] = h->level && h->level[k] ? h->level[k] : "";
			ctl_out_csv_row(f, cells, 4);
		}
	fputs("\r\n", f);
}

static void
csv_bars(FILE *f, const struct rsection *s, const struct rbars *b)
{
	static const char *const cols[] = {"label", "value", "max"};
	char v[32], m[32];
	const char *cells[3] = {NULL, v, m};
	size_t i;

	csv_label(f, s, "bars");
	ctl_out_csv_row(f, cols, 3);
	for (i = 0; i < b->n; i++) {
		cells[0] = b->bar[i].label;
		snprintf(v, sizeof v, "%g", b->bar[i].value);
		snprintf(m, sizeof m, "%g", b->bar[i].max);
		ctl_out_csv_row(f, cells, 3);
	}
	fputs("\r\n", f);
}

int
report_render_csv(FILE *f, const struct report *r, char *err, size_t errlen)
{
	static const char *const hcols[] = {"field", "value"};
	static const char *const dc[] = {"section", "document-control",
	                                 "Document control"};
	const char *label[REPORT_HEADER_ROWS], *row[2];
	char *value[REPORT_HEADER_ROWS];
	size_t i;

	ctl_out_csv_row(f, dc, 3);
	ctl_out_csv_row(f, hcols, 2);
	report_header_rows(r, label, value);
	for (i = 0; i < REPORT_HEADER_ROWS; i++) {
		row[0] = label[i];
		row[1] = value[i];
		ctl_out_csv_row(f, row, 2);
		free(value[i]);
	}
	fputs("\r\n", f);
	for (i = 0; i < r->n; i++) {
		const struct rsection *s = &r->sec[i];

		if (s->heat[0] != NULL)
			csv_heat(f, s, s->heat[0], "inherent");
		if (s->heat[1] != NULL)
			csv_heat(f, s, s->heat[1], "residual");
		if (s->bars != NULL)
			csv_bars(f, s, s->bars);
		if (s->table != NULL) {
			csv_label(f, s, NULL);
			csv_table(f, s->table);
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "cannot write the report");
		return -1;
	}
	return 0;
}
