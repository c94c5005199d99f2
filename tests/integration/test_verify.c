/*
 * test_verify.c: "ismsctl journal verify" against a real ismsd whose LMDB
 * files were changed from outside while it was stopped (flip_byte), one
 * test per kind of tampering: each must fail, name the seq or the key, and
 * exit 1; an untampered store after varied writes must verify, deep too.
 * Also: hellos with a token are not durable writes, and a data dir from
 * before schema 2 is brought under the journal at start.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon_fx.h"
#include "ismsclient.h"

#define OUT 16384

/* Varied writes: records of several registers, updates, tags, links, a
 * review, an archive, a method change, users, tokens, a revocation. */
static const char populate_sh[] =
    "set -e; c=\"$ISMSCTL\"; "
    "$c user add alice --display-name 'Alice Martin' "
    "--email alice@example.org; "
    "$c user add bob; $c user add carol; $c user add dave; "
    "$c risk add title='Laptop theft' likelihood=3 impact=4 owner=alice "
    "tags=travel; "
    "$c risk add title=Phishing likelihood=4 impact=4 owner=bob tags=email; "
    "$c risk add title=Flood likelihood=1 impact=5 owner=carol; "
    "$c asset add title='Sales laptops' kind=hardware "
    "classification=confidential owner=alice; "
    "$c action add title='Encrypt laptops' kind=corrective owner=alice "
    "due_on=2030-01-15; "
    "$c risk set RSK-0001 impact=5 treatment=mitigate residual_likelihood=1 "
    "residual_impact=3; "
    "$c risk set RSK-0002 tags+=awareness; "
    "$c link RSK-0001 treated_by A.8.24; "
    "$c link RSK-0002 treated_by ACT-0001; "
    "$c review RSK-0001 note=checked; "
    "$c risk archive RSK-0003; "
    "$c method set acceptance_threshold=12 "
    "levels=low:1:365,medium:5:180,high:13:90,critical:20:30; "
    "$c user add vic --role viewer --uid 4242; "
    "$c user add ed --role editor --email ed@example.org; "
    "$c user set ed role=auditor; "
    "$c token create ed; "
    "$c token create vic; "
    "$c token revoke TOK-0001; "
    "$c risk add title='Last one' likelihood=2 impact=2 owner=dave";

static int
setup(void **state)
{
	struct daemon_fx *fx = calloc(1, sizeof *fx);
	char out[OUT];
	int rc;

	fx->quiet = true;
	daemon_fx_start(fx);
	rc = daemon_fx_sh(fx, out, sizeof out, "{ %s; } 2>&1", populate_sh);
	if (rc != 0)
		fail_msg("populate: exit %d: %s", rc, out);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct daemon_fx *fx = *state;

	if (fx->pid > 0)
		assert_int_equal(daemon_fx_stop(fx, SIGTERM), 0);
	daemon_fx_cleanup(fx);
	free(fx);
	return 0;
}

