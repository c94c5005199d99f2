/* records_filter.c: List filters on any scalar field, by descriptor. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "records_filter.h"
#include "registers.h"
#include "xmalloc.h"

#define RD (&isms__v1__record__descriptor)

/* Resolves a filter's field: from Record, else from reg's body. */
static int
filter_path(const struct register_def *reg, const char *name,
            struct pb_path *path)
{
	const ProtobufCFieldDescriptor *body;
	char full[256];

	if (pb_path_resolve(RD, name, path, NULL) == 0 &&
	    (path->fd[0]->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) == 0)
		return 0;
	if (pb_path_resolve(RD, name, path, NULL) == 0 &&
	    path->fd[0]->id == reg->body_case)
		return 0;
	body = protobuf_c_message_descriptor_get_field(RD, reg->body_case);
	if (body == NULL || snprintf(full, sizeof full, "%s.%s", body->name,
	                             name) >= (int)sizeof full)
		return -1;
	return pb_path_resolve(RD, full, path, NULL);
}

/* Whether path ends on a scalar reached through single messages. */
static bool
filter_path_scalar(const struct pb_path *path)
{
	int i;

	for (i = 0; i < path->n - 1; i++)
		if (path->fd[i]->label == PROTOBUF_C_LABEL_REPEATED)
			return false;
	return path->fd[path->n - 1]->type != PROTOBUF_C_TYPE_MESSAGE;
}

/* The canonical text of value for the leaf of path: set into a probe of
 * the leaf's message, then formatted back. NULL on a bad value. */
static char *
filter_canonical(const struct pb_path *path, const char *value)
{
	const ProtobufCFieldDescriptor *leaf = path->fd[path->n - 1];
	const ProtobufCMessageDescriptor *md =
	    path->n > 1 ? path->fd[path->n - 2]->descriptor : RD;
	ProtobufCMessage *probe;
	char buf[128];
	int rc;

	if (value[0] == '\0' || leaf->type == PROTOBUF_C_TYPE_STRING)
		return xstrdup(value);
	probe = pb_new(md);
	rc = pb_field_set_text(probe, leaf, value, NULL);
	if (rc == 0)
		rc = pb_field_format(probe, leaf, 0, buf, sizeof buf);
	protobuf_c_message_free_unpacked(probe, NULL);
	return rc == 0 ? xstrdup(buf) : NULL;
}

/* Parses one "path=value" into f. */
static int
filter_parse_one(const struct register_def *reg, const char *text,
                 struct records_filter *f, struct isms_err *err)
{
	const char *eq = strchr(text, '=');
	char name[200], tname[600];

	if (eq == NULL || eq == text || (size_t)(eq - text) >= sizeof name)
		return isms_err_set(err, ISMS_EINVAL,
		                    "list.filters: expected path=value, got "
		                    "'%s'",
		                    text);
	snprintf(name, sizeof name, "%.*s", (int)(eq - text), text);
	if (filter_path(reg, name, &f->path) != 0)
		return isms_err_set(err, ISMS_EINVAL,
		                    "list.filters: no field '%s' in %s records",
		                    name, reg->name);
	if (!filter_path_scalar(&f->path))
		return isms_err_set(err, ISMS_EINVAL,
		                    "list.filters: '%s' is not a scalar field",
		                    name);
	if ((f->value = filter_canonical(&f->path, eq + 1)) == NULL) {
		pb_field_type_name(f->path.fd[f->path.n - 1], tname,
		                   sizeof tname);
		return isms_err_set(err, ISMS_EINVAL,
		                    "list.filters: '%s' expects %s, got '%s'",
		                    name, tname, eq + 1);
	}
	return 0;
}

int
records_filters_parse(const struct register_def *reg,
                      const Isms__V1__List *list, struct records_filters *out,
                      struct isms_err *err)
{
	size_t i;
	int rc;

	memset(out, 0, sizeof *out);
	if (list->n_filters > LIST_FILTERS_MAX)
		return isms_err_set(err, ISMS_EINVAL,
		                    "list.filters: at most %d filters",
		                    LIST_FILTERS_MAX);
	for (i = 0; i < list->n_filters; i++) {
		if ((rc = filter_parse_one(reg, list->filters[i],
		                           &out->f[out->n], err)) != 0) {
			free(out->f[out->n].value);
			return rc;
		}
		out->n++;
	}
	return 0;
}

/* Whether element i of leaf in m holds the filter's value. */
static bool
filter_elt_equal(const ProtobufCMessage *m,
                 const ProtobufCFieldDescriptor *leaf, size_t i,
                 const char *value)
{
	char buf[128];
	const char *s;

	if (leaf->type == PROTOBUF_C_TYPE_STRING) {
		s = leaf->label == PROTOBUF_C_LABEL_REPEATED
		        ? (*(char *const *const *)pb_field_ptr(m, leaf))[i]
		        : *(char *const *)pb_field_ptr(m, leaf);
		return s != NULL && strcmp(s, value) == 0;
	}
	return pb_field_format(m, leaf, i, buf, sizeof buf) == 0 &&
	       strcmp(buf, value) == 0;
}

/* Whether rec holds f's value. */
static bool
filter_match(const struct records_filter *f, const Isms__V1__Record *rec)
{
	const ProtobufCFieldDescriptor *leaf = f->path.fd[f->path.n - 1];
	ProtobufCMessage *m = (ProtobufCMessage *)&rec->base;
	size_t i, n;
	int k;

	for (k = 0; k < f->path.n - 1 && m != NULL; k++)
		m = pb_submsg(m, f->path.fd[k], false);
	n = m != NULL ? pb_field_count(m, leaf) : 0;
	if (f->value[0] == '\0')
		return n == 0;
	for (i = 0; i < n; i++)
		if (filter_elt_equal(m, leaf, i, f->value))
			return true;
	return false;
}

bool
records_filters_match(const struct records_filters *fs,
                      const Isms__V1__Record *rec)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		if (!filter_match(&fs->f[i], rec))
			return false;
	return true;
}

void
records_filters_clear(struct records_filters *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		free(fs->f[i].value);
	memset(fs, 0, sizeof *fs);
}
