/*
 * fanout.h: a helper thread that shares with the loop thread the sending
 * of one event to many sockets, fork-join. The loop hands it half of the
 * sends, makes the other half, and waits: only sendmsg runs on the helper,
 * and the loop touches no connection meanwhile, so nothing else is shared.
 * (Redis's I/O threads work the same way.)
 */
#ifndef ISMS_FANOUT_H
#define ISMS_FANOUT_H

#include <stddef.h>
#include <sys/uio.h>

#include "errcode.h"

/* Sends below this many are made by the caller alone: waking the helper
 * costs more than it saves. */
#define FANOUT_MIN_SPLIT 64

struct fanout;

/* One socket's share: what to send, and what the socket took. */
struct fanout_job {
	int fd;
	const struct iovec *iov;
	int iovcnt;
	size_t len;  /* bytes in iov */
	size_t sent; /* out: bytes taken (0 on EAGAIN or an error, which the
	              * connection's read side meets and reports) */
};

/* Starts the helper thread. */
int fanout_start(struct fanout **out, struct isms_err *err);

/* Stops and joins the helper (NULL: nothing). */
void fanout_stop(struct fanout *);

/* Makes every job's sendmsg, half of them on the helper when there are
 * enough; returns when all are made. f NULL: all by the caller. */
void fanout_send(struct fanout *f, struct fanout_job *jobs, size_t n);

#endif
