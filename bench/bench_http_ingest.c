/*
 * bench_http_ingest.c: ismsbench's http-ingest mode: --clients keep-alive
 * connections POST the gateway's incident form (/v1/hooks/incident) with
 * --token, an ingest user's; each push is one Ingest behind the gateway.
 * The same pushes as the ingest mode: half repeat a key sent before.
 * Notes the commit batches ismsd formed meanwhile (Info, on --endpoint).
 */
#include "bench.h"

/* Builds the incident form of push number seq. */
static void
hingest_build(char *path, size_t plen, char *body, size_t blen,
              unsigned long seq, void *arg)
{
	char key[48];

	(void)arg;
	bench_ingest_key(key, sizeof key, seq);
	snprintf(path, plen, "/v1/hooks/incident");
	snprintf(body, blen,
	         "{\"source\":\"ismsbench\",\"external_id\":\"%s\","
	         "\"title\":\"%s\",\"severity\":\"high\"}",
	         key, bench_ingest_title(seq));
}

/* The http-ingest mode: see the top of this file. */
int
bench_http_ingest(const struct bench_opts *o, struct bench_result *r)
{
	struct bench_http_load load = {true, hingest_build, "INC-", NULL};
	struct bench_batches b;

	bench_batches(o->endpoint, &b, NULL);
	if (bench_http_drive(o, &load, r) != 0)
		return -1;
	snprintf(r->what, sizeof r->what,
	         "POST /v1/hooks/incident, half repeats: send -> answer");
	return bench_batches(o->endpoint, &b, r);
}
