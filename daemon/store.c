/* store.c: LMDB environment, transactions and cursors. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "store.h"
#include "xmalloc.h"

struct store {
	MDB_env *env;
	MDB_dbi dbi[DB_NDBS];
	MDB_txn *rtxn; /* the loop thread's reusable read txn, reset */
	char *path;
};

static const char *const store_db_names[DB_NDBS] = {
    [DB_RECORDS] = "records", [DB_HISTORY] = "history",
    [DB_IDX] = "idx",         [DB_META] = "meta",
    [DB_LINKS] = "links",     [DB_JOURNAL] = "journal",
    [DB_DUE] = "due",         [DB_USERS] = "users",
    [DB_TOKENS] = "tokens",
};

/* The one place where LMDB and errno codes become ours. */
static int
store_code(int rc)
{
	switch (rc) {
	case MDB_NOTFOUND:
		return ISMS_ENOTFOUND;
	case MDB_MAP_FULL:
	case ENOSPC:
	case EDQUOT:
		return ISMS_EEXHAUSTED;
	case MDB_KEYEXIST:
		return ISMS_EEXIST;
	case MDB_BAD_VALSIZE:
		return ISMS_EINVAL;
	default:
		return ISMS_EINTERNAL;
	}
}

/* Records the first failure of txn; returns the (sticky) code. */
static int
store_fail(struct store_txn *txn, int rc, const char *what)
{
	if (txn->ret == 0) {
		txn->ret = -store_code(rc);
		snprintf(txn->msg, sizeof txn->msg, "store: %s: %s", what,
		         rc == MDB_MAP_FULL ? "the data map is full"
		                            : mdb_strerror(rc));
		if (txn->ret == -ISMS_EINTERNAL)
			log_err("%s", txn->msg);
	}
	return txn->ret;
}

int
store_open(struct store **out, const char *dir, size_t mapsize,
           struct isms_err *err)
{
	struct store *st;
	MDB_txn *txn;
	int rc, i, dead;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return isms_err_set(err, ISMS_EINTERNAL, "mkdir %s: %s", dir,
		                    strerror(errno));
	st = xcalloc(1, sizeof *st);
	st->path = xstrdup(dir);
	if ((rc = mdb_env_create(&st->env)) != 0 ||
	    (rc = mdb_env_set_mapsize(st->env, mapsize)) != 0 ||
	    (rc = mdb_env_set_maxdbs(st->env, 16)) != 0 ||
	    (rc = mdb_env_set_maxreaders(st->env, 126)) != 0 ||
	    (rc = mdb_env_open(st->env, dir, MDB_NOTLS, 0600)) != 0) {
		isms_err_set(err, store_code(rc), "open LMDB in %s: %s", dir,
		             mdb_strerror(rc));
		goto fail;
	}
	/* Clear reader slots left by a crashed process. */
	if (mdb_reader_check(st->env, &dead) == 0 && dead > 0)
		log_notice("cleared %d stale LMDB reader slot(s)", dead);
	if ((rc = mdb_txn_begin(st->env, NULL, 0, &txn)) != 0) {
		isms_err_set(err, store_code(rc), "begin: %s",
		             mdb_strerror(rc));
		goto fail;
	}
	for (i = 0; i < DB_NDBS; i++) {
		if ((rc = mdb_dbi_open(txn, store_db_names[i], MDB_CREATE,
		                       &st->dbi[i])) != 0) {
			mdb_txn_abort(txn);
			isms_err_set(err, store_code(rc), "open db %s: %s",
			             store_db_names[i], mdb_strerror(rc));
			goto fail;
		}
	}
	if ((rc = mdb_txn_commit(txn)) != 0) {
		isms_err_set(err, store_code(rc), "commit: %s",
		             mdb_strerror(rc));
		goto fail;
	}
	*out = st;
	return 0;
fail:
	if (st->env != NULL)
		mdb_env_close(st->env);
	free(st->path);
	free(st);
	return -err->code;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	if (st->rtxn != NULL)
		mdb_txn_abort(st->rtxn);
	mdb_env_close(st->env);
	free(st->path);
	free(st);
}

const char *
store_path(const struct store *st)
{
	return st->path;
}

static void
store_txn_init(struct store *st, struct store_txn *txn, bool write)
{
	txn->st = st;
	txn->txn = NULL;
	txn->ret = 0;
	txn->write = write;
	txn->msg[0] = '\0';
}

int
store_write_begin(struct store *st, struct store_txn *parent,
                  struct store_txn *txn)
{
	int rc;

	store_txn_init(st, txn, true);
	rc = mdb_txn_begin(st->env, parent ? parent->txn : NULL, 0, &txn->txn);
	if (rc != 0) {
		txn->txn = NULL;
		return store_fail(txn, rc, "begin write");
	}
	return 0;
}

int
store_read_begin(struct store *st, struct store_txn *txn)
{
	int rc;

	store_txn_init(st, txn, false);
	if (st->rtxn != NULL) {
		rc = mdb_txn_renew(st->rtxn);
		txn->txn = st->rtxn;
		st->rtxn = NULL;
	} else
		rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &txn->txn);
	if (rc != 0) {
		if (txn->txn != NULL)
			mdb_txn_abort(txn->txn);
		txn->txn = NULL;
		return store_fail(txn, rc, "begin read");
	}
	return 0;
}

