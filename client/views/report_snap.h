/*
 * report_snap.h: what the report builders read: the records of one
 * Snapshot call, by register, with the links into each record (linked_from)
 * computed from the snapshot itself, so that an as-of report sees the links
 * of that day too. Archived records are kept out of the registers' lists.
 */
#ifndef ISMS_REPORT_SNAP_H
#define ISMS_REPORT_SNAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ismsclient.h"
#include "reglist.h"
#include "report.h"

struct rsnap_reg {
	Isms__V1__Record **recs; /* live records, in the server's order */
	size_t n;
};

struct rsnap {
	struct isms_snapshot s; /* owns every record */
	struct rsnap_reg reg[REGLIST_COUNT];
	Isms__V1__Record **byid; /* every record, sorted by id */
	size_t nbyid;
	const Isms__V1__RiskMethod *method; /* borrowed from s.head */
	const char *user;         /* who generates it (hello), or NULL */
	const char *organisation; /* --organisation, or NULL */
	char today[11];           /* the as-of date, or the server's today */
	int64_t now; /* the server's time, or the as-of day's end */
};

/* Indexes snap (taken: rsnap_free frees it) into r. */
void rsnap_init(struct rsnap *r, struct isms_snapshot *snap);
void rsnap_free(struct rsnap *r);

/* The record with this id (live or archived), or NULL. */
const Isms__V1__Record *rsnap_find(const struct rsnap *, const char *id);

/* The live records of a register (by reglist index). */
#define RSNAP_REG(r, name) (&(r)->reg[reglist_index_##name])

/* rec's body when it is of register name (NAME: its upper case), else
 * NULL: the bodies share a union, so only the case tells. */
#define RSNAP_BODY(rec, name, NAME)                                            \
	((rec)->body_case == ISMS__V1__RECORD__BODY_##NAME ? (rec)->name : NULL)

/* The body of rec (any register), or NULL. */
const ProtobufCMessage *rsnap_body(const Isms__V1__Record *rec);

/* The status of rec by name ("open"), "" when it has none. */
const char *rsnap_status(const Isms__V1__Record *rec, char *buf, size_t len);

/* The value of rec's body enum field by name ("low"), "" when unset. */
const char *rsnap_enum(const Isms__V1__Record *rec, const char *field,
                       char *buf, size_t len);

/* The ids of records linked with rel, outgoing (out) or incoming, whose
 * register is reg (NULL: any), space separated; malloc'ed. */
char *rsnap_links(const struct rsnap *snap, const Isms__V1__Record *rec,
                  const char *rel, bool out, const char *reg);

/* Whether id belongs to register name. */
bool rsnap_is(const char *id, const char *reg);

/* Fills the document-control header from the snapshot. */
void rsnap_header(struct report *, const struct rsnap *);

/* Section helpers shared by the builders. */
/* A table of records: ID, Title, Owner, Status, Updated (live only). */
struct rtable *rsnap_records_table(struct rsection *sec,
                                   Isms__V1__Record *const *recs, size_t n);
/* The tone of a record's status: settled good, open bad, else warn. */
enum rtone rsnap_status_tone(const char *status);

#endif
