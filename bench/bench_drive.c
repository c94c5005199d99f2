/*
 * bench_drive.c: the closed-loop driver the request modes share (put, get,
 * list, due): --clients connections over --threads event loops, each with
 * --inflight requests outstanding, every reply timed from send to reply
 * and answered by the next request until --count or --duration is spent.
 * Also the realistic risk every writing mode stores, and the Info RPC.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "bench.h"
#include "ismsclient.h"

#define DRIVE_TICK_US 20000

struct drive_loop;

/* One request slot: always one request in flight until the end. */
struct drive_slot {
	struct drive_loop *loop;
	struct isms_client *client;
	struct bench_req b;
	unsigned long seq;
	double sent;
};

/* The state every loop shares. */
struct drive_shared {
	const struct bench_opts *o;
	const struct bench_load *load;
	atomic_ulong next; /* next operation number */
	atomic_ulong errors;
	atomic_bool stop;
	double deadline; /* 0: by count */
	char first_err[200];
	pthread_mutex_t lock;
};

/* One event loop thread and its connections. */
struct drive_loop {
	struct drive_shared *sh;
	struct event_base *base;
	struct event *tick;
	struct isms_client **clients;
	size_t nclients;
	struct drive_slot *slots;
	size_t nslots, active;
	double *lat;
	size_t n, cap;
	pthread_t thread;
};

static void drive_send(struct drive_slot *s);

/* Keeps the first error message for the report. */
static void
drive_error(struct drive_shared *sh, const char *msg)
{
	atomic_fetch_add(&sh->errors, 1);
	pthread_mutex_lock(&sh->lock);
	if (sh->first_err[0] == '\0')
		snprintf(sh->first_err, sizeof sh->first_err, "%s",
		         msg != NULL ? msg : "error");
	pthread_mutex_unlock(&sh->lock);
}

/* One reply: time it, check it, send the next. */
static void
drive_reply_cb(struct isms_client *c, const Isms__V1__Reply *r, void *arg)
{
	struct drive_slot *s = arg;
	struct drive_loop *l = s->loop;
	const struct bench_load *load = l->sh->load;
	double now = bench_now();

	(void)c;
	if (r->status != NULL && r->status->code != ISMS__V1__CODE__OK)
		drive_error(l->sh, r->status->message);
	else if (load->check != NULL &&
	         load->check(&s->b, r, s->seq, load->arg) != 0)
		drive_error(l->sh, "unexpected reply");
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 4096;
		if ((l->lat = realloc(l->lat, l->cap * sizeof *l->lat)) == NULL)
			abort();
	}
	l->lat[l->n++] = (now - s->sent) * 1000.0;
	drive_send(s);
}

/* Sends the slot's next operation, or retires the slot. */
static void
drive_send(struct drive_slot *s)
{
	struct drive_loop *l = s->loop;
	struct drive_shared *sh = l->sh;

	if (atomic_load(&sh->stop) ||
	    (sh->deadline > 0 && bench_now() >= sh->deadline) ||
	    (sh->deadline == 0 &&
	     (s->seq = atomic_fetch_add(&sh->next, 1)) >= sh->o->count)) {
		if (--l->active == 0)
			event_base_loopbreak(l->base);
		return;
	}
	if (sh->deadline > 0)
		s->seq = atomic_fetch_add(&sh->next, 1);
	sh->load->build(&s->b, s->seq, sh->load->arg);
	s->sent = bench_now();
	if (isms_client_call(s->client, &s->b.req, drive_reply_cb, s) == 0) {
		drive_error(sh, "connection closed");
		atomic_store(&sh->stop, true);
		if (--l->active == 0)
			event_base_loopbreak(l->base);
	}
}

/* Ends the loop when everything stopped early (lost connections). */
static void
drive_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct drive_loop *l = arg;

	(void)fd;
	(void)what;
	if (l->active == 0)
		event_base_loopbreak(l->base);
}

/* A loop thread: first requests, then replies until every slot retires. */
static void *
drive_loop_main(void *arg)
{
	struct drive_loop *l = arg;
	size_t i;

	l->active = l->nslots;
	for (i = 0; i < l->nslots; i++)
		drive_send(&l->slots[i]);
	if (l->active > 0)
		event_base_dispatch(l->base);
	return NULL;
}

