/*
 * test_sessions.c: web sign-in against a real ismsd: passwords set with
 * ismsctl user passwd, sessions opened by password (SessionOpen) and
 * presented in hello like tokens, ended by sign-out, by a password change
 * and by disabling the user (open connections cut); the same refusal for
 * every bad sign-in; the throttle per user and address; SessionOpen by
 * proxy from the --sso-gateway-uid only; and the Argon2 work off the
 * loop, bounded.
 */
#include <grp.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>

#include "daemon_fx.h"
#include "ismsclient.h"
#include "pbfield.h"
#include "sync_fx.h"

#define PW_ALICE "correct horse battery"
#define PW_NEW   "staple battery horse!"
#define BAD      "wrong user name or password"
#define GW_UID   65534 /* nobody: the SSO gateway's uid here */

/* A daemon on its Unix socket (root there is admin), on plain TCP on
 * loopback where a session's secret names a connection, trusting uid
 * 65534 as the SSO gateway; its log kept to look for hashes. */
struct sess_fx {
	struct daemon_fx d; /* first: fx->d and the fixture are the same */
	char listen[64], tcp[64], log[160];
	const char *argv[8];
	struct isms_sync *admin;
};

static int
setup(void **state)
{
	struct sess_fx *fx = calloc(1, sizeof *fx);
	int port = daemon_fx_free_port("127.0.0.1");
	struct isms_err err;

	snprintf(fx->listen, sizeof fx->listen, "--listen=tcp://127.0.0.1:%d",
	         port);
	snprintf(fx->tcp, sizeof fx->tcp, "tcp://127.0.0.1:%d", port);
	snprintf(fx->log, sizeof fx->log, "/tmp/ismsd-sess-%d.log",
	         (int)getpid());
	unlink(fx->log);
	fx->argv[0] = fx->listen;
	fx->argv[1] = "--insecure";
	fx->argv[2] = "--sso-gateway-uid=65534";
	fx->argv[3] = "--socket-group=65534";
	fx->d.argv_extra = fx->argv;
	fx->d.log_path = fx->log;
	daemon_fx_start(&fx->d);
	daemon_fx_wait_tcp("127.0.0.1", port);
	/* Others (nobody, the gateway) reach the socket by its group. */
	assert_int_equal(chmod(fx->d.dir, 0711), 0);
	fx->admin = isms_sync_connect(fx->d.endpoint, "test_sessions", &err);
	assert_non_null(fx->admin);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct sess_fx *fx = *state;

	isms_sync_free(fx->admin);
	daemon_fx_cleanup(&fx->d);
	unlink(fx->log);
	free(fx);
	return 0;
}

/* Sends req on s; the reply (never NULL: a lost link fails the test). */
static Isms__V1__Reply *
call(struct isms_sync *s, Isms__V1__Request *req)
{
	struct isms_err err;
	Isms__V1__Reply *r = isms_sync_call(s, req, &err);

	if (r == NULL)
		fail_msg("call: %s", err.msg);
	return r;
}

/* The reply's status code. */
static int
code(const Isms__V1__Reply *r)
{
	return r->status != NULL ? (int)r->status->code : -1;
}

/* The reply's status message. */
static const char *
msg(const Isms__V1__Reply *r)
{
	return r->status != NULL && r->status->message ? r->status->message
	                                               : "";
}

/* Adds user name with role (ismsctl user add). */
static void
user_add(struct sess_fx *fx, const char *name, const char *role)
{
	char out[1024];

	assert_int_equal(daemon_fx_sh(&fx->d, out, sizeof out,
	                              "\"$ISMSCTL\" user add %s --role %s",
	                              name, role),
	                 0);
}

/* Sets name's password as the admin (ismsctl user passwd --stdin). */
static void
passwd(struct sess_fx *fx, const char *name, const char *pw)
{
	char out[2048];
	int rc = daemon_fx_sh(&fx->d, out, sizeof out,
	                      "printf '%%s\\n' '%s' | \"$ISMSCTL\" user passwd "
	                      "%s --stdin",
	                      pw, name);

	if (rc != 0)
		fail_msg("user passwd %s: rc %d: %s", name, rc, out);
	assert_non_null(strstr(out, name));
}

