/* extref.c: the ingest dedupe index (see extref.h). */
#include <stdlib.h>
#include <string.h>

#include "extref.h"
#include "records.h"
#include "registers.h"
#include "xmalloc.h"

size_t
extref_key(const char *source, const char *ext, uint8_t *out, size_t cap)
{
	size_t ls, le;

	if (source == NULL || ext == NULL)
		return 0;
	ls = strlen(source);
	le = strlen(ext);
	if (ls == 0 || le == 0 || ls > EXTREF_SOURCE_MAX ||
	    le > EXTREF_EXTID_MAX || ls + 1 + le > cap)
		return 0;
	memcpy(out, source, ls);
	out[ls] = 0x00;
	memcpy(out + ls + 1, ext, le);
	return ls + 1 + le;
}

int
extref_get(struct store_txn *txn, const char *source, const char *ext, char *id)
{
	uint8_t key[STORE_KEY_MAX];
	size_t klen = extref_key(source, ext, key, sizeof key);
	MDB_val v;
	int rc;

	if (klen == 0)
		return -ISMS_ENOTFOUND;
	if ((rc = store_get(txn, DB_EXTREF, key, klen, &v)) != 0)
		return rc;
	if (v.mv_size == 0 || v.mv_size > ID_MAX)
		return -ISMS_EDATALOSS;
	memcpy(id, v.mv_data, v.mv_size);
	id[v.mv_size] = '\0';
	return 0;
}

void
extref_put(struct store_txn *txn, const char *source, const char *ext,
           const char *id)
{
	uint8_t key[STORE_KEY_MAX];
	size_t klen = extref_key(source, ext, key, sizeof key);

	if (klen > 0)
		store_put(txn, DB_EXTREF, key, klen, id, strlen(id));
}

/* One incident's key, in the order the records came (natural id order). */
struct extref_pair {
	uint8_t *key;
	size_t klen;
	char *id;
	size_t seq;
};

/* Orders by key, then by id order: the last of a key is the newest. */
static int
extref_pair_cmp(const void *a, const void *b)
{
	const struct extref_pair *x = a, *y = b;
	size_t n = x->klen < y->klen ? x->klen : y->klen;
	int d = memcmp(x->key, y->key, n);

	if (d != 0)
		return d;
	if (x->klen != y->klen)
		return x->klen < y->klen ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Collects every incident's (key, id), in natural id order. */
static int
extref_collect(struct store_txn *txn, struct extref_pair **out, size_t *np)
{
	uint8_t code = register_code(&register_incident), key[STORE_KEY_MAX];
	struct extref_pair *v = NULL;
	Isms__V1__Record *rec;
	struct store_iter it;
	struct isms_err err;
	size_t n = 0, klen;

	if (store_iter_open(txn, DB_RECORDS, &it, &code, 1) == 0)
		while (store_iter_next(&it)) {
			/* A record that does not decode fails elsewhere. */
			if (records_unpack(&it.v, &rec, &err) != 0)
				continue;
			klen = rec->incident != NULL
			           ? extref_key(rec->incident->source,
			                        rec->incident->external_id, key,
			                        sizeof key)
			           : 0;
			if (klen > 0 && rec->id != NULL) {
				v = xreallocarray(v, n + 1, sizeof *v);
				v[n].key = xmalloc(klen);
				memcpy(v[n].key, key, klen);
				v[n].klen = klen;
				v[n].id = xstrdup(rec->id);
				v[n].seq = n;
				n++;
			}
			protobuf_c_message_free_unpacked(&rec->base, NULL);
		}
	store_iter_close(&it);
	*out = v;
	*np = n;
	return txn->ret;
}

int
extref_keys(struct store_txn *txn, store_key_fn *fn, void *arg)
{
	struct extref_pair *v;
	size_t n, i;
	int rc = extref_collect(txn, &v, &n);

	if (n > 0)
		qsort(v, n, sizeof *v, extref_pair_cmp);
	for (i = 0; i < n; i++) {
		/* Only the newest incident of a key holds it. */
		if (rc == 0 && (i + 1 == n || v[i + 1].klen != v[i].klen ||
		                memcmp(v[i + 1].key, v[i].key, v[i].klen) != 0))
			fn(arg, v[i].key, v[i].klen, v[i].id, strlen(v[i].id));
		free(v[i].key);
		free(v[i].id);
	}
	free(v);
	return rc;
}

/* store_key_fn: puts the key into the db. */
static void
extref_put_key(void *arg, const uint8_t *key, size_t klen, const void *val,
               size_t vlen)
{
	store_put(arg, DB_EXTREF, key, klen, val, vlen);
}

int
extref_rebuild(struct store_txn *txn, struct isms_err *err)
{
	struct store_iter it;
	MDB_val *gone = NULL;
	size_t n = 0, i;

	if (store_iter_open(txn, DB_EXTREF, &it, NULL, 0) == 0)
		while (store_iter_next(&it)) {
			gone = xreallocarray(gone, n + 1, sizeof *gone);
			gone[n].mv_size = it.k.mv_size;
			gone[n].mv_data = xmalloc(it.k.mv_size);
			memcpy(gone[n++].mv_data, it.k.mv_data, it.k.mv_size);
		}
	store_iter_close(&it);
	for (i = 0; i < n; i++) {
		store_del(txn, DB_EXTREF, gone[i].mv_data, gone[i].mv_size);
		free(gone[i].mv_data);
	}
	free(gone);
	if (txn->ret == 0)
		(void)extref_keys(txn, extref_put_key, txn);
	if (txn->ret != 0)
		return isms_err_set(err, txn->ret, "%s", txn->msg);
	return 0;
}
