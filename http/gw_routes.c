/*
 * gw_routes.c: the route table and what every request goes through before
 * its handler: the connection cap, the path matched against the table (a
 * {register} segment is any member of Record's body, from the
 * descriptors), the method (405 otherwise, with Allow), the credential
 * (a bearer token, else the session cookie) and, for a change made with
 * the cookie, its CSRF token (gw_session_auth.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include "fieldargs.h"
#include "gw_assets.h"
#include "gw_req.h"
#include "gw_session.h"
#include "output.h"
#include "xmalloc.h"
#include "gw_ui.h"

#define SEG_MAX 4 /* segments of a path we serve */

/*
 * Every route. The webhooks are rows of their own, each ending in the
 * Ingest RPC, ahead of the {register} rows. A command row carries its
 * OpenAPI description (gw_openapi.c reads this table).
 */
static const struct gw_route gw_routes[] = {
    {"/v1/session",
     true,
     {{EVHTTP_REQ_POST, gw_session_open},
      {EVHTTP_REQ_GET, gw_session_show},
      {EVHTTP_REQ_DELETE, gw_session_close}},
     "session",
     "The browser's session: POST {user, password} signs in and sets the "
     "isms_session cookie; GET says whose it is (from a trusted proxy "
     "with its user header: signs that user in); DELETE signs out "
     "(X-CSRF-Token)",
     "user, display_name, role, csrf, expires_at",
     "object",
     NULL,
     {{NULL}}},
    {"/v1/session/password",
     false,
     {{EVHTTP_REQ_POST, gw_session_password}},
     "session_password",
     "Changes the caller's password: body {old_password, password} "
     "(X-CSRF-Token); every session of the user ends",
     "the user",
     "object",
     NULL,
     {{NULL}}},
    {"/", true, {{EVHTTP_REQ_GET, gw_assets_root}}},
    {"/ui",
     true,
     {{EVHTTP_REQ_GET, gw_assets_index}},
     "ui",
     "The web interface (/ui redirects to /ui/)",
     "index.html",
     NULL,
     "text/html",
     {{NULL}}},
    {"/ui/{name}",
     true,
     {{EVHTTP_REQ_GET, gw_assets_file}},
     "ui_file",
     "A file of the web interface (ETag, If-None-Match)",
     "the file",
     NULL,
     "application/octet-stream",
     {{"name", "path", "string"}, {"If-None-Match", "header", "string"}}},
    {"/v1/hooks/alertmanager",
     false,
     {{EVHTTP_REQ_POST, gw_hook_alertmanager}}},
    {"/v1/hooks/ocsf", false, {{EVHTTP_REQ_POST, gw_hook_ocsf}}},
    {"/v1/hooks/incident", false, {{EVHTTP_REQ_POST, gw_hook_incident}}},
    {"/v1/openapi.json", true, {{EVHTTP_REQ_GET, gw_openapi_serve}}},
    {"/v1/events",
     false,
     {{EVHTTP_REQ_GET, gw_sse_events}},
     "events",
     "Server-Sent Events; the id is the journal seq",
     "an event stream",
     NULL,
     "text/event-stream",
     {{"since", "query", "integer"},
      {"register", "query", "string"},
      {"owner", "query", "string"},
      {"Last-Event-ID", "header", "string"}}},
    {"/v1/due",
     false,
     {{EVHTTP_REQ_GET, gw_api_due}},
     "due",
     "Reviews and actions due",
     "the items due",
     "DueResult",
     NULL,
     {{"within", "query", "integer"},
      {"owner", "query", "string"},
      {"register", "query", "string"}}},
    {"/v1/journal",
     false,
     {{EVHTTP_REQ_GET, gw_api_journal}},
     "journal",
     "Journal entries",
     "entries",
     "array",
     NULL,
     {{"since", "query", "integer"},
      {"id", "query", "string"},
      {"actor", "query", "string"},
      {"limit", "query", "integer"}}},
    {"/v1/soa",
     false,
     {{EVHTTP_REQ_GET, gw_api_soa}},
     "soa",
     "The Statement of Applicability, as ismsctl soa -o json",
     "every live control",
     "array",
     NULL,
     {{NULL}}},
    {"/v1/gap",
     false,
     {{EVHTTP_REQ_GET, gw_api_gap}},
     "gap",
     "The gap analysis, as ismsctl gap -o json",
     "requirements, summary, missing documents, defects",
     "object",
     NULL,
     {{NULL}}},
    /* The web interface's routes (gw_ui.h), ahead of {register}. */
    {"/v1/dashboard",
     false,
     {{EVHTTP_REQ_GET, gw_ui_dashboard}},
     "dashboard",
     "Heat maps, risks by status, SoA and gap progress, due by owner, "
     "open incidents and nonconformities, the journal head",
     "the dashboard's figures",
     "object",
     NULL,
     {{NULL}}},
    {"/v1/mywork",
     false,
     {{EVHTTP_REQ_GET, gw_ui_mywork}},
     "mywork",
     "The caller's due items and the records waiting for their sign-off",
     "user, due, signoffs",
     "object",
     NULL,
     {{NULL}}},
    {"/v1/journal/verify",
     false,
     {{EVHTTP_REQ_GET, gw_ui_verify}},
     "journal_verify",
     "Verifies the journal's hash chain, as ismsctl journal verify -o json",
     "ok, entries, head_seq, head_hash; bad_seq and problem when not ok",
     "object",
     NULL,
     {{"deep", "query", "boolean"}}},
    {"/v1/describe/{register}",
     false,
     {{EVHTTP_REQ_GET, gw_ui_describe}},
     "describe",
     "A register's states, moves, evidence per state and sign-off verb",
     "the register's description",
     "RegisterInfo",
     NULL,
     {{"register", "path", "string"}}},
    {"/v1/reports/{name}",
     false,
     {{EVHTTP_REQ_GET, gw_ui_report}},
     "report",
     "A report as ismsctl report NAME -o FORMAT makes it, as an attachment",
     "the report",
     NULL,
     "application/octet-stream",
     {{"name", "path", "string"}, {"format", "query", "string"}}},
    {"/v1/{register}/{id}/signoff",
     false,
     {{EVHTTP_REQ_POST, gw_ui_signoff}},
     "signoff",
     "Signs the record off with its register's verb, as the caller; body "
     "{verb, note, until, expect_rev} (or If-Match)",
     "the record signed",
     "Record",
     NULL,
     {{"register", "path", "string"},
      {"id", "path", "string"},
      {"If-Match", "header", "string"}}},
    {"/v1/{register}/{id}/history",
     false,
     {{EVHTTP_REQ_GET, gw_ui_history}},
     "history",
     "Every revision of the record, oldest first (auditors and up)",
     "the revisions",
     "array",
     NULL,
     {{"register", "path", "string"}, {"id", "path", "string"}}},
    {"/v1/{register}/{id}/links",
     false,
     {{EVHTTP_REQ_GET, gw_ui_links}},
     "links",
     "The record's links both ways, as ismsctl links ID -o json",
     "id, outgoing, incoming",
     "object",
     NULL,
     {{"register", "path", "string"}, {"id", "path", "string"}}},
    {"/v1/{register}",
     false,
     {{EVHTTP_REQ_GET, gw_api_list}, {EVHTTP_REQ_POST, gw_api_create}}},
    {"/v1/{register}/{id}",
     false,
     {{EVHTTP_REQ_GET, gw_api_get}, {EVHTTP_REQ_PATCH, gw_api_update}}},
};

