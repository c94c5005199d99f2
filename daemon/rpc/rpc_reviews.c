/* rpc_reviews.c: Review and Due: what is reviewed, and what falls due. */
#include <stdlib.h>
#include <string.h>

#include "due_index.h"
#include "owners.h"
#include "pbfield.h"
#include "records.h"
#include "registers.h"
#include "rpc.h"
#include "server.h"
#include "users.h"
#include "xmalloc.h"

/* Gives each item its owner's e-mail and display name (a viewer may not
 * list users, but a reminder needs to know where it goes). */
static void
rpc_due_owners(struct store_txn *txn, Isms__V1__DueResult *r)
{
	Isms__V1__DueItem *it;
	Isms__V1__User *u = NULL;
	const char *last = NULL;
	size_t i;

	for (i = 0; i < r->n_items; i++) {
		it = r->items[i];
		if (it->owner == NULL || it->owner[0] == '\0')
			continue;
		if (last == NULL || strcmp(last, it->owner) != 0) {
			if (u != NULL)
				protobuf_c_message_free_unpacked(&u->base,
				                                 NULL);
			u = NULL;
			last = it->owner;
			if (users_get(txn, it->owner, &u) != 0)
				u = NULL;
		}
		if (u == NULL)
			continue;
		if (u->email != NULL && u->email[0] != '\0')
			it->owner_email = xstrdup(u->email);
		if (u->display_name != NULL && u->display_name[0] != '\0')
			it->owner_display_name = xstrdup(u->display_name);
	}
	if (u != NULL)
		protobuf_c_message_free_unpacked(&u->base, NULL);
}

int
rpc_due_read(struct store_txn *txn, const void *body, void *result,
             struct rpc_call *call)
{
	Isms__V1__Due q = *(const Isms__V1__Due *)body; /* shallow */
	Isms__V1__DueResult *r = result;
	char today[11], *name;
	int rc;

	server_today(today);
	/* --owner tom@example.org means tom's items. */
	q.owner = (char *)owners_filter(txn, q.owner, &name);
	rc = due_query(txn, &q, today, r, &call->err);
	free(name);
	if (rc != 0)
		return rc;
	rpc_due_owners(txn, r);
	r->instance_id = xstrdup(call->srv->instance_id);
	return 0;
}

int
rpc_review_check(const void *body, struct rpc_call *call)
{
	const Isms__V1__Review *rv = body;

	if (rv->id == NULL || rv->id[0] == '\0')
		return isms_err_set(&call->err, ISMS_EINVAL,
		                    "review.id is required");
	return register_check_id_in(rv->id, rv->register_, &call->err);
}

int
rpc_review_apply(struct store_txn *txn, const void *body, void *result,
                 struct rpc_call *call)
{
	struct records_actor who = {call->actor, call->now};
	Isms__V1__Record *rec = NULL;
	int rc = records_review(txn, body, &who, &rec, &call->err);

	if (rc == 0)
		pb_move(result, &rec->base);
	return rc;
}
