/*
 * csv.c: RFC 4180 parsing, one pass over the text with a small state
 * machine; each field is built in a growing buffer.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv.h"
#include "xmalloc.h"

/* The parser's state between bytes. */
struct csv_parser {
	const char *p, *end;
	unsigned line; /* line of the byte at p */
	char sep;      /* ',' or ';' */
	struct csv *out;
	struct csv_row row; /* the record being built */
	char *buf;          /* the field being built */
	size_t len, cap;
};

/* Appends byte c to the field being built. */
static void
field_putc(struct csv_parser *cp, char c)
{
	if (cp->len + 1 >= cp->cap) {
		cp->cap = cp->cap == 0 ? 64 : cp->cap * 2;
		cp->buf = xrealloc(cp->buf, cp->cap);
	}
	cp->buf[cp->len++] = c;
}

/* Ends the field being built: it joins the current record. */
static void
field_end(struct csv_parser *cp)
{
	struct csv_row *r = &cp->row;

	r->field = xreallocarray(r->field, r->n + 1, sizeof *r->field);
	r->field[r->n++] = xstrndup(cp->buf != NULL ? cp->buf : "", cp->len);
	cp->len = 0;
}

/* Ends the current record: it joins the output. */
static void
row_end(struct csv_parser *cp)
{
	struct csv *out = cp->out;

	out->row = xreallocarray(out->row, out->n + 1, sizeof *out->row);
	out->row[out->n++] = cp->row;
	memset(&cp->row, 0, sizeof cp->row);
}

/*
 * If p is at a line end (LF, CRLF or a lone CR), consumes it, counts the
 * line and returns 1; else 0.
 */
static int
line_end(struct csv_parser *cp)
{
	if (cp->p < cp->end && *cp->p == '\n') {
		cp->p++;
	} else if (cp->p < cp->end && *cp->p == '\r') {
		cp->p++;
		if (cp->p < cp->end && *cp->p == '\n')
			cp->p++;
	} else
		return 0;
	cp->line++;
	return 1;
}

/* Reads a quoted field, p just past its opening quote. */
static int
field_quoted(struct csv_parser *cp, struct isms_err *err)
{
	unsigned opened = cp->line;

	for (;;) {
		if (cp->p == cp->end)
			return isms_err_set(err, ISMS_EINVAL,
			                    "line %u: quoted field not closed "
			                    "before the end of the file",
			                    opened);
		if (*cp->p == '"') {
			cp->p++;
			if (cp->p < cp->end && *cp->p == '"') {
				field_putc(cp, '"');
				cp->p++;
				continue;
			}
			break;
		}
		if (*cp->p == '\0')
			return isms_err_set(err, ISMS_EINVAL,
			                    "line %u: NUL byte", cp->line);
		if (*cp->p == '\n' ||
		    (*cp->p == '\r' &&
		     (cp->p + 1 == cp->end || cp->p[1] != '\n')))
			cp->line++;
		field_putc(cp, *cp->p++);
	}
	if (cp->p < cp->end && *cp->p != cp->sep && *cp->p != '\n' &&
	    *cp->p != '\r')
		return isms_err_set(
		    err, ISMS_EINVAL,
		    "line %u: unexpected '%c' after a closing "
		    "quote (a field is either all quoted or not "
		    "at all)",
		    cp->line, *cp->p);
	return 0;
}

/* Reads an unquoted field up to a comma, a line end or the end. */
static int
field_plain(struct csv_parser *cp, struct isms_err *err)
{
	while (cp->p < cp->end && *cp->p != cp->sep && *cp->p != '\n' &&
	       *cp->p != '\r') {
		if (*cp->p == '"')
			return isms_err_set(err, ISMS_EINVAL,
			                    "line %u: '\"' inside an unquoted "
			                    "field (quote the whole field and "
			                    "double the quote)",
			                    cp->line);
		if (*cp->p == '\0')
			return isms_err_set(err, ISMS_EINVAL,
			                    "line %u: NUL byte", cp->line);
		field_putc(cp, *cp->p++);
	}
	return 0;
}

/* Reads one record, p at its first byte (not a line end). */
static int
record_read(struct csv_parser *cp, struct isms_err *err)
{
	int rc;

	cp->row.line = cp->line;
	for (;;) {
		if (cp->p < cp->end && *cp->p == '"') {
			cp->p++;
			rc = field_quoted(cp, err);
		} else
			rc = field_plain(cp, err);
		if (rc != 0)
			return rc;
		field_end(cp);
		if (cp->p < cp->end && *cp->p == cp->sep) {
			cp->p++;
			continue;
		}
		line_end(cp);
		row_end(cp);
		return 0;
	}
}

/* Length of a UTF-8 byte order mark at the start of text, or 0. */
static size_t
bom_len(const char *text, size_t len)
{
	return len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
}

/* Parses the text record by record from byte skip, on line first. */
static int
parse_from(const char *text, size_t len, size_t skip, unsigned first, char sep,
           struct csv *out, struct isms_err *err)
{
	struct csv_parser cp;
	size_t i;
	int rc = 0;

	memset(out, 0, sizeof *out);
	memset(&cp, 0, sizeof cp);
	cp.p = text + skip;
	cp.end = text + len;
	cp.line = first;
	cp.sep = sep;
	cp.out = out;
	while (cp.p < cp.end && rc == 0) {
		if (line_end(&cp))
			continue; /* an empty line */
		rc = record_read(&cp, err);
	}
	for (i = 0; i < cp.row.n; i++)
		free(cp.row.field[i]);
	free(cp.row.field);
	free(cp.buf);
	return rc;
}

int
csv_parse(const char *text, size_t len, struct csv *out, struct isms_err *err)
{
	return parse_from(text, len, bom_len(text, len), 1, ',', out, err);
}

/*
 * Whether the first line (from p) has ';' and no ',' outside quotes: a
 * spreadsheet saved in a locale whose decimal mark is the comma.
 */
static bool
first_line_semicolons(const char *p, const char *end)
{
	bool quoted = false, semi = false;

	for (; p < end; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (quoted)
			continue;
		else if (*p == '\n' || *p == '\r')
			break;
		else if (*p == ',')
			return false;
		else if (*p == ';')
			semi = true;
	}
	return semi;
}

char
csv_detect_sep(const char *text, size_t len, size_t *skip)
{
	const char *p = text + bom_len(text, len), *end = text + len;

	*skip = (size_t)(p - text);
	if (end - p >= 5 && strncasecmp(p, "sep=", 4) == 0 &&
	    (p[4] == ';' || p[4] == ',' || p[4] == '\t') &&
	    (end - p == 5 || p[5] == '\n' || p[5] == '\r')) {
		char sep = p[4];

		p += 5;
		if (p < end && *p == '\r')
			p++;
		if (p < end && *p == '\n')
			p++;
		*skip = (size_t)(p - text);
		return sep;
	}
	return first_line_semicolons(p, end) ? ';' : ',';
}

int
csv_parse_auto(const char *text, size_t len, struct csv *out,
               struct isms_err *err)
{
	size_t skip;
	char sep = csv_detect_sep(text, len, &skip);
	unsigned first = skip > bom_len(text, len) ? 2 : 1;

	return parse_from(text, len, skip, first, sep, out, err);
}

/* Frees every record and field. */
void
csv_free(struct csv *c)
{
	size_t i, j;

	for (i = 0; i < c->n; i++) {
		for (j = 0; j < c->row[i].n; j++)
			free(c->row[i].field[j]);
		free(c->row[i].field);
	}
	free(c->row);
	memset(c, 0, sizeof *c);
}