#define NROUTES (sizeof gw_routes / sizeof gw_routes[0])

const struct gw_route *
gw_route_nth(size_t i)
{
	return i < NROUTES ? &gw_routes[i] : NULL;
}

static const struct {
	enum evhttp_cmd_type m;
	const char *name;
} method_names[] = {
    {EVHTTP_REQ_GET, "GET"},         {EVHTTP_REQ_POST, "POST"},
    {EVHTTP_REQ_PUT, "PUT"},         {EVHTTP_REQ_PATCH, "PATCH"},
    {EVHTTP_REQ_DELETE, "DELETE"},   {EVHTTP_REQ_HEAD, "HEAD"},
    {EVHTTP_REQ_OPTIONS, "OPTIONS"},
};

static const char *
method_name(enum evhttp_cmd_type m)
{
	size_t i;

	for (i = 0; i < sizeof method_names / sizeof method_names[0]; i++)
		if (method_names[i].m == m)
			return method_names[i].name;
	return "?";
}

int
gw_http_status(int code)
{
	static const int st[ISMS_NCODES] = {
	    [ISMS_OK] = 200,         [ISMS_ECANCELLED] = 500,
	    [ISMS_EUNKNOWN] = 500,   [ISMS_EINVAL] = 400,
	    [ISMS_ETIMEDOUT] = 504,  [ISMS_ENOTFOUND] = 404,
	    [ISMS_EEXIST] = 409,     [ISMS_EPERM] = 403,
	    [ISMS_EEXHAUSTED] = 429, [ISMS_EPRECOND] = 409,
	    [ISMS_ECONFLICT] = 409,  [ISMS_ERANGE] = 400,
	    [ISMS_EUNIMPL] = 501,    [ISMS_EINTERNAL] = 500,
	    [ISMS_EUNAVAIL] = 503,   [ISMS_EDATALOSS] = 500,
	    [ISMS_EUNAUTH] = 401,
	};

	if (code < 0)
		code = -code;
	return code < ISMS_NCODES ? st[code] : 500;
}

