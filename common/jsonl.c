/*
 * jsonl.c: one JSON object a line, flattened to path=text pairs by a
 * recursive descent over the bytes (depth bounded).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonl.h"
#include "xmalloc.h"

#define JSONL_DEPTH 8

/* The parser over one line. */
struct jp {
	const char *start, *p, *end;
	struct jsonl_obj *out;
	struct isms_err *err;
	int depth;
};

/* A growing string. */
struct jbuf {
	char *s;
	size_t len, cap;
};

/* Appends n bytes to b. */
static void
jbuf_add(struct jbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* Fills err with what is wrong at the parser's byte. */
static int
jp_fail(struct jp *jp, const char *what)
{
	return isms_err_set(jp->err, ISMS_EINVAL, "byte %zu: %s",
	                    (size_t)(jp->p - jp->start) + 1, what);
}

/* Skips blanks. */
static void
jp_ws(struct jp *jp)
{
	while (jp->p < jp->end && (*jp->p == ' ' || *jp->p == '\t' ||
	                           *jp->p == '\r' || *jp->p == '\n'))
		jp->p++;
}

/* Consumes the literal word if it is next. */
static bool
jp_word(struct jp *jp, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(jp->end - jp->p) < n || memcmp(jp->p, word, n) != 0)
		return false;
	jp->p += n;
	return true;
}

