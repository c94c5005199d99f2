/*
 * bench_ingest.c: ismsbench's ingest mode: --clients connections push
 * incidents with the Ingest RPC, --inflight each, half of them repeating
 * a key sent before (an update), half new (a create); latency from send
 * to the durable reply; notes the commit batches ismsd formed (Info). The
 * keys are also http-ingest's.
 */
#include <unistd.h>

#include "bench.h"

/* The titles a pushed incident takes, by key. */
static const char *const ingest_titles[] = {
    "Disk almost full on db1",
    "Error rate above 5% on checkout",
    "Certificate of vpn1 expires in 7 days",
    "Brute force against the VPN gateway",
};

void
bench_ingest_key(char *key, size_t len, unsigned long seq)
{
	unsigned long k = seq % 2 == 0 ? seq / 2 : seq / 4;

	snprintf(key, len, "b%ld-%lu", (long)getpid(), k);
}

const char *
bench_ingest_title(unsigned long seq)
{
	return ingest_titles[seq / 2 % 4];
}

/* Builds the Ingest of push number seq. */
static void
ingest_build(struct bench_req *b, unsigned long seq, void *arg)
{
	(void)arg;
	isms__v1__request__init(&b->req);
	isms__v1__ingest__init(&b->ingest);
	bench_ingest_key(b->key, sizeof b->key, seq);
	b->ingest.source = (char *)"ismsbench";
	b->ingest.external_id = b->key;
	b->ingest.title = (char *)bench_ingest_title(seq);
	b->ingest.has_severity = 1;
	b->ingest.severity = ISMS__V1__SEVERITY__SEVERITY_HIGH;
	b->req.call_case = ISMS__V1__REQUEST__CALL_INGEST;
	b->req.ingest = &b->ingest;
}

/* An ingest must answer an incident. */
static int
ingest_check(struct bench_req *b, const Isms__V1__Reply *r, unsigned long seq,
             void *arg)
{
	(void)b;
	(void)seq;
	(void)arg;
	return r->ingest != NULL && r->ingest->record != NULL &&
	               r->ingest->record->id != NULL
	           ? 0
	           : -1;
}

int
bench_batches(const char *endpoint, struct bench_batches *b,
              struct bench_result *r)
{
	uint64_t c1 = 0, n1 = 0;

	if (r == NULL)
		return b->have =
		           bench_info(endpoint, &b->commits, &b->ops) == 0;
	if (b->have && bench_info(endpoint, &c1, &n1) == 0 && c1 > b->commits) {
		bench_note(r, "commits", (double)(c1 - b->commits));
		bench_note(r, "mean_batch",
		           (double)(n1 - b->ops) / (double)(c1 - b->commits));
	}
	return 0;
}

/* The ingest mode: see the top of this file. */
int
bench_ingest(const struct bench_opts *o, struct bench_result *r)
{
	struct bench_load load = {ingest_build, ingest_check, NULL};
	struct bench_batches b;

	bench_batches(o->endpoint, &b, NULL);
	if (bench_drive(o, &load, r) != 0)
		return -1;
	snprintf(r->what, sizeof r->what,
	         "Ingest RPC, half repeats: send -> durable reply");
	return bench_batches(o->endpoint, &b, r);
}