/* fopencookie's write: appends to the evbuffer. */
static ssize_t
evbuf_write(void *cookie, const char *data, size_t len)
{
	return evbuffer_add(cookie, data, len) == 0 ? (ssize_t)len : -1;
}

FILE *
gw_evbuffer_stream(struct evbuffer *buf)
{
	static const cookie_io_functions_t io = {.write = evbuf_write};
	FILE *f = fopencookie(buf, "w", io);

	/* One thread writes it: no lock around every putc. */
	if (f != NULL)
		__fsetlocking(f, FSETLOCKING_BYCALLER);
	return f;
}

void
gw_json_message(struct evbuffer *buf, const ProtobufCMessage *m)
{
	FILE *f = gw_evbuffer_stream(buf);

	if (f == NULL)
		return;
	ctl_out_json(f, m);
	fclose(f);
}

void
gw_json_array(struct evbuffer *buf, const ProtobufCMessage *const *msgs,
              size_t n)
{
	FILE *f = gw_evbuffer_stream(buf);

	if (f == NULL)
		return;
	ctl_out_json_array(f, msgs, n);
	fclose(f);
}

void
gw_reply_json(struct evhttp_request *req, int status, struct evbuffer *buf)
{
	evhttp_add_header(evhttp_request_get_output_headers(req),
	                  "Content-Type", "application/json");
	evhttp_send_reply(req, status,
	                  status == 200   ? "OK"
	                  : status == 201 ? "Created"
	                                  : "Error",
	                  buf);
}

void
gw_reply_error(struct evhttp_request *req, int code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	gw_reply_status(req, gw_http_status(code), code, msg);
}

void
gw_reply_status(struct evhttp_request *req, int status, int code,
                const char *msg)
{
	struct evbuffer *buf = evbuffer_new();
	FILE *f;

	if (buf == NULL || (f = gw_evbuffer_stream(buf)) == NULL) {
		evhttp_send_error(req, status, NULL);
		if (buf != NULL)
			evbuffer_free(buf);
		return;
	}
	fputs("{\"code\": ", f);
	ctl_out_json_string(f, isms_code_name(code));
	fputs(", \"message\": ", f);
	ctl_out_json_string(f, msg);
	fputs("}\n", f);
	fclose(f);
	if (code == ISMS_EUNAUTH || code == -ISMS_EUNAUTH)
		evhttp_add_header(evhttp_request_get_output_headers(req),
		                  "WWW-Authenticate", "Bearer realm=\"ismsd\"");
	gw_reply_json(req, status, buf);
	evbuffer_free(buf);
}

