/*
 * test_tls.c: tcp:// end to end. A test CA, a server certificate for
 * 127.0.0.1 / localhost, client certificates and an unrelated second CA
 * are made with the openssl command at test time. A real ismsd listens on
 * its Unix socket (root there is admin: it makes users and tokens) and on
 * tcp://127.0.0.1 with TLS 1.3; the client verifies the server, presents
 * a token or a certificate, and is named by it. Expired and revoked
 * tokens (also on connections already open), a certificate's connection
 * refusing a token, plain TCP (insecure, loopback only) and the ismsctl
 * commands (status, user, token) over TLS are covered too.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>

#include "tls_fx.h"

/* A token in hello over TLS names the user; what ed writes is ed's. */
static void
test_token_over_tls(void **state)
{
	struct tls_fx *fx = *state;
	struct isms_sync *a = tls_fx_admin(fx), *s;
	char *by, ep[64];

	tls_fx_user_add(a, "ed", ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_EDITOR);
	fx->ed_token = tls_fx_token_new(a, "ed", 0, NULL);
	isms_sync_free(a);

	s = tls_fx_dial_as(fx, fx->ep, fx->ed_token, NULL, false, "ed",
	                   ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_EDITOR);
	tls_fx_info_ok(s);
	by = tls_fx_put_risk(s, "Stolen laptop");
	assert_string_equal(by, "ed");
	free(by);
	isms_sync_free(s);
	/* By host name: the certificate names localhost too. */
	snprintf(ep, sizeof ep, "tcp://localhost:%d", fx->port);
	s = tls_fx_dial_as(fx, ep, fx->ed_token, NULL, false, "ed",
	                   ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_EDITOR);
	isms_sync_free(s);
	/* No token, or a wrong one: hello is refused. */
	tls_fx_dial_fails(fx, fx->ep, "ca.pem", NULL, NULL, false, ISMS_EUNAUTH,
	                  "not authenticated");
	tls_fx_dial_fails(
	    fx, fx->ep, "ca.pem",
	    "isms_0000000000000000000000000000000000000000000000000000"
	    "000000000000",
	    NULL, false, ISMS_EUNAUTH, "unknown token");
}

/* The per-user connection cap counts TCP peers once hello names them. */
static void
test_user_cap_over_tcp(void **state)
{
	struct tls_fx *fx = *state;
	struct isms_sync *a, *b, *c = NULL;
	struct isms_err err;
	int n;

	fx->extra = "--max-connections-per-user=2";
	tls_fx_start(fx, false, 0);
	a = tls_fx_dial_as(fx, fx->ep, fx->ed_token, NULL, false, "ed",
	                   ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_EDITOR);
	b = tls_fx_dial_as(fx, fx->ep, fx->ed_token, NULL, false, "ed",
	                   ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_EDITOR);
	tls_fx_dial_fails(fx, fx->ep, "ca.pem", fx->ed_token, NULL, false,
	                  ISMS_EEXHAUSTED, "too many connections for ed");
	tls_fx_info_ok(b);
	isms_sync_free(a);
	/* The server sees the close a moment later; then there is room. */
	for (n = 0; n < 100 && c == NULL; n++) {
		c = tls_fx_dial(fx, fx->ep, "ca.pem", fx->ed_token, NULL, false,
		                &err);
		if (c == NULL)
			usleep(20000);
	}
	assert_non_null(c);
	tls_fx_info_ok(c);
	isms_sync_free(b);
	isms_sync_free(c);
	fx->extra = NULL;
	tls_fx_start(fx, false, 0);
}

