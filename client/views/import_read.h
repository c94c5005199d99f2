/*
 * import_read.h: a file a user imports as a table: its column names and
 * its rows of cells, each row with the line it starts on, from CSV (the
 * first record is the header; see csv.h for the separators) or JSON lines
 * (the columns are the field paths the objects use, in order of first
 * use; repeated values of one path are joined by line ends).
 */
#ifndef ISMS_IMPORT_READ_H
#define ISMS_IMPORT_READ_H

#include <stdbool.h>
#include <stddef.h>

#include "errcode.h"

struct import_trow {
	unsigned line;
	char **cell; /* one per column, "" when absent */
};

struct import_table {
	char **header;
	size_t ncols;
	struct import_trow *row;
	size_t nrows;
	bool lines_only; /* JSON lines: a cell's values are one a line */
};

enum import_format {
	IMPORT_CSV,
	IMPORT_JSONL,
};

/*
 * Reads len bytes of text in format into t (freed with import_table_free,
 * also after an error). 0, or -ISMS_EINVAL with err "line N: ..." (a row
 * with more cells than the header has names is one).
 */
int import_table_read(const char *text, size_t len, enum import_format,
                      struct import_table *t, struct isms_err *err);

void import_table_free(struct import_table *t);

#endif
