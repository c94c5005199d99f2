/*
 * gw_json.h: a JSON body turned into a Put, through ismsctl's field words.
 *
 * The body has the shape `ismsctl -o json` prints a record in: header
 * fields at the top ("title", "owner", "tags"), the register's fields
 * under its name ("risk": {"threat": ...}). Each leaf becomes the word
 * "path=value" that `ismsctl <register> add|set` would take, so the
 * gateway and the CLI accept and refuse the same things (server-managed
 * fields, unknown fields, instants as ISO 8601, enums by name). null or
 * "" clears a field; an array replaces a list.
 */
#ifndef ISMS_GW_JSON_H
#define ISMS_GW_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "errcode.h"
#include "proto/isms.pb-c.h"

#define GW_JSON_DEPTH 4 /* nesting of objects in a body */

/*
 * Parses body (len bytes, untrusted) for register reg into a Put: a
 * create (no mask) or, with update, one whose update_mask names every
 * field the body has. -ISMS_EINVAL with err: malformed JSON (with its line,
 * column and byte offset), duplicate keys, a field the register has not,
 * a bad value. *out is freed with protobuf_c_message_free_unpacked.
 */
int gw_json_put(const ProtobufCFieldDescriptor *reg, const char *body,
                size_t len, bool update, Isms__V1__Put **out,
                struct isms_err *err);

#endif