/* The server's certificate is checked: its CA, and that it names the host. */
static void
test_server_verified(void **state)
{
	struct tls_fx *fx = *state;
	char ep[64];

	/* Signed by another CA than the one trusted. */
	tls_fx_dial_fails(fx, fx->ep, "other-ca.pem", fx->ed_token, NULL, false,
	                  ISMS_EUNAVAIL, "TLS: certificate verify failed (");
	/* The system's CAs do not know the test CA. */
	tls_fx_dial_fails(fx, fx->ep, NULL, fx->ed_token, NULL, false,
	                  ISMS_EUNAVAIL, "TLS: certificate verify failed (");
	/* Right CA, but the certificate does not name 127.0.0.2. */
	tls_fx_dial_fails(fx, fx->ep2, "ca.pem", fx->ed_token, NULL, false,
	                  ISMS_EUNAVAIL, "IP address mismatch");
	/* A CA file that is not there, or holds no certificate. */
	tls_fx_dial_fails(fx, fx->ep, "missing.pem", fx->ed_token, NULL, false,
	                  ISMS_EINVAL, "No such file or directory");
	tls_fx_dial_fails(fx, fx->ep, "ca.key", fx->ed_token, NULL, false,
	                  ISMS_EINVAL, "CA file");
	/* Nothing listens: unreachable. */
	snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d",
	         tls_fx_free_port("127.0.0.1"));
	tls_fx_dial_fails(fx, ep, "ca.pem", fx->ed_token, NULL, false,
	                  ISMS_EUNAVAIL, "Connection refused");
}

/* A revoked token is refused, also on a connection already open. */
static void
test_revoked_token(void **state)
{
	struct tls_fx *fx = *state;
	struct isms_sync *a = tls_fx_admin(fx), *s;
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Info info = ISMS__V1__INFO__INIT;
	Isms__V1__Reply *r;
	struct isms_err err;
	char *id, *secret = tls_fx_token_new(a, "ed", 30, &id);

	s = tls_fx_dial_as(fx, fx->ep, secret, NULL, false, "ed",
	                   ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_EDITOR);
	tls_fx_token_revoke(a, id);
	req.call_case = ISMS__V1__REQUEST__CALL_INFO;
	req.info = &info;
	assert_non_null(r = isms_sync_call(s, &req, &err));
	assert_non_null(r->status);
	assert_int_equal(r->status->code, ISMS_EUNAUTH);
	assert_non_null(strstr(r->status->message, "revoked"));
	isms_reply_free(r);
	isms_sync_free(s);
	tls_fx_dial_fails(fx, fx->ep, "ca.pem", secret, NULL, false,
	                  ISMS_EUNAUTH, "revoked");
	/* ed's other token still works. */
	isms_sync_free(
	    tls_fx_dial_as(fx, fx->ep, fx->ed_token, NULL, false, "ed",
	                   ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_EDITOR));
	isms_sync_free(a);
	free(id);
	free(secret);
}

/* A client certificate from the client CA names its CN's user. */
static void
test_client_certificate(void **state)
{
	struct tls_fx *fx = *state;
	struct isms_sync *s;
	char *by;

	s = tls_fx_dial_as(fx, fx->ep, NULL, "ed", false, "ed",
	                   ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_EDITOR);
	tls_fx_info_ok(s);
	by = tls_fx_put_risk(s, "Phishing");
	assert_string_equal(by, "ed");
	free(by);
	isms_sync_free(s);
	/* Verified, but no such user. */
	tls_fx_dial_fails(fx, fx->ep, "ca.pem", NULL, "nobody", false,
	                  ISMS_EUNAUTH, "certificate CN 'nobody'");
	/* CN=ed, but from a CA the server does not trust. */
	tls_fx_dial_fails(fx, fx->ep, "ca.pem", NULL, "mallory", false,
	                  ISMS_EUNAVAIL, "client certificate");
}

