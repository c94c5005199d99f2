/*
 * client.c: the asynchronous side of libismsclient.
 *
 * One bufferevent per connection (over a Unix socket, TLS, or plain TCP to
 * loopback: see transport.c). Requests are matched to replies by id in a
 * pending table: ids are handed out in increasing order, so appending keeps
 * the table sorted and a reply is found by binary search.
 *
 * Callbacks may call back into the library, even isms_client_free: while a
 * callback runs the client is "busy" and a free only marks it dead; the
 * outermost libevent callback destroys it on the way out.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "frame.h"
#include "ismsclient.h"
#include "log.h"
#include "pbbudget.h"
#include "sockbuf.h"
#include "transport.h"
#include "xmalloc.h"

struct client_pending {
	uint64_t id;
	unsigned flags; /* ISMS_CALL_* */
	isms_reply_cb cb;
	void *arg;
};

struct isms_client {
	/* What reading a reply touches, together in the first cache line:
	 * a subscriber among thousands reads each of its few replies
	 * cold. */
	int closed;    /* err says why */
	int busy;      /* depth of our callbacks on the stack */
	int dead;      /* freed while busy */
	int got_frame; /* the server has sent something */
	size_t max_frame;
	struct client_pending *pend; /* sorted by id */
	size_t npend;
	uint8_t *part; /* Unix: a frame's first bytes, read */
	size_t npart, cappart;

	struct event_base *base;
	struct bufferevent *bev; /* t.bev: NULL once closed */
	struct event *rev;       /* Unix: our read event (see client_recv) */
	struct transport t;      /* ours: closed with bev, not later */
	int tls_up;              /* the TLS handshake is done */
	uint64_t next_id;
	size_t cappend;
	struct evbuffer *scratch; /* a request on its way to the socket */
	bool corked;              /* requests wait in scratch: uncork sends */

	char endpoint[128]; /* for messages */
	struct isms_err err;
	char notice[256]; /* last id-less error from server */

	bool own_replies;      /* replies from malloc, so they can be taken */
	ProtobufCMessage *cur; /* the reply being dispatched, if takeable */
	bool taken;            /* cur was taken by its callback */
};

/* One way to open a transport, by the endpoint's prefix. */
struct client_scheme {
	const char *prefix;
	int (*open)(struct event_base *, const char *endpoint,
	            const struct isms_client_opts *, struct transport *,
	            struct isms_err *err);
};

static int client_open_unix(struct event_base *, const char *,
                            const struct isms_client_opts *, struct transport *,
                            struct isms_err *);

static const struct client_scheme client_schemes[] = {
    {"unix:", client_open_unix},
    {"tcp://", transport_open_tcp},
};

#define CLIENT_NSCHEMES (sizeof client_schemes / sizeof client_schemes[0])

#define CLIENT_READ_CHUNK 16384 /* bytes asked of one recv */
#define CLIENT_READS      16    /* recv calls per wake-up, at most */
#define CLIENT_ARENA      4096  /* unpack arena for one reply */

int
isms_endpoint_unix_path(const char *endpoint, char *path, size_t len,
                        struct isms_err *err)
{
	const char *p;

	if (strncmp(endpoint, "tcp:", 4) == 0)
		return isms_err_set(err, ISMS_EINVAL,
		                    "endpoint '%s' is TCP, not a Unix socket "
		                    "path; TCP is spelled tcp://HOST:PORT",
		                    endpoint);
	if (strncmp(endpoint, "unix:", 5) != 0)
		return isms_err_set(
		    err, ISMS_EINVAL,
		    "endpoint '%s' not understood; use unix:relative/path, "
		    "unix:/abs/path, unix:///abs/path or tcp://HOST:PORT",
		    endpoint);
	p = endpoint + 5;
	if (strncmp(p, "//", 2) == 0) {
		/* unix://AUTHORITY/path: only an empty authority is valid. */
		p += 2;
		if (*p != '/')
			return isms_err_set(
			    err, ISMS_EINVAL,
			    "endpoint '%s': unix:// needs an absolute path, "
			    "as in unix:///run/ismsd/ismsd.sock",
			    endpoint);
	}
	if (*p == '\0')
		return isms_err_set(err, ISMS_EINVAL,
		                    "endpoint '%s' has no socket path",
		                    endpoint);
	if (strlen(p) >= len ||
	    strlen(p) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return isms_err_set(err, ISMS_EINVAL,
		                    "endpoint '%s': socket path too long",
		                    endpoint);
	memcpy(path, p, strlen(p) + 1);
	return 0;
}

/* Connects a Unix stream socket (opts do not apply); 0 or -code. */
static int
client_open_unix(struct event_base *base, const char *endpoint,
                 const struct isms_client_opts *opts, struct transport *t,
                 struct isms_err *err)
{
	struct sockaddr_un sun;
	int fd, r, saved;

