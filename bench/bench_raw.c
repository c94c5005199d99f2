/*
 * bench_raw.c: ismsbench's raw mode: the ceiling. Writes the same risks
 * the put mode sends straight into LMDB, in-process, with the daemon's own
 * code from ismsd_core: store_open, and per batch one write txn holding a
 * nested txn per record around records_put, as writer_commit_batch does.
 * No network, no protobuf framing. --batch records per txn.
 *
 * With --prepare N --data-dir DIR it fills a daemon's data dir before the
 * daemon starts (under the daemon's own lock), for the due mode: 100 of
 * the N risks have an acceptance ending tomorrow (a risk's review date
 * follows its level, so acceptance.until is the date a client can set).
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "catalog.h"
#include "records.h"
#include "server.h"
#include "store.h"
#include "users.h"

#define RAW_DUE_ITEMS 100        /* --prepare: risks due tomorrow */
#define RAW_DAY       86400      /* seconds */
#define RAW_LAT_MAX   (1u << 20) /* commit times kept */

/* Adds the risks' owners as users, unless they are there. */
static int
raw_owners(struct store_txn *txn, const struct records_actor *who,
           struct isms_err *err)
{
	const char *const *n;
	Isms__V1__User *u;
	int rc;

	for (n = bench_owners; *n != NULL; n++) {
		Isms__V1__User in = ISMS__V1__USER__INIT;
		Isms__V1__UserPut up = ISMS__V1__USER_PUT__INIT;

		if (users_get(txn, *n, &u) == 0) {
			protobuf_c_message_free_unpacked(&u->base, NULL);
			continue;
		}
		in.name = (char *)*n;
		up.user = &in;
		up.has_create = up.create = 1;
		if ((rc = users_put(txn, &up, (uid_t)-1, who, &u, err)) != 0)
			return rc;
		protobuf_c_message_free_unpacked(&u->base, NULL);
	}
	return 0;
}

/* Seeds the catalog, first admin and the risks' owners, as ismsd and an
 * admin would on a new data dir. */
static int
raw_seed(struct store *st, const char *dir)
{
	struct records_actor who = {"ismsd", server_now()};
	struct store_txn txn;
	struct isms_err err;
	struct stat sb;
	bool seeded, admin;

	if (stat(dir, &sb) == -1 || store_write_begin(st, NULL, &txn) != 0)
		return -1;
	if (catalog_seed(&txn, &who, &seeded, &err) != 0 ||
	    users_bootstrap(&txn, sb.st_uid, &who, &admin, &err) != 0 ||
	    raw_owners(&txn, &who, &err) != 0) {
		bench_log("seed: %s", err.msg);
		store_abort(&txn);
		return -1;
	}
	return store_commit(&txn) == 0 ? 0 : -1;
}

/* Takes the daemon's lock on dir; the fd, or -1 when held or failing. */
static int
raw_lock(const char *dir)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof path, "%s/ismsd.lock", dir);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1) {
		bench_log("%s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		bench_log("%s is in use (a daemon runs on it): refusing", dir);
		close(fd);
		return -1;
	}
	return fd;
}

/* Gives the risk in b an acceptance that ends tomorrow (UTC). */
static void
raw_due_tomorrow(struct bench_req *b, int64_t now)
{
	time_t t = (time_t)(now + RAW_DAY);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(b->until, sizeof b->until, "%Y-%m-%d", &tm);
	isms__v1__acceptance__init(&b->acc);
	b->acc.by = b->rec.owner;
	b->acc.has_at = 1;
	b->acc.at = now;
	b->acc.until = b->until;
	b->risk.acceptance = &b->acc;
}

/* Writes one batch of n records from seq, as writer_commit_batch does. */
static int
raw_batch(struct store *st, unsigned long seq, unsigned n, unsigned long every,
          struct bench_req *b)
{
	struct records_actor who = {"ismsbench", server_now()};
	struct store_txn txn, child;
	Isms__V1__Record *rec;
	struct isms_err err;
	unsigned i;
	int rc;

