/* events_fx.c: daemons with flags, writers, journal reads, subscribers. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <event2/event.h>

#include "events_fx.h"

/* A quiet daemon_fx_start with extra as its further arguments. */
/* The users the tests name as owners: a record's owner is a user. */
static const char *const efx_owners[] = {"alice", "bob", "carol", "writer",
                                         NULL};

static Isms__V1__Reply *efx_call(struct isms_sync *, Isms__V1__Request *);

void
efx_start(struct daemon_fx *fx, const char *const *extra)
{
	const char *const *n;
	struct isms_sync *s;

	fx->argv_extra = extra;
	fx->quiet = true;
	daemon_fx_start(fx);
	s = efx_sync(fx);
	for (n = efx_owners; *n != NULL; n++) {
		Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
		Isms__V1__UserPut up = ISMS__V1__USER_PUT__INIT;
		Isms__V1__User u = ISMS__V1__USER__INIT;

		u.name = (char *)*n;
		up.user = &u;
		up.has_create = up.create = 1;
		req.call_case = ISMS__V1__REQUEST__CALL_USER_PUT;
		req.user_put = &up;
		isms_reply_free(efx_call(s, &req));
	}
	isms_sync_free(s);
}

struct isms_sync *
efx_sync(const struct daemon_fx *fx)
{
	struct isms_err err;
	struct isms_sync *s = isms_sync_connect(fx->endpoint, "test", &err);

	if (s == NULL)
		fail_msg("connect: %s", err.msg);
	isms_sync_set_timeout(s, 30000);
	return s;
}

/* Sends req, fails the test on a lost link or an error status. */
static Isms__V1__Reply *
efx_call(struct isms_sync *s, Isms__V1__Request *req)
{
	struct isms_err err;
	Isms__V1__Reply *r = isms_sync_call(s, req, &err);

	if (r == NULL)
		fail_msg("call: %s", err.msg);
	if (r->status != NULL && r->status->code != ISMS__V1__CODE__OK)
		fail_msg("call: %s: %s", isms_code_name((int)r->status->code),
		         r->status->message);
	return r;
}

/* Creates a risk or an action; returns the OK reply. */
static Isms__V1__Reply *
efx_put_reply(struct isms_sync *s, const char *reg, const char *title,
              const char *owner)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Put put = ISMS__V1__PUT__INIT;
	Isms__V1__Record rec = ISMS__V1__RECORD__INIT;
	Isms__V1__Risk risk = ISMS__V1__RISK__INIT;
	Isms__V1__Action act = ISMS__V1__ACTION__INIT;

	rec.title = (char *)title;
	rec.owner = (char *)owner;
	if (strcmp(reg, "action") == 0) {
		act.has_kind = 1;
		act.kind = ISMS__V1__ACTION_KIND__ACTION_KIND_CORRECTIVE;
		act.due_on = "2030-01-31";
		rec.body_case = ISMS__V1__RECORD__BODY_ACTION;
		rec.action = &act;
	} else {
		risk.has_likelihood = risk.has_impact = 1;
		risk.likelihood = 2;
		risk.impact = 3;
		rec.body_case = ISMS__V1__RECORD__BODY_RISK;
		rec.risk = &risk;
	}
	put.record = &rec;
	req.call_case = ISMS__V1__REQUEST__CALL_PUT;
	req.put = &put;
	return efx_call(s, &req);
}

char *
efx_put(struct isms_sync *s, const char *reg, const char *title,
        const char *owner)
{
	Isms__V1__Reply *r = efx_put_reply(s, reg, title, owner);
	char *id;

	assert_int_equal(r->result_case, ISMS__V1__REPLY__RESULT_RECORD);
	id = strdup(r->record->id);
	isms_reply_free(r);
	return id;
}

/* A new zeroed row at the end of rows. */
static struct evrow *
evrows_grow(struct evrows *rows)
{
	if (rows->n == rows->cap) {
		rows->cap = rows->cap == 0 ? 256 : rows->cap * 2;
		rows->r = realloc(rows->r, rows->cap * sizeof *rows->r);
		assert_non_null(rows->r);
	}
	memset(&rows->r[rows->n], 0, sizeof rows->r[0]);
	return &rows->r[rows->n++];
}

void
evrows_add(struct evrows *rows, const Isms__V1__JournalEntry *e)
{
	struct evrow *r = evrows_grow(rows);

	r->seq = e->seq;
	r->type = (int)e->type;
	r->rev = e->rev;
	snprintf(r->id, sizeof r->id, "%s", e->id != NULL ? e->id : "");
	snprintf(r->reg, sizeof r->reg, "%s",
	         e->register_ != NULL ? e->register_ : "");
	snprintf(r->owner, sizeof r->owner, "%s",
	         e->owner != NULL ? e->owner : "");
	if (e->has_hash && e->hash.len == sizeof r->hash)
		memcpy(r->hash, e->hash.data, sizeof r->hash);
}

void
evrows_add_row(struct evrows *rows, const struct evrow *row)
{
	*evrows_grow(rows) = *row;
}

void
evrows_free(struct evrows *rows)
{
	free(rows->r);
	memset(rows, 0, sizeof *rows);
}

