/* tls_fx.c: test certificates, a TLS ismsd and TLS clients for test_tls. */
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

#include "tls_fx.h"

/* The certificates, made in pki/ by the openssl command. */
static const char pki_script[] =
    "set -e\n"
    "key() { openssl req \"$@\" -newkey ec -pkeyopt "
    "ec_paramgen_curve:prime256v1 -nodes 2>/dev/null; }\n"
    "for ca in ca other-ca; do key -x509 -keyout $ca.key -out $ca.pem "
    "-days 2 -subj /CN=ismsd-test-$ca "
    "-addext basicConstraints=critical,CA:TRUE "
    "-addext keyUsage=critical,keyCertSign,cRLSign; done\n"
    "printf 'basicConstraints=CA:FALSE\\nsubjectAltName=IP:127.0.0.1,"
    "DNS:localhost\\nextendedKeyUsage=serverAuth\\n' >server.ext\n"
    "printf 'basicConstraints=CA:FALSE\\nextendedKeyUsage=clientAuth\\n' "
    ">client.ext\n"
    "leaf() { key -new -keyout $1.key -out $1.csr -subj /CN=$2; "
    "openssl x509 -req -in $1.csr -CA $3.pem -CAkey $3.key "
    "-CAcreateserial -days 2 -extfile $4 -out $1.pem 2>/dev/null; }\n"
    "leaf server localhost ca server.ext\n"
    "leaf ed ed ca client.ext\n"
    "leaf nobody nobody ca client.ext\n"
    "leaf mallory ed other-ca client.ext\n";

/* pki/name in buf. */
const char *
tls_fx_pki(const struct tls_fx *fx, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", fx->pki, name);
	return buf;
}

/* A TCP port nothing listens on at addr (for now). */
int
tls_fx_free_port(const char *addr)
{
	return daemon_fx_free_port(addr);
}

/* (Re)starts ismsd: TLS on both ports, or (insecure) plain TCP on one. */
void
tls_fx_start(struct tls_fx *fx, bool insecure, long clock_offset)
{
	size_t n = 0, k;

	if (fx->d.pid > 0)
		assert_int_equal(daemon_fx_stop(&fx->d, SIGTERM), 0);
	fx->argv[n++] = "--listen";
	fx->argv[n++] = fx->listen;
	if (insecure)
		fx->argv[n++] = "--insecure";
	else {
		fx->argv[n++] = "--listen";
		fx->argv[n++] = fx->listen2;
		fx->argv[n++] = "--tls-cert";
		fx->argv[n++] = fx->cert;
		fx->argv[n++] = "--tls-key";
		fx->argv[n++] = fx->key;
		fx->argv[n++] = "--tls-client-ca";
		fx->argv[n++] = fx->client_ca;
	}
	if (fx->extra != NULL)
		fx->argv[n++] = fx->extra;
	for (k = 0; fx->extras != NULL && fx->extras[k] != NULL &&
	            n + 3 < sizeof fx->argv / sizeof fx->argv[0];
	     k++)
		fx->argv[n++] = fx->extras[k];
	if (clock_offset != 0) {
		snprintf(fx->offset, sizeof fx->offset,
		         "--test-clock-offset=%ld", clock_offset);
		fx->argv[n++] = fx->offset;
	}
	fx->argv[n] = NULL;
	fx->d.argv_extra = fx->argv;
	daemon_fx_start(&fx->d);
	daemon_fx_wait_tcp("127.0.0.1", fx->port);
	if (!insecure)
		daemon_fx_wait_tcp("127.0.0.2", fx->port2);
}

/* Makes the certificates, picks two free ports and starts ismsd. */
int
tls_fx_setup(void **state)
{
	struct tls_fx *fx = calloc(1, sizeof *fx);
	char cmd[sizeof pki_script + 256];

	strcpy(fx->pki, "/tmp/ismsd-tls-XXXXXX");
	assert_non_null(mkdtemp(fx->pki));
	snprintf(cmd, sizeof cmd, "cd '%s' && %s", fx->pki, pki_script);
	if (system(cmd) != 0)
		fail_msg("cannot make test certificates with openssl");
	fx->port = tls_fx_free_port("127.0.0.1");
	fx->port2 = tls_fx_free_port("127.0.0.2");
	snprintf(fx->ep, sizeof fx->ep, "tcp://127.0.0.1:%d", fx->port);
	snprintf(fx->ep2, sizeof fx->ep2, "tcp://127.0.0.2:%d", fx->port2);
	snprintf(fx->listen, sizeof fx->listen, "%s", fx->ep);
	snprintf(fx->listen2, sizeof fx->listen2, "%s", fx->ep2);
	tls_fx_pki(fx, "server.pem", fx->cert, sizeof fx->cert);
	tls_fx_pki(fx, "server.key", fx->key, sizeof fx->key);
	tls_fx_pki(fx, "ca.pem", fx->client_ca, sizeof fx->client_ca);
	tls_fx_start(fx, false, 0);
	*state = fx;
	return 0;
}

