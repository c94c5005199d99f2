/*
 * bench_conns.c: ismsbench's conns mode: the daemon's memory with many
 * clients. Creates 100 risks, then opens --clients connections and keeps
 * them open; each says hello and lists a page of 100 risks, so every one
 * has been served. Reads the daemon's heap in use (Info) before and with
 * them all open. Latency: connect + hello + one page, per connection.
 */
#include <stdlib.h>

#include "bench.h"
#include "ismsclient.h"

#define CONNS_PAGE 100 /* risks listed by each connection */

/* The daemon's heap in use (Info), in bytes; 0 when unknown. */
static uint64_t
conns_heap(struct isms_sync *s)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Info info = ISMS__V1__INFO__INIT;
	struct isms_err err;
	Isms__V1__Reply *r;
	uint64_t heap = 0;

	req.call_case = ISMS__V1__REQUEST__CALL_INFO;
	req.info = &info;
	if ((r = isms_sync_call(s, &req, &err)) == NULL)
		bench_log("info: %s", err.msg);
	else if (r->info != NULL && r->info->has_heap_bytes)
		heap = r->info->heap_bytes;
	isms_reply_free(r);
	return heap;
}

/* Lists the first page of risks on s; 0 or -1. */
static int
conns_list(struct isms_sync *s)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__List list = ISMS__V1__LIST__INIT;
	struct isms_err err;
	Isms__V1__Reply *r;
	int rc = 0;

	list.register_ = "risk";
	list.has_page_size = 1;
	list.page_size = CONNS_PAGE;
	req.call_case = ISMS__V1__REQUEST__CALL_LIST;
	req.list = &list;
	if ((r = isms_sync_call(s, &req, &err)) == NULL) {
		bench_log("list: %s", err.msg);
		rc = -1;
	}
	isms_reply_free(r);
	return rc;
}

/* The conns mode: see the top of this file. */
int
bench_conns(const struct bench_opts *o, struct bench_result *r)
{
	unsigned n = o->clients, i, opened = 0;
	struct isms_sync *probe, **conns;
	struct isms_err err;
	uint64_t before, after;
	double t0, t1;
	char *ids;

	if (bench_raise_nofile() < n + 32) {
		bench_log("the open-file limit is below %u", n + 32);
		return -1;
	}
	if ((ids = bench_create(o, CONNS_PAGE)) == NULL)
		return -1;
	free(ids);
	if ((probe = isms_sync_connect(o->endpoint, "ismsbench", &err)) ==
	    NULL) {
		bench_log("%s", err.msg);
		return -1;
	}
	before = conns_heap(probe);
	conns = calloc(n, sizeof *conns);
	r->lat_ms = calloc(n + 1, sizeof *r->lat_ms);
	if (conns == NULL || r->lat_ms == NULL) {
		bench_log("out of memory");
		free(conns);
		isms_sync_free(probe);
		return -1;
	}
	t0 = bench_now();
	for (i = 0; i < n; i++, opened++) {
		t1 = bench_now();
		conns[i] = isms_sync_connect(o->endpoint, "ismsbench", &err);
		if (conns[i] == NULL) {
			bench_log("connection %u: %s", i + 1, err.msg);
			break;
		}
		if (conns_list(conns[i]) != 0)
			break;
		r->lat_ms[r->n++] = (bench_now() - t1) * 1e3;
	}
	r->ops_per_s = r->n / (bench_now() - t0);
	after = conns_heap(probe);
	for (i = 0; i < n; i++)
		isms_sync_free(conns[i]);
	free(conns);
	isms_sync_free(probe);
	snprintf(r->what, sizeof r->what,
	         "per connection: connect, hello, list %d risks; then held",
	         CONNS_PAGE);
	bench_note(r, "connections", opened);
	bench_note(r, "heap_before_mib", before / (1024.0 * 1024.0));
	bench_note(r, "heap_mib", after / (1024.0 * 1024.0));
	if (opened > 0 && after > before)
		bench_note(r, "per_conn_kib",
		           (after - before) / 1024.0 / opened);
	return r->n == n && after > 0 ? 0 : -1;
}
