/*
 * report.h: a report as a document, apart from how it is drawn.
 *
 * The report builders (soa, risks, treatment, gap, review, audits,
 * incidents) fill a struct report from one snapshot of the store; the
 * renderers (Markdown, CSV, JSON, HTML, XLSX; PDF prints the HTML) draw
 * any report without knowing which one it is. A report is a document
 * control header and a list of sections; a section holds a paragraph, a
 * table, a heat map or a set of bars, in any combination.
 *
 * Every string is owned by the report (report_free frees it all). Cells
 * keep their text for the text renderers and, where it has one, a typed
 * value for the spreadsheet (numbers as numbers, dates as dates).
 */
#ifndef ISMS_REPORT_H
#define ISMS_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What a cell holds, for renderers that type their cells (XLSX, JSON). */
enum rcell_type {
	RCELL_TEXT,
	RCELL_NUMBER, /* num holds it; text is its printed form */
	RCELL_DATE,   /* text is YYYY-MM-DD */
	RCELL_TIME,   /* num holds Unix seconds; text is its ISO form */
};

/* How a cell should look where colour is drawn (HTML, XLSX). */
enum rtone {
	RTONE_NONE,
	RTONE_GOOD, /* done, implemented, accepted */
	RTONE_WARN, /* in progress, due soon */
	RTONE_BAD,  /* overdue, open nonconformity, not implemented */
	RTONE_MUTED,
};

struct rcell {
	enum rcell_type type;
	char *text; /* never NULL: "" for an empty cell */
	double num;
	enum rtone tone;
};

struct rtable {
	size_t ncols;
	char **cols;            /* column titles */
	enum rcell_type *types; /* each column's type */
	size_t nrows;
	struct rcell *cells; /* nrows * ncols, row by row */
	size_t cap;          /* rows allocated */
};

/* A likelihood x impact grid of counts (ISO 27005 style heat map). */
struct rheat {
	char *title;         /* "Inherent risk", "Residual risk" */
	unsigned nlik, nimp; /* the method's scale sizes */
	unsigned *count;     /* [(lik - 1) * nimp + (imp - 1)] */
	char **level;        /* the method's level name per cell, same
	                            layout ("low", "high"), for the colour */
};

/* Labelled values out of a maximum: gap per clause, progress. */
struct rbar {
	char *label;
	double value, max;
	enum rtone tone;
};

struct rbars {
	char *title;
	size_t n;
	struct rbar *bar;
};

struct rsection {
	char *id; /* a stable slug: "soa", "inputs-9.3.2-c" (sheet names) */
	char *title;
	char *text;            /* a paragraph, or NULL */
	struct rtable *table;  /* each may be NULL */
	struct rheat *heat[2]; /* inherent, residual */
	struct rbars *bars;
};

/* The document control header every report carries. */
struct report_header {
	char *report; /* "Statement of Applicability" */
	char *kind;   /* "soa": the command's name */
	char *organisation;
	char *scope;
	int64_t generated_at; /* Unix seconds */
	char *generated_by;   /* the authenticated user */
	uint64_t seq;         /* journal seq the snapshot was drawn at */
	char *head_hash;      /* hex of that entry's hash */
	char *as_of;          /* YYYY-MM-DD, or NULL for now */
	char *server;         /* server version and instance id */
};

struct report {
	struct report_header h;
	size_t n;
	struct rsection *sec;
};

struct report *report_new(const char *kind, const char *title);
void report_free(struct report *);

/* Appends a section and returns it (id and title copied). */
struct rsection *report_section(struct report *, const char *id,
                                const char *title);

/* A table of ncols columns with these titles and types, on sec. */
struct rtable *report_table(struct rsection *sec, size_t ncols,
                            const char *const *cols,
                            const enum rcell_type *types);

/* Appends a row and returns its ncols cells, set to empty text. */
struct rcell *report_row(struct rtable *);

/*
 * A renderer draws a report onto out: 0, or -1 with a message in err (a
 * missing Chromium, a write error). Formats that need a file of their own
 * (XLSX, PDF) write it to a temporary file and copy it onto out. The
 * renderers are rows of a table of {name, fn} in the report command.
 */
typedef int (*report_render_fn)(FILE *out, const struct report *, char *err,
                                size_t errlen);

/* Sets a cell's text (copied) / number (printed with %g) / tone. */
void rcell_text(struct rcell *, const char *s);
void rcell_num(struct rcell *, double v);

#endif
