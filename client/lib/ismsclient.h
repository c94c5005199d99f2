/*
 * ismsclient.h: libismsclient, the client side of the ismsd protocol.
 *
 * The asynchronous API runs on the caller's libevent base: many requests in
 * flight on one connection, each matched to its reply by id, and
 * subscriptions whose replies keep arriving under the same id. The small
 * synchronous API on top is what ismsctl and scripts-in-C use.
 *
 * Endpoints use gRPC's spelling: "unix:relative/path", "unix:/abs/path",
 * "unix:///abs/path", and "tcp://host:port" ("tcp://[::1]:port"), which is
 * always TLS 1.3 with the server's certificate and host name verified,
 * except with the explicit insecure option: plain TCP, to loopback only.
 *
 * Writing to a connection the daemon closed raises SIGPIPE: programs using
 * this library should ignore SIGPIPE (ismsctl does).
 */
#ifndef ISMS_CLIENT_H
#define ISMS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errcode.h"
#include "proto/isms.pb-c.h"
#include "protocol.h"

struct event_base;
struct isms_client;

#define ISMS_DEFAULT_ENDPOINT "unix:///run/ismsd/ismsd.sock"

/*
 * Called with each reply to a request. The reply is borrowed: it is freed
 * when the callback returns. When the connection is lost every pending
 * callback is called once with a reply whose status is UNAVAILABLE.
 */
typedef void (*isms_reply_cb)(struct isms_client *, const Isms__V1__Reply *,
                              void *arg);

/*
 * How to connect; every member may be NULL / 0. The strings are borrowed
 * for the duration of the connect call only.
 */
struct isms_client_opts {
	const char *token;  /* sync API: bearer token sent in hello */
	const char *cacert; /* tcp://: CA file (PEM) that signed the server's
	                       certificate; NULL: the system's default CAs */
	const char *cert;   /* tcp://: client certificate chain (PEM) */
	const char *key;    /* its private key (PEM); NULL: in the cert file */
	bool insecure;      /* tcp:// as plain TCP, refused unless the host
	                       resolves to loopback addresses only */
	int timeout_ms;     /* sync API: deadline of hello and of each call
	                       (0: none); a TCP connect gives up after it, or
	                       after 30 s */
};

/* Parses an endpoint into a Unix socket path. 0 or -ISMS_EINVAL. */
int isms_endpoint_unix_path(const char *endpoint, char *path, size_t len,
                            struct isms_err *err);

/*
 * Parses "tcp://HOST:PORT" (IPv6 in brackets: "tcp://[::1]:7700") into its
 * host (brackets removed) and port. 0 or -ISMS_EINVAL.
 */
int isms_endpoint_tcp(const char *endpoint, char *host, size_t hostlen,
                      char *port, size_t portlen, struct isms_err *err);

/*
 * Connects to endpoint on base. NULL with err on failure: UNAVAILABLE when
 * the server cannot be reached, INVALID_ARGUMENT for a malformed endpoint,
 * an unusable CA / certificate / key file or an insecure non-loopback
 * host. Over TLS the handshake goes on in the background: a failed one
 * ends the connection, and isms_client_error then says why ("TLS:
 * certificate verify failed (...)").
 */
struct isms_client *isms_client_connect_opts(struct event_base *base,
                                             const char *endpoint,
                                             const struct isms_client_opts *,
                                             struct isms_err *err);

/* isms_client_connect_opts with no options. */
struct isms_client *isms_client_connect(struct event_base *base,
                                        const char *endpoint,
                                        struct isms_err *err);

/* Closes the connection; pending callbacks get UNAVAILABLE. NULL is a no-op. */
void isms_client_free(struct isms_client *);

/*
 * Sends req (its id is assigned here) and calls cb with the reply. Returns
 * the id, or 0 when the connection is already closed.
 */
uint64_t isms_client_call(struct isms_client *, Isms__V1__Request *req,
                          isms_reply_cb cb, void *arg);

/*
 * Flags for isms_client_call_flags. ISMS_CALL_STREAM keeps the request
 * registered after an OK reply, so that every reply carrying its id (a
 * subscription's events) reaches cb; a reply with an error status ends it.
 */
#define ISMS_CALL_STREAM 0x1

