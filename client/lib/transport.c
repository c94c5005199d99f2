/*
 * transport.c: tcp:// for libismsclient. The TCP connect is blocking with
 * a deadline (like the Unix connect next door); the TLS handshake runs in
 * the caller's event loop, under bufferevent_openssl.
 *
 * Debian's libevent 2.1.12 predates its OpenSSL 3 fixes: the context sets
 * SSL_OP_IGNORE_UNEXPECTED_EOF and the bufferevent allows a dirty
 * shutdown, so a server leaving without close_notify is an end of
 * connection, not an error.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "transport.h"

#define TRANSPORT_CONNECT_MS 30000 /* when the caller set no deadline */
#define TRANSPORT_HOST_MAX   256

/* Hints for the TLS failures people run into, by OpenSSL reason. */
static const struct tls_hint {
	int reason;
	const char *hint;
} tls_hints[] = {
    {SSL_R_WRONG_VERSION_NUMBER,
     "is the server speaking plain TCP? that needs --insecure on both ends"},
    {SSL_R_PACKET_LENGTH_TOO_LONG,
     "is the server speaking plain TCP? that needs --insecure on both ends"},
    {SSL_R_TLSV1_ALERT_PROTOCOL_VERSION, "ismsd speaks TLS 1.3 only"},
    {SSL_R_UNSUPPORTED_PROTOCOL, "ismsd speaks TLS 1.3 only"},
    {SSL_R_TLSV1_ALERT_UNKNOWN_CA,
     "ismsd does not trust the issuer of the client certificate"},
    {SSL_R_SSLV3_ALERT_BAD_CERTIFICATE, "ismsd refused the client certificate"},
    {SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED,
     "ismsd wants a client certificate"},
};

#define TLS_NHINTS (sizeof tls_hints / sizeof tls_hints[0])

/* Whether s is an IPv4 or IPv6 address literal (not a name). */
static bool
transport_is_ip(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, s, buf) == 1 ||
	       inet_pton(AF_INET6, s, buf) == 1;
}

/* Whether sa is a loopback address: 127.0.0.0/8, ::1, ::ffff:127.x. */
static bool
transport_is_loopback(const struct sockaddr *sa)
{
	const struct in6_addr *a6;

	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)
		                  ->sin_addr.s_addr) >>
		        24) == 127;
	if (sa->sa_family != AF_INET6)
		return false;
	a6 = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	return IN6_IS_ADDR_LOOPBACK(a6) ||
	       (IN6_IS_ADDR_V4MAPPED(a6) && a6->s6_addr[12] == 127);
}

/* Checks the port is a number in 1..65535. */
static int
transport_port_check(const char *endpoint, const char *port,
                     struct isms_err *err)
{
	unsigned long n = 0;
	const char *p;

	if (*port == '\0')
		return isms_err_set(err, ISMS_EINVAL,
		                    "endpoint '%s' has no port: use "
		                    "tcp://HOST:PORT",
		                    endpoint);
	for (p = port; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || n > 65535)
			return isms_err_set(err, ISMS_EINVAL,
			                    "endpoint '%s': port '%s' is not a "
			                    "number from 1 to 65535",
			                    endpoint, port);
		n = n * 10 + (unsigned long)(*p - '0');
	}
	if (n == 0 || n > 65535)
		return isms_err_set(err, ISMS_EINVAL,
		                    "endpoint '%s': port '%s' is not a number "
		                    "from 1 to 65535",
		                    endpoint, port);
	return 0;
}

