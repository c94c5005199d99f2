/*
 * bench_http.c: the closed-loop driver of the http-* modes: --clients
 * HTTP/1.1 keep-alive connections to the gateway on one event loop, one
 * request in flight each, every answer timed from send to answer and
 * followed by the next request until --count or --duration is spent.
 * Plain HTTP: the gateway runs with --insecure on loopback.
 *
 * The client is a lean one of its own (a bufferevent per connection, the
 * request written whole, the answer read by its Content-Length), so that
 * on a shared machine the CPU goes to the gateway under test rather than
 * to a general HTTP client: libismsclient, beside it, is as lean.
 */
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>

#include "bench.h"

#define HTTP_PATH_MAX 256
#define HTTP_BODY_MAX 1024
#define HTTP_HEAD_MAX 8192 /* bytes of an answer's status and headers */

struct http_drive;

/* One connection and its request. */
struct http_slot {
	struct http_drive *d;
	struct bufferevent *bev;
	unsigned long seq;
	double sent;
	bool busy; /* a request is out */
};

/* The state of the run. */
struct http_drive {
	const struct bench_opts *o;
	const struct bench_http_load *load;
	struct event_base *base;
	struct http_slot *slots;
	size_t nslots, active;
	unsigned long next, errors;
	double deadline; /* 0: by count */
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char hostport[300];
	char auth[600]; /* the Authorization or Cookie header line */
	char first_err[200];
	double *lat;
	size_t n, cap;
};

static void http_send(struct http_slot *s);

/* Counts an error; keeps the first message for the report. */
static void
http_error(struct http_drive *d, const char *msg)
{
	d->errors++;
	if (d->first_err[0] == '\0')
		snprintf(d->first_err, sizeof d->first_err, "%s", msg);
}

/* Retires a slot; the last one ends the loop. */
static void
http_retire(struct http_slot *s)
{
	if (s->bev != NULL)
		bufferevent_disable(s->bev, EV_READ | EV_WRITE);
	if (--s->d->active == 0)
		event_base_loopbreak(s->d->base);
}

/* Whether the answer (status code, body of len bytes) is a 200 holding
 * what the load expects. */
static void
http_check(struct http_drive *d, int code, const char *body, size_t len)
{
	const char *want = d->load->expect;
	char msg[200];

	if (code != 200) {
		snprintf(msg, sizeof msg, "HTTP %d: %.*s", code,
		         (int)(len < 120 ? len : 120), body);
		http_error(d, msg);
	} else if (want != NULL &&
	           memmem(body, len, want, strlen(want)) == NULL)
		http_error(d, "the answer lacks what was asked for");
}

/* The value of header name in the head (NUL-terminated), or NULL. */
static const char *
http_header(const char *head, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	for (p = strstr(head, "\r\n"); p != NULL; p = strstr(p, "\r\n")) {
		p += 2;
		if (strncasecmp(p, name, n) == 0 && p[n] == ':')
			return p + n + 1;
	}
	return NULL;
}

/*
 * The answer in, if whole: its status code and body (the head and body
 * are drained by the caller: *total bytes). 0: not yet whole; -1: not an
 * answer.
 */
static int
http_parse(struct evbuffer *in, int *code, size_t *body_off, size_t *body_len)
{
	struct evbuffer_ptr end = evbuffer_search(in, "\r\n\r\n", 4, NULL);
	size_t hlen, have = evbuffer_get_length(in);
	char head[HTTP_HEAD_MAX];
	const char *cl;

	if (end.pos < 0)
		return have > HTTP_HEAD_MAX ? -1 : 0;
	hlen = (size_t)end.pos + 4;
	if (hlen >= sizeof head)
		return -1;
	evbuffer_copyout(in, head, hlen);
	head[hlen] = '\0';
	if (strncmp(head, "HTTP/1.", 7) != 0 ||
	    (cl = http_header(head, "Content-Length")) == NULL)
		return -1;
	*code = atoi(head + 9);
	*body_off = hlen;
	*body_len = strtoul(cl, NULL, 10);
	return have >= hlen + *body_len ? 1 : 0;
}

/* Bytes in: when an answer is whole, time it, check it, send the next. */
static void
http_read_cb(struct bufferevent *bev, void *arg)
{
	struct http_slot *s = arg;
	struct http_drive *d = s->d;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t off, len;
	int code, rc;

	if (!s->busy || (rc = http_parse(in, &code, &off, &len)) == 0)
		return;
	s->busy = false;
	if (rc < 0) {
		http_error(d, "not an HTTP answer with a Content-Length");
		http_retire(s);
		return;
	}
	http_check(d, code,
	           (const char *)evbuffer_pullup(in, (ev_ssize_t)(off + len)) +
	               off,
	           len);
	evbuffer_drain(in, off + len);
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 4096;
		if ((d->lat = realloc(d->lat, d->cap * sizeof *d->lat)) == NULL)
			abort();
	}
	d->lat[d->n++] = (bench_now() - s->sent) * 1000.0;
	http_send(s);
}

/* The connection failed or closed. */
static void
http_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct http_slot *s = arg;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED)
		return;
	http_error(s->d, what & BEV_EVENT_TIMEOUT
	                     ? "connection timed out"
	                     : "connection failed or closed");
	if (s->busy || (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))) {
		s->busy = false;
		http_retire(s);
	}
}

