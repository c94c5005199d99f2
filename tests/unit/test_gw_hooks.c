/*
 * test_gw_hooks.c: ismsd-http's webhook payloads -> Ingest requests
 * (http/gw_hooks.c): Alertmanager's alerts (fingerprint, severity label,
 * summary or alertname, times, resolved), an OCSF Incident Finding
 * (activity create/update/close, severity_id, other classes refused), the
 * incident form, and malformed JSON with its position. Then every seed of
 * the fuzz target runs through it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gw_hooks.h"
#include "seed_replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEV(x)   ISMS__V1__SEVERITY__SEVERITY_##x
#define STATE(x) ISMS__V1__INGEST_STATE__INGEST_STATE_##x

static int
parse(enum gw_hook kind, const char *text, struct gw_hook_batch *b,
      struct isms_err *err)
{
	memset(err, 0, sizeof *err);
	return gw_hook_parse(kind, text, strlen(text), b, err);
}

static const char am_body[] =
    "{\"version\":\"4\",\"status\":\"firing\",\"receiver\":\"ismsd\","
    "\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":"
    "\"DiskFull\",\"severity\":\"Critical\"},\"annotations\":{\"summary\":"
    "\"Disk almost full\",\"description\":\"/var at 95%\"},\"startsAt\":"
    "\"2026-12-07T21:00:00.123Z\",\"endsAt\":\"0001-01-01T00:00:00Z\","
    "\"generatorURL\":\"http://prom.example/graph\",\"fingerprint\":"
    "\"d41c9a\"},{\"status\":\"resolved\",\"labels\":{\"alertname\":"
    "\"CPUHigh\",\"severity\":\"warning\"},\"annotations\":{},"
    "\"startsAt\":\"2026-12-07T20:00:00+01:00\",\"endsAt\":"
    "\"2026-12-07T20:30:00.5+01:00\",\"generatorURL\":\"ftp://x\","
    "\"fingerprint\":\"77aa01\"}]}";

static void
test_alertmanager(void **state)
{
	struct gw_hook_batch b;
	struct isms_err err;
	Isms__V1__Ingest *a, *c;

	(void)state;
	assert_int_equal(parse(GW_HOOK_ALERTMANAGER, am_body, &b, &err), 0);
	assert_int_equal(b.n, 2);
	a = b.v[0];
	c = b.v[1];
	assert_string_equal(a->source, "alertmanager");
	assert_string_equal(a->external_id, "d41c9a");
	assert_string_equal(a->title, "Disk almost full");
	assert_string_equal(a->description, "/var at 95%");
	assert_int_equal(a->severity, SEV(CRITICAL));
	assert_string_equal(a->link, "http://prom.example/graph");
	assert_true(a->has_detected_at);
	assert_int_equal(a->detected_at, 1796677200);
	assert_false(a->has_resolved_at); /* the zero time is none */
	assert_int_equal(a->state, STATE(FIRING));
	/* No summary: the alertname; an offset; a link that is not http. */
	assert_string_equal(c->title, "CPUHigh");
	assert_int_equal(c->severity, SEV(MEDIUM));
	assert_null(c->link);
	assert_int_equal(c->detected_at, 1796670000);
	assert_true(c->has_resolved_at);
	assert_int_equal(c->resolved_at, 1796671800);
	assert_int_equal(c->state, STATE(RESOLVED));
	gw_hook_batch_free(&b);
}

static const char ocsf_body[] =
    "{\"class_uid\":2005,\"activity_id\":%d,\"severity_id\":%d,"
    "\"time\":1796677300000,\"finding_info\":{\"uid\":\"f-42\","
    "\"title\":\"Brute force\",\"desc\":\"300 failed logins\","
    "\"src_url\":\"https://siem.example/f/42\","
    "\"first_seen_time\":1796677000000}}";

