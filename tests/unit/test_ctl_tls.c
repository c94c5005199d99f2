/*
 * test_ctl_tls.c: the daemon-free parts of tcp:// and tokens: parsing
 * tcp://HOST:PORT endpoints, refusals the client makes before dialling
 * (insecure off loopback, unreadable CA files), token files, the global
 * connection options and their environment, and the user / token tables.
 */
#include <sys/stat.h>

#include <getopt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>

#include "ctl.h"
#include "ismsclient.h"

/* Parses ep; returns the code, host and port in h and p. */
static int
parse(const char *ep, char *h, char *p, struct isms_err *err)
{
	h[0] = p[0] = '\0';
	return isms_endpoint_tcp(ep, h, 64, p, 8, err);
}

/* Host names, IPv4, IPv6 in brackets (with a zone). */
static void
test_endpoint_tcp(void **state)
{
	struct isms_err err = {0};
	char h[64], p[8];

	(void)state;
	assert_int_equal(parse("tcp://ismsd.example.org:7700", h, p, &err), 0);
	assert_string_equal(h, "ismsd.example.org");
	assert_string_equal(p, "7700");
	assert_int_equal(parse("tcp://127.0.0.1:1", h, p, &err), 0);
	assert_string_equal(h, "127.0.0.1");
	assert_string_equal(p, "1");
	assert_int_equal(parse("tcp://[::1]:65535", h, p, &err), 0);
	assert_string_equal(h, "::1");
	assert_string_equal(p, "65535");
	assert_int_equal(parse("tcp://[fe80::1%eth0]:7700", h, p, &err), 0);
	assert_string_equal(h, "fe80::1%eth0");
}

/* Each malformed endpoint is refused with words that say why. */
static void
test_endpoint_tcp_bad(void **state)
{
	static const struct {
		const char *ep;
		const char *msg; /* in the error */
	} bad[] = {
	    {"tcp://localhost", "has no port"},
	    {"tcp://localhost:", "has no port"},
	    {"tcp://[::1]", "has no port"},
	    {"tcp://[::1]7700", "has no port"},
	    {"tcp://[::1:7700", "'[' without ']'"},
	    {"tcp://::1:7700", "in brackets"},
	    {"tcp://:7700", "has no host"},
	    {"tcp://[]:7700", "has no host"},
	    {"tcp://h:0", "from 1 to 65535"},
	    {"tcp://h:65536", "from 1 to 65535"},
	    {"tcp://h:99999999999999999999", "from 1 to 65535"},
	    {"tcp://h:77x", "from 1 to 65535"},
	    {"tcp://h:7700/path", "from 1 to 65535"},
	    {"tcp://h:-1", "from 1 to 65535"},
	    {"tcp:h:7700", "not tcp://HOST:PORT"},
	    {"unix:/run/ismsd/ismsd.sock", "not tcp://HOST:PORT"},
	};
	struct isms_err err;
	char h[64], p[8];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(&err, 0, sizeof err);
		if (parse(bad[i].ep, h, p, &err) != -ISMS_EINVAL ||
		    err.code != ISMS_EINVAL ||
		    strstr(err.msg, bad[i].msg) == NULL)
			fail_msg("%s: want '%s', got '%s'", bad[i].ep,
			         bad[i].msg, err.msg);
		assert_string_equal(h, "");
	}
	/* The Unix path parser names TCP, not a missing socket path. */
	assert_int_equal(
	    isms_endpoint_unix_path("tcp://h:1", h, sizeof h, &err),
	    -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "tcp://HOST:PORT"));
}

/* What the client refuses before it dials anything. */
static void
test_connect_refusals(void **state)
{
	struct event_base *base = event_base_new();
	struct isms_client_opts o = {0};
	struct isms_err err = {0};

	(void)state;
	o.insecure = true;
	assert_null(
	    isms_client_connect_opts(base, "tcp://192.0.2.1:7700", &o, &err));
	assert_int_equal(err.code, ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "loopback addresses only"));
	assert_null(isms_client_connect_opts(base, "tcp://[2001:db8::1]:7700",
	                                     &o, &err));
	assert_int_equal(err.code, ISMS_EINVAL);

	o.insecure = false;
	o.cacert = "/nonexistent/ca.pem";
	assert_null(
	    isms_client_connect_opts(base, "tcp://127.0.0.1:7700", &o, &err));
	assert_int_equal(err.code, ISMS_EINVAL);
	assert_string_equal(err.msg, "CA file /nonexistent/ca.pem: No such "
	                             "file or directory");
	o.cacert = NULL;
	o.key = "/nonexistent/key.pem";
	assert_null(
	    isms_client_connect_opts(base, "tcp://127.0.0.1:7700", &o, &err));
	assert_int_equal(err.code, ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "needs its certificate"));
	assert_null(isms_sync_connect_opts("tcp://localhost", "t", NULL, &err));
	assert_int_equal(err.code, ISMS_EINVAL);
	event_base_free(base);
}

