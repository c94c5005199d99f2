/*
 * tls.h: TLS 1.3 for tcp:// listeners (OpenSSL under bufferevent_openssl).
 * Debian's libevent 2.1.12 predates its OpenSSL 3 fixes: the context sets
 * SSL_OP_IGNORE_UNEXPECTED_EOF and connections allow a dirty shutdown, so
 * a peer leaving without close_notify is a close, not an error.
 */
#ifndef ISMS_TLS_H
#define ISMS_TLS_H

#include <stddef.h>

#include <openssl/ssl.h>

#include "errcode.h"

struct server_config;
struct bufferevent;

/* A server context from the configured certificate, key and client CA. */
SSL_CTX *tls_server_ctx(const struct server_config *, struct isms_err *err);

/* The CN of the peer's certificate if it was verified, else -1. */
int tls_peer_cn(struct bufferevent *, char *buf, size_t len);

#endif
