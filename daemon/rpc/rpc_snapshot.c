/*
 * rpc_snapshot.c: Snapshot, the records of some registers from one read
 * txn, streamed as pages under the request's id (the last has done set).
 *
 * A stream is driven by a timer on the loop: each run sends one page and
 * runs again on the next loop iteration, or a little later while the
 * conn's unsent output is above SNAP_BACKLOG, so a stream takes its turn
 * with other clients and a client that does not read holds no more than
 * that in memory. The read txn pins the pages it sees: a stream that
 * lives past SNAP_TTL_SECS (a client that stopped reading) is failed and
 * its txn ended.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#include <event2/event.h>

#include "conn.h"
#include "log.h"
#include "method.h"
#include "pbfield.h"
#include "rpc.h"
#include "server.h"
#include "snapshot.h"
#include "xmalloc.h"

#define SNAP_TTL_SECS 60
#define SNAP_BACKLOG  (1024u * 1024) /* unsent bytes before we wait */
#define SNAP_WAIT_US  2000           /* the wait, before we look again */
/* Streams under way, each holding an LMDB reader slot (126 in all, the
 * loop's, the writer's and the read worker's among them). */
#define SNAP_MAX_STREAMS  32
#define SNAP_MAX_PER_CONN 2

struct snap_stream {
	TAILQ_ENTRY(snap_stream) entry;
	struct server *srv;
	struct conn *conn;
	uint64_t req_id;
	struct snap snap;
	size_t page;
	char *as_of;    /* the request's, or NULL */
	int64_t now;    /* the server's time when it was asked for */
	bool sent;      /* the first page (with the head) went out */
	time_t started; /* monotonic seconds */
	struct event *ev;
};

/* Every stream under way (the loop thread's). */
static TAILQ_HEAD(, snap_stream)
    snap_streams = TAILQ_HEAD_INITIALIZER(snap_streams);
static size_t snap_nstreams;

static time_t
snap_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* Ends a stream: its txn, its timer, its hold on the conn. */
static void
snap_stream_free(struct snap_stream *st)
{
	TAILQ_REMOVE(&snap_streams, st, entry);
	snap_nstreams--;
	snap_end(&st->snap);
	if (st->ev != NULL)
		event_free(st->ev);
	conn_unref(st->conn);
	free(st->as_of);
	free(st);
}

/* Ends a stream with an error reply (when its peer is still there). */
static void
snap_stream_fail(struct snap_stream *st, int code, const char *msg)
{
	if (conn_alive(st->conn))
		conn_send_error(st->conn, st->req_id, code, msg);
	snap_stream_free(st);
}

/* Fills the first page's head: journal, method, time, instance. */
static int
snap_first(struct snap_stream *st, Isms__V1__SnapshotPage *p,
           struct isms_err *err)
{
	uint8_t hash[JOURNAL_HASH_LEN];
	int rc;

	if ((rc = snap_head(&st->snap, &p->head_seq, hash, err)) != 0 ||
	    (rc = method_load(&st->snap.txn, &p->method, err)) != 0)
		return rc;
	p->has_head_seq = p->has_head_hash = p->has_server_time = 1;
	p->head_hash.data = xmalloc(JOURNAL_HASH_LEN);
	memcpy(p->head_hash.data, hash, JOURNAL_HASH_LEN);
	p->head_hash.len = JOURNAL_HASH_LEN;
	p->server_time = st->now;
	p->instance_id = xstrdup(st->srv->instance_id);
	p->server_version = xstrdup(ISMS_VERSION);
	if (st->as_of != NULL)
		p->as_of = xstrdup(st->as_of);
	return 0;
}

/* Sends the next page; true when the stream goes on. */
static bool
snap_stream_page(struct snap_stream *st)
{
	Isms__V1__Reply *reply;
	Isms__V1__SnapshotPage *p;
	struct isms_err err = {0};
	bool done = false;
	int rc = 0;

	reply = (Isms__V1__Reply *)pb_new(&isms__v1__reply__descriptor);
	p = (Isms__V1__SnapshotPage *)pb_new(
	    &isms__v1__snapshot_page__descriptor);
	reply->result_case = ISMS__V1__REPLY__RESULT_SNAPSHOT;
	reply->snapshot = p;
	if (!st->sent)
		rc = snap_first(st, p, &err);
	if (rc == 0)
		rc = snap_page(&st->snap, st->page, p, &done, &err);
	p->has_done = 1;
	p->done = done;
	st->sent = true;
	rpc_reply(st->conn, st->req_id, reply, rc, &err);
	if (rc != 0)
		log_notice("snapshot for conn %llu failed: %s",
		           (unsigned long long)st->conn->serial, err.msg);
	return rc == 0 && !done;
}

