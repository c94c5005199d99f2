/*
 * flip_byte.c: a test-only tamperer. Opens a stopped ismsd's LMDB
 * environment from outside, as anyone holding the files could, changes
 * it and commits, so that tests can check "ismsctl journal verify" finds
 * each change. It builds keys and hashes with ismsd's own functions.
 *
 *	flip_byte DIR SEQ [OFFSET]          flip bit 0 of byte OFFSET (default:
 *	                                    the last) of journal entry SEQ
 *	flip_byte DIR flip DB KEY [OFFSET]  the same in any db's value
 *	flip_byte DIR del DB KEY            delete a key
 *	flip_byte DIR stray DB KEY          copy KEY's value under KEY + "~"
 *	flip_byte DIR head SEQ              point journal-head at entry SEQ
 *	flip_byte DIR risk ID L I           a risk's likelihood and impact
 *	flip_byte DIR role USER ROLE        a user's role (4: admin)
 *	flip_byte DIR unrevoke TOKEN        clear a token's revoked flag
 *	flip_byte DIR rechain SEQ           change entry SEQ's summary and
 *	                                    rebuild the chain and head after it
 *	flip_byte DIR oldtokens             make the data dir as ismsd wrote it
 *	                                    before schema 2: token events
 *	                                    without bytes (chain rebuilt), a
 *	                                    last use inside each token, no
 *	                                    schema key
 *
 * DB is an LMDB database name (records, journal, idx, ...). KEY is seq:N,
 * rec:ID (a record key), str:TEXT, hex:HEX, or first (the db's first
 * key).
 * Changed records, users and tokens are re-packed: valid data, not noise.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>

#include "journal.h"
#include "keys.h"
#include "proto/isms.pb-c.h"
#include "registers.h"
#include "store.h"

#define HEAD_KEY "journal-head"

static MDB_env *env;
static MDB_txn *txn;

/* Prints what failed with LMDB's reason and exits 1. */
static _Noreturn void
die(const char *what, int rc)
{
	fprintf(stderr, "flip_byte: %s: %s\n", what, mdb_strerror(rc));
	exit(1);
}

/* Prints a usage error and exits 2. */
static _Noreturn void
usage(const char *why)
{
	fprintf(stderr, "flip_byte: %s (see the comment atop flip_byte.c)\n",
	        why);
	exit(2);
}

/* Parses a decimal number or exits 2. */
static unsigned long long
number(const char *s)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0)
		usage("not a number");
	return v;
}

/* Opens database name. */
static MDB_dbi
db(const char *name)
{
	MDB_dbi dbi;
	int rc;

	if ((rc = mdb_dbi_open(txn, name, 0, &dbi)) != 0)
		die(name, rc);
	return dbi;
}

/* A key, as KEY names it (static storage: one at a time). */
static MDB_val
key_of(MDB_dbi dbi, const char *spec)
{
	static uint8_t buf[512];
	const struct register_def *reg;
	MDB_cursor *cur;
	MDB_val k = {0, buf}, v;
	int rc;

	if (strncmp(spec, "seq:", 4) == 0) {
		be64_put(buf, number(spec + 4));
		k.mv_size = 8;
	} else if (strncmp(spec, "rec:", 4) == 0) {
		if ((reg = register_by_id(spec + 4)) == NULL)
			usage("no register has such ids");
		k.mv_size =
		    key_record(register_code(reg), spec + 4, buf, sizeof buf);
	} else if (strncmp(spec, "str:", 4) == 0) {
		k.mv_size = strlen(spec + 4);
		memcpy(buf, spec + 4, k.mv_size);
	} else if (strncmp(spec, "hex:", 4) == 0) {
		for (spec += 4; spec[0] != '\0' && spec[1] != '\0' &&
		                k.mv_size < sizeof buf;
		     spec += 2) {
			unsigned b;

			if (sscanf(spec, "%2x", &b) != 1)
				usage("bad hex");
			buf[k.mv_size++] = (uint8_t)b;
		}
	} else if (strcmp(spec, "first") == 0) {
		if ((rc = mdb_cursor_open(txn, dbi, &cur)) != 0 ||
		    (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST)) != 0)
			die("first key", rc);
		memcpy(buf, k.mv_data, k.mv_size);
		k.mv_data = buf;
		mdb_cursor_close(cur);
	} else
		usage("a KEY is seq:N, rec:ID, str:TEXT, hex:HEX or first");
	return k;
}

/* Gets key's value into a malloc'ed copy. */
static uint8_t *
get_copy(MDB_dbi dbi, MDB_val *k, size_t *len)
{
	MDB_val v;
	uint8_t *p;
	int rc;

	if ((rc = mdb_get(txn, dbi, k, &v)) != 0)
		die("get", rc);
	if ((p = malloc(v.mv_size + 1)) == NULL)
		exit(1);
	memcpy(p, v.mv_data, v.mv_size);
	*len = v.mv_size;
	return p;
}

