/*
 * reglist.h: the list of registers, written once.
 *
 * One line per register, in display order (the clauses' order, then Annex
 * A and the plan): X(name, NAME, prefix), where name is the body field of
 * the Record oneof, NAME its upper-case spelling (the generated body case
 * ISMS__V1__RECORD__BODY_<NAME>) and prefix the id prefix (RSK → RSK-0001).
 *
 * Both the daemon and the client read it: the daemon's table of
 * definitions (daemon/engine/registers.c) and every view that lists registers
 * (ismsctl --help, status, the tests) iterate it, so the client, which
 * cannot link daemon code, shows the same order. Everything else a
 * register is lives in its definition, daemon/registers/<name>.c.
 */
#ifndef ISMS_REGLIST_H
#define ISMS_REGLIST_H

#include <stddef.h>
#include <stdint.h>

#include "proto/isms.pb-c.h"

/* clang-format off */
#define ISMS_REGISTERS(X)                                                      \
	X(scope, SCOPE, "SCOPE")                                               \
	X(issue, ISSUE, "ISS")                                                 \
	X(party, PARTY, "IP")                                                  \
	X(document, DOCUMENT, "DOC")                                           \
	X(role, ROLE, "ROLE")                                                  \
	X(asset, ASSET, "AST")                                                 \
	X(risk, RISK, "RSK")                                                   \
	X(treatment, TREATMENT, "RTP")                                         \
	X(control, CONTROL, "CTL")                                             \
	X(requirement, REQUIREMENT, "REQ")                                     \
	X(objective, OBJECTIVE, "OBJ")                                         \
	X(competence, COMPETENCE, "TRN")                                       \
	X(communication, COMMUNICATION, "COM")                                 \
	X(supplier, SUPPLIER, "SUP")                                           \
	X(incident, INCIDENT, "INC")                                           \
	X(metric, METRIC, "KPI")                                               \
	X(audit, AUDIT, "AUD")                                                 \
	X(finding, FINDING, "FND")                                             \
	X(mreview, MREVIEW, "MR")                                              \
	X(nonconformity, NONCONFORMITY, "NC")                                  \
	X(action, ACTION, "ACT")                                               \
	X(legal, LEGAL, "LEG")                                                 \
	X(milestone, MILESTONE, "MS")
/* clang-format on */

/* reglist_index_<name>: a register's place in the list. */
#define REGLIST_INDEX(n, N, p) reglist_index_##n,
enum reglist_index { ISMS_REGISTERS(REGLIST_INDEX) REGLIST_COUNT };
#undef REGLIST_INDEX

/* reglist_case_<name>: its body case, a constant. */
#define REGLIST_CASE(n, N, p) reglist_case_##n = ISMS__V1__RECORD__BODY_##N,
enum reglist_case { ISMS_REGISTERS(REGLIST_CASE) };
#undef REGLIST_CASE

/* reglist_prefix_<name>: its id prefix, an address constant, so a
 * definition's initializer can name it. */
#define REGLIST_PREFIX(n, N, p) extern const char reglist_prefix_##n[];
ISMS_REGISTERS(REGLIST_PREFIX)
#undef REGLIST_PREFIX

/* One line of the list. */
struct reglist_row {
	const char *name;   /* "risk" */
	const char *prefix; /* "RSK" */
	uint32_t body_case; /* ISMS__V1__RECORD__BODY_RISK */
};

/* The list, REGLIST_COUNT rows in display order. */
extern const struct reglist_row reglist[REGLIST_COUNT];

/* The row of the register named name, or NULL. */
const struct reglist_row *reglist_by_name(const char *name);

/* Whether id is one of register row's allocated ids ("RSK-0001"). */
int reglist_owns_id(const struct reglist_row *row, const char *id);

/* The article before a register's name: "an" incident, "a" risk. */
const char *reglist_article(const char *name);

#endif
