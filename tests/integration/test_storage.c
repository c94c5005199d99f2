/*
 * test_storage.c: when the data cannot grow (a full map, a full disk or
 * a file size limit), a write is refused with RESOURCE_EXHAUSTED and
 * nothing acknowledged is lost.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "sync_fx.h"

static Isms__V1__Reply *
put_big_risk(struct isms_sync *s, unsigned i)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Put put = ISMS__V1__PUT__INIT;
	Isms__V1__Record rec = ISMS__V1__RECORD__INIT;
	Isms__V1__Risk risk = ISMS__V1__RISK__INIT;
	char title[32], desc[1501];

	snprintf(title, sizeof title, "filler %u", i);
	memset(desc, 'a' + i % 26, sizeof desc - 1);
	desc[sizeof desc - 1] = '\0';
	rec.title = title;
	rec.owner = "alice";
	rec.body_case = ISMS__V1__RECORD__BODY_RISK;
	rec.risk = &risk;
	risk.description = desc;
	put.record = &rec;
	req.call_case = ISMS__V1__REQUEST__CALL_PUT;
	req.put = &put;
	return sfx_call(s, &req);
}

/* Every acknowledged risk of ids[0..n) reads back whole. */
static void
check_acked(struct isms_sync *s, char **ids, unsigned n)
{
	Isms__V1__Reply *r;
	unsigned i;

	for (i = 0; i < n; i++) {
		r = sfx_get(s, ids[i]);
		if (sfx_code_of(r) != 0)
			fail_msg("acknowledged %s lost: %s", ids[i],
			         r->status->message);
		assert_int_equal(strlen(r->record->risk->description), 1500);
		assert_int_equal(r->record->risk->description[0], 'a' + i % 26);
		isms_reply_free(r);
	}
	assert_int_equal(sfx_count_risks(s), n);
}

/*
 * The data map fills up: the write that does not fit is refused with
 * RESOURCE_EXHAUSTED and a message that says so; every acknowledged write
 * reads back, nothing refused was stored, the journal still verifies, the
 * daemon goes on serving and stops cleanly; restarted with a larger map,
 * it takes writes again.
 */
static void
test_map_full_loses_nothing(void **state)
{
	static const char *const small[] = {"--map-size", "1048576", NULL};
	static const char *const large[] = {"--map-size", "8388608", NULL};
	struct daemon_fx *fx = *state;
	struct isms_sync *s;
	Isms__V1__Reply *r;
	char *ids[2000];
	unsigned n, i;

	daemon_fx_stop(fx, SIGTERM);
	fx->argv_extra = small;
	daemon_fx_start(fx);
	s = sfx_connect(fx);
	for (n = 0; n < 2000; n++) {
		r = put_big_risk(s, n);
		if (sfx_code_of(r) != 0)
			break;
		ids[n] = strdup(r->record->id);
		isms_reply_free(r);
	}
	if (n == 2000)
		fail_msg("2,000 puts of 1.5 KB fitted a 1 MiB map");
	assert_true(n >= 20);
	assert_int_equal(sfx_code_of(r), ISMS_EEXHAUSTED);
	assert_non_null(strstr(r->status->message, "full"));
	isms_reply_free(r);
	/* Refused again, the same way, and reads go on. */
	r = put_big_risk(s, n);
	assert_int_equal(sfx_code_of(r), ISMS_EEXHAUSTED);
	isms_reply_free(r);
	check_acked(s, ids, n);
	assert_true(sfx_verify_ok(fx) >= n);
	isms_sync_free(s);
	assert_int_equal(daemon_fx_stop(fx, SIGTERM), 0);

	fx->argv_extra = large;
	daemon_fx_start(fx);
	s = sfx_connect(fx);
	check_acked(s, ids, n);
	r = put_big_risk(s, n);
	assert_int_equal(sfx_code_of(r), 0);
	isms_reply_free(r);
	assert_true(sfx_verify_ok(fx) >= n + 1);
	isms_sync_free(s);
	for (i = 0; i < n; i++)
		free(ids[i]);
}

/*
 * A full disk, every time: ismsd runs with a file size limit
 * (RLIMIT_FSIZE, as a full file system would stop it) that its data file
 * reaches. On a page boundary the kernel refuses the next write (EFBIG);
 * inside a page it cuts the write short (LMDB's EIO). Every refused write
 * is RESOURCE_EXHAUSTED either way; the acknowledged ones read back, the
 * journal verifies, SIGTERM still exits 0, and with room again writes go
 * on.
 */
static void
test_full_disk_exhausted(void **state)
{
	static const struct {
		unsigned long slack; /* bytes allowed past the file's size */
		const char *says;    /* in every refusal */
	} phases[] = {
	    {512 * 1024, "File too large"},
	    {128 * 1024 + 2048, "a short write"},
	};
	struct daemon_fx *fx = *state;
	struct isms_sync *s;
	struct stat sb;
	Isms__V1__Reply *r;
	char *ids[4000], path[200];
	unsigned n = 0, refused, i, p;

	snprintf(path, sizeof path, "%s/data.mdb", fx->dir);
	for (p = 0; p < sizeof phases / sizeof phases[0]; p++) {
		daemon_fx_stop(fx, SIGTERM);
		assert_int_equal(stat(path, &sb), 0);
		fx->fsize_limit = (unsigned long)sb.st_size + phases[p].slack;
		daemon_fx_start(fx);
		fx->fsize_limit = 0;
		s = sfx_connect(fx);
		for (refused = 0; n < 4000 && refused < 20;) {
			r = put_big_risk(s, n);
			if (sfx_code_of(r) == 0 && refused > 0)
				fail_msg("a put succeeded after a refusal "
				         "with nothing freed");
			if (sfx_code_of(r) == 0)
				ids[n++] = strdup(r->record->id);
			else if (sfx_code_of(r) != ISMS_EEXHAUSTED ||
			         strstr(r->status->message, phases[p].says) ==
			             NULL)
				fail_msg("phase %u, refusal %u: %s %s", p,
				         refused,
				         isms_code_name(sfx_code_of(r)),
				         r->status->message);
			else
				refused++;
			isms_reply_free(r);
		}
		if (refused == 0)
			fail_msg("4,000 puts of 1.5 KB fitted");
		check_acked(s, ids, n);
		assert_true(sfx_verify_ok(fx) >= n);
		isms_sync_free(s);
		assert_int_equal(daemon_fx_stop(fx, SIGTERM), 0);
	}
	assert_true(n >= 40);
	/* Room again: what was acknowledged is there, writes go on. */
	daemon_fx_start(fx);
	s = sfx_connect(fx);
	check_acked(s, ids, n);
	r = put_big_risk(s, n);
	assert_int_equal(sfx_code_of(r), 0);
	isms_reply_free(r);
	isms_sync_free(s);
	for (i = 0; i < n; i++)
		free(ids[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_map_full_loses_nothing,
	                                    sfx_setup_owners, sfx_teardown),
	    cmocka_unit_test_setup_teardown(test_full_disk_exhausted,
	                                    sfx_setup_owners, sfx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
