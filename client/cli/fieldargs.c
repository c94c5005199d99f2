/*
 * fieldargs.c: field words to a Put, driven by the Record descriptor.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fieldargs.h"
#include "fieldelem.h"
#include "reglist.h"
#include "timefmt.h"
#include "xmalloc.h"

#define RECORD_MD (&isms__v1__record__descriptor)

/* Header fields the server sets: the CLI refuses them, with a hint. */
static const struct {
	const char *name;
	const char *hint;
} ctl_server_fields[] = {
    {"id", "the server allocates it"},
    {"rev", "use --rev N to guard an update"},
    {"created_at", NULL},
    {"created_by", NULL},
    {"updated_at", NULL},
    {"updated_by", NULL},
    {"archived", "use 'archive ID'"},
    {"links", "use 'ismsctl link SOURCE REL TARGET'"},
    {"linked_from", "it lists the records linking here"},
    {"last_reviewed_at", NULL},
    {"next_review_on", "derived from review_interval_days"},
};

#define CTL_NSERVER (sizeof ctl_server_fields / sizeof ctl_server_fields[0])

/* The message type of field fd (a message field). */
static const ProtobufCMessageDescriptor *
field_md(const ProtobufCFieldDescriptor *fd)
{
	return fd->descriptor;
}

/* Whether fd is a member of a oneof (a register body, for Record). */
static bool
field_is_oneof(const ProtobufCFieldDescriptor *fd)
{
	return (fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) != 0;
}

/* The registers come in the list's order (common/reglist.h), the order
 * the server's views use; the descriptor gives each one's fields. */
const ProtobufCFieldDescriptor *
ctl_register_nth(size_t i)
{
	return i < REGLIST_COUNT ? protobuf_c_message_descriptor_get_field(
	                               RECORD_MD, reglist[i].body_case)
	                         : NULL;
}

const ProtobufCFieldDescriptor *
ctl_register_find(const char *name)
{
	const ProtobufCFieldDescriptor *fd;
	size_t i;

	for (i = 0; (fd = ctl_register_nth(i)) != NULL; i++)
		if (strcmp(fd->name, name) == 0)
			return fd;
	return NULL;
}

const ProtobufCFieldDescriptor *
ctl_register_of(const Isms__V1__Record *rec)
{
	const ProtobufCFieldDescriptor *fd;

	if (rec->body_case == ISMS__V1__RECORD__BODY__NOT_SET)
		return NULL;
	fd = protobuf_c_message_descriptor_get_field(RECORD_MD,
	                                             (unsigned)rec->body_case);
	return fd != NULL && field_is_oneof(fd) ? fd : NULL;
}

bool
ctl_field_is_instant(const ProtobufCFieldDescriptor *fd)
{
	size_t n = strlen(fd->name);

	if (fd->type != PROTOBUF_C_TYPE_INT64)
		return false;
	return strcmp(fd->name, "at") == 0 ||
	       (n > 3 && strcmp(fd->name + n - 3, "_at") == 0);
}

