/* migrate.c: schema versions and the upgrade steps (see migrate.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "due_index.h"
#include "extref.h"
#include "journal.h"
#include "log.h"
#include "migrate.h"
#include "store.h"
#include "users.h"
#include "xmalloc.h"

#define SCHEMA_KEY "schema"
#define ACTOR      "ismsd"

/* One object to baseline, its bytes copied out of the cursor's page. */
struct migrate_item {
	int type;
	char *id;
	void *bytes;
	size_t len;
};

struct migrate_list {
	struct migrate_item *v;
	size_t n;
};

/* check_uncovered callback: collects the object. */
static int
migrate_collect(void *arg, int type, const char *id, const void *bytes,
                size_t len)
{
	struct migrate_list *l = arg;
	struct migrate_item *it;

	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	it = &l->v[l->n++];
	it->type = type;
	it->id = xstrdup(id);
	it->bytes = xmalloc(len > 0 ? len : 1);
	memcpy(it->bytes, bytes, len);
	it->len = len;
	return 0;
}

/* Schema 1 → 2: last uses apart, a baseline for what is not covered. */
static int
migrate_to_2(struct store_txn *txn, int64_t now, struct isms_err *err)
{
	struct migrate_list l = {NULL, 0};
	struct journal_rec jr;
	char summary[200], tname[32];
	size_t moved, i;
	int rc;

	if ((rc = tokens_move_last_used(txn, &moved)) != 0)
		return isms_err_set(err, rc, "%s", txn->msg);
	if ((rc = check_uncovered(txn, migrate_collect, &l, err)) != 0)
		return rc;
	for (i = 0; i < l.n && rc == 0; i++) {
		snprintf(summary, sizeof summary,
		         "baseline of %s as stored (schema 2: the journal "
		         "covers it from here)",
		         l.v[i].id);
		memset(&jr, 0, sizeof jr);
		jr.time = now;
		jr.actor = ACTOR;
		jr.type = l.v[i].type;
		jr.id = l.v[i].id;
		jr.summary = summary;
		jr.bytes = l.v[i].bytes;
		jr.len = l.v[i].len;
		rc = journal_append(txn, &jr, NULL, err);
		log_notice("schema 2: journaled a baseline of %s %s",
		           journal_type_name(l.v[i].type, tname, sizeof tname),
		           l.v[i].id);
	}
	for (i = 0; i < l.n; i++) {
		free(l.v[i].id);
		free(l.v[i].bytes);
	}
	free(l.v);
	if (rc == 0 && moved > 0)
		log_notice(
		    "schema 2: moved the last use of %zu token(s) out of "
		    "their journaled bytes",
		    moved);
	return rc;
}

/* Schema 2 → 3: the due db under the rules of measurements, planned
 * audits and one item per record and date (nothing else is rewritten). */
static int
migrate_to_3(struct store_txn *txn, int64_t now, struct isms_err *err)
{
	(void)now;
	log_notice("schema 3: rebuilding the due dates from the records");
	return due_rebuild(txn, err);
}

/* Schema 3 → 4: the ingest dedupe index (its own db, created empty at
 * open), built from the incidents that carry a source and external id. */
static int
migrate_to_4(struct store_txn *txn, int64_t now, struct isms_err *err)
{
	(void)now;
	log_notice("schema 4: building the ingest dedupe index");
	return extref_rebuild(txn, err);
}

/* Schema 4 → 5: every register's external_ref index, beside the ingest
 * keys in the same db; records stored before carry no external_ref, so
 * the rebuild finds nothing to add, but the step is what says so. */
static int
migrate_to_5(struct store_txn *txn, int64_t now, struct isms_err *err)
{
	(void)now;
	log_notice("schema 5: building the external_ref index");
	return extref_rebuild(txn, err);
}

/* The upgrade steps: steps[v] brings schema v to v + 1. */
static int (*const migrate_steps[MIGRATE_SCHEMA])(struct store_txn *, int64_t,
                                                  struct isms_err *) = {
    [1] = migrate_to_2,
    [2] = migrate_to_3,
    [3] = migrate_to_4,
    [4] = migrate_to_5,
};

/* Reads the stored schema into *have (1 when absent: before schema 2). */
static int
migrate_schema_get(struct store_txn *txn, uint32_t *have, struct isms_err *err)
{
	MDB_val v;
	int rc;

	*have = 1;
	rc = store_get(txn, DB_META, SCHEMA_KEY, strlen(SCHEMA_KEY), &v);
	if (rc == 0 && v.mv_size == 4)
		*have = be32_get(v.mv_data);
	else if (rc != -ISMS_ENOTFOUND)
		return isms_err_set(err, rc == 0 ? ISMS_EDATALOSS : -rc,
		                    "the schema version: %s",
		                    rc == 0 ? "malformed" : txn->msg);
	if (*have > MIGRATE_SCHEMA)
		return isms_err_set(
		    err, ISMS_EPRECOND,
		    "the data dir has schema %u, newer than this "
		    "ismsd's %d: it was written by a newer ismsd; run that "
		    "one (the data dir is left as it is)",
		    *have, MIGRATE_SCHEMA);
	return 0;
}

int
migrate_check(struct store *st, struct isms_err *err)
{
	struct store_txn txn;
	uint32_t have;
	int rc;

	if ((rc = store_read_begin(st, &txn)) != 0)
		return isms_err_set(err, -rc, "%s", txn.msg);
	rc = migrate_schema_get(&txn, &have, err);
	store_read_end(&txn);
	return rc;
}

int
migrate_run(struct store *st, int64_t now, struct isms_err *err)
{
	struct store_txn txn;
	uint32_t have, from;
	uint8_t val[4];
	int rc;

	if ((rc = store_write_begin(st, NULL, &txn)) != 0)
		return isms_err_set(err, rc, "%s", txn.msg);
	if ((rc = migrate_schema_get(&txn, &have, err)) != 0 ||
	    have == MIGRATE_SCHEMA) {
		store_abort(&txn);
		if (rc == 0)
			log_info("data dir schema %u: current", have);
		return rc;
	}
	from = have;
	log_notice("data dir schema %u: migrating to schema %d in one "
	           "transaction",
	           from, MIGRATE_SCHEMA);
	for (rc = 0; have < MIGRATE_SCHEMA && rc == 0; have++)
		if (migrate_steps[have] != NULL)
			rc = migrate_steps[have](&txn, now, err);
	if (rc != 0) {
		store_abort(&txn);
		return rc;
	}
	be32_put(val, MIGRATE_SCHEMA);
	store_put(&txn, DB_META, SCHEMA_KEY, strlen(SCHEMA_KEY), val,
	          sizeof val);
	if ((rc = store_commit(&txn)) != 0)
		return isms_err_set(err, rc, "%s", txn.msg);
	log_notice("data dir migrated from schema %u to schema %d", from,
	           MIGRATE_SCHEMA);
	return 0;
}
