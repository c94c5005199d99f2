/* users_find.c: finding users: the list, by e-mail, and every stored user
 * and token for the journal check. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "store.h"
#include "users.h"
#include "xmalloc.h"

int
users_list(struct store_txn *txn, Isms__V1__UserListResult *out,
           struct isms_err *err)
{
	struct store_iter it;
	Isms__V1__User *u;

	if (store_iter_open(txn, DB_USERS, &it, "u", 1) != 0)
		return isms_err_set(err, txn->ret, "%s", txn->msg);
	while (store_iter_next(&it)) {
		if ((u = isms__v1__user__unpack(NULL, it.v.mv_size,
		                                it.v.mv_data)) == NULL)
			continue;
		out->users = xreallocarray(out->users, out->n_users + 1,
		                           sizeof *out->users);
		out->users[out->n_users++] = u;
	}
	store_iter_close(&it);
	return txn->ret != 0 ? isms_err_set(err, txn->ret, "%s", txn->msg) : 0;
}

int
users_by_email(struct store_txn *txn, const char *email,
               char name[USER_NAME_MAX + 1])
{
	struct store_iter it;
	Isms__V1__User *u;
	int found = 0;

	if (store_iter_open(txn, DB_USERS, &it, "u", 1) != 0)
		return txn->ret;
	while (store_iter_next(&it)) {
		if ((u = isms__v1__user__unpack(NULL, it.v.mv_size,
		                                it.v.mv_data)) == NULL)
			continue;
		if (u->email != NULL && strcasecmp(u->email, email) == 0 &&
		    found++ == 0)
			snprintf(name, USER_NAME_MAX + 1, "%s", u->name);
		protobuf_c_message_free_unpacked(&u->base, NULL);
	}
	store_iter_close(&it);
	if (txn->ret != 0)
		return txn->ret;
	return found == 1 ? 0 : found == 0 ? -ISMS_ENOTFOUND : -ISMS_EEXIST;
}

int
users_each_stored(struct store_txn *txn, users_stored_fn *fn, void *arg)
{
	static const struct {
		enum store_db db;
		char prefix;
		int type;
		size_t skip; /* key bytes before the id */
	} kinds[] = {
	    {DB_USERS, 'u', ISMS__V1__EVENT_TYPE__EVENT_TYPE_USER_CHANGED, 1},
	    {DB_TOKENS, 't', ISMS__V1__EVENT_TYPE__EVENT_TYPE_TOKEN_CHANGED, 1},
	};
	struct store_iter it;
	char id[USER_NAME_MAX + 1];
	size_t i, n;
	int rc = 0;

	for (i = 0; i < sizeof kinds / sizeof kinds[0] && rc == 0; i++) {
		if ((rc = store_iter_open(txn, kinds[i].db, &it,
		                          &kinds[i].prefix, 1)) != 0)
			break;
		while (rc == 0 && store_iter_next(&it)) {
			n = it.k.mv_size - kinds[i].skip;
			if (n >= sizeof id)
				n = sizeof id - 1;
			memcpy(id, (uint8_t *)it.k.mv_data + kinds[i].skip, n);
			id[n] = '\0';
			rc = fn(arg, kinds[i].type, id, it.v.mv_data,
			        it.v.mv_size);
		}
		store_iter_close(&it);
	}
	return rc != 0 ? rc : txn->ret;
}
