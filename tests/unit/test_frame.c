/* test_frame.c: the varint frame codec. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <event2/buffer.h>

#include "frame.h"
#include "pbbudget.h"
#include "proto/isms.pb-c.h"

static void
test_header_roundtrip(void **state)
{
	static const uint64_t lens[] = {0,   1,     127,   128,
	                                300, 16383, 16384, FRAME_MAX_DEFAULT};
	uint8_t buf[FRAME_HDR_MAX];
	size_t i, n, hlen, mlen;

	(void)state;
	for (i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		n = frame_encode_header(buf, lens[i]);
		assert_int_equal(frame_decode_header(buf, n, FRAME_MAX_DEFAULT,
		                                     &hlen, &mlen),
		                 FRAME_OK);
		assert_int_equal(hlen, n);
		assert_int_equal(mlen, lens[i]);
		/* Every strict prefix of the varint waits for more. */
		if (n > 1)
			assert_int_equal(frame_decode_header(buf, n - 1,
			                                     FRAME_MAX_DEFAULT,
			                                     &hlen, &mlen),
			                 FRAME_NEED_MORE);
	}
	assert_int_equal(frame_encode_header(buf, 300), 2);
	assert_int_equal(buf[0], 0xac);
	assert_int_equal(buf[1], 0x02);
}

static void
test_oversized(void **state)
{
	uint8_t buf[FRAME_HDR_MAX];
	size_t n, hlen, mlen;

	(void)state;
	n = frame_encode_header(buf, FRAME_MAX_DEFAULT + 1);
	assert_int_equal(
	    frame_decode_header(buf, n, FRAME_MAX_DEFAULT, &hlen, &mlen),
	    FRAME_TOO_BIG);
	/* Refused before the varint is even complete. */
	n = frame_encode_header(buf, ((uint64_t)1 << 40) - 1);
	assert_int_equal(
	    frame_decode_header(buf, 5, FRAME_MAX_DEFAULT, &hlen, &mlen),
	    FRAME_TOO_BIG);
}

static void
test_malformed(void **state)
{
	uint8_t buf[11];
	size_t hlen, mlen;

	(void)state;
	/* Eleven continuation bytes: not a varint. */
	memset(buf, 0x80, sizeof buf);
	assert_int_equal(
	    frame_decode_header(buf, sizeof buf, SIZE_MAX, &hlen, &mlen),
	    FRAME_MALFORMED);
	/* A tenth byte above 1 overflows 64 bits. */
	memset(buf, 0xff, 9);
	buf[9] = 0x02;
	assert_int_equal(frame_decode_header(buf, 10, SIZE_MAX, &hlen, &mlen),
	                 FRAME_MALFORMED);
}

/* Packs a Request with id into out, framed. */
static void
put_request(struct evbuffer *out, uint64_t id)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Get get = ISMS__V1__GET__INIT;

	req.has_id = 1;
	req.id = id;
	get.id = "RSK-0001";
	req.call_case = ISMS__V1__REQUEST__CALL_GET;
	req.get = &get;
	assert_int_equal(frame_write(out, &req.base), 0);
}

/* Pulls every complete frame from in, checking ids count up from first. */
static int
drain_frames(struct evbuffer *in, uint64_t *next_id)
{
	const uint8_t *msg;
	size_t mlen, flen;
	int n = 0, r;
	Isms__V1__Request *req;

	while ((r = frame_next(in, FRAME_MAX_DEFAULT, &msg, &mlen, &flen)) ==
	       FRAME_OK) {
		req = isms__v1__request__unpack(NULL, mlen, msg);
		assert_non_null(req);
		assert_int_equal(req->id, *next_id);
		assert_string_equal(req->get->id, "RSK-0001");
		(*next_id)++;
		isms__v1__request__free_unpacked(req, NULL);
		evbuffer_drain(in, flen);
		n++;
	}
	assert_int_equal(r, FRAME_NEED_MORE);
	return n;
}

