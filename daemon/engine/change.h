/*
 * change.h: a new revision of a stored message, written once for records
 * and users alike: an update mask resolved and checked, its paths copied
 * from what the client sent, and the stamps of the revision (rev,
 * updated_at, updated_by, found by name in the message's descriptor).
 */
#ifndef ISMS_CHANGE_H
#define ISMS_CHANGE_H

#include <stddef.h>

#include "errcode.h"
#include "pbfield.h"

struct records_actor;

/*
 * Checks one resolved mask path (path: as the client wrote it); 0, or
 * -code with err to refuse the whole mask.
 */
typedef int change_path_fn(void *arg, const struct pb_path *p, const char *path,
                           struct isms_err *err);

/*
 * Resolves mask[0..n) against md into paths (room for n), each checked by
 * fn (may be NULL); *done counts the paths resolved, refused one included.
 */
int change_mask_resolve(const ProtobufCMessageDescriptor *md, char *const *mask,
                        size_t n, struct pb_path *paths, size_t *done,
                        change_path_fn *fn, void *arg, struct isms_err *err);

/* Makes dst's value at each path src's (a path src lacks is cleared). */
void change_mask_apply(ProtobufCMessage *dst, const ProtobufCMessage *src,
                       const struct pb_path *paths, size_t n);

/* Stamps a new revision of m: rev + 1, updated_at now, updated_by who. */
void change_stamp(ProtobufCMessage *m, const struct records_actor *who);

#endif
