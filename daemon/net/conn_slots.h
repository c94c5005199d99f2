/*
 * conn_slots.h: what conn.c asks of conn_slots.c, the admission of a
 * connection: no other module includes it.
 */
#ifndef ISMS_CONN_SLOTS_H
#define ISMS_CONN_SLOTS_H

#include <stdbool.h>
#include <sys/socket.h>

struct conn;

/* Fills c's address (what the per-address cap counts) and its name. */
void conn_set_addr(struct conn *c, const struct sockaddr *sa);
/* Whether one more TCP peer from c's address would pass the cap. */
bool conn_addr_has_room(const struct conn *c);
/* Logs a refusal at accept, at most once a second. */
void conn_log_refused(const struct conn *c);
/* Counts c in its pool; a full pool pauses its own listeners. */
void conn_slot_take(struct conn *c);
/* Gives c's slot back, resuming its listeners if they were paused. */
void conn_slot_give(struct conn *c);
/* Closes c when its user is over the cap, telling it why: true then. */
bool conn_refuse_over_cap(struct conn *c);
/* Closes a Unix peer in an admin slot that is no admin: true then. */
bool conn_refuse_admin_slot(struct conn *c);

#endif
