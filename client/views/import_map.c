/*
 * import_map.c: columns to fields, driven by the register's descriptor
 * (ctl_fields_walk) and the relations table; cells to field words.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fieldargs.h"
#include "fieldelem.h"
#include "import_map.h"
#include "pbfield.h"
#include "relations.h"
#include "xmalloc.h"

char *
import_header_norm(const char *header)
{
	char *out = xmalloc(strlen(header) + 1), *o = out;
	const char *p;

	for (p = header; *p != '\0'; p++) {
		char c = *p;

		if (c == ' ' || c == '\t' || c == '-' || c == '/' || c == '_' ||
		    c == '\r' || c == '\n')
			c = '_';
		else
			c = (char)tolower((unsigned char)c);
		if (c == '_' && (o == out || o[-1] == '_'))
			continue;
		*o++ = c;
	}
	while (o > out && o[-1] == '_')
		o--;
	*o = '\0';
	return out;
}

/* What a walk over the register's fields looks for: a normalised name. */
struct col_find {
	const char *reg;
	const char *norm;
	char *found; /* the walked name (the walk's buffer is reused) */
	const ProtobufCFieldDescriptor *fd;
};

/* ctl_fields_walk callback: matches "likelihood" and "risk.likelihood". */
static void
col_find_fn(const char *name, const ProtobufCFieldDescriptor *fd, void *arg)
{
	struct col_find *cf = arg;
	size_t n = strlen(cf->reg);

	if (cf->found != NULL)
		return;
	if (strcmp(cf->norm, name) == 0 ||
	    (strncmp(cf->norm, cf->reg, n) == 0 && cf->norm[n] == '.' &&
	     strcmp(cf->norm + n + 1, name) == 0)) {
		cf->found = xstrdup(name);
		cf->fd = fd;
	}
}

/* Whether the walked name is, or is inside, a derived body field. */
static bool
is_derived(const struct import_map *m, const char *name)
{
	size_t i, n;

	for (i = 0; i < m->nderived; i++) {
		n = strlen(m->derived[i]);
		if (strncmp(name, m->derived[i], n) == 0 &&
		    (name[n] == '\0' || name[n] == '.'))
			return true;
	}
	return false;
}

/* Sets col to what the normalised name norm is in m's register; false if
 * nothing (a derived field is nothing: the server writes it). */
static bool
col_resolve(const struct import_map *m, const char *norm,
            struct import_col *col)
{
	const ProtobufCFieldDescriptor *reg = m->reg;
	struct col_find cf = {reg->name, norm, NULL, NULL};
	const struct relation *r;

	free(col->path);
	col->path = NULL;
	col->list = col->elems = false;
	if (strcmp(norm, "id") == 0) {
		col->kind = IMPORT_COL_ID;
		return true;
	}
	if (strcmp(norm, "next_review_on") == 0) {
		col->kind = IMPORT_COL_NEXT_REVIEW;
		return true;
	}
	if ((r = relation_find(norm)) != NULL && relation_from(r, reg->name)) {
		col->kind = IMPORT_COL_LINK;
		col->path = xstrdup(r->rel);
		return true;
	}
	ctl_fields_walk(reg, col_find_fn, &cf);
	if (cf.found == NULL)
		return false;
	/* Body names only: a header field is never derived. */
	if (pb_field_by_name(&isms__v1__record__descriptor, cf.found) == NULL &&
	    is_derived(m, cf.found)) {
		free(cf.found);
		return false;
	}
	col->kind = IMPORT_COL_FIELD;
	col->path = cf.found;
	col->elems = ctl_elem_is_list(cf.fd);
	col->list = !col->elems && cf.fd->label == PROTOBUF_C_LABEL_REPEATED;
	return true;
}

/* The next item of a ','-separated spec at *p (advanced), malloc'ed. */
static char *
spec_next(const char **p)
{
	size_t n = strcspn(*p, ",");
	char *s = xstrndup(*p, n);

	*p += n;
	if (**p == ',')
		(*p)++;
	return s;
}

/* The column whose header normalises like name, or -1. */
static ssize_t
col_by_name(const struct import_map *m, const char *name)
{
	char *norm = import_header_norm(name), *h;
	size_t i;

	for (i = 0; i < m->n; i++) {
		h = import_header_norm(m->col[i].header);
		if (strcmp(h, norm) == 0) {
			free(h);
			free(norm);
			return (ssize_t)i;
		}
		free(h);
	}
	free(norm);
	return -1;
}