/*
 * A subscription is a Request with call = subscribe sent through
 * isms_client_call_flags(ISMS_CALL_STREAM) (ismsctl watch does): each
 * event arrives as a reply under its id. The protocol has no Cancel call:
 * the server ends a subscription with its connection.
 */

/*
 * Replies decoded into malloc'ed memory instead of a scratch arena (on),
 * so that a callback may keep one with isms_client_take_reply.
 */
void isms_client_own_replies(struct isms_client *, bool on);

/*
 * In a callback: takes reply (the one passed in) from the client, which
 * then does not free it; free it with protobuf_c_message_free_unpacked(m,
 * NULL). NULL when it cannot be taken (own replies off, a reply the client
 * made up for a lost connection, or taken already): copy it then.
 */
Isms__V1__Reply *isms_client_take_reply(struct isms_client *,
                                        const Isms__V1__Reply *reply);

/*
 * Corks (on) or uncorks (off) the connection: while corked, requests are
 * held back, and uncorking sends them in one write (a hello and the
 * first call go together). Over TLS and TCP requests leave when the base
 * runs anyway. 0, or -ISMS_EUNAVAIL when the connection is closed.
 */
int isms_client_cork(struct isms_client *, bool on);

/*
 * isms_client_call of a Request packed already, without its id (req, len
 * bytes, copied): the client appends the id. Spares a caller that keeps
 * requests packed an unpack and a pack per call.
 */
uint64_t isms_client_call_packed(struct isms_client *, const uint8_t *req,
                                 size_t len, isms_reply_cb cb, void *arg);

/* isms_client_call with flags (ISMS_CALL_STREAM). */
uint64_t isms_client_call_flags(struct isms_client *, Isms__V1__Request *req,
                                unsigned flags, isms_reply_cb cb, void *arg);

/*
 * Forgets request id locally: cb is not called again. Replies that still
 * arrive for it are dropped. 0, or -ISMS_ENOTFOUND when id is not pending.
 * (Telling the server to stop a subscription needs a Cancel call in the
 * protocol; none exists yet.)
 */
int isms_client_cancel(struct isms_client *, uint64_t id);

/*
 * Why the connection ended (borrowed), or NULL while it is up. Callbacks
 * called with a synthesized UNAVAILABLE reply see it set.
 */
const struct isms_err *isms_client_error(const struct isms_client *);

/* Number of requests still waiting for a reply. */
size_t isms_client_pending(const struct isms_client *);

/* Sets the maximum frame accepted from the server (default 4 MiB). */
void isms_client_set_max_frame(struct isms_client *, size_t);

/* --- synchronous API ------------------------------------------------- */

struct isms_sync;

/*
 * Whether the first hello on endpoint carries the token: only where
 * nothing else can name the connection (tcp:// without a client
 * certificate). On a Unix socket (its uid may be a user) or with a
 * client certificate, the server names the connection first and refuses
 * a token that would rename it; hello goes without the token, and again
 * with it only when that one was UNAUTHENTICATED (a uid that is no user:
 * a gateway).
 */
bool isms_hello_token_first(const char *endpoint,
                            const struct isms_client_opts *opts);

/*
 * Connects and says hello (checks the protocol major version), with
 * opts->token when given (see isms_hello_token_first). NULL with err on failure: UNAVAILABLE when the
 * daemon cannot be reached or the TLS handshake failed, the server's code
 * when it refused hello (UNAUTHENTICATED: no valid token or certificate),
 * INVALID_ARGUMENT as for isms_client_connect_opts.
 */
struct isms_sync *isms_sync_connect_opts(const char *endpoint,
                                         const char *client,
                                         const struct isms_client_opts *,
                                         struct isms_err *err);

/*
 * isms_sync_connect_opts without the wait for hello: connects, and says
 * hello with the first isms_sync_call, in the same write as its request
 * (the server answers a connection's frames in order, and refuses the
 * request when it refused the hello). That call then returns NULL with
 * the hello's error when hello was refused or the protocol versions
 * differ, and retries hello with the token as isms_sync_connect_opts
 * does. Only connecting errors come from here. opts->token is copied.
 */
struct isms_sync *isms_sync_open_opts(const char *endpoint, const char *client,
                                      const struct isms_client_opts *,
                                      struct isms_err *err);

/* isms_sync_connect_opts with no options. */
struct isms_sync *isms_sync_connect(const char *endpoint, const char *client,
                                    struct isms_err *err);

