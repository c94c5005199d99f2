/*
 * bench_watch.c: ismsbench's watch mode. N subscribers, each on its own
 * connection (spread over --threads event loops), subscribe to risk
 * creations; one writer puts risks at --rate. For each put the latency is
 * the time from the writer's receipt of its reply (the commit ack) to the
 * moment the last subscriber receives that event.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "bench.h"
#include "ismsclient.h"

#define WATCH_ID_LEN   24
#define WATCH_TICK_US  10000 /* how often a loop looks at the stop flag */
#define WATCH_SETUP_S  60.0  /* for every subscription to be confirmed */
#define WATCH_SPARE_FD 32    /* descriptors besides the subscribers */

/* What one event loop saw of one record id. */
struct watch_slot {
	char id[WATCH_ID_LEN];
	unsigned got; /* subscribers that received its event */
	double last;  /* when the last of them did */
};

/* An open-addressing table from record id to slot, per loop. */
struct watch_map {
	struct watch_slot *s;
	size_t cap; /* a power of two */
};

struct watch_loop;

/* One subscriber connection. */
struct watch_sub {
	struct watch_loop *loop;
	struct isms_client *client;
};

/* What the loops count; the main thread reads the sums. */
enum watch_counter {
	WATCH_SUBSCRIBED, /* subscriptions confirmed */
	WATCH_DROPPED,    /* ended by the server (too slow) */
	WATCH_DELIVERED,  /* events received */
	WATCH_NCOUNTERS
};

/* One client event loop thread and its subscribers. */
struct watch_loop {
	struct event_base *base;
	struct event *tick;
	struct watch_sub *subs;
	size_t nsubs;
	struct watch_map map;
	atomic_bool *stop;
	atomic_ulong count[WATCH_NCOUNTERS];
	pthread_t thread;
};

/* The writer's puts: the id each created and when its ack came. */
struct watch_put {
	char id[WATCH_ID_LEN];
	double ack;
};

/* FNV-1a of s. */
static size_t
watch_hash(const char *s)
{
	size_t h = 1469598103934665603ull;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* The slot of id, created when add is set; NULL if absent or full. */
static struct watch_slot *
watch_map_get(struct watch_map *m, const char *id, bool add)
{
	size_t i = watch_hash(id) & (m->cap - 1), k;

	for (k = 0; k < m->cap; k++, i = (i + 1) & (m->cap - 1)) {
		if (m->s[i].id[0] == '\0') {
			if (!add || strlen(id) >= WATCH_ID_LEN)
				return NULL;
			memcpy(m->s[i].id, id, strlen(id) + 1);
			return &m->s[i];
		}
		if (strcmp(m->s[i].id, id) == 0)
			return &m->s[i];
	}
	return NULL;
}

/* Every reply of one subscription. */
static void
watch_reply_cb(struct isms_client *c, const Isms__V1__Reply *r, void *arg)
{
	struct watch_sub *sub = arg;
	struct watch_loop *l = sub->loop;
	struct watch_slot *slot;

	(void)c;
	if (r->status != NULL && r->status->code != ISMS__V1__CODE__OK) {
		if (!atomic_load(l->stop))
			atomic_fetch_add(&l->count[WATCH_DROPPED], 1);
		return;
	}
	if (r->event == NULL) {
		atomic_fetch_add(&l->count[WATCH_SUBSCRIBED], 1);
		return;
	}
	if (r->event->id == NULL ||
	    (slot = watch_map_get(&l->map, r->event->id, true)) == NULL)
		return;
	slot->got++;
	slot->last = bench_now();
	atomic_fetch_add(&l->count[WATCH_DELIVERED], 1);
}

/* Stops the loop once the stop flag is up. */
static void
watch_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct watch_loop *l = arg;

	(void)fd;
	(void)what;
	if (atomic_load(l->stop))
		event_base_loopbreak(l->base);
}

/* A loop thread: runs until the stop flag. */
static void *
watch_loop_main(void *arg)
{
	struct watch_loop *l = arg;

	event_base_dispatch(l->base);
	return NULL;
}

/* Connects sub and sends its Subscribe (risk creations only). */
static int
watch_sub_open(struct watch_sub *sub, const char *endpoint)
{
	static char *regs[] = {"risk"};
	static Isms__V1__EventType types[] = {
	    ISMS__V1__EVENT_TYPE__EVENT_TYPE_CREATED};
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Subscribe s = ISMS__V1__SUBSCRIBE__INIT;
	struct isms_err err;

	sub->client = isms_client_connect(sub->loop->base, endpoint, &err);
	if (sub->client == NULL) {
		bench_log("%s", err.msg);
		return -1;
	}
	s.n_registers = 1;
	s.registers = regs;
	s.n_types = 1;
	s.types = types;
	req.call_case = ISMS__V1__REQUEST__CALL_SUBSCRIBE;
	req.subscribe = &s;
	return isms_client_call_flags(sub->client, &req, ISMS_CALL_STREAM,
	                              watch_reply_cb, sub) != 0
	           ? 0
	           : -1;
}

