/*
 * activation.h: the listening sockets systemd passes to a socket-activated
 * ismsd (sd_listen_fds(3): LISTEN_PID, LISTEN_FDS, LISTEN_FDNAMES), in a
 * few lines. listen.c takes each one a listen endpoint names; the rest are
 * served as they are.
 */
#ifndef ISMS_ACTIVATION_H
#define ISMS_ACTIVATION_H

#include <stdbool.h>
#include <sys/socket.h>

/* Reads the environment once (meant for us: LISTEN_PID is our pid) and
 * clears it, so no child inherits it: how many sockets were passed. */
int activation_init(void);

/* How many passed sockets no endpoint has taken yet. */
int activation_left(void);

/* The passed Unix socket bound to path, now the caller's; else -1. */
int activation_take_unix(const char *path);

/* The passed socket bound to address sa; else -1. */
int activation_take_addr(const struct sockaddr *sa, socklen_t len);

/* The next passed socket no endpoint took, now the caller's, its name
 * (LISTEN_FDNAMES) in *name and whether it is a Unix socket (its path
 * in path); else -1. */
int activation_take_next(const char **name, bool *is_unix, char *path,
                         size_t pathlen);

#endif
