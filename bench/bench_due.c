/*
 * bench_due.c: ismsbench's due mode: times the Due RPC (items due within
 * a day) on whatever the daemon holds, typically a data dir filled by
 * `ismsbench raw --prepare N`, where 100 of the N risks are due tomorrow.
 * Due returns at most 1000 items; the item count is noted.
 */
#include <stdatomic.h>

#include "bench.h"

/* Builds a Due query: what is due within one day. */
static void
due_build(struct bench_req *b, unsigned long seq, void *arg)
{
	(void)seq;
	(void)arg;
	isms__v1__request__init(&b->req);
	isms__v1__due__init(&b->due);
	b->due.has_within_days = 1;
	b->due.within_days = 1;
	b->req.call_case = ISMS__V1__REQUEST__CALL_DUE;
	b->req.due = &b->due;
}

/* Keeps the item count of the last reply. */
static int
due_check(struct bench_req *b, const Isms__V1__Reply *r, unsigned long seq,
          void *arg)
{
	atomic_ulong *items = arg;

	(void)b;
	(void)seq;
	if (r->due == NULL)
		return -1;
	atomic_store(items, r->due->n_items);
	return 0;
}

/* The due mode: see the top of this file. */
int
bench_due(const struct bench_opts *o, struct bench_result *r)
{
	atomic_ulong items = 0;
	struct bench_load load = {due_build, due_check, &items};

	if (bench_drive(o, &load, r) != 0)
		return -1;
	snprintf(r->what, sizeof r->what, "Due (within 1 day): send -> reply");
	bench_note(r, "items", (double)atomic_load(&items));
	return 0;
}
