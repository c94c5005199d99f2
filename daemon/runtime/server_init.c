/*
 * server_init.c: assembling the server's parts on a data dir (the store,
 * the token key, the seeded catalog, the writer, the fan-out and the
 * scheduler) and taking them down, for ismsd and the in-process fuzzer.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "authq.h"
#include "catalog.h"
#include "instance.h"
#include "log.h"
#include "migrate.h"
#include "reader.h"
#include "records.h"
#include "rpc.h"
#include "scheduler.h"
#include "server.h"
#include "store.h"
#include "subs.h"
#include "throttle.h"
#include "token_use.h"
#include "users.h"
#include "writer.h"

/* Seeds a new data dir: the clause and control catalog, its owner as
 * the first admin, and the instance id (also of an older data dir). */
static int
server_seed(struct server *srv, struct store *st, const char *dir,
            struct isms_err *err)
{
	struct records_actor who = {"ismsd", server_now()};
	struct store_txn txn;
	struct stat sb;
	bool seeded, admin;
	int rc;

	if (stat(dir, &sb) == -1)
		return isms_err_set(err, ISMS_EINTERNAL, "%s: %s", dir,
		                    strerror(errno));
	if ((rc = store_write_begin(st, NULL, &txn)) != 0)
		return isms_err_set(err, rc, "%s", txn.msg);
	if ((rc = catalog_seed(&txn, &who, &seeded, err)) != 0 ||
	    (rc = users_bootstrap(&txn, sb.st_uid, &who, &admin, err)) != 0 ||
	    (rc = instance_id_get(&txn, srv->instance_id, err)) != 0) {
		store_abort(&txn);
		return rc;
	}
	if (admin)
		log_notice("uid %u (the data dir's owner) is the first admin",
		           (unsigned)sb.st_uid);
	if ((rc = store_commit(&txn)) != 0)
		return isms_err_set(err, rc, "%s", txn.msg);
	if (seeded)
		log_notice("seeded the %s catalog: %zu rows", CATALOG_EDITION,
		           catalog_builtin_len);
	return 0;
}

/* After each delivered batch: fan the new journal entries out. */
static void
server_delivered(void *arg)
{
	subs_poke(arg);
}

int
server_open(struct server *srv, struct isms_err *err)
{
	const char *dir = srv->cfg.data_dir;
	int rc;

	TAILQ_INIT(&srv->conns);
	TAILQ_INIT(&srv->listeners);
	subs_init(srv);
	srv->started_at = server_now();
	if ((rc = store_open(&srv->store, dir, srv->cfg.mapsize, err)) != 0)
		return rc;
	/* A newer data dir is refused before the seeding may write to it. */
	if ((rc = migrate_check(srv->store, err)) != 0) {
		server_close(srv);
		return rc;
	}
	srv->token_use = token_use_new();
	srv->throttle = throttle_new(THROTTLE_ENTRIES);
	if ((rc = users_key_load(dir, srv->token_key, err)) != 0 ||
	    (rc = server_seed(srv, srv->store, dir, err)) != 0 ||
	    (rc = migrate_run(srv->store, server_now(), err)) != 0 ||
	    (rc = writer_start(&srv->writer, srv->store, srv->base,
	                       (uint64_t)srv->cfg.busy_poll_us * 1000u, err)) !=
	        0 ||
	    (rc = reader_start(&srv->reader, srv->store, srv->base, err)) !=
	        0 ||
	    (rc = authq_start(&srv->authq, srv->base, AUTHQ_CAP, err)) != 0) {
		server_close(srv);
		return rc;
	}
	writer_on_delivered(srv->writer, server_delivered, srv);
	if ((rc = sched_start(srv, err)) != 0) {
		server_close(srv);
		return rc;
	}
	return 0;
}

void
server_close(struct server *srv)
{
	sched_stop(srv);
	rpc_backup_stop_all(srv);
	reader_stop(srv->reader);
	srv->reader = NULL;
	/* Before the writer: a sign-in verified may still queue its write. */
	authq_stop(srv->authq);
	srv->authq = NULL;
	writer_stop(srv->writer);
	srv->writer = NULL;
	subs_free_all(srv);
	rpc_snapshot_stop_all(srv); /* their txns end before the store */
	if (srv->store != NULL)
		store_close(srv->store);
	srv->store = NULL;
	token_use_free(srv->token_use);
	srv->token_use = NULL;
	throttle_free(srv->throttle);
	srv->throttle = NULL;
}