/* Splits tcp://HOST:PORT ([V6]:PORT) into host and port, checked. */
int
isms_endpoint_tcp(const char *endpoint, char *host, size_t hostlen, char *port,
                  size_t portlen, struct isms_err *err)
{
	const char *h, *colon, *end;
	size_t n;

	if (strncmp(endpoint, "tcp://", 6) != 0)
		return isms_err_set(err, ISMS_EINVAL,
		                    "endpoint '%s' is not tcp://HOST:PORT",
		                    endpoint);
	h = endpoint + 6;
	if (*h == '[') {
		if ((end = strchr(h, ']')) == NULL)
			return isms_err_set(err, ISMS_EINVAL,
			                    "endpoint '%s': '[' without ']'",
			                    endpoint);
		h++;
		n = (size_t)(end - h);
		colon = end + 1;
		if (*colon != ':')
			return isms_err_set(
			    err, ISMS_EINVAL,
			    "endpoint '%s' has no port: use tcp://[ADDR]:PORT",
			    endpoint);
	} else {
		colon = strchr(h, ':');
		if (colon == NULL)
			return isms_err_set(err, ISMS_EINVAL,
			                    "endpoint '%s' has no port: use "
			                    "tcp://HOST:PORT",
			                    endpoint);
		if (strchr(colon + 1, ':') != NULL)
			return isms_err_set(err, ISMS_EINVAL,
			                    "endpoint '%s': an IPv6 address "
			                    "goes in brackets, as in "
			                    "tcp://[::1]:7700",
			                    endpoint);
		n = (size_t)(colon - h);
	}
	if (n == 0)
		return isms_err_set(err, ISMS_EINVAL,
		                    "endpoint '%s' has no host: use "
		                    "tcp://HOST:PORT",
		                    endpoint);
	if (n >= hostlen || n >= TRANSPORT_HOST_MAX)
		return isms_err_set(err, ISMS_EINVAL,
		                    "endpoint '%s': host name too long",
		                    endpoint);
	if (transport_port_check(endpoint, colon + 1, err) != 0)
		return -ISMS_EINVAL;
	if (strlen(colon + 1) >= portlen)
		return isms_err_set(err, ISMS_EINVAL,
		                    "endpoint '%s': port too long", endpoint);
	memcpy(host, h, n);
	host[n] = '\0';
	memcpy(port, colon + 1, strlen(colon + 1) + 1);
	return 0;
}

/* Connects fd to sa, waiting at most ms; 0 or an errno value. */
static int
transport_connect_one(int fd, const struct sockaddr *sa, socklen_t salen,
                      int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLOUT};
	socklen_t elen = sizeof(int);
	int r, e = 0;

	if (connect(fd, sa, salen) == 0)
		return 0;
	if (errno != EINPROGRESS && errno != EINTR)
		return errno;
	do {
		r = poll(&p, 1, ms);
	} while (r == -1 && errno == EINTR);
	if (r == 0)
		return ETIMEDOUT;
	if (r == -1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &elen) == -1)
		return errno;
	return e;
}

/*
 * Resolves host and connects to the first address that answers; with
 * loopback_only, refuses a host with any non-loopback address. A
 * non-blocking fd, or -code with err.
 */
static int
transport_connect(const char *endpoint, const char *host, const char *port,
                  bool loopback_only, int ms, struct isms_err *err)
{
	struct addrinfo hints = {0}, *res, *ai;
	char addr[INET6_ADDRSTRLEN] = "";
	int fd = -1, rc, e = 0, one = 1;

	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0)
		return isms_err_set(err, ISMS_EUNAVAIL,
		                    "%s: cannot resolve %s: %s", endpoint, host,
		                    gai_strerror(rc));
	for (ai = res; loopback_only && ai != NULL; ai = ai->ai_next) {
		if (transport_is_loopback(ai->ai_addr))
			continue;
		getnameinfo(ai->ai_addr, ai->ai_addrlen, addr, sizeof addr,
		            NULL, 0, NI_NUMERICHOST);
		freeaddrinfo(res);
		return isms_err_set(
		    err, ISMS_EINVAL,
		    "%s: insecure (plain TCP) connections go to "
		    "loopback addresses only, not %s%s%s; use "
		    "TLS",
		    endpoint, host, transport_is_ip(host) ? "" : ", which is ",
		    transport_is_ip(host) ? "" : addr);
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family,
		            ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
		            ai->ai_protocol);
		if (fd == -1) {
			e = errno;
			continue;
		}
		if ((e = transport_connect_one(fd, ai->ai_addr, ai->ai_addrlen,
		                               ms)) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1)
		return isms_err_set(err, ISMS_EUNAVAIL,
		                    "cannot connect to %s: %s", endpoint,
		                    strerror(e != 0 ? e : EHOSTUNREACH));
	/* Requests and replies are small frames: do not wait to coalesce. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

/* The first queued OpenSSL error as text; clears the queue. */
static const char *
transport_ssl_err(char *buf, size_t len)
{
	unsigned long e = ERR_peek_error();
	const char *r;

	ERR_clear_error();
	if (e == 0)
		return "unknown error";
	if ((r = ERR_reason_error_string(e)) != NULL)
		return r;
	ERR_error_string_n(e, buf, len);
	return buf;
}

/* Checks path can be read, so that a typo gets errno's words. */
static int
transport_file_check(const char *what, const char *path, struct isms_err *err)
{
	if (access(path, R_OK) == 0)
		return 0;
	return isms_err_set(err, ISMS_EINVAL, "%s %s: %s", what, path,
	                    strerror(errno));
}

