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

/* The record id stored under key (klen 0: no such key) into id. */
static int
extref_lookup(struct store_txn *txn, const uint8_t *key, size_t klen, char *id)
{
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

int
extref_get(struct store_txn *txn, const char *source, const char *ext, char *id)
{
	uint8_t key[STORE_KEY_MAX];
	size_t klen = extref_key(source, ext, key, sizeof key);

	return extref_lookup(txn, key, klen, id);
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
extref_ref_valid(const char *ref, struct isms_err *err)
{
	size_t i;

	if (ref == NULL)
		return 0;
	for (i = 0; ref[i] != '\0'; i++)
		if ((unsigned char)ref[i] < 0x20 || ref[i] == 0x7f)
			return isms_err_set(err, ISMS_EINVAL,
			                    "field 'external_ref' holds a "
			                    "control character");
	if (i > EXTREF_REF_MAX)
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'external_ref' is longer than %d "
		                    "bytes",
		                    EXTREF_REF_MAX);
	return 0;
}

/* The index key of (code, ref); 0 when ref is empty or too long. */
static size_t
extref_ref_key(uint8_t code, const char *ref, uint8_t *out, size_t cap)
{
	size_t n = ref != NULL ? strlen(ref) : 0;

	if (n == 0 || n > EXTREF_REF_MAX || n + 2 > cap)
		return 0;
	out[0] = 0x00;
	out[1] = code;
	memcpy(out + 2, ref, n);
	return n + 2;
}

int
extref_ref_get(struct store_txn *txn, uint8_t code, const char *ref, char *id)
{
	uint8_t key[STORE_KEY_MAX];
	size_t klen = extref_ref_key(code, ref, key, sizeof key);

	return extref_lookup(txn, key, klen, id);
}

int
extref_ref_free(struct store_txn *txn, uint8_t code,
                const Isms__V1__Record *rec, struct isms_err *err)
{
	char holder[ID_MAX + 1];
	int rc;

	if ((rc = extref_ref_valid(rec->external_ref, err)) != 0)
		return rc;
	rc = extref_ref_get(txn, code, rec->external_ref, holder);
	if (rc == -ISMS_ENOTFOUND)
		return 0;
	if (rc != 0)
		return isms_err_set(err, -rc, "the external_ref index: %s",
		                    txn->msg);
	if (rec->id != NULL && strcmp(rec->id, holder) == 0)
		return 0;
	return isms_err_set(err, ISMS_EEXIST,
	                    "field 'external_ref' '%s' is held by %s already",
	                    rec->external_ref, holder);
}

void
extref_ref_move(struct store_txn *txn, uint8_t code,
                const Isms__V1__Record *old, const Isms__V1__Record *rec)
{
	uint8_t key[STORE_KEY_MAX];
	size_t klen;

	if (old != NULL && old->external_ref != NULL &&
	    (rec->external_ref == NULL ||
	     strcmp(old->external_ref, rec->external_ref) != 0) &&
	    (klen = extref_ref_key(code, old->external_ref, key, sizeof key)) >
	        0)
		store_del(txn, DB_EXTREF, key, klen);
	if ((klen = extref_ref_key(code, rec->external_ref, key, sizeof key)) >
	    0)
		store_put(txn, DB_EXTREF, key, klen, rec->id, strlen(rec->id));
}

/* Calls fn with the external_ref key of every record holding one. */
static int
extref_ref_keys(struct store_txn *txn, store_key_fn *fn, void *arg)
{
	uint8_t key[STORE_KEY_MAX];
	Isms__V1__Record *rec;
	struct store_iter it;
	struct isms_err err;
	size_t klen;

	if (store_iter_open(txn, DB_RECORDS, &it, NULL, 0) == 0)
		while (store_iter_next(&it)) {
			if (it.k.mv_size == 0 ||
			    records_unpack(&it.v, &rec, &err) != 0)
				continue;
			klen =
			    extref_ref_key(((uint8_t *)it.k.mv_data)[0],
			                   rec->external_ref, key, sizeof key);
			if (klen > 0 && rec->id != NULL)
				fn(arg, key, klen, rec->id, strlen(rec->id));
			protobuf_c_message_free_unpacked(&rec->base, NULL);
		}
	store_iter_close(&it);
	return txn->ret;
}

int
extref_keys(struct store_txn *txn, store_key_fn *fn, void *arg)
{
	struct extref_pair *v;
	size_t n, i;
	int rc = extref_collect(txn, &v, &n);

	if (rc == 0)
		rc = extref_ref_keys(txn, fn, arg);

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
