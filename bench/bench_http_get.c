/*
 * bench_http_get.c: ismsbench's http-get mode: creates one risk over
 * --endpoint, then --clients keep-alive connections GET /v1/risk/{id}
 * from the gateway with --token (a user who may read it).
 */
#include <stdlib.h>

#include "bench.h"

/* Builds the GET of the one risk. */
static void
hget_build(char *path, size_t plen, char *body, size_t blen, unsigned long seq,
           void *arg)
{
	(void)body;
	(void)blen;
	(void)seq;
	snprintf(path, plen, "/v1/risk/%s", (const char *)arg);
}

/* The http-get mode: see the top of this file. */
int
bench_http_get(const struct bench_opts *o, struct bench_result *r)
{
	char *ids = bench_create(o, 1);
	struct bench_http_load load = {false, hget_build, ids, ids};
	int rc;

	if (ids == NULL)
		return -1;
	rc = bench_http_drive(o, &load, r);
	snprintf(r->what, sizeof r->what, "GET /v1/risk/%s: send -> answer",
	         ids);
	free(ids);
	return rc;
}
