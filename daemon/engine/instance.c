/* instance.c: the store's instance id (see instance.h). */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "instance.h"
#include "store.h"

#define INSTANCE_KEY "instance"

int
instance_id_get(struct store_txn *txn, char id[INSTANCE_ID_LEN + 1],
                struct isms_err *err)
{
	uint8_t raw[INSTANCE_ID_LEN / 2];
	MDB_val v;
	size_t i;
	int rc;

	rc = store_get(txn, DB_META, INSTANCE_KEY, strlen(INSTANCE_KEY), &v);
	if (rc == 0 && v.mv_size == INSTANCE_ID_LEN) {
		memcpy(id, v.mv_data, INSTANCE_ID_LEN);
		id[INSTANCE_ID_LEN] = '\0';
		return 0;
	}
	if (rc != 0 && rc != -ISMS_ENOTFOUND)
		return isms_err_set(err, rc, "the instance id: %s", txn->msg);
	if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw)
		return isms_err_set(err, ISMS_EINTERNAL,
		                    "no random bytes for the instance id");
	for (i = 0; i < sizeof raw; i++)
		snprintf(id + 2 * i, 3, "%02x", raw[i]);
	store_put(txn, DB_META, INSTANCE_KEY, strlen(INSTANCE_KEY), id,
	          INSTANCE_ID_LEN);
	if (txn->ret != 0)
		return isms_err_set(err, txn->ret, "%s", txn->msg);
	return 0;
}
