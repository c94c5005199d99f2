/*
 * ingest.h: incidents pushed by integrations, upserted by (source,
 * external id) through the dedupe index (extref.h).
 *
 * The first push of a key creates an incident in its initial status; a
 * later one updates the fields the source owns (title, description,
 * severity, detected_at, link), counts the repeat and stamps last_seen_at.
 * The source's "resolved" is recorded in source_resolved_at (a firing push
 * clears it again); ingest never changes the status: people triage,
 * resolve and close. A key whose incident is closed or archived gets a new
 * incident when it fires again (closed is final: a recurrence is a new
 * one); its "resolved" changes nothing there. Every push that stores
 * something journals incident_ingested.
 */
#ifndef ISMS_INGEST_H
#define ISMS_INGEST_H

#include "errcode.h"
#include "proto/isms.pb-c.h"
#include "records.h"
#include "store.h"

/* Refuses what needs no store: the key, lengths, the link, the state. */
int ingest_check(const Isms__V1__Ingest *in, struct isms_err *err);

/* Upserts the incident of in's key (writer thread); fills out with the
 * incident as the ingest role may see it. */
int ingest_apply(struct store_txn *, const Isms__V1__Ingest *in,
                 const struct records_actor *who, Isms__V1__IngestResult *out,
                 struct isms_err *err);

#endif
