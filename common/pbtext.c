/* pbtext.c: fields as text, for the CLI and error messages: enum names,
 * type names, parsing a value into a field and formatting one. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pbfield.h"
#include "pbfield_int.h"
#include "xmalloc.h"

/* Human names of the types for error messages. */
static const char *const pb_type_text[] = {
    [PROTOBUF_C_TYPE_INT32] = "an integer",
    [PROTOBUF_C_TYPE_SINT32] = "an integer",
    [PROTOBUF_C_TYPE_SFIXED32] = "an integer",
    [PROTOBUF_C_TYPE_INT64] = "an integer",
    [PROTOBUF_C_TYPE_SINT64] = "an integer",
    [PROTOBUF_C_TYPE_SFIXED64] = "an integer",
    [PROTOBUF_C_TYPE_UINT32] = "an unsigned integer",
    [PROTOBUF_C_TYPE_FIXED32] = "an unsigned integer",
    [PROTOBUF_C_TYPE_UINT64] = "an unsigned integer",
    [PROTOBUF_C_TYPE_FIXED64] = "an unsigned integer",
    [PROTOBUF_C_TYPE_FLOAT] = "a number",
    [PROTOBUF_C_TYPE_DOUBLE] = "a number",
    [PROTOBUF_C_TYPE_BOOL] = "yes/no",
    [PROTOBUF_C_TYPE_ENUM] = "an enum",
    [PROTOBUF_C_TYPE_STRING] = "text",
    [PROTOBUF_C_TYPE_BYTES] = "bytes",
    [PROTOBUF_C_TYPE_MESSAGE] = "a message",
};

/* "RiskStatus" → "RISK_STATUS_": the prefix the enum's values carry. */
static size_t
pb_enum_prefix(const ProtobufCEnumDescriptor *ed, char *buf, size_t len)
{
	const char *s = ed->short_name;
	size_t n = 0, i;

	for (i = 0; s[i] != '\0' && n + 3 < len; i++) {
		if (i > 0 && isupper((unsigned char)s[i]))
			buf[n++] = '_';
		buf[n++] = (char)toupper((unsigned char)s[i]);
	}
	buf[n++] = '_';
	buf[n] = '\0';
	return n;
}

const char *
pb_enum_name(const ProtobufCEnumDescriptor *ed, int value, char *buf,
             size_t len)
{
	const ProtobufCEnumValue *ev;
	char prefix[128];
	const char *s;
	size_t plen, i;

	if ((ev = protobuf_c_enum_descriptor_get_value(ed, value)) == NULL)
		return NULL;
	plen = pb_enum_prefix(ed, prefix, sizeof prefix);
	s = ev->name;
	if (strncmp(s, prefix, plen) == 0 && s[plen] != '\0')
		s += plen;
	for (i = 0; s[i] != '\0' && i + 1 < len; i++)
		buf[i] = (char)tolower((unsigned char)s[i]);
	buf[i] = '\0';
	return buf;
}

int
pb_enum_parse(const ProtobufCEnumDescriptor *ed, const char *s, int *value)
{
	char buf[128], *end;
	unsigned i;
	long v;

	for (i = 0; i < ed->n_values; i++) {
		if (pb_enum_name(ed, ed->values[i].value, buf, sizeof buf) !=
		        NULL &&
		    (strcasecmp(buf, s) == 0 ||
		     strcasecmp(ed->values[i].name, s) == 0)) {
			*value = ed->values[i].value;
			return 0;
		}
	}
	errno = 0;
	v = strtol(s, &end, 10);
	if (*s != '\0' && *end == '\0' && errno == 0 && v >= INT32_MIN &&
	    v <= INT32_MAX &&
	    protobuf_c_enum_descriptor_get_value(ed, (int)v) != NULL) {
		*value = (int)v;
		return 0;
	}
	return -ISMS_EINVAL;
}

void
pb_enum_names(const ProtobufCEnumDescriptor *ed, char *buf, size_t len)
{
	char name[128];
	size_t off = 0;
	unsigned i;

	buf[0] = '\0';
	for (i = 0; i < ed->n_values && off < len; i++) {
		/* The zero "unspecified" value is not a user's choice. */
		if (ed->values[i].value == 0 &&
		    strstr(ed->values[i].name, "UNSPECIFIED") != NULL)
			continue;
		pb_enum_name(ed, ed->values[i].value, name, sizeof name);
		off += snprintf(buf + off, len - off, "%s%s", off ? "|" : "",
		                name);
	}
}

void
pb_field_type_name(const ProtobufCFieldDescriptor *fd, char *buf, size_t len)
{
	char names[512];

	if (fd->type == PROTOBUF_C_TYPE_ENUM) {
		pb_enum_names(fd->descriptor, names, sizeof names);
		snprintf(buf, len, "one of %s", names);
	} else
		snprintf(buf, len, "%s", pb_type_text[fd->type]);
}

