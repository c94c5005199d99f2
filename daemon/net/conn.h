/*
 * conn.h: one client connection, a bufferevent: a socket one, or an
 * OpenSSL one for TCP over TLS.
 *
 * A conn is referenced by each of its writes in flight: when the peer goes
 * away the bufferevent is freed at once and the struct when the last write
 * completes (its reply is then dropped).
 */
#ifndef ISMS_CONN_H
#define ISMS_CONN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/types.h>
#include <time.h>

#include <event2/util.h>

struct event;
struct ssl_ctx_st;
struct sockaddr;

#include "proto/isms.pb-c.h"
#include "users.h"

struct server;
struct bufferevent;

#define CONN_INFLIGHT_MAX   4096 /* queued writes before pausing */
#define CONN_QUEUED_DEFAULT (16u * 1024 * 1024) /* max-queued-bytes */
/* A closing conn whose last replies the peer does not take (a dead TLS
 * handshake, a peer that does not read) is dropped after this long when
 * anonymous; an authenticated one (a subscriber stopped for a while,
 * owed its "resync" notice) after the idle timeout, or this long. */
#define CONN_DRAIN_SECS      3
#define CONN_DRAIN_AUTH_SECS 300
/* Unix slots past max-unix-connections kept for admins: whoever else
 * fills the pool, a local admin still gets in. */
#define CONN_UNIX_ADMIN_SLOTS 4

struct conn {
	/* What the fan-out touches for every subscriber, together at the
	 * top: this one cache line, not the buffers' own. */
	struct bufferevent *bev;
	struct evbuffer *out;  /* bev's output, while bev */
	size_t outlen;         /* bytes in out, kept by an out callback */
	struct evbuffer *pend; /* replies not yet handed to the socket:
	                        * empty unless corked (see conn_send) */
	int fd;                /* the socket (the bufferevent owns it) */
	bool tls;              /* over TLS: writes go through the bufferevent */
	bool corked;           /* replies gather in pend until conn_flush */
	bool closing;          /* close once the output is flushed */
	bool paused;           /* reading stopped for backpressure */
	bool tcp;              /* counted against the TCP slots, not Unix */
	bool handshaken;       /* bytes can reach the peer (TLS is up) */
	struct server *srv;
	uint64_t serial;
	TAILQ_ENTRY(conn) entry;
	uid_t uid;
	int role; /* 0: not authenticated */
	unsigned refs;
	unsigned inflight;      /* writes queued */
	size_t queued;          /* bytes their decoded requests hold */
	unsigned nsubs;         /* subscriptions (exempt from idle) */
	struct event *deadline; /* a partial frame must complete by then */
	struct event *rev;      /* plain socket: our read event (recv) */
	struct evbuffer_cb_entry *out_cb; /* keeps outlen */
	struct event *idle;               /* the idle check */
	struct event *auth;               /* the authentication deadline */
	struct event *drain;              /* closing: the last replies' */
	uint8_t addr[16];                 /* TCP: the peer's address (IPv6:
	                                   * its /64), what its cap counts */
	uint8_t addrlen;                  /* 4, 8, or 0 (Unix) */
	char peer[48];                    /* the peer's address, for logs */
	time_t last_read;                 /* coarse monotonic seconds */
	uint64_t users_gen;               /* identity as of this generation */
	char user[USER_NAME_MAX + 1];     /* the actor of this conn's changes */
	char token_id[32];                /* when authenticated by token */
	bool session;                     /* that token is a web session */
	int64_t expires_at;               /* the token's expiry, or 0 */
	struct event *expiry;             /* cuts the conn then (authz.c) */
	char cert_cn[USER_NAME_MAX + 1];  /* a verified client certificate */
	char auth_hint[600];              /* why not authenticated */
	struct batch_stage *stage;        /* Batch puts held (rpc_batch.c) */
};

/* Adopts an accepted Unix socket (its peer is named by uid). NULL on
 * failure or refusal (the socket is closed). */
struct conn *conn_new(struct server *, evutil_socket_t fd);

/* Adopts an accepted TCP socket from peer sa, over TLS unless tls is
 * NULL. NULL when refused (the address has its share of connections)
 * or on failure: the socket is closed. */
struct conn *conn_new_tcp(struct server *, evutil_socket_t fd,
                          struct ssl_ctx_st *tls, const struct sockaddr *sa);

/* Whether the peer is still there to receive replies. */
static inline bool
conn_alive(const struct conn *c)
{
	return c->bev != NULL;
}

/* Queues a reply (dropped if the peer is gone). */
void conn_send(struct conn *, const Isms__V1__Reply *reply);

/* Hands the gathered replies to the socket: written straight to it when
 * nothing is queued before them (no write event to arm and disarm), the
 * rest through the bufferevent, which finishes when the socket drains. */
void conn_flush(struct conn *);

/* Unsent reply bytes: gathered and queued in the bufferevent. */
size_t conn_backlog(const struct conn *);

/* 0, or -RESOURCE_EXHAUSTED with err when c's user (once known: at
 * accept for a Unix peer, after hello or the TLS handshake for TCP) has
 * more connections than the per-user cap. */
int conn_user_cap(struct conn *, struct isms_err *err);

/* Sends an error reply for request id. */
void conn_send_error(struct conn *, uint64_t id, int code, const char *msg);

/* Stops reading and closes once everything queued is sent. */
void conn_close_after_flush(struct conn *);

/* Re-reads the identity after users or tokens changed (or at start). */
void conn_identify_refresh(struct conn *);

/* Closes now, dropping unsent output. */
void conn_abort(struct conn *);

/* Stops reading new requests (shutdown). */
void conn_stop_reading(struct conn *);

void conn_ref(struct conn *);
void conn_unref(struct conn *);

/* A write of this conn, whose decoded request holds bytes, is queued:
 * counted against max-queued-bytes until it completes. */
void conn_write_queued(struct conn *, size_t bytes);

/* A write of this conn completed: may resume a paused reader. */
void conn_write_done(struct conn *, size_t bytes);

#endif
