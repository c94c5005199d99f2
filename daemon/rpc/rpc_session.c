/*
 * rpc_session.c: web sign-in: SessionOpen (by password, or by proxy for
 * the SSO gateway), SessionClose and PasswordSet.
 *
 * The Argon2 work runs on the auth thread (authq.h): the exec checks
 * what needs no hashing (throttle, the user and its hash, read here on
 * the loop), queues the job, and its completion, back on the loop,
 * submits the write (the session token, the new hash) to the writer
 * through the one write path (rpc_write_submit) with an entry of this
 * file's own; the reply follows the commit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "authq.h"
#include "conn.h"
#include "log.h"
#include "passwords.h"
#include "pbfield.h"
#include "records.h"
#include "rpc.h"
#include "server.h"
#include "sessions.h"
#include "throttle.h"
#include "users.h"
#include "xmalloc.h"

#define BAD_SIGNIN "wrong user name or password"

#define R(x)  ISMS__V1__REPLY__RESULT_##x
#define C(x)  ISMS__V1__REQUEST__CALL_##x
#define ADMIN ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_ADMIN

static rpc_handler session_open_apply, password_apply, session_close_apply;

/* The writes of this file: rpc_write_submit takes an entry; these are
 * the second half of table entries whose exec did the first. */
static const struct rpc_entry session_open_write = {
    .name = "SessionOpen",
    .call = C(SESSION_OPEN),
    .flags = RPC_WRITE,
    .result = R(SESSION),
    .apply = session_open_apply,
};
static const struct rpc_entry password_write = {
    .name = "PasswordSet",
    .call = C(PASSWORD_SET),
    .flags = RPC_WRITE | RPC_AUTHZ,
    .result = R(USER),
    .apply = password_apply,
};
static const struct rpc_entry session_close_write = {
    .name = "SessionClose",
    .call = C(SESSION_CLOSE),
    .flags = RPC_WRITE | RPC_AUTHZ,
    .result = R(TOKEN),
    .apply = session_close_apply,
};

/* What the writer needs beside the request (call->prep). */
struct session_prep {
	char user[USER_NAME_MAX + 1];
	int64_t expires_at;
	char encoded[PASSWORDS_ENCODED_MAX]; /* PasswordSet: the new hash */
	char token_id[32];                   /* SessionClose: the session */
};

static void
session_prep_free(void *p)
{
	OPENSSL_cleanse(p, sizeof(struct session_prep));
	free(p);
}

/* A call's prep, new. */
static struct session_prep *
session_prep_new(struct rpc_call *call)
{
	struct session_prep *p = xcalloc(1, sizeof *p);

	call->prep = p;
	call->prep_free = session_prep_free;
	return p;
}

/* Argon2 work for one call, and the call to finish once it is done. */
struct auth_job {
	struct ajob job;
	struct rpc_call call; /* conn referenced; req owned */
	char user[USER_NAME_MAX + 1];
	char addr[THROTTLE_ADDR_MAX];
	char hash[PASSWORDS_ENCODED_MAX]; /* stored; "" none */
	const char *why;                  /* a failure known already */
	const char *verify;               /* the password to check, or NULL */
	const char *password;             /* PasswordSet: the new one */
	bool ok;                          /* verify matched */
	char encoded[PASSWORDS_ENCODED_MAX];
	struct isms_err err; /* of run */
	int run_rc;
};

/* Frees j, its request and its secrets, and lets go of its conn. */
static void
auth_job_free(struct auth_job *j)
{
	Isms__V1__Request *req = j->call.req;

	if (req != NULL && req->call_case == C(SESSION_OPEN) &&
	    req->session_open->password != NULL)
		OPENSSL_cleanse(req->session_open->password,
		                strlen(req->session_open->password));
	if (req != NULL && req->call_case == C(PASSWORD_SET)) {
		if (req->password_set->password != NULL)
			OPENSSL_cleanse(req->password_set->password,
			                strlen(req->password_set->password));
		if (req->password_set->old_password != NULL)
			OPENSSL_cleanse(
			    req->password_set->old_password,
			    strlen(req->password_set->old_password));
	}
	if (req != NULL)
		protobuf_c_message_free_unpacked(&req->base, NULL);
	conn_unref(j->call.conn);
	OPENSSL_cleanse(j, sizeof *j);
	free(j);
}

