/*
 * kpi.h: what the server understands of metrics and objectives (9.1, 6.2):
 * a metric's frequency ("monthly", "14d"), which dates when its next
 * measurement falls due, and an objective's target ("< 5%", ">= 95",
 * "<= 14 days"), against which a measured value is met or not. Shared by
 * the daemon (checks on write, due dates, progress on reads) and ismsctl
 * (gap), so both read them the same way.
 */
#ifndef ISMS_KPI_H
#define ISMS_KPI_H

#include <stdbool.h>
#include <stddef.h>

/* A frequency: every n days, or every n calendar months. */
struct kpi_period {
	int days;
	int months;
};

/* The frequencies accepted, for messages. */
#define KPI_FREQUENCIES                                                        \
	"daily, weekly, monthly, quarterly, half-yearly, yearly, or Nd / Nw "  \
	"(N days or weeks)"

/* Parses a frequency; false when s is none of KPI_FREQUENCIES. */
bool kpi_period_parse(const char *s, struct kpi_period *p);

/* The date (YYYY-MM-DD) one period after date into out (11 bytes);
 * false when date is not a valid date. A month past the 31st ends on the
 * month's last day. */
bool kpi_period_next(const struct kpi_period *p, const char *date, char *out,
                     size_t cap);

enum kpi_cmp { KPI_LT, KPI_LE, KPI_GT, KPI_GE, KPI_EQ };

/* A target: comparator, number, optional unit ("%", "days"). */
struct kpi_target {
	enum kpi_cmp cmp;
	double value;
	char unit[24];
};

/* The target forms accepted, for messages. */
#define KPI_TARGETS                                                            \
	"a comparator (<, <=, >, >=, =), a number and an optional unit, "      \
	"e.g. '< 5%', '>= 95', '<= 14 days'"

/* Parses a target; false when s is not of the form KPI_TARGETS. */
bool kpi_target_parse(const char *s, struct kpi_target *t);

/* Whether value meets t. */
bool kpi_target_met(const struct kpi_target *t, double value);

/* t as text, normalised ("< 5 %") into out. */
void kpi_target_format(const struct kpi_target *t, char *out, size_t cap);

#endif
