/*
 * due_report.h: what "ismsctl due" makes of a DueResult, with no daemon needed:
 * durations ("14d", "2w"), items grouped by owner, the table, CSV and the
 * --check summary (due_report.c), and the reminder mail and iCalendar file
 * (due_out.c).
 */
#ifndef ISMS_DUE_REPORT_H
#define ISMS_DUE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "proto/isms.pb-c.h"

#define DUE_MAX_DAYS  3660 /* --within at most ten years */
#define DUE_NO_OWNER  "(no owner)"
#define DUE_TITLE_MAX 48 /* code points of a title in the table */

/* The items of one owner, in the server's (date) order; borrowed. */
struct due_group {
	const char *owner; /* DUE_NO_OWNER when the records have none */
	Isms__V1__DueItem **items;
	size_t n;
};

struct due_groups {
	struct due_group *g; /* by owner name */
	size_t n;
};

/*
 * Parses a duration in days: "14", "14d", "2w". 0, or -1 when malformed
 * or over DUE_MAX_DAYS.
 */
int due_parse_days(const char *s, uint32_t *days);

/* "review", "due", "expiry", "acceptance", "target" (else the number). */
const char *due_kind_name(int kind, char *buf, size_t len);

/* "OVERDUE 3 days", "due today", "due in 1 day". */
void due_state(const Isms__V1__DueItem *, char *buf, size_t len);

/* Whether the item's date has passed. */
bool due_is_overdue(const Isms__V1__DueItem *);

/* Number of overdue items. */
size_t due_count_overdue(const Isms__V1__DueResult *);

/* Groups the items by owner (owners sorted; free with due_groups_free). */
void due_group(struct due_groups *, Isms__V1__DueItem *const *items, size_t n);
void due_groups_free(struct due_groups *);

/* A heading per owner, then "DATE KIND ID TITLE STATE" lines under it. */
void due_print_table(FILE *, const Isms__V1__DueResult *);

/* owner,date,kind,id,register,title,overdue,days rows (RFC 4180). */
void due_print_csv(FILE *, const Isms__V1__DueResult *);

/* The --check line: "OK: nothing overdue, ..." or "OVERDUE: ...". */
void due_print_summary(FILE *, const Isms__V1__DueResult *, uint32_t within);

/* Monitoring plugin codes of due --check --nagios. */
#define DUE_NAGIOS_OK       0
#define DUE_NAGIOS_WARNING  1 /* something due within the window */
#define DUE_NAGIOS_CRITICAL 2 /* something overdue */
#define DUE_NAGIOS_UNKNOWN  3 /* no answer */

/* The monitoring plugin line ("ISMS DUE CRITICAL - 2 items overdue
 * (oldest ACT-0001, 30 days), 1 due within 14 days | overdue=2 due=1");
 * returns its code (DUE_NAGIOS_*). */
int due_print_nagios(FILE *, const Isms__V1__DueResult *, uint32_t within);

/* due_out.c */

/* Whether owner looks like an e-mail address (local@domain.tld). */
bool due_is_email(const char *owner);

/*
 * Writes one reminder message for group g to to (an address checked with
 * due_is_email): headers (To, Subject "ISMS: N items due or overdue",
 * MIME, Auto-Submitted), a blank line and a plain-text body listing the
 * items. today is the server's date.
 */
void due_mail_write(FILE *, const char *to, const struct due_group *g,
                    const char *today);

/* due_mail_write to someone else than the owner (a fallback), with note
 * (why it comes to them) before the items; note NULL: the owner's own. */
void due_mail_write_note(FILE *, const char *to, const struct due_group *g,
                         const char *today, const char *note);

/*
 * Writes the items as an RFC 5545 VCALENDAR: CRLF line ends, lines folded
 * at 75 octets, one all-day VEVENT per item with the stable UID
 * "<id>-<kind>@<instance id>.ismsd" ("<id>-<kind>@ismsd" from a server that
 * sends no instance id), a DESCRIPTION ending in the ismsctl command that
 * shows or reviews the record, DTSTAMP now, and a VALARM a day before.
 */
void due_ical_write(FILE *, const Isms__V1__DueResult *, int64_t now);

/* Writes one iCalendar content line: folded at 75 octets, CRLF ended. */
void due_ical_line(FILE *, const char *line);

/* TEXT value escaping of RFC 5545 3.3.11 (\\ \; \, \n), malloc'ed. */
char *due_ical_escape(const char *s);

#endif