/* Splits the decoded path into segments; -1 when too many or malformed. */
static int
path_split(char *path, char **seg)
{
	int n = 0;
	char *s;

	if (path[0] != '/')
		return -1;
	for (s = strtok(path + 1, "/"); s != NULL; s = strtok(NULL, "/")) {
		if (n == SEG_MAX)
			return -1;
		seg[n++] = s;
	}
	return n;
}

/* Whether route rt matches the segments; fills r's register and id. */
static bool
route_match(const struct gw_route *rt, char **seg, int n, struct gw_req *r)
{
	char pat[64], *p[SEG_MAX], *s;
	int k = 0, i;

	snprintf(pat, sizeof pat, "%s", rt->pattern);
	for (s = strtok(pat + 1, "/"); s != NULL && k < SEG_MAX;
	     s = strtok(NULL, "/"))
		p[k++] = s;
	if (k != n)
		return false;
	for (i = 0; i < n; i++) {
		if (strcmp(p[i], "{register}") == 0) {
			if ((r->reg = ctl_register_find(seg[i])) == NULL)
				return false;
		} else if (p[i][0] == '{') { /* {id}, {name} */
			free(r->id);
			r->id = xstrdup(seg[i]);
		} else if (strcmp(p[i], seg[i]) != 0)
			return false;
	}
	return true;
}

/* The route for the request's path, or NULL. */
static const struct gw_route *
route_find(struct gw_req *r)
{
	const char *raw =
	    evhttp_uri_get_path(evhttp_request_get_evhttp_uri(r->req));
	char *path, *seg[SEG_MAX];
	const struct gw_route *rt = NULL;
	size_t i;
	int n;

	if (raw == NULL || (path = evhttp_uridecode(raw, 0, NULL)) == NULL)
		return NULL;
	n = path_split(path, seg);
	for (i = 0; n >= 0 && i < NROUTES && rt == NULL; i++)
		if (route_match(&gw_routes[i], seg, n, r))
			rt = &gw_routes[i];
	free(path);
	return rt;
}

/* 405 with the methods the route takes. */
static void
reply_405(struct gw_req *r, const struct gw_route *rt)
{
	char allow[64] = "", msg[256];
	size_t i;

	for (i = 0; i < GW_METHODS_MAX && rt->m[i].fn != NULL; i++) {
		if (i > 0)
			strcat(allow, ", ");
		strcat(allow, method_name(rt->m[i].method));
	}
	evhttp_add_header(evhttp_request_get_output_headers(r->req), "Allow",
	                  allow);
	snprintf(msg, sizeof msg, "%s is not a method of %s (%s)",
	         method_name(evhttp_request_get_command(r->req)), rt->pattern,
	         allow);
	gw_reply_status(r->req, 405, ISMS_EUNIMPL, msg);
}

const char *
gw_query(const struct gw_req *r, const char *name)
{
	return evhttp_find_header(&r->query, name);
}

void
gw_req_free(struct gw_req *r)
{
	if (r == NULL)
		return;
	evhttp_clear_headers(&r->query);
	free(r->id);
	if (r->rpc != NULL) /* a password may be in it */
		explicit_bzero(r->rpc, r->rpc_len);
	if (r->token != NULL)
		explicit_bzero(r->token, strlen(r->token));
	free(r->token);
	free(r->rpc);
	while (r->nrecs > 0)
		protobuf_c_message_free_unpacked(&r->recs[--r->nrecs]->base,
		                                 NULL);
	free(r->recs);
	if (r->ctx_free != NULL)
		r->ctx_free(r->ctx);
	if (r->deadline != NULL)
		event_free(r->deadline);
	free(r);
}

/* Parses the query string into r->query; false when malformed. */
static bool
query_parse(struct gw_req *r)
{
	const char *q =
	    evhttp_uri_get_query(evhttp_request_get_evhttp_uri(r->req));

	return q == NULL || evhttp_parse_query_str(q, &r->query) == 0;
}