/* Runs ismsctl with args; returns its exit code, output in out. */
static int ctl(struct daemon_fx *fx, char *out, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
ctl(struct daemon_fx *fx, char *out, const char *fmt, ...)
{
	char args[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof args, fmt, ap);
	va_end(ap);
	return daemon_fx_sh(fx, out, OUT, "\"$ISMSCTL\" %s 2>&1", args);
}

/* The journal head as SEQ:HASH (into head), and its seq. */
static unsigned long long
head_of(struct daemon_fx *fx, char *head, size_t len)
{
	char out[OUT];

	assert_int_equal(ctl(fx, out, "journal head"), 0);
	out[strcspn(out, "\n")] = '\0';
	assert_true(strlen(out) < len);
	memcpy(head, out, strlen(out) + 1);
	return strtoull(out, NULL, 10);
}

/* Stops ismsd with SIGTERM, runs each flip_byte command line (args after
 * the data dir, NULL-terminated), starts ismsd again. */
static void
tamper(struct daemon_fx *fx, ...)
{
	char out[OUT];
	const char *args;
	va_list ap;

	assert_int_equal(daemon_fx_stop(fx, SIGTERM), 0);
	va_start(ap, fx);
	while ((args = va_arg(ap, const char *)) != NULL)
		if (daemon_fx_sh(fx, out, sizeof out, "'%s' '%s' %s 2>&1",
		                 FLIP_BYTE_BIN, fx->dir, args) != 0)
			fail_msg("flip_byte %s: %s", args, out);
	va_end(ap);
	daemon_fx_start(fx);
}

/* "journal verify OPTS" must exit 1 with output holding each string (a
 * NULL-terminated list). */
static void
verify_fails(struct daemon_fx *fx, const char *opts, ...)
{
	char out[OUT];
	const char *want;
	va_list ap;
	int rc = ctl(fx, out, "journal verify %s", opts);

	if (rc != 1)
		fail_msg("journal verify %s: exit %d, not 1: %s", opts, rc,
		         out);
	va_start(ap, opts);
	while ((want = va_arg(ap, const char *)) != NULL)
		if (strstr(out, want) == NULL)
			fail_msg("journal verify %s: no '%s' in: %s", opts,
			         want, out);
	va_end(ap);
}

/* "journal verify OPTS" must exit 0 with "OK: ". */
static void
verify_ok(struct daemon_fx *fx, const char *opts)
{
	char out[OUT];
	int rc = ctl(fx, out, "journal verify %s", opts);

	if (rc != 0 || strncmp(out, "OK: ", 4) != 0)
		fail_msg("journal verify %s: exit %d: %s", opts, rc, out);
}

/* Varied writes verify, deep and against their head, across a restart;
 * one more write moves the head, and the old head still holds. */
static void
test_untampered_verifies(void **state)
{
	struct daemon_fx *fx = *state;
	char head[200], opts[300], out[OUT];

	verify_ok(fx, "");
	verify_ok(fx, "--deep");
	head_of(fx, head, sizeof head);
	snprintf(opts, sizeof opts, "--deep --head %s", head);
	verify_ok(fx, opts);
	tamper(fx, NULL); /* a plain restart */
	verify_ok(fx, opts);
	assert_int_equal(ctl(fx, out, "risk set RSK-0002 likelihood=1"), 0);
	verify_ok(fx, opts);
	verify_ok(fx, "--deep");
}

/* A journal entry deleted from the middle: the gap is the failure, with
 * or without --head (which used to compare one stored hash field). */
static void
test_missing_middle_entry(void **state)
{
	struct daemon_fx *fx = *state;
	char head[200], opts[300];

	head_of(fx, head, sizeof head);
	tamper(fx, "del journal seq:3", NULL);
	verify_fails(fx, "", "FAILED at seq 3: entry 3 is missing", NULL);
	snprintf(opts, sizeof opts, "--head %s", head);
	verify_fails(fx, opts, "FAILED at seq 3: ", NULL);
}

/* The last entries deleted and journal-head rewritten to match: the chain
 * is whole, but what they journaled is still stored, and the head kept
 * off the host is no longer reached. */
static void
test_tail_cut_head_rewritten(void **state)
{
	struct daemon_fx *fx = *state;
	char head[200], opts[300], del1[64], del2[64], to[64];
	unsigned long long n = head_of(fx, head, sizeof head);

	snprintf(del1, sizeof del1, "del journal seq:%llu", n);
	snprintf(del2, sizeof del2, "del journal seq:%llu", n - 1);
	snprintf(to, sizeof to, "head %llu", n - 2);
	tamper(fx, del1, del2, to, NULL);
	verify_fails(fx, "", "FAILED: ", "RSK-0004", NULL);
	snprintf(opts, sizeof opts, "--head %s", head);
	verify_fails(fx, opts, "does not reach the given head", NULL);
}

/* One bit of a latest record flipped: clients would be served it. */
static void
test_latest_record_bit_flipped(void **state)
{
	struct daemon_fx *fx = *state;

	tamper(fx, "flip records rec:RSK-0002 10", NULL);
	verify_fails(fx, "",
	             "FAILED: record RSK-0002: the latest record differs from "
	             "its last journaled revision",
	             NULL);
}

/* A risk's rating rewritten (likelihood and impact 1, re-packed validly):
 * a high risk shown as low. */
static void
test_risk_rating_rewritten(void **state)
{
	struct daemon_fx *fx = *state;
	char out[OUT];

	tamper(fx, "risk RSK-0001 1 1", NULL);
	/* The change is served, so the check has something to find. */
	assert_int_equal(ctl(fx, out, "-o json risk get RSK-0001"), 0);
	assert_non_null(strstr(out, "\"likelihood\": 1"));
	verify_fails(fx, "", "record RSK-0001: the latest record differs",
	             NULL);
	verify_fails(fx, "--deep", "record RSK-0001", NULL);
}

/* A viewer made admin in the users db. */
static void
test_viewer_made_admin(void **state)
{
	struct daemon_fx *fx = *state;

	tamper(fx, "role vic 4", NULL);
	verify_fails(fx, "",
	             "FAILED: user vic: the stored bytes differ from its last "
	             "journaled change",
	             NULL);
}

/* A revoked token un-revoked in the tokens db. */
static void
test_token_unrevoked(void **state)
{
	struct daemon_fx *fx = *state;

	tamper(fx, "unrevoke TOK-0001", NULL);
	verify_fails(fx, "",
	             "FAILED: token TOK-0001: the stored bytes differ from its "
	             "last journaled change",
	             NULL);
}

/* Stops ismsd, copies one file of its dir over another, restarts it. */
static void
copy_data(struct daemon_fx *fx, const char *from, const char *to)
{
	char out[OUT];

	assert_int_equal(daemon_fx_stop(fx, SIGTERM), 0);
	if (daemon_fx_sh(fx, out, sizeof out, "cp '%s/%s' '%s/%s' 2>&1",
	                 fx->dir, from, fx->dir, to) != 0)
		fail_msg("cp %s %s: %s", from, to, out);
	daemon_fx_start(fx);
}

/* Keeps a copy of the data file (ismsd stopped meanwhile). */
static void
save_data(struct daemon_fx *fx)
{
	copy_data(fx, "data.mdb", "saved.mdb");
}

/* Puts the data file back as save_data left it. */
static void
restore_data(struct daemon_fx *fx)
{
	copy_data(fx, "saved.mdb", "data.mdb");
}

/* Derived keys: one removed, or one added, in each derived index. Plain
 * verify does not look at them; --deep names the index and the key. */
static void
test_deep_derived_keys(void **state)
{
	static const struct {
		const char *del;   /* flip_byte command removing a key */
		const char *stray; /* and adding one */
		const char *name;  /* the index as verify names it */
	} cases[] = {
	    {"del idx first", "stray idx first", "index: key "},
	    {"del links first", "stray links first", "links: key "},
	    {"del due first", "stray due first", "due: key "},
	    {"del users hex:6900001092", "stray users first",
	     "uid index: key "},
	    {"del tokens first", "stray tokens first", "token index: key "},
	};
	struct daemon_fx *fx = *state;
	char want[100];
	size_t i;

	save_data(fx);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(want, sizeof want, "FAILED: %s", cases[i].name);
		tamper(fx, cases[i].del, NULL);
		verify_ok(fx, "");
		verify_fails(fx, "--deep", want, "is missing", NULL);
		restore_data(fx);
		tamper(fx, cases[i].stray, NULL);
		verify_ok(fx, "");
		verify_fails(fx, "--deep", want, "derives from no record",
		             NULL);
		restore_data(fx);
		verify_ok(fx, "--deep");
	}
}

