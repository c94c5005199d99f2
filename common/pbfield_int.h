/*
 * pbfield_int.h: what pbfield.c shares with pbtext.c, its text half: no
 * other module includes it.
 */
#ifndef ISMS_PBFIELD_INT_H
#define ISMS_PBFIELD_INT_H

#include <stddef.h>

#include <protobuf-c/protobuf-c.h>

/* Size of one element of each protobuf-c type in a message struct. */
extern const size_t pb_type_size[];
/* Where fd's has_ flag or count lives in m. */
void *pb_quant_ptr(const ProtobufCMessage *m,
                   const ProtobufCFieldDescriptor *fd);
/* Marks a singular field present after its value was written. */
void pb_mark_present(ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd);

#endif
