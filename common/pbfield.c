/* pbfield.c: descriptor-driven field access for protobuf-c messages. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pbfield.h"
#include "pbfield_int.h"
#include "xmalloc.h"

/* Size of one element of each protobuf-c type in a message struct. */
const size_t pb_type_size[] = {
    [PROTOBUF_C_TYPE_INT32] = sizeof(int32_t),
    [PROTOBUF_C_TYPE_SINT32] = sizeof(int32_t),
    [PROTOBUF_C_TYPE_SFIXED32] = sizeof(int32_t),
    [PROTOBUF_C_TYPE_INT64] = sizeof(int64_t),
    [PROTOBUF_C_TYPE_SINT64] = sizeof(int64_t),
    [PROTOBUF_C_TYPE_SFIXED64] = sizeof(int64_t),
    [PROTOBUF_C_TYPE_UINT32] = sizeof(uint32_t),
    [PROTOBUF_C_TYPE_FIXED32] = sizeof(uint32_t),
    [PROTOBUF_C_TYPE_UINT64] = sizeof(uint64_t),
    [PROTOBUF_C_TYPE_FIXED64] = sizeof(uint64_t),
    [PROTOBUF_C_TYPE_FLOAT] = sizeof(float),
    [PROTOBUF_C_TYPE_DOUBLE] = sizeof(double),
    [PROTOBUF_C_TYPE_BOOL] = sizeof(protobuf_c_boolean),
    [PROTOBUF_C_TYPE_ENUM] = sizeof(int),
    [PROTOBUF_C_TYPE_STRING] = sizeof(char *),
    [PROTOBUF_C_TYPE_BYTES] = sizeof(ProtobufCBinaryData),
    [PROTOBUF_C_TYPE_MESSAGE] = sizeof(ProtobufCMessage *),
};

static bool
pb_is_oneof(const ProtobufCFieldDescriptor *fd)
{
	return (fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) != 0;
}

/* Fields whose presence is the pointer itself (no has_ flag). */
static bool
pb_is_pointer(const ProtobufCFieldDescriptor *fd)
{
	return fd->type == PROTOBUF_C_TYPE_STRING ||
	       fd->type == PROTOBUF_C_TYPE_MESSAGE;
}

void *
pb_field_ptr(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd)
{
	return (char *)m + fd->offset;
}

void *
pb_quant_ptr(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd)
{
	return (char *)m + fd->quantifier_offset;
}

size_t
pb_field_count(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd)
{
	if (fd->label != PROTOBUF_C_LABEL_REPEATED)
		return pb_field_present(m, fd) ? 1 : 0;
	return *(size_t *)pb_quant_ptr(m, fd);
}

bool
pb_field_present(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd)
{
	void *p = pb_field_ptr(m, fd);

	if (fd->label == PROTOBUF_C_LABEL_REPEATED)
		return *(size_t *)pb_quant_ptr(m, fd) > 0;
	if (pb_is_oneof(fd))
		return *(uint32_t *)pb_quant_ptr(m, fd) == fd->id;
	if (pb_is_pointer(fd)) {
		void *v = *(void **)p;
		return v != NULL && v != fd->default_value;
	}
	if (fd->label == PROTOBUF_C_LABEL_REQUIRED)
		return true;
	return *(protobuf_c_boolean *)pb_quant_ptr(m, fd) != 0;
}

const ProtobufCFieldDescriptor *
pb_field_by_name(const ProtobufCMessageDescriptor *md, const char *name)
{
	return protobuf_c_message_descriptor_get_field_by_name(md, name);
}

int
pb_path_resolve(const ProtobufCMessageDescriptor *root, const char *path,
                struct pb_path *out, struct isms_err *err)
{
	const ProtobufCMessageDescriptor *md = root;
	char buf[256], *p, *dot;

