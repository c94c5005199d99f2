/* tls.c: the server's TLS context and peer certificates. */
#include <string.h>

#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "server.h"
#include "tls.h"
#include "tlsserver.h"

SSL_CTX *
tls_server_ctx(const struct server_config *cfg, struct isms_err *err)
{
	SSL_CTX *ctx;

	if ((ctx = tls_server_ctx_new(cfg->tls_cert, cfg->tls_key, err)) ==
	    NULL)
		return NULL;
	if (cfg->tls_client_ca != NULL) {
		if (SSL_CTX_load_verify_locations(ctx, cfg->tls_client_ca,
		                                  NULL) != 1) {
			isms_err_set(err, ISMS_EINVAL, "tls-client-ca %s: %s",
			             cfg->tls_client_ca, tls_error_text());
			goto fail;
		}
		/* A certificate is asked for, not required: a token in
		 * hello authenticates too. */
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

int
tls_peer_cn(struct bufferevent *bev, char *buf, size_t len)
{
	SSL *ssl = bufferevent_openssl_get_ssl(bev);
	X509 *cert;
	int n;

	if (ssl == NULL || SSL_get_verify_result(ssl) != X509_V_OK ||
	    (cert = SSL_get1_peer_certificate(ssl)) == NULL)
		return -1;
	n = X509_NAME_get_text_by_NID(X509_get_subject_name(cert),
	                              NID_commonName, buf, (int)len);
	X509_free(cert);
	return n > 0 ? 0 : -1;
}
