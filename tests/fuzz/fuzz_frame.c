/*
 * fuzz_frame.c: libFuzzer target for the frame decoder and for the budgeted
 * unpack of the frames it cuts out.
 *
 * Input: byte 0 picks max_frame (bits 0-2) and the unpack budget (bits
 * 3-5); bytes 1-2 seed the chunk sizes; the rest is the byte stream a
 * client would send. The stream is cut into frames twice: once from one
 * evbuffer holding all of it, once fed to an evbuffer in random chunks
 * (some as separate chains, as a socket read would leave them). Both must
 * give the same frames and the same final answer. Every header is checked
 * against the varint rules, and every frame is unpacked as a Request with
 * the budget allocator, checked against an unbudgeted unpack, run through
 * the wire check and the validator, and packed back.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "errcode.h"
#include "frame.h"
#include "pbbudget.h"
#include "pbfield.h"
#include "pbwire.h"
#include "proto/isms.pb-c.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A failed invariant: libFuzzer saves the input as a crash. */
#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr,                                        \
			        "fuzz_frame: %s:%d: check failed: %s\n",       \
			        __FILE__, __LINE__, #cond);                    \
			abort();                                               \
		}                                                              \
	} while (0)

static const size_t max_frames[8] = {
    0, 1, 127, 128, 16384, 65536, FRAME_MAX_DEFAULT, SIZE_MAX,
};

static const size_t budgets[8] = {
    0, 16, 64, 256, 1024, 4096, 65536, PB_BUDGET_DEFAULT,
};

/* One frame cut from the whole stream. */
struct ref_frame {
	size_t off, hlen, mlen;
};

/* Returns the next number of a xorshift32 sequence. */
static uint32_t
rng_next(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

/* Returns the value of the varint in buf[0..n) (n <= 10, already checked). */
static uint64_t
varint_value(const uint8_t *buf, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)(buf[i] & 0x7f) << (7 * i);
	return v;
}

/* Whether some prefix of continuation bytes in buf already exceeds max. */
static bool
varint_prefix_exceeds(const uint8_t *buf, size_t len, size_t max)
{
	size_t i, n = len < FRAME_HDR_MAX ? len : FRAME_HDR_MAX;
	uint64_t v = 0;

	for (i = 0; i < n; i++) {
		if (i == FRAME_HDR_MAX - 1 && (buf[i] & 0x7f) > 1)
			return false; /* overflow: malformed, not too big */
		v |= (uint64_t)(buf[i] & 0x7f) << (7 * i);
		if (v > max)
			return true;
		if ((buf[i] & 0x80) == 0)
			return false;
	}
	return false;
}

/* Checks one frame_decode_header answer for buf[0..len) against the rules
 * of a varint; returns it. */
static enum frame_result
check_decode(const uint8_t *buf, size_t len, size_t max_frame, size_t *hlenp,
             size_t *mlenp)
{
	uint8_t enc[FRAME_HDR_MAX];
	size_t hlen = SIZE_MAX, mlen = SIZE_MAX, h2, m2, i, n;
	enum frame_result r;

	r = frame_decode_header(buf, len, max_frame, &hlen, &mlen);
	switch (r) {
	case FRAME_OK:
		CHECK(hlen >= 1 && hlen <= FRAME_HDR_MAX && hlen <= len);
		CHECK(mlen <= max_frame);
		CHECK((buf[hlen - 1] & 0x80) == 0);
		for (i = 0; i + 1 < hlen; i++)
			CHECK(buf[i] & 0x80);
		if (hlen == FRAME_HDR_MAX)
			CHECK(buf[hlen - 1] <= 1);
		CHECK(varint_value(buf, hlen) == (uint64_t)mlen);
		/* The canonical encoding is no longer and decodes the same. */
		n = frame_encode_header(enc, mlen);
		CHECK(n >= 1 && n <= hlen);
		CHECK(frame_decode_header(enc, n, max_frame, &h2, &m2) ==
		      FRAME_OK);
		CHECK(h2 == n && m2 == mlen);
		*hlenp = hlen;
		*mlenp = mlen;
		break;
	case FRAME_NEED_MORE:
		CHECK(len < FRAME_HDR_MAX);
		for (i = 0; i < len; i++)
			CHECK(buf[i] & 0x80);
		break;
	case FRAME_MALFORMED:
		CHECK(len >= FRAME_HDR_MAX);
		for (i = 0; i + 1 < FRAME_HDR_MAX; i++)
			CHECK(buf[i] & 0x80);
		CHECK((buf[FRAME_HDR_MAX - 1] & 0x80) ||
		      (buf[FRAME_HDR_MAX - 1] & 0x7f) > 1);
		break;
	case FRAME_TOO_BIG:
		CHECK(varint_prefix_exceeds(buf, len, max_frame));
		break;
	default:
		CHECK(!"frame_decode_header returned an unknown result");
	}
	return r;
}

/*
 * Checks the header at buf on every prefix length: once decided, the
 * answer never changes with more bytes. Returns the answer on all of
 * buf[0..len) and sets *decided to the bytes it took (len + 1 if it needs
 * more than there is).
 */