	if (strlen(path) >= sizeof buf)
		return isms_err_set(err, ISMS_EINVAL, "field path too long");
	strcpy(buf, path);
	out->n = 0;
	for (p = buf; p != NULL; p = dot) {
		const ProtobufCFieldDescriptor *fd;

		if ((dot = strchr(p, '.')) != NULL)
			*dot++ = '\0';
		if (md == NULL)
			return isms_err_set(
			    err, ISMS_EINVAL,
			    "field path '%s': '%s' has no subfields", path,
			    out->n > 0 ? out->fd[out->n - 1]->name : "");
		if (out->n == PB_PATH_MAX)
			return isms_err_set(err, ISMS_EINVAL,
			                    "field path '%s' is too deep",
			                    path);
		if ((fd = pb_field_by_name(md, p)) == NULL)
			return isms_err_set(err, ISMS_EINVAL,
			                    "unknown field '%s' in %s", p,
			                    md->short_name);
		out->fd[out->n++] = fd;
		md =
		    fd->type == PROTOBUF_C_TYPE_MESSAGE ? fd->descriptor : NULL;
	}
	return 0;
}

void
pb_path_format(const struct pb_path *path, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < path->n && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? "." : "",
		                path->fd[i]->name);
}

/* Frees one element of type fd->type at p (strings, bytes, messages). */
static void
pb_elt_free(const ProtobufCFieldDescriptor *fd, void *p)
{
	switch (fd->type) {
	case PROTOBUF_C_TYPE_STRING:
		if (*(char **)p != fd->default_value)
			free(*(char **)p);
		*(char **)p = NULL;
		break;
	case PROTOBUF_C_TYPE_BYTES:
		if (((ProtobufCBinaryData *)p)->data !=
		    (fd->default_value
		         ? ((const ProtobufCBinaryData *)fd->default_value)
		               ->data
		         : NULL))
			free(((ProtobufCBinaryData *)p)->data);
		memset(p, 0, sizeof(ProtobufCBinaryData));
		break;
	case PROTOBUF_C_TYPE_MESSAGE:
		if (*(ProtobufCMessage **)p != NULL)
			protobuf_c_message_free_unpacked(
			    *(ProtobufCMessage **)p, NULL);
		*(ProtobufCMessage **)p = NULL;
		break;
	default:
		break;
	}
}

/* Deep-copies one element from src to dst (dst holds nothing owned). */
static void
pb_elt_copy(const ProtobufCFieldDescriptor *fd, void *dst, const void *src)
{
	const ProtobufCBinaryData *sb;
	ProtobufCBinaryData *db;

	switch (fd->type) {
	case PROTOBUF_C_TYPE_STRING:
		*(char **)dst = *(char *const *)src == NULL
		                    ? NULL
		                    : xstrdup(*(char *const *)src);
		break;
	case PROTOBUF_C_TYPE_BYTES:
		sb = src;
		db = dst;
		db->len = sb->len;
		db->data = NULL;
		if (sb->len > 0) {
			db->data = xmalloc(sb->len);
			memcpy(db->data, sb->data, sb->len);
		}
		break;
	case PROTOBUF_C_TYPE_MESSAGE:
		*(ProtobufCMessage **)dst =
		    *(ProtobufCMessage *const *)src == NULL
		        ? NULL
		        : pb_dup(*(ProtobufCMessage *const *)src);
		break;
	default:
		memcpy(dst, src, pb_type_size[fd->type]);
		break;
	}
}

void
pb_field_clear(ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd)
{
	void *p = pb_field_ptr(m, fd);
	size_t i, n, sz = pb_type_size[fd->type];

	if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
		n = *(size_t *)pb_quant_ptr(m, fd);
		for (i = 0; i < n; i++)
			pb_elt_free(fd, *(char **)p + i * sz);
		free(*(void **)p);
		*(void **)p = NULL;
		*(size_t *)pb_quant_ptr(m, fd) = 0;
		return;
	}
	if (pb_is_oneof(fd)) {
		if (*(uint32_t *)pb_quant_ptr(m, fd) != fd->id)
			return;
		*(uint32_t *)pb_quant_ptr(m, fd) = 0;
	} else if (!pb_is_pointer(fd) && fd->label != PROTOBUF_C_LABEL_REQUIRED)
		*(protobuf_c_boolean *)pb_quant_ptr(m, fd) = 0;
	pb_elt_free(fd, p);
	if (!pb_is_pointer(fd) && fd->type != PROTOBUF_C_TYPE_BYTES)
		memset(p, 0, sz);
}