/* Writes text to a new temp file with mode; returns its path. */
static char *
temp_file(const char *text, mode_t mode)
{
	char *path = strdup("/tmp/ismsd-tok-XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
	return path;
}

/* Reads a token file holding text; returns the code, token in *tok. */
static int
read_tok(const char *text, mode_t mode, char **tok, bool *loose,
         struct isms_err *err)
{
	char *path = temp_file(text, mode);
	int rc = ctl_token_file_read(path, tok, loose, err);

	unlink(path);
	free(path);
	return rc;
}

/* The first line, trimmed; loose modes flagged; bad files refused. */
static void
test_token_file(void **state)
{
	static const char secret[] = "isms_0123456789abcdef0123456789abcdef"
	                             "0123456789abcdef0123456789abcdef";
	static const char *const good[] = {
	    "isms_0123456789abcdef0123456789abcdef0123456789abcdef"
	    "0123456789abcdef",
	    "isms_0123456789abcdef0123456789abcdef0123456789abcdef"
	    "0123456789abcdef\n",
	    "  isms_0123456789abcdef0123456789abcdef0123456789abcdef"
	    "0123456789abcdef \r\n# a comment on line 2\n",
	    "\tisms_0123456789abcdef0123456789abcdef0123456789abcdef"
	    "0123456789abcdef\t\n\n",
	};
	struct isms_err err = {0};
	char *tok, big[2048];
	bool loose;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		assert_int_equal(read_tok(good[i], 0600, &tok, &loose, &err),
		                 0);
		assert_string_equal(tok, secret);
		assert_false(loose);
		ctl_token_free(tok);
	}
	/* Readable by others: read, with a warning for the caller. */
	assert_int_equal(read_tok(good[1], 0644, &tok, &loose, &err), 0);
	assert_true(loose);
	ctl_token_free(tok);
	assert_int_equal(read_tok(good[1], 0640, &tok, &loose, &err), 0);
	assert_true(loose);
	ctl_token_free(tok);

	assert_int_equal(read_tok("", 0600, &tok, &loose, &err), -ISMS_EINVAL);
	assert_null(tok);
	assert_non_null(strstr(err.msg, "is empty"));
	assert_int_equal(read_tok("\nisms_x\n", 0600, &tok, &loose, &err),
	                 -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "no token"));
	assert_int_equal(read_tok("isms_a isms_b\n", 0600, &tok, &loose, &err),
	                 -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "blank or a control character"));
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(read_tok(big, 0600, &tok, &loose, &err), -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "longer than"));
	assert_null(tok);
	assert_int_equal(
	    ctl_token_file_read("/nonexistent/tok", &tok, &loose, &err),
	    -ISMS_EINVAL);
	assert_string_equal(err.msg, "token file /nonexistent/tok: No such "
	                             "file or directory");
	assert_int_equal(ctl_token_file_read("/tmp", &tok, &loose, &err),
	                 -ISMS_EINVAL);
	assert_null(tok);
	ctl_token_free(NULL);
}

