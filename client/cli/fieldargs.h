/*
 * fieldargs.h: the registers as the CLI sees them, and field words
 * ("title=x", "impact=5", "acceptance.by=alice", "tags+=pii", "owner=")
 * turned into a Put (record + update mask).
 *
 * The registers are the members of the `body` oneof of isms.v1.Record;
 * nothing here names one, so a register added to the .proto works at once.
 * A word's field is looked up first in the Record header, then in the
 * register's body: "impact" is the path "risk.impact".
 */
#ifndef ISMS_CTL_FIELDARGS_H
#define ISMS_CTL_FIELDARGS_H

#include <stdbool.h>
#include <stddef.h>

#include "errcode.h"
#include "pbfield.h"
#include "proto/isms.pb-c.h"

enum ctl_field_op {
	CTL_FIELD_SET,    /* f=v (f= clears) */
	CTL_FIELD_APPEND, /* f+=v */
	CTL_FIELD_REMOVE, /* f-=v */
};

/* One parsed word. Strings are owned by the ctl_fields that holds it. */
struct ctl_field_word {
	char *name;          /* as the user wrote it: "impact" */
	char *path_text;     /* as the server wants it: "risk.impact" */
	struct pb_path path; /* resolved from Record */
	enum ctl_field_op op;
	char *value; /* "" clears (for =) */
};

struct ctl_fields {
	const ProtobufCFieldDescriptor *reg; /* the body member of Record */
	struct ctl_field_word *w;
	size_t n;
};

/* The register called name (its body field in Record), or NULL. */
const ProtobufCFieldDescriptor *ctl_register_find(const char *name);

/* The i-th register in display order (common/reglist.h), NULL past the
 * last. */
const ProtobufCFieldDescriptor *ctl_register_nth(size_t i);

/* The register a record belongs to (its body case), or NULL. */
const ProtobufCFieldDescriptor *ctl_register_of(const Isms__V1__Record *);

/* Whether fd is an instant: int64 named "at" or "*_at" (Unix seconds). */
bool ctl_field_is_instant(const ProtobufCFieldDescriptor *fd);

/* Whether a header field is managed by the server (id, rev, created_at...). */
bool ctl_field_server_managed(const char *name);

/*
 * Calls fn for every field a user may set in register reg: header fields
 * first, then body fields, nested ones as "acceptance.by".
 */
void ctl_fields_walk(const ProtobufCFieldDescriptor *reg,
                     void (*fn)(const char *name,
                                const ProtobufCFieldDescriptor *, void *),
                     void *arg);

/* Writes "title, owner, tags, ..., threat, ..." for reg into buf. */
void ctl_fields_valid_names(const ProtobufCFieldDescriptor *reg, char *buf,
                            size_t len);

/*
 * Parses words for register reg into f (which the caller frees with
 * ctl_fields_free, also on error). -ISMS_EINVAL with a message for the
 * user on an unknown field, a server-managed field or a malformed word.
 */
int ctl_fields_parse(struct ctl_fields *f, const ProtobufCFieldDescriptor *reg,
                     int nwords, char *const *words, struct isms_err *err);

/* Whether building needs the stored record (a list edited with += / -=). */
bool ctl_fields_need_current(const struct ctl_fields *);

/*
 * Builds a Put from the parsed words: record has the register's body set
 * and every named field; with update set, update_mask lists each path once.
 * Lists edited with += / -= start from current (may be NULL on create).
 * The record's id is left for the caller. *out is freed with
 * protobuf_c_message_free_unpacked(out, NULL). -ISMS_EINVAL on a bad value.
 */
int ctl_fields_build(const struct ctl_fields *f,
                     const Isms__V1__Record *current, bool update,
                     Isms__V1__Put **out, struct isms_err *err);

void ctl_fields_free(struct ctl_fields *);

#endif