	if ((rc = store_write_begin(st, NULL, &txn)) != 0)
		return rc;
	for (i = 0; i < n; i++, seq++) {
		bench_risk(b, seq);
		if (every > 0 && seq % every == 0)
			raw_due_tomorrow(b, who.now);
		if ((rc = store_write_begin(st, &txn, &child)) != 0)
			break;
		rec = NULL;
		rc = records_put(&child, &b->put, &who, &rec, &err);
		if (rc == 0 && child.ret != 0)
			rc = child.ret;
		if (rc == 0)
			rc = store_commit(&child);
		else
			store_abort(&child);
		if (rec != NULL)
			protobuf_c_message_free_unpacked(&rec->base, NULL);
		if (rc != 0) {
			bench_log("records_put: %s", err.msg);
			break;
		}
	}
	if (rc != 0) {
		store_abort(&txn);
		return rc;
	}
	return store_commit(&txn);
}

/* Writes o->count (or --prepare) records in batches into st. */
static int
raw_run(const struct bench_opts *o, struct store *st, struct bench_result *r)
{
	unsigned long total = o->prepare ? o->prepare : o->count, seq = 0;
	unsigned long every = o->prepare ? o->prepare / RAW_DUE_ITEMS : 0;
	unsigned batch = o->batch ? o->batch : 1, n;
	struct bench_req b;
	double t0 = bench_now(), t, deadline = 0;

	if (o->duration_s > 0 && !o->prepare) {
		deadline = t0 + o->duration_s;
		total = ~0ul;
	}
	if (every == 0 && o->prepare)
		every = 1;
	r->lat_ms = calloc(RAW_LAT_MAX, sizeof *r->lat_ms);
	if (r->lat_ms == NULL)
		return -1;
	while (seq < total && (deadline == 0 || bench_now() < deadline)) {
		n = total - seq < batch ? (unsigned)(total - seq) : batch;
		t = bench_now();
		if (raw_batch(st, seq, n, every, &b) != 0)
			return -1;
		if (r->n < RAW_LAT_MAX)
			r->lat_ms[r->n++] = (bench_now() - t) * 1000.0;
		seq += n;
		if (o->prepare && seq % 100000 < n)
			bench_log("prepared %lu of %lu", seq, total);
	}
	r->ops_per_s = (double)seq / (bench_now() - t0);
	bench_note(r, "records", (double)seq);
	bench_note(r, "batch", batch);
	bench_note(r, "txns_per_s", r->ops_per_s / batch);
	return 0;
}

/* The raw mode (and --prepare): see the top of this file. */
int
bench_raw(const struct bench_opts *o, struct bench_result *r)
{
	char tmp[] = "/tmp/ismsbench-raw-XXXXXX", cmd[64];
	const char *dir = o->data_dir;
	struct store *st;
	struct isms_err err;
	int lockfd = -1, rc = -1;

	if (o->prepare && dir == NULL) {
		bench_log("--prepare needs --data-dir (the daemon's)");
		return -1;
	}
	if (dir == NULL && (dir = mkdtemp(tmp)) == NULL)
		return -1;
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		bench_log("mkdir %s: %s", dir, strerror(errno));
		return -1;
	}
	if ((lockfd = raw_lock(dir)) == -1)
		goto out;
	if (store_open(&st, dir, STORE_MAPSIZE_DEFAULT, &err) != 0) {
		bench_log("%s", err.msg);
		goto out;
	}
	if (raw_seed(st, dir) == 0 && (rc = raw_run(o, st, r)) == 0)
		snprintf(r->what, sizeof r->what,
		         "in-process records_put, %u per txn: time per "
		         "durable commit",
		         o->batch ? o->batch : 1);
	store_close(st);
out:
	if (lockfd != -1)
		close(lockfd);
	if (o->data_dir == NULL) {
		snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
		if (system(cmd) != 0)
			bench_log("could not remove %s", tmp);
	}
	return rc;
}