/* Clears whichever member of fd's oneof is set in m, unless it is fd. */
static void
pb_oneof_select(ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd)
{
	const ProtobufCMessageDescriptor *md = m->descriptor;
	uint32_t cur = *(uint32_t *)pb_quant_ptr(m, fd);
	const ProtobufCFieldDescriptor *other;

	if (cur == fd->id)
		return;
	if (cur != 0 &&
	    (other = protobuf_c_message_descriptor_get_field(md, cur)) != NULL)
		pb_field_clear(m, other);
	*(uint32_t *)pb_quant_ptr(m, fd) = fd->id;
}

/* Marks a singular field present after its value was written. */
void
pb_mark_present(ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd)
{
	if (pb_is_oneof(fd))
		pb_oneof_select(m, fd);
	else if (!pb_is_pointer(fd) && fd->label == PROTOBUF_C_LABEL_OPTIONAL)
		*(protobuf_c_boolean *)pb_quant_ptr(m, fd) = 1;
}

ProtobufCMessage *
pb_new(const ProtobufCMessageDescriptor *md)
{
	ProtobufCMessage *m = xmalloc(md->sizeof_message);

	md->message_init(m);
	return m;
}

void
pb_move(ProtobufCMessage *dst, ProtobufCMessage *src)
{
	unsigned char *a = (unsigned char *)dst, *b = (unsigned char *)src, t;
	size_t i;

	if (dst->descriptor != src->descriptor)
		fatalx("pb_move: %s into %s", src->descriptor->name,
		       dst->descriptor->name);
	/* Swap the two shells' contents; src then frees dst's old ones. */
	for (i = 0; i < dst->descriptor->sizeof_message; i++) {
		t = a[i];
		a[i] = b[i];
		b[i] = t;
	}
	protobuf_c_message_free_unpacked(src, NULL);
}

ProtobufCMessage *
pb_submsg(ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd, bool create)
{
	ProtobufCMessage **pp = pb_field_ptr(m, fd);

	if (fd->type != PROTOBUF_C_TYPE_MESSAGE ||
	    fd->label == PROTOBUF_C_LABEL_REPEATED)
		return NULL;
	if (pb_field_present(m, fd))
		return *pp;
	if (!create)
		return NULL;
	if (pb_is_oneof(fd))
		pb_oneof_select(m, fd);
	*pp = pb_new(fd->descriptor);
	return *pp;
}

/* Copies field fd (all of it) from src into dst, replacing dst's value. */
static void
pb_field_copy(ProtobufCMessage *dst, const ProtobufCMessage *src,
              const ProtobufCFieldDescriptor *fd)
{
	size_t i, n, sz = pb_type_size[fd->type];
	char *darr;
	const char *sarr;

	pb_field_clear(dst, fd);
	if (!pb_field_present(src, fd))
		return;
	if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
		n = *(size_t *)pb_quant_ptr(src, fd);
		sarr = *(char **)pb_field_ptr(src, fd);
		darr = xcalloc(n, sz);
		for (i = 0; i < n; i++)
			pb_elt_copy(fd, darr + i * sz, sarr + i * sz);
		*(char **)pb_field_ptr(dst, fd) = darr;
		*(size_t *)pb_quant_ptr(dst, fd) = n;
		return;
	}
	if (pb_is_oneof(fd))
		pb_oneof_select(dst, fd);
	pb_elt_copy(fd, pb_field_ptr(dst, fd), pb_field_ptr(src, fd));
	pb_mark_present(dst, fd);
}

void
pb_path_copy(ProtobufCMessage *dst, const ProtobufCMessage *src,
             const struct pb_path *path)
{
	int i;

	for (i = 0; i < path->n - 1; i++) {
		const ProtobufCFieldDescriptor *fd = path->fd[i];
		ProtobufCMessage *s = NULL;

		if (src != NULL && pb_field_present(src, fd))
			s = *(ProtobufCMessage **)pb_field_ptr(src, fd);
		/* Nothing to copy and nothing to clear below here. */
		if (s == NULL && !pb_field_present(dst, fd))
			return;
		dst = pb_submsg(dst, fd, true);
		src = s;
	}
	if (src == NULL)
		pb_field_clear(dst, path->fd[path->n - 1]);
	else
		pb_field_copy(dst, src, path->fd[path->n - 1]);
}

