/*
 * instance.h: this store's instance id: 32 random hex digits made once
 * with the data dir (or at the first start of an older one) and kept in
 * the meta db under "instance", unjournaled (it names the store, it is
 * not evidence). Clients tell two ismsd apart by it (iCal UIDs).
 */
#ifndef ISMS_INSTANCE_H
#define ISMS_INSTANCE_H

#include "errcode.h"

struct store_txn;

#define INSTANCE_ID_LEN 32

/* Reads the instance id into id, making it first when there is none
 * (txn must then be a write txn). */
int instance_id_get(struct store_txn *, char id[INSTANCE_ID_LEN + 1],
                    struct isms_err *err);

#endif