/* Sets up loop l with n subscribers; 0 or -1. */
static int
watch_loop_init(struct watch_loop *l, const struct bench_opts *o, size_t n,
                atomic_bool *stop)
{
	struct timeval tv = {0, WATCH_TICK_US};
	size_t i;

	memset(l, 0, sizeof *l);
	l->stop = stop;
	if ((l->base = event_base_new()) == NULL)
		return -1;
	for (l->map.cap = 64; l->map.cap < 2 * ((size_t)o->count + 64);)
		l->map.cap *= 2;
	l->map.s = calloc(l->map.cap, sizeof *l->map.s);
	l->subs = calloc(n + 1, sizeof *l->subs);
	if (l->map.s == NULL || l->subs == NULL)
		return -1;
	l->tick = event_new(l->base, -1, EV_PERSIST, watch_tick_cb, l);
	event_add(l->tick, &tv);
	for (i = 0; i < n; i++, l->nsubs++) {
		l->subs[i].loop = l;
		if (watch_sub_open(&l->subs[i], o->endpoint) != 0)
			return -1;
	}
	return 0;
}

/* Frees what watch_loop_init made. */
static void
watch_loop_free(struct watch_loop *l)
{
	size_t i;

	for (i = 0; i < l->nsubs; i++)
		isms_client_free(l->subs[i].client);
	if (l->tick != NULL)
		event_free(l->tick);
	if (l->base != NULL)
		event_base_free(l->base);
	free(l->subs);
	free(l->map.s);
}

/* Sum of a counter over the loops. */
static unsigned long
watch_sum(struct watch_loop *loops, unsigned n, enum watch_counter c)
{
	unsigned long s = 0;
	unsigned i;

	for (i = 0; i < n; i++)
		s += atomic_load(&loops[i].count[c]);
	return s;
}

/* Creates one risk; records its id and the time of the ack. */
static int
watch_put(struct isms_sync *s, unsigned i, struct watch_put *p)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Put put = ISMS__V1__PUT__INIT;
	Isms__V1__Record rec = ISMS__V1__RECORD__INIT;
	Isms__V1__Risk risk = ISMS__V1__RISK__INIT;
	Isms__V1__Reply *r;
	struct isms_err err;
	char title[48];
	int rc = -1;

	snprintf(title, sizeof title, "ismsbench watch %u", i);
	rec.title = title;
	rec.owner = "ismsbench";
	risk.has_likelihood = risk.has_impact = 1;
	risk.likelihood = risk.impact = 1;
	rec.body_case = ISMS__V1__RECORD__BODY_RISK;
	rec.risk = &risk;
	put.record = &rec;
	req.call_case = ISMS__V1__REQUEST__CALL_PUT;
	req.put = &put;
	if ((r = isms_sync_call(s, &req, &err)) == NULL) {
		bench_log("put: %s", err.msg);
		return -1;
	}
	p->ack = bench_now();
	if (r->status != NULL && r->status->code != 0)
		bench_log("put: %s", r->status->message);
	else if (r->record != NULL && r->record->id != NULL &&
	         strlen(r->record->id) < WATCH_ID_LEN) {
		memcpy(p->id, r->record->id, strlen(r->record->id) + 1);
		rc = 0;
	}
	isms_reply_free(r);
	return rc;
}

/* The writer: count puts at rate; returns its elapsed seconds or -1. */
static double
watch_write(const struct bench_opts *o, struct watch_put *puts)
{
	struct isms_err err;
	struct isms_sync *s = isms_sync_connect(o->endpoint, "ismsbench", &err);
	static const char *const owner[] = {"ismsbench", NULL};
	double t0, t1;
	unsigned i;

	if (s == NULL) {
		bench_log("%s", err.msg);
		return -1;
	}
	if (bench_users(o->endpoint, owner) != 0) {
		isms_sync_free(s);
		return -1;
	}
	isms_sync_set_timeout(s, 30000);
	t0 = bench_now();
	for (i = 0; i < o->count; i++) {
		if (o->rate > 0)
			bench_sleep_until(t0 + i / o->rate);
		if (watch_put(s, i, &puts[i]) != 0)
			break;
	}
	t1 = bench_now();
	isms_sync_free(s);
	return i == o->count ? t1 - t0 : -1;
}

