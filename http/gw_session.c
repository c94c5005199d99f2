/*
 * gw_session.c: the sign-in routes. POST /v1/session opens a session with
 * a user name and password (SessionOpen, on a connection that says no
 * hello: the gateway's uid is no ismsd user) and sets the cookie; GET
 * tells whose the cookie is (or, from a trusted proxy carrying its user
 * header, opens a session for that user); DELETE ends it (SessionClose);
 * POST /v1/session/password changes the caller's password (PasswordSet),
 * which ends every session of theirs. The pool's connection of an ended
 * session is closed at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <jansson.h>

#include "gw_pool.h"
#include "gw_session.h"
#include "log.h"
#include "xmalloc.h"

#define PROXY_USER_MAX 128 /* bytes of the proxy's user header */

/* What a sign-in's reply needs: where it came from, how. */
struct open_ctx {
	char addr[GW_ADDR_MAX];
	char *user;  /* for the log */
	char *proxy; /* GET /v1/session: the trusted proxy's user, if any */
	bool sso;    /* the call is a proxy sign-in */
};

static void
open_ctx_free(void *arg)
{
	struct open_ctx *c = arg;

	free(c->user);
	free(c->proxy);
	free(c);
}

static struct open_ctx *
open_ctx_new(struct gw_req *r)
{
	struct open_ctx *c = xcalloc(1, sizeof *c);

	gw_session_client_addr(r, c->addr);
	r->ctx = c;
	r->ctx_free = open_ctx_free;
	return c;
}

/* The word of a role, as ismsctl prints it. */
static const char *
role_word(int role)
{
	static const char *const words[] = {
	    [ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_VIEWER] = "viewer",
	    [ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_AUDITOR] = "auditor",
	    [ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_EDITOR] = "editor",
	    [ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_ADMIN] = "admin",
	    [ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_INGEST] = "ingest",
	};

	if (role > 0 && (size_t)role < sizeof words / sizeof words[0] &&
	    words[role] != NULL)
		return words[role];
	return "none";
}

static void
header_add(struct gw_req *r, const char *name, const char *value)
{
	evhttp_add_header(evhttp_request_get_output_headers(r->req), name,
	                  value);
}

/* Set-Cookie: the session's secret, for max_age seconds (< 0: until the
 * browser closes). */
static void
cookie_set(struct gw_req *r, const char *secret, long long max_age)
{
	char *c = NULL;

	if (max_age >= 0)
		c = xasprintf("%s=%s; Path=/; HttpOnly; Secure; "
		              "SameSite=Strict; Max-Age=%lld",
		              GW_COOKIE, secret, max_age);
	else
		c = xasprintf("%s=%s; Path=/; HttpOnly; Secure; "
		              "SameSite=Strict",
		              GW_COOKIE, secret);
	header_add(r, "Set-Cookie", c);
	explicit_bzero(c, strlen(c));
	free(c);
}

static void
cookie_clear(struct gw_req *r)
{
	header_add(r, "Set-Cookie",
	           GW_COOKIE "=; Path=/; HttpOnly; Secure; SameSite=Strict; "
	                     "Max-Age=0");
}

/* Replies 200 with doc (its reference taken), never cached. */
static void
reply_doc(struct gw_req *r, json_t *doc)
{
	struct evbuffer *buf = evbuffer_new();
	char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	header_add(r, "Cache-Control", "no-store");
	if (text != NULL) {
		evbuffer_add(buf, text, strlen(text));
		evbuffer_add(buf, "\n", 1);
		explicit_bzero(text, strlen(text));
	}
	gw_reply_json(r->req, 200, buf);
	evbuffer_free(buf);
	free(text);
	json_decref(doc);
}

/* The session document: who (display: their display name, NULL for
 * none), their role, the CSRF token, the end. */