	(void)opts;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if ((r = isms_endpoint_unix_path(endpoint, sun.sun_path,
	                                 sizeof sun.sun_path, err)) != 0)
		return r;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return isms_err_set(err, ISMS_EUNAVAIL, "socket: %s",
		                    strerror(errno));
	/*
	 * A blocking connect: on AF_UNIX it completes at once or fails at
	 * once, except when the listen backlog is full, where waiting is
	 * what we want anyway.
	 */
	do {
		r = connect(fd, (struct sockaddr *)&sun, sizeof sun);
	} while (r == -1 && errno == EINTR);
	if (r == -1) {
		saved = errno;
		close(fd);
		return isms_err_set(err, ISMS_EUNAVAIL,
		                    "cannot connect to unix:%s: %s",
		                    sun.sun_path, strerror(saved));
	}
	if (evutil_make_socket_nonblocking(fd) == -1) {
		close(fd);
		return isms_err_set(err, ISMS_EUNAVAIL,
		                    "cannot make socket non-blocking");
	}
	t->fd = fd;
	t->plain_tcp = false;
	t->client_cert = false;
	t->ssl = NULL;
	if ((t->bev = bufferevent_socket_new(base, fd, 0)) == NULL) {
		transport_close(t);
		return isms_err_set(err, ISMS_EUNAVAIL,
		                    "bufferevent_socket_new failed");
	}
	return 0;
}

/* Opens a transport for endpoint with the matching scheme; 0 or -code. */
static int
client_open(struct event_base *base, const char *endpoint,
            const struct isms_client_opts *opts, struct transport *t,
            struct isms_err *err)
{
	size_t i, n;