/* ismsctl over TLS: status, user and token commands, by an admin token. */
static void
test_cli(void **state)
{
	struct tls_fx *fx = *state;
	struct isms_sync *a = tls_fx_admin(fx);
	char out[8192], id[32] = "";
	char *secret;

	tls_fx_user_add(a, "ada", ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_ADMIN);
	secret = tls_fx_token_new(a, "ada", 0, NULL);
	tls_fx_token_file(fx, "ada.tok", secret);
	free(secret);
	isms_sync_free(a);

	tls_fx_cli(fx, out, sizeof out, "--token-file ada.tok status");
	tls_fx_holds("status", out, "user:         ada (admin)", "rc=0", NULL);
	tls_fx_cli(fx, out, sizeof out,
	           "--token-file ada.tok user add vic --role viewer "
	           "--email vic@example.org");
	tls_fx_holds("user add", out, "vic", "viewer", "vic@example.org",
	             "rc=0", NULL);
	tls_fx_cli(fx, out, sizeof out,
	           "--token-file ada.tok user set vic role=auditor email=");
	tls_fx_holds("user set", out, "auditor", "rc=0", NULL);
	assert_null(strstr(out, "vic@example.org"));
	tls_fx_cli(fx, out, sizeof out,
	           "--token-file ada.tok -o csv user list");
	tls_fx_holds("user list", out, "name,role,uid,email,disabled,",
	             "\nvic,auditor,", "\ned,editor,", "\nada,admin,", "rc=0",
	             NULL);
	/* A user without a role, uid or token: a person who owns records
	 * and has no way in; the role is viewer should they get one. */
	tls_fx_cli(fx, out, sizeof out,
	           "--token-file ada.tok -o csv user add xavier "
	           "--display-name 'Xavier Ng' --email xavier@example.org");
	tls_fx_holds("user add without role", out,
	             "\nxavier,viewer,,xavier@example.org,,", ",Xavier Ng",
	             "rc=0", NULL);

	/* The secret on stdout, once: "TOK-0004 isms_...". */
	tls_fx_cli(fx, out, sizeof out,
	           "--token-file ada.tok token create vic --expires 30d "
	           "2>/dev/null >vic.line; cut -d' ' -f2 vic.line >vic.tok; "
	           "chmod 600 vic.tok; cat vic.line");
	tls_fx_holds("token create", out, "TOK-", " isms_", "rc=0", NULL);
	assert_int_equal(sscanf(out, "%31s", id), 1);
	daemon_fx_sh(&fx->d, out, sizeof out,
	             "cd '%s' && ISMS_TOKEN=$(cat vic.tok) \"$ISMSCTL\" "
	             "--endpoint %s --cacert ca.pem status 2>&1",
	             fx->pki, fx->ep);
	tls_fx_holds("status by $ISMS_TOKEN", out,
	             "user:         vic (auditor)", NULL);
	tls_fx_cli(fx, out, sizeof out, "--token-file ada.tok token list");
	tls_fx_holds("token list", out, "ID", "OWNER", "CREATED", "EXPIRES",
	             "LAST-USED", "REVOKED", id, "never", "rc=0", NULL);

	tls_fx_cli(fx, out, sizeof out,
	           "--token-file ada.tok user disable vic");
	tls_fx_holds("user disable", out, "yes", "rc=0", NULL);
	tls_fx_cli(fx, out, sizeof out, "--token-file vic.tok status");
	tls_fx_holds("disabled user", out, "UNAUTHENTICATED", "rc=1", NULL);
	tls_fx_cli(fx, out, sizeof out, "--token-file ada.tok user enable vic");
	tls_fx_cli(fx, out, sizeof out, "--token-file vic.tok status");
	tls_fx_holds("enabled user", out, "vic (auditor)", "rc=0", NULL);

	tls_fx_cli(fx, out, sizeof out, "--token-file ada.tok token revoke %s",
	           id);
	tls_fx_holds("token revoke", out, "revoked", id, "of vic", "rc=0",
	             NULL);
	tls_fx_cli(fx, out, sizeof out, "--token-file vic.tok status");
	tls_fx_holds("revoked token", out, "UNAUTHENTICATED", "revoked", "rc=1",
	             NULL);
	tls_fx_cli(fx, out, sizeof out,
	           "--token-file ada.tok -o json token create vic");
	tls_fx_holds("token create -o json", out, "\"id\": \"TOK-",
	             "\"secret\": \"isms_", "\"owner\": \"vic\"", "rc=0", NULL);

	/* An editor may not manage tokens: the server's words, exit 1. */
	tls_fx_token_file(fx, "ed.tok", fx->ed_token);
	tls_fx_cli(fx, out, sizeof out, "--token-file ed.tok token list");
	tls_fx_holds("editor lists tokens", out, "PERMISSION_DENIED", "rc=1",
	             NULL);

	/* No token; a certificate instead; the wrong CA; a loose file. */
	tls_fx_cli(fx, out, sizeof out, "status");
	tls_fx_holds("no token", out, "UNAUTHENTICATED", "--token-file", "rc=1",
	             NULL);
	tls_fx_cli(fx, out, sizeof out, "--cert ed.pem --key ed.key status");
	tls_fx_holds("client certificate", out, "user:         ed (editor)",
	             "rc=0", NULL);
	tls_fx_cli(fx, out, sizeof out,
	           "--cacert other-ca.pem --token-file ada.tok status");
	tls_fx_holds("wrong CA", out, "TLS: certificate verify failed", "rc=3",
	             NULL);
	tls_fx_cli(fx, out, sizeof out,
	           "--token-file ada.tok --endpoint %s status", fx->ep2);
	tls_fx_holds("wrong host", out, "IP address mismatch", "rc=3", NULL);
	tls_fx_cli(fx, out, sizeof out, "--token-file missing.tok status");
	tls_fx_holds("missing token file", out,
	             "token file missing.tok: No such", "rc=2", NULL);
	daemon_fx_sh(&fx->d, out, sizeof out,
	             "cd '%s' && cp ada.tok loose.tok && chmod 644 loose.tok",
	             fx->pki);
	tls_fx_cli(fx, out, sizeof out, "--token-file loose.tok status");
	tls_fx_holds("loose token file", out, "can be read by group or others",
	             "ada (admin)", "rc=0", NULL);
}