static void
test_ocsf(void **state)
{
	struct gw_hook_batch b;
	struct isms_err err;
	char body[512];

	(void)state;
	snprintf(body, sizeof body, ocsf_body, 1, 4);
	assert_int_equal(parse(GW_HOOK_OCSF, body, &b, &err), 0);
	assert_int_equal(b.n, 1);
	assert_string_equal(b.v[0]->source, "ocsf");
	assert_string_equal(b.v[0]->external_id, "f-42");
	assert_string_equal(b.v[0]->title, "Brute force");
	assert_string_equal(b.v[0]->description, "300 failed logins");
	assert_string_equal(b.v[0]->link, "https://siem.example/f/42");
	assert_int_equal(b.v[0]->severity, SEV(HIGH));
	assert_int_equal(b.v[0]->detected_at, 1796677000);
	assert_int_equal(b.v[0]->state, STATE(FIRING));
	assert_false(b.v[0]->has_resolved_at);
	gw_hook_batch_free(&b);
	snprintf(body, sizeof body, ocsf_body, 3, 6);
	assert_int_equal(parse(GW_HOOK_OCSF, body, &b, &err), 0);
	assert_int_equal(b.v[0]->state, STATE(RESOLVED));
	assert_int_equal(b.v[0]->severity, SEV(CRITICAL));
	assert_int_equal(b.v[0]->resolved_at, 1796677300);
	gw_hook_batch_free(&b);
	snprintf(body, sizeof body, ocsf_body, 4, 1);
	assert_int_equal(parse(GW_HOOK_OCSF, body, &b, &err), -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "activity_id"));
	assert_int_equal(parse(GW_HOOK_OCSF,
	                       "{\"class_uid\":2004,\"activity_id\":1,"
	                       "\"finding_info\":{\"uid\":\"x\"}}",
	                       &b, &err),
	                 -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "class_uid 2005"));
	assert_int_equal(b.n, 0);
}

static void
test_incident_form(void **state)
{
	struct gw_hook_batch b;
	struct isms_err err;

	(void)state;
	assert_int_equal(
	    parse(GW_HOOK_INCIDENT,
	          "{\"source\":\"sentry\",\"external_id\":\"P-1\","
	          "\"title\":\"Crash\",\"severity\":\"high\","
	          "\"state\":\"resolved\",\"link\":\"https://s/1\","
	          "\"resolved_at\":\"2026-12-07T21:00:00Z\"}",
	          &b, &err),
	    0);
	assert_string_equal(b.v[0]->source, "sentry");
	assert_int_equal(b.v[0]->severity, SEV(HIGH));
	assert_int_equal(b.v[0]->state, STATE(RESOLVED));
	assert_int_equal(b.v[0]->resolved_at, 1796677200);
	gw_hook_batch_free(&b);
	assert_int_equal(parse(GW_HOOK_INCIDENT,
	                       "{\"source\":\"s\",\"external_id\":\"x\","
	                       "\"severity\":\"urgent\"}",
	                       &b, &err),
	                 -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "not a severity"));
	assert_int_equal(parse(GW_HOOK_INCIDENT,
	                       "{\"source\":\"s\",\"external_id\":\"x\","
	                       "\"owner\":\"alice\"}",
	                       &b, &err),
	                 -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "'owner' is not a member"));
	assert_int_equal(
	    parse(GW_HOOK_INCIDENT, "{\"source\":\"s\"}", &b, &err),
	    -ISMS_EINVAL);
}

static void
test_refused(void **state)
{
	struct gw_hook_batch b;
	struct isms_err err;

	(void)state;
	assert_int_equal(parse(GW_HOOK_ALERTMANAGER,
	                       "{\"version\":\"4\",\n \"alerts\": [}", &b,
	                       &err),
	                 -ISMS_EINVAL);
	assert_int_equal(err.code, ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "malformed JSON at line 2, column"));
	assert_int_equal(parse(GW_HOOK_ALERTMANAGER,
	                       "{\"version\":\"3\",\"alerts\":[]}", &b, &err),
	                 -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "version"));
	assert_int_equal(
	    parse(GW_HOOK_ALERTMANAGER,
	          "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\"}]}",
	          &b, &err),
	    -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "alerts[0]"));
	assert_int_equal(parse(GW_HOOK_INCIDENT, "[1]", &b, &err),
	                 -ISMS_EINVAL);
	assert_int_equal(b.n, 0);
}

static void
test_fuzz_seeds(void **state)
{
	(void)state;
	assert_true(seed_replay(ISMS_FUZZ_CORPUS, LLVMFuzzerTestOneInput) >= 5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_alertmanager),
	    cmocka_unit_test(test_ocsf),
	    cmocka_unit_test(test_incident_form),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_fuzz_seeds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