/* Schedules the next run of st, after the loop has polled its I/O. */
static void
snap_stream_later(struct snap_stream *st, long usec)
{
	struct timeval tv = {0, usec};

	evtimer_add(st->ev, &tv);
}

/* One run of a stream: a page, or a wait for the conn to drain. */
static void
snap_stream_run(evutil_socket_t fd, short what, void *arg)
{
	struct snap_stream *st = arg;

	(void)fd;
	(void)what;
	if (!conn_alive(st->conn)) {
		snap_stream_free(st);
		return;
	}
	if (snap_mono() - st->started > SNAP_TTL_SECS) {
		snap_stream_fail(st, ISMS_ETIMEDOUT,
		                 "snapshot not read within 60 s: ended");
		return;
	}
	if (conn_backlog(st->conn) > SNAP_BACKLOG) {
		snap_stream_later(st, SNAP_WAIT_US);
		return;
	}
	if (!snap_stream_page(st)) {
		snap_stream_free(st);
		return;
	}
	snap_stream_later(
	    st, conn_backlog(st->conn) > SNAP_BACKLOG ? SNAP_WAIT_US : 0);
}

/* Refuses a stream past the caps: in all, and of one conn. */
static int
snap_stream_cap(const struct conn *c, struct isms_err *err)
{
	const struct snap_stream *st;
	size_t mine = 0;

	TAILQ_FOREACH(st, &snap_streams, entry)
	mine += st->conn == c;
	if (mine >= SNAP_MAX_PER_CONN)
		return isms_err_set(err, ISMS_EEXHAUSTED,
		                    "%d snapshots under way on this "
		                    "connection already",
		                    SNAP_MAX_PER_CONN);
	if (snap_nstreams >= SNAP_MAX_STREAMS)
		return isms_err_set(err, ISMS_EEXHAUSTED,
		                    "%d snapshots under way already; try later",
		                    SNAP_MAX_STREAMS);
	return 0;
}

int
rpc_snapshot_exec(struct rpc_call *call)
{
	const Isms__V1__Snapshot *req = call->req->snapshot;
	struct snap_stream *st;
	int rc;

	if (req->has_page_size && req->page_size > SNAP_PAGE_MAX)
		return isms_err_set(&call->err, ISMS_EINVAL,
		                    "page_size is at most %d", SNAP_PAGE_MAX);
	if ((rc = snap_stream_cap(call->conn, &call->err)) != 0)
		return rc;
	st = xcalloc(1, sizeof *st);
	if ((rc = snap_begin(call->srv->store, &st->snap, req, &call->err)) !=
	    0) {
		free(st);
		return rc;
	}
	if ((st->ev = evtimer_new(call->srv->base, snap_stream_run, st)) ==
	    NULL) {
		snap_end(&st->snap);
		free(st);
		return isms_err_set(&call->err, ISMS_EINTERNAL,
		                    "cannot make the stream's timer");
	}
	st->srv = call->srv;
	st->conn = call->conn;
	conn_ref(st->conn);
	st->req_id = call->req->id;
	st->page = req->has_page_size && req->page_size > 0 ? req->page_size
	                                                    : SNAP_PAGE_DEFAULT;
	st->as_of = req->as_of != NULL ? xstrdup(req->as_of) : NULL;
	st->now = call->now;
	st->started = snap_mono();
	TAILQ_INSERT_TAIL(&snap_streams, st, entry);
	snap_nstreams++;
	snap_stream_later(st, 0);
	return RPC_DEFERRED;
}

void
rpc_snapshot_stop_all(struct server *srv)
{
	struct snap_stream *st, *next;

	for (st = TAILQ_FIRST(&snap_streams); st != NULL; st = next) {
		next = TAILQ_NEXT(st, entry);
		if (st->srv == srv)
			snap_stream_fail(st, ISMS_EUNAVAIL,
			                 "ismsd is shutting down");
	}
}
