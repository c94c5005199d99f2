/*
 * report.c: building and freeing the report document (see report.h).
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "xmalloc.h"

struct report *
report_new(const char *kind, const char *title)
{
	struct report *r = xcalloc(1, sizeof *r);

	r->h.kind = xstrdup(kind);
	r->h.report = xstrdup(title);
	return r;
}

struct rsection *
report_section(struct report *r, const char *id, const char *title)
{
	struct rsection *s;

	r->sec = xreallocarray(r->sec, r->n + 1, sizeof *r->sec);
	s = &r->sec[r->n++];
	memset(s, 0, sizeof *s);
	s->id = xstrdup(id);
	s->title = xstrdup(title);
	return s;
}

struct rtable *
report_table(struct rsection *sec, size_t ncols, const char *const *cols,
             const enum rcell_type *types)
{
	struct rtable *t = xcalloc(1, sizeof *t);
	size_t i;

	t->ncols = ncols;
	t->cols = xcalloc(ncols, sizeof *t->cols);
	t->types = xcalloc(ncols, sizeof *t->types);
	for (i = 0; i < ncols; i++) {
		t->cols[i] = xstrdup(cols[i]);
		t->types[i] = types ? types[i] : RCELL_TEXT;
	}
	sec->table = t;
	return t;
}

struct rcell *
report_row(struct rtable *t)
{
	struct rcell *row;
	size_t i;

	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->cells = xreallocarray(t->cells, t->cap * t->ncols,
		                         sizeof *t->cells);
	}
	row = &t->cells[t->nrows++ * t->ncols];
	for (i = 0; i < t->ncols; i++) {
		memset(&row[i], 0, sizeof row[i]);
		row[i].type = t->types[i];
		row[i].text = xstrdup("");
	}
	return row;
}

void
rcell_text(struct rcell *c, const char *s)
{
	free(c->text);
	c->text = xstrdup(s ? s : "");
}

void
rcell_num(struct rcell *c, double v)
{
	free(c->text);
	c->text = xasprintf("%g", v);
	c->num = v;
}

static void
rtable_free(struct rtable *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->ncols; i++)
		free(t->cols[i]);
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i].text);
	free(t->cols);
	free(t->types);
	free(t->cells);
	free(t);
}

static void
rheat_free(struct rheat *h)
{
	unsigned i;

	if (!h)
		return;
	for (i = 0; i < h->nlik * h->nimp; i++)
		free(h->level ? h->level[i] : NULL);
	free(h->level);
	free(h->count);
	free(h->title);
	free(h);
}

static void
rbars_free(struct rbars *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->n; i++)
		free(b->bar[i].label);
	free(b->bar);
	free(b->title);
	free(b);
}

void
report_free(struct report *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++) {
		struct rsection *s = &r->sec[i];

		free(s->id);
		free(s->title);
		free(s->text);
		rtable_free(s->table);
		rheat_free(s->heat[0]);
		rheat_free(s->heat[1]);
		rbars_free(s->bars);
	}
	free(r->sec);
	free(r->h.report);
	free(r->h.kind);
	free(r->h.organisation);
	free(r->h.scope);
	free(r->h.generated_by);
	free(r->h.head_hash);
	free(r->h.as_of);
	free(r->h.server);
	free(r);
}