/* A token past its expiry is refused (the server's clock moved on). */
static void
test_expired_token(void **state)
{
	struct tls_fx *fx = *state;
	struct isms_sync *a = tls_fx_admin(fx);
	char *day = tls_fx_token_new(a, "ed", 1, NULL);

	isms_sync_free(a);
	isms_sync_free(
	    tls_fx_dial_as(fx, fx->ep, day, NULL, false, "ed",
	                   ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_EDITOR));
	tls_fx_start(fx, false, 2 * 86400);
	tls_fx_dial_fails(fx, fx->ep, "ca.pem", day, NULL, false, ISMS_EUNAUTH,
	                  "expired");
	isms_sync_free(
	    tls_fx_dial_as(fx, fx->ep, fx->ed_token, NULL, false, "ed",
	                   ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_EDITOR));
	free(day);
}

/* Wakes the loop now and then, so that a deadline is looked at. */
static void
pump_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
}

/* Runs base until *done or for at most ms; whether *done. */
static bool
pump_until(struct event_base *base, const bool *done, int ms)
{
	struct timeval tick = {0, 10000};
	struct event *ev = event_new(base, -1, EV_PERSIST, pump_tick, NULL);
	struct timespec t0, t;

	evtimer_add(ev, &tick);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!*done) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 +
		        (t.tv_nsec - t0.tv_nsec) / 1000000 >=
		    ms)
			break;
		event_base_loop(base, EVLOOP_ONCE);
	}
	event_free(ev);
	return *done;
}

/* A subscription's end: its code and message. */
struct sub_end {
	bool done;
	int code;
	char msg[256];
};

/* Subscription replies: an OK is the start or an event; an error ends. */
static void
sub_cb(struct isms_client *c, const Isms__V1__Reply *r, void *arg)
{
	struct sub_end *end = arg;

	(void)c;
	if (r->status != NULL && r->status->code != ISMS__V1__CODE__OK) {
		end->done = true;
		end->code = (int)r->status->code;
		snprintf(end->msg, sizeof end->msg, "%s",
		         r->status->message != NULL ? r->status->message : "");
	}
}

