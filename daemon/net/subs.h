/*
 * subs.h: event subscriptions. Events are journal entries: a subscriber
 * has the seq of the next entry it wants, and every run of the fan-out
 * sends it what the journal holds from there, so replay and live are one
 * path with no gap and no duplicate at the seam. A far-behind subscriber
 * is served in slices, yielding to the loop between them. A subscriber
 * whose unsent output passes the cap gets "resync from seq N" and is
 * dropped: memory stays bounded, nothing is lost (the journal has it).
 */
#ifndef ISMS_SUBS_H
#define ISMS_SUBS_H

#include <stdint.h>

#include "errcode.h"
#include "proto/isms.pb-c.h"

struct server;
struct conn;

#define SUBS_OUTPUT_CAP_DEFAULT (4u * 1024 * 1024)

void subs_init(struct server *);
void subs_free_all(struct server *);

/* Subscribes conn under request id; events follow the OK reply. A
 * subscriber that may not read the journal (Journal's role) gets record
 * events only: no user, token or method events. */
int subs_add(struct conn *, uint64_t req_id, const Isms__V1__Subscribe *,
             struct isms_err *err);

/* Ends the subscriptions of c, each with an error reply (code, msg). */
void subs_conn_end(struct conn *, int code, const char *msg);

/* Ends the subscriptions of a closing connection. */
void subs_conn_gone(struct conn *);

/* New journal entries may exist: schedule a fan-out run. */
void subs_poke(struct server *);

#endif
