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

/* pb_wire_check with the path so far (NULL at the top), depth guarded. */
static int
pb_wire_check_at(const ProtobufCMessageDescriptor *md, const uint8_t *p,
                 size_t len, const struct pb_wire_path *up, int depth,
                 struct isms_err *err)
{
	const uint8_t *end = p + len;
	const ProtobufCFieldDescriptor *fd;
	struct pb_wire_path here;
	char path[256];
	uint64_t tag, n;
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
				here.up = up;
				here.name = fd->name;
				if (fd->type == PROTOBUF_C_TYPE_STRING &&
				    memchr(p, '\0', (size_t)n) != NULL) {
					pb_wire_path_fmt(&here, path,
					                 sizeof path);
					return isms_err_set(
					    err, ISMS_EINVAL,
					    "field '%s' holds a NUL byte",
					    path);
				}
				if (fd->type == PROTOBUF_C_TYPE_MESSAGE &&
				    (rc = pb_wire_check_at(
				         fd->descriptor, p, (size_t)n, &here,
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
	return pb_wire_check_at(md, data, len, NULL, 0, err);
}
