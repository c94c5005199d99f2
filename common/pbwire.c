/* pbwire.c: checks on the wire bytes that unpacking hides. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pbfield.h"
#include "pbwire.h"
#include "xmalloc.h"

/* Reads a varint at *p (< end); false when malformed. */
static bool
pb_wire_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	unsigned shift = 0;

	*v = 0;
	while (*p < end && shift < 64) {
		uint8_t b = *(*p)++;

		*v |= (uint64_t)(b & 0x7f) << shift;
		if ((b & 0x80) == 0)
			return true;
		shift += 7;
	}
	return false;
}

/* The field path down to where the walk is: formatted only for an error
 * (a check of every request must not print anything). */
struct pb_wire_path {
	const struct pb_wire_path *up;
	const char *name;
};

/* Writes path as "a.b.c" into buf. */
static void
pb_wire_path_fmt(const struct pb_wire_path *path, char *buf, size_t len)
{
	size_t n;

	if (path->up == NULL) {
		snprintf(buf, len, "%s", path->name);
		return;
	}
	pb_wire_path_fmt(path->up, buf, len);
	n = strlen(buf);
	snprintf(buf + n, len - n, ".%s", path->name);
}

#define PB_WIRE_FIELDS_STACK 64 /* fields counted without an allocation */

/* Elements that one occurrence of repeated field fd adds: a packed run
 * of n bytes at p holds many, anything else one. */
static uint64_t
pb_wire_elems(const ProtobufCFieldDescriptor *fd, unsigned wtype,
              const uint8_t *p, uint64_t n)
{
	uint64_t k = 0, i;

	if (wtype != 2 || fd->type == PROTOBUF_C_TYPE_STRING ||
	    fd->type == PROTOBUF_C_TYPE_BYTES ||
	    fd->type == PROTOBUF_C_TYPE_MESSAGE)
		return 1;
	switch (fd->type) {
	case PROTOBUF_C_TYPE_FIXED32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_FLOAT:
		return n / 4;
	case PROTOBUF_C_TYPE_FIXED64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_DOUBLE:
		return n / 8;
	default: /* varints: one ends at each byte without the high bit */
		for (i = 0; i < n; i++)
			k += (p[i] & 0x80) == 0;
		return k;
	}
}

/* The value protobuf-c 1.4.1 stores for an enum varint: its low 32 bits,
 * as an int32 (a negative value is sent as 10 bytes). */
static int32_t
pb_wire_enum_value(uint64_t v)
{
	uint32_t u = (uint32_t)v;

	return u <= INT32_MAX ? (int32_t)u : -(int32_t)(~u) - 1;
}

/* Whether enum field fd knows value v; *bad gets the value if not. */
static bool
pb_wire_enum_known(const ProtobufCFieldDescriptor *fd, uint64_t v, int32_t *bad)
{
	*bad = pb_wire_enum_value(v);
	return protobuf_c_enum_descriptor_get_value(fd->descriptor, *bad) !=
	       NULL;
}

/* Whether every varint of a packed run of enum field fd is known; *bad
 * gets the first that is not. A malformed run is left to the unpacker. */
static bool
pb_wire_enums_known(const ProtobufCFieldDescriptor *fd, const uint8_t *p,
                    const uint8_t *end, int32_t *bad)
{
	uint64_t v;

	while (p < end && pb_wire_varint(&p, end, &v))
		if (!pb_wire_enum_known(fd, v, bad))
			return false;
	return true;
}

/* The rules a field may break. */
enum pb_wire_rule {
	PB_WIRE_NUL,
	PB_WIRE_LONG,
	PB_WIRE_MANY,
	PB_WIRE_UTF8,
	PB_WIRE_ENUM
};

/* The error for field here, which broke rule: formats its path. */
static int
pb_wire_fail(const struct pb_wire_path *here, struct isms_err *err,
             enum pb_wire_rule rule, uint64_t got, size_t limit)
{
	char path[256];

	pb_wire_path_fmt(here, path, sizeof path);
	if (rule == PB_WIRE_NUL)
		return isms_err_set(err, ISMS_EINVAL,
		                    "field '%s' holds a NUL byte", path);
	/* The words of pb_validate, which these two replace on requests. */
	if (rule == PB_WIRE_UTF8)
		return isms_err_set(err, ISMS_EINVAL,
		                    "field '%s' is not valid UTF-8", path);
	if (rule == PB_WIRE_ENUM)
		return isms_err_set(err, ISMS_EINVAL,
		                    "field '%s' has unknown enum value %d",
		                    path, (int)got);
	if (rule == PB_WIRE_LONG)
		return isms_err_set(err, ISMS_EINVAL,
		                    "field '%s' is %llu bytes long, over the "
		                    "limit of %zu (max-string)",
		                    path, (unsigned long long)got, limit);
	return isms_err_set(err, ISMS_EINVAL,
	                    "field '%s' has more than %zu elements "
	                    "(max-repeated)",
	                    path, limit);
}