/* --cacert FILE and friends land in the context; ISMS_* fill the gaps. */
static void
test_conn_options(void **state)
{
	struct ctl_ctx ctx = {0};
	struct isms_client_opts o;
	char *tok, *path = temp_file("isms_fromfile\n", 0600);

	(void)state;
	assert_int_equal(ctl_conn_opt(&ctx, 'e', "x"), -1);
	assert_int_equal(ctl_conn_opt(&ctx, CTL_GOPT_CACERT, "ca.pem"), 0);
	assert_int_equal(ctl_conn_opt(&ctx, CTL_GOPT_CERT, "me.pem"), 0);
	assert_int_equal(ctl_conn_opt(&ctx, CTL_GOPT_KEY, "me.key"), 0);
	assert_int_equal(ctl_conn_opt(&ctx, CTL_GOPT_INSECURE, NULL), 0);
	assert_int_equal(ctl_conn_opt(&ctx, CTL_GOPT_TOKEN_FILE, ""),
	                 CTL_EXIT_USAGE);
	optopt = CTL_GOPT_TOKEN_FILE; /* getopt_long: value missing */
	assert_int_equal(ctl_conn_opt(&ctx, '?', NULL), CTL_EXIT_USAGE);
	optopt = 'x';
	assert_int_equal(ctl_conn_opt(&ctx, '?', NULL), -1);
	assert_string_equal(ctx.conn.cacert, "ca.pem");
	assert_string_equal(ctx.conn.cert, "me.pem");
	assert_string_equal(ctx.conn.key, "me.key");
	assert_true(ctx.conn.insecure);

	/* The flags win over the environment. */
	setenv("ISMS_TOKEN", "isms_fromenv", 1);
	setenv("ISMS_CACERT", "env-ca.pem", 1);
	ctx.token_file = path;
	assert_int_equal(ctl_conn_prepare(&ctx, &o, &tok), 0);
	assert_string_equal(tok, "isms_fromfile");
	assert_ptr_equal(o.token, tok);
	assert_string_equal(o.cacert, "ca.pem");
	assert_true(o.insecure);
	assert_int_equal(o.timeout_ms, CTL_TIMEOUT_MS);
	ctl_token_free(tok);
	/* Without them, the environment. */
	ctx.token_file = NULL;
	ctx.conn.cacert = NULL;
	assert_int_equal(ctl_conn_prepare(&ctx, &o, &tok), 0);
	assert_string_equal(tok, "isms_fromenv");
	assert_string_equal(o.cacert, "env-ca.pem");
	ctl_token_free(tok);
	/* Nothing at all: no token. */
	unsetenv("ISMS_TOKEN");
	unsetenv("ISMS_CACERT");
	assert_int_equal(ctl_conn_prepare(&ctx, &o, &tok), 0);
	assert_null(tok);
	assert_null(o.token);
	assert_null(o.cacert);
	/* A token file that cannot be read is a usage error. */
	ctx.token_file = "/nonexistent/tok";
	assert_int_equal(ctl_conn_prepare(&ctx, &o, &tok), CTL_EXIT_USAGE);
	assert_null(tok);
	unlink(path);
	free(path);
}

/* The text ctl_print_msgs writes for msgs in format. */
static char *
print_msgs(enum ctl_format format, const struct ctl_col *cols, size_t ncols,
           ProtobufCMessage *const *msgs, size_t n)
{
	struct ctl_ctx ctx = {0};
	char *buf = NULL;
	size_t len = 0;

	ctx.format = format;
	assert_non_null(ctx.out = open_memstream(&buf, &len));
	ctl_print_msgs(&ctx, msgs[0]->descriptor, cols, ncols, msgs, n);
	fclose(ctx.out);
	return buf;
}

/* Tokens as a table (never, yes / no), CSV (defused) and JSON. */
static void
test_token_rows(void **state)
{
	static const struct ctl_col cols[] = {
	    {"ID", "id", "-"},
	    {"EXPIRES", "expires_at", "never"},
	    {"LAST-USED", "last_used_at", "never"},
	    {"REVOKED", "revoked", "no"},
	};
	Isms__V1__Token a = ISMS__V1__TOKEN__INIT, b = ISMS__V1__TOKEN__INIT;
	ProtobufCMessage *msgs[] = {&a.base, &b.base};
	char *out;

	(void)state;
	a.id = "TOK-0001";
	a.owner = "ed";
	a.has_created_at = 1;
	a.created_at = 1795860000;
	b.id = "TOK-0002";
	b.owner = "=cmd()";
	b.has_expires_at = b.has_last_used_at = b.has_revoked = 1;
	b.expires_at = 1795860000 + 86400;
	b.last_used_at = 1795860000;
	b.revoked = 1;
	out = print_msgs(CTL_FORMAT_TABLE, cols, 4, msgs, 2);
	assert_string_equal(out,
	                    "ID        EXPIRES               LAST-USED        "
	                    "     REVOKED\n"
	                    "TOK-0001  never                 never            "
	                    "     no\n"
	                    "TOK-0002  2026-11-29T10:00:00Z  "
	                    "2026-11-28T10:00:00Z  yes\n");
	free(out);
	out = print_msgs(CTL_FORMAT_CSV, cols, 4, msgs, 2);
	assert_string_equal(out, "id,owner,created_at,expires_at,last_used_at,"
	                         "revoked,session\r\n"
	                         "TOK-0001,ed,2026-11-28T10:00:00Z,,,,\r\n"
	                         "TOK-0002,'=cmd(),,2026-11-29T10:00:00Z,"
	                         "2026-11-28T10:00:00Z,true,\r\n");
	free(out);
	out = print_msgs(CTL_FORMAT_JSON, cols, 4, msgs, 1);
	assert_non_null(strstr(out, "\"id\": \"TOK-0001\""));
	assert_non_null(
	    strstr(out, "\"created_at\": \"2026-11-28T10:00:00Z\""));
	assert_null(strstr(out, "expires_at"));
	free(out);
}

/* Runs the tests. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_endpoint_tcp),
	    cmocka_unit_test(test_endpoint_tcp_bad),
	    cmocka_unit_test(test_connect_refusals),
	    cmocka_unit_test(test_token_file),
	    cmocka_unit_test(test_conn_options),
	    cmocka_unit_test(test_token_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