/* A SessionOpen request (addr: the browser's, as a gateway says). */
static Isms__V1__Request *
open_req(const char *user, const char *pw, const char *addr, bool proxy)
{
	Isms__V1__Request *req =
	    (Isms__V1__Request *)pb_new(&isms__v1__request__descriptor);
	Isms__V1__SessionOpen *so = (Isms__V1__SessionOpen *)pb_new(
	    &isms__v1__session_open__descriptor);

	so->user = strdup(user);
	if (pw != NULL)
		so->password = strdup(pw);
	if (addr != NULL)
		so->client_addr = strdup(addr);
	so->has_proxy = proxy;
	so->proxy = proxy;
	req->call_case = ISMS__V1__REQUEST__CALL_SESSION_OPEN;
	req->session_open = so;
	return req;
}

/* SessionOpen on s: the reply. */
static Isms__V1__Reply *
session_open(struct isms_sync *s, const char *user, const char *pw,
             const char *addr)
{
	Isms__V1__Request *req = open_req(user, pw, addr, false);
	Isms__V1__Reply *r = call(s, req);

	protobuf_c_message_free_unpacked(&req->base, NULL);
	return r;
}

/* Opens a session that must open; its secret (malloc'ed). */
static char *
session_secret(struct sess_fx *fx, const char *user, const char *pw,
               const char *addr)
{
	Isms__V1__Reply *r = session_open(fx->admin, user, pw, addr);
	char *secret;

	if (code(r) != 0)
		fail_msg("SessionOpen %s: %s", user, msg(r));
	assert_int_equal(r->result_case, ISMS__V1__REPLY__RESULT_SESSION);
	secret = strdup(r->session->secret);
	isms_reply_free(r);
	return secret;
}

/* A TCP connection whose hello presents secret; NULL with err when the
 * hello was refused. */
static struct isms_sync *
dial(struct sess_fx *fx, const char *secret, struct isms_err *err)
{
	struct isms_client_opts o = {0};

	o.token = secret;
	o.insecure = true;
	o.timeout_ms = 10000;
	memset(err, 0, sizeof *err);
	return isms_sync_connect_opts(fx->tcp, "test_sessions", &o, err);
}

/* dial that must succeed. */
static struct isms_sync *
dial_ok(struct sess_fx *fx, const char *secret)
{
	struct isms_err err;
	struct isms_sync *s = dial(fx, secret, &err);

	if (s == NULL)
		fail_msg("hello with a session: %s", err.msg);
	return s;
}

/* An Info request. */
static Isms__V1__Request *
info_req(void)
{
	Isms__V1__Request *req =
	    (Isms__V1__Request *)pb_new(&isms__v1__request__descriptor);

	req->call_case = ISMS__V1__REQUEST__CALL_INFO;
	req->info = (Isms__V1__Info *)pb_new(&isms__v1__info__descriptor);
	return req;
}

/* Whether s was cut: its next call finds the connection gone. */
static bool
cut(struct isms_sync *s)
{
	Isms__V1__Request *req = info_req();
	struct isms_err err;
	Isms__V1__Reply *r = isms_sync_call(s, req, &err);
	bool gone = r == NULL;

	protobuf_c_message_free_unpacked(&req->base, NULL);
	isms_reply_free(r);
	return gone;
}

/* The code of an Info call on s. */
static int
info_code(struct isms_sync *s)
{
	Isms__V1__Request *req = info_req();
	Isms__V1__Reply *r = call(s, req);
	int c = code(r);

	protobuf_c_message_free_unpacked(&req->base, NULL);
	isms_reply_free(r);
	return c;
}

/* A PasswordSet request. */
static Isms__V1__Request *
passwd_req(const char *user, const char *pw, const char *old)
{
	Isms__V1__Request *req =
	    (Isms__V1__Request *)pb_new(&isms__v1__request__descriptor);
	Isms__V1__PasswordSet *ps = (Isms__V1__PasswordSet *)pb_new(
	    &isms__v1__password_set__descriptor);

	if (user != NULL)
		ps->user = strdup(user);
	ps->password = strdup(pw);
	if (old != NULL)
		ps->old_password = strdup(old);
	req->call_case = ISMS__V1__REQUEST__CALL_PASSWORD_SET;
	req->password_set = ps;
	return req;
}

