/*
 * import_puts.h: the rows of an imported file as Puts for one Batch, and
 * the messages naming file, line, column and value for whatever is wrong
 * with a row, found by the client or reported by the server.
 */
#ifndef ISMS_IMPORT_PUTS_H
#define ISMS_IMPORT_PUTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "import_map.h"
#include "import_read.h"
#include "proto/isms.pb-c.h"

/* Where a put came from (borrowed: the file's table and map outlive it). */
struct import_origin {
	const char *file;
	const struct import_map *map;
	const struct import_trow *row;
};

/* The puts of an import, each with its origin. */
struct import_puts {
	Isms__V1__Put **put;
	struct import_origin *from;
	size_t n;
	bool any_id; /* a put names its id: the batch keeps ids */
};

/* The messages of an import, in the order found. */
struct import_errs {
	char **msg;
	size_t n;
};

/*
 * Converts each row of t under m (file names it in messages) into a put
 * appended to out; a row that cannot be converted adds a message to errs
 * instead ("FILE:LINE: column "Col": value "v": reason").
 */
void import_puts_add(struct import_puts *out, struct import_errs *errs,
                     const char *file, const struct import_map *m,
                     const struct import_table *t);

/* Adds the message for the server's error on put index (field: a path
 * such as "risk.impact", or NULL). */
void import_errs_server(struct import_errs *errs, const struct import_puts *p,
                        uint32_t index, const char *field, const char *message);

/* Adds a message of its own. */
void import_errs_add(struct import_errs *errs, char *msg);

void import_puts_free(struct import_puts *);
void import_errs_free(struct import_errs *);

#endif
