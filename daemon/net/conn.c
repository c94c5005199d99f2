/* conn.c: reading frames from a client and writing replies to it. */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>

#include "authz.h"
#include "conn.h"
#include "conn_slots.h"
#include "dispatch.h"
#include "errcode.h"
#include "frame.h"
#include "log.h"
#include "pbbudget.h"
#include "pbfield.h"
#include "pbwire.h"
#include "listen.h"
#include "server.h"
#include "sockbuf.h"
#include "store.h"
#include "subs.h"
#include "tls.h"
#include "xmalloc.h"

#define CONN_READ_CHUNK 16384 /* bytes asked of one recv */

static void conn_read_cb(struct bufferevent *, void *);
static void conn_recv_cb(evutil_socket_t, short, void *);
static void conn_write_cb(struct bufferevent *, void *);
static void conn_event_cb(struct bufferevent *, short, void *);
static void conn_bad(struct conn *, int, const char *);
static void conn_close_flushed(struct conn *);
static void conn_out_cb(struct evbuffer *, const struct evbuffer_cb_info *,
                        void *);

/* The store could not say who c is: c keeps no role (fail closed) and
 * its generation is left stale, so the next request reads again. */
static void
conn_identify_failed(struct conn *c, const struct store_txn *txn)
{
	c->role = 0;
	log_err("conn %llu (%s): cannot re-read the identity: %s",
	        (unsigned long long)c->serial, c->user, txn->msg);
	snprintf(c->auth_hint, sizeof c->auth_hint,
	         "cannot check the identity now (%s); retry", txn->msg);
}

void
conn_identify_refresh(struct conn *c)
{
	struct store_txn txn;
	struct identity id = {"", 0};
	struct isms_err err;
	uint64_t gen = c->srv->users_gen;
	int rc = -ISMS_ENOTFOUND;

	c->users_gen = gen - 1; /* stale until a read succeeds */
	if (store_read_begin(c->srv->store, &txn) != 0) {
		conn_identify_failed(c, &txn);
		return;
	}
	if (c->token_id[0] != '\0')
		rc = users_identify_token_id(&txn, c->token_id, server_now(),
		                             &id, &err);
	else if (c->cert_cn[0] != '\0')
		rc = users_identify_name(&txn, c->cert_cn, &id);
	else if (c->uid != (uid_t)-1)
		rc = users_identify_uid(&txn, c->uid, &id);
	store_read_end(&txn);
	if (txn.ret != 0) {
		conn_identify_failed(c, &txn);
		return;
	}
	c->users_gen = gen;
	if (rc == 0) {
		snprintf(c->user, sizeof c->user, "%s", id.user);
		c->role = id.role;
		return;
	}
	c->role = 0;
	if (c->token_id[0] != '\0')
		snprintf(c->auth_hint, sizeof c->auth_hint, "%s", err.msg);
	else if (c->cert_cn[0] != '\0')
		snprintf(c->auth_hint, sizeof c->auth_hint,
		         "certificate CN '%s' is not an enabled ismsd user",
		         c->cert_cn);
	else if (c->uid != (uid_t)-1)
		snprintf(c->auth_hint, sizeof c->auth_hint,
		         "uid %u is not an ismsd user%s; an admin can add it: "
		         "ismsctl user add NAME --role viewer --uid %u",
		         (unsigned)c->uid,
		         rc == -ISMS_EPERM ? " (disabled)" : "",
		         (unsigned)c->uid);
	else
		snprintf(
		    c->auth_hint, sizeof c->auth_hint,
		    "not authenticated: send a token in hello, or a client "
		    "certificate");
}

/* Names the peer of a Unix socket from its credentials. */
static void
conn_identify(struct conn *c, evutil_socket_t fd)
{
	struct ucred cred;
	socklen_t len = sizeof cred;

	c->uid = (uid_t)-1;
	snprintf(c->user, sizeof c->user, "anonymous");
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0)
		c->uid = cred.uid;
	conn_identify_refresh(c);
	if (c->role == 0 && c->uid != (uid_t)-1)
		snprintf(c->user, sizeof c->user, "uid:%u", (unsigned)c->uid);
}