/* Parses text into one element of fd's type at p. 0 or -1. */
static int
pb_elt_parse(const ProtobufCFieldDescriptor *fd, void *p, const char *text)
{
	char *end;
	long long sv;
	unsigned long long uv;
	double dv;
	int ev;

	errno = 0;
	switch (fd->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		sv = strtoll(text, &end, 10);
		if (*text == '\0' || *end != '\0' || errno != 0 ||
		    sv < INT32_MIN || sv > INT32_MAX)
			return -1;
		*(int32_t *)p = (int32_t)sv;
		return 0;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		sv = strtoll(text, &end, 10);
		if (*text == '\0' || *end != '\0' || errno != 0)
			return -1;
		*(int64_t *)p = sv;
		return 0;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		if (!isdigit((unsigned char)*text))
			return -1;
		uv = strtoull(text, &end, 10);
		if (*end != '\0' || errno != 0)
			return -1;
		if (pb_type_size[fd->type] == 4) {
			if (uv > UINT32_MAX)
				return -1;
			*(uint32_t *)p = (uint32_t)uv;
		} else
			*(uint64_t *)p = uv;
		return 0;
	case PROTOBUF_C_TYPE_FLOAT:
	case PROTOBUF_C_TYPE_DOUBLE:
		dv = strtod(text, &end);
		if (*text == '\0' || *end != '\0' || errno != 0)
			return -1;
		if (fd->type == PROTOBUF_C_TYPE_FLOAT)
			*(float *)p = (float)dv;
		else
			*(double *)p = dv;
		return 0;
	case PROTOBUF_C_TYPE_BOOL:
		if (strcasecmp(text, "yes") == 0 ||
		    strcasecmp(text, "true") == 0 || strcmp(text, "1") == 0)
			*(protobuf_c_boolean *)p = 1;
		else if (strcasecmp(text, "no") == 0 ||
		         strcasecmp(text, "false") == 0 ||
		         strcmp(text, "0") == 0)
			*(protobuf_c_boolean *)p = 0;
		else
			return -1;
		return 0;
	case PROTOBUF_C_TYPE_ENUM:
		if (pb_enum_parse(fd->descriptor, text, &ev) != 0)
			return -1;
		*(int *)p = ev;
		return 0;
	case PROTOBUF_C_TYPE_STRING:
		if (!pb_utf8_valid(text, strlen(text)))
			return -1;
		*(char **)p = xstrdup(text);
		return 0;
	case PROTOBUF_C_TYPE_BYTES:
		((ProtobufCBinaryData *)p)->len = strlen(text);
		((ProtobufCBinaryData *)p)->data = (uint8_t *)xstrdup(text);
		return 0;
	default:
		return -1;
	}
}

int
pb_field_set_text(ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd,
                  const char *text, struct isms_err *err)
{
	union {
		int64_t i;
		double d;
		void *p;
		ProtobufCBinaryData b;
	} v;
	size_t sz = pb_type_size[fd->type], n;
	char tname[600];
	char **arr;

	memset(&v, 0, sizeof v);
	if (fd->type == PROTOBUF_C_TYPE_MESSAGE ||
	    pb_elt_parse(fd, &v, text) != 0) {
		pb_field_type_name(fd, tname, sizeof tname);
		return isms_err_set(err, ISMS_EINVAL,
		                    "field '%s' expects %s, got '%s'", fd->name,
		                    tname, text);
	}
	if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
		n = *(size_t *)pb_quant_ptr(m, fd);
		arr = pb_field_ptr(m, fd);
		*arr = xreallocarray(*arr, n + 1, sz);
		memcpy(*arr + n * sz, &v, sz);
		*(size_t *)pb_quant_ptr(m, fd) = n + 1;
		return 0;
	}
	pb_field_clear(m, fd);
	memcpy(pb_field_ptr(m, fd), &v, sz);
	pb_mark_present(m, fd);
	return 0;
}

void
pb_field_remove_text(ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd,
                     const char *text)
{
	size_t i, j, n;
	char **arr;

	if (fd->label != PROTOBUF_C_LABEL_REPEATED ||
	    fd->type != PROTOBUF_C_TYPE_STRING)
		return;
	n = *(size_t *)pb_quant_ptr(m, fd);
	arr = *(char ***)pb_field_ptr(m, fd);
	for (i = j = 0; i < n; i++) {
		if (strcmp(arr[i], text) == 0)
			free(arr[i]);
		else
			arr[j++] = arr[i];
	}
	*(size_t *)pb_quant_ptr(m, fd) = j;
}

int
pb_field_format(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd,
                size_t i, char *buf, size_t len)
{
	const char *p = pb_field_ptr(m, fd);
	const ProtobufCBinaryData *b;

	if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
		if (i >= pb_field_count(m, fd))
			return -1;
		p = *(char *const *)p + i * pb_type_size[fd->type];
	} else if (!pb_field_present(m, fd)) {
		buf[0] = '\0';
		return 0;
	}
	switch (fd->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		snprintf(buf, len, "%" PRId32, *(const int32_t *)p);
		break;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		snprintf(buf, len, "%" PRId64, *(const int64_t *)p);
		break;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		snprintf(buf, len, "%" PRIu32, *(const uint32_t *)p);
		break;
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		snprintf(buf, len, "%" PRIu64, *(const uint64_t *)p);
		break;
	case PROTOBUF_C_TYPE_FLOAT:
		snprintf(buf, len, "%g", (double)*(const float *)p);
		break;
	case PROTOBUF_C_TYPE_DOUBLE:
		snprintf(buf, len, "%g", *(const double *)p);
		break;
	case PROTOBUF_C_TYPE_BOOL:
		snprintf(buf, len, "%s",
		         *(const protobuf_c_boolean *)p ? "true" : "false");
		break;
	case PROTOBUF_C_TYPE_ENUM:
		if (pb_enum_name(fd->descriptor, *(const int *)p, buf, len) ==
		    NULL)
			snprintf(buf, len, "%d", *(const int *)p);
		break;
	case PROTOBUF_C_TYPE_STRING:
		snprintf(buf, len, "%s",
		         *(char *const *)p ? *(char *const *)p : "");
		break;
	case PROTOBUF_C_TYPE_BYTES:
		b = (const ProtobufCBinaryData *)p;
		snprintf(buf, len, "%.*s", (int)b->len, (const char *)b->data);
		break;
	default:
		return -1;
	}
	return 0;
}
