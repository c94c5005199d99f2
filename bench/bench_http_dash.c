/*
 * bench_http_dash.c: ismsbench's http-dash mode: creates --records risks
 * over --endpoint, then --clients keep-alive connections GET
 * /v1/dashboard from the gateway with --token: every request reads every
 * risk, page by page, and the registers of the gap analysis.
 */
#include <stdlib.h>

#include "bench.h"

/* Builds the GET of the dashboard. */
static void
hdash_build(char *path, size_t plen, char *body, size_t blen, unsigned long seq,
            void *arg)
{
	(void)body;
	(void)blen;
	(void)seq;
	(void)arg;
	snprintf(path, plen, "/v1/dashboard");
}

/* The http-dash mode: see the top of this file. */
int
bench_http_dash(const struct bench_opts *o, struct bench_result *r)
{
	char *ids = bench_create(o, o->records);
	struct bench_http_load load = {false, hdash_build, "\"heatmap\"", NULL};
	int rc;

	if (ids == NULL)
		return -1;
	free(ids);
	rc = bench_http_drive(o, &load, r);
	snprintf(r->what, sizeof r->what, "GET /v1/dashboard: send -> answer");
	return rc;
}