void
efx_journal(struct isms_sync *s, uint64_t since, struct evrows *rows)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__JournalQuery q = ISMS__V1__JOURNAL_QUERY__INIT;
	Isms__V1__Reply *r;
	size_t i;
	bool more;

	req.call_case = ISMS__V1__REQUEST__CALL_JOURNAL;
	req.journal = &q;
	q.has_limit = 1;
	q.limit = 1000;
	do {
		q.has_since_seq = 1;
		q.since_seq = since;
		r = efx_call(s, &req);
		assert_int_equal(r->result_case,
		                 ISMS__V1__REPLY__RESULT_JOURNAL);
		for (i = 0; i < r->journal->n_entries; i++)
			evrows_add(rows, r->journal->entries[i]);
		more = r->journal->more && r->journal->n_entries > 0;
		if (r->journal->n_entries > 0)
			since =
			    r->journal->entries[r->journal->n_entries - 1]->seq;
		isms_reply_free(r);
	} while (more);
}

uint64_t
efx_head(struct isms_sync *s)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__JournalQuery q = ISMS__V1__JOURNAL_QUERY__INIT;
	Isms__V1__Reply *r;
	uint64_t head;

	q.has_since_seq = 1;
	q.since_seq = UINT64_MAX;
	req.call_case = ISMS__V1__REQUEST__CALL_JOURNAL;
	req.journal = &q;
	r = efx_call(s, &req);
	head = r->journal->head_seq;
	isms_reply_free(r);
	return head;
}

/* Records each reply of a subscription. */
static void
efx_sub_cb(struct isms_client *c, const Isms__V1__Reply *r, void *arg)
{
	struct evsub *sub = arg;

	(void)c;
	if (r->status != NULL && r->status->code != ISMS__V1__CODE__OK) {
		sub->ended = true;
		sub->end_code = (int)r->status->code;
		snprintf(sub->end_msg, sizeof sub->end_msg, "%s",
		         r->status->message != NULL ? r->status->message : "");
		return;
	}
	if (r->event == NULL)
		sub->subscribed = true;
	else
		evrows_add(&sub->got, r->event);
}

void
efx_subscribe(struct isms_client *c, Isms__V1__Subscribe *s, struct evsub *sub)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;

	req.call_case = ISMS__V1__REQUEST__CALL_SUBSCRIBE;
	req.subscribe = s;
	assert_true(isms_client_call_flags(c, &req, ISMS_CALL_STREAM,
	                                   efx_sub_cb, sub) != 0);
}

/* Does nothing: its only job is to wake the loop. */
static void
efx_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
}

bool
efx_pump(struct event_base *base, int ms, bool (*done)(void *), void *arg)
{
	struct timeval tick = {0, 5000};
	struct timespec t0, t;
	struct event *ev = event_new(base, -1, EV_PERSIST, efx_tick, NULL);
	bool ok = false;

	evtimer_add(ev, &tick);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (done != NULL && done(arg)) {
			ok = true;
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 +
		        (t.tv_nsec - t0.tv_nsec) / 1000000 >=
		    ms)
			break;
		event_base_loop(base, EVLOOP_ONCE);
	}
	event_free(ev);
	return ok;
}

/* One writer thread: its own connection, per_thread puts. */
static void *
efx_writer(void *arg)
{
	struct evwriters *w = arg;
	struct isms_err err;
	struct isms_sync *s = isms_sync_connect(w->endpoint, "writer", &err);
	struct timespec pause = {0, (long)w->pause_us * 1000};
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Put put = ISMS__V1__PUT__INIT;
	Isms__V1__Record rec = ISMS__V1__RECORD__INIT;
	Isms__V1__Risk risk = ISMS__V1__RISK__INIT;
	Isms__V1__Reply *r;
	char *title = malloc(w->title_len + 64);
	size_t n;
	int i;

	if (s == NULL || title == NULL) {
		atomic_fetch_add(&w->failed, 1);
		free(title);
		return NULL;
	}
	risk.has_likelihood = risk.has_impact = 1;
	risk.likelihood = risk.impact = 2;
	rec.body_case = ISMS__V1__RECORD__BODY_RISK;
	rec.risk = &risk;
	rec.owner = "writer";
	put.record = &rec;
	req.call_case = ISMS__V1__REQUEST__CALL_PUT;
	req.put = &put;
	for (i = 0; i < w->per_thread; i++) {
		n = (size_t)snprintf(title, 64, "write %d ", i);
		memset(title + n, 'x', w->title_len);
		title[n + w->title_len] = '\0';
		rec.title = title;
		r = isms_sync_call(s, &req, &err);
		if (r == NULL || r->status == NULL || r->status->code != 0)
			atomic_fetch_add(&w->failed, 1);
		isms_reply_free(r);
		atomic_fetch_add(&w->finished, 1);
		if (w->pause_us > 0)
			nanosleep(&pause, NULL);
	}
	isms_sync_free(s);
	free(title);
	return NULL;
}

void
efx_writers_start(struct evwriters *w)
{
	pthread_t *t = calloc((size_t)w->nthreads, sizeof *t);
	int i;

	assert_non_null(t);
	w->threads = t;
	for (i = 0; i < w->nthreads; i++)
		assert_int_equal(pthread_create(&t[i], NULL, efx_writer, w), 0);
}

void
efx_writers_join(struct evwriters *w)
{
	pthread_t *t = w->threads;
	int i;

	for (i = 0; i < w->nthreads; i++)
		pthread_join(t[i], NULL);
	free(t);
	w->threads = NULL;
	assert_int_equal(atomic_load(&w->failed), 0);
}
