/*
 * gw_req.h: one HTTP request on its way through the gateway: the route it
 * matched, the caller's token, and the RPC it became (gw_rpc.c).
 */
#ifndef ISMS_GW_REQ_H
#define ISMS_GW_REQ_H

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "gw.h"
#include "ismsclient.h"

struct event;
struct gw_peer;
struct gw_req;

/*
 * Writes the reply of a successful RPC (borrowed). Or, to read on (the
 * next page), repacks r->rpc with gw_req_repack and returns 1: it is sent
 * on the same connection and done is called again with its reply.
 */
typedef int (*gw_done_fn)(struct gw_req *, const Isms__V1__Reply *);

struct gw_req {
	struct gw *gw;
	struct evhttp_request *req;
	const ProtobufCFieldDescriptor *reg; /* {register} routes */
	char *id;                            /* {id} routes, decoded */
	char *token; /* the bearer token, or the session cookie's secret */
	bool cookie; /* token came from the cookie (gw_session_auth.c) */
	bool anon;   /* the call goes on a connection without hello */
	struct evkeyvalq query; /* decoded query parameters */
	bool if_match;          /* PATCH with If-Match */
	struct gw_peer *peer;   /* while an RPC is out */
	uint8_t *rpc;           /* the packed request */
	size_t rpc_len;
	gw_done_fn done;
	void *stream;            /* gw_sse.c: an event stream's state */
	Isms__V1__Record **recs; /* gw_soa.c: the pages read so far (owned) */
	size_t nrecs;
	struct gw_conn *conn;    /* the HTTP connection (gw_routes.c) */
	bool all_replies;        /* done sees error replies too (webhooks) */
	struct event *deadline;  /* gw_rpc.c: the call's rpc_timeout */
	struct gw_peer *waiting; /* the peer whose hello r waits for */
	struct isms_client *cl;  /* the connection of the call out */
	uint64_t call_id;        /* the call out, 0: none */
	void *ctx;               /* a handler's state, freed by ctx_free */
	void (*ctx_free)(void *);
};

/* Calls fn(arg) when r's HTTP connection closes (an event stream);
 * fn NULL: no more. */
void gw_conn_on_close(struct gw_req *r, void (*fn)(void *), void *arg);

/* A route's handler for one method. */
typedef void (*gw_handler)(struct gw_req *);

/* A query or header parameter of a command route, for the OpenAPI
 * document. */
struct gw_param {
	const char *name;
	const char *in;   /* "query", "header" */
	const char *type; /* "string", "integer" */
};

#define GW_PARAMS_MAX  4
#define GW_METHODS_MAX 3 /* methods of one route */

/*
 * One route: a pattern of segments, a handler per method and, for a
 * command route (GET /v1/due, ...), what the OpenAPI document says of it;
 * the {register} and webhook routes are described from the descriptors
 * and gw_hook_name (op_id NULL).
 */
struct gw_route {
	const char *pattern; /* "/v1/{register}/{id}" */
	bool public_;        /* served without a token */
	struct {
		enum evhttp_cmd_type method;
		gw_handler fn;
	} m[GW_METHODS_MAX];
	const char *op_id;   /* the GET's operationId; NULL: see above */
	const char *summary; /* what it is */
	const char *returns; /* what a 200 answers */
	const char *schema;  /* a message's schema, or "array", "object" */
	const char *content; /* its media type; NULL: application/json */
	struct gw_param params[GW_PARAMS_MAX];
};

/* Route i in the order paths are matched (gw_routes.c); NULL past the
 * last. */
const struct gw_route *gw_route_nth(size_t i);

/*
 * Sends rpc (borrowed; packed here) to ismsd as the caller, then calls done
 * with an OK reply, or replies with the error; r is freed after either.
 */
void gw_rpc(struct gw_req *r, const Isms__V1__Request *rpc, gw_done_fn done);

/* The same with the request gw_req_repack packed into r already. */
void gw_rpc_packed(struct gw_req *r, gw_done_fn done);

/* Packs rpc into r->rpc, replacing the one there. */
void gw_req_repack(struct gw_req *r, const Isms__V1__Request *rpc);

/* Fills req with list: a List of register reg, page_size records a page,
 * after token (NULL: the first page). The strings stay the caller's. */
void gw_list_fill(Isms__V1__Request *req, Isms__V1__List *list, const char *reg,
                  uint32_t page_size, const ProtobufCBinaryData *token);

/* Frees r (the HTTP request is answered or handed on). */
void gw_req_free(struct gw_req *r);

/* The value of query parameter name, or NULL. */
const char *gw_query(const struct gw_req *r, const char *name);

/* gw_api.c: parses If-Match ("3", "\"3\"", W/"3") into *rev (*has set),
 * marking r so that a stale rev answers 412; false when malformed or not
 * the rev *rev holds already. */
bool gw_if_match(struct gw_req *r, protobuf_c_boolean *has, uint64_t *rev);

/* gw_api.c: the JSON API's handlers. */
void gw_api_list(struct gw_req *);
void gw_api_get(struct gw_req *);
void gw_api_create(struct gw_req *);
void gw_api_update(struct gw_req *);
void gw_api_due(struct gw_req *);
void gw_api_journal(struct gw_req *);

/* gw_soa.c: GET /v1/soa, as `ismsctl soa -o json`. */
void gw_api_soa(struct gw_req *);

/* gw_gap.c: GET /v1/gap, as `ismsctl gap -o json`. */
void gw_api_gap(struct gw_req *);

/* gw_sse.c: GET /v1/events. */
void gw_sse_events(struct gw_req *);

/* gw_hook_http.c: POST /v1/hooks/{alertmanager,ocsf,incident}. */
void gw_hook_alertmanager(struct gw_req *);
void gw_hook_ocsf(struct gw_req *);
void gw_hook_incident(struct gw_req *);

/* gw_openapi.c: GET /v1/openapi.json (no token needed). */
void gw_openapi_serve(struct gw_req *);

#endif
