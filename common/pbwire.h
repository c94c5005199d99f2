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

/*
 * Checks the wire bytes of a message of type md for what unpacking hides:
 * a string with an embedded NUL (protobuf-c would cut it short). Fields
 * are named by path in err. Malformed bytes are left to the unpacker.
 */
int pb_wire_check(const ProtobufCMessageDescriptor *md, const uint8_t *data,
                  size_t len, struct isms_err *err);

#endif