/* Applies one "Col=FIELD" (or "Col=-") of --map. */
static int
map_one(struct import_map *m, const char *item, struct isms_err *err)
{
	const char *eq = strrchr(item, '=');
	char *colname, *norm;
	ssize_t c;
	bool ok;

	if (eq == NULL || eq == item || eq[1] == '\0')
		return isms_err_set(err, ISMS_EINVAL,
		                    "--map expects 'Column=FIELD' or "
		                    "'Column=-', got '%s'",
		                    item);
	colname = xstrndup(item, (size_t)(eq - item));
	if ((c = col_by_name(m, colname)) == -1) {
		isms_err_set(err, ISMS_EINVAL,
		             "--map names the column \"%s\", which the file "
		             "does not have",
		             colname);
		free(colname);
		return -ISMS_EINVAL;
	}
	free(colname);
	if (strcmp(eq + 1, "-") == 0) {
		m->col[c].kind = IMPORT_COL_DROP;
		return 0;
	}
	norm = import_header_norm(eq + 1);
	ok = col_resolve(m, norm, &m->col[c]);
	free(norm);
	if (!ok)
		return isms_err_set(err, ISMS_EINVAL,
		                    "--map '%s': '%s' is not a field of %s",
		                    item, eq + 1, m->reg->name);
	return 0;
}

/* Parses one --scale "FIELD=Word=N,Word=N" into m->scale. */
static int
scale_one(struct import_map *m, const char *spec, struct isms_err *err)
{
	const char *eq = strchr(spec, '='), *p;
	struct import_col col = {0};
	struct import_scale *s;
	char *norm, *item, *weq;
	bool ok;

	if (eq == NULL || eq == spec)
		return isms_err_set(err, ISMS_EINVAL,
		                    "--scale expects FIELD='Word=N,...', got "
		                    "'%s'",
		                    spec);
	item = xstrndup(spec, (size_t)(eq - spec));
	norm = import_header_norm(item);
	ok = col_resolve(m, norm, &col) && col.kind == IMPORT_COL_FIELD;
	free(norm);
	free(item);
	if (!ok) {
		free(col.path);
		return isms_err_set(err, ISMS_EINVAL,
		                    "--scale '%s': not a field of %s", spec,
		                    m->reg->name);
	}
	m->scale = xreallocarray(m->scale, m->nscale + 1, sizeof *m->scale);
	s = &m->scale[m->nscale++];
	memset(s, 0, sizeof *s);
	s->path = col.path;
	for (p = eq + 1; *p != '\0';) {
		item = spec_next(&p);
		if ((weq = strrchr(item, '=')) == NULL || weq == item ||
		    weq[1] == '\0') {
			isms_err_set(err, ISMS_EINVAL,
			             "--scale %s: expected Word=N, got '%s'",
			             s->path, item);
			free(item);
			return -ISMS_EINVAL;
		}
		s->word = xreallocarray(s->word, s->n + 1, sizeof *s->word);
		s->num = xreallocarray(s->num, s->n + 1, sizeof *s->num);
		s->num[s->n] = xstrdup(weq + 1);
		*weq = '\0';
		s->word[s->n++] = item;
	}
	return 0;
}

/* What settable_names gathers. */
struct names_acc {
	const struct import_map *m;
	char *buf;
	size_t len, off;
};

/* ctl_fields_walk callback: appends a name that is not derived. */
static void
names_fn(const char *name, const ProtobufCFieldDescriptor *fd, void *arg)
{
	struct names_acc *a = arg;

	(void)fd;
	if (a->off >= a->len ||
	    (pb_field_by_name(&isms__v1__record__descriptor, name) == NULL &&
	     is_derived(a->m, name)))
		return;
	a->off += (size_t)snprintf(a->buf + a->off, a->len - a->off, "%s%s",
	                           a->off > 0 ? ", " : "", name);
}

/* "title, owner, ..." of the fields a column may name, into buf. */
static void
settable_names(const struct import_map *m, char *buf, size_t len)
{
	struct names_acc a = {m, buf, len, 0};

	buf[0] = '\0';
	ctl_fields_walk(m->reg, names_fn, &a);
}