/* PasswordSet on s: the reply's code, its message in m. */
static int
passwd_call(struct isms_sync *s, const char *user, const char *pw,
            const char *old, char *m, size_t len)
{
	Isms__V1__Request *req = passwd_req(user, pw, old);
	Isms__V1__Reply *r = call(s, req);
	int c = code(r);

	snprintf(m, len, "%s", msg(r));
	protobuf_c_message_free_unpacked(&req->base, NULL);
	isms_reply_free(r);
	return c;
}

/* A session opens with the right password; its secret names the same
 * user with the same role in hello. */
static void
test_session_opens(void **state)
{
	struct sess_fx *fx = *state;
	Isms__V1__Reply *r;
	struct isms_sync *s;
	time_t now = time(NULL);

	user_add(fx, "alice", "editor");
	passwd(fx, "alice", PW_ALICE);
	r = session_open(fx->admin, "alice", PW_ALICE, "192.0.2.1");
	assert_int_equal(code(r), 0);
	assert_int_equal(r->result_case, ISMS__V1__REPLY__RESULT_SESSION);
	assert_string_equal(r->session->user, "alice");
	assert_int_equal(r->session->role,
	                 ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_EDITOR);
	assert_non_null(r->session->token);
	assert_true(r->session->token->session);
	assert_string_equal(r->session->token->owner, "alice");
	/* --session-hours: 12 by default. */
	assert_true(r->session->token->expires_at >= now + 12 * 3600 - 60);
	assert_true(r->session->token->expires_at <= now + 12 * 3600 + 60);
	s = dial_ok(fx, r->session->secret);
	assert_string_equal(isms_sync_hello(s)->user, "alice");
	assert_int_equal(isms_sync_hello(s)->role,
	                 ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_EDITOR);
	assert_int_equal(info_code(s), 0);
	isms_sync_free(s);
	isms_reply_free(r);
}

/* Wrong password, unknown user, no password, disabled user: one answer. */
static void
test_refusals_alike(void **state)
{
	struct sess_fx *fx = *state;
	static const struct {
		const char *user, *pw;
	} bad[] = {
	    {"alice", "not alice's password"},
	    {"nosuchuser", PW_ALICE},
	    {"bob", PW_ALICE},   /* no password */
	    {"carol", PW_ALICE}, /* disabled, with this very password */
	};
	char out[1024], addr[32];
	Isms__V1__Reply *r;
	size_t i;

	user_add(fx, "alice", "editor");
	user_add(fx, "bob", "viewer");
	user_add(fx, "carol", "viewer");
	passwd(fx, "alice", PW_ALICE);
	passwd(fx, "carol", PW_ALICE);
	assert_int_equal(daemon_fx_sh(&fx->d, out, sizeof out,
	                              "\"$ISMSCTL\" user disable carol"),
	                 0);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(addr, sizeof addr, "198.51.100.%zu", i + 1);
		r = session_open(fx->admin, bad[i].user, bad[i].pw, addr);
		assert_int_equal(code(r), ISMS_EUNAUTH);
		assert_string_equal(msg(r), BAD);
		assert_int_equal(r->result_case,
		                 ISMS__V1__REPLY__RESULT__NOT_SET);
		isms_reply_free(r);
	}
	/* The log says which, at notice. */
	assert_int_equal(daemon_fx_sh(&fx->d, out, sizeof out,
	                              "grep -c 'sign-in of .* refused' '%s'",
	                              fx->log),
	                 0);
	assert_int_equal(atoi(out), 4);
	assert_int_equal(
	    daemon_fx_sh(&fx->d, out, sizeof out,
	                 "grep -c -e 'nosuchuser from 198.51.100.2 refused: "
	                 "no such user' -e 'bob from 198.51.100.3 refused: no "
	                 "password set' -e 'carol from 198.51.100.4 refused: "
	                 "user disabled' -e 'alice from 198.51.100.1 refused: "
	                 "wrong password' '%s'",
	                 fx->log),
	    0);
	assert_int_equal(atoi(out), 4);
}