/* Stops ismsd and removes its data and the certificates. */
int
tls_fx_teardown(void **state)
{
	struct tls_fx *fx = *state;
	char cmd[200];

	daemon_fx_cleanup(&fx->d);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->pki);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", fx->pki);
	free(fx->ed_token);
	free(fx);
	return 0;
}

/* Sends req on s and returns the reply, which must be OK. */
static Isms__V1__Reply *
tls_fx_call_ok(struct isms_sync *s, Isms__V1__Request *req)
{
	struct isms_err err;
	Isms__V1__Reply *r = isms_sync_call(s, req, &err);

	if (r == NULL)
		fail_msg("call: %s", err.msg);
	if (r->status != NULL && r->status->code != 0)
		fail_msg("call: %s: %s", isms_code_name((int)r->status->code),
		         r->status->message);
	return r;
}

/* root over the Unix socket: admin. */
struct isms_sync *
tls_fx_admin(struct tls_fx *fx)
{
	struct isms_err err;
	struct isms_sync *s = isms_sync_connect(fx->d.endpoint, "t", &err);

	if (s == NULL)
		fail_msg("admin connect: %s", err.msg);
	return s;
}

/* Creates user name with role (ACCESS_ROLE_*). */
void
tls_fx_user_add(struct isms_sync *s, const char *name, int role)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__UserPut up = ISMS__V1__USER_PUT__INIT;
	Isms__V1__User u = ISMS__V1__USER__INIT;

	u.name = (char *)name;
	u.has_role = 1;
	u.role = role;
	up.user = &u;
	up.has_create = up.create = 1;
	req.call_case = ISMS__V1__REQUEST__CALL_USER_PUT;
	req.user_put = &up;
	isms_reply_free(tls_fx_call_ok(s, &req));
}

/* A new token of owner (days: 0 never expires); secret and id malloc'ed. */
char *
tls_fx_token_new(struct isms_sync *s, const char *owner, unsigned days,
                 char **id)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__TokenCreate tc = ISMS__V1__TOKEN_CREATE__INIT;
	Isms__V1__Reply *r;
	char *secret;

	tc.owner = (char *)owner;
	tc.has_expires_days = days > 0;
	tc.expires_days = days;
	req.call_case = ISMS__V1__REQUEST__CALL_TOKEN_CREATE;
	req.token_create = &tc;
	r = tls_fx_call_ok(s, &req);
	assert_int_equal(r->result_case, ISMS__V1__REPLY__RESULT_TOKEN_CREATED);
	assert_int_equal(strlen(r->token_created->secret), 5 + 64);
	assert_memory_equal(r->token_created->secret, "isms_", 5);
	secret = strdup(r->token_created->secret);
	if (id != NULL)
		*id = strdup(r->token_created->token->id);
	isms_reply_free(r);
	return secret;
}

/* Revokes token id. */
void
tls_fx_token_revoke(struct isms_sync *s, const char *id)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__TokenRevoke tr = ISMS__V1__TOKEN_REVOKE__INIT;

	tr.id = (char *)id;
	req.call_case = ISMS__V1__REQUEST__CALL_TOKEN_REVOKE;
	req.token_revoke = &tr;
	isms_reply_free(tls_fx_call_ok(s, &req));
}

/* Connects to ep: TLS trusting pki/cacert (NULL: system CAs) unless
 * insecure, with a token and / or pki/name.pem + .key. */
struct isms_sync *
tls_fx_dial(struct tls_fx *fx, const char *ep, const char *cacert,
            const char *token, const char *cert, bool insecure,
            struct isms_err *err)
{
	struct isms_client_opts o = {0};
	char ca[200], crt[200], key[200], n[64];

	o.token = token;
	o.insecure = insecure;
	o.timeout_ms = 10000;
	if (cacert != NULL)
		o.cacert = tls_fx_pki(fx, cacert, ca, sizeof ca);
	if (cert != NULL) {
		snprintf(n, sizeof n, "%s.pem", cert);
		o.cert = tls_fx_pki(fx, n, crt, sizeof crt);
		snprintf(n, sizeof n, "%s.key", cert);
		o.key = tls_fx_pki(fx, n, key, sizeof key);
	}
	memset(err, 0, sizeof *err);
	return isms_sync_connect_opts(ep, "test_tls", &o, err);
}

