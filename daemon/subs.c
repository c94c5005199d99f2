/* subs.c: fan-out of journal entries to subscribers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "conn.h"
#include "frame.h"
#include "journal.h"
#include "log.h"
#include "pbfield.h"
#include "registers.h"
#include "server.h"
#include "store.h"
#include "subs.h"
#include "xmalloc.h"

#define SUBS_WINDOW 1024 /* recent entries read once for every subscriber */
#define SUBS_SLICE 256   /* entries per run for one replaying subscriber */

struct sub {
	TAILQ_ENTRY(sub) entry;
	struct conn *conn;
	uint64_t req_id;
	uint64_t next_seq;
	char **registers;
	size_t nregisters;
	int *types;
	size_t ntypes;
	char *owner;
};

void
subs_init(struct server *srv)
{
	TAILQ_INIT(&srv->subs);
}

/* Frees one subscription (unlinked by the caller). */
static void
subs_free(struct sub *s)
{
	size_t i;

	for (i = 0; i < s->nregisters; i++)
		free(s->registers[i]);
	free(s->registers);
	free(s->types);
	free(s->owner);
	s->conn->nsubs--;
	conn_unref(s->conn);
	free(s);
}

void
subs_free_all(struct server *srv)
{
	struct sub *s;

	while ((s = TAILQ_FIRST(&srv->subs)) != NULL) {
		TAILQ_REMOVE(&srv->subs, s, entry);
		subs_free(s);
	}
	if (srv->subs_ev != NULL)
		event_free(srv->subs_ev);
	if (srv->subs_timer != NULL)
		event_free(srv->subs_timer);
	srv->subs_ev = srv->subs_timer = NULL;
}

void
subs_conn_gone(struct conn *c)
{
	struct server *srv = c->srv;
	struct sub *s, *next;

	for (s = TAILQ_FIRST(&srv->subs); s != NULL; s = next) {
		next = TAILQ_NEXT(s, entry);
		if (s->conn == c) {
			TAILQ_REMOVE(&srv->subs, s, entry);
			srv->nsubs--;
			subs_free(s);
		}
	}
}

/* Whether entry e passes s's filters. */
static bool
subs_match(const struct sub *s, const Isms__V1__JournalEntry *e)
{
	size_t i;

	if (s->nregisters > 0) {
		for (i = 0; i < s->nregisters; i++)
			if (e->register_ != NULL &&
			    strcmp(e->register_, s->registers[i]) == 0)
				break;
		if (i == s->nregisters)
			return false;
	}
	if (s->ntypes > 0) {
		for (i = 0; i < s->ntypes; i++)
			if (s->types[i] == (int)e->type)
				break;
		if (i == s->ntypes)
			return false;
	}
	if (s->owner != NULL &&
	    (e->owner == NULL || strcmp(e->owner, s->owner) != 0))
		return false;
	return true;
}

/* Unsent bytes queued for s. */
static size_t
subs_backlog(const struct sub *s)
{
	return evbuffer_get_length(bufferevent_get_output(s->conn->bev));
}

/* Drops s with a final "resync from seq N" reply. */
static void
subs_drop(struct server *srv, struct sub *s)
{
	char msg[96];

	snprintf(msg, sizeof msg, "resync from seq %llu",
	         (unsigned long long)(s->next_seq - 1));
	log_notice("conn %llu (%s): subscriber too slow, %zu bytes unsent; "
	           "dropped (%s)",
	           (unsigned long long)s->conn->serial, s->conn->user,
	           subs_backlog(s), msg);
	conn_send_error(s->conn, s->req_id, ISMS_EEXHAUSTED, msg);
	TAILQ_REMOVE(&srv->subs, s, entry);
	srv->nsubs--;
	conn_close_after_flush(s->conn);
	subs_free(s);
}

/* Sends e to s if it matches; advances s. */
static void
subs_send(struct sub *s, const Isms__V1__JournalEntry *e)
{
	Isms__V1__Reply r = ISMS__V1__REPLY__INIT;
	Isms__V1__Status ok = ISMS__V1__STATUS__INIT;

	s->next_seq = e->seq + 1;
	if (!subs_match(s, e))
		return;
	r.has_id = 1;
	r.id = s->req_id;
	ok.has_code = 1;
	r.status = &ok;
	r.event = (Isms__V1__JournalEntry *)e;
	conn_send(s->conn, &r);
}

/* Reads entries [from, to] into an array (NULL holes for missing ones). */
static Isms__V1__JournalEntry **
subs_read(struct store_txn *txn, uint64_t from, uint64_t to)
{
	Isms__V1__JournalEntry **arr;
	struct isms_err err;
	uint64_t seq;

	arr = xcalloc((size_t)(to - from + 1), sizeof *arr);
	for (seq = from; seq <= to; seq++)
		if (journal_get(txn, seq, &arr[seq - from], &err) != 0)
			arr[seq - from] = NULL;
	return arr;
}

static void
subs_free_entries(Isms__V1__JournalEntry **arr, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (arr[i] != NULL)
			protobuf_c_message_free_unpacked(&arr[i]->base, NULL);
	free(arr);
}

static void subs_poke_later(struct server *);

