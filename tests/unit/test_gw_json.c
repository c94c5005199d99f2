/*
 * test_gw_json.c: ismsd-http's JSON body -> Put (http/gw_json.c): the
 * shape ismsctl prints is taken back, an update's mask names every field
 * of the body, and what the CLI refuses is refused, with the position of
 * malformed JSON. Then every seed of the fuzz target runs through it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fieldargs.h"
#include "gw_json.h"
#include "seed_replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Converts text for register name; returns the code, *put on success. */
static int
conv(const char *name, const char *text, bool update, Isms__V1__Put **put,
     struct isms_err *err)
{
	const ProtobufCFieldDescriptor *reg = ctl_register_find(name);

	assert_non_null(reg);
	memset(err, 0, sizeof *err);
	return gw_json_put(reg, text, strlen(text), update, put, err);
}

/* Whether the mask holds path. */
static bool
mask_has(const Isms__V1__Put *put, const char *path)
{
	size_t i;

	for (i = 0; i < put->n_update_mask; i++)
		if (strcmp(put->update_mask[i], path) == 0)
			return true;
	return false;
}

static void
test_create(void **state)
{
	Isms__V1__Put *put;
	struct isms_err err;

	(void)state;
	assert_int_equal(conv("risk",
	                      "{\"title\":\"Theft\",\"owner\":\"alice\","
	                      "\"tags\":[\"a\",\"b\"],\"risk\":{\"threat\":"
	                      "\"theft\",\"likelihood\":3,\"impact\":4}}",
	                      false, &put, &err),
	                 0);
	assert_string_equal(put->record->title, "Theft");
	assert_int_equal(put->record->n_tags, 2);
	assert_string_equal(put->record->tags[1], "b");
	assert_int_equal(put->record->body_case, ISMS__V1__RECORD__BODY_RISK);
	assert_string_equal(put->record->risk->threat, "theft");
	assert_int_equal(put->record->risk->impact, 4);
	assert_int_equal(put->n_update_mask, 0);
	protobuf_c_message_free_unpacked(&put->base, NULL);
}

static void
test_update_mask(void **state)
{
	Isms__V1__Put *put;
	struct isms_err err;

	(void)state;
	assert_int_equal(conv("risk",
	                      "{\"title\":null,\"tags\":[],\"risk\":"
	                      "{\"impact\":5}}",
	                      true, &put, &err),
	                 0);
	assert_int_equal(put->n_update_mask, 3);
	assert_true(mask_has(put, "title"));
	assert_true(mask_has(put, "tags"));
	assert_true(mask_has(put, "risk.impact"));
	/* null and [] clear: named in the mask, absent from the record. */
	assert_null(put->record->title);
	assert_int_equal(put->record->n_tags, 0);
	protobuf_c_message_free_unpacked(&put->base, NULL);
}

/* Asserts text is refused for register name with msg in the message. */
static void
refused(const char *name, const char *text, const char *msg)
{
	Isms__V1__Put *put = (Isms__V1__Put *)1;
	struct isms_err err;

	assert_int_equal(conv(name, text, true, &put, &err), -ISMS_EINVAL);
	assert_null(put);
	if (strstr(err.msg, msg) == NULL)
		fail_msg("'%s': no '%s' in '%s'", text, msg, err.msg);
}

static void
test_refused(void **state)
{
	(void)state;
	refused("risk", "{\"title\": x}",
	        "malformed JSON at line 1, column 11 (byte 11)");
	refused("risk", "{\n  \"title\": \"a\",\n  oops\n}", "line 3, column");
	refused("risk", "[1]", "must be a JSON object");
	refused("risk", "{\"title\":\"a\",\"title\":\"b\"}", "duplicate");
	refused("risk", "{}", "names no field");
	refused("risk", "{\"id\":\"RSK-0001\"}", "set by the server");
	refused("risk", "{\"rev\":2}", "set by the server");
	refused("risk", "{\"nosuch\":1}", "nosuch");
	refused("risk", "{\"asset\":{\"kind\":\"hardware\"}}", "asset");
	refused("risk", "{\"risk\":{\"impact\":\"high\"}}", "impact");
	refused("risk", "{\"tags\":[[1]]}", "lists of objects");
	refused("risk", "{\"risk.impact\":3}", "not a field name");
	refused("risk",
	        "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":1}}}}}}}",
	        "nested deeper");
	refused("risk", "{\"title\":\"a\\u0000b\"}", "malformed JSON");
	refused("risk", "{\"title\":\"\xff\"}", "malformed JSON");
}

/* Every committed seed of fuzz_json passes the target's checks. */
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
	    cmocka_unit_test(test_create),
	    cmocka_unit_test(test_update_mask),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_fuzz_seeds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
