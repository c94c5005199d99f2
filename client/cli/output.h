/*
 * output.h: ismsctl's printers, driven by descriptors so that every
 * register prints without code of its own.
 *
 * table: for people ("field: value" lines, aligned columns); json: one
 * document per command, field names as in the .proto, enums by their
 * human names, instants ("*_at") as ISO 8601; csv: RFC 4180 with dotted
 * field paths in the header row and formula-injection guard.
 */
#ifndef ISMS_CTL_OUTPUT_H
#define ISMS_CTL_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "pbfield.h"
#include "proto/isms.pb-c.h"

enum ctl_format {
	CTL_FORMAT_TABLE,
	CTL_FORMAT_JSON,
	CTL_FORMAT_CSV,
};

/* Parses "table", "json" or "csv". 0 or -1. */
int ctl_format_parse(const char *s, enum ctl_format *out);

/* Every leaf path of the Record header and of register reg's body. */
struct ctl_cols {
	struct pb_path *path;
	size_t n;
};

/* Fills cols for register reg (NULL: header only). */
void ctl_cols_record(struct ctl_cols *cols,
                     const ProtobufCFieldDescriptor *reg);
void ctl_cols_free(struct ctl_cols *cols);

/*
 * The text of the value at path in root (instants as ISO 8601, enums by
 * name, list elements joined by sep, links as "rel → target", linked_from
 * as "rel ← source"). NULL when
 * absent; else malloc'ed.
 */
char *ctl_out_value(const ProtobufCMessage *root, const struct pb_path *path,
                    const char *sep);

/* The separator of path's elements: sep, but a newline (one element a
 * line) for a list of records other than links (scope exclusions). */
const char *ctl_out_sep(const struct pb_path *path, const char *sep);

/* Writes path's label for people: body fields without the register name. */
void ctl_out_label(const struct pb_path *path, char *buf, size_t len);

/* Number of code points in the UTF-8 text s: its width on a terminal. */
size_t ctl_out_width(const char *s);

/*
 * A copy of s safe for a terminal: control characters (escape sequences
 * included) become spaces, and at most max code points are kept ("…"
 * marks a cut). malloc'ed.
 */
char *ctl_out_clean(const char *s, size_t max);

/* Writes s to f made safe for a terminal (as ctl_out_clean). */
void ctl_out_text(FILE *, const char *s);

/*
 * Rows of cells (nrows x ncols, already clean) under titles, columns
 * aligned two spaces apart, no trailing blanks.
 */
void ctl_out_table(FILE *, const char *const *titles, size_t ncols,
                   char *const *cells, size_t nrows);

/* The column widths ctl_out_table would use (malloc'ed, ncols entries). */
size_t *ctl_out_table_widths(const char *const *titles, size_t ncols,
                             char *const *cells, size_t nrows);

/* One row of a table laid out with widths w. */
void ctl_out_table_row(FILE *, const char *const *cells, size_t ncols,
                       const size_t *w);

/* A record as aligned "field: value" lines, header first. */
void ctl_out_record_table(FILE *, const Isms__V1__Record *);

/*
 * Records as a table: ID, STATUS, OWNER, TITLE, then LEVEL and SCORE when
 * the body has them, REV, UPDATED.
 */
void ctl_out_list_table(FILE *, const ProtobufCFieldDescriptor *reg,
                        Isms__V1__Record *const *recs, size_t n);

/* Names of the fields that differ between two revisions ("title, impact"). */
char *ctl_out_changes(const Isms__V1__Record *prev,
                      const Isms__V1__Record *cur);

/* One line per revision: REV, UPDATED, BY, CHANGES ("created" for rev 1). */
void ctl_out_history_table(FILE *, Isms__V1__Record *const *revs, size_t n);

/* The server's Info as "name: value" lines and a table of counts. */
void ctl_out_info_table(FILE *, const Isms__V1__InfoResult *,
                        const Isms__V1__HelloResult *, const char *endpoint);

/* Any message as a JSON document (with a final newline). */
void ctl_out_json(FILE *, const ProtobufCMessage *);

/* Messages as one JSON array. */
void ctl_out_json_array(FILE *, const ProtobufCMessage *const *msgs, size_t n);

/* Writes s as a JSON string literal, quotes included. */
void ctl_out_json_string(FILE *, const char *s);

/* Records as CSV: a header row of dotted paths, then one row each. */
void ctl_out_csv_records(FILE *, const ProtobufCFieldDescriptor *reg,
                         Isms__V1__Record *const *recs, size_t n);

/* The register counts of an Info as CSV. */
void ctl_out_csv_info(FILE *, const Isms__V1__InfoResult *);

/* Bytes as base64 text, malloc'ed. */
char *ctl_out_base64(const uint8_t *data, size_t len);

/* Writes one CSV cell (quoted when needed, formulas defused). */
void ctl_out_csv_cell(FILE *, const char *s);

/* One CSV row of n cells (NULL is empty), each as ctl_out_csv_cell, CRLF. */
void ctl_out_csv_row(FILE *, const char *const *cells, size_t n);

/* A record's links in both directions as JSON, each spelled source,
 * rel, target: `ismsctl links ID -o json` (ctl_link.c). */
void ctl_links_print_json(FILE *f, const char *id,
                          const Isms__V1__LinksResult *r);

#endif
