/* signoff.c: a sign-off, written by the server for its signer. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "pbfield.h"
#include "registers.h"
#include "signoff.h"

/* A sign-off call and who makes it, for signoff_change. */
struct signoff_arg {
	const Isms__V1__SignOff *so;
	bool admin;
};

/* Sets the text of field name of m (a sign-off message). */
static int
signoff_set(ProtobufCMessage *m, const char *name, const char *text,
            struct isms_err *err)
{
	const ProtobufCFieldDescriptor *fd =
	    pb_field_by_name(m->descriptor, name);

	if (fd == NULL)
		return isms_err_set(err, ISMS_EINTERNAL,
		                    "sign-off field '%s' missing", name);
	return pb_field_set_text(m, fd, text, err);
}

/* Refuses a signer who is neither the owner nor an admin, a verb or an
 * option the register's sign-off does not have, and a record whose
 * lifecycle has no way into the signed state from where it is. */
static int
signoff_allowed(const struct register_def *reg, const Isms__V1__Record *rec,
                const struct signoff_arg *a, const char *user,
                struct isms_err *err)
{
	const struct register_signoff *s = reg->signoff;
	const ProtobufCFieldDescriptor *sfd = register_status_field(reg);
	int cur = register_status(reg, rec);
	char from[64], to[64];

	if (s == NULL)
		return isms_err_set(err, ISMS_EINVAL,
		                    "%s records have no sign-off", reg->name);
	if (register_has_text(a->so->verb) && strcmp(a->so->verb, s->verb))
		return isms_err_set(err, ISMS_EINVAL,
		                    "%s is a %s record: its sign-off is '%s', "
		                    "not '%s'",
		                    rec->id, reg->name, s->verb, a->so->verb);
	if (register_has_text(a->so->until) && !s->until)
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'until': a %s sign-off has no end "
		                    "date",
		                    reg->name);
	if (register_has_text(a->so->note) && s->note == NULL)
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'note': a %s sign-off takes no note",
		                    reg->name);
	if ((rec->owner == NULL || strcmp(rec->owner, user) != 0) && !a->admin)
		return isms_err_set(err, ISMS_EPERM,
		                    "only the owner of %s (%s) or an admin may "
		                    "%s it; %s is neither",
		                    rec->id,
		                    register_has_text(rec->owner) ? rec->owner
		                                                  : "none set",
		                    s->verb, user);
	if (cur == s->to || register_move_allowed(reg, cur, s->to))
		return 0;
	pb_enum_name(sfd->descriptor, cur, from, sizeof from);
	pb_enum_name(sfd->descriptor, s->to, to, sizeof to);
	return isms_err_set(err, ISMS_EPRECOND,
	                    "%s is %s: a %s cannot move from %s to %s, so it "
	                    "cannot be %s now",
	                    rec->id, from, reg->name, from, to, s->done);
}

/* Writes the signer, the time and the options into the sign-off. */
static int
signoff_write(const struct register_def *reg, Isms__V1__Record *rec,
              const Isms__V1__SignOff *so, const struct records_actor *who,
              struct isms_err *err)
{
	const struct register_signoff *s = reg->signoff;
	ProtobufCMessage *body = register_body(rec);
	const ProtobufCFieldDescriptor *fd =
	    pb_field_by_name(body->descriptor, s->field);
	ProtobufCMessage *m;
	char at[24];
	int rc;

	/* A fresh sign-off: nothing of an earlier one carries over. */
	pb_field_clear(body, fd);
	m = pb_submsg(body, fd, true);
	snprintf(at, sizeof at, "%" PRId64, who->now);
	if ((rc = signoff_set(m, "by", who->user, err)) != 0 ||
	    (rc = signoff_set(m, "at", at, err)) != 0)
		return rc;
	if (register_has_text(so->until) &&
	    ((rc = register_check_date("until", so->until, err)) != 0 ||
	     (rc = signoff_set(m, "until", so->until, err)) != 0))
		return rc;
	if (register_has_text(so->note) &&
	    (rc = signoff_set(m, s->note, so->note, err)) != 0)
		return rc;
	*(int *)pb_field_ptr(body, register_status_field(reg)) = s->to;
	return 0;
}

/* records_change_fn of a sign-off. */
static int
signoff_change(void *arg, struct records_edit *ed, struct isms_err *err)
{
	const struct signoff_arg *a = arg;
	Isms__V1__Record *rec = ed->rec;
	bool owner;
	int rc;

	if ((rc = signoff_allowed(ed->reg, rec, a, ed->who->user, err)) != 0 ||
	    (rc = signoff_write(ed->reg, rec, a->so, ed->who, err)) != 0)
		return rc;
	owner = rec->owner != NULL && strcmp(rec->owner, ed->who->user) == 0;
	ed->type = ISMS__V1__EVENT_TYPE__EVENT_TYPE_SIGNED;
	snprintf(ed->summary, sizeof ed->summary, "%s %s by %s (%s)%s%s",
	         rec->id, ed->reg->signoff->done, ed->who->user,
	         owner ? "owner" : "admin",
	         register_has_text(a->so->note) ? ": " : "",
	         register_has_text(a->so->note) ? a->so->note : "");
	/* The signed state's evidence, with the risk owner's rule. */
	return records_validate(ed->txn, ed->reg, rec, ed->old, ed->who, err);
}

int
signoff_apply(struct store_txn *txn, const Isms__V1__SignOff *so,
              const struct records_actor *who, bool admin,
              Isms__V1__Record **out, struct isms_err *err)
{
	struct signoff_arg a = {so, admin};
	struct records_change ch = {so->id, so->has_expect_rev, so->expect_rev,
	                            signoff_change, &a};
	int rc;

	rc = records_change(txn, &ch, who, out, err);
	return rc == RECORDS_UNCHANGED ? 0 : rc;
}