/* Puts len bytes under key. */
static void
put(MDB_dbi dbi, MDB_val *k, const void *data, size_t len)
{
	MDB_val v = {len, (void *)data};
	int rc;

	if ((rc = mdb_put(txn, dbi, k, &v, 0)) != 0)
		die("put", rc);
}

/* Flips bit 0 of byte off (-1: the last) of a value. */
static void
cmd_flip(const char *dbname, const char *spec, long long off)
{
	MDB_dbi dbi = db(dbname);
	MDB_val k = key_of(dbi, spec);
	size_t len;
	uint8_t *p = get_copy(dbi, &k, &len);

	if (off < 0)
		off = (long long)len - 1;
	if ((size_t)off >= len) {
		fprintf(stderr, "flip_byte: the value has %zu bytes\n", len);
		exit(1);
	}
	p[off] ^= 0x01;
	put(dbi, &k, p, len);
	printf("flipped byte %lld of %zu of %s %s\n", off, len, dbname, spec);
	free(p);
}

/* Deletes a key. */
static void
cmd_del(const char *dbname, const char *spec)
{
	MDB_dbi dbi = db(dbname);
	MDB_val k = key_of(dbi, spec);
	int rc;

	if ((rc = mdb_del(txn, dbi, &k, NULL)) != 0)
		die("del", rc);
	printf("deleted %s %s\n", dbname, spec);
}

/* Copies a key's value under the key + "~": an entry no record made. */
static void
cmd_stray(const char *dbname, const char *spec)
{
	MDB_dbi dbi = db(dbname);
	MDB_val k = key_of(dbi, spec);
	uint8_t nk[512];
	size_t len;
	uint8_t *p = get_copy(dbi, &k, &len);
	MDB_val k2 = {k.mv_size + 1, nk};

	memcpy(nk, k.mv_data, k.mv_size);
	nk[k.mv_size] = '~';
	put(dbi, &k2, p, len);
	printf("added a stray key to %s\n", dbname);
	free(p);
}

/* Unpacks journal entry seq (exits on failure). */
static Isms__V1__JournalEntry *
entry(MDB_dbi dbi, uint64_t seq)
{
	Isms__V1__JournalEntry *e;
	uint8_t kb[8];
	MDB_val k = {8, kb}, v;
	int rc;

	be64_put(kb, seq);
	if ((rc = mdb_get(txn, dbi, &k, &v)) != 0)
		die("journal entry", rc);
	if ((e = isms__v1__journal_entry__unpack(NULL, v.mv_size, v.mv_data)) ==
	    NULL)
		usage("the entry does not decode");
	return e;
}

/* Writes the head: seq and hash. */
static void
put_head(uint64_t seq, const uint8_t *hash)
{
	uint8_t head[8 + JOURNAL_HASH_LEN];
	MDB_val k = {strlen(HEAD_KEY), HEAD_KEY};

	be64_put(head, seq);
	memcpy(head + 8, hash, JOURNAL_HASH_LEN);
	put(db("meta"), &k, head, sizeof head);
}

/* Points journal-head at entry seq, as its stored hash says. */
static void
cmd_head(uint64_t seq)
{
	Isms__V1__JournalEntry *e = entry(db("journal"), seq);

	put_head(seq, e->hash.data);
	printf("journal-head is now seq %llu\n", (unsigned long long)seq);
	protobuf_c_message_free_unpacked(&e->base, NULL);
}

/* Packs and stores a journal entry. */
static void
put_entry(MDB_dbi dbi, const Isms__V1__JournalEntry *e)
{
	uint8_t kb[8], buf[65536];
	MDB_val k = {8, kb};
	size_t n = isms__v1__journal_entry__get_packed_size(e);

	if (n > sizeof buf)
		usage("entry too large");
	be64_put(kb, e->seq);
	isms__v1__journal_entry__pack(e, buf);
	put(dbi, &k, buf, n);
}

/* Changes entry seq's summary, then rehashes it and every entry after it
 * and the head: what anyone with the files can do. */
