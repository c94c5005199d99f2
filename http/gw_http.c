/*
 * gw_http.c: the HTTP side: evhttp on one TCP address, TLS 1.3 through
 * bufferevent_openssl (as ismsd serves it) or plain on loopback with
 * --insecure, and the limits: header and body caps, the read deadline.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "gw.h"
#include "ismsclient.h"
#include "log.h"
#include "tlsserver.h"

static SSL_CTX *gw_tls; /* NULL: plain HTTP */

/* evhttp's bufferevent for a new connection: TLS when configured. */
static struct bufferevent *
gw_bevcb(struct event_base *base, void *arg)
{
	(void)arg;
	if (gw_tls == NULL)
		return bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	return bufferevent_openssl_socket_new(base, -1, SSL_new(gw_tls),
	                                      BUFFEREVENT_SSL_ACCEPTING,
	                                      BEV_OPT_CLOSE_ON_FREE);
}

/* Whether every address of ai is a loopback one. */
static bool
all_loopback(const struct addrinfo *ai)
{
	for (; ai != NULL; ai = ai->ai_next) {
		if (ai->ai_family == AF_INET &&
		    (ntohl(((const struct sockaddr_in *)ai->ai_addr)
		               ->sin_addr.s_addr) >>
		     24) == 127)
			continue;
		if (ai->ai_family == AF_INET6 &&
		    IN6_IS_ADDR_LOOPBACK(
		        &((const struct sockaddr_in6 *)ai->ai_addr)->sin6_addr))
			continue;
		return false;
	}
	return true;
}

/* Resolves --listen; checks plain HTTP is on loopback only. */
static int
listen_addr(const struct gw_config *cfg, char *host, size_t hostlen, char *port,
            size_t portlen, struct isms_err *err)
{
	struct addrinfo hints = {0}, *ai;
	int rc;

	if (isms_endpoint_tcp(cfg->listen, host, hostlen, port, portlen, err) !=
	    0)
		return -err->code;
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &ai)) != 0)
		return isms_err_set(err, ISMS_EINVAL, "%s: %s", cfg->listen,
		                    gai_strerror(rc));
	rc = 0;
	if (cfg->tls_cert == NULL && !cfg->insecure)
		rc = isms_err_set(err, ISMS_EINVAL,
		                  "%s needs --tls-cert and --tls-key (plain "
		                  "HTTP only with --insecure, on loopback)",
		                  cfg->listen);
	else if (cfg->tls_cert == NULL && !all_loopback(ai))
		rc = isms_err_set(err, ISMS_EINVAL,
		                  "%s: plain HTTP (--insecure) is served on "
		                  "loopback addresses only",
		                  cfg->listen);
	freeaddrinfo(ai);
	return rc;
}

int
gw_http_start(struct gw *gw, struct isms_err *err)
{
	char host[256], port[16];
	int rc;

	if ((rc = listen_addr(&gw->cfg, host, sizeof host, port, sizeof port,
	                      err)) != 0)
		return rc;
	if (gw->cfg.tls_cert != NULL &&
	    (gw_tls = tls_server_ctx_new(gw->cfg.tls_cert, gw->cfg.tls_key,
	                                 err)) == NULL)
		return -err->code;
	if ((gw->http = evhttp_new(gw->base)) == NULL)
		return isms_err_set(err, ISMS_EINTERNAL, "evhttp_new failed");
	evhttp_set_bevcb(gw->http, gw_bevcb, gw);
	evhttp_set_max_headers_size(gw->http, (ev_ssize_t)gw->cfg.max_headers);
	evhttp_set_max_body_size(gw->http, (ev_ssize_t)gw->cfg.max_body);
	evhttp_set_timeout(gw->http, (int)gw->cfg.timeout);
	/* Every method reaches the routes, which answer 405 themselves. */
	evhttp_set_allowed_methods(
	    gw->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
	                  EVHTTP_REQ_PATCH | EVHTTP_REQ_DELETE |
	                  EVHTTP_REQ_HEAD | EVHTTP_REQ_OPTIONS);
	evhttp_set_gencb(gw->http, gw_routes_handle, gw);
	if (evhttp_bind_socket_with_handle(gw->http, host,
	                                   (ev_uint16_t)atoi(port)) == NULL)
		return isms_err_set(err, ISMS_EUNAVAIL, "cannot listen on %s",
		                    gw->cfg.listen);
	log_notice("serving %s on %s", gw_tls != NULL ? "HTTPS" : "HTTP",
	           gw->cfg.listen);
	return 0;
}

void
gw_http_stop(struct gw *gw)
{
	if (gw->http != NULL)
		evhttp_free(gw->http);
	gw->http = NULL;
	SSL_CTX_free(gw_tls);
	gw_tls = NULL;
}