static enum frame_result
check_header(const uint8_t *buf, size_t len, size_t max_frame, size_t *hlen,
             size_t *mlen, size_t *decided)
{
	enum frame_result first = FRAME_NEED_MORE, r;
	size_t l, h, m, top = len < FRAME_HDR_MAX + 1 ? len : FRAME_HDR_MAX + 1;

	*decided = len + 1;
	for (l = 0; l <= top; l++) {
		r = check_decode(buf, l, max_frame, &h, &m);
		if (first == FRAME_NEED_MORE) {
			first = r;
			if (r != FRAME_NEED_MORE) {
				*decided = l;
				*hlen = h;
				*mlen = m;
			}
		} else {
			CHECK(r == first);
			if (r == FRAME_OK)
				CHECK(h == *hlen && m == *mlen);
		}
	}
	/* A length near SIZE_MAX would wrap: saturate. */
	if (first == FRAME_OK)
		*decided = *mlen > SIZE_MAX - *hlen ? SIZE_MAX : *hlen + *mlen;
	return first;
}

/* Packs m into a new buffer, checking the packed size. */
static uint8_t *
pack_new(const ProtobufCMessage *m, size_t *len)
{
	size_t n = protobuf_c_message_get_packed_size(m);
	uint8_t *buf = malloc(n ? n : 1);

	CHECK(buf != NULL);
	CHECK(protobuf_c_message_pack(m, buf) == n);
	*len = n;
	return buf;
}

/*
 * Checks that a decoded Request survives pack, unpack and deep copy. The
 * unknown fields go first, as nothing the daemon stores keeps them:
 * protobuf-c 1.4.1 keeps even field number 0 when its tag is a non-minimal
 * varint (82 00), then packs it as a tag it refuses itself (02).
 */
static void
check_roundtrip(ProtobufCMessage *m)
{
	const ProtobufCMessageDescriptor *md = &isms__v1__request__descriptor;
	ProtobufCMessage *m2, *d;
	uint8_t *b1, *b2, *b3;
	size_t n1, n2, n3;

	pb_strip_unknown(m);
	b1 = pack_new(m, &n1);
	m2 = protobuf_c_message_unpack(md, NULL, n1, b1);
	CHECK(m2 != NULL);
	b2 = pack_new(m2, &n2);
	CHECK(n2 == n1 && memcmp(b1, b2, n1) == 0);
	d = pb_dup(m);
	b3 = pack_new(d, &n3);
	CHECK(n3 == n1 && memcmp(b1, b3, n1) == 0);
	protobuf_c_message_free_unpacked(d, NULL);
	protobuf_c_message_free_unpacked(m2, NULL);
	free(b1);
	free(b2);
	free(b3);
}

/* Unpacks one frame with the budget and checks it against a plain unpack. */
static void
check_unpack(const uint8_t *msg, size_t mlen, size_t limit)
{
	const ProtobufCMessageDescriptor *md = &isms__v1__request__descriptor;
	struct pb_budget b;
	ProtobufCMessage *req, *plain;
	struct isms_err err;
	static const struct pb_wire_limits lim = {64, 4};

	pb_budget_init(&b, limit);
	req = pb_budget_unpack(&b, md, msg, mlen);
	CHECK(b.used <= b.limit);
	plain = protobuf_c_message_unpack(md, NULL, mlen, msg);
	/* The budget only ever refuses; it never accepts more. */
	if (req != NULL)
		CHECK(plain != NULL);
	if (req == NULL && !b.exceeded)
		CHECK(plain == NULL);
	if (req != NULL) {
		memset(&err, 0, sizeof err);
		/* The wire walk stands in for pb_validate on requests: what
		 * it passes, pb_validate must pass too. */
		if (pb_wire_check(md, msg, mlen, NULL, &err) == 0)
			CHECK(pb_validate(req, &err) == 0);
		(void)pb_wire_check(md, msg, mlen, &lim, &err);
		check_roundtrip(req);
		protobuf_c_message_free_unpacked(req, NULL);
	}
	if (plain != NULL)
		protobuf_c_message_free_unpacked(plain, NULL);
}

/* Checks frame_encode_header on a 64-bit value taken from the input. */
static void
check_encode(const uint8_t *p, size_t len, size_t max_frame)
{
	uint8_t enc[FRAME_HDR_MAX];
	uint64_t v = 0;
	size_t i, n, h, m;
	enum frame_result r;

	for (i = 0; i < len && i < 8; i++)
		v = v << 8 | p[i];
	n = frame_encode_header(enc, v);
	CHECK(n >= 1 && n <= FRAME_HDR_MAX);
	r = frame_decode_header(enc, n, SIZE_MAX, &h, &m);
	CHECK(r == FRAME_OK && h == n && (uint64_t)m == v);
	r = frame_decode_header(enc, n, max_frame, &h, &m);
	CHECK(r == (v <= max_frame ? FRAME_OK : FRAME_TOO_BIG));
}

