/* report_incidents.c: placeholder, filled below. */
#include "report_kinds.h"

void
report_build_incidents(struct report *rep, const struct rsnap *snap)
{
	(void)rep;
	(void)snap;
}
