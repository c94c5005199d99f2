/*
 * fuzz_hooks.c: libFuzzer target for ismsd-http's webhook payloads ->
 * Ingest requests (http/gw_hooks.c).
 *
 * Input: byte 0 picks the webhook (modulo their number); the rest is the
 * body. A body is either refused with INVALID_ARGUMENT and a message, or
 * becomes at least one Ingest, each with a source and an external id,
 * which packs and unpacks to an equal message.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "gw_hooks.h"
#include "pbfield.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr,                                        \
			        "fuzz_hooks: %s:%d: check failed: %s\n",       \
			        __FILE__, __LINE__, #cond);                    \
			abort();                                               \
		}                                                              \
	} while (0)

/* Packs and unpacks in, which must come back equal. */
static void
roundtrip(const Isms__V1__Ingest *in)
{
	size_t len = protobuf_c_message_get_packed_size(&in->base);
	uint8_t *buf = malloc(len + 1);
	Isms__V1__Ingest *back;

	CHECK(buf != NULL);
	CHECK(protobuf_c_message_pack(&in->base, buf) == len);
	back = isms__v1__ingest__unpack(NULL, len, buf);
	CHECK(back != NULL && pb_equal(&back->base, &in->base));
	isms__v1__ingest__free_unpacked(back, NULL);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gw_hook_batch b;
	struct isms_err err = {0};
	size_t i;
	int rc;

	if (size < 1)
		return 0;
	rc = gw_hook_parse((enum gw_hook)(data[0] % GW_HOOK_N),
	                   (const char *)data + 1, size - 1, &b, &err);
	if (rc != 0) {
		CHECK(rc == -ISMS_EINVAL && err.code == ISMS_EINVAL);
		CHECK(err.msg[0] != '\0' && b.n == 0 && b.v == NULL);
		return 0;
	}
	CHECK(b.n >= 1 && b.n <= GW_HOOK_MAX);
	for (i = 0; i < b.n; i++) {
		CHECK(b.v[i]->source != NULL && b.v[i]->source[0] != '\0');
		CHECK(b.v[i]->external_id != NULL &&
		      b.v[i]->external_id[0] != '\0');
		roundtrip(b.v[i]);
	}
	gw_hook_batch_free(&b);
	return 0;
}