/* Waits until counter c reaches want, a drop, or the deadline. */
static bool
watch_wait(struct watch_loop *loops, unsigned n, enum watch_counter c,
           unsigned long want, double deadline)
{
	while (watch_sum(loops, n, c) < want) {
		if (bench_now() > deadline ||
		    watch_sum(loops, n, WATCH_DROPPED) > 0)
			return false;
		bench_sleep_until(bench_now() + 0.005);
	}
	return true;
}

/* Turns what the loops saw into one latency per put. */
static void
watch_collect(struct watch_loop *loops, unsigned nl,
              const struct watch_put *puts, const struct bench_opts *o,
              struct bench_result *r)
{
	struct watch_slot *slot;
	unsigned long missing = 0, early = 0;
	double last, first = 0, lastall = 0;
	unsigned got, i, k;

	r->lat_ms = calloc(o->count + 1, sizeof *r->lat_ms);
	for (i = 0; i < o->count; i++) {
		for (k = 0, got = 0, last = 0; k < nl; k++) {
			slot = watch_map_get(&loops[k].map, puts[i].id, false);
			if (slot == NULL)
				continue;
			got += slot->got;
			if (slot->last > last)
				last = slot->last;
		}
		if (got < o->subscribers) {
			missing += o->subscribers - got;
			continue;
		}
		if (first == 0 || puts[i].ack < first)
			first = puts[i].ack;
		if (last > lastall)
			lastall = last;
		/* The last subscriber may beat the writer to it. */
		if (last < puts[i].ack)
			early++;
		r->lat_ms[r->n++] =
		    last < puts[i].ack ? 0 : (last - puts[i].ack) * 1000.0;
	}
	bench_note(r, "deliveries_per_s",
	           lastall > first
	               ? (double)r->n * o->subscribers / (lastall - first)
	               : 0);
	bench_note(r, "missing_deliveries", (double)missing);
	bench_note(r, "before_ack", (double)early);
}

int
bench_watch(const struct bench_opts *o, struct bench_result *r)
{
	unsigned nl = o->threads > 0 ? o->threads : 1, i;
	struct watch_loop *loops = calloc(nl, sizeof *loops);
	struct watch_put *puts = calloc(o->count + 1, sizeof *puts);
	unsigned long limit = bench_raise_nofile();
	atomic_bool stop = false;
	double elapsed = -1;
	int rc = -1;

	if (loops == NULL || puts == NULL)
		goto out;
	if (limit < o->subscribers + WATCH_SPARE_FD) {
		bench_log(
		    "%u subscribers need %u descriptors; the limit is %lu",
		    o->subscribers, o->subscribers + WATCH_SPARE_FD, limit);
		goto out;
	}
	for (i = 0; i < nl; i++)
		if (watch_loop_init(&loops[i], o,
		                    o->subscribers / nl +
		                        (i < o->subscribers % nl),
		                    &stop) != 0)
			goto stop;
	for (i = 0; i < nl; i++)
		pthread_create(&loops[i].thread, NULL, watch_loop_main,
		               &loops[i]);
	if (!watch_wait(loops, nl, WATCH_SUBSCRIBED, o->subscribers,
	                bench_now() + WATCH_SETUP_S)) {
		bench_log("only %lu of %u subscriptions confirmed",
		          watch_sum(loops, nl, WATCH_SUBSCRIBED),
		          o->subscribers);
		goto join;
	}
	if ((elapsed = watch_write(o, puts)) < 0)
		goto join;
	watch_wait(loops, nl, WATCH_DELIVERED,
	           (unsigned long)o->count * o->subscribers,
	           bench_now() + o->timeout_s);
	rc = 0;
join:
	atomic_store(&stop, true);
	for (i = 0; i < nl; i++)
		pthread_join(loops[i].thread, NULL);
	if (rc == 0) {
		snprintf(r->what, sizeof r->what,
		         "%u subscribers, %u puts at %g/s: commit ack -> "
		         "event at the last subscriber",
		         o->subscribers, o->count, o->rate);
		r->ops_per_s = o->count / elapsed;
		watch_collect(loops, nl, puts, o, r);
		bench_note(r, "dropped_subscribers",
		           (double)watch_sum(loops, nl, WATCH_DROPPED));
	}
stop:
	for (i = 0; i < nl; i++)
		watch_loop_free(&loops[i]);
out:
	free(loops);
	free(puts);
	return rc;
}