/* A hello reply: a refusal shows in the subscription. */
static void
hello_cb(struct isms_client *c, const Isms__V1__Reply *r, void *arg)
{
	(void)c;
	(void)r;
	(void)arg;
}

/* Info on s: refused as expired, or the connection is gone for it. */
static void
info_expired(struct isms_sync *s)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Info info = ISMS__V1__INFO__INIT;
	struct isms_err err = {0};
	Isms__V1__Reply *r;

	req.call_case = ISMS__V1__REQUEST__CALL_INFO;
	req.info = &info;
	if ((r = isms_sync_call(s, &req, &err)) == NULL) {
		if (strstr(err.msg, "expired") == NULL)
			fail_msg("info after expiry: %s", err.msg);
		return;
	}
	assert_int_equal(r->status->code, ISMS_EUNAUTH);
	assert_non_null(strstr(r->status->message, "expired"));
	isms_reply_free(r);
}

/*
 * A token expires on connections already open too: a quiet subscriber
 * (spared by the idle timeout) is cut at expiry with UNAUTHENTICATED, and
 * so is a connection that sends nothing; no new one is let in.
 */
static void
test_expiry_on_open_connections(void **state)
{
	struct tls_fx *fx = *state;
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Hello hello = ISMS__V1__HELLO__INIT;
	Isms__V1__Subscribe sub = ISMS__V1__SUBSCRIBE__INIT;
	struct isms_client_opts o = {0};
	struct event_base *base = event_base_new();
	struct sub_end end = {0};
	struct isms_client *c;
	struct isms_sync *a, *s;
	struct isms_err err;
	char ca[200], *day;

	/* A token of one day, then the server's clock 3 s short of it. */
	tls_fx_start(fx, false, 0);
	a = tls_fx_admin(fx);
	day = tls_fx_token_new(a, "ed", 1, NULL);
	isms_sync_free(a);
	tls_fx_start(fx, false, 86400 - 3);
	s = tls_fx_dial_as(fx, fx->ep, day, NULL, false, "ed",
	                   ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_EDITOR);
	tls_fx_info_ok(s);
	o.cacert = tls_fx_pki(fx, "ca.pem", ca, sizeof ca);
	assert_non_null(c = isms_client_connect_opts(base, fx->ep, &o, &err));
	hello.has_protocol_major = 1;
	hello.protocol_major = ISMS_PROTOCOL_MAJOR;
	hello.token = day;
	req.call_case = ISMS__V1__REQUEST__CALL_HELLO;
	req.hello = &hello;
	assert_true(isms_client_call(c, &req, hello_cb, NULL) != 0);
	req.call_case = ISMS__V1__REQUEST__CALL_SUBSCRIBE;
	req.subscribe = &sub;
	assert_true(isms_client_call_flags(c, &req, ISMS_CALL_STREAM, sub_cb,
	                                   &end) != 0);
	/* The subscriber says nothing: the server ends it at expiry. */
	if (!pump_until(base, &end.done, 15000))
		fail_msg("the subscriber was not cut at the token's expiry");
	assert_int_equal(end.code, ISMS_EUNAUTH);
	assert_non_null(strstr(end.msg, "expired"));
	info_expired(s);
	tls_fx_dial_fails(fx, fx->ep, "ca.pem", day, NULL, false, ISMS_EUNAUTH,
	                  "expired");
	isms_client_free(c);
	event_base_free(base);
	isms_sync_free(s);
	free(day);
}

/* A connection named by its client certificate stays that user: hello
 * with a token is refused; ismsctl's client sends none there. */