/* Seconds on a coarse monotonic clock (a vDSO read, no syscall). */
static time_t
conn_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return ts.tv_sec;
}

/* Arms the idle check to run in secs. */
static void
conn_idle_arm(struct conn *c, time_t secs)
{
	struct timeval tv = {secs > 0 ? secs : 1, 0};

	evtimer_add(c->idle, &tv);
}

/* The idle check: a peer that has sent nothing for the idle timeout is
 * cut. Subscribers wait quietly by design, a write in flight is never
 * answered with a timeout, and a paused peer is waiting on us. One timer
 * per period, not one per read: a read only notes its time. */
static void
conn_idle_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	time_t limit = (time_t)c->srv->cfg.idle_timeout_secs;
	time_t quiet = conn_clock() - c->last_read;

	(void)fd;
	(void)what;
	if (c->bev == NULL || c->closing)
		return;
	if (c->nsubs > 0 || c->inflight > 0 || c->paused || quiet < limit) {
		conn_idle_arm(c, quiet < limit ? limit - quiet : limit);
		return;
	}
	conn_ref(c);
	conn_bad(c, ISMS_ETIMEDOUT, "idle for too long");
	conn_unref(c);
}

/* Starts or stops reading from the peer. */
static void
conn_reading(struct conn *c, bool on)
{
	if (c->rev != NULL) {
		if (on)
			event_add(c->rev, NULL);
		else
			event_del(c->rev);
	} else if (on)
		bufferevent_enable(c->bev, EV_READ);
	else
		bufferevent_disable(c->bev, EV_READ);
}

/* The frame deadline passed: a peer dribbling bytes is cut. */
static void
conn_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	char msg[100];

	(void)fd;
	(void)what;
	snprintf(msg, sizeof msg, "a frame must arrive whole within %u s",
	         c->srv->cfg.frame_deadline_secs);
	conn_ref(c);
	conn_bad(c, ISMS_ETIMEDOUT, msg);
	conn_unref(c);
}

/* Stops the frame deadline: a frame completed, or we stopped reading
 * (the peer cannot finish a frame we do not read). */
static void
conn_frame_done(struct conn *c)
{
	if (c->deadline != NULL)
		evtimer_del(c->deadline);
}

/* Starts the frame deadline when a frame has begun and it is not running
 * (it bounds the time to complete one frame, from its first byte, not
 * the life of a busy connection); stops it when the input is empty. */
static void
conn_frame_clock(struct conn *c)
{
	struct timeval tv = {(time_t)c->srv->cfg.frame_deadline_secs, 0};
	bool partial = c->bev != NULL &&
	               evbuffer_get_length(bufferevent_get_input(c->bev)) > 0;

	if (!partial || tv.tv_sec == 0) {
		conn_frame_done(c);
		return;
	}
	if (c->deadline == NULL)
		c->deadline = evtimer_new(c->srv->base, conn_deadline_cb, c);
	if (c->deadline != NULL && !evtimer_pending(c->deadline, NULL))
		evtimer_add(c->deadline, &tv);
}

/* The authentication deadline passed: a peer still anonymous (no TLS
 * handshake, no hello with a valid token, a uid that is no user) gives
 * its slot and descriptor back. */
static void
conn_auth_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	char msg[sizeof c->auth_hint + 64];

	(void)fd;
	(void)what;
	if (c->bev == NULL || c->closing || c->role != 0)
		return;
	snprintf(msg, sizeof msg, "authentication timed out after %u s (%s)",
	         c->srv->cfg.auth_timeout_secs, c->auth_hint);
	conn_ref(c);
	conn_bad(c, ISMS_EUNAUTH, msg);
	conn_unref(c);
}

/* A closing conn's last replies were not taken in time: drop them. */
static void
conn_drain_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	(void)fd;
	(void)what;
	log_notice("conn %llu (%s from %s): its last %zu byte(s) of replies "
	           "not taken in time; dropped",
	           (unsigned long long)c->serial, c->user, c->peer, c->outlen);
	conn_abort(c);
}

