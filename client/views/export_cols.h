/*
 * export_cols.h: the columns of an export of one register, in exactly the
 * form import reads back: id, the header fields a client sets (with
 * next_review_on, which an import may give), the body fields that are not
 * derived (the server's Describe lists those, sign-offs included), then a
 * column per relation the register's records may have (targets joined by
 * ';'). Values are the command line's text: enums by name, instants as
 * ISO 8601, lists of values joined by ';' ("\;" inside a value), lists of
 * records one element a line.
 */
#ifndef ISMS_EXPORT_COLS_H
#define ISMS_EXPORT_COLS_H

#include <stdbool.h>
#include <stddef.h>

#include "pbfield.h"
#include "proto/isms.pb-c.h"

enum export_kind {
	EXPORT_SCALAR,
	EXPORT_LIST,  /* a list of values */
	EXPORT_ELEMS, /* a list of records */
	EXPORT_LINKS, /* links of one relation */
};

struct export_col {
	char *name; /* the header: "id", "risk.likelihood", "treated_by" */
	enum export_kind kind;
	struct pb_path path; /* not EXPORT_LINKS */
	const char *rel;     /* EXPORT_LINKS */
	bool number;         /* a JSON number (a non-enum numeric scalar) */
	bool boolean;        /* a JSON true / false */
};

struct export_cols {
	struct export_col *col;
	size_t n;
};

/* The columns of register reg; derived (n names) are body fields the
 * server writes. Free with export_cols_free. */
void export_cols_build(struct export_cols *c,
                       const ProtobufCFieldDescriptor *reg,
                       char *const *derived, size_t nderived);
void export_cols_free(struct export_cols *c);

/* The values of column col in rec (*n of them, each malloc'ed, in an
 * array the caller frees): none when absent. */
char **export_values(const struct export_col *col, const Isms__V1__Record *rec,
                     size_t *n);

/* The values as one cell: joined by ';' (with "\;" escapes) or line ends
 * as the column's kind says; malloc'ed. */
char *export_cell(const struct export_col *col, char *const *v, size_t n);

void export_values_free(char **v, size_t n);

#endif
