/*
 * fuzz_json.c: libFuzzer target for ismsd-http's JSON -> protobuf
 * conversion (http/gw_json.c), the parser every request body meets.
 *
 * Input: byte 0 picks the register (bits 1-7, modulo their number) and
 * create or update (bit 0); the rest is the body. A body is either refused
 * with INVALID_ARGUMENT and a message, or becomes a Put whose record has
 * the register's body, whose update mask (for an update) is not empty, and
 * which packs and unpacks to an equal message.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fieldargs.h"
#include "gw_json.h"
#include "pbfield.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr,                                        \
			        "fuzz_json: %s:%d: check failed: %s\n",        \
			        __FILE__, __LINE__, #cond);                    \
			abort();                                               \
		}                                                              \
	} while (0)

/* The number of registers. */
static size_t
nregisters(void)
{
	static size_t n;

	if (n == 0)
		while (ctl_register_nth(n) != NULL)
			n++;
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const ProtobufCFieldDescriptor *reg;
	struct isms_err err = {0};
	Isms__V1__Put *put = NULL, *back;
	uint8_t *buf;
	size_t len;
	bool update;
	int rc;

	if (size < 1)
		return 0;
	reg = ctl_register_nth((data[0] >> 1) % nregisters());
	update = data[0] & 1;
	rc = gw_json_put(reg, (const char *)data + 1, size - 1, update, &put,
	                 &err);
	if (rc != 0) {
		CHECK(rc == -ISMS_EINVAL && err.code == ISMS_EINVAL);
		CHECK(err.msg[0] != '\0' && put == NULL);
		return 0;
	}
	CHECK(put != NULL && put->record != NULL);
	CHECK(pb_field_present(&put->record->base, reg));
	CHECK(!update || put->n_update_mask > 0);
	len = protobuf_c_message_get_packed_size(&put->base);
	buf = malloc(len + 1);
	CHECK(protobuf_c_message_pack(&put->base, buf) == len);
	back = isms__v1__put__unpack(NULL, len, buf);
	CHECK(back != NULL && pb_equal(&back->base, &put->base));
	isms__v1__put__free_unpacked(back, NULL);
	free(buf);
	protobuf_c_message_free_unpacked(&put->base, NULL);
	return 0;
}