static void
test_certificate_then_token(void **state)
{
	struct tls_fx *fx = *state;
	struct isms_sync *a = tls_fx_admin(fx), *s;
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Hello hello = ISMS__V1__HELLO__INIT;
	Isms__V1__Reply *r;
	struct isms_err err;
	char *vic;

	tls_fx_user_add(a, "tina", ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_ADMIN);
	vic = tls_fx_token_new(a, "tina", 0, NULL);
	isms_sync_free(a);
	/* Certificate and token given: the certificate names it. */
	s = tls_fx_dial_as(fx, fx->ep, vic, "ed", false, "ed",
	                   ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_EDITOR);
	hello.has_protocol_major = 1;
	hello.protocol_major = ISMS_PROTOCOL_MAJOR;
	hello.token = vic;
	req.call_case = ISMS__V1__REQUEST__CALL_HELLO;
	req.hello = &hello;
	assert_non_null(r = isms_sync_call(s, &req, &err));
	assert_int_equal(r->status->code, ISMS__V1__CODE__FAILED_PRECONDITION);
	assert_non_null(strstr(r->status->message, "certificate"));
	isms_reply_free(r);
	/* Still ed: an admin's call is refused. */
	{
		Isms__V1__TokenList tl = ISMS__V1__TOKEN_LIST__INIT;

		req.call_case = ISMS__V1__REQUEST__CALL_TOKEN_LIST;
		req.token_list = &tl;
		assert_non_null(r = isms_sync_call(s, &req, &err));
		assert_int_equal(r->status->code,
		                 ISMS__V1__CODE__PERMISSION_DENIED);
		isms_reply_free(r);
	}
	isms_sync_free(s);
	free(vic);
}

/* Plain TCP: refused by ismsd off loopback, by the client too; served
 * on loopback with --insecure on both ends. */
static void
test_insecure(void **state)
{
	struct tls_fx *fx = *state;
	char out[4096], ep[64];
	int port = tls_fx_free_port("127.0.0.1");

	daemon_fx_sh(&fx->d, out, sizeof out,
	             "timeout 20 '%s' --data-dir '%s/refused' --foreground "
	             "--listen tcp://0.0.0.0:%d --insecure 2>&1; "
	             "echo \"rc=$?\"",
	             ISMSD_BIN, fx->pki, port);
	tls_fx_holds("0.0.0.0 --insecure", out, "loopback", NULL);
	assert_null(strstr(out, "rc=0"));
	assert_null(strstr(out, "rc=124"));
	daemon_fx_sh(&fx->d, out, sizeof out,
	             "timeout 20 '%s' --data-dir '%s/refused' --foreground "
	             "--listen tcp://127.0.0.1:%d 2>&1; echo \"rc=$?\"",
	             ISMSD_BIN, fx->pki, port);
	tls_fx_holds("tcp:// without TLS or --insecure", out, "tls-cert", NULL);
	assert_null(strstr(out, "rc=0"));
	assert_null(strstr(out, "rc=124"));

	tls_fx_start(fx, true, 0);
	isms_sync_free(
	    tls_fx_dial_as(fx, fx->ep, fx->ed_token, NULL, true, "ed",
	                   ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_EDITOR));
	snprintf(ep, sizeof ep, "tcp://localhost:%d", fx->port);
	isms_sync_free(
	    tls_fx_dial_as(fx, ep, fx->ed_token, NULL, true, "ed",
	                   ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_EDITOR));
	/* TLS against a plain listener fails clearly. */
	tls_fx_dial_fails(fx, fx->ep, "ca.pem", fx->ed_token, NULL, false,
	                  ISMS_EUNAVAIL, "TLS: ");
	/* The client sends no plain TCP off loopback (nothing is dialled). */
	snprintf(ep, sizeof ep, "tcp://192.0.2.1:%d", fx->port);
	tls_fx_dial_fails(fx, ep, NULL, fx->ed_token, NULL, true, ISMS_EINVAL,
	                  "loopback");
	daemon_fx_sh(&fx->d, out, sizeof out,
	             "cd '%s' && \"$ISMSCTL\" --endpoint %s --insecure "
	             "--token-file ada.tok status 2>&1; echo \"rc=$?\"",
	             fx->pki, fx->ep);
	tls_fx_holds("ismsctl --insecure", out, "user:         ada (admin)",
	             "rc=0", NULL);
}