/* An earlier entry altered: --head SEQ:HASH fails though entry SEQ's
 * stored hash is intact; and a chain rebuilt from the altered entry on
 * (what whoever holds the files can do) passes plain verify but not the
 * head kept off the host: its recomputed hash there differs. */
static void
test_head_recomputed(void **state)
{
	struct daemon_fx *fx = *state;
	char head[200], opts[300];
	unsigned long long n = head_of(fx, head, sizeof head);

	snprintf(opts, sizeof opts, "--head %s", head);
	tamper(fx, "flip journal seq:2 20", NULL);
	verify_fails(fx, opts, "FAILED at seq 2: ", NULL);
	tamper(fx, "flip journal seq:2 20", "rechain 2", NULL);
	verify_ok(fx, "");
	snprintf(head, sizeof head, "FAILED at seq %llu: the chain's hash", n);
	verify_fails(fx, opts, head, NULL);
}

/* The daemon's commits so far, by the Info RPC. */
static uint64_t
commits(const char *endpoint)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Info info = ISMS__V1__INFO__INIT;
	struct isms_err err;
	struct isms_sync *s = isms_sync_connect(endpoint, "test", &err);
	Isms__V1__Reply *r;
	uint64_t n;

	if (s == NULL)
		fail_msg("connect: %s", err.msg);
	req.call_case = ISMS__V1__REQUEST__CALL_INFO;
	req.info = &info;
	assert_non_null(r = isms_sync_call(s, &req, &err));
	assert_int_equal(r->result_case, ISMS__V1__REPLY__RESULT_INFO);
	n = r->info->commits;
	isms_reply_free(r);
	isms_sync_free(s);
	return n;
}

