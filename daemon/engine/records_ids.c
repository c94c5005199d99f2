/* records_ids.c: each register's id counter (meta 'n' code → the last
 * number given): new ids, and ids a batch keeps. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "records.h"
#include "registers.h"
#include "xmalloc.h"

enum { META_NEXT_ID = 'n' };

char *
records_new_id(struct store_txn *txn, const struct register_def *reg)
{
	uint8_t key[2] = {META_NEXT_ID, register_code(reg)}, val[4];
	uint32_t next = 1;
	MDB_val v;

	if (store_get(txn, DB_META, key, sizeof key, &v) == 0 && v.mv_size == 4)
		next = be32_get(v.mv_data) + 1;
	be32_put(val, next);
	store_put(txn, DB_META, key, sizeof key, val, sizeof val);
	return xasprintf("%s-%04u", reg->prefix, next);
}

int
records_claim_id(struct store_txn *txn, const struct register_def *reg,
                 const char *id)
{
	uint8_t key[2] = {META_NEXT_ID, register_code(reg)}, val[4];
	size_t n = strlen(reg->prefix), i;
	unsigned long num = 0;
	char *canon;
	bool same;
	MDB_val v;

	/* Ids a register owns (catalog items, A.8.1) come from the catalog
	 * only; its own PREFIX-NUMBER records may keep theirs. */
	if ((reg->owns_id != NULL && reg->owns_id(id)) ||
	    strncmp(id, reg->prefix, n) != 0 || id[n] != '-' ||
	    id[n + 1] == '\0' || strlen(id + n + 1) > 9)
		return -ISMS_EINVAL;
	for (i = n + 1; id[i] != '\0'; i++) {
		if (id[i] < '0' || id[i] > '9')
			return -ISMS_EINVAL;
		num = num * 10 + (unsigned long)(id[i] - '0');
	}
	/* The form new ids take: RSK-0042, not RSK-42 or RSK-00042. */
	canon = xasprintf("%s-%04lu", reg->prefix, num);
	same = strcmp(canon, id) == 0;
	free(canon);
	if (num == 0 || num > UINT32_MAX - 1 || !same)
		return -ISMS_EINVAL;
	if (store_get(txn, DB_META, key, sizeof key, &v) == 0 &&
	    v.mv_size == 4 && be32_get(v.mv_data) >= num)
		return 0;
	be32_put(val, (uint32_t)num);
	store_put(txn, DB_META, key, sizeof key, val, sizeof val);
	return 0;
}
