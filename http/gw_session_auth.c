/*
 * gw_session_auth.c: what every request's credential goes through (the
 * bearer token, else the session cookie), the CSRF token and Origin check
 * of a change made with the cookie, the trusted proxies, and the
 * gateway's own state: the sign-in throttle per client address and the
 * expiries of the sessions it opened, both bounded tables.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <time.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "gw_session.h"
#include "log.h"
#include "xmalloc.h"

#define TOKEN_MAX      512  /* bytes of a bearer token or cookie value */
#define COOKIE_HDR_MAX 8192 /* a longer Cookie header is not read */
#define CSRF_MESSAGE   "ismsd-http csrf"
#define THR_SLOTS      1024 /* client addresses the throttle tracks */
#define THR_FAILS      10   /* failed sign-ins in a window ... */
#define THR_WINDOW_S   600  /* ... of this long: refused for the rest */
#define EXP_SLOTS      4096 /* sessions whose expiry is remembered */

struct thr_slot {
	char addr[GW_ADDR_MAX];
	time_t start; /* the window's first failure */
	unsigned fails;
};

struct exp_slot {
	unsigned char key[32]; /* SHA-256 of the secret */
	int64_t expires_at;
};

struct gw_sessions {
	struct thr_slot thr[THR_SLOTS];
	struct exp_slot exp[EXP_SLOTS];
	size_t exp_next; /* the ring's oldest */
};

struct gw_sessions *
gw_sessions_new(void)
{
	return xcalloc(1, sizeof(struct gw_sessions));
}

void
gw_sessions_free(struct gw_sessions *s)
{
	if (s != NULL)
		explicit_bzero(s, sizeof *s);
	free(s);
}

/* Whether c may be in a cookie value (RFC 6265 cookie-octet). */
static bool
cookie_octet(char c)
{
	return c > ' ' && c <= '~' && c != '"' && c != ',' && c != ';' &&
	       c != '\\';
}

/* The isms_session value of one Cookie header into out; false if none. */
static bool
cookie_find(const char *h, char out[TOKEN_MAX + 1])
{
	const char *p = h, *name, *val;
	size_t nlen, vlen, i;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		name = p;
		while (*p != '\0' && *p != '=' && *p != ';')
			p++;
		nlen = (size_t)(p - name);
		if (*p != '=')
			continue;
		val = ++p;
		while (*p != '\0' && *p != ';')
			p++;
		vlen = (size_t)(p - val);
		while (vlen > 0 &&
		       (val[vlen - 1] == ' ' || val[vlen - 1] == '\t'))
			vlen--;
		if (vlen >= 2 && val[0] == '"' && val[vlen - 1] == '"') {
			val++;
			vlen -= 2;
		}
		if (nlen != strlen(GW_COOKIE) ||
		    memcmp(name, GW_COOKIE, nlen) != 0 || vlen == 0 ||
		    vlen > TOKEN_MAX)
			continue;
		for (i = 0; i < vlen && cookie_octet(val[i]); i++)
			;
		if (i < vlen)
			continue;
		memcpy(out, val, vlen);
		out[vlen] = '\0';
		return true;
	}
	return false;
}

/* The bearer token of the request into r; false when absent or
 * malformed. */
static bool
bearer_token(struct gw_req *r)
{
	const char *h = evhttp_find_header(
	    evhttp_request_get_input_headers(r->req), "Authorization");
	const char *p;

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return false;
	h += 7;
	while (*h == ' ')
		h++;
	if (*h == '\0' || strlen(h) > TOKEN_MAX)
		return false;
	for (p = h; *p != '\0'; p++)
		if (*p <= ' ' || *p > '~')
			return false;
	r->token = xstrdup(h);
	return true;
}

bool
gw_session_credential(struct gw_req *r)
{
	struct evkeyvalq *in = evhttp_request_get_input_headers(r->req);
	struct evkeyval *kv;
	char val[TOKEN_MAX + 1];

	if (bearer_token(r))
		return true;
	TAILQ_FOREACH(kv, in, next)
	{
		if (strcasecmp(kv->key, "Cookie") != 0 ||
		    strlen(kv->value) > COOKIE_HDR_MAX ||
		    !cookie_find(kv->value, val))
			continue;
		r->token = xstrdup(val);
		r->cookie = true;
		explicit_bzero(val, sizeof val);
		return true;
	}
	return false;
}