static void
cmd_rechain(uint64_t seq)
{
	MDB_dbi dbi = db("journal");
	Isms__V1__JournalEntry *e;
	uint8_t prev[JOURNAL_HASH_LEN], hash[JOURNAL_HASH_LEN];
	MDB_val k, v;
	uint64_t s, last = seq;
	char *was;

	e = entry(dbi, seq);
	memcpy(prev, e->prev_hash.data, JOURNAL_HASH_LEN);
	protobuf_c_message_free_unpacked(&e->base, NULL);
	for (s = seq;; s++) {
		uint8_t kb[8];

		be64_put(kb, s);
		k.mv_size = 8;
		k.mv_data = kb;
		if (mdb_get(txn, dbi, &k, &v) != 0)
			break;
		e = entry(dbi, s);
		was = e->summary;
		if (s == seq)
			e->summary = "rewritten";
		memcpy(e->prev_hash.data, prev, sizeof prev);
		journal_hash(e, hash);
		memcpy(e->hash.data, hash, sizeof hash);
		put_entry(dbi, e);
		memcpy(prev, hash, sizeof hash);
		e->summary = was;
		protobuf_c_message_free_unpacked(&e->base, NULL);
		last = s;
	}
	put_head(last, prev);
	printf("rebuilt the chain from seq %llu to %llu\n",
	       (unsigned long long)seq, (unsigned long long)last);
}

/* Rewrites the data dir as schema 1 left it (see the comment on top). */
static void
cmd_oldtokens(void)
{
	MDB_dbi jdb = db("journal"), tdb = db("tokens");
	Isms__V1__JournalEntry *e;
	Isms__V1__Token *t;
	uint8_t prev[JOURNAL_HASH_LEN] = {0}, hash[JOURNAL_HASH_LEN];
	uint8_t kb[8], buf[65536];
	MDB_val k = {8, kb}, v, sk = {6, "schema"};
	MDB_cursor *cur;
	uint8_t keys[256][64];
	size_t klen[256], nk = 0, i, n = 0;
	uint64_t s;
	int rc;

	for (s = 1;; s++) {
		be64_put(kb, s);
		if (mdb_get(txn, jdb, &k, &v) != 0)
			break;
		e = entry(jdb, s);
		if (e->type == ISMS__V1__EVENT_TYPE__EVENT_TYPE_TOKEN_CHANGED)
			e->has_record_hash = 0;
		memcpy(e->prev_hash.data, prev, sizeof prev);
		journal_hash(e, hash);
		memcpy(e->hash.data, hash, sizeof hash);
		put_entry(jdb, e);
		memcpy(prev, hash, sizeof hash);
		protobuf_c_message_free_unpacked(&e->base, NULL);
	}
	put_head(s - 1, prev);
	/* Keys first, copied: a put may move the pages a cursor reads. */
	if ((rc = mdb_cursor_open(txn, tdb, &cur)) != 0)
		die("cursor", rc);
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
	     rc == 0 && nk < sizeof keys / sizeof keys[0];
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
		if (((uint8_t *)k.mv_data)[0] == 't' && k.mv_size < 64) {
			memcpy(keys[nk], k.mv_data, k.mv_size);
			klen[nk++] = k.mv_size;
		}
	mdb_cursor_close(cur);
	for (i = 0; i < nk; i++) {
		k.mv_data = keys[i];
		k.mv_size = klen[i];
		if ((rc = mdb_get(txn, tdb, &k, &v)) != 0)
			die("token", rc);
		if (v.mv_size < 32 || (t = isms__v1__token__unpack(
		                           NULL, v.mv_size - 32,
		                           (uint8_t *)v.mv_data + 32)) == NULL)
			continue;
		t->has_last_used_at = 1;
		t->last_used_at = 1700000000;
		memcpy(buf, v.mv_data, 32);
		isms__v1__token__pack(t, buf + 32);
		put(tdb, &k, buf, 32 + isms__v1__token__get_packed_size(t));
		protobuf_c_message_free_unpacked(&t->base, NULL);
		n++;
	}
	if ((rc = mdb_del(txn, db("meta"), &sk, NULL)) != 0 &&
	    rc != MDB_NOTFOUND)
		die("schema", rc);
	printf("schema 1: %zu token(s), chain rebuilt to seq %llu\n", n,
	       (unsigned long long)(s - 1));
}

/* Loads a latest record by id. */
static Isms__V1__Record *
record(MDB_dbi dbi, MDB_val *k)
{
	size_t len;
	uint8_t *p = get_copy(dbi, k, &len);
	Isms__V1__Record *r = isms__v1__record__unpack(NULL, len, p);

	free(p);
	if (r == NULL)
		usage("the record does not decode");
	return r;
}

/* Rewrites a latest risk's likelihood and impact, re-packed. */
static void
cmd_risk(const char *id, uint32_t l, uint32_t i)
{
	char spec[128];
	MDB_dbi dbi = db("records");
	MDB_val k;
	Isms__V1__Record *r;
	uint8_t buf[65536];
	size_t n;

	snprintf(spec, sizeof spec, "rec:%s", id);
	k = key_of(dbi, spec);
	r = record(dbi, &k);
	if (r->body_case != ISMS__V1__RECORD__BODY_RISK)
		usage("not a risk");
	r->risk->likelihood = l;
	r->risk->impact = i;
	if ((n = isms__v1__record__get_packed_size(r)) > sizeof buf)
		usage("record too large");
	isms__v1__record__pack(r, buf);
	put(dbi, &k, buf, n);
	printf("%s is now likelihood %u impact %u\n", id, l, i);
	protobuf_c_message_free_unpacked(&r->base, NULL);
}

