/*
 * report_kinds.h: the reports "ismsctl report KIND" builds, one row each
 * (report_kinds.c): its name, title, the registers its snapshot needs and
 * the builder that fills a struct report from that snapshot. One builder
 * per file (report_<kind>.c); the text renderers are report_text.h's.
 */
#ifndef ISMS_REPORT_KINDS_H
#define ISMS_REPORT_KINDS_H

#include "report.h"
#include "report_snap.h"

struct report_kind {
	const char *name;  /* "soa" */
	const char *title; /* "Statement of Applicability" */
	/* Registers to snapshot, NULL-terminated ("scope" is always added:
	 * the header's organisation and scope come from it). */
	const char *const *regs;
	/* Fills rep's sections (the header is filled by the caller). */
	void (*build)(struct report *rep, const struct rsnap *snap);
};

extern const struct report_kind report_kinds[];
extern const size_t report_nkinds;

/* The report called name, or NULL. */
const struct report_kind *report_kind_find(const char *name);

/* The builders. */
void report_build_soa(struct report *, const struct rsnap *);
void report_build_risks(struct report *, const struct rsnap *);
void report_build_treatment(struct report *, const struct rsnap *);
void report_build_gap(struct report *, const struct rsnap *);
void report_build_review(struct report *, const struct rsnap *);
void report_build_audits(struct report *, const struct rsnap *);
void report_build_incidents(struct report *, const struct rsnap *);

/* A two-column table of counts: label, count; returns it. */
struct rtable *report_counts(struct rsection *sec, const char *what,
                             const char *const *labels, const size_t *counts,
                             size_t n);

#endif
