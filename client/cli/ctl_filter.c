/*
 * ctl_filter.c: what "ismsctl <register> list" makes of its words and of
 * --sort: owner=, status= and tag= go in their List fields (the server
 * narrows with its indexes), any other field=value in List.filters as
 * "path=value", resolved with the descriptors like the words of set;
 * --sort orders what the pages gathered, here in ismsctl.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "fieldargs.h"
#include "timefmt.h"
#include "xmalloc.h"

#define RECORD_MD (&isms__v1__record__descriptor)

/* The filters with a List field of their own (and an index). */
static const struct list_field {
	const char *name;
	size_t offset;
} list_fields[] = {
    {"owner", offsetof(Isms__V1__List, owner)},
    {"status", offsetof(Isms__V1__List, status)},
    {"tag", offsetof(Isms__V1__List, tag)},
};

#define NLIST_FIELDS (sizeof list_fields / sizeof list_fields[0])

int
ctl_field_read_path(const ProtobufCFieldDescriptor *reg, const char *name,
                    struct pb_path *path, char **text)
{
	char full[256];
	int i;

	if (pb_path_resolve(RECORD_MD, name, path, NULL) == 0 &&
	    ((path->fd[0]->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) == 0 ||
	     path->fd[0] == reg))
		snprintf(full, sizeof full, "%s", name);
	else if (snprintf(full, sizeof full, "%s.%s", reg->name, name) >=
	             (int)sizeof full ||
	         pb_path_resolve(RECORD_MD, full, path, NULL) != 0)
		return ctl_error(CTL_EXIT_USAGE, "%s has no field '%s'",
		                 reg->name, name);
	for (i = 0; i < path->n - 1; i++)
		if (path->fd[i]->label == PROTOBUF_C_LABEL_REPEATED)
			return ctl_error(CTL_EXIT_USAGE,
			                 "'%s' is inside the list '%s': filter "
			                 "and sort on scalar fields",
			                 name, path->fd[i]->name);
	if (path->fd[path->n - 1]->type == PROTOBUF_C_TYPE_MESSAGE)
		return ctl_error(
		    CTL_EXIT_USAGE, "'%s' has subfields: name one, e.g. %s.%s",
		    name, name,
		    ((const ProtobufCMessageDescriptor *)path->fd[path->n - 1]
		         ->descriptor)
		        ->fields[0]
		        .name);
	if (text != NULL)
		*text = xstrdup(full);
	return 0;
}

/* Sets the List field a word names ("owner=alice"); false if none. */
static bool
list_field_set(Isms__V1__List *list, const char *name, const char *value)
{
	size_t i;

	for (i = 0; i < NLIST_FIELDS; i++)
		if (strcmp(list_fields[i].name, name) == 0 && *value != '\0') {
			*(const char **)((char *)list + list_fields[i].offset) =
			    value;
			return true;
		}
	return false;
}

/* Adds "path=value" to list->filters (owned there), instants as seconds. */
static int
list_filter_add(const ProtobufCFieldDescriptor *reg, Isms__V1__List *list,
                const char *name, const char *value)
{
	struct pb_path path;
	char *text;
	int64_t t;
	int rc;

	if ((rc = ctl_field_read_path(reg, name, &path, &text)) != 0)
		return rc;
	list->filters = xreallocarray(list->filters, list->n_filters + 1,
	                              sizeof *list->filters);
	if (ctl_field_is_instant(path.fd[path.n - 1]) && *value != '\0') {
		if (timefmt_parse_instant(value, &t) != 0) {
			free(text);
			return ctl_error(
			    CTL_EXIT_USAGE,
			    "'%s' expects an ISO 8601 instant, got "
			    "'%s'",
			    name, value);
		}
		list->filters[list->n_filters++] =
		    xasprintf("%s=%lld", text, (long long)t);
	} else
		list->filters[list->n_filters++] =
		    xasprintf("%s=%s", text, value);
	free(text);
	return 0;
}

int
ctl_list_words(const ProtobufCFieldDescriptor *reg, Isms__V1__List *list,
               int nwords, char *const *words)
{
	const char *eq;
	char name[200];
	int k, rc;

	for (k = 0; k < nwords; k++) {
		eq = strchr(words[k], '=');
		if (eq == NULL || eq == words[k] ||
		    (size_t)(eq - words[k]) >= sizeof name ||
		    strchr("+-", eq[-1]) != NULL)
			return ctl_error(
			    CTL_EXIT_USAGE,
			    "list filters are field=value (owner=, "
			    "status=, tag= or any field of %s); got "
			    "'%s'",
			    reg->name, words[k]);
		snprintf(name, sizeof name, "%.*s", (int)(eq - words[k]),
		         words[k]);
		if (list_field_set(list, name, eq + 1))
			continue;
		if ((rc = list_filter_add(reg, list, name, eq + 1)) != 0)
			return rc;
	}
	return 0;
}