/* The error naming every column left unmapped. */
static int
unmapped_error(const struct import_map *m, struct isms_err *err)
{
	char list[600] = "", names[400];
	size_t i, off = 0, k = 0;

	for (i = 0; i < m->n; i++) {
		if (m->col[i].kind != IMPORT_COL_UNMAPPED || off >= sizeof list)
			continue;
		off +=
		    (size_t)snprintf(list + off, sizeof list - off, "%s\"%s\"",
		                     k++ > 0 ? ", " : "", m->col[i].header);
	}
	if (k == 0)
		return 0;
	settable_names(m, names, sizeof names);
	return isms_err_set(
	    err, ISMS_EINVAL,
	    "%zu column%s not mapped to a field of %s: %s; name %s with "
	    "--map 'Column=FIELD', or drop %s with --map 'Column=-' "
	    "(fields: id, %s, next_review_on, and a relation per link "
	    "column)",
	    k, k == 1 ? "" : "s", m->reg->name, list, k == 1 ? "it" : "each",
	    k == 1 ? "it" : "them", names);
}

int
import_map_build(struct import_map *m, const ProtobufCFieldDescriptor *reg,
                 char *const *derived, size_t nderived, char *const *headers,
                 size_t n, const char *map, char *const *scales, size_t nscales,
                 const char *key, struct isms_err *err)
{
	const char *p;
	char *item, *norm;
	size_t i, j;
	ssize_t c;
	int rc;

	memset(m, 0, sizeof *m);
	m->reg = reg;
	m->derived = derived;
	m->nderived = nderived;
	m->col = xcalloc(n > 0 ? n : 1, sizeof *m->col);
	m->n = n;
	for (i = 0; i < n; i++) {
		m->col[i].header = xstrdup(headers[i]);
		norm = import_header_norm(headers[i]);
		if (!col_resolve(m, norm, &m->col[i]))
			m->col[i].kind = IMPORT_COL_UNMAPPED;
		free(norm);
	}
	for (p = map; p != NULL && *p != '\0';) {
		item = spec_next(&p);
		rc = map_one(m, item, err);
		free(item);
		if (rc != 0)
			return rc;
	}
	if (key != NULL) {
		if ((c = col_by_name(m, key)) == -1)
			return isms_err_set(err, ISMS_EINVAL,
			                    "--key names the column \"%s\", "
			                    "which the file does not have",
			                    key);
		col_resolve(m, "external_ref", &m->col[c]);
	}
	for (i = 0; i < nscales; i++)
		if ((rc = scale_one(m, scales[i], err)) != 0)
			return rc;
	for (i = 0; i < m->n; i++)
		for (j = 0; j < m->nscale; j++)
			if (m->col[i].kind == IMPORT_COL_FIELD &&
			    strcmp(m->col[i].path, m->scale[j].path) == 0)
				m->col[i].scale = &m->scale[j];
	return unmapped_error(m, err);
}

void
import_map_free(struct import_map *m)
{
	size_t i, j;

	for (i = 0; i < m->n; i++) {
		free(m->col[i].header);
		free(m->col[i].path);
	}
	for (i = 0; i < m->nscale; i++) {
		for (j = 0; j < m->scale[i].n; j++) {
			free(m->scale[i].word[j]);
			free(m->scale[i].num[j]);
		}
		free(m->scale[i].word);
		free(m->scale[i].num);
		free(m->scale[i].path);
	}
	free(m->scale);
	free(m->col);
	memset(m, 0, sizeof *m);
}

/* s without blanks at either end, malloc'ed. */
static char *
trimmed(const char *s, size_t n)
{
	while (n > 0 && isspace((unsigned char)*s))
		s++, n--;
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

/* The number scale s gives word v (trimmed), v itself when it is a
 * number; NULL when neither. */
static const char *
scale_map(const struct import_scale *s, const char *v)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcasecmp(s->word[i], v) == 0)
			return s->num[i];
	if (*v == '\0' || strspn(v, "0123456789") != strlen(v))
		return NULL;
	return v;
}

/* The reason a value is not on scale s. */
static int
scale_error(const struct import_scale *s, struct isms_err *err)
{
	char words[300] = "";
	size_t i, off = 0;

	for (i = 0; i < s->n && off < sizeof words; i++)
		off +=
		    (size_t)snprintf(words + off, sizeof words - off, "%s%s=%s",
		                     i > 0 ? ", " : "", s->word[i], s->num[i]);
	return isms_err_set(err, ISMS_EINVAL,
	                    "not a number nor a word of the scale of %s (%s)",
	                    s->path, words);
}