/* Connects loop l's nclients connections with o->inflight slots each. */
static int
drive_loop_init(struct drive_loop *l, struct drive_shared *sh, size_t nclients)
{
	struct timeval tv = {0, DRIVE_TICK_US};
	unsigned inflight = sh->o->inflight ? sh->o->inflight : 1;
	struct isms_err err;
	size_t i, k;

	l->sh = sh;
	if ((l->base = event_base_new()) == NULL)
		return -1;
	l->tick = event_new(l->base, -1, EV_PERSIST, drive_tick_cb, l);
	event_add(l->tick, &tv);
	l->clients = calloc(nclients + 1, sizeof *l->clients);
	l->slots = calloc(nclients * inflight + 1, sizeof *l->slots);
	if (l->clients == NULL || l->slots == NULL)
		return -1;
	for (i = 0; i < nclients; i++, l->nclients++) {
		l->clients[i] =
		    isms_client_connect(l->base, sh->o->endpoint, &err);
		if (l->clients[i] == NULL) {
			bench_log("%s", err.msg);
			return -1;
		}
		for (k = 0; k < inflight; k++, l->nslots++) {
			l->slots[l->nslots].loop = l;
			l->slots[l->nslots].client = l->clients[i];
		}
	}
	return 0;
}

/* Frees what drive_loop_init made (not the latencies). */
static void
drive_loop_free(struct drive_loop *l)
{
	size_t i;

	for (i = 0; i < l->nclients; i++)
		isms_client_free(l->clients[i]);
	if (l->tick != NULL)
		event_free(l->tick);
	if (l->base != NULL)
		event_base_free(l->base);
	free(l->clients);
	free(l->slots);
}

/* Runs the closed loop (bench.h says how). */
int
bench_drive(const struct bench_opts *o, const struct bench_load *load,
            struct bench_result *r)
{
	unsigned nc = o->clients ? o->clients : 1;
	unsigned nl = o->threads > nc ? nc : o->threads ? o->threads : 1, i;
	struct drive_loop *loops = calloc(nl, sizeof *loops);
	struct drive_shared sh = {.o = o, .load = load};
	double t0, t1;
	size_t total = 0;
	int rc = -1;

	pthread_mutex_init(&sh.lock, NULL);
	bench_raise_nofile();
	for (i = 0; loops != NULL && i < nl; i++)
		if (drive_loop_init(&loops[i], &sh, nc / nl + (i < nc % nl)) !=
		    0)
			goto out;
	t0 = bench_now();
	sh.deadline = o->duration_s > 0 ? t0 + o->duration_s : 0;
	for (i = 0; i < nl; i++)
		pthread_create(&loops[i].thread, NULL, drive_loop_main,
		               &loops[i]);
	for (i = 0; i < nl; i++)
		pthread_join(loops[i].thread, NULL);
	t1 = bench_now();
	for (i = 0; i < nl; i++)
		total += loops[i].n;
	if ((r->lat_ms = calloc(total + 1, sizeof *r->lat_ms)) == NULL)
		goto out;
	for (i = 0; i < nl; i++) {
		memcpy(r->lat_ms + r->n, loops[i].lat,
		       loops[i].n * sizeof *r->lat_ms);
		r->n += loops[i].n;
	}
	r->ops_per_s = t1 > t0 ? (double)r->n / (t1 - t0) : 0;
	bench_note(r, "clients", nc);
	bench_note(r, "inflight", o->inflight ? o->inflight : 1);
	bench_note(r, "errors", (double)atomic_load(&sh.errors));
	if (sh.first_err[0] != '\0')
		bench_log("first error: %s", sh.first_err);
	rc = r->n > 0 ? 0 : -1;
out:
	for (i = 0; loops != NULL && i < nl; i++) {
		drive_loop_free(&loops[i]);
		free(loops[i].lat);
	}
	free(loops);
	pthread_mutex_destroy(&sh.lock);
	return rc;
}

/* Ten owners, five threats and five weaknesses to vary records. */
const char *const bench_owners[BENCH_NOWNERS + 1] = {
    "alice", "bob",   "carol", "dave", "erin", "frank",
    "grace", "heidi", "ivan",  "judy", NULL,
};

static const char *const bench_threats[] = {
    "Ransomware encrypting file shares after a phishing e-mail",
    "Theft of an unencrypted laptop from a car or a train",
    "Insider copying customer data to a personal cloud account",
    "Outage of the single data centre after a power failure",
    "Supplier compromise pushing a malicious software update",
};

static const char *const bench_vulns[] = {
    "Backups are online and writable from the same domain accounts; "
    "restores have not been tested for a year and nobody owns the runbook.",
    "Full-disk encryption is not enforced on older models, and the asset "
    "inventory does not say which laptops hold customer exports.",
    "Data loss prevention is not configured for personal accounts and the "
    "access reviews of the CRM are done once a year, by hand.",
    "No second site; the generator is not tested under load and the UPS "
    "batteries are past their replacement date.",
    "Updates are installed automatically without signature pinning, and "
    "the vendor's security contact is unknown to the team.",
};

