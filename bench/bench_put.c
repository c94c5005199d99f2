/*
 * bench_put.c: ismsbench's put mode: --clients connections create
 * realistic risks, --inflight each; latency from send to the durable
 * reply. Notes the batches the daemon's writer formed meanwhile (Info).
 */
#include "bench.h"

/* Builds a new risk. */
static void
put_build(struct bench_req *b, unsigned long seq, void *arg)
{
	(void)arg;
	bench_risk(b, seq);
}

/* The put mode: see the top of this file. */
int
bench_put(const struct bench_opts *o, struct bench_result *r)
{
	struct bench_load load = {put_build, NULL, NULL};
	uint64_t c0 = 0, n0 = 0, c1 = 0, n1 = 0;
	int have;

	if (bench_users(o->endpoint, bench_owners) != 0)
		return -1;
	have = bench_info(o->endpoint, &c0, &n0) == 0;
	if (bench_drive(o, &load, r) != 0)
		return -1;
	snprintf(r->what, sizeof r->what,
	         "create risks: send -> durable reply");
	if (have && bench_info(o->endpoint, &c1, &n1) == 0 && c1 > c0) {
		bench_note(r, "commits", (double)(c1 - c0));
		bench_note(r, "committed_ops", (double)(n1 - n0));
		bench_note(r, "mean_batch", (double)(n1 - n0) / (c1 - c0));
	}
	return 0;
}