/* Auth thread: verifies (and hashes the new password, if any). */
static void
auth_job_run(struct ajob *aj)
{
	struct auth_job *j = aj->arg;

	if (j->verify != NULL || j->why != NULL)
		j->ok =
		    passwords_verify(j->hash[0] ? j->hash : NULL, j->verify) &&
		    j->why == NULL;
	else
		j->ok = true;
	if (j->ok && j->password != NULL)
		j->run_rc = passwords_hash(j->password, j->encoded, &j->err);
}

/* Replies to the job's call with an error (if its conn is still there). */
static void
auth_job_refuse(struct auth_job *j, int rc, const struct isms_err *err)
{
	Isms__V1__Reply *reply;

	if (!conn_alive(j->call.conn))
		return;
	reply = (Isms__V1__Reply *)pb_new(&isms__v1__reply__descriptor);
	rpc_reply(j->call.conn, j->call.req->id, reply, rc, err);
}

/* Loop thread: the job's call goes on to the writer (or is refused). */
static void
auth_job_submit(struct auth_job *j, const struct rpc_entry *e)
{
	struct rpc_call *call = &j->call;
	int rc;

	if (!conn_alive(call->conn))
		return;
	if (call->srv->stopping)
		rc = isms_err_set(&call->err, ISMS_EUNAVAIL,
		                  "ismsd is shutting down");
	else
		rc = rpc_write_submit(e, call);
	if (rc != RPC_DEFERRED)
		auth_job_refuse(j, rc, &call->err);
}

/* Queues j on the auth thread; takes the call's request and a reference
 * to its conn. RPC_DEFERRED, or the error (j freed). */
static int
auth_job_queue(struct auth_job *j, struct rpc_call *call,
               void (*done)(struct ajob *))
{
	int rc;

	j->job.run = auth_job_run;
	j->job.done = done;
	j->job.arg = j;
	if ((rc = authq_submit(call->srv->authq, &j->job, &call->err)) != 0) {
		OPENSSL_cleanse(j, sizeof *j);
		free(j);
		return rc;
	}
	j->call = *call;
	j->call.reply = NULL;
	call->req = NULL; /* the job's now */
	conn_ref(call->conn);
	return RPC_DEFERRED;
}

/* --- SessionOpen ----------------------------------------------------- */

/* Copies text into out (len bytes) for the log and the throttle: control
 * characters become '?', so a name cannot forge a log line. */
