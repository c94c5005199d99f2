/*
 * bench_get.c: ismsbench's get mode: creates --records risks, then gets
 * them at random over --clients connections, --inflight each.
 */
#include <stdlib.h>
#include <string.h>

#include "bench.h"

/* The ids to get from. */
struct get_state {
	const char *ids;
	unsigned n;
};

/* Builds a Get of a random record. */
static void
get_build(struct bench_req *b, unsigned long seq, void *arg)
{
	struct get_state *g = arg;
	unsigned long h = (seq + 1) * 0x9e3779b97f4a7c15ul;

	isms__v1__request__init(&b->req);
	isms__v1__get__init(&b->get);
	snprintf(b->id, sizeof b->id, "%s", g->ids + (h >> 17) % g->n * 32);
	b->get.id = b->id;
	b->req.call_case = ISMS__V1__REQUEST__CALL_GET;
	b->req.get = &b->get;
}

/* A get must return the record asked for. */
static int
get_check(struct bench_req *b, const Isms__V1__Reply *r, unsigned long seq,
          void *arg)
{
	(void)seq;
	(void)arg;
	return r->record != NULL && r->record->id != NULL &&
	               strcmp(r->record->id, b->id) == 0
	           ? 0
	           : -1;
}

/* The get mode: see the top of this file. */
int
bench_get(const struct bench_opts *o, struct bench_result *r)
{
	struct get_state g = {NULL, o->records};
	struct bench_load load = {get_build, get_check, &g};
	char *ids = bench_create(o, o->records);
	int rc;

	if ((g.ids = ids) == NULL)
		return -1;
	rc = bench_drive(o, &load, r);
	snprintf(r->what, sizeof r->what, "get a random one of %u risks",
	         o->records);
	bench_note(r, "records", o->records);
	free(ids);
	return rc;
}
