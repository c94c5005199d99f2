/*
 * tls_fx.h: the fixture of test_tls.c: test certificates made with the
 * openssl command in a temp pki/ directory (ca, other-ca, server for
 * 127.0.0.1 / localhost, client certificates ed, nobody, and mallory: CN=ed
 * from other-ca), a real ismsd on its Unix socket and tcp://, and helpers
 * to make users and tokens as root and to dial over TLS.
 */
#ifndef ISMS_TLS_FX_H
#define ISMS_TLS_FX_H

#include <stdbool.h>
#include <stddef.h>

#include "daemon_fx.h"
#include "ismsclient.h"

struct tls_fx {
	struct daemon_fx d;
	char pki[128];
	int port, port2;      /* 127.0.0.1 and 127.0.0.2: same certificate */
	char ep[64], ep2[64]; /* tcp://127.0.0.1:port, tcp://127.0.0.2:port2 */
	char listen[64], listen2[64], cert[160], key[160], client_ca[160];
	char offset[32];
	const char *argv[32];
	char *ed_token;    /* a token of ed (editor) that never expires */
	const char *extra; /* one more ismsd argument for tls_fx_start */
	const char *const *extras; /* more of them: NULL-terminated, or NULL */
};

/* cmocka group setup / teardown: certificates, then ismsd with TLS. */
int tls_fx_setup(void **state);
int tls_fx_teardown(void **state);
/* (Re)starts ismsd: TLS on both ports, or (insecure) plain TCP on one. */
void tls_fx_start(struct tls_fx *, bool insecure, long clock_offset);
/* pki/name in buf. */
const char *tls_fx_pki(const struct tls_fx *, const char *name, char *buf,
                       size_t len);
/* A TCP port nothing listens on at addr (for now). */
int tls_fx_free_port(const char *addr);

/* root over the Unix socket: admin. */
struct isms_sync *tls_fx_admin(struct tls_fx *);
/* Creates user name with role (ACCESS_ROLE_*). */
void tls_fx_user_add(struct isms_sync *, const char *name, int role);
/* A new token of owner (days: 0 never expires); secret, *id malloc'ed. */
char *tls_fx_token_new(struct isms_sync *, const char *owner, unsigned days,
                       char **id);
/* Revokes token id. */
void tls_fx_token_revoke(struct isms_sync *, const char *id);
/* Writes a secret to pki/name, readable by its owner only. */
void tls_fx_token_file(struct tls_fx *, const char *name, const char *secret);

/*
 * Connects to ep: TLS trusting pki/cacert (NULL: the system's CAs) unless
 * insecure, with a token and / or the client certificate pki/cert.pem +
 * .key. NULL with err on failure.
 */
struct isms_sync *tls_fx_dial(struct tls_fx *, const char *ep,
                              const char *cacert, const char *token,
                              const char *cert, bool insecure,
                              struct isms_err *err);
/* tls_fx_dial (trusting ca.pem) that must succeed, as user with role. */
struct isms_sync *tls_fx_dial_as(struct tls_fx *, const char *ep,
                                 const char *token, const char *cert,
                                 bool insecure, const char *user, int role);
/* tls_fx_dial that must fail with code, its message holding what. */
void tls_fx_dial_fails(struct tls_fx *, const char *ep, const char *cacert,
                       const char *token, const char *cert, bool insecure,
                       int code, const char *what);
/* Info on s must answer. */
void tls_fx_info_ok(struct isms_sync *);
/* Creates a risk on s; returns its created_by (malloc'ed). */
char *tls_fx_put_risk(struct isms_sync *, const char *title);

/*
 * Runs ismsctl against the TLS endpoint from pki/, trusting ca.pem, with
 * args (a shell fragment); stdout and stderr in out, then "rc=N".
 */
void tls_fx_cli(struct tls_fx *, char *out, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* out must hold each of the NULL-terminated strings. */
void tls_fx_holds(const char *what, const char *out, ...)
    __attribute__((sentinel));

#endif
