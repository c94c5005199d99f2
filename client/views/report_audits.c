/* report_audits.c: placeholder, filled below. */
#include "report_kinds.h"

void
report_build_audits(struct report *rep, const struct rsnap *snap)
{
	(void)rep;
	(void)snap;
}
