/*
 * batch.c: the Batch RPC for callers with more puts than one frame holds:
 * the puts go in frames under a size and count bound, all but the last
 * staged on the connection, and the last one applies them all as one
 * unit (see Batch in isms.proto).
 */
#include <stdlib.h>

#include "ismsclient.h"

/* The puts from off that fit one frame under opts' bounds (at least 1). */
static size_t
batch_chunk(Isms__V1__Put *const *puts, size_t n, size_t off, size_t max_bytes,
            size_t max_puts)
{
	size_t k = 0, bytes = 0, one;

	while (off + k < n && k < max_puts) {
		/* The put's own bytes, its tag and length prefix. */
		one = isms__v1__put__get_packed_size(puts[off + k]) + 6;
		if (k > 0 && bytes + one > max_bytes)
			break;
		bytes += one;
		k++;
	}
	return k;
}

/* Sends one Batch request of puts[0..k). */
static Isms__V1__Reply *
batch_send(struct isms_sync *s, Isms__V1__Put *const *puts, size_t k,
           const struct isms_batch_opts *o, bool stage, struct isms_err *err)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Batch b = ISMS__V1__BATCH__INIT;

	b.puts = (Isms__V1__Put **)puts;
	b.n_puts = k;
	if (stage) {
		b.has_stage = 1;
		b.stage = 1;
	} else if (o != NULL) {
		b.has_dry_run = o->dry_run;
		b.dry_run = o->dry_run;
		b.has_upsert = o->upsert;
		b.upsert = o->upsert;
		b.has_keep_ids = o->keep_ids;
		b.keep_ids = o->keep_ids;
		b.users = (Isms__V1__UserPut **)o->users;
		b.n_users = o->n_users;
	}
	req.call_case = ISMS__V1__REQUEST__CALL_BATCH;
	req.batch = &b;
	return isms_sync_call(s, &req, err);
}

Isms__V1__Reply *
isms_sync_batch(struct isms_sync *s, Isms__V1__Put *const *puts, size_t n,
                const struct isms_batch_opts *o, struct isms_err *err)
{
	size_t max_bytes = o != NULL && o->frame_bytes > 0
	                       ? o->frame_bytes
	                       : ISMS_BATCH_FRAME_BYTES;
	size_t max_puts = o != NULL && o->frame_puts > 0
	                      ? o->frame_puts
	                      : ISMS_BATCH_FRAME_PUTS;
	Isms__V1__Reply *reply;
	size_t off = 0, k;

	for (;;) {
		k = batch_chunk(puts, n, off, max_bytes, max_puts);
		if (off + k >= n)
			return batch_send(s, puts + off, k, o, false, err);
		reply = batch_send(s, puts + off, k, o, true, err);
		/* A refused stage ends it: the caller reads why. */
		if (reply == NULL || reply->status == NULL ||
		    reply->status->code != 0)
			return reply;
		isms_reply_free(reply);
		off += k;
	}
}
