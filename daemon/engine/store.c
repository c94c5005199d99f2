/* store.c: LMDB environment, transactions and cursors. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "log.h"
#include "store.h"
#include "xmalloc.h"

struct store {
	MDB_env *env;
	MDB_dbi dbi[DB_NDBS];
	MDB_txn *rtxn; /* the loop thread's reusable read txn, reset */
	char *path;
	struct store_memo memo; /* only under a write txn: LMDB's writer
	                           lock orders every access to it */
};

static const char *const store_db_names[DB_NDBS] = {
    [DB_RECORDS] = "records", [DB_HISTORY] = "history",
    [DB_IDX] = "idx",         [DB_META] = "meta",
    [DB_LINKS] = "links",     [DB_JOURNAL] = "journal",
    [DB_DUE] = "due",         [DB_USERS] = "users",
    [DB_TOKENS] = "tokens",   [DB_MEASURES] = "measures",
    [DB_EXTREF] = "extref",
};

/*
 * The one place where LMDB and errno codes become ours. Running out of
 * room is RESOURCE_EXHAUSTED whichever way it shows: the map (MDB_MAP_FULL),
 * the file system (ENOSPC), a quota (EDQUOT) or the file size limit
 * (EFBIG, RLIMIT_FSIZE); a short write is EIO (store_short_write).
 */
static const struct store_code_entry {
	int rc;
	int code;
	const char *why; /* NULL: mdb_strerror's text */
} store_codes[] = {
    {MDB_NOTFOUND, ISMS_ENOTFOUND, NULL},
    {MDB_MAP_FULL, ISMS_EEXHAUSTED, "the data map is full"},
    {ENOSPC, ISMS_EEXHAUSTED, "the disk is full"},
    {EDQUOT, ISMS_EEXHAUSTED, "the disk quota is used up"},
    {EFBIG, ISMS_EEXHAUSTED, "the data file reached its size limit"},
    {MDB_KEYEXIST, ISMS_EEXIST, NULL},
    {MDB_BAD_VALSIZE, ISMS_EINVAL, NULL},
    {0, 0, NULL},
};

/* Room under which a short write (EIO) is taken for a full disk. */
#define STORE_LOW_ROOM (1024 * 1024)

/* The entry of rc, or NULL: an internal error. */
static const struct store_code_entry *
store_code_entry(int rc)
{
	const struct store_code_entry *e;

	for (e = store_codes; e->rc != 0; e++)
		if (e->rc == rc)
			return e;
	return NULL;
}

static int
store_code(int rc)
{
	const struct store_code_entry *e = store_code_entry(rc);

	return e != NULL ? e->code : ISMS_EINTERNAL;
}

static const char *store_short_write(const struct store *, char *, size_t);

/* Records the first failure of txn; returns the (sticky) code. */
static int
store_fail(struct store_txn *txn, int rc, const char *what)
{
	const struct store_code_entry *e = store_code_entry(rc);
	char room[160];
	const char *full;

	if (txn->ret != 0)
		return txn->ret;
	if (rc == EIO && txn->write &&
	    (full = store_short_write(txn->st, room, sizeof room)) != NULL) {
		txn->ret = -ISMS_EEXHAUSTED;
		snprintf(txn->msg, sizeof txn->msg,
		         "store: %s: %s; nothing of it is stored", what, full);
		log_err("%s", txn->msg);
		return txn->ret;
	}
	txn->ret = -(e != NULL ? e->code : ISMS_EINTERNAL);
	if (e != NULL && e->why != NULL && e->code == ISMS_EEXHAUSTED)
		snprintf(txn->msg, sizeof txn->msg,
		         "store: %s: %s (%s); nothing of it is stored", what,
		         e->why, mdb_strerror(rc));
	else
		snprintf(txn->msg, sizeof txn->msg, "store: %s: %s", what,
		         e != NULL && e->why != NULL ? e->why
		                                     : mdb_strerror(rc));
	if (txn->ret == -ISMS_EINTERNAL || txn->ret == -ISMS_EEXHAUSTED)
		log_err("%s", txn->msg);
	return txn->ret;
}

/*
 * Whether an EIO from a write is a short write for want of room, and why
 * (in buf), or NULL: a real I/O error. LMDB reports a write the kernel
 * cut short as EIO, not ENOSPC; a write is cut short when the file system
 * has no room left or the file reaches RLIMIT_FSIZE. So EIO counts as
 * out of room when less than STORE_LOW_ROOM is free for us on the data
 * dir's file system, or the data file is within STORE_LOW_ROOM of the
 * size limit. A real I/O error on a nearly full disk is reported as a
 * full disk: free space first, then look again.
 */
static const char *
store_short_write(const struct store *st, char *buf, size_t len)
{
	struct statvfs vfs;
	struct rlimit rl;
	struct stat sb;
	char file[PATH_MAX];
	unsigned long long room;

	snprintf(file, sizeof file, "%s/data.mdb", st->path);
	if (statvfs(st->path, &vfs) == 0 &&
	    (room = (unsigned long long)vfs.f_bavail * vfs.f_frsize) <
	        STORE_LOW_ROOM) {
		snprintf(buf, len,
		         "the disk is full (a short write; %llu bytes free)",
		         room);
		return buf;
	}
	if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    stat(file, &sb) == 0 &&
	    (unsigned long long)sb.st_size + STORE_LOW_ROOM >=
	        (unsigned long long)rl.rlim_cur) {
		snprintf(buf, len,
		         "the data file reached its size limit (a short "
		         "write; RLIMIT_FSIZE %llu bytes)",
		         (unsigned long long)rl.rlim_cur);
		return buf;
	}
	return NULL;
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

int
store_copy_fd(struct store *st, int fd, struct isms_err *err)
{
	int rc;

	if ((rc = mdb_env_copyfd2(st->env, fd, MDB_CP_COMPACT)) != 0)
		return isms_err_set(err, store_code(rc), "copy: %s",
		                    mdb_strerror(rc));
	return 0;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	if (st->rtxn != NULL)
		mdb_txn_abort(st->rtxn);
	if (st->memo.data != NULL)
		st->memo.free_fn(st->memo.data);
	mdb_env_close(st->env);
	free(st->path);
	free(st);
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

struct store_memo *
store_write_memo(struct store_txn *txn)
{
	return txn->write ? &txn->st->memo : NULL;
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