	for (i = 0; i < CLIENT_NSCHEMES; i++) {
		n = strlen(client_schemes[i].prefix);
		if (strncmp(endpoint, client_schemes[i].prefix, n) == 0)
			return client_schemes[i].open(base, endpoint, opts, t,
			                              err);
	}
	/* Let the Unix parser word the error (unknown spelling). */
	return isms_endpoint_unix_path(endpoint, (char[8]){0}, 8, err);
}

/* Index of id in the pending table, or -1. */
static ssize_t
client_find(const struct isms_client *c, uint64_t id)
{
	size_t lo = 0, hi = c->npend, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c->pend[mid].id == id)
			return (ssize_t)mid;
		if (c->pend[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Removes entry i from the pending table. */
static void
client_remove(struct isms_client *c, size_t i)
{
	memmove(&c->pend[i], &c->pend[i + 1],
	        (c->npend - i - 1) * sizeof c->pend[0]);
	c->npend--;
}

/*
 * Frees the bufferevent and closes the socket now: libevent would close it
 * only when the base next runs its finalizers, and the peer should see the
 * end at once.
 */
static void
client_drop_transport(struct isms_client *c)
{
	if (c->bev == NULL)
		return;
	if (c->rev != NULL)
		event_free(c->rev);
	c->rev = NULL;
	transport_close(&c->t);
	c->bev = NULL;
}

/* Frees everything; the caller made sure no callback is running. */
static void
client_destroy(struct isms_client *c)
{
	client_drop_transport(c);
	if (c->scratch != NULL)
		evbuffer_free(c->scratch);
	free(c->part);
	free(c->pend);
	free(c);
}

/*
 * Ends the connection: records why, and calls every pending callback once
 * with a synthesized UNAVAILABLE reply carrying its id.
 */
static void
client_close(struct isms_client *c, const char *fmt, ...)
{
	Isms__V1__Reply reply = ISMS__V1__REPLY__INIT;
	Isms__V1__Status status = ISMS__V1__STATUS__INIT;
	struct client_pending p;
	va_list ap;
	size_t n;

	if (c->closed)
		return;
	c->closed = 1;
	c->err.code = ISMS_EUNAVAIL;
	va_start(ap, fmt);
	vsnprintf(c->err.msg, sizeof c->err.msg, fmt, ap);
	va_end(ap);
	if (c->notice[0] != '\0') {
		n = strlen(c->err.msg);
		snprintf(c->err.msg + n, sizeof c->err.msg - n, " (%s)",
		         c->notice);
	}
	client_drop_transport(c);

	status.has_code = 1;
	status.code = ISMS__V1__CODE__UNAVAILABLE;
	status.message = c->err.msg;
	reply.status = &status;
	reply.has_id = 1;
	c->busy++;
	while (c->npend > 0) {
		p = c->pend[0];
		client_remove(c, 0);
		reply.id = p.id;
		p.cb(c, &reply, p.arg);
	}
	c->busy--;
}

/* Hands one reply to its pending entry. */
static void
client_dispatch(struct isms_client *c, const Isms__V1__Reply *reply)
{
	struct client_pending p;
	ssize_t i;
	int failed;

	failed = reply->status != NULL && reply->status->has_code &&
	         reply->status->code != ISMS__V1__CODE__OK;
	if (!reply->has_id || (i = client_find(c, reply->id)) == -1) {
		/* A connection-level error (bad frame, shutdown): keep it. */
		if (failed && (!reply->has_id || reply->id == 0))
			snprintf(c->notice, sizeof c->notice,
			         "server said %s: %s",
			         isms_code_name((int)reply->status->code),
			         reply->status->message != NULL
			             ? reply->status->message
			             : "");
		log_debug("reply for unknown request %llu dropped",
		          (unsigned long long)reply->id);
		return;
	}
	p = c->pend[i];
	if (!(p.flags & ISMS_CALL_STREAM) || failed)
		client_remove(c, (size_t)i);
	p.cb(c, reply, p.arg);
}

/* Unpacks one reply frame's message and dispatches it; -1 if the
 * connection was closed for it. */
static int
client_frame(struct isms_client *c, const uint8_t *msg, size_t mlen)
{
	struct pb_budget budget;
	ProtobufCMessage *m, *prev;
	bool prev_taken;
	size_t limit;
	/* Room for a typical reply: no malloc and free for each field. */
	_Alignas(16) uint8_t arena[CLIENT_ARENA];

	/* Four times the frame, saturating: a huge max frame must not wrap
	 * to a budget too small for any reply. */
	limit = PB_BUDGET_DEFAULT;
	if (c->max_frame > SIZE_MAX / 4)
		limit = SIZE_MAX;
	else if (c->max_frame > limit / 4)
		limit = c->max_frame * 4;
	pb_budget_init(&budget, limit);
	/* Without the arena a reply is plain malloc: a callback may keep it. */
	if (!c->own_replies)
		pb_budget_arena(&budget, arena, sizeof arena);
	m = pb_budget_unpack(&budget, &isms__v1__reply__descriptor, msg, mlen);
	c->got_frame = 1;
	if (m == NULL) {
		client_close(c, "cannot decode a reply from ismsd%s",
		             budget.exceeded ? " (over the memory budget)"
		                             : "");
		return -1;
	}
	/* Callers hold c busy, so it outlives the dispatch; a callback that
	 * runs the loop may dispatch another reply inside this one. */
	prev = c->cur;
	prev_taken = c->taken;
	c->cur = c->own_replies ? m : NULL;
	c->taken = false;
	client_dispatch(c, (Isms__V1__Reply *)m);
	if (!c->taken)
		pb_budget_free_unpacked(&budget, m);
	c->cur = prev;
	c->taken = prev_taken;
	return 0;
}

void
isms_client_own_replies(struct isms_client *c, bool on)
{
	c->own_replies = on;
}

Isms__V1__Reply *
isms_client_take_reply(struct isms_client *c, const Isms__V1__Reply *reply)
{
	if (c->cur == NULL || c->cur != &reply->base || c->taken)
		return NULL;
	c->taken = true;
	return (Isms__V1__Reply *)c->cur;
}

/* Closes c for a frame header frame_next or frame_decode_header refused. */
static void
client_bad_frame(struct isms_client *c, enum frame_result r)
{
	if (r == FRAME_TOO_BIG)
		client_close(c, "ismsd sent a frame over %zu bytes",
		             c->max_frame);
	else
		client_close(c, "ismsd sent a malformed frame");
}

/* Reads every complete frame of the bufferevent (TLS, TCP) and
 * dispatches its reply. */
static void
client_read_cb(struct bufferevent *bev, void *arg)
{
	struct isms_client *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	const uint8_t *msg;
	size_t mlen, flen;
	enum frame_result r;

	c->busy++;
	while (!c->closed) {
		r = frame_next(in, c->max_frame, &msg, &mlen, &flen);
		if (r == FRAME_NEED_MORE)
			break;
		if (r != FRAME_OK) {
			client_bad_frame(c, r);
			break;
		}
		/* The frame stays valid: nothing touches in meanwhile. */
		if (client_frame(c, msg, mlen) != 0)
			break;
		if (!c->closed)
			evbuffer_drain(in, flen);
	}
	c->busy--;
	if (c->dead && c->busy == 0)
		client_destroy(c);
}

/* The TLS handshake is done; or EOF or an error: the connection is gone. */
static void
client_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct isms_client *c = arg;
	int e = EVUTIL_SOCKET_ERROR();
	char why[400];

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		c->tls_up = 1;
		return;
	}
	c->busy++;
	/* Replies that came with the end (a server refusing us answers,
	 * then closes: TLS may report the close first) are handled. */
	if ((what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) && c->bev != NULL &&
	    evbuffer_get_length(bufferevent_get_input(c->bev)) > 0)
		client_read_cb(c->bev, c);
	if ((what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) && !c->closed) {
		transport_why_closed(&c->t, c->endpoint,
		                     (what & BEV_EVENT_ERROR) ? e : 0,
		                     c->tls_up, c->got_frame, why, sizeof why);
		client_close(c, "%s", why);
	}
	c->busy--;
	if (c->dead && c->busy == 0)
		client_destroy(c);
}

/*
 * Handles the whole frames at the head of buf[0..len); returns the bytes
 * they took, or -1 once the connection is closed.
 */
static ssize_t
client_frames(struct isms_client *c, const uint8_t *buf, size_t len)
{
	size_t off = 0, hlen, mlen;
	enum frame_result r;

	while (!c->closed) {
		r = frame_decode_header(buf + off, len - off, c->max_frame,
		                        &hlen, &mlen);
		if (r == FRAME_NEED_MORE ||
		    (r == FRAME_OK && len - off - hlen < mlen))
			return (ssize_t)off;
		if (r != FRAME_OK) {
			client_bad_frame(c, r);
			break;
		}
		if (client_frame(c, buf + off + hlen, mlen) != 0)
			break;
		off += hlen + mlen;
	}
	return -1;
}

/* Keeps buf[0..len), the start of a frame, for the next read. */
static void
client_keep(struct isms_client *c, const uint8_t *buf, size_t len)
{
	if (len == 0 && c->cappart > 4 * CLIENT_READ_CHUNK) {
		/* A big reply is over: do not hold its room. */
		free(c->part);
		c->part = NULL;
		c->cappart = 0;
	}
	if (c->cappart < len) {
		c->cappart = len < CLIENT_READ_CHUNK ? CLIENT_READ_CHUNK : len;
		c->part = xrealloc(c->part, c->cappart);
	}
	if (len > 0)
		memmove(c->part, buf, len);
	c->npart = len;
}

/*
 * A Unix socket is readable: recv until it is drained, handling frames
 * straight from the bytes read. Whole frames are unpacked from a buffer
 * on the stack; only the start of a frame still on its way is kept, in
 * c->part, and later bytes go after it. No FIONREAD, readv or evbuffer:
 * a subscriber among many spends most of its time here.
 */
static void
client_recv(evutil_socket_t fd, short what, void *arg)
{
	struct isms_client *c = arg;
	_Alignas(16) uint8_t stack[CLIENT_READ_CHUNK];
	enum sockbuf_end end = SOCKBUF_AGAIN;
	uint8_t *buf;
	size_t room, len;
	ssize_t n, used;
	int reads, saved = 0;

	(void)what;
	c->busy++;
	/* At most CLIENT_READS: a fast sender cannot keep us from the
	 * other connections (the socket stays readable). */
	for (reads = 0; reads < CLIENT_READS && !c->closed; reads++) {
		if (c->npart == 0) {
			buf = stack;
			room = sizeof stack;
		} else {
			if (c->cappart - c->npart < CLIENT_READ_CHUNK) {
				c->cappart += c->cappart;
				c->part = xrealloc(c->part, c->cappart);
			}
			buf = c->part + c->npart;
			room = c->cappart - c->npart;
		}
		do
			n = recv(fd, buf, room, 0);
		while (n == -1 && errno == EINTR);
		if (n <= 0) {
			if (n == 0)
				end = SOCKBUF_EOF;
			else if (errno != EAGAIN && errno != EWOULDBLOCK)
				end = SOCKBUF_ERROR;
			saved = errno;
			break;
		}
		if (buf != stack) {
			buf = c->part;
			len = c->npart += (size_t)n;
		} else
			len = (size_t)n;
		if ((used = client_frames(c, buf, len)) < 0)
			break;
		if ((size_t)used < len || buf != stack)
			client_keep(c, buf + used, len - (size_t)used);
		if ((size_t)n < room)
			break; /* drained: a stream socket gives all it holds
			        * (an end behind the data wakes us again) */
	}
	if (end != SOCKBUF_AGAIN && !c->closed) {
		errno = saved;
		client_event_cb(
		    c->bev,
		    BEV_EVENT_READING |
		        (end == SOCKBUF_EOF ? BEV_EVENT_EOF : BEV_EVENT_ERROR),
		    c);
	}
	c->busy--;
	if (c->dead && c->busy == 0)
		client_destroy(c);
}

/* Opens the endpoint's transport and starts reading replies. */
struct isms_client *
isms_client_connect_opts(struct event_base *base, const char *endpoint,
                         const struct isms_client_opts *opts,
                         struct isms_err *err)
{
	struct isms_client *c;

