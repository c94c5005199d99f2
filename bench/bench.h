/*
 * bench.h: what the modes of ismsbench share: the options, the result
 * every mode fills (latencies in ms, operation counts, notes), latency
 * statistics, output for people and for machines (--json), pacing and
 * clocks. A mode is one row of the table in ismsbench.c and one function
 * (bench_<mode>.c) that fills a bench_result from the options.
 */
#ifndef ISMS_BENCH_H
#define ISMS_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "proto/isms.pb-c.h"

/* The command line, for every mode (a mode reads what it needs). */
struct bench_opts {
	const char *endpoint;
	unsigned subscribers; /* watch: connections that subscribe */
	unsigned count;       /* operations to time */
	double rate;          /* operations per second; 0: flat out */
	unsigned threads;     /* client loop threads */
	unsigned timeout_s;   /* wait for stragglers at the end */
	bool json;
	unsigned clients;     /* put/get/list/due: connections */
	unsigned inflight;    /* requests in flight per connection */
	double duration_s;    /* > 0: run that long instead of --count */
	unsigned records;     /* get/list: records created first */
	unsigned batch;       /* raw: records per write txn */
	unsigned prepare;     /* raw: records to write into --data-dir */
	const char *data_dir; /* raw: NULL: a temp dir, removed after */
	const char *url;      /* http-*: the gateway, http://HOST:PORT */
	const char *token;    /* http-*: the bearer token */
	const char *cookie;   /* http-*: a session secret sent as the cookie */
	const char *paths;    /* http-paths: the GETs, comma-separated */
	char **argv;          /* spawn: the command */
};

/* A number the mode wants reported beside the latencies. */
struct bench_note {
	const char *name;
	double value;
};

#define BENCH_NOTES_MAX 12

/* What a mode measured. */
struct bench_result {
	char what[200]; /* what the latencies time, for people */
	double *lat_ms; /* one per timed operation (malloc'ed) */
	size_t n;
	double ops_per_s; /* the operations the mode drives */
	struct bench_note notes[BENCH_NOTES_MAX];
	size_t nnotes;
};

/* A mode: one row of the table. */
struct bench_mode {
	const char *name;
	const char *help;
	int (*run)(const struct bench_opts *, struct bench_result *);
	bool argv; /* takes a command after -- */
};

/* The request one in-flight slot sends, with room for what it points to. */
struct bench_req {
	Isms__V1__Request req;
	Isms__V1__Put put;
	Isms__V1__Record rec;
	Isms__V1__Risk risk;
	Isms__V1__Get get;
	Isms__V1__List list;
	Isms__V1__Due due;
	Isms__V1__Acceptance acc;
	Isms__V1__Ingest ingest;
	char title[96];
	char until[16];
	char threat[160];
	char vuln[400];
	char id[32];
	char key[48];       /* ingest: the external id */
	uint8_t token[256]; /* list: the next page's token */
	size_t token_len;
};

/* What the closed-loop driver sends and how it checks the replies. */
struct bench_load {
	/* Fills b with operation number seq. */
	void (*build)(struct bench_req *b, unsigned long seq, void *arg);
	/* Looks at an OK reply to operation seq; 0 or -1 (counted). NULL: ok. */
	int (*check)(struct bench_req *b, const Isms__V1__Reply *r,
	             unsigned long seq, void *arg);
	void *arg;
};

/* bench_watch.c, bench_put.c, ...: the modes */
int bench_watch(const struct bench_opts *, struct bench_result *);
int bench_put(const struct bench_opts *, struct bench_result *);
int bench_get(const struct bench_opts *, struct bench_result *);
int bench_list(const struct bench_opts *, struct bench_result *);
int bench_due(const struct bench_opts *, struct bench_result *);
int bench_raw(const struct bench_opts *, struct bench_result *);
int bench_spawn(const struct bench_opts *, struct bench_result *);
int bench_conns(const struct bench_opts *, struct bench_result *);
int bench_ingest(const struct bench_opts *, struct bench_result *);
int bench_http_ingest(const struct bench_opts *, struct bench_result *);
int bench_http_get(const struct bench_opts *, struct bench_result *);
int bench_http_dash(const struct bench_opts *, struct bench_result *);

