/* sessions.c: web sessions, tokens with session set (sessions.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"
#include "pbfield.h"
#include "records.h"
#include "sessions.h"
#include "store.h"
#include "users.h"
#include "xmalloc.h"

int
sessions_open(struct store_txn *txn, const char *name, int64_t expires_at,
              const uint8_t key[USERS_KEY_LEN], const struct records_actor *who,
              Isms__V1__SessionOpened *out, struct isms_err *err)
{
	Isms__V1__TokenCreateResult tc = ISMS__V1__TOKEN_CREATE_RESULT__INIT;
	Isms__V1__User *u = NULL;
	int rc;

	if (users_get(txn, name, &u) != 0 || u->disabled) {
		if (u != NULL)
			protobuf_c_message_free_unpacked(&u->base, NULL);
		return isms_err_set(err, ISMS_EPERM,
		                    "user %s is disabled or gone", name);
	}
	if ((rc = tokens_mint(txn, name, expires_at, true, key, who, &tc,
	                      err)) == 0) {
		out->token = tc.token;
		out->secret = tc.secret;
		out->user = xstrdup(u->name);
		out->has_role = 1;
		out->role = u->role;
		if (u->display_name != NULL && u->display_name[0] != '\0')
			out->display_name = xstrdup(u->display_name);
	}
	protobuf_c_message_free_unpacked(&u->base, NULL);
	return rc;
}

int
sessions_revoke_user(struct store_txn *txn, const char *name,
                     const struct records_actor *who, size_t *n,
                     struct isms_err *err)
{
	struct store_iter it;
	Isms__V1__Token *t;
	char **ids = NULL;
	size_t nids = 0, i;
	int rc = 0;

	*n = 0;
	/* Ids first: revoking rewrites the keys the cursor visits. */
	if (store_iter_open(txn, DB_TOKENS, &it, "t", 1) != 0)
		return isms_err_set(err, txn->ret, "%s", txn->msg);
	while (store_iter_next(&it)) {
		if ((t = tokens_unpack(&it.v)) == NULL)
			continue;
		if (t->session && !t->revoked && t->owner != NULL &&
		    strcmp(t->owner, name) == 0) {
			ids = xreallocarray(ids, nids + 1, sizeof *ids);
			ids[nids++] = xstrdup(t->id);
		}
		protobuf_c_message_free_unpacked(&t->base, NULL);
	}
	store_iter_close(&it);
	for (i = 0; i < nids; i++) {
		if (rc == 0 &&
		    (rc = tokens_revoke(txn, ids[i], who, &t, err)) == 0) {
			protobuf_c_message_free_unpacked(&t->base, NULL);
			(*n)++;
		}
		free(ids[i]);
	}
	free(ids);
	if (rc == 0 && txn->ret != 0)
		rc = isms_err_set(err, txn->ret, "%s", txn->msg);
	return rc;
}

/* Where the next prune starts: the id after the last one looked at. */
static char sessions_cursor[33];

/* Deletes session t (its token, mac index and last use) and journals
 * that, without bytes: nothing of it is stored any more. */
static int
sessions_delete(struct store_txn *txn, const Isms__V1__Token *t,
                const uint8_t mac[32], const struct records_actor *who,
                struct isms_err *err)
{
	uint8_t key[40];
	struct journal_rec jr;
	char summary[200];
	size_t n = strlen(t->id);

	key[0] = 't';
	memcpy(key + 1, t->id, n);
	store_del(txn, DB_TOKENS, key, n + 1);
	key[0] = 'l';
	store_del(txn, DB_TOKENS, key, n + 1);
	key[0] = TOKENS_MAC_INDEX[0];
	memcpy(key + 1, mac, 32);
	store_del(txn, DB_TOKENS, key, 33);
	snprintf(summary, sizeof summary,
	         "token %s of %s pruned (session "
	         "expired)",
	         t->id, t->owner ? t->owner : "");
	memset(&jr, 0, sizeof jr);
	jr.time = who->now;
	jr.actor = who->user;
	jr.type = ISMS__V1__EVENT_TYPE__EVENT_TYPE_TOKEN_CHANGED;
	jr.id = t->id;
	jr.summary = summary;
	if (txn->ret != 0)
		return isms_err_set(err, txn->ret, "%s", txn->msg);
	return journal_append(txn, &jr, NULL, err);
}

/* One expired session to delete, as the cursor found it. */
struct sessions_gone {
	Isms__V1__Token *t;
	uint8_t mac[32];
};

int
sessions_prune(struct store_txn *txn, const struct records_actor *who,
               size_t *n, struct isms_err *err)
{
	struct sessions_gone gone[SESSIONS_PRUNE_MAX];
	uint8_t start[34];
	struct store_iter it;
	Isms__V1__Token *t;
	size_t seen = 0, ng = 0, i, clen = strlen(sessions_cursor);
	int rc = 0;

	*n = 0;
	if (store_iter_open(txn, DB_TOKENS, &it, "t", 1) != 0)
		return isms_err_set(err, txn->ret, "%s", txn->msg);
	if (clen > 0) {
		start[0] = 't';
		memcpy(start + 1, sessions_cursor, clen);
		it.start = start;
		it.slen = clen + 1;
		it.skip_start = true;
	}
	sessions_cursor[0] = '\0'; /* at the end: round again next time */
	while (seen < SESSIONS_PRUNE_MAX && store_iter_next(&it)) {
		seen++;
		snprintf(sessions_cursor, sizeof sessions_cursor, "%.*s",
		         (int)it.k.mv_size - 1, (char *)it.k.mv_data + 1);
		if ((t = tokens_unpack(&it.v)) == NULL)
			continue;
		if (t->session && t->expires_at != 0 &&
		    t->expires_at <= who->now) {
			gone[ng].t = t;
			memcpy(gone[ng++].mac, it.v.mv_data, 32);
		} else
			protobuf_c_message_free_unpacked(&t->base, NULL);
	}
	store_iter_close(&it);
	if (seen < SESSIONS_PRUNE_MAX)
		sessions_cursor[0] = '\0';
	for (i = 0; i < ng; i++) {
		if (rc == 0 &&
		    (rc = sessions_delete(txn, gone[i].t, gone[i].mac, who,
		                          err)) == 0)
			(*n)++;
		protobuf_c_message_free_unpacked(&gone[i].t->base, NULL);
	}
	if (rc == 0 && txn->ret != 0)
		rc = isms_err_set(err, txn->ret, "%s", txn->msg);
	return rc;
}