/* pb_wire_check with the path so far (NULL at the top), depth guarded. */
static int
pb_wire_check_at(const ProtobufCMessageDescriptor *md, const uint8_t *p,
                 size_t len, const struct pb_wire_path *up, int depth,
                 const struct pb_wire_limits *lim, struct isms_err *err)
{
	const uint8_t *end = p + len, *body;
	const ProtobufCFieldDescriptor *fd;
	struct pb_wire_path here;
	/* Elements seen of each repeated field, by index in md. */
	uint64_t stack[PB_WIRE_FIELDS_STACK] = {0}, *seen = stack;
	uint64_t tag, n;
	int32_t bad;
	int rc = 0;

	if (depth > 32)
		return 0;
	if (md->n_fields > PB_WIRE_FIELDS_STACK)
		seen = xcalloc(md->n_fields, sizeof *seen);
	while (rc == 0 && p < end) {
		if (!pb_wire_varint(&p, end, &tag))
			break;
		fd = protobuf_c_message_descriptor_get_field(
		    md, (unsigned)(tag >> 3));
		body = p;
		n = 0;
		switch (tag & 7) {
		case 0:
			if (!pb_wire_varint(&p, end, &n))
				goto out;
			break;
		case 1:
		case 5:
			n = (tag & 7) == 1 ? 8 : 4;
			if ((uint64_t)(end - p) < n)
				goto out;
			p += n;
			break;
		case 2:
			if (!pb_wire_varint(&p, end, &n) ||
			    (uint64_t)(end - p) < n)
				goto out;
			body = p;
			p += n;
			break;
		default:
			goto out; /* groups: the unpacker refuses them */
		}
		if (fd == NULL)
			continue;
		here.up = up;
		here.name = fd->name;
		if (fd->label == PROTOBUF_C_LABEL_REPEATED &&
		    lim->max_repeated &&
		    (seen[fd - md->fields] += pb_wire_elems(
		         fd, (unsigned)(tag & 7), body, n)) > lim->max_repeated)
			rc = pb_wire_fail(&here, err, PB_WIRE_MANY, 0,
			                  lim->max_repeated);
		else if ((tag & 7) == 0 && fd->type == PROTOBUF_C_TYPE_ENUM &&
		         !pb_wire_enum_known(fd, n, &bad))
			rc = pb_wire_fail(&here, err, PB_WIRE_ENUM,
			                  (uint64_t)(int64_t)bad, 0);
		else if ((tag & 7) != 2)
			;
		else if ((fd->type == PROTOBUF_C_TYPE_STRING ||
		          fd->type == PROTOBUF_C_TYPE_BYTES) &&
		         lim->max_string && n > lim->max_string)
			rc = pb_wire_fail(&here, err, PB_WIRE_LONG, n,
			                  lim->max_string);
		else if (fd->type == PROTOBUF_C_TYPE_STRING &&
		         memchr(body, '\0', (size_t)n) != NULL)
			rc = pb_wire_fail(&here, err, PB_WIRE_NUL, 0, 0);
		else if (fd->type == PROTOBUF_C_TYPE_STRING &&
		         !pb_utf8_valid((const char *)body, (size_t)n))
			rc = pb_wire_fail(&here, err, PB_WIRE_UTF8, 0, 0);
		else if (fd->type == PROTOBUF_C_TYPE_ENUM &&
		         !pb_wire_enums_known(fd, body, body + n, &bad))
			rc = pb_wire_fail(&here, err, PB_WIRE_ENUM,
			                  (uint64_t)(int64_t)bad, 0);
		else if (fd->type == PROTOBUF_C_TYPE_MESSAGE)
			rc = pb_wire_check_at(fd->descriptor, body, (size_t)n,
			                      &here, depth + 1, lim, err);
	}
out:
	if (seen != stack)
		free(seen);
	return rc;
}

int
pb_wire_check(const ProtobufCMessageDescriptor *md, const uint8_t *data,
              size_t len, const struct pb_wire_limits *lim,
              struct isms_err *err)
{
	static const struct pb_wire_limits none = {0, 0};

	return pb_wire_check_at(md, data, len, NULL, 0,
	                        lim != NULL ? lim : &none, err);
}