/* The hash is in no reply, list, journal entry or log line. */
static void
test_hash_hidden(void **state)
{
	struct sess_fx *fx = *state;
	char out[65536];
	char *secret;

	user_add(fx, "alice", "editor");
	passwd(fx, "alice", PW_ALICE);
	secret = session_secret(fx, "alice", PW_ALICE, "192.0.2.1");
	free(secret);
	assert_int_equal(daemon_fx_sh(&fx->d, out, sizeof out,
	                              "\"$ISMSCTL\" -o json user list"),
	                 0);
	assert_non_null(strstr(out, "\"has_password\": true"));
	assert_null(strstr(out, "argon2"));
	assert_null(strstr(out, "$v=19"));
	assert_int_equal(
	    daemon_fx_sh(&fx->d, out, sizeof out, "\"$ISMSCTL\" user list"), 0);
	assert_non_null(strstr(out, "PASSWORD"));
	assert_int_equal(daemon_fx_sh(&fx->d, out, sizeof out,
	                              "\"$ISMSCTL\" -o json token list"),
	                 0);
	assert_non_null(strstr(out, "\"session\": true"));
	assert_null(strstr(out, "argon2"));
	/* Every entry, whatever the length: grep counts in the shell. */
	assert_int_equal(daemon_fx_sh(&fx->d, out, sizeof out,
	                              "\"$ISMSCTL\" -o json journal | grep -c "
	                              "'password set'"),
	                 0);
	assert_int_equal(atoi(out), 1);
	assert_int_equal(daemon_fx_sh(&fx->d, out, sizeof out,
	                              "\"$ISMSCTL\" -o json journal | grep -c "
	                              "-e argon2 -e '[$]v=19'"),
	                 1);
	assert_int_equal(atoi(out), 0);
	/* The entries' bytes: the stored User, without the hash. */
	assert_int_equal(daemon_fx_sh(&fx->d, out, sizeof out,
	                              "\"$ISMSCTL\" journal verify"),
	                 0);
	assert_int_equal(daemon_fx_sh(&fx->d, out, sizeof out,
	                              "grep -c argon2 '%s'", fx->log),
	                 1);
	assert_int_equal(atoi(out), 0);
}

/* The 6th failure from one address is refused without trying; the same
 * user from another address still signs in. */
static void
test_throttle(void **state)
{
	struct sess_fx *fx = *state;
	Isms__V1__Reply *r;
	char *secret;
	int i;

	user_add(fx, "alice", "editor");
	passwd(fx, "alice", PW_ALICE);
	for (i = 0; i < 5; i++) {
		r = session_open(fx->admin, "alice", "guess guess guess",
		                 "203.0.113.9");
		assert_int_equal(code(r), ISMS_EUNAUTH);
		isms_reply_free(r);
	}
	/* Even the right password is not tried now. */
	r = session_open(fx->admin, "alice", PW_ALICE, "203.0.113.9");
	assert_int_equal(code(r), ISMS_EEXHAUSTED);
	assert_non_null(strstr(msg(r), "too many failed sign-ins for alice "
	                               "from 203.0.113.9; retry in "));
	isms_reply_free(r);
	secret = session_secret(fx, "alice", PW_ALICE, "203.0.113.10");
	free(secret);
}

/* A password change ends the user's sessions, cutting their open
 * connections, but not a token an admin made; the new password works. */
