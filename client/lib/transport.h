/*
 * transport.h: libismsclient's tcp:// transport, internal to the library:
 * the endpoint's host and port, the TCP connect, the TLS 1.3 client (the
 * server's certificate and host name verified, an optional client
 * certificate) and the words for a failed handshake.
 *
 * A transport owns its fd, its SSL (NULL for a Unix socket or insecure
 * plain TCP) and the bufferevent over them; transport_close frees all
 * three at once, so the peer sees the end immediately.
 */
#ifndef ISMS_CLIENT_TRANSPORT_H
#define ISMS_CLIENT_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/ssl.h>

#include "ismsclient.h"

struct bufferevent;
struct event_base;

/* One open connection to ismsd. */
struct transport {
	int fd;                  /* -1 once closed */
	SSL *ssl;                /* NULL: no TLS */
	struct bufferevent *bev; /* NULL once closed */
	bool plain_tcp;          /* insecure tcp:// */
	bool client_cert;        /* a client certificate was offered */
};

/*
 * Connects to a tcp:// endpoint on base: TLS unless opts->insecure, which
 * is refused unless the host resolves to loopback addresses only. 0, or
 * -code with err (INVALID_ARGUMENT: endpoint, files, insecure refusal;
 * UNAVAILABLE: the connect failed).
 */
int transport_open_tcp(struct event_base *base, const char *endpoint,
                       const struct isms_client_opts *opts, struct transport *t,
                       struct isms_err *err);

/* Frees the bufferevent and the SSL and closes the fd. Idempotent. */
void transport_close(struct transport *t);

/*
 * Why the connection to endpoint ended, for people: a TLS failure from
 * the OpenSSL errors the bufferevent kept and the certificate verify
 * result ("tcp://h:p: TLS: certificate verify failed (unable to get local
 * issuer certificate)"), with a hint for the usual mistakes; else the
 * socket error sockerr (0: an end of file). tls_up: the handshake was
 * done; got_frame: the server had answered something.
 */
void transport_why_closed(struct transport *t, const char *endpoint,
                          int sockerr, bool tls_up, bool got_frame, char *buf,
                          size_t len);

#endif