/* A TLS 1.3 client context: the CAs to trust, a client certificate. */
static SSL_CTX *
transport_tls_ctx(const struct isms_client_opts *o, struct isms_err *err)
{
	const char *key = o->key != NULL ? o->key : o->cert;
	char buf[256];
	SSL_CTX *ctx;

	if (o->key != NULL && o->cert == NULL) {
		isms_err_set(
		    err, ISMS_EINVAL,
		    "a client key needs its certificate (--cert FILE)");
		return NULL;
	}
	if ((o->cacert != NULL &&
	     transport_file_check("CA file", o->cacert, err) != 0) ||
	    (o->cert != NULL &&
	     transport_file_check("certificate", o->cert, err) != 0) ||
	    (o->key != NULL && transport_file_check("key", o->key, err) != 0))
		return NULL;
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		isms_err_set(err, ISMS_EINTERNAL, "TLS: %s",
		             transport_ssl_err(buf, sizeof buf));
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if (o->cacert != NULL
	        ? SSL_CTX_load_verify_locations(ctx, o->cacert, NULL) != 1
	        : SSL_CTX_set_default_verify_paths(ctx) != 1) {
		isms_err_set(err, ISMS_EINVAL, "CA file %s: %s",
		             o->cacert != NULL ? o->cacert : "(system default)",
		             transport_ssl_err(buf, sizeof buf));
		goto fail;
	}
	if (o->cert == NULL)
		return ctx;
	if (SSL_CTX_use_certificate_chain_file(ctx, o->cert) != 1) {
		isms_err_set(err, ISMS_EINVAL, "certificate %s: %s", o->cert,
		             transport_ssl_err(buf, sizeof buf));
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		isms_err_set(err, ISMS_EINVAL, "key %s: %s%s", key,
		             transport_ssl_err(buf, sizeof buf),
		             o->key == NULL ? " (the certificate file holds "
		                              "no key: name the key file)"
		                            : "");
		goto fail;
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

/* An SSL for host: its certificate must name host (DNS name or IP). */
static SSL *
transport_tls_new(const char *host, const struct isms_client_opts *o,
                  struct isms_err *err)
{
	SSL_CTX *ctx;
	SSL *ssl;
	char buf[256];
	int ok;

	if ((ctx = transport_tls_ctx(o, err)) == NULL)
		return NULL;
	ssl = SSL_new(ctx);
	SSL_CTX_free(ctx); /* the SSL holds its own reference */
	if (ssl == NULL) {
		isms_err_set(err, ISMS_EINTERNAL, "TLS: %s",
		             transport_ssl_err(buf, sizeof buf));
		return NULL;
	}
	SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	if (transport_is_ip(host))
		/* No SNI for an address (RFC 6066): match its IP SAN. */
		ok = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host);
	else
		ok = SSL_set1_host(ssl, host) == 1 &&
		     SSL_set_tlsext_host_name(ssl, host) == 1;
	if (ok != 1) {
		isms_err_set(err, ISMS_EINVAL,
		             "TLS: cannot verify host '%s': %s", host,
		             transport_ssl_err(buf, sizeof buf));
		SSL_free(ssl);
		return NULL;
	}
	return ssl;
}

/* TCP connect, then TLS (unless insecure) under a bufferevent. */
int
transport_open_tcp(struct event_base *base, const char *endpoint,
                   const struct isms_client_opts *o, struct transport *t,
                   struct isms_err *err)
{
	static const struct isms_client_opts none = {0};
	char host[TRANSPORT_HOST_MAX], port[8];
	struct isms_err local;
	int ms, rc;

	if (o == NULL)
		o = &none;
	if (err == NULL)
		err = &local;
	t->fd = -1;
	t->ssl = NULL;
	t->bev = NULL;
	t->plain_tcp = o->insecure;
	t->client_cert = !o->insecure && o->cert != NULL;
	if ((rc = isms_endpoint_tcp(endpoint, host, sizeof host, port,
	                            sizeof port, err)) != 0)
		return rc;
	if (!o->insecure && (t->ssl = transport_tls_new(host, o, err)) == NULL)
		return -err->code;
	ms = o->timeout_ms > 0 ? o->timeout_ms : TRANSPORT_CONNECT_MS;
	if ((t->fd = transport_connect(endpoint, host, port, o->insecure, ms,
	                               err)) < 0) {
		rc = t->fd;
		t->fd = -1;
		transport_close(t);
		return rc;
	}
	if (t->ssl == NULL)
		t->bev = bufferevent_socket_new(base, t->fd, 0);
	else if ((t->bev = bufferevent_openssl_socket_new(
	              base, t->fd, t->ssl, BUFFEREVENT_SSL_CONNECTING, 0)) !=
	         NULL)
		bufferevent_openssl_set_allow_dirty_shutdown(t->bev, 1);
	if (t->bev == NULL) {
		transport_close(t);
		return isms_err_set(err, ISMS_EUNAVAIL,
		                    "%s: cannot create a bufferevent",
		                    endpoint);
	}
	return 0;
}

/* Frees what transport_open_tcp or the Unix opener made. */
void
transport_close(struct transport *t)
{
	/*
	 * Without BEV_OPT_CLOSE_ON_FREE libevent leaves the SSL and the fd
	 * to us, and touches neither after bufferevent_free.
	 */
	if (t->bev != NULL)
		bufferevent_free(t->bev);
	t->bev = NULL;
	if (t->ssl != NULL)
		SSL_free(t->ssl);
	t->ssl = NULL;
	if (t->fd != -1)
		close(t->fd);
	t->fd = -1;
}

/*
 * The TLS failure the bufferevent recorded, as "TLS: reason (detail)".
 * 0, or -1 when OpenSSL recorded nothing.
 */
static int
transport_tls_why(struct transport *t, char *buf, size_t len)
{
	unsigned long e, first = 0;
	const char *reason, *hint = NULL;
	char tmp[256];
	long v;
	size_t i;

	if (t->bev == NULL || t->ssl == NULL)
		return -1;
	/* libevent also records SSL_get_error's code (lib 0): skip it. */
	while ((e = bufferevent_get_openssl_error(t->bev)) != 0)
		if (first == 0 && ERR_GET_LIB(e) != 0)
			first = e;
	ERR_clear_error();
	if (first == 0)
		return -1;
	if ((reason = ERR_reason_error_string(first)) == NULL) {
		ERR_error_string_n(first, tmp, sizeof tmp);
		reason = tmp;
	}
	for (i = 0; i < TLS_NHINTS; i++)
		if (ERR_GET_LIB(first) == ERR_LIB_SSL &&
		    ERR_GET_REASON(first) == tls_hints[i].reason)
			hint = tls_hints[i].hint;
	if (ERR_GET_LIB(first) == ERR_LIB_SSL &&
	    ERR_GET_REASON(first) == SSL_R_CERTIFICATE_VERIFY_FAILED &&
	    (v = SSL_get_verify_result(t->ssl)) != X509_V_OK)
		snprintf(buf, len, "TLS: %s (%s)", reason,
		         X509_verify_cert_error_string(v));
	else if (hint != NULL)
		snprintf(buf, len, "TLS: %s (%s)", reason, hint);
	else
		snprintf(buf, len, "TLS: %s", reason);
	return 0;
}

/* The reason a connection ended, in words for people. */
void
transport_why_closed(struct transport *t, const char *endpoint, int sockerr,
                     bool tls_up, bool got_frame, char *buf, size_t len)
{
	char tls[300];

	if (transport_tls_why(t, tls, sizeof tls) == 0)
		snprintf(buf, len, "%s: %s",
		         tls_up ? "connection to ismsd lost" : endpoint, tls);
	else if (t->ssl != NULL && !tls_up)
		snprintf(buf, len,
		         "%s: TLS handshake failed: the server closed the "
		         "connection%s%s",
		         endpoint, sockerr != 0 ? ": " : "",
		         sockerr != 0 ? strerror(sockerr) : "");
	else if (t->ssl != NULL && !got_frame && t->client_cert)
		/* TLS 1.3: the server checks our certificate after we are
		 * done, and its alert may be lost in the reset. */
		snprintf(buf, len,
		         "%s: the server closed the TLS connection before "
		         "answering: did it refuse the client certificate?",
		         endpoint);
	else if (t->plain_tcp && !got_frame)
		snprintf(buf, len,
		         "%s: the server closed the connection before "
		         "answering: a TLS listener? (insecure is plain TCP)",
		         endpoint);
	else if (sockerr != 0)
		snprintf(buf, len, "connection to ismsd lost: %s",
		         strerror(sockerr));
	else
		snprintf(buf, len, "connection to ismsd lost");
}
