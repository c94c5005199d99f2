/* tls.c: the server's TLS context and peer certificates. */
#include <string.h>

#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "server.h"
#include "tls.h"

/* The first OpenSSL error as text. */
static const char *
tls_error(void)
{
	static char buf[256];
	unsigned long e = ERR_get_error();

	if (e == 0)
		return "unknown error";
	ERR_error_string_n(e, buf, sizeof buf);
	ERR_clear_error();
	return buf;
}

SSL_CTX *
tls_server_ctx(const struct server_config *cfg, struct isms_err *err)
{
	SSL_CTX *ctx;

	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		isms_err_set(err, ISMS_EINTERNAL, "TLS: %s", tls_error());
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF |
	                             SSL_OP_NO_RENEGOTIATION);
	/* Send the configured chain only, not the client CA's store. */
	SSL_CTX_set_mode(ctx, SSL_MODE_NO_AUTO_CHAIN);
	if (SSL_CTX_use_certificate_chain_file(ctx, cfg->tls_cert) != 1) {
		isms_err_set(err, ISMS_EINVAL, "tls-cert %s: %s", cfg->tls_cert,
		             tls_error());
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, cfg->tls_key, SSL_FILETYPE_PEM) !=
	        1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		isms_err_set(err, ISMS_EINVAL, "tls-key %s: %s", cfg->tls_key,
		             tls_error());
		goto fail;
	}
	if (cfg->tls_client_ca != NULL) {
		if (SSL_CTX_load_verify_locations(ctx, cfg->tls_client_ca,
		                                  NULL) != 1) {
			isms_err_set(err, ISMS_EINVAL, "tls-client-ca %s: %s",
			             cfg->tls_client_ca, tls_error());
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