void
gw_session_csrf(const char *secret, char out[GW_CSRF_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;

	if (HMAC(EVP_sha256(), secret, (int)strlen(secret),
	         (const unsigned char *)CSRF_MESSAGE, strlen(CSRF_MESSAGE), md,
	         &len) == NULL)
		len = 0;
	for (i = 0; i < len && 2 * i < GW_CSRF_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[2 * i] = '\0';
}

bool
gw_session_origin_ok(struct gw_req *r)
{
	struct evkeyvalq *in = evhttp_request_get_input_headers(r->req);
	const char *origin = evhttp_find_header(in, "Origin");
	const char *host = evhttp_find_header(in, "Host");
	const char *auth;

	if (origin == NULL)
		return true;
	auth = strstr(origin, "://");
	if (auth != NULL && host != NULL && strchr(auth + 3, '/') == NULL &&
	    strcasecmp(auth + 3, host) == 0)
		return true;
	gw_reply_error(r->req, ISMS_EPERM,
	               "the request's Origin (%.200s) is not this server "
	               "(%.200s): a change from another site is refused",
	               origin, host != NULL ? host : "no Host header");
	return false;
}

bool
gw_session_change_ok(struct gw_req *r)
{
	const char *h;
	char want[GW_CSRF_LEN + 1];
	bool ok;

	if (!r->cookie)
		return true;
	if (!gw_session_origin_ok(r))
		return false;
	h = evhttp_find_header(evhttp_request_get_input_headers(r->req),
	                       "X-CSRF-Token");
	gw_session_csrf(r->token, want);
	ok = h != NULL && strlen(h) == GW_CSRF_LEN &&
	     CRYPTO_memcmp(h, want, GW_CSRF_LEN) == 0;
	explicit_bzero(want, sizeof want);
	if (!ok)
		gw_reply_error(r->req, ISMS_EPERM,
		               "a change needs the X-CSRF-Token header (GET "
		               "/v1/session gives it)");
	return ok;
}

const char *
gw_session_client_addr(const struct gw_req *r, char *buf)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(r->req);
	char *addr = NULL;
	ev_uint16_t port = 0;

	buf[0] = '\0';
	if (evcon != NULL)
		evhttp_connection_get_peer(evcon, &addr, &port);
	if (addr != NULL)
		snprintf(buf, GW_ADDR_MAX, "%s", addr);
	return buf;
}

/* addr as binary (16 bytes, IPv4 mapped); false when no IP address. */
static bool
addr_bin(const char *addr, unsigned char out[16])
{
	unsigned char v4[4];

	if (inet_pton(AF_INET6, addr, out) == 1)
		return true;
	if (inet_pton(AF_INET, addr, v4) != 1)
		return false;
	memset(out, 0, 10);
	out[10] = out[11] = 0xff;
	memcpy(out + 12, v4, 4);
	return true;
}

bool
gw_session_trusted(const struct gw *gw, const char *addr)
{
	unsigned char a[16], b[16];
	size_t i;

	if (!addr_bin(addr, a))
		return false;
	for (i = 0; i < gw->cfg.n_trusted_proxy; i++)
		if (addr_bin(gw->cfg.trusted_proxy[i], b) &&
		    memcmp(a, b, sizeof a) == 0)
			return true;
	return false;
}

/* The throttle's slot of addr, NULL if none. */
static struct thr_slot *
thr_find(struct gw_sessions *s, const char *addr)
{
	size_t i;

	for (i = 0; i < THR_SLOTS; i++)
		if (s->thr[i].fails > 0 && strcmp(s->thr[i].addr, addr) == 0)
			return &s->thr[i];
	return NULL;
}

unsigned
gw_throttle_wait(struct gw_sessions *s, const char *addr)
{
	struct thr_slot *t = thr_find(s, addr);
	time_t now = time(NULL);

	if (t == NULL || now - t->start >= THR_WINDOW_S || t->fails < THR_FAILS)
		return 0;
	return (unsigned)(t->start + THR_WINDOW_S - now);
}

void
gw_throttle_fail(struct gw_sessions *s, const char *addr)
{
	struct thr_slot *t = thr_find(s, addr), *old = &s->thr[0];
	time_t now = time(NULL);
	size_t i;

	if (t == NULL) /* a free or expired slot, else the oldest window */
		for (i = 0; i < THR_SLOTS && t == NULL; i++) {
			if (s->thr[i].fails == 0 ||
			    now - s->thr[i].start >= THR_WINDOW_S)
				t = &s->thr[i];
			else if (s->thr[i].start < old->start)
				old = &s->thr[i];
		}
	if (t == NULL)
		t = old;
	if (t->fails == 0 || strcmp(t->addr, addr) != 0 ||
	    now - t->start >= THR_WINDOW_S) {
		snprintf(t->addr, sizeof t->addr, "%s", addr);
		t->start = now;
		t->fails = 0;
	}
	if (++t->fails == THR_FAILS)
		log_notice("sign-in: %u failures from %s within %d s: its "
		           "sign-ins are refused for %lld s",
		           t->fails, addr, THR_WINDOW_S,
		           (long long)(t->start + THR_WINDOW_S - now));
}

/* The key of a secret in the expiry table. */
static void
exp_key(const char *secret, unsigned char key[32])
{
	unsigned int len = 32;

	EVP_Digest(secret, strlen(secret), key, &len, EVP_sha256(), NULL);
}

void
gw_sessions_note(struct gw_sessions *s, const char *secret, int64_t expires_at)
{
	struct exp_slot *e = &s->exp[s->exp_next];

	exp_key(secret, e->key);
	e->expires_at = expires_at;
	s->exp_next = (s->exp_next + 1) % EXP_SLOTS;
}

int64_t
gw_sessions_expiry(const struct gw_sessions *s, const char *secret)
{
	unsigned char key[32];
	size_t i;

	exp_key(secret, key);
	for (i = 0; i < EXP_SLOTS; i++)
		if (s->exp[i].expires_at != 0 &&
		    memcmp(s->exp[i].key, key, sizeof key) == 0)
			return s->exp[i].expires_at;
	return 0;
}
