/* fieldelem.c: elements of lists of records as "a=x;b=y" text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fieldargs.h"
#include "fieldelem.h"
#include "timefmt.h"
#include "xmalloc.h"

bool
ctl_elem_is_list(const ProtobufCFieldDescriptor *fd)
{
	return fd->type == PROTOBUF_C_TYPE_MESSAGE &&
	       fd->label == PROTOBUF_C_LABEL_REPEATED;
}

/* "a=...;b=..." for message type md, into buf. */
static void
elem_template_md(const ProtobufCMessageDescriptor *md, char *buf, size_t len)
{
	size_t off = 0;
	unsigned i;

	buf[0] = '\0';
	for (i = 0; i < md->n_fields && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s=...",
		                        i > 0 ? ";" : "", md->fields[i].name);
}

void
ctl_elem_template(const ProtobufCFieldDescriptor *fd, char *buf, size_t len)
{
	elem_template_md(fd->descriptor, buf, len);
}

/* Copies the next ';'-separated part of *p (unescaping "\;") into a new
 * string and moves *p past it; NULL at the end. */
static char *
elem_next_part(const char **p)
{
	const char *s = *p;
	char *out, *o;

	s += strspn(s, " ");
	if (*s == '\0')
		return NULL;
	out = o = xmalloc(strlen(s) + 1);
	for (; *s != '\0' && *s != ';'; s++) {
		if (s[0] == '\\' && s[1] == ';')
			s++;
		*o++ = *s;
	}
	*o = '\0';
	*p = *s == ';' ? s + 1 : s;
	return out;
}

/* The text to store for value of sub-field fd: instants as seconds (in
 * num). NULL on a bad instant. */
static const char *
elem_value_text(const ProtobufCFieldDescriptor *fd, const char *value,
                char *num, size_t len)
{
	int64_t t;

	if (!ctl_field_is_instant(fd) || *value == '\0')
		return value;
	if (timefmt_parse_instant(value, &t) != 0)
		return NULL;
	snprintf(num, len, "%lld", (long long)t);
	return num;
}

/* Sets "sub=value" (part) in element el of list name. */
static int
elem_set_part(ProtobufCMessage *el, const char *name, const char *part,
              struct isms_err *err)
{
	const ProtobufCMessageDescriptor *md = el->descriptor;
	const ProtobufCFieldDescriptor *fd = NULL;
	const char *eq = strchr(part, '='), *text;
	char sub[128], tname[600], num[32];

	if (eq != NULL && eq != part && (size_t)(eq - part) < sizeof sub) {
		snprintf(sub, sizeof sub, "%.*s", (int)(eq - part), part);
		fd = pb_field_by_name(md, sub);
	}
	if (fd == NULL || fd->type == PROTOBUF_C_TYPE_MESSAGE) {
		elem_template_md(md, tname, sizeof tname);
		return isms_err_set(err, ISMS_EINVAL,
		                    "%s: '%s' is not a field of its elements; "
		                    "write %s",
		                    name, part, tname);
	}
	if ((text = elem_value_text(fd, eq + 1, num, sizeof num)) == NULL)
		return isms_err_set(
		    err, ISMS_EINVAL,
		    "%s.%s expects an ISO 8601 instant, got '%s'", name, sub,
		    eq + 1);
	if (*text == '\0') {
		pb_field_clear(el, fd);
		return 0;
	}
	if (fd->label == PROTOBUF_C_LABEL_REPEATED)
		pb_field_clear(el, fd); /* one value: the list of one */
	if (pb_field_set_text(el, fd, text, NULL) != 0) {
		pb_field_type_name(fd, tname, sizeof tname);
		return isms_err_set(err, ISMS_EINVAL,
		                    "%s.%s expects %s, got '%s'", name, sub,
		                    tname, text);
	}
	return 0;
}

int
ctl_elem_parse(const ProtobufCFieldDescriptor *fd, const char *name,
               const char *text, ProtobufCMessage **out, struct isms_err *err)
{
	ProtobufCMessage *el = pb_new(fd->descriptor);
	const char *p = text;
	char *part, tname[600];
	int rc = 0;

	while (rc == 0 && (part = elem_next_part(&p)) != NULL) {
		rc = elem_set_part(el, name, part, err);
		free(part);
	}
	if (rc == 0 && protobuf_c_message_get_packed_size(el) == 0) {
		ctl_elem_template(fd, tname, sizeof tname);
		rc = isms_err_set(err, ISMS_EINVAL,
		                  "%s: an element needs its fields: '%s'", name,
		                  tname);
	}
	if (rc != 0) {
		protobuf_c_message_free_unpacked(el, NULL);
		el = NULL;
	}
	*out = el;
	return rc;
}

