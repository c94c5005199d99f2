/*
 * test_sessions.c: web sign-in against a real ismsd: passwords set with
 * ismsctl user passwd, sessions opened by password (SessionOpen) and
 * presented in hello like tokens, ended by sign-out, by a password change
 * and by disabling the user (open connections cut); the same refusal for
 * every bad sign-in; the hash in no reply, list, journal or log; the
 * throttle per user and address. test_sessions_ops.c has the rest.
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

/* A session opens with the right password; its secret names the same
 * user with the same role in hello. */
static void
test_session_opens(void **state)
{
	struct sess_fx *fx = *state;
	Isms__V1__Reply *r;
	struct isms_sync *s;
	time_t now = time(NULL);
	char out[1024];

	assert_int_equal(daemon_fx_sh(&fx->d, out, sizeof out,
	                              "\"$ISMSCTL\" user add alice --role "
	                              "editor --display-name 'Alice A'"),
	                 0);
	sx_passwd(fx, "alice", PW_ALICE);
	r = sx_session_open(fx->admin, "alice", PW_ALICE, "192.0.2.1");
	assert_int_equal(sx_code(r), 0);
	/* For the web page's greeting (a viewer may not list users). */
	assert_string_equal(r->session->display_name, "Alice A");
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
	s = sx_dial_ok(fx, r->session->secret);
	assert_string_equal(isms_sync_hello(s)->user, "alice");
	assert_int_equal(isms_sync_hello(s)->role,
	                 ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_EDITOR);
	assert_string_equal(isms_sync_hello(s)->display_name, "Alice A");
	assert_int_equal(sx_info_code(s), 0);
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

	sx_user_add(fx, "alice", "editor");
	sx_user_add(fx, "bob", "viewer");
	sx_user_add(fx, "carol", "viewer");
	sx_passwd(fx, "alice", PW_ALICE);
	sx_passwd(fx, "carol", PW_ALICE);
	assert_int_equal(daemon_fx_sh(&fx->d, out, sizeof out,
	                              "\"$ISMSCTL\" user disable carol"),
	                 0);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(addr, sizeof addr, "198.51.100.%zu", i + 1);
		r = sx_session_open(fx->admin, bad[i].user, bad[i].pw, addr);
		assert_int_equal(sx_code(r), ISMS_EUNAUTH);
		assert_string_equal(sx_msg(r), BAD);
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

	sx_user_add(fx, "alice", "editor");
	sx_passwd(fx, "alice", PW_ALICE);
	secret = sx_session_secret(fx, "alice", PW_ALICE, "192.0.2.1");
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

	sx_user_add(fx, "alice", "editor");
	sx_passwd(fx, "alice", PW_ALICE);
	for (i = 0; i < 5; i++) {
		r = sx_session_open(fx->admin, "alice", "guess guess guess",
		                    "203.0.113.9");
		assert_int_equal(sx_code(r), ISMS_EUNAUTH);
		isms_reply_free(r);
	}
	/* Even the right password is not tried now. */
	r = sx_session_open(fx->admin, "alice", PW_ALICE, "203.0.113.9");
	assert_int_equal(sx_code(r), ISMS_EEXHAUSTED);
	assert_non_null(strstr(sx_msg(r), "too many failed sign-ins for alice "
	                                  "from 203.0.113.9; retry in "));
	isms_reply_free(r);
	secret = sx_session_secret(fx, "alice", PW_ALICE, "203.0.113.10");
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

	sx_user_add(fx, "alice", "editor");
	sx_user_add(fx, "bob", "viewer");
	sx_passwd(fx, "alice", PW_ALICE);
	secret = sx_session_secret(fx, "alice", PW_ALICE, "192.0.2.1");
	sess = sx_dial_ok(fx, secret);
	req = (Isms__V1__Request *)pb_new(&isms__v1__request__descriptor);
	req->call_case = ISMS__V1__REQUEST__CALL_TOKEN_CREATE;
	req->token_create = (Isms__V1__TokenCreate *)pb_new(
	    &isms__v1__token_create__descriptor);
	req->token_create->owner = strdup("alice");
	r = sx_call(fx->admin, req);
	assert_int_equal(sx_code(r), 0);
	token = strdup(r->token_created->secret);
	isms_reply_free(r);
	protobuf_c_message_free_unpacked(&req->base, NULL);
	tok = sx_dial_ok(fx, token);
	/* One's own: the old password is needed, and checked. */
	secret2 = sx_session_secret(fx, "alice", PW_ALICE, "192.0.2.1");
	own = sx_dial_ok(fx, secret2);
	assert_int_equal(sx_passwd_call(own, NULL, PW_NEW, NULL, m, sizeof m),
	                 ISMS_EINVAL);
	assert_non_null(strstr(m, "old_password"));
	assert_int_equal(
	    sx_passwd_call(own, NULL, PW_NEW, "not the old one", m, sizeof m),
	    ISMS_EPERM);
	/* Another's: admin only. */
	assert_int_equal(
	    sx_passwd_call(own, "bob", PW_NEW, PW_ALICE, m, sizeof m),
	    ISMS_EPERM);
	assert_non_null(strstr(m, "needs role admin"));
	/* Too short, or the user's name. */
	assert_int_equal(
	    sx_passwd_call(fx->admin, "alice", "short", NULL, m, sizeof m),
	    ISMS_EINVAL);
	assert_int_equal(sx_passwd_call(fx->admin, "bobbybobbybob",
	                                "bobbybobbybob", NULL, m, sizeof m),
	                 ISMS_EINVAL);
	assert_int_equal(
	    sx_passwd_call(own, NULL, PW_NEW, PW_ALICE, m, sizeof m), 0);
	/* Both sessions' connections are cut, the token's is not. */
	assert_true(sx_cut(sess));
	assert_true(sx_cut(own));
	assert_int_equal(sx_info_code(tok), 0);
	assert_null(sx_dial(fx, secret, &err));
	assert_int_equal(err.code, ISMS_EUNAUTH);
	assert_non_null(strstr(err.msg, "revoked"));
	r = sx_session_open(fx->admin, "alice", PW_ALICE, "192.0.2.1");
	assert_int_equal(sx_code(r), ISMS_EUNAUTH);
	isms_reply_free(r);
	free(secret);
	secret = sx_session_secret(fx, "alice", PW_NEW, "192.0.2.1");
	isms_sync_free(sess);
	isms_sync_free(own);
	isms_sync_free(tok);
	free(secret);
	free(secret2);
	free(token);
}

