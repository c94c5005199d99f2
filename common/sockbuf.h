/*
 * sockbuf.h: evbuffers to and from a plain (non-TLS) stream socket with
 * one socket call each way, for the daemon's and the client's hot paths.
 * A bufferevent asks FIONREAD before every read and goes through readv and
 * writev, the file layer; these use recv and sendmsg.
 */
#ifndef ISMS_SOCKBUF_H
#define ISMS_SOCKBUF_H

#include <event2/buffer.h>

/* How a read ended. */
enum sockbuf_end {
	SOCKBUF_AGAIN, /* the socket has no more for now */
	SOCKBUF_EOF,   /* the peer closed its side */
	SOCKBUF_ERROR  /* errno says why */
};

/* Reads what fd holds into buf, chunk bytes per recv, until it would
 * block or 16 chunks came (a fast sender cannot keep the caller reading
 * forever; the socket stays readable); thaws buf's end for it (a bufferevent's input is frozen to all
 * but the bufferevent). What was read stays in buf whatever the end. */
enum sockbuf_end sockbuf_recv(int fd, struct evbuffer *buf, size_t chunk);

/* Sends what buf holds, without blocking, draining what the socket took.
 * 0 (all sent, or the socket is full), or -1 on an error (errno). */
int sockbuf_send(int fd, struct evbuffer *buf);

#endif
