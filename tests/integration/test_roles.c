/*
 * test_roles.c: who may do what, end to end. Users of every role get a
 * token; each presents it in hello on its own connection and calls every
 * RPC of the protocol: the allowed ones are not refused, the others get
 * PERMISSION_DENIED. A second uid (nobody, via setresuid) is refused with
 * UNAUTHENTICATED until an admin maps it.
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
#include <unistd.h>

#include <cmocka.h>

#include "daemon_fx.h"
#include "ismsclient.h"
#include "pbfield.h"

/* The policy, written out independently of the server's RPC table. */
static const struct {
	const char *call;  /* Request oneof member */
	const char *roles; /* who may: v a e A i */
} policy[] = {
    {"hello", "vaeAi"},       {"info", "vaeA"},
    {"get", "vaeA"},          {"list", "vaeA"},
    {"links", "vaeA"},        {"method_get", "vaeA"},
    {"due", "vaeA"},          {"subscribe", "vaeA"},
    {"history", "aeA"},       {"journal", "aeA"},
    {"journal_verify", "aeA"}, {"user_list", "aeA"},
    {"put", "eAi"},           {"archive", "eA"},
    {"link", "eA"},           {"review", "eA"},
    {"method_set", "A"},      {"catalog_load", "A"},
    {"user_put", "A"},        {"token_create", "A"},
    {"token_list", "A"},      {"token_revoke", "A"},
};

static const struct {
	const char *name;
	const char *role;
	char letter;
} people[] = {
    {"vera", "viewer", 'v'}, {"aude", "auditor", 'a'},
    {"ed", "editor", 'e'},   {"ada", "admin", 'A'},
    {"ingo", "ingest", 'i'},
};

static int
setup(void **state)
{
	struct daemon_fx *fx = calloc(1, sizeof *fx);

	daemon_fx_start(fx);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	daemon_fx_cleanup(*state);
	free(*state);
	return 0;
}

/* Sends req; returns the status code (the reply is freed). */
static int
code_of(struct isms_sync *s, Isms__V1__Request *req, char *msg, size_t len)
{
	struct isms_err err;
	Isms__V1__Reply *r = isms_sync_call(s, req, &err);
	int code;

	if (r == NULL)
		fail_msg("call: %s", err.msg);
	code = r->status ? (int)r->status->code : -1;
	if (msg != NULL)
		snprintf(msg, len, "%s",
		         r->status && r->status->message ? r->status->message
		                                         : "");
	isms_reply_free(r);
	return code;
}

/* A request whose call is the oneof member name, with an empty body. */
static Isms__V1__Request *
request_for(const char *call)
{
	const ProtobufCMessageDescriptor *md = &isms__v1__request__descriptor;
	Isms__V1__Request *req = (Isms__V1__Request *)pb_new(md);

	assert_non_null(pb_submsg(&req->base, pb_field_by_name(md, call), true));
	return req;
}

/* Creates a user with role and returns a token secret for it. */
static char *
user_with_token(struct isms_sync *s, const char *name, const char *role,
                int uid)
{
	Isms__V1__Request *req = request_for("user_put");
	Isms__V1__User *u;
	struct isms_err err;
	Isms__V1__Reply *r;
	char *secret;

	u = (Isms__V1__User *)pb_new(&isms__v1__user__descriptor);
	u->name = strdup(name);
	assert_int_equal(pb_field_set_text(&u->base,
	                                   pb_field_by_name(u->base.descriptor,
	                                                    "role"),
	                                   role, &err),
	                 0);
	if (uid >= 0) {
		u->has_uid = 1;
		u->uid = (uint32_t)uid;
	}
	req->user_put->user = u;
	req->user_put->has_create = 1;
	req->user_put->create = 1;
	assert_int_equal(code_of(s, req, NULL, 0), 0);
	protobuf_c_message_free_unpacked(&req->base, NULL);
	req = request_for("token_create");
	req->token_create->owner = strdup(name);
	r = isms_sync_call(s, req, &err);
	assert_non_null(r);
	assert_int_equal(r->status->code, 0);
	assert_non_null(r->token_created->secret);
	assert_int_equal(strlen(r->token_created->secret), 5 + 64);
	secret = strdup(r->token_created->secret);
	isms_reply_free(r);
	protobuf_c_message_free_unpacked(&req->base, NULL);
	return secret;
}

/* Says hello with a token on s; returns the code. */
static int
hello_token(struct isms_sync *s, const char *secret, char *msg, size_t len)
{
	Isms__V1__Request *req = request_for("hello");
	int code;

	req->hello->token = strdup(secret);
	code = code_of(s, req, msg, len);
	protobuf_c_message_free_unpacked(&req->base, NULL);
	return code;
}