/* One fan-out run; more work left schedules another, after the loop. */
static void
subs_run(evutil_socket_t fd, short what, void *arg)
{
	struct server *srv = arg;
	struct sub *s, *next;
	struct store_txn txn;
	Isms__V1__JournalEntry **win = NULL, **own;
	uint8_t hash[JOURNAL_HASH_LEN];
	uint64_t head, lo, wlo = 0, seq, to;
	bool more = false;

	(void)fd;
	(void)what;
	if (TAILQ_EMPTY(&srv->subs) || store_read_begin(srv->store, &txn) != 0)
		return;
	if (journal_head(&txn, &head, hash) != 0) {
		store_read_end(&txn);
		return;
	}
	/* The recent window: read once, sent to every live subscriber. */
	lo = head >= SUBS_WINDOW ? head - SUBS_WINDOW + 1 : 1;
	TAILQ_FOREACH(s, &srv->subs, entry)
		if (s->next_seq <= head && s->next_seq >= lo &&
		    (wlo == 0 || s->next_seq < wlo))
			wlo = s->next_seq;
	if (wlo != 0)
		win = subs_read(&txn, wlo, head);
	for (s = TAILQ_FIRST(&srv->subs); s != NULL; s = next) {
		next = TAILQ_NEXT(s, entry);
		if (s->next_seq > head)
			continue;
		if (subs_backlog(s) > srv->cfg.sub_output_cap) {
			subs_drop(srv, s);
			/* The drop may end others on that conn: start over
			 * (those served already are past head). */
			next = TAILQ_FIRST(&srv->subs);
			continue;
		}
		if (win != NULL && s->next_seq >= wlo) {
			for (seq = s->next_seq; seq <= head; seq++)
				if (win[seq - wlo] != NULL)
					subs_send(s, win[seq - wlo]);
			s->next_seq = head + 1;
			continue;
		}
		/* Replaying: a slice now, the rest on later runs, and only
		 * while the client keeps reading. */
		more = true;
		if (subs_backlog(s) > srv->cfg.sub_output_cap / 2)
			continue;
		to = s->next_seq + SUBS_SLICE - 1;
		if (to > head)
			to = head;
		own = subs_read(&txn, s->next_seq, to);
		for (seq = s->next_seq; seq <= to; seq++)
			if (own[seq - s->next_seq] != NULL)
				subs_send(s, own[seq - s->next_seq]);
		subs_free_entries(own, (size_t)(to - (s->next_seq - 1)));
		/* subs_send moved next_seq; skip holes too. */
		if (s->next_seq <= to)
			s->next_seq = to + 1;
	}
	if (win != NULL)
		subs_free_entries(win, (size_t)(head - wlo + 1));
	store_read_end(&txn);
	if (more)
		subs_poke_later(srv);
}

/* Runs again on the next loop iteration, after I/O has been polled. */
static void
subs_poke_later(struct server *srv)
{
	struct timeval tv = {0, 1000};

	if (srv->subs_timer == NULL)
		srv->subs_timer = evtimer_new(srv->base, subs_run, srv);
	evtimer_add(srv->subs_timer, &tv);
}

void
subs_poke(struct server *srv)
{
	if (TAILQ_EMPTY(&srv->subs))
		return;
	if (srv->subs_ev == NULL)
		srv->subs_ev = event_new(srv->base, -1, 0, subs_run, srv);
	event_active(srv->subs_ev, 0, 0);
}

int
subs_add(struct conn *c, uint64_t req_id, const Isms__V1__Subscribe *sub,
         struct isms_err *err)
{
	struct server *srv = c->srv;
	struct store_txn txn;
	uint8_t hash[JOURNAL_HASH_LEN];
	uint64_t head = 0;
	struct sub *s;
	size_t i;
	int rc;

	for (i = 0; i < sub->n_registers; i++)
		if (register_by_name(sub->registers[i]) == NULL)
			return isms_err_set(err, ISMS_EINVAL,
			                    "unknown register '%s'",
			                    sub->registers[i]);
	if ((rc = store_read_begin(srv->store, &txn)) != 0)
		return isms_err_set(err, rc, "%s", txn.msg);
	journal_head(&txn, &head, hash);
	store_read_end(&txn);
	if (sub->has_replay && sub->replay && sub->since_seq > head)
		return isms_err_set(err, ISMS_ERANGE,
		                    "since_seq %llu is past the journal head %llu",
		                    (unsigned long long)sub->since_seq,
		                    (unsigned long long)head);
	s = xcalloc(1, sizeof *s);
	s->conn = c;
	conn_ref(c);
	s->req_id = req_id;
	s->next_seq = sub->has_replay && sub->replay ? sub->since_seq + 1
	                                             : head + 1;
	s->registers = xcalloc(sub->n_registers + 1, sizeof *s->registers);
	for (i = 0; i < sub->n_registers; i++)
		s->registers[i] = xstrdup(sub->registers[i]);
	s->nregisters = sub->n_registers;
	s->types = xcalloc(sub->n_types + 1, sizeof *s->types);
	for (i = 0; i < sub->n_types; i++)
		s->types[i] = sub->types[i];
	s->ntypes = sub->n_types;
	s->owner = sub->owner != NULL ? xstrdup(sub->owner) : NULL;
	TAILQ_INSERT_TAIL(&srv->subs, s, entry);
	srv->nsubs++;
	c->nsubs++;
	subs_poke(srv);
	return 0;
}
