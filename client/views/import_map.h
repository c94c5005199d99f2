/*
 * import_map.h: how the columns of a file a user imports become field
 * words of a register ("Next review on" → next_review_on, "Likelihood" →
 * risk.likelihood), and a row of cells the words, id and links of one
 * record. Nothing here talks to the daemon.
 *
 * A header maps to a field when, lower-cased with blanks, '-' and '/' as
 * '_', it is a field a client may set in the register (body fields with or
 * without the register's name in front), "id", "next_review_on", or a
 * relation the register's records may have (a link column: targets
 * separated by ';'). --map 'Col=FIELD,Col2=-' names the others ('-' drops
 * a column); a column left unmapped is an error naming it. --scale
 * FIELD='Low=1,Medium=3' turns words into numbers, case-insensitively.
 *
 * Cells are trimmed; an empty cell sets nothing. A list of values (tags)
 * is split at ';' and line ends ("\;" is a ';' in a value), a list of
 * records (scope exclusions) at line ends, each line one element as on
 * the command line; link targets at ';' and line ends.
 */
#ifndef ISMS_IMPORT_MAP_H
#define ISMS_IMPORT_MAP_H

#include <stdbool.h>
#include <stddef.h>

#include "errcode.h"
#include "proto/isms.pb-c.h"

enum import_col_kind {
	IMPORT_COL_UNMAPPED,
	IMPORT_COL_DROP,        /* --map 'Col=-' */
	IMPORT_COL_FIELD,       /* a field word: path=value */
	IMPORT_COL_ID,          /* the record's id (kept on create) */
	IMPORT_COL_NEXT_REVIEW, /* next_review_on, a date the source knew */
	IMPORT_COL_LINK,        /* links of relation path */
};

/* Words a field takes: "Low=1,Medium=3,High=5" for risk.likelihood. */
struct import_scale {
	char *path; /* "risk.likelihood" */
	char **word;
	char **num;
	size_t n;
};

struct import_col {
	char *header; /* as in the file */
	enum import_col_kind kind;
	char *path; /* FIELD: the word's name from Record; LINK: the rel */
	bool list;  /* FIELD: a list of values: split at ';' */
	bool elems; /* FIELD: a list of records: split at line ends */
	const struct import_scale *scale; /* or NULL */
};

struct import_map {
	const ProtobufCFieldDescriptor *reg;
	char *const *derived; /* borrowed, during import_map_build */
	size_t nderived;
	struct import_col *col;
	size_t n;
	struct import_scale *scale;
	size_t nscale;
};

/* "Next review on" → "next_review_on", malloc'ed. */
char *import_header_norm(const char *header);

/*
 * Maps headers (n of them) of register reg, whose derived body fields
 * (nderived, from the server's Describe) never take a column, with the
 * --map spec (may be NULL), the --scale specs and the --key column (may be NULL: its column
 * then goes to external_ref). 0, or -ISMS_EINVAL with err naming every
 * column left unmapped (or the bad spec). Free m with import_map_free,
 * also on error.
 */
int import_map_build(struct import_map *m, const ProtobufCFieldDescriptor *reg,
                     char *const *derived, size_t nderived,
                     char *const *headers, size_t n, const char *map,
                     char *const *scales, size_t nscales, const char *key,
                     struct isms_err *err);

void import_map_free(struct import_map *m);

/* One link of a row. */
struct import_link {
	char *rel;
	char *target;
};

/* What one row of cells says of its record. */
struct import_row {
	char **words;     /* "risk.likelihood=3": ctl_fields_parse's words */
	size_t *word_col; /* the column of each word */
	size_t nwords;
	char *id;          /* or NULL */
	char *next_review; /* or NULL */
	struct import_link *link;
	size_t *link_col;
	size_t nlinks;
};

/*
 * The row of cells (ncells, a missing cell is empty) under m into out;
 * lines_only: the values of a list are one a line, never split at ';'
 * (JSON lines, whose arrays hold the values as they are)
 * (freed with import_row_free, also on error). On a value no scale knows,
 * -ISMS_EINVAL with err the reason and *bad_col its column.
 */
int import_row_build(const struct import_map *m, char *const *cells,
                     size_t ncells, bool lines_only, struct import_row *out,
                     size_t *bad_col, struct isms_err *err);

void import_row_free(struct import_row *);

#endif