/*
 * Sends req and waits for its reply. Returns the reply (free it with
 * isms_reply_free) or NULL with err when the connection failed. An error
 * status from the server is a reply, not a NULL.
 */
Isms__V1__Reply *isms_sync_call(struct isms_sync *, Isms__V1__Request *req,
                                struct isms_err *err);

/*
 * Gives up on a call after ms milliseconds (0, the default: wait forever).
 * A call that times out returns NULL with DEADLINE_EXCEEDED and closes the
 * connection, since its reply may still arrive.
 */
void isms_sync_set_timeout(struct isms_sync *, int ms);

/* The hello result the server sent on connect, or with the first call
 * after isms_sync_open_opts (borrowed); NULL before it. */
const Isms__V1__HelloResult *isms_sync_hello(const struct isms_sync *);

/*
 * The pages of one Snapshot call (records of some registers from one read
 * txn of the server), gathered until the last. The replies own
 * everything; head is the first page (journal head, method, time).
 */
struct isms_snapshot {
	Isms__V1__Reply **pages;
	size_t npages;
	const Isms__V1__SnapshotPage *head;
	Isms__V1__Record **recs; /* every page's records, in order */
	size_t nrecs;
};

/*
 * Calls Snapshot and waits for all its pages (the call's timeout applies
 * to each page). 0 with out filled (free it with isms_snapshot_free), or
 * -code with err: the server's refusal, or the connection's loss (then
 * the connection is closed).
 */
int isms_sync_snapshot(struct isms_sync *, const Isms__V1__Snapshot *req,
                       struct isms_snapshot *out, struct isms_err *err);

/* Frees what isms_sync_snapshot gathered; NULL is a no-op. */
void isms_snapshot_free(struct isms_snapshot *);

/* Closes the connection and frees everything. NULL is a no-op. */
void isms_sync_free(struct isms_sync *);

/* A Batch's flags, and how isms_sync_batch frames it. */
#define ISMS_BATCH_FRAME_BYTES (1u << 20) /* packed puts per frame */
#define ISMS_BATCH_FRAME_PUTS                                                  \
	500 /* puts per frame (the server
                                           * takes at most max-repeated) */
struct isms_batch_opts {
	bool dry_run;  /* check all, write nothing, list every error */
	bool upsert;   /* a put with no id updates its external_ref's record */
	bool keep_ids; /* a put's unknown id creates the record with it */
	size_t frame_bytes; /* 0: ISMS_BATCH_FRAME_BYTES */
	size_t frame_puts;  /* 0: ISMS_BATCH_FRAME_PUTS */
	/* Users created first in the same unit (admin only; borrowed),
	 * sent with the last frame. */
	Isms__V1__UserPut *const *users;
	size_t n_users;
};

/*
 * Applies puts[0..n) (borrowed) as one Batch, all or nothing: in frames
 * under opts' bounds, every frame but the last staged on the connection,
 * the last applying them all. Returns the last reply (free it with
 * isms_reply_free): status OK with the BatchResult, or the first error's
 * status with result.batch listing every failed put by its index in
 * puts; or the reply of a stage the server refused (RESOURCE_EXHAUSTED:
 * over its staging cap). NULL with err when the connection failed. opts
 * NULL: apply, no upsert, new ids.
 */
Isms__V1__Reply *isms_sync_batch(struct isms_sync *, Isms__V1__Put *const *puts,
                                 size_t n, const struct isms_batch_opts *opts,
                                 struct isms_err *err);

/*
 * Called with each reply of a stream (borrowed, freed when it returns);
 * returns true when that reply was the stream's last.
 */
typedef bool (*isms_stream_cb)(const Isms__V1__Reply *, void *arg);

/*
 * Sends req as a stream (ISMS_CALL_STREAM: every reply under its id, a
 * backup's chunks) and runs the loop, calling cb with each reply until cb
 * says it was the last or a reply carries an error status (cb sees that
 * one too). No deadline: a stream lasts as long as it has data. 0, or
 * -code with err when the connection failed (then closed).
 */
int isms_sync_stream(struct isms_sync *, Isms__V1__Request *req,
                     isms_stream_cb cb, void *arg, struct isms_err *err);

/* Frees a reply returned by isms_sync_call. NULL is a no-op. */
void isms_reply_free(Isms__V1__Reply *);

#endif
