/*
 * registers.h: the register table.
 *
 * A register is one body of the Record oneof. Its row says how ids are
 * made, how often records are reviewed and which hook checks and derives
 * its fields. Adding a register: one message in isms.proto, one row in
 * registers.c, one file in registers/.
 */
#ifndef ISMS_REGISTERS_H
#define ISMS_REGISTERS_H

#include <stdint.h>

#include "errcode.h"
#include "proto/isms.pb-c.h"

struct register_def {
	const char *name;     /* the body field name: "risk" */
	const char *prefix;   /* id prefix: "RSK" → RSK-0001 */
	uint32_t body_case;   /* ISMS__V1__RECORD__BODY_RISK */
	uint32_t review_days; /* default review interval */
	int initial_status;   /* status value given on create */
	/* Body fields the server derives: never set by a client. */
	const char *const *derived;
	/*
	 * Checks the record about to be stored (old is NULL on create) and
	 * derives the server's fields. -ISMS_EINVAL naming the field.
	 */
	int (*check)(Isms__V1__Record *rec, const Isms__V1__Record *old,
	             struct isms_err *err);
};

extern const struct register_def register_risk;
extern const struct register_def register_asset;

/* Every register, in display order; NULL-terminated. */
extern const struct register_def *const registers[];

const struct register_def *register_by_name(const char *name);
const struct register_def *register_by_case(uint32_t body_case);
/* The register whose ids look like id ("RSK-0001" → risk), or NULL. */
const struct register_def *register_by_id(const char *id);

/* The key byte of a register's records (its body field number). */
static inline uint8_t
register_code(const struct register_def *r)
{
	return (uint8_t)r->body_case;
}

/* The body message of rec (whatever its register), or NULL. */
ProtobufCMessage *register_body(const Isms__V1__Record *rec);

/* The body's "status" field descriptor for register r, or NULL. */
const ProtobufCFieldDescriptor *
register_status_field(const struct register_def *r);

/* Requires a value in 1..max for an optional uint32 field. */
int register_check_scale(const char *field, protobuf_c_boolean has, uint32_t v,
                         uint32_t max, struct isms_err *err);

#endif
