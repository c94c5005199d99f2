/*
 * import_read.c: CSV (common/csv.c) and JSON lines (common/jsonl.c) into
 * one table shape, so the mapping never knows which it came from.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "import_read.h"
#include "jsonl.h"
#include "xmalloc.h"

/* Frees the cells of row r. */
static void
free_cells(struct import_trow *r, size_t ncols)
{
	size_t j;

	for (j = 0; j < ncols; j++)
		free(r->cell[j]);
	free(r->cell);
	r->cell = NULL;
}

/* Whether every cell of r is blank (a spreadsheet's trailing ",,,"). */
static bool
row_blank(const struct import_trow *r, size_t ncols)
{
	size_t j;

	for (j = 0; j < ncols; j++)
		if (r->cell[j][strspn(r->cell[j], " \t\r\n")] != '\0')
			return false;
	return true;
}

/* The table of a parsed CSV: its first record is the header. */
static int
table_csv(const char *text, size_t len, struct import_table *t,
          struct isms_err *err)
{
	struct csv c;
	size_t i, j;
	int rc;

	if ((rc = csv_parse_auto(text, len, &c, err)) != 0) {
		csv_free(&c);
		return rc;
	}
	if (c.n == 0) {
		csv_free(&c);
		return isms_err_set(
		    err, ISMS_EINVAL,
		    "line 1: no header row (the file is empty)");
	}
	t->ncols = c.row[0].n;
	t->header = c.row[0].field;
	c.row[0].field = NULL;
	c.row[0].n = 0;
	t->row = xcalloc(c.n, sizeof *t->row);
	for (i = 1; i < c.n && rc == 0; i++) {
		struct import_trow *r = &t->row[t->nrows++];

		r->line = c.row[i].line;
		r->cell = xcalloc(t->ncols > 0 ? t->ncols : 1, sizeof *r->cell);
		for (j = 0; j < c.row[i].n || j < t->ncols; j++) {
			if (j < t->ncols)
				r->cell[j] = xstrdup(
				    j < c.row[i].n ? c.row[i].field[j] : "");
			else if (c.row[i].field[j][0] != '\0')
				rc = isms_err_set(
				    err, ISMS_EINVAL,
				    "line %u: %zu cells, but the header names "
				    "%zu columns",
				    r->line, c.row[i].n, t->ncols);
		}
		if (rc == 0 && row_blank(r, t->ncols)) {
			free_cells(r, t->ncols);
			t->nrows--;
		}
	}
	csv_free(&c);
	return rc;
}

/* The column called path, added when new. */
static size_t
table_col(struct import_table *t, const char *path)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		if (strcmp(t->header[i], path) == 0)
			return i;
	t->header = xreallocarray(t->header, t->ncols + 1, sizeof *t->header);
	t->header[t->ncols] = xstrdup(path);
	return t->ncols++;
}

/* Adds one object's pairs as a row of t->ncols cells. */
static void
table_add_obj(struct import_table *t, const struct jsonl_obj *o, unsigned line)
{
	struct import_trow *r = &t->row[t->nrows++];
	size_t i, c;
	char *s;

	r->line = line;
	r->cell = xcalloc(t->ncols > 0 ? t->ncols : 1, sizeof *r->cell);
	for (i = 0; i < o->n; i++) {
		c = table_col(t, o->pair[i].path);
		if (r->cell[c] == NULL)
			s = xstrdup(o->pair[i].text);
		else
			s = xasprintf("%s\n%s", r->cell[c], o->pair[i].text);
		free(r->cell[c]);
		r->cell[c] = s;
	}
	for (c = 0; c < t->ncols; c++)
		if (r->cell[c] == NULL)
			r->cell[c] = xstrdup("");
}

/* The table of JSON lines: a first pass finds the columns, a second
 * fills the rows. Blank lines are skipped. */
static int
table_jsonl(const char *text, size_t len, struct import_table *t,
            struct isms_err *err)
{
	struct jsonl_obj *objs = NULL;
	unsigned *lines = NULL, line = 1;
	const char *p = text, *end = text + len, *nl;
	size_t n = 0, i, k;
	int rc = 0;

	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	for (; p < end && rc == 0; p = nl + 1, line++) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (strspn(p, " \t\r") >= (size_t)(nl - p))
			continue;
		objs = xreallocarray(objs, n + 1, sizeof *objs);
		lines = xreallocarray(lines, n + 1, sizeof *lines);
		lines[n] = line;
		if ((rc = jsonl_parse(p, (size_t)(nl - p), &objs[n++], err)) !=
		    0) {
			char why[sizeof err->msg];

			memcpy(why, err->msg, sizeof why);
			isms_err_set(err, ISMS_EINVAL, "line %u: %s", line,
			             why);
		}
	}
	for (i = 0; i < n && rc == 0; i++)
		for (k = 0; k < objs[i].n; k++)
			table_col(t, objs[i].pair[k].path);
	if (rc == 0)
		t->row = xcalloc(n > 0 ? n : 1, sizeof *t->row);
	for (i = 0; i < n && rc == 0; i++)
		table_add_obj(t, &objs[i], lines[i]);
	for (i = 0; i < n; i++)
		jsonl_obj_free(&objs[i]);
	free(objs);
	free(lines);
	return rc;
}

int
import_table_read(const char *text, size_t len, enum import_format fmt,
                  struct import_table *t, struct isms_err *err)
{
	memset(t, 0, sizeof *t);
	t->lines_only = fmt == IMPORT_JSONL;
	return fmt == IMPORT_JSONL ? table_jsonl(text, len, t, err)
	                           : table_csv(text, len, t, err);
}

void
import_table_free(struct import_table *t)
{
	size_t i;

	for (i = 0; i < t->nrows; i++) {
		if (t->row[i].cell != NULL)
			free_cells(&t->row[i], t->ncols);
	}
	for (i = 0; i < t->ncols; i++)
		free(t->header[i]);
	free(t->header);
	free(t->row);
	memset(t, 0, sizeof *t);
}
