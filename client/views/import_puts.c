/*
 * import_puts.c: rows to Puts through the command line's own field words
 * (fieldargs.c), so a cell means exactly what it means after "risk add".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fieldargs.h"
#include "import_puts.h"
#include "pbfield.h"
#include "xmalloc.h"

void
import_errs_add(struct import_errs *errs, char *msg)
{
	errs->msg = xreallocarray(errs->msg, errs->n + 1, sizeof *errs->msg);
	errs->msg[errs->n++] = msg;
}

/* A cell as one line of a message: line ends shown as "\n". */
static char *
cell_shown(const char *s)
{
	char *out = xmalloc(2 * strlen(s) + 1), *o = out;

	for (; *s != '\0'; s++) {
		if (*s == '\n' || *s == '\r') {
			*o++ = '\\';
			*o++ = *s == '\n' ? 'n' : 'r';
		} else
			*o++ = *s;
	}
	*o = '\0';
	return out;
}

/* Adds "FILE:LINE: column "Col": value "v": reason" for column c. */
static void
errs_cell(struct import_errs *errs, const char *file,
          const struct import_map *m, const struct import_trow *row, size_t c,
          const char *reason)
{
	char *v = cell_shown(row->cell[c]);

	import_errs_add(
	    errs, xasprintf("%s:%u: column \"%s\": value \"%s\": %s", file,
	                    row->line, m->col[c].header, v, reason));
	free(v);
}

/* Finds the word of r that fails alone: its column and reason. */
static size_t
failing_word(const struct import_map *m, const struct import_row *r,
             struct isms_err *err)
{
	struct ctl_fields f;
	Isms__V1__Put *put;
	size_t i;
	int rc;

	for (i = 0; i < r->nwords; i++) {
		rc = ctl_fields_parse(&f, m->reg, 1, &r->words[i], err);
		if (rc == 0 &&
		    (rc = ctl_fields_build(&f, NULL, false, &put, err)) == 0)
			protobuf_c_message_free_unpacked(&put->base, NULL);
		ctl_fields_free(&f);
		if (rc != 0)
			return r->word_col[i];
	}
	return SIZE_MAX;
}

/* Sets the header fields import gives beside the words: id, the review
 * date, the links. */
static void
put_extras(Isms__V1__Record *rec, const struct import_row *r)
{
	size_t i;

	if (r->id != NULL)
		rec->id = xstrdup(r->id);
	if (r->next_review != NULL)
		rec->next_review_on = xstrdup(r->next_review);
	if (r->nlinks == 0)
		return;
	rec->links = xcalloc(r->nlinks, sizeof *rec->links);
	for (i = 0; i < r->nlinks; i++) {
		rec->links[i] =
		    (Isms__V1__Link *)pb_new(&isms__v1__link__descriptor);
		rec->links[i]->rel = xstrdup(r->link[i].rel);
		rec->links[i]->target = xstrdup(r->link[i].target);
	}
	rec->n_links = r->nlinks;
}

/* The put of one row, or NULL after adding its message to errs. */
static Isms__V1__Put *
row_put(struct import_errs *errs, const char *file, const struct import_map *m,
        const struct import_table *t, const struct import_trow *row)
{
	struct isms_err err = {0};
	struct import_row r;
	struct ctl_fields f;
	Isms__V1__Put *put = NULL;
	size_t bad = 0;
	int rc;

	if (import_row_build(m, row->cell, t->ncols, t->lines_only, &r, &bad,
	                     &err) != 0) {
		errs_cell(errs, file, m, row, bad, err.msg);
		import_row_free(&r);
		return NULL;
	}
	rc = ctl_fields_parse(&f, m->reg, (int)r.nwords, r.words, &err);
	if (rc == 0)
		rc = ctl_fields_build(&f, NULL, false, &put, &err);
	ctl_fields_free(&f);
	if (rc != 0) {
		if ((bad = failing_word(m, &r, &err)) != SIZE_MAX)
			errs_cell(errs, file, m, row, bad, err.msg);
		else
			import_errs_add(errs, xasprintf("%s:%u: %s", file,
			                                row->line, err.msg));
	} else
		put_extras(put->record, &r);
	import_row_free(&r);
	return put;
}

void
import_puts_add(struct import_puts *out, struct import_errs *errs,
                const char *file, const struct import_map *m,
                const struct import_table *t)
{
	Isms__V1__Put *put;
	size_t i;

	for (i = 0; i < t->nrows; i++) {
		if ((put = row_put(errs, file, m, t, &t->row[i])) == NULL)
			continue;
		out->put =
		    xreallocarray(out->put, out->n + 1, sizeof *out->put);
		out->from =
		    xreallocarray(out->from, out->n + 1, sizeof *out->from);
		out->put[out->n] = put;
		out->from[out->n++] =
		    (struct import_origin){file, m, &t->row[i]};
		if (put->record->id != NULL)
			out->any_id = true;
	}
}

/* The column of m whose field is path ("risk.impact"), or SIZE_MAX. */
static size_t
col_of_field(const struct import_map *m, const char *path)
{
	size_t i, n = strlen(m->reg->name);

	for (i = 0; i < m->n; i++) {
		const struct import_col *c = &m->col[i];

		if (c->kind == IMPORT_COL_FIELD &&
		    (strcmp(c->path, path) == 0 ||
		     (strncmp(path, m->reg->name, n) == 0 && path[n] == '.' &&
		      strcmp(path + n + 1, c->path) == 0)))
			return i;
		if ((c->kind == IMPORT_COL_LINK &&
		     strcmp(path, "links") == 0) ||
		    (c->kind == IMPORT_COL_ID && strcmp(path, "id") == 0) ||
		    (c->kind == IMPORT_COL_NEXT_REVIEW &&
		     strcmp(path, "next_review_on") == 0))
			return i;
	}
	return SIZE_MAX;
}

void
import_errs_server(struct import_errs *errs, const struct import_puts *p,
                   uint32_t index, const char *field, const char *message)
{
	const struct import_origin *o;
	size_t c = SIZE_MAX;

	if (index >= p->n) {
		import_errs_add(errs, xasprintf("put %u: %s", index, message));
		return;
	}
	o = &p->from[index];
	if (field != NULL && *field != '\0')
		c = col_of_field(o->map, field);
	if (c != SIZE_MAX && o->row->cell[c][0] != '\0')
		errs_cell(errs, o->file, o->map, o->row, c, message);
	else
		import_errs_add(errs, xasprintf("%s:%u: %s", o->file,
		                                o->row->line, message));
}

void
import_puts_free(struct import_puts *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		protobuf_c_message_free_unpacked(&p->put[i]->base, NULL);
	free(p->put);
	free(p->from);
	memset(p, 0, sizeof *p);
}

void
import_errs_free(struct import_errs *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		free(e->msg[i]);
	free(e->msg);
	memset(e, 0, sizeof *e);
}