/* Cuts the whole stream into frames from one evbuffer; returns how many
 * and sets *term to the answer that ended the cutting. */
static size_t
cut_whole(const uint8_t *s, size_t len, size_t max_frame, size_t limit,
          struct ref_frame *out, enum frame_result *term, size_t *decided)
{
	struct evbuffer *in = evbuffer_new();
	const uint8_t *msg;
	size_t k = 0, off = 0, mlen, flen, hlen = 0, hmlen = 0;
	enum frame_result r, hr;

	CHECK(in != NULL);
	CHECK(evbuffer_add(in, s, len) == 0);
	for (;;) {
		hr = check_header(s + off, len - off, max_frame, &hlen, &hmlen,
		                  decided);
		r = frame_next(in, max_frame, &msg, &mlen, &flen);
		if (r != FRAME_OK) {
			/* Needing more is the header's answer, or the body's. */
			CHECK(r == hr ||
			      (r == FRAME_NEED_MORE && hr == FRAME_OK &&
			       *decided > len - off));
			if (r == FRAME_NEED_MORE)
				*decided = len - off + 1;
			*decided += off;
			*term = r;
			break;
		}
		CHECK(hr == FRAME_OK && hlen == flen - mlen && hmlen == mlen);
		CHECK(flen == hlen + mlen && flen <= len - off);
		CHECK(mlen <= max_frame && hlen <= FRAME_HDR_MAX);
		CHECK(memcmp(msg, s + off + hlen, mlen) == 0);
		out[k].off = off;
		out[k].hlen = hlen;
		out[k].mlen = mlen;
		k++;
		check_unpack(msg, mlen, limit);
		CHECK(evbuffer_drain(in, flen) == 0);
		off += flen;
		CHECK(evbuffer_get_length(in) == len - off);
	}
	evbuffer_free(in);
	return k;
}

/* Feeds the stream in random chunks and checks every answer against the
 * whole-stream cut. */
static void
cut_chunked(const uint8_t *s, size_t len, size_t max_frame, uint32_t seed,
            const struct ref_frame *ref, size_t nref, enum frame_result term,
            size_t term_decided)
{
	struct evbuffer *in = evbuffer_new();
	const uint8_t *msg;
	size_t k = 0, fed = 0, off = 0, n, mlen, flen, need;
	enum frame_result r;
	uint32_t rng = seed | 1;

	CHECK(in != NULL);
	while (fed < len) {
		switch (rng_next(&rng) % 4) {
		case 0:
			n = 1 + rng_next(&rng) % 4;
			break;
		case 1:
			n = 1 + rng_next(&rng) % 64;
			break;
		case 2:
			n = 1 + rng_next(&rng) % 4096;
			break;
		default:
			n = len - fed;
			break;
		}
		if (n > len - fed)
			n = len - fed;
		/* A reference is a chain of its own, as a socket read's. */
		if (rng_next(&rng) & 1)
			CHECK(evbuffer_add_reference(in, s + fed, n, NULL,
			                             NULL) == 0);
		else
			CHECK(evbuffer_add(in, s + fed, n) == 0);
		fed += n;
		for (;;) {
			need = k < nref ? ref[k].off + ref[k].hlen + ref[k].mlen
			                : term_decided;
			r = frame_next(in, max_frame, &msg, &mlen, &flen);
			if (r == FRAME_NEED_MORE) {
				CHECK(fed < need);
				break;
			}
			CHECK(fed >= need);
			if (r != FRAME_OK) {
				CHECK(k == nref && r == term);
				evbuffer_free(in);
				return;
			}
			CHECK(k < nref && ref[k].off == off);
			CHECK(ref[k].mlen == mlen &&
			      ref[k].hlen + ref[k].mlen == flen);
			CHECK(memcmp(msg, s + off + ref[k].hlen, mlen) == 0);
			CHECK(evbuffer_drain(in, flen) == 0);
			off += flen;
			k++;
		}
	}
	CHECK(k == nref && term == FRAME_NEED_MORE);
	CHECK(evbuffer_get_length(in) == len - off);
	evbuffer_free(in);
}

/* libFuzzer's entry point: one input, checked both ways. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ref_frame *ref;
	enum frame_result term = FRAME_NEED_MORE;
	size_t max_frame, limit, nref, len, decided = 0;
	const uint8_t *s;
	uint32_t seed;

	if (size < 3)
		return 0;
	max_frame = max_frames[data[0] & 7];
	limit = budgets[(data[0] >> 3) & 7];
	seed = (uint32_t)data[1] << 8 | data[2];
	s = data + 3;
	len = size - 3;
	check_encode(s, len, max_frame);
	/* Every frame is at least one byte. */
	ref = calloc(len + 1, sizeof *ref);
	CHECK(ref != NULL);
	nref = cut_whole(s, len, max_frame, limit, ref, &term, &decided);
	cut_chunked(s, len, max_frame, seed, ref, nref, term, decided);
	free(ref);
	return 0;
}
