/* kpi.c: metric frequencies and objective targets (see kpi.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpi.h"
#include "timefmt.h"

/* The named frequencies. */
static const struct {
	const char *name;
	struct kpi_period p;
} kpi_named[] = {
    {"daily", {1, 0}},     {"weekly", {7, 0}},      {"monthly", {0, 1}},
    {"quarterly", {0, 3}}, {"half-yearly", {0, 6}}, {"yearly", {0, 12}},
    {"annually", {0, 12}},
};

bool
kpi_period_parse(const char *s, struct kpi_period *p)
{
	char *end;
	long n;
	size_t i;

	if (s == NULL)
		return false;
	for (i = 0; i < sizeof kpi_named / sizeof kpi_named[0]; i++)
		if (strcmp(s, kpi_named[i].name) == 0) {
			*p = kpi_named[i].p;
			return true;
		}
	if (!isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno != 0 || n < 1 || n > 3660 || end[1] != '\0')
		return false;
	p->months = 0;
	if (*end == 'd')
		p->days = (int)n;
	else if (*end == 'w' && n <= 520)
		p->days = (int)n * 7;
	else
		return false;
	return true;
}

/* Days in month m (1-12) of year y. */
static int
kpi_month_days(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : d[m - 1];
}

bool
kpi_period_next(const struct kpi_period *p, const char *date, char *out,
                size_t cap)
{
	int64_t t;
	int y, m, d;

	if (!timefmt_date_valid(date) || timefmt_parse_instant(date, &t) != 0)
		return false;
	if (p->months == 0) {
		timefmt_date_add(t, p->days, out, cap);
		return true;
	}
	if (sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return false;
	m += p->months;
	y += (m - 1) / 12;
	m = (m - 1) % 12 + 1;
	if (d > kpi_month_days(y, m))
		d = kpi_month_days(y, m);
	snprintf(out, cap, "%04d-%02d-%02d", y % 10000, m, d);
	return true;
}

/* The comparators, longest first. */
static const struct {
	const char *op;
	enum kpi_cmp cmp;
} kpi_ops[] = {
    {"<=", KPI_LE}, {">=", KPI_GE}, {"==", KPI_EQ},
    {"<", KPI_LT},  {">", KPI_GT},  {"=", KPI_EQ},
};

bool
kpi_target_parse(const char *s, struct kpi_target *t)
{
	const char *u;
	char *end;
	size_t i, n;

	if (s == NULL)
		return false;
	while (isspace((unsigned char)*s))
		s++;
	for (i = 0; i < sizeof kpi_ops / sizeof kpi_ops[0]; i++)
		if (strncmp(s, kpi_ops[i].op, strlen(kpi_ops[i].op)) == 0)
			break;
	if (i == sizeof kpi_ops / sizeof kpi_ops[0])
		return false;
	t->cmp = kpi_ops[i].cmp;
	s += strlen(kpi_ops[i].op);
	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s) && *s != '-' && *s != '.')
		return false;
	errno = 0;
	t->value = strtod(s, &end);
	if (errno != 0 || end == s)
		return false;
	for (u = end; isspace((unsigned char)*u); u++)
		;
	n = strlen(u);
	while (n > 0 && isspace((unsigned char)u[n - 1]))
		n--;
	if (n >= sizeof t->unit)
		return false;
	for (i = 0; i < n; i++)
		if (!isalpha((unsigned char)u[i]) && u[i] != '%' &&
		    u[i] != '/' && u[i] != ' ')
			return false;
	memcpy(t->unit, u, n);
	t->unit[n] = '\0';
	return true;
}

bool
kpi_target_met(const struct kpi_target *t, double v)
{
	switch (t->cmp) {
	case KPI_LT:
		return v < t->value;
	case KPI_LE:
		return v <= t->value;
	case KPI_GT:
		return v > t->value;
	case KPI_GE:
		return v >= t->value;
	case KPI_EQ:
		return v == t->value;
	}
	return false;
}

void
kpi_target_format(const struct kpi_target *t, char *out, size_t cap)
{
	static const char *const names[] = {
	    [KPI_LT] = "<",  [KPI_LE] = "<=", [KPI_GT] = ">",
	    [KPI_GE] = ">=", [KPI_EQ] = "=",
	};

	snprintf(out, cap, "%s %g%s%s", names[t->cmp], t->value,
	         t->unit[0] != '\0' ? " " : "", t->unit);
}
