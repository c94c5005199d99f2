/*
 * gap.h: the gap analysis, computed by the client from the registers: the
 * clause 4-10 requirements with their status, a met / partial / not met
 * summary per clause and per Annex A theme, and the mandatory documented
 * information that is missing. No daemon needed: "ismsctl gap" fetches the
 * registers named in gap_regs, this module does the rest.
 */
#ifndef ISMS_CTL_GAP_H
#define ISMS_CTL_GAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "proto/isms.pb-c.h"

/* The registers a gap analysis reads, indexes into gap_input.reg. */
enum gap_reg {
	GAP_REQUIREMENT,
	GAP_CONTROL,
	GAP_SCOPE,
	GAP_DOCUMENT,
	GAP_RISK,
	GAP_TREATMENT,
	GAP_OBJECTIVE,
	GAP_COMPETENCE,
	GAP_MILESTONE,
	GAP_METRIC,
	GAP_AUDIT,
	GAP_MREVIEW,
	GAP_NONCONFORMITY,
	GAP_ACTION,
	GAP_INCIDENT,
	GAP_FINDING,
	GAP_NREGS
};

/* The register name of each gap_reg ("requirement", ...). */
extern const char *const gap_reg_names[GAP_NREGS];

/* The live records of each register (borrowed). */
struct gap_input {
	struct {
		Isms__V1__Record *const *recs;
		size_t n;
	} reg[GAP_NREGS];
	/* The date of each metric's latest measurement (NULL: none), in
	 * the order of reg[GAP_METRIC]; NULL: not fetched. */
	const char *const *metric_latest;
	const char *today; /* YYYY-MM-DD; NULL: nothing dated is derived */
};

/* A requirement's status as the registers show it (gap_derive.c). */
struct gap_derived {
	int status;  /* ISMS__V1__REQUIREMENT_STATUS_*; 0: not derived */
	char *basis; /* why, for people: "SCOPE-0001 approved" */
};

/* A record lacking what its state needs, or a status set by hand
 * against the evidence without a justification. */
struct gap_defect {
	char *ref; /* record id, or the requirement's */
	char *msg;
};

/* One summary line: a clause (4-10) or an Annex A theme. */
struct gap_summary {
	char *key;   /* "4", "A.5", "own" */
	char *title; /* "Context of the organization" */
	size_t met, partial, not_met;
};

/* One piece of missing mandatory documented information. */
struct gap_missing {
	const char *clause; /* "6.2" */
	char *msg;          /* "no objective recorded" */
};

struct gap {
	struct gap_summary *sum;
	size_t nsum;
	struct gap_missing *miss;
	size_t nmiss;
	struct gap_derived *der; /* one per requirement of the input */
	size_t nder;
	struct gap_defect *def;
	size_t ndef;
};

/* Derives what the registers say of requirements 4.3, 9.1, 9.2, 9.3 and
 * 10.2 into g->der, and the evidence defects into g->def (gap_derive.c;
 * gap_build calls it). */
void gap_derive(struct gap *, const struct gap_input *in);

/*
 * The status requirement i stands at: set by hand with a justification,
 * or where nothing is derived, its own; else the derived one. *derived
 * (may be NULL) says which.
 */
int gap_status(const struct gap *, const struct gap_input *in, size_t i,
               bool *derived);

/* Computes the summary and the missing items from in. */
void gap_build(struct gap *, const struct gap_input *in);
void gap_free(struct gap *);

/* Percent met of a summary line (rounded), or -1 when it counts nothing. */
int gap_percent(const struct gap_summary *);

/* Requirements, summary and missing items for people. */
void gap_print_table(FILE *, const struct gap_input *, const struct gap *);

/* The same as one JSON document. */
void gap_print_json(FILE *, const struct gap_input *, const struct gap *);

/* The same as CSV rows: section,ref,title,status,evidence,met,partial, */
/* not_met,percent_met (a missing item's message is its title). */
void gap_print_csv(FILE *, const struct gap_input *, const struct gap *);

#endif