	c = xcalloc(1, sizeof *c);
	c->t.fd = -1;
	if (client_open(base, endpoint, opts, &c->t, err) != 0) {
		free(c);
		return NULL;
	}
	c->base = base;
	c->bev = c->t.bev;
	c->max_frame = FRAME_MAX_DEFAULT;
	c->next_id = 1;
	/* A handshake error names the endpoint; the TLS prefix marks it. */
	snprintf(c->endpoint, sizeof c->endpoint, "%s", endpoint);
	bufferevent_setcb(c->bev, client_read_cb, NULL, client_event_cb, c);
	if (c->t.ssl == NULL && !c->t.plain_tcp) {
		c->rev = event_new(base, c->t.fd, EV_READ | EV_PERSIST,
		                   client_recv, c);
		if (c->rev == NULL || event_add(c->rev, NULL) != 0) {
			isms_err_set(err, ISMS_EUNAVAIL,
			             "cannot watch the socket for replies");
			client_destroy(c);
			return NULL;
		}
		/* Writes are enabled when one is queued (client_send), not
		 * now: an enabled bufferevent arms its write event at once,
		 * to be woken for nothing and disarm it. */
	} else
		bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	return c;
}

/* isms_client_connect_opts without options (Unix, or TLS trusting the
 * system CAs). */
struct isms_client *
isms_client_connect(struct event_base *base, const char *endpoint,
                    struct isms_err *err)
{
	return isms_client_connect_opts(base, endpoint, NULL, err);
}

void
isms_client_free(struct isms_client *c)
{
	if (c == NULL || c->dead)
		return;
	c->dead = 1;
	c->busy++;
	client_close(c, "connection to ismsd closed by the client");
	c->busy--;
	if (c->busy == 0)
		client_destroy(c);
}

/* Sends what scratch holds straight to the socket; the rest through
 * the bufferevent. */
static int
client_flush(struct isms_client *c)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);

	if (c->scratch == NULL || evbuffer_get_length(c->scratch) == 0)
		return 0;
	/* An error is left for the bufferevent to meet and report. */
	(void)sockbuf_send(c->t.fd, c->scratch);
	if (evbuffer_get_length(c->scratch) == 0)
		return 0;
	/* The socket is full: the bufferevent sends the rest when it
	 * drains. */
	if (evbuffer_add_buffer(out, c->scratch) != 0)
		return -1;
	return bufferevent_enable(c->bev, EV_WRITE);
}

