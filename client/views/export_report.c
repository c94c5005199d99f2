/*
 * export_report.c: export columns to a typed report table.
 */
#include <stdlib.h>
#include <string.h>

#include "export_report.h"
#include "fieldargs.h"
#include "timefmt.h"
#include "xmalloc.h"

/* The cell type of column c: dates are text fields named "*_on". */
static enum rcell_type
col_type(const struct export_col *c)
{
	const ProtobufCFieldDescriptor *leaf;
	size_t n;

	if (c->kind != EXPORT_SCALAR)
		return RCELL_TEXT;
	leaf = c->path.fd[c->path.n - 1];
	n = strlen(leaf->name);
	if (ctl_field_is_instant(leaf))
		return RCELL_TIME;
	if (c->number)
		return RCELL_NUMBER;
	if (leaf->type == PROTOBUF_C_TYPE_STRING && n > 3 &&
	    strcmp(leaf->name + n - 3, "_on") == 0)
		return RCELL_DATE;
	return RCELL_TEXT;
}

/* Fills one cell of type t from its text. */
static void
cell_fill(struct rcell *cell, enum rcell_type t, const char *text)
{
	int64_t at;

	rcell_text(cell, text);
	if (*text == '\0')
		return;
	if (t == RCELL_NUMBER) {
		cell->type = RCELL_NUMBER;
		cell->num = strtod(text, NULL);
	} else if (t == RCELL_TIME && timefmt_parse_instant(text, &at) == 0) {
		cell->type = RCELL_TIME;
		cell->num = (double)at;
	} else if (t == RCELL_DATE)
		cell->type = RCELL_DATE;
}

void
export_report_section(struct report *r, const ProtobufCFieldDescriptor *reg,
                      const struct export_cols *c,
                      Isms__V1__Record *const *recs, size_t n)
{
	struct rsection *sec = report_section(r, reg->name, reg->name);
	const char **titles = xcalloc(c->n, sizeof *titles);
	enum rcell_type *types = xcalloc(c->n, sizeof *types);
	struct rtable *t;
	struct rcell *row;
	char **v, *text;
	size_t i, k, nv;

	for (k = 0; k < c->n; k++) {
		titles[k] = c->col[k].name;
		types[k] = col_type(&c->col[k]);
	}
	t = report_table(sec, c->n, titles, types);
	for (i = 0; i < n; i++) {
		row = report_row(t);
		for (k = 0; k < c->n; k++) {
			v = export_values(&c->col[k], recs[i], &nv);
			text = export_cell(&c->col[k], v, nv);
			cell_fill(&row[k], types[k], text);
			free(text);
			export_values_free(v, nv);
		}
	}
	free(titles);
	free(types);
}