void
pb_merge(ProtobufCMessage *dst, const ProtobufCMessage *src)
{
	const ProtobufCMessageDescriptor *md = src->descriptor;
	unsigned i;

	for (i = 0; i < md->n_fields; i++)
		if (pb_field_present(src, &md->fields[i]))
			pb_field_copy(dst, src, &md->fields[i]);
}

ProtobufCMessage *
pb_dup(const ProtobufCMessage *m)
{
	ProtobufCMessage *c = pb_new(m->descriptor);

	pb_merge(c, m);
	return c;
}

bool
pb_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n, k;
	uint32_t cp;

	while (i < len) {
		unsigned char c = p[i];
		uint64_t w;

		/* ASCII, what most strings are, eight bytes at a time. */
		if (len - i >= sizeof w) {
			memcpy(&w, p + i, sizeof w);
			if ((w & UINT64_C(0x8080808080808080)) == 0) {
				i += sizeof w;
				continue;
			}
		}
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else
			return false;
		if (len - i - 1 < n)
			return false;
		for (k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		/* Overlong forms, surrogates, beyond U+10FFFF. */
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return false;
		i += n + 1;
	}
	return true;
}

/* The fields from the root down to a nested message, innermost last. */
struct pb_trail {
	const ProtobufCFieldDescriptor *fd;
	const struct pb_trail *up;
};

/* Formats a trail as "a.b.c" into buf (len > 0). */
static size_t
pb_trail_format(const struct pb_trail *t, char *buf, size_t len)
{
	size_t off = 0, n;

	buf[0] = '\0';
	if (t->up != NULL)
		off = pb_trail_format(t->up, buf, len);
	/* Copied by hand, truncating: what does not fit is dropped. */
	if (off > 0 && off + 1 < len)
		buf[off++] = '.';
	n = strlen(t->fd->name);
	if (n > len - 1 - off)
		n = len - 1 - off;
	memcpy(buf + off, t->fd->name, n);
	off += n;
	buf[off] = '\0';
	return off;
}

/* Refuses field t of a message: the path formatted only now. */
static int
pb_validate_fail(const struct pb_trail *t, struct isms_err *err,
                 const char *what, int value)
{
	char path[256];

	pb_trail_format(t, path, sizeof path);
	if (what == NULL)
		return isms_err_set(err, ISMS_EINVAL,
		                    "field '%s' is not valid UTF-8", path);
	return isms_err_set(err, ISMS_EINVAL, "field '%s' has %s %d", path,
	                    what, value);
}

/* Validates m, reached through trail up (NULL at the root). */
static int
pb_validate_at(const ProtobufCMessage *m, const struct pb_trail *up,
               struct isms_err *err)
{
	const ProtobufCMessageDescriptor *md = m->descriptor;
	unsigned i;
	size_t j, n;
	int rc;

	for (i = 0; i < md->n_fields; i++) {
		const ProtobufCFieldDescriptor *fd = &md->fields[i];
		struct pb_trail t = {fd, up};
		void *p;

		if (!pb_field_present(m, fd))
			continue;
		n = pb_field_count(m, fd);
		p = pb_field_ptr(m, fd);
		if (fd->label == PROTOBUF_C_LABEL_REPEATED)
			p = *(void **)p;
		for (j = 0; j < n; j++) {
			void *e = (char *)p + j * pb_type_size[fd->type];
			const char *s;

			switch (fd->type) {
			case PROTOBUF_C_TYPE_STRING:
				s = *(char **)e;
				if (s != NULL && !pb_utf8_valid(s, strlen(s)))
					return pb_validate_fail(&t, err, NULL,
					                        0);
				break;
			case PROTOBUF_C_TYPE_ENUM:
				if (protobuf_c_enum_descriptor_get_value(
				        fd->descriptor, *(int *)e) == NULL)
					return pb_validate_fail(
					    &t, err, "unknown enum value",
					    *(int *)e);
				break;
			case PROTOBUF_C_TYPE_MESSAGE:
				if (*(ProtobufCMessage **)e != NULL &&
				    (rc =
				         pb_validate_at(*(ProtobufCMessage **)e,
				                        &t, err)) != 0)
					return rc;
				break;
			default:
				break;
			}
		}
	}
	return 0;
}

int
pb_validate(const ProtobufCMessage *m, struct isms_err *err)
{
	return pb_validate_at(m, NULL, err);
}

