/*
 * csv.h: an RFC 4180 reader for the files people hand to the tools
 * (catalogs, imports).
 *
 * Fields are separated by commas, records end with CRLF or LF (a lone CR
 * counts as a line end too). A field in double quotes may hold commas,
 * line breaks and quotes written twice (""). A UTF-8 byte order mark at
 * the start is skipped, and so are empty lines. Errors name the line.
 */
#ifndef ISMS_CSV_H
#define ISMS_CSV_H

#include <stddef.h>

#include "errcode.h"

/* One record; its strings belong to the struct csv holding it. */
struct csv_row {
	char **field;
	size_t n;
	unsigned line; /* 1-based line on which the record starts */
};

struct csv {
	struct csv_row *row;
	size_t n;
};

/*
 * Parses len bytes of text into out (freed with csv_free, also after an
 * error). 0, or -ISMS_EINVAL with err saying "line N: what is wrong" (a
 * quote inside an unquoted field, text after a closing quote, a quoted
 * field never closed, a NUL byte).
 */
int csv_parse(const char *text, size_t len, struct csv *out,
              struct isms_err *err);

/*
 * The separator text says it uses: the one a first line "sep=;" names (as
 * Excel writes it; *skip is then past that line), ';' when the first line
 * holds ';' and no ',' outside quotes, else ','. *skip is past a byte
 * order mark in any case.
 */
char csv_detect_sep(const char *text, size_t len, size_t *skip);

/* csv_parse with the separator csv_detect_sep finds (lines are still
 * counted from the file's first, a "sep=" line included). */
int csv_parse_auto(const char *text, size_t len, struct csv *out,
                   struct isms_err *err);

/* Frees what csv_parse stored; the struct may be parsed into again. */
void csv_free(struct csv *);

#endif