void
ctl_list_words_free(Isms__V1__List *list)
{
	size_t i;

	for (i = 0; i < list->n_filters; i++)
		free(list->filters[i]);
	free(list->filters);
	list->filters = NULL;
	list->n_filters = 0;
}

/* A record and its place in natural order, for a stable sort. */
struct sort_item {
	Isms__V1__Record *rec;
	size_t at;
	const ProtobufCMessage *m; /* the leaf's message, NULL: absent */
};

static const struct pb_path *sort_path;
static int sort_dir;

/* Compares the leaf values of two present items. */
static int
sort_values(const ProtobufCMessage *a, const ProtobufCMessage *b,
            const ProtobufCFieldDescriptor *fd)
{
	const void *pa = pb_field_ptr(a, fd), *pb = pb_field_ptr(b, fd);
	double da, db;

	if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
		pa = *(void *const *)pa;
		pb = *(void *const *)pb;
	}
	switch (fd->type) {
	case PROTOBUF_C_TYPE_STRING:
		return strcmp(*(char *const *)pa, *(char *const *)pb);
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		return (*(const int64_t *)pa > *(const int64_t *)pb) -
		       (*(const int64_t *)pa < *(const int64_t *)pb);
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return (*(const uint64_t *)pa > *(const uint64_t *)pb) -
		       (*(const uint64_t *)pa < *(const uint64_t *)pb);
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		da = *(const uint32_t *)pa;
		db = *(const uint32_t *)pb;
		break;
	case PROTOBUF_C_TYPE_FLOAT:
		da = *(const float *)pa;
		db = *(const float *)pb;
		break;
	case PROTOBUF_C_TYPE_DOUBLE:
		da = *(const double *)pa;
		db = *(const double *)pb;
		break;
	case PROTOBUF_C_TYPE_BOOL:
		da = *(const protobuf_c_boolean *)pa;
		db = *(const protobuf_c_boolean *)pb;
		break;
	default: /* int32 kinds and enums: an enum in lifecycle order */
		da = *(const int32_t *)pa;
		db = *(const int32_t *)pb;
		break;
	}
	return (da > db) - (da < db);
}

/* qsort order: by value (absent last either way), then natural order. */
static int
sort_cmp(const void *x, const void *y)
{
	const struct sort_item *a = x, *b = y;
	int c;

	if (a->m == NULL || b->m == NULL)
		c = (a->m == NULL) - (b->m == NULL);
	else
		c = sort_dir *
		    sort_values(a->m, b->m, sort_path->fd[sort_path->n - 1]);
	if (c == 0)
		c = (a->at > b->at) - (a->at < b->at);
	return c;
}

/* The message holding the leaf of path in rec when the leaf has a value. */
static const ProtobufCMessage *
sort_leaf(const Isms__V1__Record *rec, const struct pb_path *path)
{
	ProtobufCMessage *m = (ProtobufCMessage *)&rec->base;
	int k;

	for (k = 0; k < path->n - 1 && m != NULL; k++)
		m = pb_submsg(m, path->fd[k], false);
	return m != NULL && pb_field_present(m, path->fd[path->n - 1]) ? m
	                                                               : NULL;
}

int
ctl_recs_sort(const ProtobufCFieldDescriptor *reg, const char *spec,
              Isms__V1__Record **recs, size_t n)
{
	struct sort_item *items;
	struct pb_path path;
	size_t i;
	int rc;

	sort_dir = spec[0] == '-' ? -1 : 1;
	if ((rc = ctl_field_read_path(reg, spec + (spec[0] == '-'), &path,
	                              NULL)) != 0)
		return rc;
	items = xcalloc(n + 1, sizeof *items);
	for (i = 0; i < n; i++) {
		items[i].rec = recs[i];
		items[i].at = i;
		items[i].m = sort_leaf(recs[i], &path);
	}
	sort_path = &path;
	qsort(items, n, sizeof *items, sort_cmp);
	sort_path = NULL;
	for (i = 0; i < n; i++)
		recs[i] = items[i].rec;
	free(items);
	return 0;
}
