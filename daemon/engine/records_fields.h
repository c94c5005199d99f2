/*
 * records_fields.h: what records.c asks of records_fields.c, the fields a
 * client may send: no other module includes it.
 */
#ifndef ISMS_RECORDS_FIELDS_H
#define ISMS_RECORDS_FIELDS_H

#include <stdbool.h>

#include "proto/isms.pb-c.h"

struct register_def;

/* Whether header field name is the server's to set. */
bool records_is_server_field(const char *name);
/* Whether name is a body field reg derives itself. */
bool records_is_derived(const struct register_def *reg, const char *name);
/* Whether fd is one of a record's body oneof members. */
bool records_is_body(const ProtobufCFieldDescriptor *fd);
/* Clears the header fields that are filled on reads and never stored. */
void records_clear_unstored(Isms__V1__Record *rec);
struct records_put_plan;
/* A batch put's links (plan->links) and next_review_on, onto rec. */
void records_put_batch_fields(Isms__V1__Record *rec, const Isms__V1__Put *put,
                              const struct records_put_plan *plan);

#endif
