/*
 * soa.h: the Statement of Applicability (ISO 27001 6.1.3 d) computed from
 * given control records: one row per control, grouped under the four
 * Annex A themes and the organisation's own controls, and printed as a
 * table, JSON or the auditor's CSV. No daemon needed.
 */
#ifndef ISMS_CTL_SOA_H
#define ISMS_CTL_SOA_H

#include <stddef.h>
#include <stdio.h>

#include "proto/isms.pb-c.h"

enum soa_applicable {
	SOA_UNDECIDED,
	SOA_YES,
	SOA_NO,
};

/* One control. Strings: borrowed from the record, except those marked. */
struct soa_row {
	const char *id;
	const char *title;
	const char *owner;
	const char *justification;
	const char *evidence;
	const char *last_tested_on;
	Isms__V1__ControlStatus status; /* 0: not set */
	enum soa_applicable applicable;
	char *theme; /* owned: "A.5 Organizational controls" */
	int group;   /* theme number (5 for A.5); SOA_OWN_GROUP for CTL-* */
	char *risks; /* owned: "RSK-0001 RSK-0003" (from linked_from) */
};

#define SOA_OWN_GROUP 1000
#define SOA_OWN_TITLE "Organisation's own controls"

struct soa {
	struct soa_row *rows; /* grouped by theme, then in the given order */
	size_t n;
};

/* Builds the rows from control records (others are skipped). */
void soa_build(struct soa *, Isms__V1__Record *const *recs, size_t n);
void soa_free(struct soa *);

/* "yes", "no", "undecided". */
const char *soa_applicable_name(enum soa_applicable);

/* The status by name ("implemented"), "" when not set. */
const char *soa_status_name(Isms__V1__ControlStatus, char *buf, size_t len);

/* A heading per theme, the rows under it, and a count line at the end. */
void soa_print_table(FILE *, const struct soa *);

/* The auditor's export: id,title,theme,applicable,status,justification, */
/* owner,risks,evidence,last_tested_on. */
void soa_print_csv(FILE *, const struct soa *);

/* The rows as a JSON array (applicable as true, false or null). */
void soa_print_json(FILE *, const struct soa *);

#endif