/* Makes c's bufferevent (over TLS when tls is set) and events: 0, or -1
 * with what was made freed again and fd closed. */
static int
conn_make_events(struct conn *c, evutil_socket_t fd, SSL_CTX *tls)
{
	const int opts = BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS;
	struct event_base *base = c->srv->base;
	SSL *ssl;

	if (tls != NULL && (ssl = SSL_new(tls)) != NULL) {
		c->bev = bufferevent_openssl_socket_new(
		    base, fd, ssl, BUFFEREVENT_SSL_ACCEPTING, opts);
		if (c->bev != NULL)
			bufferevent_openssl_set_allow_dirty_shutdown(c->bev, 1);
		c->tls = true;
	} else if (tls == NULL)
		c->bev = bufferevent_socket_new(base, fd, opts);
	c->handshaken = !c->tls;
	/* A plain socket is read with recv (conn_recv_cb); the bufferevent
	 * writes what the socket did not take at once. */
	if (c->bev != NULL) {
		c->out = bufferevent_get_output(c->bev);
		c->out_cb = evbuffer_add_cb(c->out, conn_out_cb, c);
	}
	if (c->bev != NULL && !c->tls)
		c->rev =
		    event_new(base, fd, EV_READ | EV_PERSIST, conn_recv_cb, c);
	if (c->bev != NULL && c->out_cb != NULL && (c->tls || c->rev != NULL) &&
	    (c->pend = evbuffer_new()) != NULL &&
	    (c->idle = evtimer_new(base, conn_idle_cb, c)) != NULL &&
	    (c->auth = evtimer_new(base, conn_auth_cb, c)) != NULL)
		return 0;
	log_err("cannot create a bufferevent");
	if (c->idle != NULL)
		event_free(c->idle);
	if (c->rev != NULL)
		event_free(c->rev);
	if (c->pend != NULL)
		evbuffer_free(c->pend);
	if (c->bev != NULL)
		bufferevent_free(c->bev);
	else
		evutil_closesocket(fd);
	return -1;
}

/* Adopts fd: over TLS when tls is set; a Unix peer (sa NULL) is named
 * by its uid. */
static struct conn *
conn_create(struct server *srv, evutil_socket_t fd, SSL_CTX *tls,
            const struct sockaddr *sa, bool unix_peer)
{
	struct timeval auth = {(time_t)srv->cfg.auth_timeout_secs, 0};
	struct conn *c;

	c = xcalloc(1, sizeof *c);
	c->srv = srv;
	c->tcp = !unix_peer;
	if (c->tcp) {
		conn_set_addr(c, sa);
		if (!conn_addr_has_room(c)) {
			conn_log_refused(c);
			evutil_closesocket(fd);
			free(c);
			return NULL;
		}
	} else
		snprintf(c->peer, sizeof c->peer, "unix");
	c->serial = ++srv->next_conn_serial;
	c->refs = 1;
	c->uid = (uid_t)-1;
	c->users_gen = srv->users_gen;
	c->fd = fd;
	if (unix_peer)
		conn_identify(c, fd);
	else {
		snprintf(c->user, sizeof c->user, "anonymous");
		snprintf(
		    c->auth_hint, sizeof c->auth_hint,
		    "not authenticated: send a token in hello, or a client "
		    "certificate");
	}
	evutil_make_socket_nonblocking(fd);
	if (conn_make_events(c, fd, tls) != 0) {
		free(c);
		return NULL;
	}
	bufferevent_setcb(c->bev, conn_read_cb, NULL, conn_event_cb, c);
	bufferevent_enable(c->bev, c->tls ? EV_READ | EV_WRITE : EV_WRITE);
	conn_reading(c, true);
	c->last_read = conn_clock();
	if (srv->cfg.idle_timeout_secs > 0)
		conn_idle_arm(c, (time_t)srv->cfg.idle_timeout_secs);
	if (c->role == 0)
		evtimer_add(c->auth, &auth);
	TAILQ_INSERT_TAIL(&srv->conns, c, entry);
	conn_slot_take(c);
	log_debug("conn %llu: %s connected from %s",
	          (unsigned long long)c->serial, c->user, c->peer);
	if (conn_refuse_admin_slot(c) || conn_refuse_over_cap(c))
		return NULL;
	return c;
}