/* bench_ingest.c */

/*
 * The external id of ingest number seq into key: even numbers a new key,
 * odd ones a key sent long before (seq / 4): half the pushes repeat. The
 * keys carry this process's id, so that each run starts with new keys.
 */
void bench_ingest_key(char *key, size_t len, unsigned long seq);

/* The title of ingest number seq (plain text, no quotes to escape). */
const char *bench_ingest_title(unsigned long seq);

/* The daemon's commit counters before a run. */
struct bench_batches {
	uint64_t commits, ops;
	int have;
};

/*
 * With r NULL: reads the counters into b (Info on endpoint). Else notes
 * in r the commits since then and their mean batch. Returns 0 after a
 * run; before one, whether the counters could be read.
 */
int bench_batches(const char *endpoint, struct bench_batches *b,
                  struct bench_result *r);

/* bench_http.c: the closed-loop driver over HTTP/1.1 (evhttp client) */

/* What the HTTP driver sends and what an answer must hold. */
struct bench_http_load {
	bool post; /* POST body, else GET */
	/* Fills path (and body for a POST) for operation seq. */
	void (*build)(char *path, size_t plen, char *body, size_t blen,
	              unsigned long seq, void *arg);
	const char *expect; /* a 200 answer's body must hold it; NULL: any */
	void *arg;
};

/*
 * Runs load over o->clients keep-alive connections to o->url, one
 * request in flight each, with o->token as the bearer (or o->cookie as
 * the isms_session cookie, a browser's session), for o->count
 * operations or o->duration_s seconds; a non-200 answer is an error. 0,
 * or -1 when nothing could run.
 */
int bench_http_drive(const struct bench_opts *, const struct bench_http_load *,
                     struct bench_result *r);

/* bench_http_paths.c: the http-paths mode, on the driver above */
int bench_http_paths(const struct bench_opts *, struct bench_result *);

/* bench_drive.c */

/*
 * Runs load over o->clients connections with o->inflight requests each
 * (spread over o->threads loops) for o->count operations or o->duration_s
 * seconds, timing each from send to reply into r. 0, or -1 when nothing
 * could run.
 */
int bench_drive(const struct bench_opts *, const struct bench_load *,
                struct bench_result *r);

/* The owners of bench_risk's risks: users (NULL-terminated). */
#define BENCH_NOWNERS 10
extern const char *const bench_owners[BENCH_NOWNERS + 1];

/* Adds the users names (a record's owner is a user): 0, or -1. */
int bench_users(const char *endpoint, const char *const *names);

/* Fills b with a realistic risk (title, owner, scores, threat, ...). */
void bench_risk(struct bench_req *b, unsigned long seq);

/* Reads the daemon's commit counters through the Info RPC. */
int bench_info(const char *endpoint, uint64_t *commits, uint64_t *ops);

/* Creates n risks with the driver; returns their ids (n * 32 bytes). */
char *bench_create(const struct bench_opts *, unsigned n);

/* bench.c */

/* Monotonic time in seconds. */
double bench_now(void);

/* Sleeps until the monotonic time t (seconds). */
void bench_sleep_until(double t);

/* Raises RLIMIT_NOFILE to its hard limit; returns the new soft limit. */
unsigned long bench_raise_nofile(void);

/* Adds a note to r. */
void bench_note(struct bench_result *r, const char *name, double value);

/* The p-th percentile (0..100) of sorted[0..n), nearest rank. */
double bench_percentile(const double *sorted, size_t n, double p);

/* Prints r for people, or as one JSON object with --json. */
void bench_print(FILE *, const char *mode, const struct bench_opts *,
                 struct bench_result *r);

/* Prints a message to stderr with the "ismsbench: " prefix. */
void bench_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