void
store_read_end(struct store_txn *txn)
{
	if (txn->txn == NULL)
		return;
	mdb_txn_reset(txn->txn);
	if (txn->st->rtxn == NULL)
		txn->st->rtxn = txn->txn;
	else
		mdb_txn_abort(txn->txn);
	txn->txn = NULL;
}

int
store_snapshot_begin(struct store *st, struct store_txn *txn)
{
	int rc;

	store_txn_init(st, txn, false);
	if ((rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &txn->txn)) != 0) {
		txn->txn = NULL;
		return store_fail(txn, rc, "begin snapshot");
	}
	return 0;
}

void
store_snapshot_end(struct store_txn *txn)
{
	if (txn->txn != NULL)
		mdb_txn_abort(txn->txn);
	txn->txn = NULL;
}

int
store_commit(struct store_txn *txn)
{
	int rc;

	if (txn->txn == NULL)
		return txn->ret;
	if (txn->ret != 0) {
		store_abort(txn);
		return txn->ret;
	}
	rc = mdb_txn_commit(txn->txn);
	txn->txn = NULL;
	if (rc != 0)
		return store_fail(txn, rc, "commit");
	return 0;
}

void
store_abort(struct store_txn *txn)
{
	if (txn->txn != NULL)
		mdb_txn_abort(txn->txn);
	txn->txn = NULL;
}

int
store_get(struct store_txn *txn, enum store_db db, const void *key, size_t klen,
          MDB_val *val)
{
	MDB_val k = {klen, (void *)key};
	int rc;

	if (txn->ret != 0)
		return txn->ret;
	rc = mdb_get(txn->txn, txn->st->dbi[db], &k, val);
	if (rc == MDB_NOTFOUND)
		return -ISMS_ENOTFOUND;
	if (rc != 0)
		return store_fail(txn, rc, "get");
	return 0;
}

void *
store_reserve(struct store_txn *txn, enum store_db db, const void *key,
              size_t klen, size_t vlen)
{
	MDB_val k = {klen, (void *)key}, v = {vlen, NULL};
	int rc;

	if (txn->ret != 0)
		return NULL;
	if (klen == 0 || klen > STORE_KEY_MAX) {
		store_fail(txn, MDB_BAD_VALSIZE, "key length");
		return NULL;
	}
	rc = mdb_put(txn->txn, txn->st->dbi[db], &k, &v, MDB_RESERVE);
	if (rc != 0) {
		store_fail(txn, rc, "put");
		return NULL;
	}
	return v.mv_data;
}

void
store_put(struct store_txn *txn, enum store_db db, const void *key, size_t klen,
          const void *val, size_t vlen)
{
	void *p = store_reserve(txn, db, key, klen, vlen);

	if (p != NULL && vlen > 0)
		memcpy(p, val, vlen);
}

void
store_del(struct store_txn *txn, enum store_db db, const void *key, size_t klen)
{
	MDB_val k = {klen, (void *)key};
	int rc;

	if (txn->ret != 0)
		return;
	rc = mdb_del(txn->txn, txn->st->dbi[db], &k, NULL);
	if (rc != 0 && rc != MDB_NOTFOUND)
		store_fail(txn, rc, "del");
}

int
store_iter_open(struct store_txn *txn, enum store_db db, struct store_iter *it,
                const void *prefix, size_t plen)
{
	int rc;

	memset(it, 0, sizeof *it);
	it->txn = txn;
	it->prefix = prefix;
	it->plen = plen;
	if (txn->ret != 0)
		return txn->ret;
	if ((rc = mdb_cursor_open(txn->txn, txn->st->dbi[db], &it->cur)) != 0) {
		it->cur = NULL;
		return store_fail(txn, rc, "cursor");
	}
	return 0;
}

bool
store_iter_next(struct store_iter *it)
{
	int rc;

	if (it->cur == NULL)
		return false;
	if (!it->started) {
		it->started = true;
		if (it->start != NULL) {
			it->k.mv_data = (void *)it->start;
			it->k.mv_size = it->slen;
		} else {
			it->k.mv_data = (void *)it->prefix;
			it->k.mv_size = it->plen;
		}
		if (it->k.mv_size == 0)
			rc = mdb_cursor_get(it->cur, &it->k, &it->v, MDB_FIRST);
		else
			rc = mdb_cursor_get(it->cur, &it->k, &it->v,
			                    MDB_SET_RANGE);
		if (rc == 0 && it->start != NULL && it->skip_start &&
		    it->k.mv_size == it->slen &&
		    memcmp(it->k.mv_data, it->start, it->slen) == 0)
			rc = mdb_cursor_get(it->cur, &it->k, &it->v, MDB_NEXT);
	} else
		rc = mdb_cursor_get(it->cur, &it->k, &it->v, MDB_NEXT);
	if (rc == MDB_NOTFOUND)
		return false;
	if (rc != 0) {
		store_fail(it->txn, rc, "cursor get");
		return false;
	}
	return it->plen == 0 ||
	       (it->k.mv_size >= it->plen &&
	        memcmp(it->k.mv_data, it->prefix, it->plen) == 0);
}

void
store_iter_close(struct store_iter *it)
{
	if (it->cur != NULL)
		mdb_cursor_close(it->cur);
	it->cur = NULL;
}

int
store_stat(struct store *st, enum store_db db, MDB_stat *ms)
{
	struct store_txn txn;
	int rc;

	if ((rc = store_read_begin(st, &txn)) != 0)
		return rc;
	rc = mdb_stat(txn.txn, st->dbi[db], ms);
	store_read_end(&txn);
	return rc == 0 ? 0 : -store_code(rc);
}
