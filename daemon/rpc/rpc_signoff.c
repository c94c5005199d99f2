/* rpc_signoff.c: SignOff (a record signed by its signer) and Describe (a
 * register's lifecycle and evidence, from its definition). */
#include <stdlib.h>
#include <string.h>

#include "evidence.h"
#include "pbfield.h"
#include "registers.h"
#include "rpc.h"
#include "signoff.h"
#include "xmalloc.h"

int
rpc_signoff_check(const void *body, struct rpc_call *call)
{
	const Isms__V1__SignOff *so = body;

	if (so->id == NULL || so->id[0] == '\0')
		return isms_err_set(&call->err, ISMS_EINVAL,
		                    "sign_off.id is required");
	return 0;
}

int
rpc_signoff_apply(struct store_txn *txn, const void *body, void *result,
                  struct rpc_call *call)
{
	struct records_actor who = {call->actor, call->now};
	Isms__V1__Record *rec = NULL;
	int rc;

	rc = signoff_apply(txn, body, &who,
	                   call->role ==
	                       ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_ADMIN,
	                   &rec, &call->err);
	if (rc == 0)
		pb_move(result, &rec->base);
	return rc;
}

/* Appends a copy of s to a repeated string field. */
static void
rpc_push(char ***arr, size_t *n, const char *s)
{
	*arr = xreallocarray(*arr, *n + 1, sizeof **arr);
	(*arr)[(*n)++] = xstrdup(s);
}

/* The evidence of state st as text. */
static void
rpc_describe_evidence(const struct register_state *st, Isms__V1__StateInfo *si)
{
	const char *const *f;
	char text[160];

	if (st == NULL)
		return;
	if (st->when != NULL)
		si->when = xstrdup(st->when);
	for (f = st->evidence; f != NULL && *f != NULL; f++)
		rpc_push(&si->evidence, &si->n_evidence, *f);
	if (st->linked != NULL) {
		evidence_link_text(st->linked, text, sizeof text);
		rpc_push(&si->evidence, &si->n_evidence, text);
	}
	if (st->rule != NULL)
		rpc_push(&si->evidence, &si->n_evidence, st->rule->what);
	si->has_settled = (st->flags & REGISTER_SETTLED) != 0;
	si->settled = si->has_settled;
}

/* One state of reg: its moves, its evidence, the sign-off entering it. */
static Isms__V1__StateInfo *
rpc_describe_state(const struct register_def *reg,
                   const ProtobufCEnumDescriptor *ed, int s)
{
	Isms__V1__StateInfo *si = xmalloc(sizeof *si);
	char name[64];
	unsigned i;

	isms__v1__state_info__init(si);
	pb_enum_name(ed, s, name, sizeof name);
	si->status = xstrdup(name);
	for (i = 0; i < ed->n_values; i++)
		if (ed->values[i].value != 0 && ed->values[i].value != s &&
		    register_move_allowed(reg, s, ed->values[i].value) &&
		    pb_enum_name(ed, ed->values[i].value, name, sizeof name))
			rpc_push(&si->moves_to, &si->n_moves_to, name);
	rpc_describe_evidence(register_state_of(reg, s), si);
	if (reg->signoff != NULL && reg->signoff->to == s)
		si->signed_by = xstrdup(reg->signoff->verb);
	return si;
}

int
rpc_describe_read(struct store_txn *txn, const void *body, void *result,
                  struct rpc_call *call)
{
	const Isms__V1__Describe *d = body;
	Isms__V1__RegisterInfo *out = result;
	const struct register_def *reg;
	const ProtobufCEnumDescriptor *ed;
	const char *const *f;
	char name[64];
	unsigned i;

	(void)txn;
	if (d->register_ == NULL ||
	    (reg = register_by_name(d->register_)) == NULL)
		return isms_err_set(&call->err, ISMS_ENOTFOUND,
		                    "no register called '%s'",
		                    d->register_ ? d->register_ : "");
	ed = register_status_field(reg)->descriptor;
	out->register_ = xstrdup(reg->name);
	out->prefix = xstrdup(reg->prefix);
	pb_enum_name(ed, reg->initial_status, name, sizeof name);
	out->initial_status = xstrdup(name);
	out->states = xreallocarray(NULL, ed->n_values, sizeof *out->states);
	for (i = 0; i < ed->n_values; i++)
		if (ed->values[i].value != 0)
			out->states[out->n_states++] =
			    rpc_describe_state(reg, ed, ed->values[i].value);
	for (f = reg->derived; f != NULL && *f != NULL; f++)
		rpc_push(&out->derived, &out->n_derived, *f);
	if (reg->signoff == NULL)
		return 0;
	out->signoff_verb = xstrdup(reg->signoff->verb);
	out->signoff_field = xstrdup(reg->signoff->field);
	for (f = reg->signoff->covers; f != NULL && *f != NULL; f++)
		rpc_push(&out->signoff_covers, &out->n_signoff_covers, *f);
	return 0;
}