static void
reply_session(struct gw_req *r, const char *user, const char *display, int role,
              const char *secret, int64_t expires_at)
{
	char csrf[GW_CSRF_LEN + 1], when[32] = "";
	time_t t = (time_t)expires_at;
	struct tm tm;

	gw_session_csrf(secret, csrf);
	if (expires_at > 0 && gmtime_r(&t, &tm) != NULL)
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* A user without a display name is shown by their name. */
	if (display == NULL || display[0] == '\0')
		display = user;
	reply_doc(r,
	          json_pack("{s:s,s:s,s:s,s:s,s:o}", "user", user,
	                    "display_name", display, "role", role_word(role),
	                    "csrf", csrf, "expires_at",
	                    when[0] != '\0' ? json_string(when) : json_null()));
	explicit_bzero(csrf, sizeof csrf);
}

/* The seconds ismsd's "... retry in N s" asks for; 1 without a number. */
static unsigned
retry_seconds(const char *msg)
{
	const char *p = strstr(msg, "retry in ");
	unsigned long n;

	if (p == NULL || p[9] < '0' || p[9] > '9')
		return 1;
	n = strtoul(p + 9, NULL, 10);
	return n > 0 && n < 86400 ? (unsigned)n : 1;
}

/* 429 with Retry-After. */
static void
reply_busy(struct gw_req *r, unsigned secs, const char *msg)
{
	char v[16];

	snprintf(v, sizeof v, "%u", secs);
	header_add(r, "Retry-After", v);
	gw_reply_error(r->req, ISMS_EEXHAUSTED, "%s", msg);
}

/* SessionOpen's reply: the cookie and the document, or the refusal. */
static int
opened_done(struct gw_req *r, const Isms__V1__Reply *reply)
{
	struct open_ctx *c = r->ctx;
	int code = reply->status != NULL ? (int)reply->status->code : 0;
	const char *msg = code != 0 && reply->status->message != NULL
	                      ? reply->status->message
	                      : "";
	const Isms__V1__SessionOpened *s = reply->session;
	int64_t exp;

	if (code == 0 && (s == NULL || s->secret == NULL || s->user == NULL))
		code = ISMS_EINTERNAL, msg = "no session in ismsd's reply";
	if (code == 0) {
		exp = s->token != NULL ? s->token->expires_at : 0;
		gw_sessions_note(r->gw->sessions, s->secret, exp);
		cookie_set(r, s->secret, exp > 0 ? exp - time(NULL) : -1);
		reply_session(r, s->user, s->display_name, (int)s->role,
		              s->secret, exp);
		return 0;
	}
	if (code == ISMS_EUNAUTH && !c->sso) {
		gw_throttle_fail(r->gw->sessions, c->addr);
		log_notice("sign-in of '%s' from %s failed: %s", c->user,
		           c->addr, msg);
	} else
		log_notice("%s sign-in of '%s' from %s refused: %s",
		           c->sso ? "proxy" : "password", c->user, c->addr,
		           msg);
	if (code == ISMS_EEXHAUSTED)
		reply_busy(r, retry_seconds(msg), msg);
	else
		gw_reply_error(r->req, code, "%s", msg);
	return 0;
}

/* Sends SessionOpen for user: with password, or for the proxy's user. */
static void
open_call(struct gw_req *r, const char *user, const char *password)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__SessionOpen so = ISMS__V1__SESSION_OPEN__INIT;
	struct open_ctx *c = r->ctx;

	c->user = xstrdup(user);
	so.user = (char *)user;
	so.password = (char *)password;
	so.has_proxy = c->sso;
	so.proxy = c->sso;
	so.client_addr = c->addr;
	req.call_case = ISMS__V1__REQUEST__CALL_SESSION_OPEN;
	req.session_open = &so;
	r->anon = true;
	r->all_replies = true;
	gw_rpc(r, &req, opened_done);
}

/* The body's JSON object, or NULL (replied 400). */
static json_t *
body_object(struct gw_req *r, const char *shape)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(r->req);
	size_t len = evbuffer_get_length(in);
	unsigned char *body = evbuffer_pullup(in, -1);
	json_error_t jerr;
	json_t *doc;

	doc = body != NULL ? json_loadb((const char *)body, len,
	                                JSON_REJECT_DUPLICATES, &jerr)
	                   : NULL;
	if (body != NULL)
		explicit_bzero(body, len); /* a password is in it */
	if (doc == NULL || !json_is_object(doc)) {
		gw_reply_error(r->req, ISMS_EINVAL, "the body is %s", shape);
		json_decref(doc);
		return NULL;
	}
	return doc;
}

