/*
 * output_data.c: the formats for programs, JSON and CSV.
 *
 * JSON is descriptor driven: present fields only, names as in the .proto,
 * enums by human name, instants as ISO 8601 strings, other integers as
 * numbers. CSV follows RFC 4180 (CRLF, quotes doubled) and defuses cells
 * a spreadsheet would run as a formula.
 */
#include <stdlib.h>
#include <string.h>

#include "fieldargs.h"
#include "output.h"
#include "timefmt.h"
#include "xmalloc.h"

#define JSON_INDENT 2

char *
ctl_out_base64(const uint8_t *data, size_t len)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                          "abcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = xmalloc((len + 2) / 3 * 4 + 1), *o = out;
	size_t i;
	uint32_t v;

	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 |
		    data[i + 2];
		*o++ = tab[v >> 18];
		*o++ = tab[(v >> 12) & 63];
		*o++ = tab[(v >> 6) & 63];
		*o++ = tab[v & 63];
	}
	if (i < len) {
		v = (uint32_t)data[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)data[i + 1] << 8;
		*o++ = tab[v >> 18];
		*o++ = tab[(v >> 12) & 63];
		*o++ = i + 1 < len ? tab[(v >> 6) & 63] : '=';
		*o++ = '=';
	}
	*o = '\0';
	return out;
}

/* Length of the valid UTF-8 sequence at s (of at most len bytes), or 0. */
static size_t
utf8_seq(const unsigned char *s, size_t len)
{
	size_t n;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (n > len || !pb_utf8_valid((const char *)s, n))
		return 0;
	return n;
}

/* Bytes that JSON may carry as they are: printable ASCII but '"', '\\'. */
static bool
json_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

/* Writes the escape of the character at p[i] (not json_plain); returns
 * the bytes it stood for. */
static size_t
json_escape(FILE *f, const unsigned char *p, size_t i, size_t len)
{
	static const char short_esc[] = {
	    ['"'] = '"',  ['\\'] = '\\', ['\b'] = 'b', ['\f'] = 'f',
	    ['\n'] = 'n', ['\r'] = 'r',  ['\t'] = 't'};
	char esc[8];
	size_t n;

	if (p[i] < sizeof short_esc && short_esc[p[i]] != 0) {
		esc[0] = '\\';
		esc[1] = short_esc[p[i]];
		fwrite(esc, 1, 2, f);
		return 1;
	}
	if (p[i] < 0x20 || p[i] == 0x7f) {
		fprintf(f, "\\u%04x", p[i]);
		return 1;
	}
	if ((n = utf8_seq(p + i, len - i)) == 0) {
		fwrite("\\ufffd", 1, 6, f); /* not UTF-8: say so, go on */
		return 1;
	}
	if (n == 3 && p[i] == 0xe2 && p[i + 1] == 0x80 &&
	    (p[i + 2] == 0xa8 || p[i + 2] == 0xa9)) {
		/* U+2028, U+2029 end a line in JavaScript. */
		fprintf(f, "\\u%04x", p[i + 2] == 0xa8 ? 0x2028 : 0x2029);
		return 3;
	}
	fwrite(p + i, 1, n, f);
	return n;
}

void
ctl_out_json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, start;

	putc('"', f);
	while (i < len) {
		/* A run of bytes that need no escape goes out in one write. */
		for (start = i; i < len && json_plain(p[i]); i++)
			;
		if (i > start)
			fwrite(p + start, 1, i - start, f);
		if (i < len)
			i += json_escape(f, p, i, len);
	}
	putc('"', f);
}

/* Starts a new line indented for nesting level. */
static void
json_newline(FILE *f, int level)
{
	static const char spaces[] = "\n                                ";
	size_t n = (size_t)level * JSON_INDENT;

	if (n < sizeof spaces - 1) {
		fwrite(spaces, 1, n + 1, f);
		return;
	}
	fprintf(f, "\n%*s", level * JSON_INDENT, "");
}

static void json_message(FILE *, const ProtobufCMessage *, int);

/* Writes element i of fd in m as a JSON value. */
static void
json_elem(FILE *f, const ProtobufCMessage *m,
          const ProtobufCFieldDescriptor *fd, size_t i, int level)
{
	const char *p = pb_field_ptr(m, fd);
	char buf[128], *b64;
	const ProtobufCBinaryData *bin;
	int64_t t;

	switch (fd->type) {
	case PROTOBUF_C_TYPE_STRING:
		if (fd->label == PROTOBUF_C_LABEL_REPEATED)
			p = (const char *)(*(char **const *)p + i);
		ctl_out_json_string(
		    f, *(char *const *)p != NULL ? *(char *const *)p : "");
		return;
	case PROTOBUF_C_TYPE_BYTES:
		if (fd->label == PROTOBUF_C_LABEL_REPEATED)
			p = (const char *)(*(ProtobufCBinaryData *const *)p +
			                   i);
		bin = (const ProtobufCBinaryData *)p;
		b64 = ctl_out_base64(bin->data, bin->len);
		fprintf(f, "\"%s\"", b64);
		free(b64);
		return;
	case PROTOBUF_C_TYPE_MESSAGE:
		if (fd->label == PROTOBUF_C_LABEL_REPEATED)
			p = (const char *)(*(ProtobufCMessage * *const *)p + i);
		json_message(f, *(const ProtobufCMessage *const *)p, level);
		return;
	case PROTOBUF_C_TYPE_ENUM:
		if (pb_field_format(m, fd, i, buf, sizeof buf) != 0)
			buf[0] = '\0';
		ctl_out_json_string(f, buf);
		return;
	default:
		if (pb_field_format(m, fd, i, buf, sizeof buf) != 0)
			snprintf(buf, sizeof buf, "null");
		if (ctl_field_is_instant(fd)) {
			t = strtoll(buf, NULL, 10);
			timefmt_instant(t, buf, sizeof buf);
			ctl_out_json_string(f, buf);
		} else if (strchr("-0123456789tf", buf[0]) == NULL ||
		           strstr(buf, "inf") != NULL)
			fputs("null",
			      f); /* nan, inf: JSON has no such numbers */
		else
			fputs(buf, f);
	}
}