static void
test_password_change(void **state)
{
	struct sess_fx *fx = *state;
	Isms__V1__Request *req;
	Isms__V1__Reply *r;
	struct isms_sync *sess, *tok, *own;
	struct isms_err err;
	char m[512], *secret, *secret2, *token;

	user_add(fx, "alice", "editor");
	user_add(fx, "bob", "viewer");
	passwd(fx, "alice", PW_ALICE);
	secret = session_secret(fx, "alice", PW_ALICE, "192.0.2.1");
	sess = dial_ok(fx, secret);
	req = (Isms__V1__Request *)pb_new(&isms__v1__request__descriptor);
	req->call_case = ISMS__V1__REQUEST__CALL_TOKEN_CREATE;
	req->token_create = (Isms__V1__TokenCreate *)pb_new(
	    &isms__v1__token_create__descriptor);
	req->token_create->owner = strdup("alice");
	r = call(fx->admin, req);
	assert_int_equal(code(r), 0);
	token = strdup(r->token_created->secret);
	isms_reply_free(r);
	protobuf_c_message_free_unpacked(&req->base, NULL);
	tok = dial_ok(fx, token);
	/* One's own: the old password is needed, and checked. */
	secret2 = session_secret(fx, "alice", PW_ALICE, "192.0.2.1");
	own = dial_ok(fx, secret2);
	assert_int_equal(passwd_call(own, NULL, PW_NEW, NULL, m, sizeof m),
	                 ISMS_EINVAL);
	assert_non_null(strstr(m, "old_password"));
	assert_int_equal(
	    passwd_call(own, NULL, PW_NEW, "not the old one", m, sizeof m),
	    ISMS_EPERM);
	/* Another's: admin only. */
	assert_int_equal(passwd_call(own, "bob", PW_NEW, PW_ALICE, m, sizeof m),
	                 ISMS_EPERM);
	assert_non_null(strstr(m, "needs role admin"));
	/* Too short, or the user's name. */
	assert_int_equal(
	    passwd_call(fx->admin, "alice", "short", NULL, m, sizeof m),
	    ISMS_EINVAL);
	assert_int_equal(passwd_call(fx->admin, "bobbybobbybob",
	                             "bobbybobbybob", NULL, m, sizeof m),
	                 ISMS_EINVAL);
	assert_int_equal(passwd_call(own, NULL, PW_NEW, PW_ALICE, m, sizeof m),
	                 0);
	/* Both sessions' connections are cut, the token's is not. */
	assert_true(cut(sess));
	assert_true(cut(own));
	assert_int_equal(info_code(tok), 0);
	assert_null(dial(fx, secret, &err));
	assert_int_equal(err.code, ISMS_EUNAUTH);
	assert_non_null(strstr(err.msg, "revoked"));
	r = session_open(fx->admin, "alice", PW_ALICE, "192.0.2.1");
	assert_int_equal(code(r), ISMS_EUNAUTH);
	isms_reply_free(r);
	free(secret);
	secret = session_secret(fx, "alice", PW_NEW, "192.0.2.1");
	isms_sync_free(sess);
	isms_sync_free(own);
	isms_sync_free(tok);
	free(secret);
	free(secret2);
	free(token);
}

/* SessionClose ends the caller's session; elsewhere it is refused. */
static void
test_session_close(void **state)
{
	struct sess_fx *fx = *state;
	Isms__V1__Request *req;
	Isms__V1__Reply *r;
	struct isms_sync *s;
	struct isms_err err;
	char *secret;

	user_add(fx, "alice", "viewer");
	passwd(fx, "alice", PW_ALICE);
	secret = session_secret(fx, "alice", PW_ALICE, "192.0.2.1");
	s = dial_ok(fx, secret);
	req = (Isms__V1__Request *)pb_new(&isms__v1__request__descriptor);
	req->call_case = ISMS__V1__REQUEST__CALL_SESSION_CLOSE;
	req->session_close = (Isms__V1__SessionClose *)pb_new(
	    &isms__v1__session_close__descriptor);
	r = call(fx->admin, req);
	assert_int_equal(code(r), ISMS_EPRECOND);
	isms_reply_free(r);
	r = call(s, req);
	assert_int_equal(code(r), 0);
	assert_int_equal(r->result_case, ISMS__V1__REPLY__RESULT_TOKEN);
	assert_true(r->token->revoked);
	assert_true(r->token->session);
	isms_reply_free(r);
	protobuf_c_message_free_unpacked(&req->base, NULL);
	assert_true(cut(s));
	isms_sync_free(s);
	assert_null(dial(fx, secret, &err));
	assert_int_equal(err.code, ISMS_EUNAUTH);
	free(secret);
}

