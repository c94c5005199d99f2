/* refusal.c: refused calls, logged under a rate limit (see refusal.h). */
#include <stdio.h>
#include <time.h>

#include "conn.h"

#include "errcode.h"
#include "log.h"
#include "refusal.h"

/* The bucket: lines it may log now, when it was last filled, and what it
 * held back since the last line. */
static struct {
	double tokens;
	double last; /* monotonic seconds; 0: never filled */
	unsigned long suppressed;
} refusal_bucket;

/* Monotonic seconds. */
static double
refusal_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Whether a line may be logged now (takes a token). */
static int
refusal_take(void)
{
	double now = refusal_clock();

	if (refusal_bucket.last == 0)
		refusal_bucket.tokens = REFUSAL_BURST;
	else
		refusal_bucket.tokens +=
		    (now - refusal_bucket.last) * REFUSAL_PER_SEC;
	if (refusal_bucket.tokens > REFUSAL_BURST)
		refusal_bucket.tokens = REFUSAL_BURST;
	refusal_bucket.last = now;
	if (refusal_bucket.tokens < 1)
		return 0;
	refusal_bucket.tokens -= 1;
	return 1;
}

int
refusal_is(int rc)
{
	return rc == -ISMS_EPERM || rc == -ISMS_EUNAUTH;
}

void
refusal_log(const struct conn *c, const char *user, const char *rpc, int rc,
            const char *why)
{
	char peer[80];

	if (c->uid != (uid_t)-1)
		snprintf(peer, sizeof peer, "%s uid %u", c->peer,
		         (unsigned)c->uid);
	else
		snprintf(peer, sizeof peer, "%s", c->peer);
	if (!refusal_take()) {
		refusal_bucket.suppressed++;
		return;
	}
	if (refusal_bucket.suppressed > 0) {
		log_warn("refused: %lu more refused calls were not logged "
		         "(at most %d a second)",
		         refusal_bucket.suppressed, REFUSAL_PER_SEC);
		refusal_bucket.suppressed = 0;
	}
	log_warn("refused: %s to user %s from %s: %s: %s", rpc,
	         user[0] != '\0' ? user : "(anonymous)",
	         peer[0] != '\0' ? peer : "?", isms_code_name(rc), why);
}