/* Rewrites a user's role, re-packed. */
static void
cmd_role(const char *name, int role)
{
	char spec[128];
	MDB_dbi dbi = db("users");
	MDB_val k;
	Isms__V1__User *u;
	uint8_t *p, buf[65536];
	size_t len, n;

	snprintf(spec, sizeof spec, "str:u%s", name);
	k = key_of(dbi, spec);
	p = get_copy(dbi, &k, &len);
	if ((u = isms__v1__user__unpack(NULL, len, p)) == NULL)
		usage("the user does not decode");
	u->has_role = 1;
	u->role = role;
	n = isms__v1__user__get_packed_size(u);
	isms__v1__user__pack(u, buf);
	put(dbi, &k, buf, n);
	printf("user %s now has role %d\n", name, role);
	protobuf_c_message_free_unpacked(&u->base, NULL);
	free(p);
}

/* Clears a token's revoked flag, re-packed behind its mac. */
static void
cmd_unrevoke(const char *id)
{
	char spec[128];
	MDB_dbi dbi = db("tokens");
	MDB_val k;
	Isms__V1__Token *t;
	uint8_t *p, buf[65536];
	size_t len, n;

	snprintf(spec, sizeof spec, "str:t%s", id);
	k = key_of(dbi, spec);
	p = get_copy(dbi, &k, &len);
	if (len < 32 ||
	    (t = isms__v1__token__unpack(NULL, len - 32, p + 32)) == NULL)
		usage("the token does not decode");
	t->has_revoked = 1;
	t->revoked = 0;
	memcpy(buf, p, 32);
	n = isms__v1__token__get_packed_size(t);
	isms__v1__token__pack(t, buf + 32);
	put(dbi, &k, buf, 32 + n);
	printf("token %s is no longer revoked\n", id);
	protobuf_c_message_free_unpacked(&t->base, NULL);
	free(p);
}

int
main(int argc, char **argv)
{
	const char *cmd;
	int rc;

	if (argc < 3)
		usage("usage: flip_byte DIR SEQ [OFFSET] | DIR COMMAND ...");
	if ((rc = mdb_env_create(&env)) != 0 ||
	    (rc = mdb_env_set_maxdbs(env, 16)) != 0 ||
	    (rc = mdb_env_set_mapsize(env, STORE_MAPSIZE_DEFAULT)) != 0 ||
	    (rc = mdb_env_open(env, argv[1], 0, 0600)) != 0)
		die(argv[1], rc);
	if ((rc = mdb_txn_begin(env, NULL, 0, &txn)) != 0)
		die("begin", rc);
	cmd = argv[2];
	if (cmd[0] >= '0' && cmd[0] <= '9') {
		char spec[32];

		snprintf(spec, sizeof spec, "seq:%s", cmd);
		cmd_flip("journal", spec,
		         argc > 3 ? (long long)number(argv[3]) : -1);
	} else if (strcmp(cmd, "flip") == 0 && argc >= 5)
		cmd_flip(argv[3], argv[4],
		         argc > 5 ? (long long)number(argv[5]) : -1);
	else if (strcmp(cmd, "del") == 0 && argc == 5)
		cmd_del(argv[3], argv[4]);
	else if (strcmp(cmd, "stray") == 0 && argc == 5)
		cmd_stray(argv[3], argv[4]);
	else if (strcmp(cmd, "head") == 0 && argc == 4)
		cmd_head(number(argv[3]));
	else if (strcmp(cmd, "rechain") == 0 && argc == 4)
		cmd_rechain(number(argv[3]));
	else if (strcmp(cmd, "risk") == 0 && argc == 6)
		cmd_risk(argv[3], (uint32_t)number(argv[4]),
		         (uint32_t)number(argv[5]));
	else if (strcmp(cmd, "role") == 0 && argc == 5)
		cmd_role(argv[3], (int)number(argv[4]));
	else if (strcmp(cmd, "oldtokens") == 0 && argc == 3)
		cmd_oldtokens();
	else if (strcmp(cmd, "unrevoke") == 0 && argc == 4)
		cmd_unrevoke(argv[3]);
	else
		usage("unknown command or wrong arguments");
	if ((rc = mdb_txn_commit(txn)) != 0)
		die("commit", rc);
	mdb_env_close(env);
	return 0;
}