/* The elements of list fd of m, and their count in *n. */
static ProtobufCMessage **
elem_array(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd,
           size_t *n)
{
	*n = pb_field_count(m, fd);
	return *(ProtobufCMessage ***)pb_field_ptr(m, fd);
}

void
ctl_elem_append(ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd,
                ProtobufCMessage *el)
{
	ProtobufCMessage **arr;
	size_t i, n;

	arr = elem_array(m, fd, &n);
	for (i = 0; i < n; i++)
		if (pb_equal(arr[i], el)) {
			protobuf_c_message_free_unpacked(el, NULL);
			return;
		}
	arr = xreallocarray(arr, n + 1, sizeof *arr);
	arr[n] = el;
	*(ProtobufCMessage ***)pb_field_ptr(m, fd) = arr;
	*(size_t *)((char *)m + fd->quantifier_offset) = n + 1;
}

/* Whether el holds every field the probe has, with the probe's value. */
static bool
elem_matches(const ProtobufCMessage *el, const ProtobufCMessage *probe)
{
	const ProtobufCMessageDescriptor *md = probe->descriptor;
	unsigned i;

	for (i = 0; i < md->n_fields; i++)
		if (pb_field_present(probe, &md->fields[i]) &&
		    !pb_field_equal(el, probe, &md->fields[i]))
			return false;
	return true;
}

/* Whether element i (0-based) of n is the one "#N" names. */
static bool
elem_is_nth(const char *text, size_t i)
{
	char *end;
	unsigned long k = strtoul(text + 1, &end, 10);

	return *end == '\0' && k == i + 1;
}

int
ctl_elem_remove(ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd,
                const char *name, const char *text, struct isms_err *err)
{
	ProtobufCMessage **arr, *probe = NULL;
	size_t i, n, kept = 0;
	bool by_pos = text[0] == '#';
	int rc;

	if (!by_pos && (rc = ctl_elem_parse(fd, name, text, &probe, err)) != 0)
		return rc;
	arr = elem_array(m, fd, &n);
	for (i = 0; i < n; i++) {
		if (by_pos ? elem_is_nth(text, i) : elem_matches(arr[i], probe))
			protobuf_c_message_free_unpacked(arr[i], NULL);
		else
			arr[kept++] = arr[i];
	}
	*(size_t *)((char *)m + fd->quantifier_offset) = kept;
	if (probe != NULL)
		protobuf_c_message_free_unpacked(probe, NULL);
	if (kept == n)
		return isms_err_set(err, ISMS_EINVAL,
		                    "%s: no element %s '%s' (of %zu)", name,
		                    by_pos ? "number" : "holds", text, n);
	return 0;
}

/* v with each ';' written "\;", as an element's text reads back. */
static char *
elem_escape(const char *v)
{
	char *out = xmalloc(2 * strlen(v) + 1), *o = out;

	for (; *v != '\0'; v++) {
		if (*v == ';')
			*o++ = '\\';
		*o++ = *v;
	}
	*o = '\0';
	return out;
}

char *
ctl_elem_text(const ProtobufCMessage *el)
{
	const ProtobufCMessageDescriptor *md = el->descriptor;
	const ProtobufCFieldDescriptor *fd;
	char *s = xstrdup(""), *t, *e, buf[128];
	const char *v;
	unsigned i;

	for (i = 0; i < md->n_fields; i++) {
		fd = &md->fields[i];
		if (!pb_field_present(el, fd) ||
		    fd->type == PROTOBUF_C_TYPE_MESSAGE)
			continue;
		if (fd->type == PROTOBUF_C_TYPE_STRING &&
		    fd->label != PROTOBUF_C_LABEL_REPEATED)
			v = *(char *const *)pb_field_ptr(el, fd);
		else if (ctl_field_is_instant(fd) &&
		         fd->label != PROTOBUF_C_LABEL_REPEATED) {
			timefmt_instant(*(const int64_t *)pb_field_ptr(el, fd),
			                buf, sizeof buf);
			v = buf;
		} else if (pb_field_format(el, fd, 0, buf, sizeof buf) == 0)
			v = buf;
		else
			continue;
		e = elem_escape(v);
		t = xasprintf("%s%s%s=%s", s, *s != '\0' ? "; " : "", fd->name,
		              e);
		free(e);
		free(s);
		s = t;
	}
	return s;
}
