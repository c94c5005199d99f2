/* report_review.c: placeholder, filled below. */
#include "report_kinds.h"

void
report_build_review(struct report *rep, const struct rsnap *snap)
{
	(void)rep;
	(void)snap;
}
