/*
 * tlsserver.h: a server's TLS 1.3 context from a certificate chain and a
 * key, as ismsd and ismsd-http both serve: no renegotiation, an EOF
 * without close_notify ignored, only the configured chain sent.
 */
#ifndef ISMS_TLSSERVER_H
#define ISMS_TLSSERVER_H

#include <openssl/ssl.h>

#include "errcode.h"

/* The first queued OpenSSL error as text (the queue is cleared). */
const char *tls_error_text(void);

/*
 * A new context serving cert (a PEM chain) with key: NULL with err
 * (INVALID_ARGUMENT naming the flag and file) when either cannot be used.
 */
SSL_CTX *tls_server_ctx_new(const char *cert, const char *key,
                            struct isms_err *err);

#endif
