/* change.c: update masks and revision stamps (see change.h). */
#include <stdlib.h>
#include <string.h>

#include "change.h"
#include "log.h"
#include "records.h"
#include "xmalloc.h"

int
change_mask_resolve(const ProtobufCMessageDescriptor *md, char *const *mask,
                    size_t n, struct pb_path *paths, size_t *done,
                    change_path_fn *fn, void *arg, struct isms_err *err)
{
	size_t i;
	int rc;

	*done = 0;
	for (i = 0; i < n; i++) {
		if ((rc = pb_path_resolve(md, mask[i], &paths[i], err)) != 0)
			return rc;
		(*done)++;
		if (fn != NULL && (rc = fn(arg, &paths[i], mask[i], err)) != 0)
			return rc;
	}
	return 0;
}

void
change_mask_apply(ProtobufCMessage *dst, const ProtobufCMessage *src,
                  const struct pb_path *paths, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		pb_path_copy(dst, src, &paths[i]);
}

/* The field name of m's type, which must exist (a broken invariant). */
static void *
change_field(ProtobufCMessage *m, const char *name, int type)
{
	const ProtobufCFieldDescriptor *fd =
	    pb_field_by_name(m->descriptor, name);

	if (fd == NULL || (int)fd->type != type)
		fatalx("%s has no %s to stamp", m->descriptor->name, name);
	if (fd->quantifier_offset != 0)
		*(protobuf_c_boolean *)((char *)m + fd->quantifier_offset) = 1;
	return pb_field_ptr(m, fd);
}

void
change_stamp(ProtobufCMessage *m, const struct records_actor *who)
{
	uint64_t *rev = change_field(m, "rev", PROTOBUF_C_TYPE_UINT64);
	int64_t *at = change_field(m, "updated_at", PROTOBUF_C_TYPE_INT64);
	char **by = change_field(m, "updated_by", PROTOBUF_C_TYPE_STRING);

	(*rev)++;
	*at = who->now;
	free(*by);
	*by = xstrdup(who->user);
}