/* Sends a request: on a Unix socket with nothing queued before it,
 * straight to the socket (no write event to arm and disarm), or held in
 * scratch while corked; otherwise, or for what the socket does not take,
 * through the bufferevent, which also meets and reports any write
 * error. */
static struct evbuffer *
client_dest(struct isms_client *c, bool *direct)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	bool held = c->scratch != NULL && evbuffer_get_length(c->scratch) > 0;

	*direct = false;
	if (c->t.ssl != NULL || c->t.plain_tcp ||
	    (evbuffer_get_length(out) > 0 && !held))
		return out;
	if (c->scratch == NULL && (c->scratch = evbuffer_new()) == NULL)
		return NULL;
	*direct = true;
	return c->scratch;
}

/* After a request went to dest: straight out unless corked. */
static int
client_sent(struct isms_client *c, bool direct)
{
	return direct && !c->corked ? client_flush(c) : 0;
}

static int
client_send(struct isms_client *c, const ProtobufCMessage *msg)
{
	bool direct;
	struct evbuffer *dst = client_dest(c, &direct);

	if (dst == NULL || frame_write(dst, msg) != 0)
		return -1;
	return client_sent(c, direct);
}

/* Sends a packed Request without its id, the id appended (field 1, a
 * varint: the fields of a message may come in any order). */
