/*
 * dispatch.h: the RPC table and the one path every request takes.
 *
 * Each entry names the Request oneof case it serves, its flags, least role,
 * the Reply oneof case of its result and its handler. dispatch() checks
 * centrally (known call, identity, role, not shutting down for writes;
 * strings and enums were checked on the wire before unpacked requests get
 * here), then does the common work of its kind: a read txn around a read,
 * the queue to the writer around an apply.
 */
#ifndef ISMS_DISPATCH_H
#define ISMS_DISPATCH_H

#include <stdint.h>

#include "errcode.h"
#include "proto/isms.pb-c.h"

struct conn;

enum rpc_flags {
	RPC_READ = 0x0,   /* answered in the loop thread on a read txn */
	RPC_WRITE = 0x1,  /* queued to the writer; replied after commit */
	RPC_NOAUTH = 0x2, /* allowed before the peer is authenticated */
	RPC_INGEST = 0x4, /* allowed to the ingest role */
	RPC_AUTHZ = 0x8,  /* changes who may do what: re-check identities */
	RPC_ERR_RESULT = 0x10, /* an error keeps the result (a batch lists
	                        * every put's error in it) */
};

struct server;
struct store_txn;

/*
 * One call being handled. Handlers take who acts and when from here, not
 * from the connection: only those that manage the connection itself (see
 * rpc_entry.exec) touch conn. A write's apply sees a copy whose conn and
 * reply are NULL, as it runs in the writer thread.
 */
struct rpc_call {
	struct server *srv;
	const char *actor;      /* the authenticated user: who acts */
	int role;               /* the actor's ISMS__V1__ACCESS_ROLE_*, or 0 */
	int64_t now;            /* server_now() when the call arrived */
	Isms__V1__Request *req; /* owned by dispatch; exec may take it */
	size_t req_bytes;       /* the memory req holds, decoded */
	Isms__V1__Reply *reply; /* exec fills result; dispatch sends it */
	struct isms_err err;
	struct conn *conn; /* for the entries that manage the conn only */
	/* A check's work for its apply (or NULL): the writer's copy carries
	 * it; prep_free frees it once the write is done or is not queued. */
	void *prep;
	void (*prep_free)(void *);
};

/* exec's answer when the reply will be sent later (it took req). */
#define RPC_DEFERRED 1

/*
 * A read, or a write's apply: answers body (the Request's member for the
 * call) into result (the Reply's member the entry names, allocated and
 * selected by the caller) on txn. 0 or -ISMS_E* with call->err set; on an
 * error the result is dropped.
 */
typedef int rpc_handler(struct store_txn *txn, const void *body, void *result,
                        struct rpc_call *call);

/*
 * One RPC. Exactly one of read, apply and exec is set:
 * - read: dispatch opens a read txn, allocates result, calls read, ends
 *   the txn and replies (loop thread);
 * - apply (RPC_WRITE): dispatch runs check (if any) in the loop thread,
 *   queues the call to the writer, which calls apply inside its write
 *   txn; the reply follows the commit;
 * - exec: the call manages its connection or replies later itself
 *   (Hello, Subscribe, JournalVerify); it sets its own result.
 */
struct rpc_entry {
	const char *name;
	uint32_t call; /* ISMS__V1__REQUEST__CALL_* */
	unsigned flags;
	int role; /* least ISMS__V1__ACCESS_ROLE_* (ranked viewer..admin) */
	uint32_t result; /* ISMS__V1__REPLY__RESULT_*; 0: the reply has none */
	rpc_handler *read;
	rpc_handler *apply;
	/* Refuses what needs no store before a write is queued (or NULL);
	 * may leave its work for apply in call->prep. */
	int (*check)(const void *body, struct rpc_call *);
	/* 0: send reply; -ISMS_E*: send err; RPC_DEFERRED: exec replies. */
	int (*exec)(struct rpc_call *);
};

extern const struct rpc_entry rpc_table[];

/* A request field that needs more than its call's role when it is set
 * (a bool: when true). */
struct rpc_field_role {
	uint32_t call;     /* ISMS__V1__REQUEST__CALL_* */
	const char *field; /* in the call's message */
	int role;          /* least role allowed */
	const char *why;
};

/* The table of such fields, NULL-terminated (rpc_table.c). */
extern const struct rpc_field_role rpc_field_roles[];

/* The entry serving a Request oneof case, or NULL. */
const struct rpc_entry *rpc_lookup(uint32_t call);

/* Whether role may make the call of e (NULL err: no message). */
int rpc_allowed(const struct rpc_entry *e, int role, const char *user,
                struct isms_err *err);

/* Handles one decoded request, holding req_bytes; takes ownership. */
void dispatch(struct conn *, Isms__V1__Request *req, size_t req_bytes);

/* The member of req its call selects (the call's own message). */
const ProtobufCMessage *rpc_body(const Isms__V1__Request *req);

/* Sends reply with status OK or err to the conn (then frees it). */
void rpc_reply(struct conn *, uint64_t id, Isms__V1__Reply *reply, int rc,
               const struct isms_err *err);

/* rpc_reply that keeps the result on an error too (RPC_ERR_RESULT). */
void rpc_reply_keep(struct conn *, uint64_t id, Isms__V1__Reply *reply, int rc,
                    const struct isms_err *err);

/* Drops what c holds for calls to come (a Batch stage), as it closes. */
void rpc_batch_conn_gone(struct conn *c);

#endif