/* Finds the handler for the request's method on rt; replies when none. */
static gw_handler
route_handler(struct gw_req *r, const struct gw_route *rt)
{
	enum evhttp_cmd_type m = evhttp_request_get_command(r->req);
	size_t i;

	for (i = 0; i < GW_METHODS_MAX && rt->m[i].fn != NULL; i++)
		if (rt->m[i].method == m)
			return rt->m[i].fn;
	reply_405(r, rt);
	return NULL;
}

/* Whether the request's method changes something. */
static bool
is_change(struct evhttp_request *req)
{
	enum evhttp_cmd_type m = evhttp_request_get_command(req);

	return m == EVHTTP_REQ_POST || m == EVHTTP_REQ_PUT ||
	       m == EVHTTP_REQ_PATCH || m == EVHTTP_REQ_DELETE;
}

/* A connection that has sent a request: counted against max_conns. */
struct gw_conn {
	struct gw *gw;
	struct evhttp_connection *evcon;
	void (*on_close)(void *); /* an event stream's, while one runs */
	void *arg;
	TAILQ_ENTRY(gw_conn) entry;
};

static TAILQ_HEAD(, gw_conn) gw_conns = TAILQ_HEAD_INITIALIZER(gw_conns);

/* evhttp closes a connection: forget it, end its stream. */
static void
conn_closed(struct evhttp_connection *evcon, void *arg)
{
	struct gw_conn *c = arg;

	(void)evcon;
	TAILQ_REMOVE(&gw_conns, c, entry);
	c->gw->conns--;
	if (c->on_close != NULL)
		c->on_close(c->arg);
	free(c);
}

/* The connection of req, counted on its first request; NULL at the cap. */
static struct gw_conn *
conn_admit(struct gw *gw, struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct gw_conn *c;

	TAILQ_FOREACH(c, &gw_conns, entry)
	{
		if (c->evcon == evcon)
			return c;
	}
	if (gw->conns >= gw->cfg.max_conns)
		return NULL;
	c = xcalloc(1, sizeof *c);
	c->gw = gw;
	c->evcon = evcon;
	TAILQ_INSERT_HEAD(&gw_conns, c, entry);
	gw->conns++;
	evhttp_connection_set_closecb(evcon, conn_closed, c);
	return c;
}

void
gw_conn_on_close(struct gw_req *r, void (*fn)(void *), void *arg)
{
	r->conn->on_close = fn;
	r->conn->arg = arg;
}

void
gw_routes_handle(struct evhttp_request *req, void *arg)
{
	struct gw_req *r = xcalloc(1, sizeof *r);
	const struct gw_route *rt;
	gw_handler fn;

	r->gw = arg;
	r->req = req;
	TAILQ_INIT(&r->query);
	gw_security_headers(req);
	if ((r->conn = conn_admit(r->gw, req)) == NULL) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		                  "Connection", "close");
		gw_reply_error(req, ISMS_EUNAVAIL,
		               "%u connections are open; retry later",
		               r->gw->cfg.max_conns);
		goto done;
	}
	if (!query_parse(r)) {
		gw_reply_error(req, ISMS_EINVAL, "malformed query string");
		goto done;
	}
	if ((rt = route_find(r)) == NULL) {
		gw_reply_error(req, ISMS_ENOTFOUND,
		               "no such route: %s (the routes are listed in "
		               "/v1/openapi.json)",
		               evhttp_request_get_uri(req));
		goto done;
	}
	if ((fn = route_handler(r, rt)) == NULL)
		goto done;
	if (!gw_session_credential(r) && !rt->public_) {
		gw_reply_error(req, ISMS_EUNAUTH,
		               "an Authorization: Bearer TOKEN header is "
		               "needed (a token from ismsctl token create), or "
		               "the session cookie (POST /v1/session)");
		goto done;
	}
	if (!rt->public_ && is_change(req) && !gw_session_change_ok(r))
		goto done;
	fn(r); /* owns r from here */
	return;
done:
	gw_req_free(r);
}