static void
session_clean(char *out, size_t len, const char *text)
{
	size_t i;

	snprintf(out, len, "%s", text);
	for (i = 0; out[i] != '\0'; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			out[i] = '?';
}

/* The address failures are counted by: the browser's, as the gateway (a
 * Unix peer) says; a TCP peer's own address, whatever it claims. */
static void
session_addr(const struct conn *c, const Isms__V1__SessionOpen *so,
             char out[THROTTLE_ADDR_MAX])
{
	if (c->addrlen == 0 && so->client_addr != NULL &&
	    so->client_addr[0] != '\0')
		session_clean(out, THROTTLE_ADDR_MAX, so->client_addr);
	else
		session_clean(out, THROTTLE_ADDR_MAX, c->peer);
}

/* Loop thread: a password checked (or not). */
static void
session_open_done(struct ajob *aj)
{
	struct auth_job *j = aj->arg;
	struct session_prep *p;
	struct isms_err err;
	unsigned n;

	if (aj->rc != 0) {
		isms_err_set(&err, -aj->rc, "ismsd is shutting down");
		auth_job_refuse(j, aj->rc, &err);
	} else if (!j->ok) {
		n = throttle_fail(j->call.srv->throttle, j->user, j->addr,
		                  server_now());
		log_notice("sign-in of %s from %s refused: %s (%u failure%s "
		           "in %d min)",
		           j->user, j->addr, j->why ? j->why : "wrong password",
		           n, n == 1 ? "" : "s", THROTTLE_WINDOW / 60);
		isms_err_set(&err, ISMS_EUNAUTH, BAD_SIGNIN);
		auth_job_refuse(j, -ISMS_EUNAUTH, &err);
	} else {
		throttle_ok(j->call.srv->throttle, j->user, j->addr);
		p = session_prep_new(&j->call);
		snprintf(p->user, sizeof p->user, "%s", j->user);
		p->expires_at = server_now() +
		                (int64_t)j->call.srv->cfg.session_hours * 3600;
		log_info("sign-in of %s from %s", j->user, j->addr);
		auth_job_submit(j, &session_open_write);
	}
	auth_job_free(j);
}

/* Why user name cannot sign in by password (NULL: it may, with the
 * hash in hash). */
static const char *
session_lookup(struct store_txn *txn, const char *name,
               char hash[PASSWORDS_ENCODED_MAX])
{
	Isms__V1__User *u;
	bool disabled;

	hash[0] = '\0';
	if (users_get(txn, name, &u) != 0)
		return "no such user";
	disabled = u->disabled;
	protobuf_c_message_free_unpacked(&u->base, NULL);
	if (passwords_get(txn, name, hash) != 0)
		return "no password set";
	/* Its hash is verified all the same: the time says nothing. */
	return disabled ? "user disabled" : NULL;
}

/* SessionOpen by proxy: the SSO gateway vouches for the user (name: as
 * logged). */
static int
session_open_proxy(struct rpc_call *call, const char *name, const char *addr)
{
	const Isms__V1__SessionOpen *so = call->req->session_open;
	struct conn *c = call->conn;
	struct session_prep *p;
	struct store_txn txn;
	struct identity id;
	bool trusted = false;
	int i, rc;

	for (i = 0; c->addrlen == 0 && c->uid != (uid_t)-1 &&
	            i < call->srv->cfg.nsso_uids;
	     i++)
		trusted = trusted || call->srv->cfg.sso_uids[i] == c->uid;
	if (!trusted) {
		log_notice("sign-in of %s by proxy from %s refused: not a "
		           "--sso-gateway-uid peer",
		           name, addr);
		return isms_err_set(&call->err, ISMS_EPERM,
		                    "SessionOpen by proxy needs a Unix peer "
		                    "whose uid is an ismsd --sso-gateway-uid");
	}
	if ((rc = store_read_begin(call->srv->store, &txn)) != 0)
		return isms_err_set(&call->err, rc, "%s", txn.msg);
	rc = users_identify_name(&txn, so->user, &id);
	store_read_end(&txn);
	if (rc != 0) {
		log_notice(
		    "sign-in of %s by proxy from %s refused: %s", name, addr,
		    rc == -ISMS_EPERM ? "user disabled" : "no such user");
		return isms_err_set(&call->err, ISMS_EPERM,
		                    "%s is not an enabled ismsd user", name);
	}
	p = session_prep_new(call);
	snprintf(p->user, sizeof p->user, "%s", id.user);
	p->expires_at =
	    server_now() + (int64_t)call->srv->cfg.session_hours * 3600;
	log_info("sign-in of %s by proxy (%s)", name, addr);
	return rpc_write_submit(&session_open_write, call);
}

int
rpc_session_open_exec(struct rpc_call *call)
{
	const Isms__V1__SessionOpen *so = call->req->session_open;
	char addr[THROTTLE_ADDR_MAX], name[USER_NAME_MAX + 1];
	struct store_txn txn;
	struct auth_job *j;
	int64_t wait;
	int rc;

	if (so->user == NULL || so->user[0] == '\0')
		return isms_err_set(&call->err, ISMS_EINVAL,
		                    "session_open.user is required");
	if (strlen(so->user) > USER_NAME_MAX)
		return isms_err_set(&call->err, ISMS_EUNAUTH, BAD_SIGNIN);
	session_clean(name, sizeof name, so->user);
	session_addr(call->conn, so, addr);
	if (so->has_proxy && so->proxy)
		return session_open_proxy(call, name, addr);
	if (so->password == NULL || so->password[0] == '\0')
		return isms_err_set(&call->err, ISMS_EINVAL,
		                    "session_open.password is required");
	wait = throttle_wait(call->srv->throttle, name, addr, server_now());
	if (wait > 0) {
		log_notice(
		    "sign-in of %s from %s refused: throttled for %lld s", name,
		    addr, (long long)wait);
		return isms_err_set(&call->err, ISMS_EEXHAUSTED,
		                    "too many failed sign-ins for %s from %s; "
		                    "retry in %lld s",
		                    name, addr, (long long)wait);
	}
	j = xcalloc(1, sizeof *j);
	snprintf(j->user, sizeof j->user, "%s", name);
	snprintf(j->addr, sizeof j->addr, "%s", addr);
	if ((rc = store_read_begin(call->srv->store, &txn)) != 0) {
		free(j);
		return isms_err_set(&call->err, rc, "%s", txn.msg);
	}
	j->why = session_lookup(&txn, so->user, j->hash);
	store_read_end(&txn);
	j->verify = so->password;
	return auth_job_queue(j, call, session_open_done);
}

static int
session_open_apply(struct store_txn *txn, const void *body, void *result,
                   struct rpc_call *call)
{
	const struct session_prep *p = call->prep;
	struct records_actor who = {p->user, call->now};
	size_t pruned;
	int rc;

	(void)body;
	if ((rc = sessions_open(txn, p->user, p->expires_at,
	                        call->srv->token_key, &who, result,
	                        &call->err)) != 0)
		return rc;
	/* Expired sessions go, a few per sign-in. */
	return sessions_prune(txn, &who, &pruned, &call->err);
}

/* --- PasswordSet ----------------------------------------------------- */

/* Loop thread: the old password checked, the new one hashed. */
static void
password_done(struct ajob *aj)
{
	struct auth_job *j = aj->arg;
	struct session_prep *p;
	struct isms_err err;

	if (aj->rc != 0) {
		isms_err_set(&err, -aj->rc, "ismsd is shutting down");
		auth_job_refuse(j, aj->rc, &err);
	} else if (!j->ok) {
		throttle_fail(j->call.srv->throttle, j->user, j->addr,
		              server_now());
		log_notice("password change of %s by %s from %s refused: the "
		           "old password does not match",
		           j->user, j->call.actor, j->addr);
		isms_err_set(&err, ISMS_EPERM,
		             "old_password is not %s's password", j->user);
		auth_job_refuse(j, -ISMS_EPERM, &err);
	} else if (j->run_rc != 0) {
		auth_job_refuse(j, j->run_rc, &j->err);
	} else {
		p = session_prep_new(&j->call);
		snprintf(p->user, sizeof p->user, "%s", j->user);
		memcpy(p->encoded, j->encoded, sizeof p->encoded);
		auth_job_submit(j, &password_write);
	}
	auth_job_free(j);
}

int
rpc_password_set_exec(struct rpc_call *call)
{
	const Isms__V1__PasswordSet *ps = call->req->password_set;
	const char *name =
	    ps->user != NULL && ps->user[0] != '\0' ? ps->user : call->actor;
	bool own = strcmp(name, call->actor) == 0;
	struct store_txn txn;
	struct auth_job *j;
	Isms__V1__User *u;
	int64_t wait;
	int rc;

	if (!own && call->role != ADMIN)
		return isms_err_set(&call->err, ISMS_EPERM,
		                    "PasswordSet for another user needs role "
		                    "admin; %s is %s",
		                    call->actor, users_role_name(call->role));
	if ((rc = passwords_check_new(name, ps->password, &call->err)) != 0)
		return rc;
	j = xcalloc(1, sizeof *j);
	snprintf(j->user, sizeof j->user, "%s", name);
	snprintf(j->addr, sizeof j->addr, "%s", call->conn->peer);
	wait =
	    throttle_wait(call->srv->throttle, j->user, j->addr, server_now());
	if ((rc = store_read_begin(call->srv->store, &txn)) != 0) {
		free(j);
		return isms_err_set(&call->err, rc, "%s", txn.msg);
	}
	rc = users_get(&txn, name, &u);
	if (rc == 0)
		protobuf_c_message_free_unpacked(&u->base, NULL);
	if (rc == 0 && passwords_get(&txn, name, j->hash) != 0)
		j->hash[0] = '\0';
	store_read_end(&txn);
	if (rc != 0)
		rc = isms_err_set(&call->err, ISMS_ENOTFOUND, "no user %s",
		                  name);
	/* One's own, once set, needs the old one; an admin's for others
	 * does not, and one given is checked all the same. */
	else if (own && call->role != ADMIN && j->hash[0] != '\0' &&
	         (ps->old_password == NULL || ps->old_password[0] == '\0'))
		rc = isms_err_set(&call->err, ISMS_EINVAL,
		                  "changing one's own password needs "
		                  "old_password");
	else if (wait > 0 && ps->old_password != NULL && j->hash[0] != '\0')
		rc = isms_err_set(&call->err, ISMS_EEXHAUSTED,
		                  "too many failed sign-ins for %s from %s; "
		                  "retry in %lld s",
		                  j->user, j->addr, (long long)wait);
	if (rc != 0) {
		free(j);
		return rc;
	}
	if (ps->old_password != NULL && ps->old_password[0] != '\0' &&
	    j->hash[0] != '\0')
		j->verify = ps->old_password;
	j->password = ps->password;
	return auth_job_queue(j, call, password_done);
}

static int
password_apply(struct store_txn *txn, const void *body, void *result,
               struct rpc_call *call)
{
	const struct session_prep *p = call->prep;
	struct records_actor who = {call->actor, call->now};
	Isms__V1__User *u = NULL;
	size_t n;
	int rc;

	(void)body;
	if ((rc = passwords_store(txn, p->user, p->encoded, &who, &u,
	                          &call->err)) != 0)
		return rc;
	pb_move(result, &u->base);
	/* Every web session of the user ends; tokens an admin made stay. */
	return sessions_revoke_user(txn, p->user, &who, &n, &call->err);
}

/* --- SessionClose ---------------------------------------------------- */

int
rpc_session_close_exec(struct rpc_call *call)
{
	struct session_prep *p;

	if (!call->conn->session)
		return isms_err_set(&call->err, ISMS_EPRECOND,
		                    "this connection is not a web session: "
		                    "SessionClose ends the session its hello "
		                    "presented");
	p = session_prep_new(call);
	snprintf(p->token_id, sizeof p->token_id, "%s", call->conn->token_id);
	return rpc_write_submit(&session_close_write, call);
}

static int
session_close_apply(struct store_txn *txn, const void *body, void *result,
                    struct rpc_call *call)
{
	const struct session_prep *p = call->prep;
	struct records_actor who = {call->actor, call->now};
	Isms__V1__Token *t = NULL;
	int rc;

	(void)body;
	if ((rc = tokens_revoke(txn, p->token_id, &who, &t, &call->err)) != 0)
		return rc;
	pb_move(result, &t->base);
	return 0;
}
