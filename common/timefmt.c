/* timefmt.c: ISO 8601 instants and calendar dates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timefmt.h"

void
timefmt_instant(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL) {
		snprintf(buf, len, "%lld", (long long)t);
		return;
	}
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int
parse_ymd(const char *s, struct tm *tm, const char **end)
{
	int y, m, d, n = 0;

	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10)
		return -1;
	if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1970)
		return -1;
	memset(tm, 0, sizeof *tm);
	tm->tm_year = y - 1900;
	tm->tm_mon = m - 1;
	tm->tm_mday = d;
	*end = s + n;
	return 0;
}

bool
timefmt_date_valid(const char *s)
{
	struct tm tm, chk;
	const char *end;
	time_t t;

	if (parse_ymd(s, &tm, &end) != 0 || *end != '\0')
		return false;
	/* Reject 2026-02-30: timegm normalises it to another day. */
	chk = tm;
	t = timegm(&chk);
	return t != (time_t)-1 && chk.tm_mday == tm.tm_mday &&
	       chk.tm_mon == tm.tm_mon;
}

int
timefmt_parse_instant(const char *s, int64_t *t)
{
	struct tm tm;
	const char *end;
	char *e;
	long long v;
	int hh = 0, mm = 0, ss = 0, n = 0;

	if (parse_ymd(s, &tm, &end) == 0) {
		if (*end == 'T' || *end == ' ') {
			if (sscanf(end + 1, "%2d:%2d:%2d%n", &hh, &mm, &ss,
			           &n) != 3 ||
			    n != 8)
				return -1;
			end += 1 + n;
			if (*end == 'Z')
				end++;
		}
		if (*end != '\0' || hh > 23 || mm > 59 || ss > 60)
			return -1;
		tm.tm_hour = hh;
		tm.tm_min = mm;
		tm.tm_sec = ss;
		*t = (int64_t)timegm(&tm);
		return 0;
	}
	v = strtoll(s, &e, 10);
	if (*s == '\0' || *e != '\0')
		return -1;
	*t = v;
	return 0;
}

void
timefmt_date_add(int64_t t, int days, char *buf, size_t len)
{
	time_t tt = (time_t)(t + (int64_t)days * 86400);
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%d", &tm);
}
