/*
 * listen.h: listening sockets. Unix sockets get the stale-socket check:
 * a socket that answers means another ismsd runs there.
 */
#ifndef ISMS_LISTEN_H
#define ISMS_LISTEN_H

#include <stdbool.h>

#include "errcode.h"

struct server;

/* Starts listening on an endpoint: "unix:PATH" or "tcp://HOST:PORT". */
int listen_add(struct server *, const char *endpoint, struct isms_err *err);

/* Serves the sockets systemd passed that no endpoint took: Unix ones as
 * they are; a TCP one needs its listen endpoint (TLS settings). */
int listen_add_activated(struct server *, struct isms_err *err);

/* Stops (pause) or resumes accepting on the TCP listeners (tcp) or the
 * Unix ones: each pool of connections has its own. */
void listen_pause(struct server *, bool tcp, bool pause);

/* A descriptor was freed: ends a pause of accepting for lack of them
 * (listen.c pauses every listener when accept fails). */
void listen_resume(struct server *);

/* Closes every listener and removes the socket files. */
void listen_close_all(struct server *);

#endif
