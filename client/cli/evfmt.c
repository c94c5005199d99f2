/*
 * evfmt.c: journal entries as text. The columns of JSON and CSV come from
 * one table, so both formats always carry the same fields.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "evfmt.h"
#include "output.h"
#include "pbfield.h"
#include "timefmt.h"
#include "xmalloc.h"

#define EVFMT_SUMMARY_MAX 60 /* code points of a summary in a table */

typedef char *(*evfmt_text_fn)(const Isms__V1__JournalEntry *);

/* A number, or NULL when absent. */
static char *
text_u64(bool has, uint64_t v)
{
	return has ? xasprintf("%llu", (unsigned long long)v) : NULL;
}

/* A copy of a string, or NULL when absent. */
static char *
text_str(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* Hex of bytes, or NULL when absent. */
static char *
text_hex(bool has, const ProtobufCBinaryData *b)
{
	return has ? evfmt_hex(b->data, b->len) : NULL;
}

/* seq */
static char *
col_seq(const Isms__V1__JournalEntry *e)
{
	return text_u64(e->has_seq, e->seq);
}

/* time, ISO 8601 */
static char *
col_time(const Isms__V1__JournalEntry *e)
{
	char buf[TIMEFMT_INSTANT_LEN];

	if (!e->has_time)
		return NULL;
	timefmt_instant(e->time, buf, sizeof buf);
	return xstrdup(buf);
}

/* actor */
static char *
col_actor(const Isms__V1__JournalEntry *e)
{
	return text_str(e->actor);
}

/* type, by human name */
static char *
col_type(const Isms__V1__JournalEntry *e)
{
	char buf[64];

	return e->has_type
	           ? xstrdup(evfmt_type_name((int)e->type, buf, sizeof buf))
	           : NULL;
}

/* register */
static char *
col_register(const Isms__V1__JournalEntry *e)
{
	return text_str(e->register_);
}

/* id */
static char *
col_id(const Isms__V1__JournalEntry *e)
{
	return text_str(e->id);
}

/* rev */
static char *
col_rev(const Isms__V1__JournalEntry *e)
{
	return text_u64(e->has_rev, e->rev);
}

/* owner */
static char *
col_owner(const Isms__V1__JournalEntry *e)
{
	return text_str(e->owner);
}

/* summary */
static char *
col_summary(const Isms__V1__JournalEntry *e)
{
	return text_str(e->summary);
}

/* record_hash */
static char *
col_record_hash(const Isms__V1__JournalEntry *e)
{
	return text_hex(e->has_record_hash, &e->record_hash);
}

/* prev_hash */
static char *
col_prev_hash(const Isms__V1__JournalEntry *e)
{
	return text_hex(e->has_prev_hash, &e->prev_hash);
}

/* hash */
static char *
col_hash(const Isms__V1__JournalEntry *e)
{
	return text_hex(e->has_hash, &e->hash);
}

/* The fields of an entry for programs (JSON keys, CSV header). */
static const struct evfmt_col {
	const char *name;
	bool number; /* a JSON number, else a string */
	evfmt_text_fn text;
} evfmt_cols[] = {
    {"seq", true, col_seq},
    {"time", false, col_time},
    {"actor", false, col_actor},
    {"type", false, col_type},
    {"register", false, col_register},
    {"id", false, col_id},
    {"rev", true, col_rev},
    {"owner", false, col_owner},
    {"summary", false, col_summary},
    {"record_hash", false, col_record_hash},
    {"prev_hash", false, col_prev_hash},
    {"hash", false, col_hash},
};

#define EVFMT_NCOLS (sizeof evfmt_cols / sizeof evfmt_cols[0])

/* The column called name. */
static const struct evfmt_col *
col_find(const char *name)
{
	size_t i;

	for (i = 0; i < EVFMT_NCOLS; i++)
		if (strcmp(evfmt_cols[i].name, name) == 0)
			return &evfmt_cols[i];
	abort(); /* a name below that is not in the table */
}

int
evfmt_type_parse(const char *s, Isms__V1__EventType *out)
{
	int v;

	if (pb_enum_parse(&isms__v1__event_type__descriptor, s, &v) != 0 ||
	    v == ISMS__V1__EVENT_TYPE__EVENT_TYPE_UNSPECIFIED)
		return -1;
	*out = (Isms__V1__EventType)v;
	return 0;
}

const char *
evfmt_type_name(int type, char *buf, size_t len)
{
	if (pb_enum_name(&isms__v1__event_type__descriptor, type, buf, len) ==
	    NULL)
		snprintf(buf, len, "%d", type);
	return buf;
}

void
evfmt_type_names(char *buf, size_t len)
{
	const ProtobufCEnumDescriptor *ed = &isms__v1__event_type__descriptor;
	char name[64];
	size_t n = 0;
	unsigned i;

	buf[0] = '\0';
	for (i = 0; i < ed->n_values; i++) {
		if (ed->values[i].value == 0 ||
		    pb_enum_name(ed, ed->values[i].value, name, sizeof name) ==
		        NULL)
			continue;
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s",
		                      n > 0 ? ", " : "", name);
	}
}

char *
evfmt_hex(const uint8_t *data, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	char *s = xmalloc(2 * len + 1);
	size_t i;

	for (i = 0; i < len; i++) {
		s[2 * i] = digits[data[i] >> 4];
		s[2 * i + 1] = digits[data[i] & 15];
	}
	s[2 * len] = '\0';
	return s;
}

