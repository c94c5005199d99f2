/* report_treatment.c: placeholder, filled below. */
#include "report_kinds.h"

void
report_build_treatment(struct report *rep, const struct rsnap *snap)
{
	(void)rep;
	(void)snap;
}
