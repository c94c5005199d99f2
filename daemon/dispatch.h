/*
 * dispatch.h: the RPC table and the one path every request takes.
 *
 * Each entry names the Request oneof case it serves, its flags and its
 * handler. dispatch() checks centrally (known call, valid strings and
 * enums, not shutting down for writes), then calls exec.
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
};

/* One call being handled. */
struct rpc_call {
	struct conn *conn;
	Isms__V1__Request *req; /* owned by dispatch; exec may take it */
	size_t req_bytes;       /* the memory req holds, decoded */
	Isms__V1__Reply *reply; /* exec fills result; dispatch sends it */
	struct isms_err err;
};

/* exec's answer when the reply will be sent later (it took req). */
#define RPC_DEFERRED 1

struct rpc_entry {
	const char *name;
	uint32_t call; /* ISMS__V1__REQUEST__CALL_* */
	unsigned flags;
	int role; /* least ISMS__V1__ACCESS_ROLE_* (ranked viewer..admin) */
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

/* Sends reply with status OK or err to the conn (then frees it). */
void rpc_reply(struct conn *, uint64_t id, Isms__V1__Reply *reply, int rc,
               const struct isms_err *err);

#endif