/* A disabled user's session stops working, its connection cut. */
static void
test_disabled_user(void **state)
{
	struct sess_fx *fx = *state;
	struct isms_sync *s;
	struct isms_err err;
	char out[1024], *secret;

	user_add(fx, "alice", "viewer");
	passwd(fx, "alice", PW_ALICE);
	secret = session_secret(fx, "alice", PW_ALICE, "192.0.2.1");
	s = dial_ok(fx, secret);
	assert_int_equal(info_code(s), 0);
	assert_int_equal(daemon_fx_sh(&fx->d, out, sizeof out,
	                              "\"$ISMSCTL\" user disable alice"),
	                 0);
	assert_true(cut(s));
	isms_sync_free(s);
	assert_null(dial(fx, secret, &err));
	assert_int_equal(err.code, ISMS_EUNAUTH);
	assert_int_equal(daemon_fx_sh(&fx->d, out, sizeof out,
	                              "\"$ISMSCTL\" user enable alice"),
	                 0);
	free(secret);
}

/* --session-hours sets a session's life; expired sessions are pruned at
 * a later sign-in, and the journal still verifies. */
static void
test_session_hours_prune(void **state)
{
	struct sess_fx *fx = *state;
	Isms__V1__Reply *r;
	struct isms_err err;
	char out[8192], *secret, *later;
	time_t now = time(NULL);

	daemon_fx_stop(&fx->d, SIGTERM);
	isms_sync_free(fx->admin);
	fx->argv[4] = "--session-hours=1";
	daemon_fx_start(&fx->d);
	fx->admin = isms_sync_connect(fx->d.endpoint, "test_sessions", &err);
	assert_non_null(fx->admin);
	user_add(fx, "alice", "viewer");
	passwd(fx, "alice", PW_ALICE);
	r = session_open(fx->admin, "alice", PW_ALICE, "192.0.2.1");
	assert_int_equal(code(r), 0);
	assert_true(r->session->token->expires_at <= now + 3600 + 60);
	assert_true(r->session->token->expires_at >= now + 3600 - 60);
	secret = strdup(r->session->secret);
	isms_reply_free(r);
	/* Two hours on: the session has expired; the next sign-in prunes
	 * it. */
	daemon_fx_stop(&fx->d, SIGTERM);
	isms_sync_free(fx->admin);
	fx->argv[5] = "--test-clock-offset=7200";
	daemon_fx_start(&fx->d);
	fx->admin = isms_sync_connect(fx->d.endpoint, "test_sessions", &err);
	assert_non_null(fx->admin);
	assert_null(dial(fx, secret, &err));
	assert_non_null(strstr(err.msg, "expired"));
	assert_int_equal(
	    daemon_fx_sh(&fx->d, out, sizeof out, "\"$ISMSCTL\" token list"),
	    0);
	assert_non_null(strstr(out, "TOK-0001"));
	later = session_secret(fx, "alice", PW_ALICE, "192.0.2.1");
	assert_int_equal(
	    daemon_fx_sh(&fx->d, out, sizeof out, "\"$ISMSCTL\" token list"),
	    0);
	assert_null(strstr(out, "TOK-0001"));
	assert_non_null(strstr(out, "TOK-0002"));
	assert_null(dial(fx, secret, &err));
	assert_non_null(strstr(err.msg, "unknown token"));
	assert_int_equal(daemon_fx_sh(&fx->d, out, sizeof out,
	                              "\"$ISMSCTL\" journal verify --deep"),
	                 0);
	assert_int_equal(daemon_fx_sh(&fx->d, out, sizeof out,
	                              "\"$ISMSCTL\" journal | grep pruned"),
	                 0);
	assert_non_null(strstr(out, "token TOK-0001 of alice pruned (session "
	                            "expired)"));
	fx->argv[4] = fx->argv[5] = NULL;
	free(secret);
	free(later);
}

/* One reply of an async call: its code, its message, when it came. */
struct got {
	int code;
	char msg[256];
	double at; /* ms on the monotonic clock */
	bool done;
};

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
got_cb(struct isms_client *c, const Isms__V1__Reply *r, void *arg)
{
	struct got *g = arg;

	(void)c;
	g->code = r->status != NULL ? (int)r->status->code : -1;
	snprintf(g->msg, sizeof g->msg, "%s",
	         r->status && r->status->message ? r->status->message : "");
	g->at = now_ms();
	g->done = true;
}