static int
client_send_packed(struct isms_client *c, const uint8_t *req, size_t len,
                   uint64_t id)
{
	uint8_t hdr[FRAME_HDR_MAX], tail[1 + FRAME_HDR_MAX];
	size_t hlen, tlen = 0;
	struct evbuffer_iovec v;
	bool direct;
	struct evbuffer *dst = client_dest(c, &direct);

	if (dst == NULL)
		return -1;
	tail[tlen++] = 0x08; /* field 1, varint */
	do {
		tail[tlen++] = (uint8_t)((id & 0x7f) | (id > 0x7f ? 0x80 : 0));
		id >>= 7;
	} while (id > 0);
	hlen = frame_encode_header(hdr, len + tlen);
	if (evbuffer_reserve_space(dst, (ev_ssize_t)(hlen + len + tlen), &v,
	                           1) < 1)
		return -1;
	memcpy(v.iov_base, hdr, hlen);
	memcpy((uint8_t *)v.iov_base + hlen, req, len);
	memcpy((uint8_t *)v.iov_base + hlen + len, tail, tlen);
	v.iov_len = hlen + len + tlen;
	if (evbuffer_commit_space(dst, &v, 1) != 0)
		return -1;
	return client_sent(c, direct);
}

int
isms_client_cork(struct isms_client *c, bool on)
{
	c->corked = on;
	if (on || c->closed)
		return c->closed ? -ISMS_EUNAVAIL : 0;
	if (client_flush(c) != 0) {
		client_close(c, "cannot queue a request: out of buffer space");
		return -ISMS_EUNAVAIL;
	}
	return 0;
}

/* Remembers the call id, answered by cb. */
static void
client_pending_add(struct isms_client *c, uint64_t id, unsigned flags,
                   isms_reply_cb cb, void *arg)
{
	struct client_pending *p;

	if (c->npend == c->cappend) {
		c->cappend = c->cappend == 0 ? 8 : c->cappend * 2;
		c->pend = xreallocarray(c->pend, c->cappend, sizeof *c->pend);
	}
	p = &c->pend[c->npend++];
	p->id = id;
	p->flags = flags;
	p->cb = cb;
	p->arg = arg;
}

uint64_t
isms_client_call_flags(struct isms_client *c, Isms__V1__Request *req,
                       unsigned flags, isms_reply_cb cb, void *arg)
{
	if (c->closed)
		return 0;
	req->has_id = 1;
	req->id = c->next_id++;
	if (client_send(c, &req->base) != 0) {
		client_close(c, "cannot queue a request: out of buffer space");
		return 0;
	}
	client_pending_add(c, req->id, flags, cb, arg);
	return req->id;
}

uint64_t
isms_client_call_packed(struct isms_client *c, const uint8_t *req, size_t len,
                        isms_reply_cb cb, void *arg)
{
	uint64_t id;

	if (c->closed)
		return 0;
	id = c->next_id++;
	if (client_send_packed(c, req, len, id) != 0) {
		client_close(c, "cannot queue a request: out of buffer space");
		return 0;
	}
	client_pending_add(c, id, 0, cb, arg);
	return id;
}

uint64_t
isms_client_call(struct isms_client *c, Isms__V1__Request *req,
                 isms_reply_cb cb, void *arg)
{
	return isms_client_call_flags(c, req, 0, cb, arg);
}

int
isms_client_cancel(struct isms_client *c, uint64_t id)
{
	ssize_t i;

	if ((i = client_find(c, id)) == -1)
		return -ISMS_ENOTFOUND;
	client_remove(c, (size_t)i);
	return 0;
}

const struct isms_err *
isms_client_error(const struct isms_client *c)
{
	return c->closed ? &c->err : NULL;
}

size_t
isms_client_pending(const struct isms_client *c)
{
	return c->npend;
}

void
isms_client_set_max_frame(struct isms_client *c, size_t max_frame)
{
	c->max_frame = max_frame;
}