static void
test_role_matrix(void **state)
{
	struct daemon_fx *fx = *state;
	struct isms_err err;
	struct isms_sync *admin = isms_sync_connect(fx->endpoint, "t", &err);
	struct isms_sync *s;
	char *secret[5], msg[512];
	size_t p, c, checked = 0;
	unsigned i, cases = 0;
	const ProtobufCMessageDescriptor *md = &isms__v1__request__descriptor;

	assert_non_null(admin);
	/* The policy covers every call of the protocol. */
	for (i = 0; i < md->n_fields; i++)
		if (md->fields[i].flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
			cases++;
	assert_int_equal(cases, sizeof policy / sizeof policy[0]);
	for (p = 0; p < 5; p++)
		secret[p] = user_with_token(admin, people[p].name,
		                            people[p].role, -1);
	for (p = 0; p < 5; p++) {
		s = isms_sync_connect(fx->endpoint, "t", &err);
		assert_non_null(s);
		assert_int_equal(hello_token(s, secret[p], NULL, 0), 0);
		for (c = 0; c < sizeof policy / sizeof policy[0]; c++) {
			Isms__V1__Request *req = request_for(policy[c].call);
			bool allowed = strchr(policy[c].roles,
			                      people[p].letter) != NULL;
			int code;

			if (strcmp(policy[c].call, "hello") == 0)
				req->hello->token = strdup(secret[p]);
			code = code_of(s, req, msg, sizeof msg);
			protobuf_c_message_free_unpacked(&req->base, NULL);
			if (allowed && (code == ISMS_EPERM ||
			                code == ISMS_EUNAUTH))
				fail_msg("%s (%s) refused %s: %s",
				         people[p].name, people[p].role,
				         policy[c].call, msg);
			if (!allowed && code != ISMS_EPERM)
				fail_msg("%s (%s) was not refused %s (code "
				         "%d)",
				         people[p].name, people[p].role,
				         policy[c].call, code);
			if (!allowed)
				assert_non_null(strstr(msg, "needs role"));
			checked++;
		}
		isms_sync_free(s);
	}
	assert_int_equal(checked, 5 * (sizeof policy / sizeof policy[0]));
	for (p = 0; p < 5; p++)
		free(secret[p]);
	isms_sync_free(admin);
}

static void
test_tokens_revoked_and_actor(void **state)
{
	struct daemon_fx *fx = *state;
	struct isms_err err;
	struct isms_sync *admin = isms_sync_connect(fx->endpoint, "t", &err);
	struct isms_sync *s = isms_sync_connect(fx->endpoint, "t", &err);
	Isms__V1__Request *req;
	Isms__V1__Reply *r;
	char *secret = user_with_token(admin, "erin", "editor", -1), msg[256];

	assert_int_equal(hello_token(s, "isms_not-a-token", msg, sizeof msg),
	                 ISMS_EUNAUTH);
	assert_int_equal(hello_token(s, secret, NULL, 0), 0);
	/* The actor of a change is the authenticated user. */
	req = request_for("put");
	req->put->record = (Isms__V1__Record *)pb_new(
	    &isms__v1__record__descriptor);
	req->put->record->title = strdup("Token-made risk");
	pb_submsg(&req->put->record->base,
	          pb_field_by_name(&isms__v1__record__descriptor, "risk"), true);
	r = isms_sync_call(s, req, &err);
	assert_non_null(r);
	assert_int_equal(r->status->code, 0);
	assert_string_equal(r->record->created_by, "erin");
	isms_reply_free(r);
	protobuf_c_message_free_unpacked(&req->base, NULL);
	/* Revoked: the same connection loses its rights at once. */
	req = request_for("token_revoke");
	req->token_revoke->id = strdup("TOK-0001");
	assert_int_equal(code_of(admin, req, NULL, 0), 0);
	protobuf_c_message_free_unpacked(&req->base, NULL);
	req = request_for("info");
	assert_int_equal(code_of(s, req, msg, sizeof msg), ISMS_EUNAUTH);
	assert_non_null(strstr(msg, "revoked"));
	protobuf_c_message_free_unpacked(&req->base, NULL);
	free(secret);
	isms_sync_free(s);
	isms_sync_free(admin);
}

/* In a child running as nobody: the code of an Info call. */
static int
as_nobody(struct daemon_fx *fx)
{
	struct isms_err err;
	struct isms_sync *s;
	Isms__V1__Request *req;
	pid_t pid;
	int status, code;

	if ((pid = fork()) == 0) {
		if (setgroups(0, NULL) != 0 || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(100);
		s = isms_sync_connect(fx->endpoint, "t", &err);
		if (s == NULL)
			_exit(strstr(err.msg, "UNAUTH") || err.code == ISMS_EUNAUTH
			          ? ISMS_EUNAUTH
			          : 101);
		req = request_for("info");
		code = code_of(s, req, NULL, 0);
		_exit(code);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void
test_peer_credentials(void **state)
{
	struct daemon_fx *fx = *state;
	struct isms_err err;
	struct isms_sync *admin;
	char *secret;

	if (geteuid() != 0) {
		print_message("skipped: needs root to run a second uid\n");
		skip();
	}
	/* A 0711 directory and a socket of group nogroup (65534). */
	daemon_fx_stop(fx, SIGTERM);
	assert_int_equal(chmod(fx->dir, 0711), 0);
	fx->extra_args = "--socket-group=65534";
	daemon_fx_start(fx);
	assert_int_equal(as_nobody(fx), ISMS_EUNAUTH);
	admin = isms_sync_connect(fx->endpoint, "t", &err);
	assert_non_null(admin);
	secret = user_with_token(admin, "nob", "viewer", 65534);
	assert_int_equal(as_nobody(fx), 0);
	free(secret);
	isms_sync_free(admin);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_role_matrix, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tokens_revoked_and_actor,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_peer_credentials, setup,
	                                    teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
