/* subs.c: fan-out of journal entries to subscribers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <errno.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "authz.h"
#include "conn.h"
#include "dispatch.h"
#include "frame.h"
#include "journal.h"
#include "log.h"
#include "owners.h"
#include "pbfield.h"
#include "registers.h"
#include "server.h"
#include "store.h"
#include "subs.h"
#include "xmalloc.h"

#define SUBS_WINDOW     1024 /* recent entries read once for every subscriber */
#define SUBS_SLICE      256  /* entries per run for one replaying subscriber */
#define SUBS_IOV_EVENTS 64   /* events gathered into one writev */
#define SUBS_MAX_REGS   64   /* registers a filter can name (bits) */
#define SUBS_MAX_TYPES  64   /* event types a filter can name (bits) */
#define SUBS_FLAT       4096 /* bytes copied together for one send */

/* Filters are bit sets (0: no filter), so that matching an entry against
 * a thousand subscribers touches no memory beyond each struct sub. */
struct sub {
	TAILQ_ENTRY(sub) entry;
	struct conn *conn;
	uint64_t req_id;
	uint64_t next_seq;
	uint64_t registers; /* bit i: registers[i] */
	uint64_t types;     /* bit t: EventType t */
	char *owner;
	bool all_events; /* may read the journal: user, token, method events
	                  * too; else record events only */
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

void
subs_conn_end(struct conn *c, int code, const char *msg)
{
	struct server *srv = c->srv;
	struct sub *s, *next;

	for (s = TAILQ_FIRST(&srv->subs); s != NULL; s = next) {
		next = TAILQ_NEXT(s, entry);
		if (s->conn == c) {
			conn_send_error(c, s->req_id, code, msg);
			TAILQ_REMOVE(&srv->subs, s, entry);
			srv->nsubs--;
			subs_free(s);
		}
	}
}

/* Whether c may see every event: what Journal shows, it may see live. */
static bool
subs_sees_all(const struct conn *c)
{
	return rpc_allowed(rpc_lookup(ISMS__V1__REQUEST__CALL_JOURNAL), c->role,
	                   c->user, NULL) == 0;
}

/* The bit of the register named name (0 if none: a filter never
 * matches it). */
static uint64_t
subs_register_bit(const char *name)
{
	int i = register_index(name);

	return i >= 0 && i < SUBS_MAX_REGS ? (uint64_t)1 << i : 0;
}

/* The bit of event type t (0 if out of range). */
static uint64_t
subs_type_bit(int t)
{
	return t >= 0 && t < SUBS_MAX_TYPES ? (uint64_t)1 << t : 0;
}

/* An entry read once per run, with its reply packed once for everyone:
 * a Reply is its id field followed by these bytes (status OK, event). */
struct subs_event {
	Isms__V1__JournalEntry *e;
	uint64_t register_bit, type_bit;
	bool record; /* about a register's record (not a user, a token...) */
	uint8_t *rest;
	size_t len;
};

/* Whether ev passes s's filters. */
static bool
subs_match(const struct sub *s, const struct subs_event *ev)
{
	if (!s->all_events && !ev->record)
		return false;
	if (s->registers != 0 && (s->registers & ev->register_bit) == 0)
		return false;
	if (s->types != 0 && (s->types & ev->type_bit) == 0)
		return false;
	return s->owner == NULL ||
	       (ev->e->owner != NULL && strcmp(ev->e->owner, s->owner) == 0);
}

/* Unsent bytes queued for s. */
static size_t
subs_backlog(const struct sub *s)
{
	return conn_backlog(s->conn);
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

/* Frames of one subscriber gathered for one write. */
struct subs_batch {
	struct iovec iov[2 * SUBS_IOV_EVENTS];
	uint8_t heads[SUBS_IOV_EVENTS][FRAME_HDR_MAX + 11];
	int n;      /* iovecs in use */
	size_t len; /* bytes in them */
	uint8_t flat[SUBS_FLAT];
};

/* Sends the batch's bytes without blocking: copied together and sent
 * with send when they are few (the usual one event: no iovec for the
 * kernel to import), else with sendmsg. Bytes sent, 0 if none. */
static size_t
subs_send_now(int fd, struct subs_batch *b)
{
	struct msghdr mh = {.msg_iov = b->iov, .msg_iovlen = (size_t)b->n};
	size_t at = 0;
	ssize_t n;
	int i;

	if (b->len <= sizeof b->flat)
		for (i = 0; i < b->n; i++) {
			memcpy(b->flat + at, b->iov[i].iov_base,
			       b->iov[i].iov_len);
			at += b->iov[i].iov_len;
		}
	do
		n = at > 0 ? send(fd, b->flat, at, MSG_DONTWAIT | MSG_NOSIGNAL)
		           : sendmsg(fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	return n > 0 ? (size_t)n : 0; /* EAGAIN, or an error reads meet */
}

/* Writes the batch: straight to the socket when nothing is queued before
 * it (no write event to arm and disarm), the rest through the
 * bufferevent, which finishes the job when the socket drains. */
static void
subs_flush(struct sub *s, struct subs_batch *b)
{
	struct evbuffer *out;
	ssize_t done = 0;
	int i;

	if (b->n == 0 || !conn_alive(s->conn))
		goto reset;
	if (s->conn->corked) {
		conn_flush(s->conn); /* replies gathered before these */
		if (!conn_alive(s->conn))
			goto reset;
	}
	out = s->conn->out;
	/* A socket call, not writev: it skips the file layer (position
	 * lock, notifications), a tenth of the cost. */
	if (!s->conn->tls && s->conn->outlen == 0)
		done = (ssize_t)subs_send_now(s->conn->fd, b);
	for (i = 0; i < b->n && (size_t)done < b->len; i++) {
		size_t l = b->iov[i].iov_len;

		if ((size_t)done >= l) {
			done -= (ssize_t)l;
			b->len -= l;
			continue;
		}
		evbuffer_add(out, (uint8_t *)b->iov[i].iov_base + done,
		             l - (size_t)done);
		b->len -= l;
		done = 0;
	}
reset:
	b->n = 0;
	b->len = 0;
}

/* Adds ev to s's batch if it matches (only the id differs between
 * subscribers); advances s. */
static void
subs_send(struct sub *s, struct subs_batch *b, const struct subs_event *ev)
{
	uint8_t *head;
	size_t idlen, n;
	uint8_t id[11];

	s->next_seq = ev->e->seq + 1;
	if (!subs_match(s, ev))
		return;
	if (b->n == 2 * SUBS_IOV_EVENTS)
		subs_flush(s, b);
	head = b->heads[b->n / 2];
	id[0] = 0x08; /* field 1, varint */
	idlen = 1 + frame_encode_header(id + 1, s->req_id);
	n = frame_encode_header(head, idlen + ev->len);
	memcpy(head + n, id, idlen);
	b->iov[b->n].iov_base = head;
	b->iov[b->n++].iov_len = n + idlen;
	b->iov[b->n].iov_base = ev->rest;
	b->iov[b->n++].iov_len = ev->len;
	b->len += n + idlen + ev->len;
}

/* Reads entries [from, to] and packs their replies once (e NULL for a
 * missing one). */
static struct subs_event *
subs_read(struct store_txn *txn, uint64_t from, uint64_t to)
{
	Isms__V1__Reply r = ISMS__V1__REPLY__INIT;
	Isms__V1__Status ok = ISMS__V1__STATUS__INIT;
	struct subs_event *arr, *ev;
	struct isms_err err;
	uint64_t seq;

	ok.has_code = 1;
	r.status = &ok;
	arr = xcalloc((size_t)(to - from + 1), sizeof *arr);
	for (seq = from; seq <= to; seq++) {
		ev = &arr[seq - from];
		if (journal_get(txn, seq, &ev->e, &err) != 0) {
			ev->e = NULL;
			continue;
		}
		ev->register_bit = subs_register_bit(ev->e->register_);
		ev->record = register_by_name(ev->e->register_) != NULL;
		ev->type_bit = subs_type_bit((int)ev->e->type);
		r.event = ev->e;
		ev->len = isms__v1__reply__get_packed_size(&r);
		ev->rest = xmalloc(ev->len);
		isms__v1__reply__pack(&r, ev->rest);
	}
	return arr;
}

static void
subs_free_entries(struct subs_event *arr, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (arr[i].e != NULL) {
			protobuf_c_message_free_unpacked(&arr[i].e->base, NULL);
			free(arr[i].rest);
		}
	free(arr);
}

static void subs_poke_later(struct server *);

/* The oldest next seq of a subscriber within the recent window (lo to
 * head), or 0 when none is. */
static uint64_t
subs_window_low(struct server *srv, uint64_t lo, uint64_t head)
{
	struct sub *s;
	uint64_t wlo = 0;

	TAILQ_FOREACH(s, &srv->subs, entry)
	if (s->next_seq <= head && s->next_seq >= lo &&
	    (wlo == 0 || s->next_seq < wlo))
		wlo = s->next_seq;
	return wlo;
}

/* Sends s a replay slice of its own, up to head, read now. */
static void
subs_replay_slice(struct sub *s, struct store_txn *txn,
                  struct subs_batch *batch, uint64_t head)
{
	struct subs_event *own;
	uint64_t seq, first = s->next_seq, to = s->next_seq + SUBS_SLICE - 1;

	if (to > head)
		to = head;
	own = subs_read(txn, first, to);
	for (seq = first; seq <= to; seq++)
		if (own[seq - first].e != NULL)
			subs_send(s, batch, &own[seq - first]);
	subs_flush(s, batch);
	subs_free_entries(own, (size_t)(to - first + 1));
	/* subs_send moved next_seq; skip holes too. */
	if (s->next_seq <= to)
		s->next_seq = to + 1;
}

/* One fan-out run; more work left schedules another, after the loop. */
static void
subs_run(evutil_socket_t fd, short what, void *arg)
{
	struct server *srv = arg;
	struct sub *s, *next;
	struct store_txn txn;
	struct subs_event *win = NULL;
	struct subs_batch *batch;
	uint8_t hash[JOURNAL_HASH_LEN];
	uint64_t head, wlo, seq;
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
	wlo = subs_window_low(
	    srv, head >= SUBS_WINDOW ? head - SUBS_WINDOW + 1 : 1, head);
	if (wlo != 0)
		win = subs_read(&txn, wlo, head);
	batch = xcalloc(1, sizeof *batch);
	for (s = TAILQ_FIRST(&srv->subs); s != NULL; s = next) {
		next = TAILQ_NEXT(s, entry);
		if (s->next_seq > head)
			continue;
		/* Its user disabled, its token revoked or expired: a quiet
		 * subscriber learns it here, not at a next request. */
		if (!authz_current(s->conn)) {
			subs_conn_end(s->conn, ISMS_EUNAUTH,
			              s->conn->auth_hint);
			next = TAILQ_FIRST(&srv->subs);
			continue;
		}
		s->all_events = subs_sees_all(s->conn);
		if (subs_backlog(s) > srv->cfg.sub_output_cap) {
			subs_drop(srv, s);
			/* The drop may end others on that conn: start over
			 * (those served already are past head). */
			next = TAILQ_FIRST(&srv->subs);
			continue;
		}
		if (win != NULL && s->next_seq >= wlo) {
			for (seq = s->next_seq; seq <= head; seq++)
				if (win[seq - wlo].e != NULL)
					subs_send(s, batch, &win[seq - wlo]);
			subs_flush(s, batch);
			s->next_seq = head + 1;
			continue;
		}
		/* Replaying: a slice now, the rest on later runs, and only
		 * while the client keeps reading. */
		more = true;
		if (subs_backlog(s) <= srv->cfg.sub_output_cap / 2)
			subs_replay_slice(s, &txn, batch, head);
	}
	free(batch);
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

	if (srv->subs_timer != NULL)
		evtimer_add(srv->subs_timer, &tv);
}

void
subs_poke(struct server *srv)
{
	if (!TAILQ_EMPTY(&srv->subs) && srv->subs_ev != NULL)
		event_active(srv->subs_ev, 0, 0);
}

/* Makes the fan-out's events, once: 0, or -1 when libevent cannot. A
 * subscription is taken only once they exist, so a poke always runs. */
static int
subs_events(struct server *srv)
{
	if (srv->subs_ev == NULL)
		srv->subs_ev = event_new(srv->base, -1, 0, subs_run, srv);
	if (srv->subs_timer == NULL)
		srv->subs_timer = evtimer_new(srv->base, subs_run, srv);
	return srv->subs_ev != NULL && srv->subs_timer != NULL ? 0 : -1;
}

/* What makes a subscription impossible after its journal head was read
 * (rc: how that went). */
static int
subs_add_check(struct server *srv, const Isms__V1__Subscribe *sub, int rc,
               uint64_t head, const struct store_txn *txn, struct isms_err *err)
{
	if (rc != 0)
		return isms_err_set(err, rc, "cannot read the journal head: %s",
		                    txn->msg[0] != '\0' ? txn->msg
		                                        : "it is malformed");
	if (sub->has_replay && sub->replay && sub->since_seq > head)
		return isms_err_set(
		    err, ISMS_ERANGE,
		    "since_seq %llu is past the journal head %llu",
		    (unsigned long long)sub->since_seq,
		    (unsigned long long)head);
	if (subs_events(srv) != 0)
		return isms_err_set(err, ISMS_EINTERNAL,
		                    "cannot make the fan-out's events");
	return 0;
}

int
subs_add(struct conn *c, uint64_t req_id, const Isms__V1__Subscribe *sub,
         struct isms_err *err)
{
	struct server *srv = c->srv;
	struct store_txn txn;
	uint8_t hash[JOURNAL_HASH_LEN];
	uint64_t head = 0;
	char *owner, *resolved;
	const char *o;
	struct sub *s;
	size_t i;
	int rc;

	for (i = 0; i < sub->n_registers; i++)
		if (subs_register_bit(sub->registers[i]) == 0)
			return isms_err_set(err, ISMS_EINVAL,
			                    "unknown register '%s'",
			                    sub->registers[i]);
	for (i = 0; i < sub->n_types; i++)
		/* Past the bits only if EventType outgrows them: the
		 * dispatcher refuses values the enum does not have. */
		if (subs_type_bit((int)sub->types[i]) == 0)
			return isms_err_set(err, ISMS_EINVAL,
			                    "unknown event type %d",
			                    (int)sub->types[i]);
	if ((rc = store_read_begin(srv->store, &txn)) != 0)
		return isms_err_set(err, rc, "%s", txn.msg);
	/* Without the head a new subscriber would replay from seq 1. */
	rc = journal_head(&txn, &head, hash);
	/* --owner tom@example.org follows tom's records. */
	o = owners_filter(&txn, sub->owner, &resolved);
	owner = o != NULL ? xstrdup(o) : NULL;
	free(resolved);
	store_read_end(&txn);
	if ((rc = subs_add_check(srv, sub, rc, head, &txn, err)) != 0) {
		free(owner);
		return rc;
	}
	s = xcalloc(1, sizeof *s);
	s->conn = c;
	conn_ref(c);
	s->req_id = req_id;
	s->next_seq =
	    sub->has_replay && sub->replay ? sub->since_seq + 1 : head + 1;
	for (i = 0; i < sub->n_registers; i++)
		s->registers |= subs_register_bit(sub->registers[i]);
	for (i = 0; i < sub->n_types; i++)
		s->types |= subs_type_bit((int)sub->types[i]);
	s->owner = owner;
	s->all_events = subs_sees_all(c);
	TAILQ_INSERT_TAIL(&srv->subs, s, entry);
	srv->nsubs++;
	c->nsubs++;
	subs_poke(srv);
	return 0;
}
