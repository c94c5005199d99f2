/* log.c: one line per message on stderr, prefixed with its priority. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static const char *log_prog = "isms";
static int log_max = LOG_PRI_INFO;

void
log_init(const char *progname, int max_priority)
{
	log_prog = progname;
	log_max = max_priority;
}

void
log_vmsg(int pri, const char *fmt, va_list ap)
{
	char buf[1024];

	if (pri > log_max)
		return;
	vsnprintf(buf, sizeof buf, fmt, ap);
	/* One write per line keeps lines whole across threads. */
	fprintf(stderr, "<%d>%s: %s\n", pri, log_prog, buf);
}

void
log_msg(int pri, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(pri, fmt, ap);
	va_end(ap);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_PRI_ERR, fmt, ap);
	va_end(ap);
	exit(1);
}
