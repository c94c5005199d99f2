/*
 * export_cols.c: the columns of an export, from the Record descriptor,
 * the derived fields and the relations table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export_cols.h"
#include "fieldargs.h"
#include "output.h"
#include "relations.h"
#include "xmalloc.h"

/* Whether name is one of the n derived names. */
static bool
is_derived(const char *name, char *const *derived, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(derived[i], name) == 0)
			return true;
	return false;
}

/* Whether column path is one a client sets (and import reads). */
static bool
col_settable(const struct pb_path *p, char *const *derived, size_t nderived)
{
	const ProtobufCFieldDescriptor *top = p->fd[0];

	if (top->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
		return p->n > 1 &&
		       !is_derived(p->fd[1]->name, derived, nderived);
	return strcmp(top->name, "id") == 0 ||
	       strcmp(top->name, "next_review_on") == 0 ||
	       !ctl_field_server_managed(top->name);
}

/* Adds a column. */
static struct export_col *
col_add(struct export_cols *c, const char *name, enum export_kind kind)
{
	struct export_col *col;

	c->col = xreallocarray(c->col, c->n + 1, sizeof *c->col);
	col = &c->col[c->n++];
	memset(col, 0, sizeof *col);
	col->name = xstrdup(name);
	col->kind = kind;
	return col;
}

void
export_cols_build(struct export_cols *c, const ProtobufCFieldDescriptor *reg,
                  char *const *derived, size_t nderived)
{
	struct ctl_cols cols;
	struct export_col *col;
	const ProtobufCFieldDescriptor *leaf;
	char name[256];
	size_t i;

	memset(c, 0, sizeof *c);
	ctl_cols_record(&cols, reg);
	for (i = 0; i < cols.n; i++) {
		if (!col_settable(&cols.path[i], derived, nderived))
			continue;
		leaf = cols.path[i].fd[cols.path[i].n - 1];
		pb_path_format(&cols.path[i], name, sizeof name);
		col = col_add(
		    c, name,
		    leaf->label != PROTOBUF_C_LABEL_REPEATED ? EXPORT_SCALAR
		    : leaf->type == PROTOBUF_C_TYPE_MESSAGE  ? EXPORT_ELEMS
		                                             : EXPORT_LIST);
		col->path = cols.path[i];
		col->boolean = leaf->type == PROTOBUF_C_TYPE_BOOL;
		col->number = !ctl_field_is_instant(leaf) &&
		              leaf->type != PROTOBUF_C_TYPE_ENUM &&
		              leaf->type != PROTOBUF_C_TYPE_STRING &&
		              leaf->type != PROTOBUF_C_TYPE_BYTES &&
		              leaf->type != PROTOBUF_C_TYPE_MESSAGE &&
		              !col->boolean;
	}
	ctl_cols_free(&cols);
	for (i = 0; i < relations_count; i++)
		if (relation_from(&relations[i], reg->name))
			col_add(c, relations[i].rel, EXPORT_LINKS)->rel =
			    relations[i].rel;
}

void
export_cols_free(struct export_cols *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->col[i].name);
	free(c->col);
	memset(c, 0, sizeof *c);
}

/* Appends v to the array. */
static void
push(char ***arr, size_t *n, char *v)
{
	*arr = xreallocarray(*arr, *n + 1, sizeof **arr);
	(*arr)[(*n)++] = v;
}

char **
export_values(const struct export_col *col, const Isms__V1__Record *rec,
              size_t *n)
{
	char **out = NULL, *all, *p, *q;
	size_t i;

	*n = 0;
	if (col->kind == EXPORT_LINKS) {
		for (i = 0; i < rec->n_links; i++)
			if (rec->links[i]->rel != NULL &&
			    strcmp(rec->links[i]->rel, col->rel) == 0 &&
			    rec->links[i]->target != NULL)
				push(&out, n, xstrdup(rec->links[i]->target));
		return out;
	}
	/* A unit separator joins the elements: no text holds one. */
	if ((all = ctl_out_value(&rec->base, &col->path, "\x1f")) == NULL)
		return NULL;
	if (col->kind == EXPORT_SCALAR) {
		push(&out, n, all);
		return out;
	}
	for (p = all; *p != '\0' || p == all; p = q + 1) {
		if ((q = strchr(p, '\x1f')) == NULL)
			q = p + strlen(p);
		push(&out, n, xstrndup(p, (size_t)(q - p)));
		if (*q == '\0')
			break;
	}
	free(all);
	return out;
}

char *
export_cell(const struct export_col *col, char *const *v, size_t n)
{
	size_t i, len = 1;
	char *out, *o;
	const char *s;

	for (i = 0; i < n; i++)
		len += 2 * strlen(v[i]) + 1;
	out = o = xmalloc(len);
	for (i = 0; i < n; i++) {
		if (i > 0)
			*o++ = col->kind == EXPORT_ELEMS ? '\n' : ';';
		for (s = v[i]; *s != '\0'; s++) {
			if (*s == ';' && col->kind == EXPORT_LIST)
				*o++ = '\\';
			*o++ = *s;
		}
	}
	*o = '\0';
	return out;
}

void
export_values_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
