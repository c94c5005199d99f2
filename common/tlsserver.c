/* tlsserver.c: a server's TLS 1.3 context (tlsserver.h). */
#include <openssl/err.h>

#include "tlsserver.h"

const char *
tls_error_text(void)
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
tls_server_ctx_new(const char *cert, const char *key, struct isms_err *err)
{
	SSL_CTX *ctx;

	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		isms_err_set(err, ISMS_EINTERNAL, "TLS: %s", tls_error_text());
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF |
	                             SSL_OP_NO_RENEGOTIATION);
	/* Send the configured chain only, not a CA store's. */
	SSL_CTX_set_mode(ctx, SSL_MODE_NO_AUTO_CHAIN);
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		isms_err_set(err, ISMS_EINVAL, "tls-cert %s: %s", cert,
		             tls_error_text());
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		isms_err_set(err, ISMS_EINVAL, "tls-key %s: %s", key,
		             tls_error_text());
		goto fail;
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}