struct conn *
conn_new(struct server *srv, evutil_socket_t fd)
{
	return conn_create(srv, fd, NULL, NULL, true);
}

struct conn *
conn_new_tcp(struct server *srv, evutil_socket_t fd, SSL_CTX *tls,
             const struct sockaddr *sa)
{
	return conn_create(srv, fd, tls, sa, false);
}

/* Drops the socket now; the struct lives while writes reference it. */
void
conn_abort(struct conn *c)
{
	struct server *srv = c->srv;

	if (c->bev == NULL)
		return;
	subs_conn_gone(c);
	authz_conn_gone(c);
	rpc_batch_conn_gone(c);
	if (c->rev != NULL)
		event_free(c->rev);
	c->rev = NULL;
	event_free(c->idle);
	c->idle = NULL;
	event_free(c->auth);
	c->auth = NULL;
	if (c->drain != NULL)
		event_free(c->drain);
	c->drain = NULL;
	evbuffer_remove_cb_entry(c->out, c->out_cb);
	bufferevent_free(c->bev);
	c->bev = NULL;
	c->out = NULL;
	if (c->deadline != NULL)
		event_free(c->deadline);
	c->deadline = NULL;
	TAILQ_REMOVE(&srv->conns, c, entry);
	conn_slot_give(c);
	log_debug("conn %llu: closed", (unsigned long long)c->serial);
	conn_unref(c);
	server_conn_gone(srv);
}

void
conn_ref(struct conn *c)
{
	c->refs++;
}

void
conn_unref(struct conn *c)
{
	if (--c->refs == 0) {
		evbuffer_free(c->pend);
		free(c);
	}
}

void
conn_flush(struct conn *c)
{
	struct evbuffer *out;

	if (c->bev == NULL || evbuffer_get_length(c->pend) == 0)
		return;
	c->srv->served++; /* its client may send the next request at once */
	out = c->out;
	/* A write error is left for the bufferevent to meet and report. */
	if (!c->tls && c->outlen == 0)
		(void)sockbuf_send(c->fd, c->pend);
	if (evbuffer_get_length(c->pend) > 0 &&
	    evbuffer_add_buffer(out, c->pend) != 0) {
		log_err("conn %llu: cannot queue a reply",
		        (unsigned long long)c->serial);
		conn_abort(c);
	}
}

size_t
conn_backlog(const struct conn *c)
{
	assert(c->out == NULL || c->outlen == evbuffer_get_length(c->out));
	assert(c->corked || evbuffer_get_length(c->pend) == 0 ||
	       c->bev == NULL);
	/* Neither buffer is looked at unless it may hold bytes: a fan-out
	 * asks this of every subscriber. */
	return (c->corked ? evbuffer_get_length(c->pend) : 0) +
	       (c->out == NULL ? 0 : c->outlen);
}

/* Keeps c->outlen: out's callbacks run as it changes. */
static void
conn_out_cb(struct evbuffer *buf, const struct evbuffer_cb_info *info,
            void *arg)
{
	struct conn *c = arg;

	(void)buf;
	c->outlen = info->orig_size + info->n_added - info->n_deleted;
}

void
conn_send(struct conn *c, const Isms__V1__Reply *reply)
{
	if (c->bev == NULL)
		return;
	if (frame_write(c->pend, (const ProtobufCMessage *)reply) != 0) {
		log_err("conn %llu: cannot queue a reply",
		        (unsigned long long)c->serial);
		conn_abort(c);
		return;
	}
	if (!c->corked)
		conn_flush(c);
}