/* Fills b with a Put of risk number seq: varied, ~300 bytes. */
void
bench_risk(struct bench_req *b, unsigned long seq)
{
	unsigned long h = seq * 2654435761ul;

	memset(b, 0, offsetof(struct bench_req, title));
	isms__v1__request__init(&b->req);
	isms__v1__put__init(&b->put);
	isms__v1__record__init(&b->rec);
	isms__v1__risk__init(&b->risk);
	snprintf(b->title, sizeof b->title, "Risk %lu: %s", seq,
	         bench_threats[h % 5]);
	snprintf(b->threat, sizeof b->threat, "%s (scenario %lu)",
	         bench_threats[(h >> 3) % 5], seq);
	snprintf(b->vuln, sizeof b->vuln, "%s", bench_vulns[(h >> 6) % 5]);
	b->rec.title = b->title;
	b->rec.owner = (char *)bench_owners[seq % 10];
	b->risk.threat = b->threat;
	b->risk.vulnerability = b->vuln;
	b->risk.has_likelihood = b->risk.has_impact = 1;
	b->risk.likelihood = 1 + (uint32_t)((h >> 9) % 5);
	b->risk.impact = 1 + (uint32_t)((h >> 12) % 5);
	b->rec.body_case = ISMS__V1__RECORD__BODY_RISK;
	b->rec.risk = &b->risk;
	b->put.record = &b->rec;
	b->req.call_case = ISMS__V1__REQUEST__CALL_PUT;
	b->req.put = &b->put;
}

/* Builds a put for bench_create. */
static void
create_build(struct bench_req *b, unsigned long seq, void *arg)
{
	(void)arg;
	bench_risk(b, seq);
}

/* Keeps the id a put created. */
static int
create_check(struct bench_req *b, const Isms__V1__Reply *r, unsigned long seq,
             void *arg)
{
	char *ids = arg;

	(void)b;
	if (r->record == NULL || r->record->id == NULL ||
	    strlen(r->record->id) >= 32)
		return -1;
	strcpy(ids + seq * 32, r->record->id);
	return 0;
}

/* Creates n risks, 8 in flight per connection; their ids. */
char *
bench_create(const struct bench_opts *o, unsigned n)
{
	struct bench_opts co = *o;
	struct bench_result cr = {0};
	char *ids = calloc((size_t)n + 1, 32);
	struct bench_load load = {create_build, create_check, ids};
	unsigned i;

	if (bench_users(o->endpoint, bench_owners) != 0)
		return NULL;
	co.count = n;
	co.duration_s = 0;
	co.clients = co.clients > 8 ? 8 : co.clients;
	co.inflight = 8;
	if (ids == NULL || bench_drive(&co, &load, &cr) != 0) {
		free(cr.lat_ms);
		free(ids);
		return NULL;
	}
	free(cr.lat_ms);
	for (i = 0; i < n; i++)
		if (ids[(size_t)i * 32] == '\0') {
			bench_log("record %u was not created", i);
			free(ids);
			return NULL;
		}
	return ids;
}

/* The Info RPC's commit counters. */
int
bench_info(const char *endpoint, uint64_t *commits, uint64_t *ops)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Info info = ISMS__V1__INFO__INIT;
	struct isms_err err;
	struct isms_sync *s = isms_sync_connect(endpoint, "ismsbench", &err);
	Isms__V1__Reply *r;
	int rc = -1;

	if (s == NULL) {
		bench_log("%s", err.msg);
		return -1;
	}
	req.call_case = ISMS__V1__REQUEST__CALL_INFO;
	req.info = &info;
	if ((r = isms_sync_call(s, &req, &err)) == NULL)
		bench_log("info: %s", err.msg);
	else if (r->info != NULL) {
		*commits = r->info->commits;
		*ops = r->info->committed_ops;
		rc = 0;
	}
	isms_reply_free(r);
	isms_sync_free(s);
	return rc;
}

/* Adds user name (a risk owner with no login); an existing one is fine. */
static int
bench_user_add(struct isms_sync *s, const char *name)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__UserPut up = ISMS__V1__USER_PUT__INIT;
	Isms__V1__User u = ISMS__V1__USER__INIT;
	struct isms_err err;
	Isms__V1__Reply *r;
	int rc = -1;

	u.name = (char *)name;
	up.user = &u;
	up.has_create = up.create = 1;
	req.call_case = ISMS__V1__REQUEST__CALL_USER_PUT;
	req.user_put = &up;
	if ((r = isms_sync_call(s, &req, &err)) == NULL)
		bench_log("user %s: %s", name, err.msg);
	else if (r->status == NULL || r->status->code == 0 ||
	         r->status->code == ISMS__V1__CODE__ALREADY_EXISTS)
		rc = 0;
	else
		bench_log("user %s: %s", name, r->status->message);
	isms_reply_free(r);
	return rc;
}

int
bench_users(const char *endpoint, const char *const *names)
{
	struct isms_err err;
	struct isms_sync *s = isms_sync_connect(endpoint, "ismsbench", &err);
	int rc = 0;

	if (s == NULL) {
		bench_log("%s", err.msg);
		return -1;
	}
	for (; *names != NULL && rc == 0; names++)
		rc = bench_user_add(s, *names);
	isms_sync_free(s);
	return rc;
}
