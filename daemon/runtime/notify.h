/*
 * notify.h: the systemd notification protocol (READY=1, STATUS=,
 * STOPPING=1, WATCHDOG=1) without libsystemd: one datagram to
 * $NOTIFY_SOCKET. Does nothing when not started by systemd.
 */
#ifndef ISMS_NOTIFY_H
#define ISMS_NOTIFY_H

#include <stdint.h>

struct event_base;

/* Sends state ("READY=1\nSTATUS=serving"); 0 when sent or not wanted. */
int notify_send(const char *state);

/* The watchdog period systemd asked for, in microseconds (0: none). */
uint64_t notify_watchdog_usec(void);

/* Starts pinging the watchdog at half its period on base, if asked: 0,
 * or -1 when the timer cannot be made. */
int notify_watchdog_start(struct event_base *);
void notify_watchdog_stop(void);

#endif
