/*
 * events_fx.h: what the event tests share: a daemon started with extra
 * flags, writer threads, journal reads and asynchronous subscribers that
 * record every event they receive.
 */
#ifndef ISMS_EVENTS_FX_H
#define ISMS_EVENTS_FX_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon_fx.h"
#include "ismsclient.h"

/* One journal entry or event, as the tests compare them. */
struct evrow {
	uint64_t seq;
	int type;
	char id[32];
	char reg[32];
	char owner[64];
	uint64_t rev;
	uint8_t hash[32];
};

struct evrows {
	struct evrow *r;
	size_t n;
	size_t cap;
};

/* An asynchronous subscription and what it received. */
struct evsub {
	struct isms_client *client;
	struct evrows got;
	bool subscribed; /* the first OK reply came */
	bool ended;      /* an error status or the connection ended it */
	int end_code;    /* its status code */
	char end_msg[256];
};

/* Writer threads, each with its own connection, putting risks. */
struct evwriters {
	const char *endpoint;
	int nthreads;
	int per_thread;
	size_t title_len;    /* bytes of padding in each title */
	int pause_us;        /* between puts */
	atomic_int finished; /* puts acknowledged so far */
	atomic_int failed;
	void *threads; /* pthread_t[] */
};

/* Starts ismsd on fx (a new temp dir) with extra flags (NULL ended), and
 * adds the users the tests name as owners (alice, bob, carol, writer). */
void efx_start(struct daemon_fx *, const char *const *extra);

/* Connects synchronously, failing the test when it cannot. */
struct isms_sync *efx_sync(const struct daemon_fx *);

/* Creates a record of register reg (risk or action) owned by owner. */
char *efx_put(struct isms_sync *, const char *reg, const char *title,
              const char *owner);

/* Every journal entry after since (all pages), into rows. */
void efx_journal(struct isms_sync *, uint64_t since, struct evrows *rows);

/* The journal head seq. */
uint64_t efx_head(struct isms_sync *);

/* Appends an entry to rows; frees them. */
void evrows_add(struct evrows *, const Isms__V1__JournalEntry *);
void evrows_add_row(struct evrows *, const struct evrow *);
void evrows_free(struct evrows *);

/* Subscribes on client with s (its filters, since); events go to sub. */
void efx_subscribe(struct isms_client *, Isms__V1__Subscribe *s,
                   struct evsub *sub);

/* Runs base for up to ms milliseconds, or until done(arg) holds. */
bool efx_pump(struct event_base *, int ms, bool (*done)(void *), void *arg);

/* Starts and joins the writer threads. */
void efx_writers_start(struct evwriters *);
void efx_writers_join(struct evwriters *);

#endif
