/*
 * programme.h: the audit programme (ISO 27001 9.2.2), computed by the
 * client from the registers: per clause 4-10 and per Annex A theme
 * (A.5-A.8), the audits dated in a window that cover it, what no audit
 * in the window covers, and audits whose auditor owns what they audit
 * (9.2.2 c: objectivity and impartiality).
 *
 * An audit covers a requirement or control it links "covers" (AUD-0001
 * covers 9.2), and one that a finding "found_in" it is linked "about"
 * (FND-0001 about A.8.24). An audit is in the window when its date
 * (performed_on, else planned_on) lies in [from, to].
 */
#ifndef ISMS_CTL_PROGRAMME_H
#define ISMS_CTL_PROGRAMME_H

#include <stddef.h>
#include <stdio.h>

#include "proto/isms.pb-c.h"

#define PROG_COVERS   "covers"
#define PROG_ABOUT    "about"
#define PROG_FOUND_IN "found_in"
#define PROG_NGROUPS  11 /* 4..10, A.5..A.8 */

/* The live records a programme reads (borrowed). */
struct prog_input {
	Isms__V1__Record *const *audits;
	size_t naudits;
	Isms__V1__Record *const *findings;
	size_t nfindings;
	Isms__V1__Record *const *items; /* requirements and controls */
	size_t nitems;
	const char *from, *to; /* YYYY-MM-DD, inclusive */
};

/* One clause or theme. */
struct prog_group {
	const char *key;     /* "9", "A.8" */
	const char *title;   /* "Performance evaluation" */
	const char **audits; /* ids of the audits covering it (borrowed) */
	size_t naudits;
	const char **items; /* ids it is covered through, one per audit */
};

/* An auditor who owns a record the audit covers. */
struct prog_conflict {
	const char *audit, *auditor, *item; /* borrowed */
};

struct programme {
	struct prog_group g[PROG_NGROUPS];
	const char **in_window; /* audits dated in the window */
	size_t nin;
	struct prog_conflict *conf;
	size_t nconf;
};

/* Computes the programme from in. */
void prog_build(struct programme *, const struct prog_input *in);
void prog_free(struct programme *);

/* The group a requirement or control id falls in ("9.2.2" → "9",
 * "A.8.24" → "A.8"), or NULL. */
const char *prog_group_of(const char *id, char *buf, size_t cap);

void prog_print_table(FILE *, const struct prog_input *,
                      const struct programme *);
void prog_print_json(FILE *, const struct prog_input *,
                     const struct programme *);
/* section,key,title,audits,item,auditor rows: section group (covered or
 * not), window, independence. */
void prog_print_csv(FILE *, const struct prog_input *,
                    const struct programme *);

#endif
