/* registers.c: the table of registers and lookups over it. */
#include <stdlib.h>
#include <string.h>

#include "pbfield.h"
#include "registers.h"
#include "timefmt.h"
#include "xmalloc.h"

/* Every register, in the list's order: common/reglist.h. */
#define REGISTER_PTR(n, N, p) &register_##n,
const struct register_def *const registers[] = {
    ISMS_REGISTERS(REGISTER_PTR) NULL,
};

int
register_index(const char *name)
{
	int i;

	for (i = 0; name != NULL && registers[i] != NULL; i++)
		if (strcmp(registers[i]->name, name) == 0)
			return i;
	return -1;
}

const struct register_def *
register_by_name(const char *name)
{
	int i = register_index(name);

	return i < 0 ? NULL : registers[i];
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
		if ((*r)->owns_id != NULL && (*r)->owns_id(id))
			return *r;
		n = strlen((*r)->prefix);
		if (strncmp(id, (*r)->prefix, n) == 0 && id[n] == '-')
			return *r;
	}
	return NULL;
}

int
register_check_id_in(const char *id, const char *want, struct isms_err *err)
{
	const struct register_def *want_reg, *reg;

	if (want == NULL || want[0] == '\0' || id == NULL || id[0] == '\0')
		return 0;
	if ((want_reg = register_by_name(want)) == NULL)
		return isms_err_set(err, ISMS_EINVAL, "unknown register '%s'",
		                    want);
	if ((reg = register_by_id(id)) == NULL)
		return isms_err_set(err, ISMS_ENOTFOUND, "no record %s", id);
	if (reg != want_reg)
		return isms_err_set(err, ISMS_EINVAL, "%s is %s %s, not %s %s",
		                    id, reglist_article(reg->name), reg->name,
		                    reglist_article(want), want);
	return 0;
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

int
register_check_date(const char *field, const char *s, struct isms_err *err)
{
	if (s != NULL && s[0] != '\0' && !timefmt_date_valid(s))
		return isms_err_set(
		    err, ISMS_EINVAL,
		    "field '%s' must be a date YYYY-MM-DD, got '%s'", field, s);
	return 0;
}

/* The status value of rec's body (0 when r has no status field). */
static int
register_status_of(const struct register_def *r, const Isms__V1__Record *rec)
{
	const ProtobufCFieldDescriptor *sfd = register_status_field(r);
	const ProtobufCMessage *body = register_body(rec);

	if (sfd == NULL || body == NULL || !pb_field_present(body, sfd))
		return 0;
	return *(const int *)pb_field_ptr(body, sfd);
}

/* Whether rec's status is one r's states table flags with flag. */
bool
register_state_is(const struct register_def *r, const Isms__V1__Record *rec,
                  unsigned flag)
{
	const struct register_state *st;
	int s = register_status_of(r, rec);

	for (st = r->states; s != 0 && st != NULL && st->status != 0; st++)
		if (st->status == s)
			return (st->flags & flag) != 0;
	return false;
}

int
register_status(const struct register_def *r, const Isms__V1__Record *rec)
{
	return register_status_of(r, rec);
}

const struct register_state *
register_state_of(const struct register_def *r, int s)
{
	const struct register_state *st;

	for (st = r->states; s != 0 && st != NULL && st->status != 0; st++)
		if (st->status == s)
			return st;
	return NULL;
}

bool
register_move_allowed(const struct register_def *r, int from, int to)
{
	const struct register_move *m;

	if (r->moves == NULL)
		return true;
	for (m = r->moves; m->from != 0 || m->to != 0; m++)
		if (m->from == from && m->to == to)
			return true;
	return false;
}

/* Whether rec enters status s with this change. */
bool
register_entering(const struct register_def *r, const Isms__V1__Record *rec,
                  const Isms__V1__Record *old, int s)
{
	return register_status_of(r, rec) == s &&
	       (old == NULL || register_status_of(r, old) != s);
}

/* Whether rec leaves status s with this change. */
bool
register_leaving(const struct register_def *r, const Isms__V1__Record *rec,
                 const Isms__V1__Record *old, int s)
{
	return old != NULL && register_status_of(r, old) == s &&
	       register_status_of(r, rec) != s;
}

/* Stamps today into an unset (or unchanged) date field. */
void
register_stamp_date(const struct register_ctx *ctx, char **date,
                    const char *was)
{
	char today[TIMEFMT_DATE_LEN];

	if (register_has_text(*date) &&
	    (was == NULL || strcmp(*date, was) != 0))
		return;
	timefmt_date_add(ctx->now, 0, today, sizeof today);
	free(*date);
	*date = xstrdup(today);
}

/* Whether field fd holds the same value in a and b (b may be NULL). */
static bool
register_same_field(const ProtobufCMessage *a, const ProtobufCMessage *b,
                    const ProtobufCFieldDescriptor *fd)
{
	char va[64], vb[64];
	size_t i, n;

	if (b == NULL)
		return !pb_field_present(a, fd);
	if (pb_field_present(a, fd) != pb_field_present(b, fd))
		return false;
	n = fd->label == PROTOBUF_C_LABEL_REPEATED ? pb_field_count(a, fd) : 1;
	if (n != (fd->label == PROTOBUF_C_LABEL_REPEATED ? pb_field_count(b, fd)
	                                                 : 1))
		return false;
	for (i = 0; i < n; i++) {
		if (fd->type == PROTOBUF_C_TYPE_STRING) {
			const char *sa, *sb;

			sa = fd->label == PROTOBUF_C_LABEL_REPEATED
			         ? (*(char ***)pb_field_ptr(a, fd))[i]
			         : *(char **)pb_field_ptr(a, fd);
			sb = fd->label == PROTOBUF_C_LABEL_REPEATED
			         ? (*(char ***)pb_field_ptr(b, fd))[i]
			         : *(char **)pb_field_ptr(b, fd);
			if (strcmp(sa ? sa : "", sb ? sb : "") != 0)
				return false;
		} else if (pb_field_format(a, fd, i, va, sizeof va) != 0 ||
		           pb_field_format(b, fd, i, vb, sizeof vb) != 0 ||
		           strcmp(va, vb) != 0)
			return false;
	}
	return true;
}

/* Refuses a client's change to a derived (catalog) field. */
int
register_check_derived(const struct register_def *r,
                       const Isms__V1__Record *rec, const Isms__V1__Record *old,
                       struct isms_err *err)
{
	const ProtobufCMessage *body = register_body(rec);
	const ProtobufCMessage *was = old != NULL ? register_body(old) : NULL;
	const ProtobufCFieldDescriptor *fd;
	const char *const *f;

	/* The catalog loader's create: the record has its id already. */
	if (old == NULL && register_has_text(rec->id))
		return 0;
	for (f = r->derived; body != NULL && f != NULL && *f != NULL; f++)
		if ((fd = pb_field_by_name(body->descriptor, *f)) != NULL &&
		    !register_same_field(body, was, fd))
			return isms_err_set(
			    err, ISMS_EINVAL,
			    "field '%s' is derived by the server", *f);
	return 0;
}

void
register_set_initial_status(const struct register_def *r,
                            ProtobufCMessage *body)
{
	const ProtobufCFieldDescriptor *sfd = register_status_field(r);

	if (sfd == NULL || body == NULL || pb_field_present(body, sfd))
		return;
	*(int *)pb_field_ptr(body, sfd) = r->initial_status;
	*(protobuf_c_boolean *)((char *)body + sfd->quantifier_offset) = 1;
}