/*
 * Runs the commands of the README's TLS section ("$ " lines between its
 * markers) in a fresh directory, the way a reader would after the tour:
 * the ismsd line in the background, the others in order, each expected
 * to exit 0 or with the "exit N" its comment names. Port 7700 becomes a
 * free one. Prints each command's output, then "commands=N fails=N".
 */
static const char readme_script[] =
    "set -u\n"
    "readme=$1 build=$2 port=$3 work=$4 pid=\n"
    "trap '[ -n \"$pid\" ] && kill \"$pid\" 2>/dev/null' EXIT\n"
    "cd \"$work\" && ln -s \"$build\" build && mkdir var || exit 1\n"
    "export ISMS_ENDPOINT=unix:var/ismsd.sock\n"
    "unset ISMS_TOKEN ISMS_CACERT\n"
    "n=0 fails=0\n"
    "while IFS= read -r cmd <&3; do\n"
    "  cmd=${cmd//:7700/:$port} n=$((n + 1)) want=0\n"
    "  case $cmd in\n"
    "  'build/bin/ismsd '*)\n"
    "    eval \"exec $cmd\" >out.$n 2>&1 </dev/null & pid=$!\n"
    "    for _ in $(seq 500); do\n"
    "      (exec 4<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break\n"
    "      sleep 0.02\n"
    "    done\n"
    "    continue ;;\n"
    "  *'# '*'exit '[0-9]*) want=${cmd##*exit } want=${want%%[!0-9]*} ;;\n"
    "  esac\n"
    "  eval \"$cmd\" >out.$n 2>&1 </dev/null\n"
    "  rc=$?\n"
    "  echo \"[$n] rc=$rc: $cmd\"; cat out.$n\n"
    "  [ $rc = $want ] || { echo \"FAIL: exit $rc, not $want\";"
    " fails=$((fails + 1)); }\n"
    "done 3< <(sed -n '/<!-- tls:begin -->/,/<!-- tls:end -->/p' "
    "\"$readme\" | sed -n 's/^\\$ //p')\n"
    "echo \"commands=$n fails=$fails\"\n";

/* The README's TLS section works as written. */
static void
test_readme(void **state)
{
	struct tls_fx *fx = *state;
	char path[200], work[200], cmd[600];
	static char out[65536];
	FILE *f;

	assert_non_null(
	    f = fopen(tls_fx_pki(fx, "readme_tls.sh", path, sizeof path), "w"));
	fputs(readme_script, f);
	fclose(f);
	tls_fx_pki(fx, "readme", work, sizeof work);
	assert_int_equal(mkdir(work, 0700), 0);
	snprintf(cmd, sizeof cmd, "bash '%s' '%s' '%s' %d '%s' 2>&1", path,
	         ISMS_README, ISMS_BUILD_DIR, tls_fx_free_port("127.0.0.1"),
	         work);
	daemon_fx_sh(&fx->d, out, sizeof out, "%s", cmd);
	tls_fx_holds("README TLS section", out, "fails=0",
	             "user:         ed (editor)", "TOK-0001", "UNAUTHENTICATED",
	             "revoked TOK-0001 of ed", "TLS: certificate verify failed",
	             NULL);
	assert_null(strstr(out, "commands=0 "));
}

/* Runs the tests in order: later ones restart ismsd differently. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_token_over_tls),
	    cmocka_unit_test(test_user_cap_over_tcp),
	    cmocka_unit_test(test_server_verified),
	    cmocka_unit_test(test_revoked_token),
	    cmocka_unit_test(test_client_certificate),
	    cmocka_unit_test(test_cli),
	    cmocka_unit_test(test_expired_token),
	    cmocka_unit_test(test_expiry_on_open_connections),
	    cmocka_unit_test(test_certificate_then_token),
	    cmocka_unit_test(test_insecure),
	    cmocka_unit_test(test_readme),
	};

	return cmocka_run_group_tests(tests, tls_fx_setup, tls_fx_teardown);
}
