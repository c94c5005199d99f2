/*
 * bench_http.c: the closed-loop driver of the http-* modes: --clients
 * HTTP/1.1 keep-alive connections to the gateway (libevent's evhttp
 * client) on one event loop, one request in flight each, every answer
 * timed from send to answer and followed by the next request until
 * --count or --duration is spent. Plain HTTP: the gateway runs with
 * --insecure on loopback.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "bench.h"

#define HTTP_PATH_MAX 256
#define HTTP_BODY_MAX 1024

struct http_drive;

/* One connection and its request. */
struct http_slot {
	struct http_drive *d;
	struct evhttp_connection *conn;
	unsigned long seq;
	double sent;
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
	char hostport[300];
	char auth[600];
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
	if (--s->d->active == 0)
		event_base_loopbreak(s->d->base);
}

/* Whether answer req is a 200 holding what the load expects. */
static void
http_check(struct http_drive *d, struct evhttp_request *req)
{
	const char *want = d->load->expect;
	struct evbuffer *in;
	char msg[200];
	int code = req != NULL ? evhttp_request_get_response_code(req) : 0;

	if (code == 0) {
		http_error(d, "connection failed or timed out");
		return;
	}
	in = evhttp_request_get_input_buffer(req);
	if (code != 200) {
		snprintf(msg, sizeof msg, "HTTP %d: %.*s", code,
		         (int)(evbuffer_get_length(in) < 120
		                   ? evbuffer_get_length(in)
		                   : 120),
		         (const char *)evbuffer_pullup(in, -1));
		http_error(d, msg);
	} else if (want != NULL &&
	           evbuffer_search(in, want, strlen(want), NULL).pos < 0)
		http_error(d, "the answer lacks what was asked for");
}

/* An answer: time it, check it, send the next request. */
static void
http_reply_cb(struct evhttp_request *req, void *arg)
{
	struct http_slot *s = arg;
	struct http_drive *d = s->d;
	double now = bench_now();

	http_check(d, req);
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 4096;
		if ((d->lat = realloc(d->lat, d->cap * sizeof *d->lat)) == NULL)
			abort();
	}
	d->lat[d->n++] = (now - s->sent) * 1000.0;
	http_send(s);
}

/* Sends the slot's next request, or retires the slot. */
static void
http_send(struct http_slot *s)
{
	struct http_drive *d = s->d;
	const struct bench_http_load *load = d->load;
	char path[HTTP_PATH_MAX], body[HTTP_BODY_MAX] = "";
	struct evhttp_request *req;
	struct evkeyvalq *h;

	if ((d->deadline > 0 && bench_now() >= d->deadline) ||
	    (d->deadline == 0 && d->next >= d->o->count)) {
		http_retire(s);
		return;
	}
	s->seq = d->next++;
	load->build(path, sizeof path, body, sizeof body, s->seq, load->arg);
	if ((req = evhttp_request_new(http_reply_cb, s)) == NULL)
		abort();
	h = evhttp_request_get_output_headers(req);
	evhttp_add_header(h, "Host", d->hostport);
	evhttp_add_header(h, "Authorization", d->auth);
	if (load->post) {
		evhttp_add_header(h, "Content-Type", "application/json");
		evbuffer_add(evhttp_request_get_output_buffer(req), body,
		             strlen(body));
	}
	s->sent = bench_now();
	if (evhttp_make_request(s->conn, req,
	                        load->post ? EVHTTP_REQ_POST : EVHTTP_REQ_GET,
	                        path) != 0) {
		http_error(d, "cannot send a request");
		http_retire(s);
	}
}

/* Opens the connections (they connect with their first request). */
static int
http_open(struct http_drive *d, const char *url)
{
	struct evhttp_uri *u = evhttp_uri_parse(url);
	const char *host = u != NULL ? evhttp_uri_get_host(u) : NULL;
	int port = u != NULL ? evhttp_uri_get_port(u) : -1;
	size_t i;

	if (host == NULL) {
		bench_log("--url %s: expected http://HOST:PORT", url);
		evhttp_uri_free(u);
		return -1;
	}
	port = port > 0 ? port : 80;
	snprintf(d->hostport, sizeof d->hostport, "%s:%d", host, port);
	for (i = 0; i < d->nslots; i++) {
		d->slots[i].d = d;
		d->slots[i].conn = evhttp_connection_base_new(
		    d->base, NULL, host, (uint16_t)port);
		if (d->slots[i].conn == NULL) {
			evhttp_uri_free(u);
			return -1;
		}
		evhttp_connection_set_timeout(d->slots[i].conn, 30);
	}
	evhttp_uri_free(u);
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
	snprintf(d.auth, sizeof d.auth, "Bearer %s",
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
		if (d.slots[i].conn != NULL)
			evhttp_connection_free(d.slots[i].conn);
	free(d.slots);
	free(d.lat);
	if (d.base != NULL)
		event_base_free(d.base);
	return rc;
}
