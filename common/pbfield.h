/*
 * pbfield.h: descriptor-driven access to protobuf-c messages by field path.
 *
 * One engine serves the server (applying an update mask, validating what a
 * client sent) and the CLI (setting fields from "f=v" words, printing any
 * register). A path is dot-separated field names from a root message:
 * "title", "risk.impact", "risk.acceptance.by".
 *
 * Memory: every value this module stores is allocated with malloc, and
 * everything it removes is released with free, so messages it touched are
 * freed with protobuf_c_message_free_unpacked(m, NULL).
 */
#ifndef ISMS_PBFIELD_H
#define ISMS_PBFIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#include "errcode.h"

#define PB_PATH_MAX 8

/* A field path resolved against descriptors. */
struct pb_path {
	int n;
	const ProtobufCFieldDescriptor *fd[PB_PATH_MAX];
};

/* Resolves a dotted path from root; -ISMS_EINVAL (in err) if unknown. */
int pb_path_resolve(const ProtobufCMessageDescriptor *root, const char *path,
                    struct pb_path *out, struct isms_err *err);

/* Writes the dotted form of a path into buf. */
void pb_path_format(const struct pb_path *, char *buf, size_t len);

/* Returns the field named name in md, or NULL. */
const ProtobufCFieldDescriptor *
pb_field_by_name(const ProtobufCMessageDescriptor *md, const char *name);

/* Whether m carries a value for fd (repeated: at least one element). */
bool pb_field_present(const ProtobufCMessage *m,
                      const ProtobufCFieldDescriptor *fd);

/* Address of fd's value (or array pointer, for repeated fields) in m. */
void *pb_field_ptr(const ProtobufCMessage *m,
                   const ProtobufCFieldDescriptor *fd);

/* Number of elements of a repeated field. */
size_t pb_field_count(const ProtobufCMessage *m,
                      const ProtobufCFieldDescriptor *fd);

/* Frees fd's value in m and marks it absent. */
void pb_field_clear(ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd);

/*
 * dst takes what src holds (both of one type): a message made elsewhere
 * lands in one the caller allocated. What dst held, and src, are freed.
 */
void pb_move(ProtobufCMessage *dst, ProtobufCMessage *src);

/*
 * Returns the submessage fd of m, creating an empty one (and selecting its
 * oneof case, clearing the previous member) when create is set; NULL when
 * absent and !create.
 */
ProtobufCMessage *pb_submsg(ProtobufCMessage *m,
                            const ProtobufCFieldDescriptor *fd, bool create);

/*
 * Makes the value at path in dst equal to the one in src: a deep copy when
 * src has it, a clear when it does not. Missing parents in dst are created
 * only when there is something to copy.
 */
void pb_path_copy(ProtobufCMessage *dst, const ProtobufCMessage *src,
                  const struct pb_path *path);

/* Copies every present field of src over dst (deep). Same descriptors. */
void pb_merge(ProtobufCMessage *dst, const ProtobufCMessage *src);

/* Deep copy of a message, malloc'ed. */
ProtobufCMessage *pb_dup(const ProtobufCMessage *);

/* An empty message of type md, malloc'ed and initialised. */
ProtobufCMessage *pb_new(const ProtobufCMessageDescriptor *md);

/*
 * Checks what protobuf-c does not: strings are valid UTF-8, enum values are
 * known. -ISMS_EINVAL with the field path in err.
 */
int pb_validate(const ProtobufCMessage *, struct isms_err *err);

/* Drops unknown fields everywhere in m (they are never stored). */
void pb_strip_unknown(ProtobufCMessage *m);

/*
 * Enum names for humans: RISK_STATUS_OPEN of enum RiskStatus is "open"
 * (the UPPER_SNAKE enum name prefix removed, lower-cased). Returns NULL for
 * an unknown value.
 */
const char *pb_enum_name(const ProtobufCEnumDescriptor *, int value, char *buf,
                         size_t len);

/* Parses "open", "RISK_STATUS_OPEN" or "1". 0 or -ISMS_EINVAL. */
int pb_enum_parse(const ProtobufCEnumDescriptor *, const char *s, int *value);

/* Writes the list of human enum names, "open|assessed|...", into buf. */
void pb_enum_names(const ProtobufCEnumDescriptor *, char *buf, size_t len);

/*
 * Sets scalar field fd of m from text (numbers, bools yes/no/true/false,
 * enum names, strings). For a repeated field the value is appended.
 * -ISMS_EINVAL naming the field and the expected type on bad text.
 */
int pb_field_set_text(ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd,
                      const char *text, struct isms_err *err);

/* Removes every element equal to text from repeated string field fd. */
void pb_field_remove_text(ProtobufCMessage *m,
                          const ProtobufCFieldDescriptor *fd, const char *text);

/* The name of fd's type for error messages: "integer", "one of a|b|c". */
void pb_field_type_name(const ProtobufCFieldDescriptor *fd, char *buf,
                        size_t len);

/*
 * Formats element i of fd (i = 0 for a singular field) as text: numbers in
 * decimal, enums by their human name, bools as true/false. Messages are not
 * scalars: returns -1 for them.
 */
int pb_field_format(const ProtobufCMessage *m,
                    const ProtobufCFieldDescriptor *fd, size_t i, char *buf,
                    size_t len);

/*
 * Whether two messages (NULL allowed) hold the same values, compared field
 * by field (nested messages and unknown fields too), without packing.
 */
bool pb_equal(const ProtobufCMessage *a, const ProtobufCMessage *b);

/* Whether a and b (same type) hold the same value for fd. */
bool pb_field_equal(const ProtobufCMessage *a, const ProtobufCMessage *b,
                    const ProtobufCFieldDescriptor *fd);

/* Whether text is valid UTF-8 of len bytes. */
bool pb_utf8_valid(const char *s, size_t len);

#endif
