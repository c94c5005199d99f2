/* records_fields.c: which fields of a record a client may send. The header
 * fields the server owns, the body fields a register derives, and a put's
 * plan (its precheck, with the update mask resolved once). */
#include <stdlib.h>
#include <string.h>

#include "change.h"
#include "pbfield.h"
#include "records.h"
#include "records_fields.h"
#include "registers.h"
#include "xmalloc.h"

#define RD (&isms__v1__record__descriptor)

/*
 * Header fields only the server sets, and who sets them. A client that
 * sends one (present in a record put without a mask, or named in a mask)
 * is refused with INVALID_ARGUMENT naming it; id is sent only to name the
 * record an update changes. Body fields a register derives are its row's
 * "derived" list (registers/).
 */
static const struct records_server_field {
	const char *name;
	const char *why;
	bool unstored; /* filled on reads, never part of a stored record */
} records_server_fields[] = {
    {"id", "allocated on create"},
    {"rev", "counted per change; guard an update with expect_rev"},
    {"created_at", "stamped on create"},
    {"created_by", "stamped on create"},
    {"updated_at", "stamped on each change"},
    {"updated_by", "stamped on each change"},
    {"last_reviewed_at", "stamped by Review"},
    {"next_review_on", "derived from review_interval_days; a create may "
                       "give it"},
    {"links", "changed with Link"},
    {"archived", "changed with Archive"},
    {"linked_from", "read from the links of other records", true},
    {NULL, NULL, false},
};

/* The server's reason for header field name, or NULL: the client's. */
static const char *
records_server_field(const char *name)
{
	const struct records_server_field *f;

	for (f = records_server_fields; f->name != NULL; f++)
		if (strcmp(f->name, name) == 0)
			return f->why;
	return NULL;
}

/* Whether header field name is the server's to set. */
bool
records_is_server_field(const char *name)
{
	return records_server_field(name) != NULL;
}

/* Whether name is a body field reg derives itself. */
bool
records_is_derived(const struct register_def *reg, const char *name)
{
	const char *const *f;

	for (f = reg->derived; f != NULL && *f != NULL; f++)
		if (strcmp(*f, name) == 0)
			return true;
	return false;
}

/* The register named by a record's body oneof member, if fd is one. */
bool
records_is_body(const ProtobufCFieldDescriptor *fd)
{
	return (fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) != 0;
}

/* Refuses derived body field name of reg; where: "; do not send it" or
 * "; it cannot be in update_mask". A sign-off's field names its verb. */
static int
records_refuse_derived(const struct register_def *reg, const char *name,
                       const char *where, struct isms_err *err)
{
	if (reg->signoff != NULL && strcmp(reg->signoff->field, name) == 0)
		return isms_err_set(err, ISMS_EINVAL,
		                    "field '%s' is derived by the server: the "
		                    "sign-off 'ismsctl %s %s ID' writes it%s",
		                    name, reg->name, reg->signoff->verb, where);
	return isms_err_set(err, ISMS_EINVAL,
	                    "field '%s' is derived by the server%s", name,
	                    where);
}

/* Refuses server-owned fields present in a record sent without a mask
 * (a create, or an update of every field sent): header ones from the
 * table above, body ones from the register's derived list. */
static int
records_refuse_present(const struct register_def *reg,
                       const Isms__V1__Record *rec, struct isms_err *err)
{
	const ProtobufCMessage *body = register_body(rec);
	const struct records_server_field *f;
	const ProtobufCFieldDescriptor *fd;
	const char *const *d;

	for (f = records_server_fields; f->name != NULL; f++) {
		/* An id names the record an update changes; a create may
		 * give the next review date it knows (an import's). */
		if (strcmp(f->name, "id") == 0 ||
		    (strcmp(f->name, "next_review_on") == 0 &&
		     (rec->id == NULL || rec->id[0] == '\0')))
			continue;
		fd = pb_field_by_name(RD, f->name);
		if (fd != NULL && pb_field_present(&rec->base, fd))
			return isms_err_set(err, ISMS_EINVAL,
			                    "field '%s' is set by the server "
			                    "(%s); do not send it",
			                    f->name, f->why);
	}
	for (d = reg->derived; body != NULL && d != NULL && *d != NULL; d++)
		if ((fd = pb_field_by_name(body->descriptor, *d)) != NULL &&
		    pb_field_present(body, fd))
			return records_refuse_derived(reg, *d,
			                              "; do not send it", err);
	return 0;
}