/* 500 hellos with a token are not 500 durable writes: the last use is
 * kept in memory and written at most once a minute; token list shows it,
 * and after a clean stop it is stored; the store still verifies. */
static void
test_token_hellos_batched(void **state)
{
	struct daemon_fx *fx = *state;
	struct isms_client_opts o = {0};
	const char *argv[] = {"--listen", NULL, "--insecure", NULL};
	char listen[64], ep[64], out[OUT], secret[100];
	struct isms_err err;
	struct isms_sync *s;
	uint64_t before, after;
	int i, port = daemon_fx_free_port("127.0.0.1");

	assert_int_equal(daemon_fx_stop(fx, SIGTERM), 0);
	snprintf(listen, sizeof listen, "tcp://127.0.0.1:%d", port);
	snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", port);
	argv[1] = listen;
	fx->argv_extra = argv;
	daemon_fx_start(fx);
	assert_int_equal(ctl(fx, out, "token create ed"), 0);
	assert_int_equal(sscanf(out, "%*s %99s", secret), 1);
	o.token = secret;
	o.insecure = true;
	o.timeout_ms = 10000;
	before = commits(fx->endpoint);
	daemon_fx_wait_tcp("127.0.0.1", port);
	for (i = 0; i < 500; i++) {
		s = isms_sync_connect_opts(ep, "test", &o, &err);
		if (s == NULL)
			fail_msg("hello %d: %s", i, err.msg);
		isms_sync_free(s);
	}
	after = commits(fx->endpoint);
	if (after - before > 3)
		fail_msg("500 hellos made %llu commits",
		         (unsigned long long)(after - before));
	assert_int_equal(ctl(fx, out, "-o json token list"), 0);
	assert_non_null(strstr(out, "last_used_at"));
	verify_ok(fx, "--deep");
	tamper(fx, NULL);
	assert_int_equal(ctl(fx, out, "-o json token list"), 0);
	assert_non_null(strstr(out, "last_used_at"));
	verify_ok(fx, "--deep");
}

/* A data dir as ismsd wrote it before schema 2 (token events without
 * bytes, a last use inside each token) is brought under the journal at
 * start by baseline entries of ismsd; it then verifies, and tampering
 * with a token is found. */
static void
test_schema_1_migrated(void **state)
{
	struct daemon_fx *fx = *state;
	char out[OUT], *p;

	tamper(fx, "oldtokens", NULL);
	verify_ok(fx, "--deep");
	assert_int_equal(ctl(fx, out, "journal --actor ismsd --id TOK-0001"),
	                 0);
	assert_non_null(strstr(out, "baseline of TOK-0001"));
	assert_int_equal(ctl(fx, out, "journal --actor ismsd --id vic"), 0);
	assert_null(strstr(out, "baseline")); /* users were covered */
	/* The old last use survived, out of the journaled bytes. */
	assert_int_equal(ctl(fx, out, "-o json token list"), 0);
	assert_non_null(strstr(out, "last_used_at"));
	/* A second start baselines nothing more. */
	tamper(fx, NULL);
	assert_int_equal(ctl(fx, out, "journal --actor ismsd --id TOK-0002"),
	                 0);
	assert_non_null(p = strstr(out, "baseline of TOK-0002"));
	assert_null(strstr(p + 1, "baseline of TOK-0002"));
	tamper(fx, "unrevoke TOK-0001", NULL);
	verify_fails(fx, "", "token TOK-0001", NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_untampered_verifies, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_missing_middle_entry, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_tail_cut_head_rewritten, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_latest_record_bit_flipped,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_risk_rating_rewritten, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_viewer_made_admin, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_token_unrevoked, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_deep_derived_keys, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_head_recomputed, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_token_hellos_batched, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_schema_1_migrated, setup,
	                                    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
