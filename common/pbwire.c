/* pbwire.c: checks on the wire bytes that unpacking hides. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "pbwire.h"

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

/* pb_wire_check with the path so far and a depth guard. */
static int
pb_wire_check_at(const ProtobufCMessageDescriptor *md, const uint8_t *p,
                 size_t len, const char *prefix, int depth,
                 struct isms_err *err)
{
	const uint8_t *end = p + len;
	const ProtobufCFieldDescriptor *fd;
	uint64_t tag, n;
	char path[256];
	int rc;

	if (depth > 32)
		return 0;
	while (p < end) {
		if (!pb_wire_varint(&p, end, &tag))
			return 0;
		fd = protobuf_c_message_descriptor_get_field(
		    md, (unsigned)(tag >> 3));
		switch (tag & 7) {
		case 0:
			if (!pb_wire_varint(&p, end, &n))
				return 0;
			break;
		case 1:
		case 5:
			n = (tag & 7) == 1 ? 8 : 4;
			if ((uint64_t)(end - p) < n)
				return 0;
			p += n;
			break;
		case 2:
			if (!pb_wire_varint(&p, end, &n) ||
			    (uint64_t)(end - p) < n)
				return 0;
			if (fd != NULL) {
				snprintf(path, sizeof path, "%s%s%s", prefix,
				         *prefix ? "." : "", fd->name);
				if (fd->type == PROTOBUF_C_TYPE_STRING &&
				    memchr(p, '\0', (size_t)n) != NULL)
					return isms_err_set(
					    err, ISMS_EINVAL,
					    "field '%s' holds a NUL byte",
					    path);
				if (fd->type == PROTOBUF_C_TYPE_MESSAGE &&
				    (rc = pb_wire_check_at(
				         fd->descriptor, p, (size_t)n, path,
				         depth + 1, err)) != 0)
					return rc;
			}
			p += n;
			break;
		default:
			return 0; /* groups: the unpacker refuses them */
		}
	}
	return 0;
}

int
pb_wire_check(const ProtobufCMessageDescriptor *md, const uint8_t *data,
              size_t len, struct isms_err *err)
{
	return pb_wire_check_at(md, data, len, "", 0, err);
}