void
conn_send_error(struct conn *c, uint64_t id, int code, const char *msg)
{
	Isms__V1__Reply reply = ISMS__V1__REPLY__INIT;
	Isms__V1__Status st = ISMS__V1__STATUS__INIT;

	if (code < 0)
		code = -code;
	reply.has_id = 1;
	reply.id = id;
	st.has_code = 1;
	st.code = code;
	st.message = (char *)msg;
	reply.status = &st;
	conn_send(c, &reply);
}

void
conn_close_after_flush(struct conn *c)
{
	if (c->bev == NULL)
		return;
	c->closing = true;
	conn_reading(c, false);
	/* While frames are handled, the reply to this one is still to
	 * come: conn_process closes once it has flushed. */
	if (!c->corked)
		conn_close_flushed(c);
}

/* Closes a closing c once its replies are out: now, or from the write
 * callback when the socket has taken them, or when the drain bound
 * passes (a peer that does not read must not keep its slot). */
static void
conn_close_flushed(struct conn *c)
{
	unsigned idle = c->srv->cfg.idle_timeout_secs;
	struct timeval tv = {c->role == 0 ? CONN_DRAIN_SECS
	                     : idle > 0   ? (time_t)idle
	                                  : CONN_DRAIN_AUTH_SECS,
	                     0};

	conn_flush(c);
	if (c->bev == NULL)
		return;
	if (c->outlen == 0 || !c->handshaken) {
		conn_abort(c);
		return;
	}
	bufferevent_setcb(c->bev, NULL, conn_write_cb, conn_event_cb, c);
	if (c->drain == NULL &&
	    (c->drain = evtimer_new(c->srv->base, conn_drain_cb, c)) != NULL)
		evtimer_add(c->drain, &tv);
}

void
conn_stop_reading(struct conn *c)
{
	if (c->bev != NULL)
		conn_reading(c, false);
}

/* Fails the connection (a framing or decoding error, a deadline): one
 * error reply, then the close. Before the TLS handshake is done nothing
 * can reach the peer: it is closed at once. */
static void
conn_bad(struct conn *c, int code, const char *msg)
{
	log_notice("conn %llu (%s from %s): %s; closing",
	           (unsigned long long)c->serial, c->user, c->peer, msg);
	if (!c->handshaken) {
		conn_abort(c);
		return;
	}
	conn_send_error(c, 0, code, msg);
	conn_close_after_flush(c);
}

/* Whether to stop reading for now: too many writes queued, or too many
 * bytes held for this peer (requests at the writer, replies unsent). */
static bool
conn_should_pause(struct conn *c)
{
	return c->inflight >= CONN_INFLIGHT_MAX ||
	       c->queued + conn_backlog(c) >= c->srv->cfg.max_queued_bytes;
}

static void
conn_pause(struct conn *c)
{
	c->paused = true;
	conn_reading(c, false);
	conn_frame_done(c);
	/* Resume from the write callback once the output drains. */
	bufferevent_setcb(c->bev, conn_read_cb, conn_write_cb, conn_event_cb,
	                  c);
}

