/*
 * pbwire.h: what protobuf-c 1.4.1 hides once a message is unpacked, checked
 * on the wire bytes instead.
 */
#ifndef ISMS_PBWIRE_H
#define ISMS_PBWIRE_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#include "errcode.h"

#define PB_WIRE_STRING_DEFAULT   (64u * 1024) /* an incident's story */
#define PB_WIRE_REPEATED_DEFAULT 1000u        /* 2 x ismsctl's catalog chunk */

/* Bounds on what one request may carry; 0: no bound. */
struct pb_wire_limits {
	size_t max_string;   /* bytes of one string or bytes field */
	size_t max_repeated; /* elements of one repeated field */
};

/*
 * Checks the wire bytes of a message of type md for what unpacking hides:
 * a string with an embedded NUL (protobuf-c would cut it short), and for
 * what lim bounds (lim NULL: nothing). In the same walk it checks what
 * pb_validate would on the unpacked message, with its words: strings are
 * valid UTF-8, enum values (plain or packed) are known. It is stricter
 * only where a field occurs more than once: every occurrence is checked,
 * not just the one unpacking keeps. Fields are named by path in err.
 * Malformed bytes are left to the unpacker.
 */
int pb_wire_check(const ProtobufCMessageDescriptor *md, const uint8_t *data,
                  size_t len, const struct pb_wire_limits *lim,
                  struct isms_err *err);

#endif