/* dial that must succeed, as user with role. */
struct isms_sync *
tls_fx_dial_as(struct tls_fx *fx, const char *ep, const char *token,
               const char *cert, bool insecure, const char *user, int role)
{
	struct isms_err err;
	struct isms_sync *s = tls_fx_dial(fx, ep, insecure ? NULL : "ca.pem",
	                                  token, cert, insecure, &err);
	const Isms__V1__HelloResult *h;

	if (s == NULL)
		fail_msg("connect to %s: %s: %s", ep, isms_code_name(err.code),
		         err.msg);
	h = isms_sync_hello(s);
	assert_non_null(h);
	assert_string_equal(h->user, user);
	assert_true(h->has_role);
	assert_int_equal(h->role, role);
	return s;
}

/* dial that must fail with code, the message holding what. */
void
tls_fx_dial_fails(struct tls_fx *fx, const char *ep, const char *cacert,
                  const char *token, const char *cert, bool insecure, int code,
                  const char *what)
{
	struct isms_err err;
	struct isms_sync *s =
	    tls_fx_dial(fx, ep, cacert, token, cert, insecure, &err);

	if (s != NULL)
		fail_msg("connect to %s as %s succeeded", ep,
		         isms_sync_hello(s)->user);
	if (err.code != code || strstr(err.msg, what) == NULL)
		fail_msg("connect to %s: want %s '%s', got %s '%s'", ep,
		         isms_code_name(code), what, isms_code_name(err.code),
		         err.msg);
}

/* Info on s must answer. */
void
tls_fx_info_ok(struct isms_sync *s)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Info info = ISMS__V1__INFO__INIT;
	Isms__V1__Reply *r;

	req.call_case = ISMS__V1__REQUEST__CALL_INFO;
	req.info = &info;
	r = tls_fx_call_ok(s, &req);
	assert_int_equal(r->result_case, ISMS__V1__REPLY__RESULT_INFO);
	isms_reply_free(r);
}

/* Creates a risk on s; returns its created_by (malloc'ed). */
char *
tls_fx_put_risk(struct isms_sync *s, const char *title)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Put put = ISMS__V1__PUT__INIT;
	Isms__V1__Record rec = ISMS__V1__RECORD__INIT;
	Isms__V1__Risk risk = ISMS__V1__RISK__INIT;
	Isms__V1__Reply *r;
	char *by;

	rec.title = (char *)title;
	rec.owner = "ed";
	rec.body_case = ISMS__V1__RECORD__BODY_RISK;
	rec.risk = &risk;
	put.record = &rec;
	req.call_case = ISMS__V1__REQUEST__CALL_PUT;
	req.put = &put;
	r = tls_fx_call_ok(s, &req);
	assert_int_equal(r->result_case, ISMS__V1__REPLY__RESULT_RECORD);
	by = strdup(r->record->created_by);
	isms_reply_free(r);
	return by;
}

/* Runs ismsctl against the TLS endpoint, trusting the test CA, with args
 * (a shell fragment); stdout and stderr in out, then "rc=N". */
void
tls_fx_cli(struct tls_fx *fx, char *out, size_t len, const char *fmt, ...)
{
	char args[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof args, fmt, ap);
	va_end(ap);
	daemon_fx_sh(&fx->d, out, len,
	             "unset ISMS_TOKEN ISMS_CACERT; cd '%s' && "
	             "\"$ISMSCTL\" --endpoint %s --cacert ca.pem %s 2>&1; "
	             "echo \"rc=$?\"",
	             fx->pki, fx->ep, args);
}

/* out must hold each of the NULL-terminated strings. */
void
tls_fx_holds(const char *what, const char *out, ...)
{
	const char *s;
	va_list ap;

	va_start(ap, out);
	while ((s = va_arg(ap, const char *)) != NULL)
		if (strstr(out, s) == NULL)
			fail_msg("%s: no '%s' in:\n%s", what, s, out);
	va_end(ap);
}

/* Writes a secret to pki/name, readable by its owner only. */
void
tls_fx_token_file(struct tls_fx *fx, const char *name, const char *secret)
{
	char path[200];
	FILE *f;

	assert_non_null(
	    f = fopen(tls_fx_pki(fx, name, path, sizeof path), "w"));
	fprintf(f, "%s\n", secret);
	fclose(f);
	assert_int_equal(chmod(path, 0600), 0);
}