/* The value of one hex digit, or -1. */
static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
evfmt_head_parse(const char *s, uint64_t *seq, uint8_t hash[EVFMT_HASH_LEN])
{
	const char *colon = strchr(s, ':'), *h;
	char num[24], *end;
	size_t i;
	int hi, lo;

	if (colon == NULL || colon == s || (size_t)(colon - s) >= sizeof num)
		return -1;
	memcpy(num, s, (size_t)(colon - s));
	num[colon - s] = '\0';
	if (num[0] < '0' || num[0] > '9')
		return -1;
	errno = 0;
	*seq = strtoull(num, &end, 10);
	if (*end != '\0' || errno != 0)
		return -1;
	h = colon + 1;
	if (strlen(h) != 2 * EVFMT_HASH_LEN)
		return -1;
	for (i = 0; i < EVFMT_HASH_LEN; i++) {
		if ((hi = hex_digit(h[2 * i])) < 0 ||
		    (lo = hex_digit(h[2 * i + 1])) < 0)
			return -1;
		hash[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

void
evfmt_head_print(FILE *f, uint64_t seq, const ProtobufCBinaryData *hash)
{
	static const uint8_t zero[EVFMT_HASH_LEN];
	char *hex = hash != NULL && hash->len > 0
	                ? evfmt_hex(hash->data, hash->len)
	                : evfmt_hex(zero, sizeof zero);

	fprintf(f, "%llu:%s\n", (unsigned long long)seq, hex);
	free(hex);
}

/* The text of column name for a table or a line: clean, "-" if absent. */
static char *
cell(const Isms__V1__JournalEntry *e, const char *name, size_t max)
{
	char *v = col_find(name)->text(e), *c;

	if (v == NULL || *v == '\0') {
		free(v);
		return xstrdup("-");
	}
	c = ctl_out_clean(v, max);
	free(v);
	return c;
}

void
evfmt_line(FILE *f, const Isms__V1__JournalEntry *e)
{
	static const char *const cols[] = {"seq", "time",  "type",
	                                   "id",  "actor", "summary"};
	char *v;
	size_t i;

	for (i = 0; i < sizeof cols / sizeof cols[0]; i++) {
		v = cell(e, cols[i], SIZE_MAX);
		fprintf(f, "%s%s", i > 0 ? " " : "", v);
		free(v);
	}
	fputc('\n', f);
}

/* One JSON object for e, on one line, without a newline. */
static void
json_object(FILE *f, const Isms__V1__JournalEntry *e)
{
	bool first = true;
	char *v;
	size_t i;

	fputc('{', f);
	for (i = 0; i < EVFMT_NCOLS; i++) {
		if ((v = evfmt_cols[i].text(e)) == NULL)
			continue;
		fprintf(f, "%s\"%s\":", first ? "" : ",", evfmt_cols[i].name);
		if (evfmt_cols[i].number)
			fputs(v, f);
		else
			ctl_out_json_string(f, v);
		first = false;
		free(v);
	}
	fputc('}', f);
}

void
evfmt_json(FILE *f, const Isms__V1__JournalEntry *e)
{
	json_object(f, e);
	fputc('\n', f);
}

void
evfmt_json_array(FILE *f, Isms__V1__JournalEntry *const *e, size_t n)
{
	size_t i;

	fputc('[', f);
	for (i = 0; i < n; i++) {
		fputs(i > 0 ? ",\n  " : "\n  ", f);
		json_object(f, e[i]);
	}
	fputs(n > 0 ? "\n]\n" : "]\n", f);
}

void
evfmt_csv_header(FILE *f)
{
	size_t i;

	for (i = 0; i < EVFMT_NCOLS; i++)
		fprintf(f, "%s%s", i > 0 ? "," : "", evfmt_cols[i].name);
	fputs("\r\n", f);
}

void
evfmt_csv_row(FILE *f, const Isms__V1__JournalEntry *e)
{
	char *v;
	size_t i;

	for (i = 0; i < EVFMT_NCOLS; i++) {
		if (i > 0)
			fputc(',', f);
		if ((v = evfmt_cols[i].text(e)) != NULL)
			ctl_out_csv_cell(f, v);
		free(v);
	}
	fputs("\r\n", f);
}

void
evfmt_table(FILE *f, Isms__V1__JournalEntry *const *e, size_t n)
{
	static const char *const titles[] = {"SEQ", "TIME", "ACTOR",  "TYPE",
	                                     "ID",  "REV",  "SUMMARY"};
	static const char *const cols[] = {"seq", "time", "actor",  "type",
	                                   "id",  "rev",  "summary"};
	const size_t nc = sizeof cols / sizeof cols[0];
	char **cells = xcalloc(n * nc + 1, sizeof *cells);
	size_t r, c;

	for (r = 0; r < n; r++)
		for (c = 0; c < nc; c++)
			cells[r * nc + c] =
			    cell(e[r], cols[c],
			         c == nc - 1 ? EVFMT_SUMMARY_MAX : SIZE_MAX);
	ctl_out_table(f, titles, nc, cells, n);
	for (r = 0; r < n * nc; r++)
		free(cells[r]);
	free(cells);
}