/* ismsctl user passwd without NAME: one's own, the old password on the
 * line before the new one. */
static void
test_passwd_own_cli(void **state)
{
	struct sess_fx *fx = *state;
	Isms__V1__Request *req;
	Isms__V1__Reply *r;
	char out[2048], *token, *secret;

	sx_user_add(fx, "alice", "viewer");
	sx_passwd(fx, "alice", PW_ALICE);
	req = (Isms__V1__Request *)pb_new(&isms__v1__request__descriptor);
	req->call_case = ISMS__V1__REQUEST__CALL_TOKEN_CREATE;
	req->token_create = (Isms__V1__TokenCreate *)pb_new(
	    &isms__v1__token_create__descriptor);
	req->token_create->owner = strdup("alice");
	r = sx_call(fx->admin, req);
	assert_int_equal(sx_code(r), 0);
	token = strdup(r->token_created->secret);
	isms_reply_free(r);
	protobuf_c_message_free_unpacked(&req->base, NULL);
	assert_int_equal(
	    daemon_fx_sh(&fx->d, out, sizeof out,
	                 "printf 'not it at all\\n%s\\n' | "
	                 "ISMS_TOKEN=%s \"$ISMSCTL\" --endpoint %s "
	                 "--insecure user passwd --stdin 2>&1",
	                 PW_NEW, token, fx->tcp),
	    1);
	assert_non_null(strstr(out, "old_password is not alice's password"));
	assert_int_equal(daemon_fx_sh(&fx->d, out, sizeof out,
	                              "printf '%s\\n%s\\n' | ISMS_TOKEN=%s "
	                              "\"$ISMSCTL\" --endpoint %s --insecure "
	                              "user passwd --stdin 2>&1",
	                              PW_ALICE, PW_NEW, token, fx->tcp),
	                 0);
	assert_non_null(strstr(out, "alice"));
	secret = sx_session_secret(fx, "alice", PW_NEW, "192.0.2.1");
	free(secret);
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

	sx_user_add(fx, "alice", "viewer");
	sx_passwd(fx, "alice", PW_ALICE);
	secret = sx_session_secret(fx, "alice", PW_ALICE, "192.0.2.1");
	s = sx_dial_ok(fx, secret);
	req = (Isms__V1__Request *)pb_new(&isms__v1__request__descriptor);
	req->call_case = ISMS__V1__REQUEST__CALL_SESSION_CLOSE;
	req->session_close = (Isms__V1__SessionClose *)pb_new(
	    &isms__v1__session_close__descriptor);
	r = sx_call(fx->admin, req);
	assert_int_equal(sx_code(r), ISMS_EPRECOND);
	isms_reply_free(r);
	r = sx_call(s, req);
	assert_int_equal(sx_code(r), 0);
	assert_int_equal(r->result_case, ISMS__V1__REPLY__RESULT_TOKEN);
	assert_true(r->token->revoked);
	assert_true(r->token->session);
	isms_reply_free(r);
	protobuf_c_message_free_unpacked(&req->base, NULL);
	assert_true(sx_cut(s));
	isms_sync_free(s);
	assert_null(sx_dial(fx, secret, &err));
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

	sx_user_add(fx, "alice", "viewer");
	sx_passwd(fx, "alice", PW_ALICE);
	secret = sx_session_secret(fx, "alice", PW_ALICE, "192.0.2.1");
	s = sx_dial_ok(fx, secret);
	assert_int_equal(sx_info_code(s), 0);
	assert_int_equal(daemon_fx_sh(&fx->d, out, sizeof out,
	                              "\"$ISMSCTL\" user disable alice"),
	                 0);
	assert_true(sx_cut(s));
	isms_sync_free(s);
	assert_null(sx_dial(fx, secret, &err));
	assert_int_equal(err.code, ISMS_EUNAUTH);
	assert_int_equal(daemon_fx_sh(&fx->d, out, sizeof out,
	                              "\"$ISMSCTL\" user enable alice"),
	                 0);
	free(secret);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_session_opens, sess_fx_setup,
	                                    sess_fx_teardown),
	    cmocka_unit_test_setup_teardown(test_refusals_alike, sess_fx_setup,
	                                    sess_fx_teardown),
	    cmocka_unit_test_setup_teardown(test_hash_hidden, sess_fx_setup,
	                                    sess_fx_teardown),
	    cmocka_unit_test_setup_teardown(test_throttle, sess_fx_setup,
	                                    sess_fx_teardown),
	    cmocka_unit_test_setup_teardown(test_password_change, sess_fx_setup,
	                                    sess_fx_teardown),
	    cmocka_unit_test_setup_teardown(test_passwd_own_cli, sess_fx_setup,
	                                    sess_fx_teardown),
	    cmocka_unit_test_setup_teardown(test_session_close, sess_fx_setup,
	                                    sess_fx_teardown),
	    cmocka_unit_test_setup_teardown(test_disabled_user, sess_fx_setup,
	                                    sess_fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