/* Runs base until every n of g is done (10 s at most). */
static void
await(struct event_base *base, struct got *g, size_t n)
{
	double until = now_ms() + 10000;
	size_t i, left;

	for (;;) {
		for (i = 0, left = 0; i < n; i++)
			left += !g[i].done;
		if (left == 0)
			return;
		if (now_ms() > until)
			fail_msg("%zu replies did not come", left);
		event_base_loop(base, EVLOOP_ONCE);
	}
}

/* In a child running as uid: the code of a SessionOpen by proxy for
 * user, on a connection that never says hello (as the gateway's). */
static int
proxy_as(struct sess_fx *fx, uid_t uid, const char *user)
{
	struct event_base *base;
	struct isms_client *c;
	struct isms_err err;
	struct got g = {0};
	Isms__V1__Request *req;
	pid_t pid;
	int status;

	if ((pid = fork()) == 0) {
		if (setgroups(0, NULL) != 0 ||
		    setresgid(GW_UID, GW_UID, GW_UID) != 0 ||
		    setresuid(uid, uid, uid) != 0)
			_exit(100);
		base = event_base_new();
		if ((c = isms_client_connect(base, fx->d.endpoint, &err)) ==
		    NULL)
			_exit(101);
		req = open_req(user, NULL, "192.0.2.77", true);
		isms_client_call(c, req, got_cb, &g);
		await(base, &g, 1);
		if (g.code == 0 && uid == GW_UID)
			fprintf(stderr, "proxy sign-in: %s\n", user);
		_exit(g.code);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* SessionOpen by proxy: only from a --sso-gateway-uid peer, only for
 * an enabled user. */
static void
test_proxy(void **state)
{
	struct sess_fx *fx = *state;
	Isms__V1__Request *req;
	Isms__V1__Reply *r;
	char out[1024];

	if (geteuid() != 0) {
		print_message("skipped: needs root to run a second uid\n");
		skip();
	}
	user_add(fx, "alice", "viewer"); /* no password: SSO only */
	user_add(fx, "carol", "viewer");
	assert_int_equal(daemon_fx_sh(&fx->d, out, sizeof out,
	                              "\"$ISMSCTL\" user disable carol"),
	                 0);
	assert_int_equal(proxy_as(fx, GW_UID, "alice"), 0);
	assert_int_equal(proxy_as(fx, GW_UID, "carol"), ISMS_EPERM);
	assert_int_equal(proxy_as(fx, GW_UID, "nosuchuser"), ISMS_EPERM);
	assert_int_equal(proxy_as(fx, GW_UID - 1, "alice"), ISMS_EPERM);
	/* Root (admin) is no gateway either. */
	req = open_req("alice", NULL, "192.0.2.77", true);
	r = call(fx->admin, req);
	assert_int_equal(code(r), ISMS_EPERM);
	assert_non_null(strstr(msg(r), "--sso-gateway-uid"));
	isms_reply_free(r);
	protobuf_c_message_free_unpacked(&req->base, NULL);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* A Get request for record id. */
static Isms__V1__Request *
get_req(const char *id)
{
	Isms__V1__Request *req =
	    (Isms__V1__Request *)pb_new(&isms__v1__request__descriptor);

	req->call_case = ISMS__V1__REQUEST__CALL_GET;
	req->get = (Isms__V1__Get *)pb_new(&isms__v1__get__descriptor);
	req->get->id = strdup(id);
	return req;
}

/* Argon2 runs off the loop: while 8 sign-ins run, a Get from another
 * client answers in well under one verify, and a 9th sign-in is refused
 * as busy at once (on the loop, the 8 verifies would hold both up). */
static void
test_loop_not_stalled(void **state)
{
	struct sess_fx *fx = *state;
	struct event_base *base = event_base_new();
	struct isms_client *c, *other;
	struct isms_err err;
	struct got g[9], gets[5];
	Isms__V1__Request *req, *get;
	Isms__V1__Reply *r;
	double t0, verify_ms = 1e9, busy_ms, get_ms[5], first_ms, sent;
	char addr[32], *id;
	int i, ok = 0;

	user_add(fx, "alice", "editor");
	passwd(fx, "alice", PW_ALICE);
	id = sfx_add_risk(fx->admin, "loop stays free", "alice", 3);
	/* One verify, alone: the best of three wrong passwords. */
	for (i = 0; i < 3; i++) {
		snprintf(addr, sizeof addr, "192.0.2.%d", 100 + i);
		t0 = now_ms();
		r = session_open(fx->admin, "alice", "not the password", addr);
		if (now_ms() - t0 < verify_ms)
			verify_ms = now_ms() - t0;
		assert_int_equal(code(r), ISMS_EUNAUTH);
		isms_reply_free(r);
	}
	assert_non_null(c = isms_client_connect(base, fx->d.endpoint, &err));
	assert_non_null(other =
	                    isms_client_connect(base, fx->d.endpoint, &err));
	memset(g, 0, sizeof g);
	memset(gets, 0, sizeof gets);
	/* Both connections up and named before the clock starts. */
	get = get_req(id);
	req = info_req();
	isms_client_call(c, req, got_cb, &g[0]);
	isms_client_call(other, get, got_cb, &gets[0]);
	protobuf_c_message_free_unpacked(&req->base, NULL);
	await(base, &g[0], 1);
	await(base, &gets[0], 1);
	memset(g, 0, sizeof g);
	memset(gets, 0, sizeof gets);
	isms_client_cork(c, true);
	for (i = 0; i < 9; i++) {
		snprintf(addr, sizeof addr, "192.0.2.%d", 10 + i);
		req = open_req("alice", PW_ALICE, addr, false);
		isms_client_call(c, req, got_cb, &g[i]);
		protobuf_c_message_free_unpacked(&req->base, NULL);
	}
	/* The nine in one write, a Get from the other client at once. */
	t0 = now_ms();
	isms_client_cork(c, false);
	isms_client_call(other, get, got_cb, &gets[0]);
	await(base, &g[8], 1);
	await(base, &gets[0], 1);
	busy_ms = g[8].at - t0;
	get_ms[0] = gets[0].at - t0;
	assert_int_equal(g[8].code, ISMS_EEXHAUSTED);
	assert_string_equal(g[8].msg, "sign-in is busy; retry in a second");
	assert_int_equal(gets[0].code, 0);
	/* Four more Gets while the sign-ins run. */
	for (i = 1; i < 5; i++) {
		sent = now_ms();
		isms_client_call(other, get, got_cb, &gets[i]);
		await(base, &gets[i], 1);
		get_ms[i] = gets[i].at - sent;
		assert_int_equal(gets[i].code, 0);
	}
	/* They ran while the sign-ins did: the last was not done yet. */
	assert_false(g[7].done);
	await(base, g, 8);
	for (i = 0; i < 8; i++)
		ok += g[i].code == 0;
	assert_int_equal(ok, 8);
	first_ms = get_ms[0];
	qsort(get_ms, 5, sizeof get_ms[0], cmp_double);
	print_message("one Argon2 verify (sign-in round trip, best of 3): "
	              "%.1f ms; while 8 sign-ins run, a Get answers in %.2f "
	              "ms (median of 5, max %.2f), the 9th sign-in is refused "
	              "as busy in %.2f ms\n",
	              verify_ms, get_ms[2], get_ms[4], busy_ms);
	/* On the loop, the 9th and the first Get would wait for the 8
	 * verifies. */
	assert_true(busy_ms < 2 * verify_ms);
	assert_true(first_ms < 2 * verify_ms);
	assert_true(get_ms[2] < verify_ms / 2);
	protobuf_c_message_free_unpacked(&get->base, NULL);
	isms_client_free(other);
	isms_client_free(c);
	event_base_free(base);
	free(id);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_session_opens, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_refusals_alike, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_hash_hidden, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_throttle, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_password_change, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_session_close, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_disabled_user, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_proxy, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_session_hours_prune, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_loop_not_stalled, setup,
	                                    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
