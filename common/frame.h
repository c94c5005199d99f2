/*
 * frame.h: the wire framing, a base-128 varint length then one protobuf
 * message (the standard "delimited" format).
 *
 * The length is checked against max_frame before anything is allocated;
 * a partial frame waits for more bytes.
 */
#ifndef ISMS_FRAME_H
#define ISMS_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

struct evbuffer;

#define FRAME_MAX_DEFAULT (4u * 1024 * 1024)
#define FRAME_HDR_MAX     10 /* a 64-bit varint */

enum frame_result {
	FRAME_OK = 0,         /* a whole frame is there */
	FRAME_NEED_MORE = 1,  /* wait for more bytes */
	FRAME_MALFORMED = -1, /* the length varint is invalid */
	FRAME_TOO_BIG = -2,   /* the length is over max_frame */
};

/*
 * Decodes the length prefix at the start of buf[0..len). On FRAME_OK sets
 * *hdr_len (bytes of varint) and *msg_len; the message itself may not all be
 * in buf yet: the caller checks len >= *hdr_len + *msg_len.
 */
enum frame_result frame_decode_header(const uint8_t *buf, size_t len,
                                      size_t max_frame, size_t *hdr_len,
                                      size_t *msg_len);

/* Writes the varint for msg_len into out; returns its length (1..10). */
size_t frame_encode_header(uint8_t out[FRAME_HDR_MAX], uint64_t msg_len);

/*
 * Looks for one complete frame at the head of in. On FRAME_OK *msg points
 * at msg_len contiguous bytes inside in (valid until in changes) and the
 * caller drains *frame_len bytes when done with them.
 */
enum frame_result frame_next(struct evbuffer *in, size_t max_frame,
                             const uint8_t **msg, size_t *msg_len,
                             size_t *frame_len);

/* Appends msg, length-prefixed, to out, packing in place. 0 or -1. */
int frame_write(struct evbuffer *out, const ProtobufCMessage *msg);

#endif
