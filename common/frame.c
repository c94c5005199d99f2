/* frame.c: varint-delimited protobuf frames. */
#include <string.h>

#include <event2/buffer.h>

#include "frame.h"

enum frame_result
frame_decode_header(const uint8_t *buf, size_t len, size_t max_frame,
                    size_t *hdr_len, size_t *msg_len)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < len && i < FRAME_HDR_MAX; i++) {
		uint64_t b = buf[i] & 0x7f;

		/* The tenth byte may only carry the top bit of 64. */
		if (i == FRAME_HDR_MAX - 1 && b > 1)
			return FRAME_MALFORMED;
		v |= b << (7 * i);
		if ((buf[i] & 0x80) == 0) {
			if (v > max_frame)
				return FRAME_TOO_BIG;
			*hdr_len = i + 1;
			*msg_len = (size_t)v;
			return FRAME_OK;
		}
		/* Fail early: no need to wait for all ten bytes. */
		if (v > max_frame)
			return FRAME_TOO_BIG;
	}
	if (i == FRAME_HDR_MAX)
		return FRAME_MALFORMED;
	return FRAME_NEED_MORE;
}

size_t
frame_encode_header(uint8_t out[FRAME_HDR_MAX], uint64_t msg_len)
{
	size_t n = 0;

	do {
		out[n] = msg_len & 0x7f;
		msg_len >>= 7;
		if (msg_len != 0)
			out[n] |= 0x80;
		n++;
	} while (msg_len != 0);
	return n;
}

enum frame_result
frame_next(struct evbuffer *in, size_t max_frame, const uint8_t **msg,
           size_t *msg_len, size_t *frame_len)
{
	uint8_t hdr[FRAME_HDR_MAX];
	size_t avail, n, hlen, mlen;
	enum frame_result r;
	unsigned char *p;

	avail = evbuffer_get_length(in);
	if (avail == 0)
		return FRAME_NEED_MORE;
	n = avail < sizeof hdr ? avail : sizeof hdr;
	if (evbuffer_copyout(in, hdr, n) != (ev_ssize_t)n)
		return FRAME_MALFORMED;
	r = frame_decode_header(hdr, n, max_frame, &hlen, &mlen);
	if (r != FRAME_OK)
		return r;
	if (avail - hlen < mlen)
		return FRAME_NEED_MORE;
	if ((p = evbuffer_pullup(in, (ev_ssize_t)(hlen + mlen))) == NULL)
		return FRAME_MALFORMED;
	*msg = p + hlen;
	*msg_len = mlen;
	*frame_len = hlen + mlen;
	return FRAME_OK;
}

int
frame_write(struct evbuffer *out, const ProtobufCMessage *msg)
{
	struct evbuffer_iovec v;
	size_t size, hlen;
	uint8_t hdr[FRAME_HDR_MAX];

	size = protobuf_c_message_get_packed_size(msg);
	hlen = frame_encode_header(hdr, size);
	if (evbuffer_reserve_space(out, (ev_ssize_t)(hlen + size), &v, 1) < 1)
		return -1;
	memcpy(v.iov_base, hdr, hlen);
	protobuf_c_message_pack(msg, (uint8_t *)v.iov_base + hlen);
	v.iov_len = hlen + size;
	return evbuffer_commit_space(out, &v, 1);
}
