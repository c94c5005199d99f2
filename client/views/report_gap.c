/* report_gap.c: placeholder, filled below. */
#include "report_kinds.h"

void
report_build_gap(struct report *rep, const struct rsnap *snap)
{
	(void)rep;
	(void)snap;
}