/* The string member name of doc, or NULL; "" when required and absent
 * means a 400 is due (*bad set). */
static const char *
member(json_t *doc, const char *name, bool required, bool *bad)
{
	json_t *v = json_object_get(doc, name);

	if (v == NULL && !required)
		return NULL;
	if (!json_is_string(v)) {
		*bad = true;
		return NULL;
	}
	return json_string_value(v);
}

/* Wipes the string members of doc (passwords) and drops it. */
static void
doc_wipe(json_t *doc)
{
	const char *k;
	json_t *v;

	json_object_foreach(doc, k, v)
	{
		if (json_is_string(v))
			explicit_bzero((char *)json_string_value(v),
			               json_string_length(v));
	}
	json_decref(doc);
}

void
gw_session_open(struct gw_req *r)
{
	static const char shape[] =
	    "{\"user\": \"NAME\", \"password\": \"...\"}";
	struct open_ctx *c;
	const char *user, *pw;
	char msg[160];
	unsigned wait;
	bool bad = false;
	json_t *doc;

	if (!gw_session_origin_ok(r))
		goto done;
	c = open_ctx_new(r);
	if ((wait = gw_throttle_wait(r->gw->sessions, c->addr)) > 0) {
		snprintf(msg, sizeof msg,
		         "too many failed sign-ins from %s; retry in %u s",
		         c->addr, wait);
		log_notice("sign-in from %s refused: %s", c->addr, msg);
		reply_busy(r, wait, msg);
		goto done;
	}
	if ((doc = body_object(r, shape)) == NULL)
		goto done;
	user = member(doc, "user", true, &bad);
	pw = member(doc, "password", true, &bad);
	if (bad) {
		gw_reply_error(r->req, ISMS_EINVAL, "the body is %s", shape);
		doc_wipe(doc);
		goto done;
	}
	open_call(r, user, pw); /* packed at once: doc may go */
	doc_wipe(doc);
	return;
done:
	gw_req_free(r);
}

/* The trusted proxy's user of the request, or NULL: only from a
 * --trusted-proxy address, a printable name of a sane length. */
static const char *
proxy_user(const struct gw_req *r, const char *addr)
{
	const char *h =
	    evhttp_find_header(evhttp_request_get_input_headers(r->req),
	                       r->gw->cfg.proxy_user_header);
	const char *p;

	if (h == NULL || *h == '\0' || strlen(h) > PROXY_USER_MAX)
		return NULL;
	if (!gw_session_trusted(r->gw, addr)) {
		log_info("%s: %s from %s, no --trusted-proxy: ignored",
		         r->gw->cfg.proxy_user_header, h, addr);
		return NULL;
	}
	for (p = h; *p != '\0'; p++)
		if (*p <= ' ' || *p > '~')
			return NULL;
	return h;
}

/* Opens a session for the trusted proxy's user, answering r's request. */
static void
proxy_open(struct gw_req *r, const char *user)
{
	struct open_ctx *c = r->ctx != NULL ? r->ctx : open_ctx_new(r);

	c->sso = true;
	open_call(r, user, NULL);
}

/* The session checked (Health, on its connection): who it is. From a
 * trusted proxy, an ended session gives way to a new one. */
static int
shown_done(struct gw_req *r, const Isms__V1__Reply *reply)
{
	struct open_ctx *c = r->ctx;
	int code = reply->status != NULL ? (int)reply->status->code : 0;
	struct gw_req *n;

	if (code == 0) {
		reply_session(
		    r,
		    gw_peer_user(r->peer) != NULL ? gw_peer_user(r->peer) : "?",
		    gw_peer_display_name(r->peer), gw_peer_role(r->peer),
		    r->token, gw_sessions_expiry(r->gw->sessions, r->token));
		return 0;
	}
	if (code == ISMS_EUNAUTH && c->proxy != NULL) {
		/* A new request on the same HTTP one; r ends unanswered. */
		n = xcalloc(1, sizeof *n);
		n->gw = r->gw;
		n->req = r->req;
		n->conn = r->conn;
		TAILQ_INIT(&n->query);
		proxy_open(n, c->proxy);
		return 0;
	}
	if (code == ISMS_EUNAUTH && r->cookie)
		cookie_clear(r);
	gw_reply_error(r->req, code, "%s",
	               reply->status->message != NULL ? reply->status->message
	                                              : "not signed in");
	return 0;
}

