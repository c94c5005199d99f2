/*
 * flip_byte.c: a test-only tamperer. Opens a stopped ismsd's LMDB
 * environment, flips one bit of the stored journal entry SEQ (keys of the
 * journal db are big-endian u64 seqs) and commits, so that a test can
 * check "ismsctl journal verify" finds it.
 *
 *	flip_byte DATA_DIR SEQ [OFFSET]
 *
 * OFFSET is the byte of the packed entry to change (default: the last).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>

/* Prints what failed with LMDB's reason and exits 1. */
static _Noreturn void
die(const char *what, int rc)
{
	fprintf(stderr, "flip_byte: %s: %s\n", what, mdb_strerror(rc));
	exit(1);
}

/* Parses a decimal number or exits 2. */
static unsigned long long
number(const char *s)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0) {
		fprintf(stderr, "flip_byte: not a number: '%s'\n", s);
		exit(2);
	}
	return v;
}

/* Flips bit 0 of byte OFFSET of journal entry SEQ. */
int
main(int argc, char **argv)
{
	unsigned long long seq, off;
	uint8_t key[8], *copy;
	MDB_val k = {sizeof key, key}, v;
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	int rc, i;

	if (argc < 3 || argc > 4) {
		fputs("usage: flip_byte DATA_DIR SEQ [OFFSET]\n", stderr);
		return 2;
	}
	seq = number(argv[2]);
	for (i = 0; i < 8; i++)
		key[i] = (uint8_t)(seq >> (56 - 8 * i));
	if ((rc = mdb_env_create(&env)) != 0 ||
	    (rc = mdb_env_set_maxdbs(env, 16)) != 0 ||
	    (rc = mdb_env_open(env, argv[1], 0, 0600)) != 0)
		die(argv[1], rc);
	if ((rc = mdb_txn_begin(env, NULL, 0, &txn)) != 0 ||
	    (rc = mdb_dbi_open(txn, "journal", 0, &dbi)) != 0)
		die("journal db", rc);
	if ((rc = mdb_get(txn, dbi, &k, &v)) != 0)
		die("journal entry", rc);
	off = argc == 4 ? number(argv[3]) : v.mv_size - 1;
	if (off >= v.mv_size) {
		fprintf(stderr, "flip_byte: entry %llu has %zu bytes\n", seq,
		        v.mv_size);
		return 1;
	}
	/* LMDB's data is read-only memory: change a copy, put it back. */
	if ((copy = malloc(v.mv_size)) == NULL)
		return 1;
	memcpy(copy, v.mv_data, v.mv_size);
	copy[off] ^= 0x01;
	v.mv_data = copy;
	if ((rc = mdb_put(txn, dbi, &k, &v, 0)) != 0 ||
	    (rc = mdb_txn_commit(txn)) != 0)
		die("writing the entry", rc);
	printf("flipped byte %llu of %zu of journal entry %llu\n", off,
	       v.mv_size, seq);
	free(copy);
	mdb_env_close(env);
	return 0;
}
