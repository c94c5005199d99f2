/*
 * timefmt.h: instants and calendar dates as the CLI shows them.
 *
 * Instants are int64 Unix seconds UTC on the wire and ISO 8601 in text
 * ("2026-11-28T09:14:03Z"). Review and due dates are calendar dates
 * ("2026-12-01"), compared as text.
 */
#ifndef ISMS_TIMEFMT_H
#define ISMS_TIMEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TIMEFMT_INSTANT_LEN 32
#define TIMEFMT_DATE_LEN    11

/* Formats Unix seconds as ISO 8601 UTC. */
void timefmt_instant(int64_t t, char *buf, size_t len);

/* Parses ISO 8601 ("2026-11-28T09:14:03Z", "2026-11-28") or Unix seconds. */
int timefmt_parse_instant(const char *s, int64_t *t);

/* Whether s is a valid calendar date YYYY-MM-DD. */
bool timefmt_date_valid(const char *s);

/* Formats the UTC calendar date of Unix time t plus days. */
void timefmt_date_add(int64_t t, int days, char *buf, size_t len);

#endif
