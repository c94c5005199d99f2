/*
 * server.h: the daemon's state, owned by the loop thread.
 */
#ifndef ISMS_SERVER_H
#define ISMS_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

struct event;
struct event_base;
struct store;
struct writer;
struct reader;
struct token_use;
struct conn;
struct listener;
struct sub;
struct backup_job;
struct authq;
struct throttle;

#define CONFIG_LISTEN_MAX  16
#define CONFIG_SSO_UID_MAX 16

struct server_config {
	const char *config_path;
	const char *data_dir;
	const char *listen[CONFIG_LISTEN_MAX]; /* unix:PATH, tcp://H:P */
	int nlisten;
	int nlisten_file;    /* how many of them came from the file */
	bool listen_default; /* none given: the built-in one */
	bool foreground;
	bool verbose;
	bool check_config;
	bool insecure; /* plain TCP allowed, on loopback only */
	const char *tls_cert, *tls_key, *tls_client_ca;
	size_t max_frame;
	size_t unpack_budget;
	size_t mapsize;
	const char *socket_group; /* group of Unix sockets (0660) */
	size_t sub_output_cap;
	size_t max_conns;          /* TCP: its listeners pause there */
	size_t max_unix_conns;     /* Unix: slots of their own, so a flood of
	                        * TCP peers never keeps a local admin out */
	size_t max_conns_per_addr; /* TCP peers of one address (/64) */
	size_t max_conns_per_user;
	unsigned auth_timeout_secs;   /* to finish TLS and authenticate */
	unsigned idle_timeout_secs;   /* 0: none; subscribers exempt */
	unsigned frame_deadline_secs; /* a started frame must complete */
	size_t max_queued_bytes;      /* one conn's requests in flight + replies
	                          * unsent: reading pauses above it */
	size_t max_string;            /* bytes of a string or bytes field */
	size_t max_repeated;          /* elements of a repeated field */
	unsigned busy_poll_us;        /* poll after a request; 0: never */
	size_t batch_stage_max;       /* Batch puts staged, all conns */
	int overdue_grace_days;
	int64_t clock_offset;   /* test only: shifts the server's clock */
	unsigned session_hours; /* a web session's life (SessionOpen) */
	/* uids whose Unix peers may open sessions by proxy (SSO) */
	unsigned sso_uids[CONFIG_SSO_UID_MAX];
	int nsso_uids;

	/* --restore FILE: restore it into data_dir and exit */
	const char *restore;
};

struct server {
	struct server_config cfg;
	struct event_base *base;
	struct store *store;
	struct writer *writer;
	struct reader *reader; /* long reads on one snapshot */
	TAILQ_HEAD(, conn) conns;
	size_t nconns;                  /* all of them: shutdown waits for 0 */
	size_t ntcp_conns, nunix_conns; /* each against its own cap */
	uint64_t served; /* replies flushed to a conn: for the busy poll */
	uint64_t next_conn_serial;
	TAILQ_HEAD(, listener) listeners;
	bool pool_full[2];  /* [tcp]: that pool's listeners pause (listen.c) */
	bool accept_paused; /* out of descriptors: every listener pauses */
	int64_t accept_logged_at;   /* monotonic seconds: that was logged */
	unsigned accept_pauses;     /* pauses since, not logged */
	struct event *accept_timer; /* ends the pause */
	TAILQ_HEAD(, sub) subs;
	size_t nsubs;
	struct event *subs_ev, *subs_timer;
	struct backup_job *backups; /* streaming (rpc_backup.c) */
	struct event *sched_timer;
	bool sched_busy;       /* a scheduler write is queued */
	uint64_t sched_passes; /* passes finished (InfoResult) */
	uint64_t users_gen;    /* bumped when users or tokens change */
	uint8_t token_key[32];
	char instance_id[33];        /* the store's (instance.h) */
	struct token_use *token_use; /* last uses, see token_use.h */
	struct authq *authq;         /* Argon2 work (authq.h) */
	struct throttle *throttle;   /* failed sign-ins (throttle.h) */
	int64_t started_at;
	bool stopping;
	struct event *sig_term, *sig_int, *stop_timer;
};

/* The server's clock: Unix seconds (shifted by the test-only offset). */
int64_t server_now(void);

/* Sets the test-only clock offset, in seconds. */
void server_set_clock_offset(int64_t);

/* Today's date (YYYY-MM-DD, UTC) on the server's clock. */
void server_today(char buf[11]);

struct isms_err;

/* Opens the server's parts on cfg.data_dir (absolute) with srv->base:
 * the store, the token key, the catalog and first admin of a new data dir,
 * the writer, the fan-out and the scheduler. 0, or -code with err. */
int server_open(struct server *, struct isms_err *err);

/* Stops the scheduler and the writer (which commits what is queued),
 * drops the subscriptions and closes the store. */
void server_close(struct server *);

/* Runs the loop until it is broken. After replying to a lone client the
 * loop polls without sleeping for cfg.busy_poll_us before it blocks
 * again, so a client that sends its next request at once finds it
 * awake; while a lone write is at the writer it polls too (up to ten
 * times as long), so the commit finds it awake. While it polls it yields
 * the CPU to anything runnable. */
void server_run(struct server *);

/* Begins a clean stop: no new work, commit what is queued, reply, exit. */
void server_shutdown(struct server *);

/* Called by conn when a connection is gone. */
void server_conn_gone(struct server *);

#endif