/* Writes m as a JSON object; level is the nesting of m itself. */
static void
json_message(FILE *f, const ProtobufCMessage *m, int level)
{
	const ProtobufCMessageDescriptor *md = m->descriptor;
	const ProtobufCFieldDescriptor *fd;
	bool first = true, inline_list;
	size_t i, n;
	unsigned k;

	fputc('{', f);
	for (k = 0; k < md->n_fields; k++) {
		fd = &md->fields[k];
		if (!pb_field_present(m, fd))
			continue;
		if (!first)
			fputc(',', f);
		first = false;
		json_newline(f, level + 1);
		ctl_out_json_string(f, fd->name);
		fputs(": ", f);
		if (fd->label != PROTOBUF_C_LABEL_REPEATED) {
			json_elem(f, m, fd, 0, level + 1);
			continue;
		}
		/* Lists of scalars on one line, of messages one per line. */
		inline_list = fd->type != PROTOBUF_C_TYPE_MESSAGE;
		n = pb_field_count(m, fd);
		fputc('[', f);
		for (i = 0; i < n; i++) {
			if (i > 0)
				fputs(inline_list ? ", " : ",", f);
			if (!inline_list)
				json_newline(f, level + 2);
			json_elem(f, m, fd, i, level + 2);
		}
		if (!inline_list)
			json_newline(f, level + 1);
		fputc(']', f);
	}
	if (!first)
		json_newline(f, level);
	fputc('}', f);
}

void
ctl_out_json(FILE *f, const ProtobufCMessage *m)
{
	json_message(f, m, 0);
	fputc('\n', f);
}

void
ctl_out_json_array(FILE *f, const ProtobufCMessage *const *msgs, size_t n)
{
	size_t i;

	fputc('[', f);
	for (i = 0; i < n; i++) {
		if (i > 0)
			fputc(',', f);
		json_newline(f, 1);
		json_message(f, msgs[i], 1);
	}
	if (n > 0)
		fputc('\n', f);
	fputs("]\n", f);
}

void
ctl_out_csv_cell(FILE *f, const char *s)
{
	/* A spreadsheet runs a cell starting with these as a formula. */
	bool guard = s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
	bool quote = strpbrk(s, ",\"\r\n") != NULL;

	if (quote)
		fputc('"', f);
	if (guard)
		fputc('\'', f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	if (quote)
		fputc('"', f);
}

void
ctl_out_csv_row(FILE *f, const char *const *cells, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			fputc(',', f);
		ctl_out_csv_cell(f, cells[i] != NULL ? cells[i] : "");
	}
	fputs("\r\n", f);
}

void
ctl_out_csv_records(FILE *f, const ProtobufCFieldDescriptor *reg,
                    Isms__V1__Record *const *recs, size_t n)
{
	struct ctl_cols cols;
	char path[256], *v;
	size_t i, c;

	ctl_cols_record(&cols, reg);
	for (c = 0; c < cols.n; c++) {
		pb_path_format(&cols.path[c], path, sizeof path);
		if (c > 0)
			fputc(',', f);
		ctl_out_csv_cell(f, path);
	}
	fputs("\r\n", f);
	for (i = 0; i < n; i++) {
		for (c = 0; c < cols.n; c++) {
			if (c > 0)
				fputc(',', f);
			v = ctl_out_value(&recs[i]->base, &cols.path[c],
			                  ctl_out_sep(&cols.path[c], ";"));
			if (v != NULL)
				ctl_out_csv_cell(f, v);
			free(v);
		}
		fputs("\r\n", f);
	}
	ctl_cols_free(&cols);
}

void
ctl_out_csv_info(FILE *f, const Isms__V1__InfoResult *info)
{
	size_t i;

	fputs("register,live,archived\r\n", f);
	for (i = 0; i < info->n_counts; i++) {
		ctl_out_csv_cell(f, info->counts[i]->register_ != NULL
		                        ? info->counts[i]->register_
		                        : "");
		fprintf(f, ",%llu,%llu\r\n",
		        (unsigned long long)info->counts[i]->live,
		        (unsigned long long)info->counts[i]->archived);
	}
}