static void
test_split_and_batched(void **state)
{
	struct evbuffer *wire = evbuffer_new(), *in = evbuffer_new();
	uint64_t id, next = 1;
	uint8_t byte;
	int got = 0;

	(void)state;
	for (id = 1; id <= 5; id++)
		put_request(wire, id);
	/* Several frames in one read. */
	evbuffer_add_buffer(in, wire);
	got += drain_frames(in, &next);
	assert_int_equal(got, 5);
	/* One byte at a time: partial frames wait. */
	for (id = 6; id <= 8; id++)
		put_request(wire, id);
	while (evbuffer_remove(wire, &byte, 1) == 1) {
		evbuffer_add(in, &byte, 1);
		got += drain_frames(in, &next);
	}
	assert_int_equal(got, 8);
	assert_int_equal(evbuffer_get_length(in), 0);
	evbuffer_free(wire);
	evbuffer_free(in);
}

static void
test_truncated_message(void **state)
{
	struct evbuffer *wire = evbuffer_new();
	const uint8_t *msg;
	size_t mlen, flen, len;
	uint8_t *bytes;
	Isms__V1__Request *req;

	(void)state;
	put_request(wire, 42);
	len = evbuffer_get_length(wire);
	bytes = evbuffer_pullup(wire, -1);
	/* Claim one byte fewer: a frame whose message is cut short. */
	bytes[0] = (uint8_t)(len - 2);
	assert_int_equal(
	    frame_next(wire, FRAME_MAX_DEFAULT, &msg, &mlen, &flen), FRAME_OK);
	req = isms__v1__request__unpack(NULL, mlen, msg);
	assert_null(req);
	evbuffer_free(wire);
}

static void
test_budget(void **state)
{
	struct evbuffer *wire = evbuffer_new();
	struct pb_budget b;
	const uint8_t *msg;
	size_t mlen, flen;
	ProtobufCMessage *m;

	(void)state;
	put_request(wire, 7);
	assert_int_equal(
	    frame_next(wire, FRAME_MAX_DEFAULT, &msg, &mlen, &flen), FRAME_OK);
	pb_budget_init(&b, 16);
	m = pb_budget_unpack(&b, &isms__v1__request__descriptor, msg, mlen);
	assert_null(m);
	assert_true(b.exceeded);
	pb_budget_init(&b, 4096);
	m = pb_budget_unpack(&b, &isms__v1__request__descriptor, msg, mlen);
	assert_non_null(m);
	assert_false(b.exceeded);
	assert_true(b.used > 0 && b.used < 4096);
	protobuf_c_message_free_unpacked(m, NULL);
	evbuffer_free(wire);
}

/* An arena serves what fits and malloc the rest; freeing releases only
 * the latter (ASan would see a bad free or a leak). */
static void
test_budget_arena(void **state)
{
	struct evbuffer *wire = evbuffer_new();
	_Alignas(16) uint8_t arena[sizeof(Isms__V1__Request)];
	_Alignas(16) uint8_t big[1024];
	struct pb_budget b;
	const uint8_t *msg;
	size_t mlen, flen;
	Isms__V1__Request *req;

	(void)state;
	put_request(wire, 9);
	assert_int_equal(
	    frame_next(wire, FRAME_MAX_DEFAULT, &msg, &mlen, &flen), FRAME_OK);
	/* Room for the Request alone: its Get and the id string overflow. */
	pb_budget_init(&b, 4096);
	pb_budget_arena(&b, arena, sizeof arena);
	req = (Isms__V1__Request *)pb_budget_unpack(
	    &b, &isms__v1__request__descriptor, msg, mlen);
	assert_non_null(req);
	assert_ptr_equal(req, arena);
	assert_true((uint8_t *)req->get < arena ||
	            (uint8_t *)req->get >= arena + sizeof arena);
	assert_int_equal(req->id, 9);
	assert_string_equal(req->get->id, "RSK-0001");
	pb_budget_free_unpacked(&b, &req->base);
	assert_int_equal(b.arena_used, 0);
	/* Room for all: the same budget, reused. */
	pb_budget_arena(&b, big, sizeof big);
	req = (Isms__V1__Request *)pb_budget_unpack(
	    &b, &isms__v1__request__descriptor, msg, mlen);
	assert_non_null(req);
	assert_true((uint8_t *)req->get->id > big &&
	            (uint8_t *)req->get->id < big + sizeof big);
	assert_string_equal(req->get->id, "RSK-0001");
	pb_budget_free_unpacked(&b, &req->base);
	evbuffer_free(wire);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_header_roundtrip),
	    cmocka_unit_test(test_oversized),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_split_and_batched),
	    cmocka_unit_test(test_truncated_message),
	    cmocka_unit_test(test_budget),
	    cmocka_unit_test(test_budget_arena),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
