/*
 * relations.h: the relations a link may have, written once.
 *
 * A link is source --rel--> target (links.h). Each row names a relation and
 * the registers it may join: its sources and its targets, by register name
 * (the Record body field). The daemon refuses a new link whose rel is not a
 * row, or whose registers the row does not join; ismsctl's help and the
 * views read the same rows. A relation added here needs no other code.
 */
#ifndef ISMS_RELATIONS_H
#define ISMS_RELATIONS_H

#include <stdbool.h>
#include <stddef.h>

/* One relation. from and to are register names, space separated. */
struct relation {
	const char *rel;  /* "treated_by" */
	const char *from; /* "risk" */
	const char *to;   /* "control treatment" */
	const char
	    *meaning; /* for help: "the control or plan that treats it" */
};

/* Every relation, in display order. */
extern const struct relation relations[];
extern const size_t relations_count;

/* The relation called rel, or NULL. */
const struct relation *relation_find(const char *rel);

/* Whether records of register reg may have links of relation r. */
bool relation_from(const struct relation *r, const char *reg);

/*
 * Whether a link rel from a record of register from to one of register to
 * is allowed: 0, or -1 with a sentence for the user in why (the relations
 * a record of from may have, or the registers rel joins).
 */
int relation_check(const char *rel, const char *from, const char *to, char *why,
                   size_t len);

#endif