/* The entry for a server-managed header field, or -1. */
static int
server_field_index(const char *name)
{
	size_t i;

	for (i = 0; i < CTL_NSERVER; i++)
		if (strcmp(ctl_server_fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

bool
ctl_field_server_managed(const char *name)
{
	return server_field_index(name) != -1;
}

/* Calls fn for the leaves of md, named prefix.field. */
static void
walk_body(const ProtobufCMessageDescriptor *md, const char *prefix, int depth,
          void (*fn)(const char *, const ProtobufCFieldDescriptor *, void *),
          void *arg)
{
	char name[256];
	unsigned i;

	for (i = 0; i < md->n_fields; i++) {
		const ProtobufCFieldDescriptor *fd = &md->fields[i];

		/* No field path comes near the limit; skip one that would. */
		if (snprintf(name, sizeof name, "%s%s%s", prefix,
		             *prefix != '\0' ? "." : "",
		             fd->name) >= (int)sizeof name)
			continue;
		if (fd->type == PROTOBUF_C_TYPE_MESSAGE &&
		    fd->label != PROTOBUF_C_LABEL_REPEATED &&
		    depth + 1 < PB_PATH_MAX)
			walk_body(fd->descriptor, name, depth + 1, fn, arg);
		else
			fn(name, fd, arg);
	}
}

void
ctl_fields_walk(const ProtobufCFieldDescriptor *reg,
                void (*fn)(const char *, const ProtobufCFieldDescriptor *,
                           void *),
                void *arg)
{
	const ProtobufCMessageDescriptor *md = RECORD_MD;
	unsigned i;

	for (i = 0; i < md->n_fields; i++) {
		const ProtobufCFieldDescriptor *fd = &md->fields[i];

		if (!field_is_oneof(fd) && !ctl_field_server_managed(fd->name))
			fn(fd->name, fd, arg);
	}
	if (reg != NULL)
		walk_body(reg->descriptor, "", 1, fn, arg);
}

struct names_buf {
	char *buf;
	size_t len;
	size_t off;
};

/* Appends one name to a names_buf. */
static void
names_add(const char *name, const ProtobufCFieldDescriptor *fd, void *arg)
{
	struct names_buf *nb = arg;

	(void)fd;
	if (nb->off >= nb->len)
		return;
	nb->off += (size_t)snprintf(nb->buf + nb->off, nb->len - nb->off,
	                            "%s%s", nb->off > 0 ? ", " : "", name);
}

void
ctl_fields_valid_names(const ProtobufCFieldDescriptor *reg, char *buf,
                       size_t len)
{
	struct names_buf nb = {buf, len, 0};

	buf[0] = '\0';
	ctl_fields_walk(reg, names_add, &nb);
}

/* Fills the error for an unknown field. */
static int
unknown_field(const ProtobufCFieldDescriptor *reg, const char *name,
              struct isms_err *err)
{
	char names[400];

	ctl_fields_valid_names(reg, names, sizeof names);
	return isms_err_set(err, ISMS_EINVAL,
	                    "unknown field '%s' for %s; valid fields: %s", name,
	                    reg->name, names);
}

/* Splits "f+=v" into its field, op and value; false if malformed. */
static bool
split_word(const char *word, char **key, enum ctl_field_op *op, char **value)
{
	const char *eq = strchr(word, '=');
	size_t klen, i;

	if (eq == NULL || eq == word)
		return false;
	klen = (size_t)(eq - word);
	*op = CTL_FIELD_SET;
	if (word[klen - 1] == '+' || word[klen - 1] == '-') {
		*op =
		    word[klen - 1] == '+' ? CTL_FIELD_APPEND : CTL_FIELD_REMOVE;
		klen--;
	}
	if (klen == 0 || word[0] == '.' || word[klen - 1] == '.')
		return false;
	for (i = 0; i < klen; i++) {
		char c = word[i];

		if (!(c == '_' || c == '.' || (c >= 'a' && c <= 'z') ||
		      (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			return false;
	}
	*key = xstrndup(word, klen);
	*value = xstrdup(eq + 1);
	return true;
}

/*
 * The path text for word name in register reg. Header fields are looked up
 * first, but a register (oneof member) never is one: "treatment" on a risk
 * is risk.treatment, not the treatment register. "risk.impact" names the
 * register explicitly.
 */
static char *
word_path(const ProtobufCFieldDescriptor *reg, const char *name,
          const ProtobufCFieldDescriptor *hdr)
{
	if (hdr != NULL && !field_is_oneof(hdr))
		return xstrdup(name);
	if (hdr == reg && strchr(name, '.') != NULL)
		return xstrdup(name);
	return xasprintf("%s.%s", reg->name, name);
}

/* Fills the error for a word that resolves to nothing. */
static int
unresolved_word(const ProtobufCFieldDescriptor *reg,
                const ProtobufCFieldDescriptor *hdr,
                const struct ctl_field_word *w, struct isms_err *err)
{
	if (hdr == reg)
		return isms_err_set(
		    err, ISMS_EINVAL,
		    "'%s' is the record body; name its fields, e.g. %s.%s=...",
		    w->name, reg->name, field_md(reg)->fields[0].name);
	if (hdr != NULL && field_is_oneof(hdr))
		return isms_err_set(
		    err, ISMS_EINVAL,
		    "field '%s' belongs to the %s register, not %s", w->name,
		    hdr->name, reg->name);
	return unknown_field(reg, w->name, err);
}

/* Checks a word on a list of records: += and = need an element's fields
 * (one element is checked here, so a typo is a usage error at once). */
static int
resolve_list_word(const struct ctl_field_word *w,
                  const ProtobufCFieldDescriptor *leaf, struct isms_err *err)
{
	ProtobufCMessage *el;
	int rc;

	if (w->op == CTL_FIELD_REMOVE && w->value[0] == '#')
		return 0;
	if (w->op == CTL_FIELD_SET && w->value[0] == '\0')
		return 0;
	if ((rc = ctl_elem_parse(leaf, w->name, w->value, &el, err)) == 0)
		protobuf_c_message_free_unpacked(el, NULL);
	return rc;
}

/* Resolves w->name to a path from Record and checks it may be set. */
static int
resolve_word(const ProtobufCFieldDescriptor *reg, struct ctl_field_word *w,
             struct isms_err *err)
{
	const ProtobufCFieldDescriptor *hdr, *leaf;
	char first[128];
	size_t n = strcspn(w->name, ".");
	int i, k;

	snprintf(first, sizeof first, "%.*s", (int)n, w->name);
	hdr = pb_field_by_name(RECORD_MD, first);
	w->path_text = word_path(reg, w->name, hdr);
	if (pb_path_resolve(RECORD_MD, w->path_text, &w->path, NULL) != 0)
		return unresolved_word(reg, hdr, w, err);

	if ((k = server_field_index(w->path.fd[0]->name)) != -1)
		return isms_err_set(
		    err, ISMS_EINVAL, "field '%s' is set by the server%s%s",
		    w->name, ctl_server_fields[k].hint != NULL ? "; " : "",
		    ctl_server_fields[k].hint != NULL
		        ? ctl_server_fields[k].hint
		        : "");
	for (i = 0; i < w->path.n - 1; i++)
		if (w->path.fd[i]->label == PROTOBUF_C_LABEL_REPEATED)
			return isms_err_set(
			    err, ISMS_EINVAL,
			    "field '%s': cannot set inside the list '%s'",
			    w->name, w->path.fd[i]->name);

	leaf = w->path.fd[w->path.n - 1];
	if (ctl_elem_is_list(leaf))
		return resolve_list_word(w, leaf, err);
	if (leaf->type == PROTOBUF_C_TYPE_MESSAGE) {
		if (w->op != CTL_FIELD_SET || w->value[0] != '\0')
			return isms_err_set(
			    err, ISMS_EINVAL,
			    "field '%s' has subfields: set them one by one, "
			    "e.g. %s.%s=..., or clear them all with %s=",
			    w->name, w->name, field_md(leaf)->fields[0].name,
			    w->name);
	}
	if (w->op != CTL_FIELD_SET && leaf->label != PROTOBUF_C_LABEL_REPEATED)
		return isms_err_set(
		    err, ISMS_EINVAL,
		    "field '%s' is not a list: use %s=VALUE (+= and -= edit "
		    "lists such as tags)",
		    w->name, w->name);
	if (w->op == CTL_FIELD_REMOVE && leaf->type != PROTOBUF_C_TYPE_STRING)
		return isms_err_set(
		    err, ISMS_EINVAL,
		    "field '%s': -= works on lists of text only", w->name);
	return 0;
}

int
ctl_fields_parse(struct ctl_fields *f, const ProtobufCFieldDescriptor *reg,
                 int nwords, char *const *words, struct isms_err *err)
{
	struct ctl_field_word *w;
	int i, rc;

	memset(f, 0, sizeof *f);
	f->reg = reg;
	if (nwords > 0)
		f->w = xcalloc((size_t)nwords, sizeof *f->w);
	for (i = 0; i < nwords; i++) {
		w = &f->w[f->n];
		if (!split_word(words[i], &w->name, &w->op, &w->value))
			return isms_err_set(
			    err, ISMS_EINVAL,
			    "expected field=value, field+=value or "
			    "field-=value, got '%s'",
			    words[i]);
		f->n++;
		if ((rc = resolve_word(reg, w, err)) != 0)
			return rc;
	}
	return 0;
}

/* Index of the first word before i naming the same path (op any), or -1. */
static ssize_t
earlier_word(const struct ctl_fields *f, size_t i, bool only_set)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (strcmp(f->w[j].path_text, f->w[i].path_text) == 0 &&
		    (!only_set || f->w[j].op == CTL_FIELD_SET))
			return (ssize_t)j;
	return -1;
}

bool
ctl_fields_need_current(const struct ctl_fields *f)
{
	size_t i;

	/* A list edited before any "=" replaced it starts from the store. */
	for (i = 0; i < f->n; i++)
		if (f->w[i].op != CTL_FIELD_SET &&
		    earlier_word(f, i, true) == -1)
			return true;
	return false;
}

/* The message holding the leaf of path in root; NULL if absent, !create. */
static ProtobufCMessage *
path_parent(ProtobufCMessage *root, const struct pb_path *path, bool create)
{
	ProtobufCMessage *m = root;
	int i;

	for (i = 0; i < path->n - 1 && m != NULL; i++)
		m = pb_submsg(m, path->fd[i], create);
	return m;
}

/* Whether repeated string field fd of m holds text. */
static bool
list_contains(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd,
              const char *text)
{
	char *const *arr = *(char *const *const *)pb_field_ptr(m, fd);
	size_t i, n = pb_field_count(m, fd);

	if (fd->type != PROTOBUF_C_TYPE_STRING)
		return false;
	for (i = 0; i < n; i++)
		if (strcmp(arr[i], text) == 0)
			return true;
	return false;
}

/* Sets one value (or appends it to a list), converting instants. */
static int
set_value(ProtobufCMessage *m, const struct ctl_field_word *w,
          struct isms_err *err)
{
	const ProtobufCFieldDescriptor *fd = w->path.fd[w->path.n - 1];
	char tname[600], num[32];
	const char *text = w->value;
	int64_t t;

	if (ctl_field_is_instant(fd)) {
		if (timefmt_parse_instant(w->value, &t) != 0)
			return isms_err_set(
			    err, ISMS_EINVAL,
			    "field '%s' expects an ISO 8601 instant "
			    "(2026-11-28T10:00:00Z or 2026-11-28), got '%s'",
			    w->name, w->value);
		snprintf(num, sizeof num, "%lld", (long long)t);
		text = num;
	}
	if (pb_field_set_text(m, fd, text, NULL) != 0) {
		pb_field_type_name(fd, tname, sizeof tname);
		return isms_err_set(err, ISMS_EINVAL,
		                    "field '%s' expects %s, got '%s'", w->name,
		                    tname, w->value);
	}
	return 0;
}

/* Applies a word on a list of records to its list in parent. */
static int
apply_list_word(const struct ctl_fields *f, size_t i, ProtobufCMessage *parent,
                struct isms_err *err)
{
	const struct ctl_field_word *w = &f->w[i];
	const ProtobufCFieldDescriptor *leaf = w->path.fd[w->path.n - 1];
	ProtobufCMessage *el;
	int rc;

	if (w->op == CTL_FIELD_REMOVE)
		return ctl_elem_remove(parent, leaf, w->name, w->value, err);
	if (w->op == CTL_FIELD_SET && earlier_word(f, i, true) == -1)
		pb_field_clear(parent, leaf);
	if (w->value[0] == '\0')
		return 0;
	if ((rc = ctl_elem_parse(leaf, w->name, w->value, &el, err)) != 0)
		return rc;
	ctl_elem_append(parent, leaf, el);
	return 0;
}

/* Applies word i to rec. */
static int
apply_word(const struct ctl_fields *f, size_t i, Isms__V1__Record *rec,
           const Isms__V1__Record *current, struct isms_err *err)
{
	const struct ctl_field_word *w = &f->w[i];
	const ProtobufCFieldDescriptor *leaf = w->path.fd[w->path.n - 1];
	ProtobufCMessage *parent;

	if (leaf->label != PROTOBUF_C_LABEL_REPEATED) {
		if (w->value[0] == '\0') {
			parent = path_parent(&rec->base, &w->path, false);
			if (parent != NULL)
				pb_field_clear(parent, leaf);
			return 0;
		}
		parent = path_parent(&rec->base, &w->path, true);
		return set_value(parent, w, err);
	}

	/* A list: "=" replaces it, "+=" / "-=" edit the stored one. */
	if (earlier_word(f, i, false) == -1 && w->op != CTL_FIELD_SET &&
	    current != NULL)
		pb_path_copy(&rec->base, &current->base, &w->path);
	parent = path_parent(&rec->base, &w->path, true);
	if (ctl_elem_is_list(leaf))
		return apply_list_word(f, i, parent, err);
	switch (w->op) {
	case CTL_FIELD_SET:
		if (earlier_word(f, i, true) == -1)
			pb_field_clear(parent, leaf);
		return w->value[0] == '\0' ? 0 : set_value(parent, w, err);
	case CTL_FIELD_APPEND:
		if (list_contains(parent, leaf, w->value))
			return 0;
		return set_value(parent, w, err);
	case CTL_FIELD_REMOVE:
		pb_field_remove_text(parent, leaf, w->value);
		return 0;
	}
	return 0;
}

int
ctl_fields_build(const struct ctl_fields *f, const Isms__V1__Record *current,
                 bool update, Isms__V1__Put **out, struct isms_err *err)
{
	Isms__V1__Put *put;
	Isms__V1__Record *rec;
	size_t i;
	int rc;

	put = (Isms__V1__Put *)pb_new(&isms__v1__put__descriptor);
	rec = (Isms__V1__Record *)pb_new(RECORD_MD);
	put->record = rec;
	pb_submsg(&rec->base, f->reg, true);
	for (i = 0; i < f->n; i++) {
		if ((rc = apply_word(f, i, rec, current, err)) != 0) {
			protobuf_c_message_free_unpacked(&put->base, NULL);
			*out = NULL;
			return rc;
		}
		if (!update || earlier_word(f, i, false) != -1)
			continue;
		put->update_mask =
		    xreallocarray(put->update_mask, put->n_update_mask + 1,
		                  sizeof *put->update_mask);
		put->update_mask[put->n_update_mask++] =
		    xstrdup(f->w[i].path_text);
	}
	*out = put;
	return 0;
}

void
ctl_fields_free(struct ctl_fields *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->w[i].name);
		free(f->w[i].path_text);
		free(f->w[i].value);
	}
	free(f->w);
	memset(f, 0, sizeof *f);
}
