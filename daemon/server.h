/*
 * server.h: the daemon's state, owned by the loop thread.
 */
#ifndef ISMS_SERVER_H
#define ISMS_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

struct event;
struct event_base;
struct store;
struct writer;
struct conn;
struct listener;

struct server_config {
	const char *data_dir;
	const char *listen[16]; /* "unix:PATH" */
	int nlisten;
	size_t max_frame;
	size_t unpack_budget;
	size_t mapsize;
};

struct server {
	struct server_config cfg;
	struct event_base *base;
	struct store *store;
	struct writer *writer;
	TAILQ_HEAD(, conn) conns;
	size_t nconns;
	uint64_t next_conn_serial;
	TAILQ_HEAD(, listener) listeners;
	int64_t started_at;
	bool stopping;
	struct event *sig_term, *sig_int, *stop_timer;
};

/* The server's clock: Unix seconds. */
int64_t server_now(void);

/* Begins a clean stop: no new work, commit what is queued, reply, exit. */
void server_shutdown(struct server *);

/* Called by conn when a connection is gone. */
void server_conn_gone(struct server *);

#endif