/* Sends the slot's next request, or retires the slot. */
static void
http_send(struct http_slot *s)
{
	struct http_drive *d = s->d;
	const struct bench_http_load *load = d->load;
	char path[HTTP_PATH_MAX], body[HTTP_BODY_MAX] = "";
	struct evbuffer *out = bufferevent_get_output(s->bev);
	size_t blen;

	if ((d->deadline > 0 && bench_now() >= d->deadline) ||
	    (d->deadline == 0 && d->next >= d->o->count)) {
		http_retire(s);
		return;
	}
	s->seq = d->next++;
	load->build(path, sizeof path, body, sizeof body, s->seq, load->arg);
	blen = load->post ? strlen(body) : 0;
	s->sent = bench_now();
	s->busy = true;
	if (load->post)
		evbuffer_add_printf(out,
		                    "POST %s HTTP/1.1\r\nHost: %s\r\n"
		                    "%s\r\nContent-Type: "
		                    "application/json\r\nContent-Length: "
		                    "%zu\r\n\r\n%s",
		                    path, d->hostport, d->auth, blen, body);
	else
		evbuffer_add_printf(out,
		                    "GET %s HTTP/1.1\r\nHost: %s\r\n"
		                    "%s\r\n\r\n",
		                    path, d->hostport, d->auth);
}

/* Resolves --url into d->addr and d->hostport. */
static int
http_resolve(struct http_drive *d, const char *url)
{
	struct evhttp_uri *u = evhttp_uri_parse(url);
	const char *host = u != NULL ? evhttp_uri_get_host(u) : NULL;
	int port = u != NULL ? evhttp_uri_get_port(u) : -1;
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai = NULL;
	char portstr[16];

	if (host == NULL) {
		bench_log("--url %s: expected http://HOST:PORT", url);
		evhttp_uri_free(u);
		return -1;
	}
	port = port > 0 ? port : 80;
	snprintf(d->hostport, sizeof d->hostport, "%s:%d", host, port);
	snprintf(portstr, sizeof portstr, "%d", port);
	if (getaddrinfo(host, portstr, &hints, &ai) != 0 || ai == NULL) {
		bench_log("--url %s: cannot resolve %s", url, host);
		evhttp_uri_free(u);
		return -1;
	}
	memcpy(&d->addr, ai->ai_addr, ai->ai_addrlen);
	d->addrlen = ai->ai_addrlen;
	freeaddrinfo(ai);
	evhttp_uri_free(u);
	return 0;
}

/* Opens the connections. */
static int
http_open(struct http_drive *d, const char *url)
{
	struct timeval tv = {30, 0};
	struct http_slot *s;
	size_t i;

	if (http_resolve(d, url) != 0)
		return -1;
	for (i = 0; i < d->nslots; i++) {
		s = &d->slots[i];
		s->d = d;
		s->bev =
		    bufferevent_socket_new(d->base, -1, BEV_OPT_CLOSE_ON_FREE);
		if (s->bev == NULL)
			return -1;
		bufferevent_setcb(s->bev, http_read_cb, NULL, http_event_cb, s);
		bufferevent_set_timeouts(s->bev, &tv, &tv);
		bufferevent_enable(s->bev, EV_READ | EV_WRITE);
		if (bufferevent_socket_connect(s->bev,
		                               (struct sockaddr *)&d->addr,
		                               (int)d->addrlen) != 0)
			return -1;
	}
	return 0;
}

/* Moves the latencies into r and notes the run. */
static int
http_result(struct http_drive *d, double secs, struct bench_result *r)
{
	r->lat_ms = d->lat;
	r->n = d->n;
	d->lat = NULL;
	r->ops_per_s = secs > 0 ? (double)r->n / secs : 0;
	bench_note(r, "clients", (double)d->nslots);
	bench_note(r, "errors", (double)d->errors);
	if (d->first_err[0] != '\0')
		bench_log("first error: %s", d->first_err);
	return r->n > 0 ? 0 : -1;
}

/* Runs the closed loop over HTTP (bench.h says how). */
int
bench_http_drive(const struct bench_opts *o, const struct bench_http_load *load,
                 struct bench_result *r)
{
	struct http_drive d = {.o = o, .load = load};
	double t0;
	size_t i;
	int rc = -1;

	bench_raise_nofile();
	d.nslots = o->clients ? o->clients : 1;
	if (o->cookie != NULL)
		snprintf(d.auth, sizeof d.auth, "Cookie: isms_session=%s",
		         o->cookie);
	else
		snprintf(d.auth, sizeof d.auth, "Authorization: Bearer %s",
		         o->token != NULL ? o->token : "");
	d.base = event_base_new();
	d.slots = calloc(d.nslots, sizeof *d.slots);
	if (d.base == NULL || d.slots == NULL || http_open(&d, o->url) != 0)
		goto out;
	t0 = bench_now();
	d.deadline = o->duration_s > 0 ? t0 + o->duration_s : 0;
	d.active = d.nslots;
	for (i = 0; i < d.nslots; i++)
		http_send(&d.slots[i]);
	if (d.active > 0)
		event_base_dispatch(d.base);
	rc = http_result(&d, bench_now() - t0, r);
out:
	for (i = 0; d.slots != NULL && i < d.nslots; i++)
		if (d.slots[i].bev != NULL)
			bufferevent_free(d.slots[i].bev);
	free(d.slots);
	free(d.lat);
	if (d.base != NULL)
		event_base_free(d.base);
	return rc;
}