void
pb_strip_unknown(ProtobufCMessage *m)
{
	const ProtobufCMessageDescriptor *md = m->descriptor;
	unsigned i;
	size_t j, n;

	for (j = 0; j < m->n_unknown_fields; j++)
		free(m->unknown_fields[j].data);
	free(m->unknown_fields);
	m->unknown_fields = NULL;
	m->n_unknown_fields = 0;
	for (i = 0; i < md->n_fields; i++) {
		const ProtobufCFieldDescriptor *fd = &md->fields[i];
		ProtobufCMessage **arr;

		if (fd->type != PROTOBUF_C_TYPE_MESSAGE ||
		    !pb_field_present(m, fd))
			continue;
		if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
			arr = *(ProtobufCMessage ***)pb_field_ptr(m, fd);
			n = pb_field_count(m, fd);
			for (j = 0; j < n; j++)
				pb_strip_unknown(arr[j]);
		} else
			pb_strip_unknown(
			    *(ProtobufCMessage **)pb_field_ptr(m, fd));
	}
}

/* Whether two elements of fd's type are equal. */
static bool
pb_elt_equal(const ProtobufCFieldDescriptor *fd, const void *a, const void *b)
{
	const ProtobufCBinaryData *ba = a, *bb = b;
	const char *sa, *sb;

	switch (fd->type) {
	case PROTOBUF_C_TYPE_STRING:
		sa = *(char *const *)a;
		sb = *(char *const *)b;
		return strcmp(sa ? sa : "", sb ? sb : "") == 0;
	case PROTOBUF_C_TYPE_BYTES:
		return ba->len == bb->len &&
		       (ba->len == 0 ||
		        memcmp(ba->data, bb->data, ba->len) == 0);
	case PROTOBUF_C_TYPE_MESSAGE:
		return pb_equal(*(ProtobufCMessage *const *)a,
		                *(ProtobufCMessage *const *)b);
	default:
		return memcmp(a, b, pb_type_size[fd->type]) == 0;
	}
}

bool
pb_field_equal(const ProtobufCMessage *a, const ProtobufCMessage *b,
               const ProtobufCFieldDescriptor *fd)
{
	size_t n = pb_field_count(a, fd), i, sz = pb_type_size[fd->type];
	const char *pa, *pb;

	if (pb_field_present(a, fd) != pb_field_present(b, fd) ||
	    n != pb_field_count(b, fd))
		return false;
	if (!pb_field_present(a, fd))
		return true;
	pa = pb_field_ptr(a, fd);
	pb = pb_field_ptr(b, fd);
	if (fd->label != PROTOBUF_C_LABEL_REPEATED)
		return pb_elt_equal(fd, pa, pb);
	pa = *(char *const *)pa;
	pb = *(char *const *)pb;
	for (i = 0; i < n; i++)
		if (!pb_elt_equal(fd, pa + i * sz, pb + i * sz))
			return false;
	return true;
}

/* Whether a and b carry the same unknown fields, in the same order. */
static bool
pb_unknown_equal(const ProtobufCMessage *a, const ProtobufCMessage *b)
{
	const ProtobufCMessageUnknownField *ua, *ub;
	unsigned i;

	if (a->n_unknown_fields != b->n_unknown_fields)
		return false;
	for (i = 0; i < a->n_unknown_fields; i++) {
		ua = &a->unknown_fields[i];
		ub = &b->unknown_fields[i];
		if (ua->tag != ub->tag || ua->wire_type != ub->wire_type ||
		    ua->len != ub->len ||
		    (ua->len > 0 && memcmp(ua->data, ub->data, ua->len) != 0))
			return false;
	}
	return true;
}

/* Field by field, nested messages included: nothing is packed. */
bool
pb_equal(const ProtobufCMessage *a, const ProtobufCMessage *b)
{
	const ProtobufCMessageDescriptor *md;
	unsigned i;

	if (a == NULL || b == NULL)
		return a == b;
	if ((md = a->descriptor) != b->descriptor)
		return false;
	for (i = 0; i < md->n_fields; i++)
		if (!pb_field_equal(a, b, &md->fields[i]))
			return false;
	return pb_unknown_equal(a, b);
}