/* Decodes and dispatches every whole frame in the input buffer. */
static void
conn_process_frames(struct conn *c)
{
	struct evbuffer *in;
	const uint8_t *msg;
	size_t mlen, flen;
	struct pb_budget budget;
	Isms__V1__Request *req;
	struct isms_err werr;
	const struct pb_wire_limits lim = {c->srv->cfg.max_string,
	                                   c->srv->cfg.max_repeated};
	char why[128];

	while (c->bev != NULL && !c->closing && !c->srv->stopping) {
		if (conn_should_pause(c)) {
			conn_flush(
			    c); /* what the socket takes is not backlog */
			if (c->bev == NULL)
				return;
			if (conn_should_pause(c)) {
				conn_pause(c);
				return;
			}
		}
		in = bufferevent_get_input(c->bev);
		switch (
		    frame_next(in, c->srv->cfg.max_frame, &msg, &mlen, &flen)) {
		case FRAME_OK:
			/* The next frame has time of its own. */
			conn_frame_done(c);
			break;
		case FRAME_NEED_MORE:
			conn_frame_clock(c);
			return;
		case FRAME_TOO_BIG:
			snprintf(why, sizeof why,
			         "frame larger than the %zu byte limit",
			         c->srv->cfg.max_frame);
			conn_bad(c, ISMS_EEXHAUSTED, why);
			return;
		default:
			conn_bad(c, ISMS_EINVAL,
			         "malformed frame length (not a varint)");
			return;
		}
		pb_budget_init(&budget, c->srv->cfg.unpack_budget);
		req = (Isms__V1__Request *)pb_budget_unpack(
		    &budget, &isms__v1__request__descriptor, msg, mlen);
		/* One walk of the wire bytes checks what unpacking hides (a
		 * NUL inside a string), the limits, UTF-8 and enum values: a
		 * bad value is refused with the request's id, the frame
		 * itself was fine. */
		if (req != NULL && pb_wire_check(&isms__v1__request__descriptor,
		                                 msg, mlen, &lim, &werr) != 0) {
			evbuffer_drain(in, flen);
			conn_send_error(c, req->id, ISMS_EINVAL, werr.msg);
			protobuf_c_message_free_unpacked(&req->base, NULL);
			continue;
		}
		evbuffer_drain(in, flen);
		if (req == NULL) {
			if (budget.exceeded)
				conn_bad(
				    c, ISMS_EEXHAUSTED,
				    "request needs more memory to decode than "
				    "the unpack budget allows");
			else
				conn_bad(c, ISMS_EINVAL,
				         "malformed request: not an "
				         "isms.v1.Request");
			return;
		}
		dispatch(c, req, budget.used);
	}
}

/* Processes input, holding c alive across dispatches that may drop it;
 * the replies of one read leave in one write. */
static void
conn_process(struct conn *c)
{
	conn_ref(c);
	c->corked = true;
	conn_process_frames(c);
	c->corked = false;
	if (c->closing)
		conn_close_flushed(c);
	else
		conn_flush(c);
	conn_unref(c);
}

/* TLS: the bufferevent has read and decrypted. */
static void
conn_read_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	(void)bev;
	c->last_read = conn_clock();
	conn_process(c);
}

/* A plain socket is readable: recv into the input, then serve what came
 * before any end of the stream. */
static void
conn_recv_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	enum sockbuf_end end;

	(void)what;
	end = sockbuf_recv(fd, bufferevent_get_input(c->bev), CONN_READ_CHUNK);
	if (end == SOCKBUF_ERROR)
		log_debug("conn %llu: read: %s", (unsigned long long)c->serial,
		          strerror(errno));
	c->last_read = conn_clock();
	conn_ref(c);
	conn_process(c);
	if (end != SOCKBUF_AGAIN && c->bev != NULL)
		conn_abort(c);
	conn_unref(c);
}

static void
conn_write_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	(void)bev;
	if (c->closing) {
		if (c->outlen == 0)
			conn_abort(c);
		return;
	}
	if (c->paused && !conn_should_pause(c)) {
		c->paused = false;
		bufferevent_setcb(c->bev, conn_read_cb, NULL, conn_event_cb, c);
		if (!c->srv->stopping)
			conn_reading(c, true);
		conn_process(c);
	}
}

static void
conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;

	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		conn_abort(c);
		return;
	}
	if (what & BEV_EVENT_CONNECTED) {
		c->handshaken = true;
		/* TLS handshake done: a verified certificate names a user. */
		if (tls_peer_cn(c->bev, c->cert_cn, sizeof c->cert_cn) == 0) {
			conn_identify_refresh(c);
			(void)conn_refuse_over_cap(c);
		}
		return;
	}
}

void
conn_write_queued(struct conn *c, size_t bytes)
{
	c->inflight++;
	c->queued += bytes;
}

void
conn_write_done(struct conn *c, size_t bytes)
{
	c->inflight--;
	c->queued -= bytes;
	if (c->bev != NULL && c->paused && !c->closing)
		conn_write_cb(c->bev, c);
}