/* Adds the word "path=v" of column c to r. */
static int
row_word(struct import_row *r, const struct import_col *col, size_t c,
         const char *v, struct isms_err *err)
{
	const char *num = v;

	if (col->scale != NULL && (num = scale_map(col->scale, v)) == NULL)
		return scale_error(col->scale, err);
	r->words = xreallocarray(r->words, r->nwords + 1, sizeof *r->words);
	r->word_col =
	    xreallocarray(r->word_col, r->nwords + 1, sizeof *r->word_col);
	r->words[r->nwords] = xasprintf("%s=%s", col->path, num);
	r->word_col[r->nwords++] = c;
	return 0;
}

/* Adds link rel → target of column c to r. */
static void
row_link(struct import_row *r, const char *rel, const char *target, size_t c)
{
	r->link = xreallocarray(r->link, r->nlinks + 1, sizeof *r->link);
	r->link_col =
	    xreallocarray(r->link_col, r->nlinks + 1, sizeof *r->link_col);
	r->link[r->nlinks].rel = xstrdup(rel);
	r->link[r->nlinks].target = xstrdup(target);
	r->link_col[r->nlinks++] = c;
}

/*
 * Calls add for each piece of text split at seps (trimmed, empty ones
 * skipped); with unescape, "\;" is a ';' inside a piece.
 */
static int
split_each(const char *text, const char *seps, bool unescape,
           int (*add)(void *, const char *, struct isms_err *), void *arg,
           struct isms_err *err)
{
	char *buf = xmalloc(strlen(text) + 1), *piece;
	const char *p = text;
	size_t n;
	int rc = 0;

	while (rc == 0 && *p != '\0') {
		n = 0;
		while (*p != '\0' && strchr(seps, *p) == NULL) {
			if (unescape && p[0] == '\\' && p[1] == ';')
				p++;
			buf[n++] = *p++;
		}
		if (*p != '\0')
			p++;
		piece = trimmed(buf, n);
		if (*piece != '\0')
			rc = add(arg, piece, err);
		free(piece);
	}
	free(buf);
	return rc;
}

/* The state of split_each's callbacks. */
struct row_cell {
	struct import_row *r;
	const struct import_col *col;
	size_t c;
};

static int
cell_word(void *arg, const char *v, struct isms_err *err)
{
	struct row_cell *rc = arg;

	return row_word(rc->r, rc->col, rc->c, v, err);
}

static int
cell_link(void *arg, const char *v, struct isms_err *err)
{
	struct row_cell *rc = arg;

	(void)err;
	row_link(rc->r, rc->col->path, v, rc->c);
	return 0;
}

int
import_row_build(const struct import_map *m, char *const *cells, size_t ncells,
                 bool lines_only, struct import_row *out, size_t *bad_col,
                 struct isms_err *err)
{
	struct row_cell rc;
	char *v;
	size_t c;
	int ret = 0;

	memset(out, 0, sizeof *out);
	for (c = 0; c < m->n && c < ncells && ret == 0; c++) {
		const struct import_col *col = &m->col[c];

		v = trimmed(cells[c], strlen(cells[c]));
		rc = (struct row_cell){out, col, c};
		if (*v == '\0')
			;
		else if (col->kind == IMPORT_COL_FIELD && col->list)
			ret = split_each(v, lines_only ? "\r\n" : ";\r\n",
			                 !lines_only, cell_word, &rc, err);
		else if (col->kind == IMPORT_COL_FIELD && col->elems)
			ret = split_each(v, "\r\n", false, cell_word, &rc, err);
		else if (col->kind == IMPORT_COL_FIELD)
			ret = row_word(out, col, c, v, err);
		else if (col->kind == IMPORT_COL_LINK)
			ret =
			    split_each(v, ";\r\n", false, cell_link, &rc, err);
		else if (col->kind == IMPORT_COL_ID && out->id == NULL)
			out->id = xstrdup(v);
		else if (col->kind == IMPORT_COL_NEXT_REVIEW &&
		         out->next_review == NULL)
			out->next_review = xstrdup(v);
		free(v);
		if (ret != 0)
			*bad_col = c;
	}
	return ret;
}

void
import_row_free(struct import_row *r)
{
	size_t i;

	for (i = 0; i < r->nwords; i++)
		free(r->words[i]);
	for (i = 0; i < r->nlinks; i++) {
		free(r->link[i].rel);
		free(r->link[i].target);
	}
	free(r->words);
	free(r->word_col);
	free(r->link);
	free(r->link_col);
	free(r->id);
	free(r->next_review);
	memset(r, 0, sizeof *r);
}