/* change_path_fn of a put's mask: a path a client may set in reg. */
static int
records_plan_path(void *arg, const struct pb_path *p, const char *path,
                  struct isms_err *err)
{
	const struct register_def *reg = arg;

	if (records_is_server_field(p->fd[0]->name))
		return isms_err_set(err, ISMS_EINVAL,
		                    "field '%s' is set by the server "
		                    "(%s); it cannot be in update_mask",
		                    p->fd[0]->name,
		                    records_server_field(p->fd[0]->name));
	if (records_is_body(p->fd[0]) && p->fd[0]->id != reg->body_case)
		return isms_err_set(
		    err, ISMS_EINVAL,
		    "update_mask path '%s' is not in the %s register", path,
		    reg->name);
	if (records_is_body(p->fd[0]) && p->n >= 2 &&
	    records_is_derived(reg, p->fd[1]->name))
		return records_refuse_derived(
		    reg, p->fd[1]->name, "; it cannot be in update_mask", err);
	if (records_is_body(p->fd[0]) && p->n == 1)
		return isms_err_set(
		    err, ISMS_EINVAL,
		    "update_mask path '%s' names the whole body; "
		    "name its fields",
		    path);
	return 0;
}

/* Checks the mask of a put to reg, resolving each path into plan. */
static int
records_plan_mask(const Isms__V1__Put *put, const struct register_def *reg,
                  struct records_put_plan *plan, struct isms_err *err)
{
	if (put->n_update_mask > RECORDS_PLAN_PATHS)
		plan->paths = xreallocarray(NULL, put->n_update_mask,
		                            sizeof *plan->paths);
	return change_mask_resolve(RD, put->update_mask, put->n_update_mask,
	                           plan->paths, &plan->n_paths,
	                           records_plan_path, (void *)reg, err);
}

int
records_put_plan(const Isms__V1__Put *put, struct records_put_plan *plan,
                 struct isms_err *err)
{
	const Isms__V1__Record *rec = put->record;
	const struct register_def *reg;

	if (rec == NULL)
		return isms_err_set(err, ISMS_EINVAL, "put.record is required");
	if (rec->id != NULL && rec->id[0] != '\0') {
		if ((reg = register_by_id(rec->id)) == NULL)
			return isms_err_set(err, ISMS_ENOTFOUND,
			                    "no register has ids like '%s'",
			                    rec->id);
		if (rec->body_case != ISMS__V1__RECORD__BODY__NOT_SET &&
		    rec->body_case != reg->body_case)
			return register_by_case(rec->body_case) == NULL
			           ? isms_err_set(err, ISMS_EINVAL,
			                          "unknown record body")
			           : register_check_id_in(
			                 rec->id,
			                 register_by_case(rec->body_case)->name,
			                 err);
	} else if ((reg = register_by_case(rec->body_case)) == NULL)
		return isms_err_set(
		    err, ISMS_EINVAL,
		    "a new record needs a body naming its register");
	else if (reg->catalog_only)
		return isms_err_set(
		    err, ISMS_EINVAL,
		    "%s records come from the catalog "
		    "(ismsctl catalog load FILE); they cannot be "
		    "added",
		    reg->name);
	if (put->n_update_mask == 0)
		return records_refuse_present(reg, rec, err);
	return records_plan_mask(put, reg, plan, err);
}

void
records_put_plan_init(struct records_put_plan *plan)
{
	plan->n_paths = 0;
	plan->paths = plan->small;
	plan->batch = false;
	plan->links = false;
}

void
records_put_batch_fields(Isms__V1__Record *rec, const Isms__V1__Put *put,
                         const struct records_put_plan *plan)
{
	const Isms__V1__Record *src = put->record;
	struct pb_path path = {.n = 1};

	if (plan->links) {
		path.fd[0] = pb_field_by_name(RD, "links");
		pb_path_copy(&rec->base, &src->base, &path);
	}
	if (src->next_review_on != NULL && src->next_review_on[0] != '\0') {
		free(rec->next_review_on);
		rec->next_review_on = xstrdup(src->next_review_on);
	}
}

void
records_put_plan_clear(struct records_put_plan *plan)
{
	if (plan->paths != plan->small)
		free(plan->paths);
	records_put_plan_init(plan);
}

/* Clears the header fields that are filled on reads and never stored. */
void
records_clear_unstored(Isms__V1__Record *rec)
{
	const struct records_server_field *f;

	for (f = records_server_fields; f->name != NULL; f++)
		if (f->unstored)
			pb_field_clear((ProtobufCMessage *)rec,
			               pb_field_by_name(RD, f->name));
}
