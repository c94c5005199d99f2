/*
 * gw.h: ismsd-http, the HTTP gateway: what its modules share.
 *
 * The gateway is a client of ismsd like ismsctl: it links the client
 * library and ismsctl's descriptor-driven field and JSON code, never
 * daemon code. It holds no data of its own beyond a pool of connections,
 * one per caller identity (gw_pool.c).
 */
#ifndef ISMS_GW_H
#define ISMS_GW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/time.h>

#include "errcode.h"
#include "proto/isms.pb-c.h"

struct event_base;
struct evhttp;
struct evhttp_request;
struct evbuffer;
struct gw_pool;
struct gw_sessions;
struct gw_assets;

/* The settings: flags, then the configuration file for the rest. */
struct gw_config {
	char *config_path;
	char *endpoint; /* ismsd's Unix socket: unix:PATH */
	char *listen;   /* tcp://HOST:PORT */
	char *tls_cert;
	char *tls_key;
	char *ismsctl;      /* the ismsctl reports run (gw_reports.c) */
	bool insecure;      /* plain HTTP, loopback only */
	bool foreground;    /* else detach once listening */
	size_t max_body;    /* bytes of a request body */
	size_t max_headers; /* bytes of the request line and headers */
	unsigned timeout;   /* seconds to read a request (and idle) */
	unsigned max_conns; /* HTTP connections at once */
	unsigned pool_max;  /* identities with a connection to ismsd */
	unsigned pool_idle; /* seconds an unused identity's connection lives */
	unsigned max_streams; /* event streams at once */
	unsigned rpc_timeout; /* seconds for ismsd to answer a call */
	char *www;            /* the UI's files (gw_assets.c) */
	char **trusted_proxy; /* addresses whose user header is believed */
	size_t n_trusted_proxy;
	char *proxy_user_header; /* the header naming the proxy's user */
};

/* The running gateway. */
struct gw {
	struct gw_config cfg;
	struct event_base *base;
	struct evhttp *http;
	struct gw_pool *pool;
	unsigned conns;               /* HTTP connections open */
	unsigned streams;             /* event streams open */
	const struct timeval *rpc_tv; /* a call's deadline (gw_rpc.c) */
	struct timeval rpc_tv_plain;
	struct gw_sessions *sessions; /* gw_session_auth.c */
	struct gw_assets *assets;     /* gw_assets.c */
};

/* gw_config.c: parses flags and the file. 0, or 2 after a usage error
 * (printed), or 1 for --help / --version (printed). */
int gw_config_load(struct gw_config *, int argc, char **argv);
void gw_config_free(struct gw_config *);

/* gw_http.c: sets up evhttp on the listen address (TLS or plain on
 * loopback), with the limits. 0 or -code with err. */
int gw_http_start(struct gw *, struct isms_err *err);
void gw_http_stop(struct gw *);

/* gw_routes.c: the entry point of every HTTP request. */
void gw_routes_handle(struct evhttp_request *, void *gw);

/* Replies with an error document {"code":..., "message":...}. */
void gw_reply_error(struct evhttp_request *, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The same with an HTTP status of its own (405, 412, 413). */
void gw_reply_status(struct evhttp_request *, int status, int code,
                     const char *msg);

/* The HTTP status for a protocol code (INVALID_ARGUMENT: 400, ...). */
int gw_http_status(int code);

/* Replies 200 (or status) with buf as JSON (buf is drained). */
void gw_reply_json(struct evhttp_request *, int status, struct evbuffer *buf);

/* A stdio stream that appends to buf (fclose flushes it). NULL when out
 * of memory. */
FILE *gw_evbuffer_stream(struct evbuffer *buf);

/* Writes message m as JSON into buf, exactly as `ismsctl -o json`. */
void gw_json_message(struct evbuffer *buf, const ProtobufCMessage *m);

/* Writes msgs as one JSON array, as `ismsctl -o json` lists them. */
void gw_json_array(struct evbuffer *buf, const ProtobufCMessage *const *msgs,
                   size_t n);

#endif