/* Appends code point cp to b as UTF-8. */
static void
put_utf8(struct jbuf *b, uint32_t cp)
{
	char u[4];

	if (cp < 0x80) {
		u[0] = (char)cp;
		jbuf_add(b, u, 1);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		jbuf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		jbuf_add(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		jbuf_add(b, u, 4);
	}
}

/* Reads 4 hex digits after "\u"; -1 if they are not. */
static long
hex4(struct jp *jp)
{
	long v = 0;
	int i;

	if (jp->end - jp->p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char c = *jp->p++;

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/* Decodes a \u escape (p past the "u"), a surrogate pair as one. */
static int
jp_unicode(struct jp *jp, struct jbuf *b)
{
	long hi = hex4(jp), lo;

	if (hi < 0)
		return jp_fail(jp, "bad \\u escape");
	if (hi >= 0xd800 && hi <= 0xdbff) {
		if (!jp_word(jp, "\\u") || (lo = hex4(jp)) < 0xdc00 ||
		    lo > 0xdfff)
			return jp_fail(jp, "unpaired surrogate");
		hi = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
	} else if (hi >= 0xdc00 && hi <= 0xdfff)
		return jp_fail(jp, "unpaired surrogate");
	if (hi == 0)
		return jp_fail(jp, "NUL in a string");
	put_utf8(b, (uint32_t)hi);
	return 0;
}

/* Reads a string (p at its quote) into a new *out. */
static int
jp_string(struct jp *jp, char **out)
{
	static const char esc[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
	struct jbuf b = {xstrdup(""), 0, 1};
	const char *e;
	int rc;

	jp->p++;
	while (jp->p < jp->end && *jp->p != '"') {
		if ((unsigned char)*jp->p < 0x20) {
			free(b.s);
			return jp_fail(jp, "control character in a string");
		}
		if (*jp->p != '\\') {
			jbuf_add(&b, jp->p++, 1);
			continue;
		}
		if (++jp->p == jp->end)
			break;
		if (*jp->p == 'u') {
			jp->p++;
			if ((rc = jp_unicode(jp, &b)) != 0) {
				free(b.s);
				return rc;
			}
			continue;
		}
		for (e = esc; *e != '\0' && *e != *jp->p; e += 2)
			;
		if (*e == '\0') {
			free(b.s);
			return jp_fail(jp, "bad escape in a string");
		}
		jbuf_add(&b, e + 1, 1);
		jp->p++;
	}
	if (jp->p == jp->end) {
		free(b.s);
		return jp_fail(jp, "string not closed");
	}
	jp->p++;
	*out = b.s;
	return 0;
}

/* Reads a number's text as written (checked loosely: strtod takes it). */
static int
jp_number(struct jp *jp, char **out)
{
	const char *s = jp->p;
	char *text, *end;

	while (jp->p < jp->end && strchr("+-0123456789.eE", *jp->p) != NULL)
		jp->p++;
	text = xstrndup(s, (size_t)(jp->p - s));
	(void)strtod(text, &end);
	if (*text == '\0' || *end != '\0') {
		free(text);
		jp->p = s;
		return jp_fail(jp, "expected a value");
	}
	*out = text;
	return 0;
}

/* Reads a scalar (string, number, true, false; null gives NULL). */
static int
jp_scalar(struct jp *jp, char **out)
{
	*out = NULL;
	if (jp->p < jp->end && *jp->p == '"')
		return jp_string(jp, out);
	if (jp_word(jp, "true")) {
		*out = xstrdup("true");
		return 0;
	}
	if (jp_word(jp, "false")) {
		*out = xstrdup("false");
		return 0;
	}
	if (jp_word(jp, "null"))
		return 0;
	return jp_number(jp, out);
}

/* Adds a pair (text owned from then on). */
static void
pair_add(struct jsonl_obj *o, const char *path, char *text)
{
	o->pair = xreallocarray(o->pair, o->n + 1, sizeof *o->pair);
	o->pair[o->n].path = xstrdup(path);
	o->pair[o->n++].text = text;
}

/* Reads an object (p at '{'): "k=v;k=v" of its scalar members. */
static int
jp_element(struct jp *jp, char **out)
{
	struct jbuf b = {xstrdup(""), 0, 1};
	char *key = NULL, *v = NULL, *c;
	int rc = 0;

	jp->p++;
	for (jp_ws(jp); rc == 0 && jp->p < jp->end && *jp->p != '}';) {
		if (*jp->p != '"')
			rc = jp_fail(jp, "expected a member name");
		if (rc == 0 && (rc = jp_string(jp, &key)) == 0) {
			jp_ws(jp);
			if (!jp_word(jp, ":"))
				rc = jp_fail(jp, "expected ':'");
		}
		jp_ws(jp);
		if (rc == 0 && (rc = jp_scalar(jp, &v)) == 0 && v != NULL) {
			if (b.len > 0)
				jbuf_add(&b, ";", 1);
			jbuf_add(&b, key, strlen(key));
			jbuf_add(&b, "=", 1);
			for (c = v; *c != '\0'; c++)
				jbuf_add(&b, *c == ';' ? "\\;" : c,
				         *c == ';' ? 2 : 1);
		}
		free(key);
		free(v);
		key = v = NULL;
		jp_ws(jp);
		if (rc == 0 && jp->p < jp->end && *jp->p == ',') {
			jp->p++;
			jp_ws(jp);
			if (jp->p < jp->end && *jp->p == '}')
				rc = jp_fail(jp, "a ',' before '}'");
		} else if (rc == 0 && jp->p < jp->end && *jp->p != '}')
			rc = jp_fail(jp, "expected ',' or '}'");
	}
	if (rc == 0 && !jp_word(jp, "}"))
		rc = jp_fail(jp, "object not closed");
	if (rc != 0) {
		free(b.s);
		return rc;
	}
	*out = b.s;
	return 0;
}

static int jp_value(struct jp *, const char *path);

/* Reads an array (p at '['): one pair per element. */
static int
jp_array(struct jp *jp, const char *path)
{
	char *v;
	int rc;

	jp->p++;
	for (jp_ws(jp); jp->p < jp->end && *jp->p != ']';) {
		if (*jp->p == '{')
			rc = jp_element(jp, &v);
		else if (*jp->p == '[')
			return jp_fail(jp, "an array inside an array");
		else
			rc = jp_scalar(jp, &v);
		if (rc != 0)
			return rc;
		if (v != NULL)
			pair_add(jp->out, path, v);
		jp_ws(jp);
		if (jp->p < jp->end && *jp->p == ',') {
			jp->p++;
			jp_ws(jp);
			if (jp->p < jp->end && *jp->p == ']')
				return jp_fail(jp, "a ',' before ']'");
		} else if (jp->p < jp->end && *jp->p != ']')
			return jp_fail(jp, "expected ',' or ']'");
	}
	if (!jp_word(jp, "]"))
		return jp_fail(jp, "array not closed");
	return 0;
}

/* Reads an object (p at '{'), its members under path. */
static int
jp_object(struct jp *jp, const char *path)
{
	char *key, *sub;
	int rc;

	if (++jp->depth > JSONL_DEPTH)
		return jp_fail(jp, "nested too deep");
	jp->p++;
	for (jp_ws(jp); jp->p < jp->end && *jp->p != '}';) {
		if (*jp->p != '"')
			return jp_fail(jp, "expected a member name");
		if ((rc = jp_string(jp, &key)) != 0)
			return rc;
		sub = *path != '\0' ? xasprintf("%s.%s", path, key) : key;
		if (sub != key)
			free(key);
		jp_ws(jp);
		rc = jp_word(jp, ":") ? 0 : jp_fail(jp, "expected ':'");
		jp_ws(jp);
		if (rc == 0)
			rc = jp_value(jp, sub);
		free(sub);
		if (rc != 0)
			return rc;
		jp_ws(jp);
		if (jp->p < jp->end && *jp->p == ',') {
			jp->p++;
			jp_ws(jp);
			if (jp->p < jp->end && *jp->p == '}')
				return jp_fail(jp, "a ',' before '}'");
		} else if (jp->p < jp->end && *jp->p != '}')
			return jp_fail(jp, "expected ',' or '}'");
	}
	if (!jp_word(jp, "}"))
		return jp_fail(jp, "object not closed");
	jp->depth--;
	return 0;
}

/* Reads any value under path. */
static int
jp_value(struct jp *jp, const char *path)
{
	char *v;
	int rc;

	if (jp->p < jp->end && *jp->p == '{')
		return jp_object(jp, path);
	if (jp->p < jp->end && *jp->p == '[')
		return jp_array(jp, path);
	if ((rc = jp_scalar(jp, &v)) != 0)
		return rc;
	if (v != NULL)
		pair_add(jp->out, path, v);
	return 0;
}

int
jsonl_parse(const char *line, size_t len, struct jsonl_obj *out,
            struct isms_err *err)
{
	struct jp jp = {line, line, line + len, out, err, 0};
	int rc;

	memset(out, 0, sizeof *out);
	jp_ws(&jp);
	if (jp.p == jp.end || *jp.p != '{')
		return jp_fail(&jp, "expected an object");
	if ((rc = jp_object(&jp, "")) != 0)
		return rc;
	jp_ws(&jp);
	if (jp.p != jp.end)
		return jp_fail(&jp, "text after the object");
	return 0;
}

void
jsonl_obj_free(struct jsonl_obj *o)
{
	size_t i;

	for (i = 0; i < o->n; i++) {
		free(o->pair[i].path);
		free(o->pair[i].text);
	}
	free(o->pair);
	memset(o, 0, sizeof *o);
}