void
gw_session_show(struct gw_req *r)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Health health = ISMS__V1__HEALTH__INIT;
	struct open_ctx *c = open_ctx_new(r);
	const char *proxy = proxy_user(r, c->addr);

	if (r->token == NULL && proxy != NULL) {
		proxy_open(r, proxy);
		return;
	}
	if (r->token == NULL) {
		gw_reply_error(r->req, ISMS_EUNAUTH,
		               "not signed in (POST /v1/session)");
		gw_req_free(r);
		return;
	}
	c->proxy = proxy != NULL ? xstrdup(proxy) : NULL;
	req.call_case = ISMS__V1__REQUEST__CALL_HEALTH;
	req.health = &health;
	r->all_replies = true;
	gw_rpc(r, &req, shown_done);
}

/* SessionClose's reply: the cookie cleared, the connection closed. */
static int
closed_done(struct gw_req *r, const Isms__V1__Reply *reply)
{
	int code = reply->status != NULL ? (int)reply->status->code : 0;
	struct evbuffer *buf;

	gw_pool_forget(r->gw->pool, r->token);
	if (r->cookie)
		cookie_clear(r);
	if (code != 0) {
		gw_reply_error(r->req, code, "%s",
		               reply->status->message != NULL
		                   ? reply->status->message
		                   : "");
		return 0;
	}
	buf = evbuffer_new();
	evbuffer_add(buf, "{}\n", 3);
	gw_reply_json(r->req, 200, buf);
	evbuffer_free(buf);
	return 0;
}

void
gw_session_close(struct gw_req *r)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__SessionClose sc = ISMS__V1__SESSION_CLOSE__INIT;

	if (r->token == NULL) {
		gw_reply_error(r->req, ISMS_EUNAUTH,
		               "not signed in (POST /v1/session)");
		gw_req_free(r);
		return;
	}
	if (!gw_session_change_ok(r)) {
		gw_req_free(r);
		return;
	}
	req.call_case = ISMS__V1__REQUEST__CALL_SESSION_CLOSE;
	req.session_close = &sc;
	r->all_replies = true;
	gw_rpc(r, &req, closed_done);
}

/* PasswordSet's reply: every session of the user has ended. */
static int
password_done(struct gw_req *r, const Isms__V1__Reply *reply)
{
	const char *user = reply->user != NULL && reply->user->name != NULL
	                       ? reply->user->name
	                       : "";

	gw_pool_forget(r->gw->pool, r->token);
	if (r->cookie)
		cookie_clear(r);
	reply_doc(r, json_pack("{s:s}", "user", user));
	return 0;
}

void
gw_session_password(struct gw_req *r)
{
	static const char shape[] =
	    "{\"old_password\": \"...\", \"password\": \"...\"}";
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__PasswordSet ps = ISMS__V1__PASSWORD_SET__INIT;
	bool bad = false;
	json_t *doc;

	if ((doc = body_object(r, shape)) == NULL) {
		gw_req_free(r);
		return;
	}
	ps.password = (char *)member(doc, "password", true, &bad);
	ps.old_password = (char *)member(doc, "old_password", false, &bad);
	if (bad) {
		gw_reply_error(r->req, ISMS_EINVAL, "the body is %s", shape);
		doc_wipe(doc);
		gw_req_free(r);
		return;
	}
	req.call_case = ISMS__V1__REQUEST__CALL_PASSWORD_SET;
	req.password_set = &ps;
	gw_rpc(r, &req, password_done); /* packed at once: doc may go */
	doc_wipe(doc);
}
