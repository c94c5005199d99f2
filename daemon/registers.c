/* registers.c: the table of registers and lookups over it. */
#include <string.h>

#include "pbfield.h"
#include "registers.h"

const struct register_def *const registers[] = {
    &register_risk,
    &register_asset,
    NULL,
};

const struct register_def *
register_by_name(const char *name)
{
	const struct register_def *const *r;

	for (r = registers; *r != NULL; r++)
		if (strcmp((*r)->name, name) == 0)
			return *r;
	return NULL;
}

const struct register_def *
register_by_case(uint32_t body_case)
{
	const struct register_def *const *r;

	for (r = registers; *r != NULL; r++)
		if ((*r)->body_case == body_case)
			return *r;
	return NULL;
}

const struct register_def *
register_by_id(const char *id)
{
	const struct register_def *const *r;
	size_t n;

	for (r = registers; *r != NULL; r++) {
		n = strlen((*r)->prefix);
		if (strncmp(id, (*r)->prefix, n) == 0 && id[n] == '-')
			return *r;
	}
	return NULL;
}

ProtobufCMessage *
register_body(const Isms__V1__Record *rec)
{
	const ProtobufCFieldDescriptor *fd;

	if (rec->body_case == ISMS__V1__RECORD__BODY__NOT_SET)
		return NULL;
	fd = protobuf_c_message_descriptor_get_field(
	    &isms__v1__record__descriptor, rec->body_case);
	return fd == NULL ? NULL
	                  : *(ProtobufCMessage **)pb_field_ptr(
	                        (const ProtobufCMessage *)rec, fd);
}

const ProtobufCFieldDescriptor *
register_status_field(const struct register_def *r)
{
	const ProtobufCFieldDescriptor *fd;

	fd = protobuf_c_message_descriptor_get_field(
	    &isms__v1__record__descriptor, r->body_case);
	if (fd == NULL)
		return NULL;
	fd = pb_field_by_name(fd->descriptor, "status");
	return fd != NULL && fd->type == PROTOBUF_C_TYPE_ENUM ? fd : NULL;
}

int
register_check_scale(const char *field, protobuf_c_boolean has, uint32_t v,
                     uint32_t max, struct isms_err *err)
{
	if (has && (v < 1 || v > max))
		return isms_err_set(
		    err, ISMS_EINVAL,
		    "field '%s' must be between 1 and %u, got %u", field, max,
		    v);
	return 0;
}
