/*
 * test_sessions_ops.c: web sign-in against a real ismsd, the operational
 * side: SessionOpen by proxy only from the --sso-gateway-uid peer;
 * --session-hours and the pruning of expired sessions; the Argon2 work
 * off the loop (a Get answers while 8 sign-ins run) and bounded (a 9th
 * is refused as busy).
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

#include "pbfield.h"
#include "sess_fx.h"
#include "sync_fx.h"

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
	sx_user_add(fx, "alice", "viewer");
	sx_passwd(fx, "alice", PW_ALICE);
	r = sx_session_open(fx->admin, "alice", PW_ALICE, "192.0.2.1");
	assert_int_equal(sx_code(r), 0);
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
	assert_null(sx_dial(fx, secret, &err));
	assert_non_null(strstr(err.msg, "expired"));
	assert_int_equal(
	    daemon_fx_sh(&fx->d, out, sizeof out, "\"$ISMSCTL\" token list"),
	    0);
	assert_non_null(strstr(out, "TOK-0001"));
	later = sx_session_secret(fx, "alice", PW_ALICE, "192.0.2.1");
	assert_int_equal(
	    daemon_fx_sh(&fx->d, out, sizeof out, "\"$ISMSCTL\" token list"),
	    0);
	assert_null(strstr(out, "TOK-0001"));
	assert_non_null(strstr(out, "TOK-0002"));
	assert_null(sx_dial(fx, secret, &err));
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

/* In a child running as uid: the code of a SessionOpen by proxy for
 * user, on a connection that never says hello (as the gateway's). */
static int
proxy_as(struct sess_fx *fx, uid_t uid, const char *user)
{
	struct event_base *base;
	struct isms_client *c;
	struct isms_err err;
	struct sx_got g = {0};
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
		req = sx_open_req(user, NULL, "192.0.2.77", true);
		isms_client_call(c, req, sx_got_cb, &g);
		sx_await(base, &g, 1);
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
	sx_user_add(fx, "alice", "viewer"); /* no password: SSO only */
	sx_user_add(fx, "carol", "viewer");
	assert_int_equal(daemon_fx_sh(&fx->d, out, sizeof out,
	                              "\"$ISMSCTL\" user disable carol"),
	                 0);
	assert_int_equal(proxy_as(fx, GW_UID, "alice"), 0);
	assert_int_equal(proxy_as(fx, GW_UID, "carol"), ISMS_EPERM);
	assert_int_equal(proxy_as(fx, GW_UID, "nosuchuser"), ISMS_EPERM);
	assert_int_equal(proxy_as(fx, GW_UID - 1, "alice"), ISMS_EPERM);
	/* Root (admin) is no gateway either. */
	req = sx_open_req("alice", NULL, "192.0.2.77", true);
	r = sx_call(fx->admin, req);
	assert_int_equal(sx_code(r), ISMS_EPERM);
	assert_non_null(strstr(sx_msg(r), "--sso-gateway-uid"));
	isms_reply_free(r);
	protobuf_c_message_free_unpacked(&req->base, NULL);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

#define NGETS 7 /* Gets timed while the sign-ins run */

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
	struct sx_got g[9], gets[NGETS];
	Isms__V1__Request *req, *get;
	Isms__V1__Reply *r;
	double t0, verify[3], verify_ms, busy_ms, get_ms[NGETS], first_ms, sent;
	char addr[32], *id;
	int i, ok = 0;

	sx_user_add(fx, "alice", "editor");
	sx_passwd(fx, "alice", PW_ALICE);
	id = sfx_add_risk(fx->admin, "loop stays free", "alice", 3);
	/* One verify, alone: the median of three wrong passwords. */
	for (i = 0; i < 3; i++) {
		snprintf(addr, sizeof addr, "192.0.2.%d", 100 + i);
		t0 = sx_now_ms();
		r = sx_session_open(fx->admin, "alice", "not the password",
		                    addr);
		verify[i] = sx_now_ms() - t0;
		assert_int_equal(sx_code(r), ISMS_EUNAUTH);
		isms_reply_free(r);
	}
	qsort(verify, 3, sizeof verify[0], cmp_double);
	verify_ms = verify[1];
	assert_non_null(c = isms_client_connect(base, fx->d.endpoint, &err));
	assert_non_null(other =
	                    isms_client_connect(base, fx->d.endpoint, &err));
	memset(g, 0, sizeof g);
	memset(gets, 0, sizeof gets);
	/* Both connections up and named before the clock starts. */
	get = get_req(id);
	req = sx_info_req();
	isms_client_call(c, req, sx_got_cb, &g[0]);
	isms_client_call(other, get, sx_got_cb, &gets[0]);
	protobuf_c_message_free_unpacked(&req->base, NULL);
	sx_await(base, &g[0], 1);
	sx_await(base, &gets[0], 1);
	memset(g, 0, sizeof g);
	memset(gets, 0, sizeof gets);
	isms_client_cork(c, true);
	for (i = 0; i < 9; i++) {
		snprintf(addr, sizeof addr, "192.0.2.%d", 10 + i);
		req = sx_open_req("alice", PW_ALICE, addr, false);
		isms_client_call(c, req, sx_got_cb, &g[i]);
		protobuf_c_message_free_unpacked(&req->base, NULL);
	}
	/* The nine in one write, a Get from the other client at once. */
	t0 = sx_now_ms();
	isms_client_cork(c, false);
	isms_client_call(other, get, sx_got_cb, &gets[0]);
	sx_await(base, &g[8], 1);
	sx_await(base, &gets[0], 1);
	busy_ms = g[8].at - t0;
	get_ms[0] = gets[0].at - t0;
	assert_int_equal(g[8].code, ISMS_EEXHAUSTED);
	assert_string_equal(g[8].msg, "sign-in is busy; retry in a second");
	assert_int_equal(gets[0].code, 0);
	/* More Gets while the sign-ins run. */
	for (i = 1; i < NGETS; i++) {
		sent = sx_now_ms();
		isms_client_call(other, get, sx_got_cb, &gets[i]);
		sx_await(base, &gets[i], 1);
		get_ms[i] = gets[i].at - sent;
		assert_int_equal(gets[i].code, 0);
	}
	/* They ran while the sign-ins did: the last was not done yet. */
	assert_false(g[7].done);
	sx_await(base, g, 8);
	for (i = 0; i < 8; i++)
		ok += g[i].code == 0;
	assert_int_equal(ok, 8);
	first_ms = get_ms[0];
	qsort(get_ms, NGETS, sizeof get_ms[0], cmp_double);
	print_message("one Argon2 verify (sign-in round trip, median of 3): "
	              "%.1f ms; while 8 sign-ins run, a Get answers in %.2f "
	              "ms (median of %d, max %.2f), the 9th sign-in is "
	              "refused as busy in %.2f ms\n",
	              verify_ms, get_ms[NGETS / 2], NGETS, get_ms[NGETS - 1],
	              busy_ms);
	/* On the loop, the 9th and the first Get would wait for the 8
	 * verifies. */
	assert_true(busy_ms < 2 * verify_ms);
	assert_true(first_ms < 2 * verify_ms);
	assert_true(get_ms[NGETS / 2] < verify_ms / 2);
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
	    cmocka_unit_test_setup_teardown(test_proxy, sess_fx_setup,
	                                    sess_fx_teardown),
	    cmocka_unit_test_setup_teardown(test_session_hours_prune,
	                                    sess_fx_setup, sess_fx_teardown),
	    cmocka_unit_test_setup_teardown(test_loop_not_stalled,
	                                    sess_fx_setup, sess_fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
