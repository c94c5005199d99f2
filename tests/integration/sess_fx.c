/* sess_fx.c: the web sign-in tests' daemon and calls (sess_fx.h). */
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

#include "pbfield.h"
#include "sess_fx.h"

int
sess_fx_setup(void **state)
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

int
sess_fx_teardown(void **state)
{
	struct sess_fx *fx = *state;

	isms_sync_free(fx->admin);
	daemon_fx_cleanup(&fx->d);
	unlink(fx->log);
	free(fx);
	return 0;
}

/* Sends req on s; the reply (never NULL: a lost link fails the test). */
Isms__V1__Reply *
sx_call(struct isms_sync *s, Isms__V1__Request *req)
{
	struct isms_err err;
	Isms__V1__Reply *r = isms_sync_call(s, req, &err);

	if (r == NULL)
		fail_msg("call: %s", err.msg);
	return r;
}

/* The reply's status code. */
int
sx_code(const Isms__V1__Reply *r)
{
	return r->status != NULL ? (int)r->status->code : -1;
}

/* The reply's status message. */
const char *
sx_msg(const Isms__V1__Reply *r)
{
	return r->status != NULL && r->status->message ? r->status->message
	                                               : "";
}

/* Adds user name with role (ismsctl user add). */
void
sx_user_add(struct sess_fx *fx, const char *name, const char *role)
{
	char out[1024];

	assert_int_equal(daemon_fx_sh(&fx->d, out, sizeof out,
	                              "\"$ISMSCTL\" user add %s --role %s",
	                              name, role),
	                 0);
}

/* Sets name's password as the admin (ismsctl user passwd --stdin). */
void
sx_passwd(struct sess_fx *fx, const char *name, const char *pw)
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
Isms__V1__Request *
sx_open_req(const char *user, const char *pw, const char *addr, bool proxy)
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
Isms__V1__Reply *
sx_session_open(struct isms_sync *s, const char *user, const char *pw,
                const char *addr)
{
	Isms__V1__Request *req = sx_open_req(user, pw, addr, false);
	Isms__V1__Reply *r = sx_call(s, req);

	protobuf_c_message_free_unpacked(&req->base, NULL);
	return r;
}

/* Opens a session that must open; its secret (malloc'ed). */
char *
sx_session_secret(struct sess_fx *fx, const char *user, const char *pw,
                  const char *addr)
{
	Isms__V1__Reply *r = sx_session_open(fx->admin, user, pw, addr);
	char *secret;

	if (sx_code(r) != 0)
		fail_msg("SessionOpen %s: %s", user, sx_msg(r));
	assert_int_equal(r->result_case, ISMS__V1__REPLY__RESULT_SESSION);
	secret = strdup(r->session->secret);
	isms_reply_free(r);
	return secret;
}

/* A TCP connection whose hello presents secret; NULL with err when the
 * hello was refused. */
struct isms_sync *
sx_dial(struct sess_fx *fx, const char *secret, struct isms_err *err)
{
	struct isms_client_opts o = {0};

	o.token = secret;
	o.insecure = true;
	o.timeout_ms = 10000;
	memset(err, 0, sizeof *err);
	return isms_sync_connect_opts(fx->tcp, "test_sessions", &o, err);
}

/* dial that must succeed. */
struct isms_sync *
sx_dial_ok(struct sess_fx *fx, const char *secret)
{
	struct isms_err err;
	struct isms_sync *s = sx_dial(fx, secret, &err);

	if (s == NULL)
		fail_msg("hello with a session: %s", err.msg);
	return s;
}

/* An Info request. */
Isms__V1__Request *
sx_info_req(void)
{
	Isms__V1__Request *req =
	    (Isms__V1__Request *)pb_new(&isms__v1__request__descriptor);

	req->call_case = ISMS__V1__REQUEST__CALL_INFO;
	req->info = (Isms__V1__Info *)pb_new(&isms__v1__info__descriptor);
	return req;
}

/* Whether s was cut: its next call finds the connection gone. */
bool
sx_cut(struct isms_sync *s)
{
	Isms__V1__Request *req = sx_info_req();
	struct isms_err err;
	Isms__V1__Reply *r = isms_sync_call(s, req, &err);
	bool gone = r == NULL;

	protobuf_c_message_free_unpacked(&req->base, NULL);
	isms_reply_free(r);
	return gone;
}

/* The code of an Info call on s. */
int
sx_info_code(struct isms_sync *s)
{
	Isms__V1__Request *req = sx_info_req();
	Isms__V1__Reply *r = sx_call(s, req);
	int c = sx_code(r);

	protobuf_c_message_free_unpacked(&req->base, NULL);
	isms_reply_free(r);
	return c;
}

/* A PasswordSet request. */
Isms__V1__Request *
sx_passwd_req(const char *user, const char *pw, const char *old)
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
int
sx_passwd_call(struct isms_sync *s, const char *user, const char *pw,
               const char *old, char *m, size_t len)
{
	Isms__V1__Request *req = sx_passwd_req(user, pw, old);
	Isms__V1__Reply *r = sx_call(s, req);
	int c = sx_code(r);

	snprintf(m, len, "%s", sx_msg(r));
	protobuf_c_message_free_unpacked(&req->base, NULL);
	isms_reply_free(r);
	return c;
}

double
sx_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

void
sx_got_cb(struct isms_client *c, const Isms__V1__Reply *r, void *arg)
{
	struct sx_got *g = arg;

	(void)c;
	g->code = r->status != NULL ? (int)r->status->code : -1;
	snprintf(g->msg, sizeof g->msg, "%s",
	         r->status && r->status->message ? r->status->message : "");
	g->at = sx_now_ms();
	g->done = true;
}

/* Runs base until every n of g is done (10 s at most). */
void
sx_await(struct event_base *base, struct sx_got *g, size_t n)
{
	double until = sx_now_ms() + 10000;
	size_t i, left;

	for (;;) {
		for (i = 0, left = 0; i < n; i++)
			left += !g[i].done;
		if (left == 0)
			return;
		if (sx_now_ms() > until)
			fail_msg("%zu replies did not come", left);
		event_base_loop(base, EVLOOP_ONCE);
	}
}
