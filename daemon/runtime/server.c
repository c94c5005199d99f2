/* server.c: the server's clock and its clean stop. */
#include <sched.h>
#include <time.h>

#include <event2/event.h>

#include "authq.h"
#include "conn.h"
#include "listen.h"
#include "log.h"
#include "notify.h"
#include "reader.h"
#include "rpc.h"
#include "scheduler.h"
#include "server.h"
#include "timefmt.h"
#include "token_use.h"
#include "writer.h"

#define STOP_GRACE_SECS 5
/* A lone write is polled for at most this many busy_poll_us: 2 ms by
 * default, a commit's fsync on most disks. */
#define SERVER_WRITE_POLLS 10

static int64_t server_clock_offset;

int64_t
server_now(void)
{
	return (int64_t)time(NULL) + server_clock_offset;
}

void
server_set_clock_offset(int64_t offset)
{
	server_clock_offset = offset;
}

void
server_today(char buf[11])
{
	timefmt_date_add(server_now(), 0, buf, 11);
}

/* Monotonic nanoseconds. */
static uint64_t
server_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void
server_run(struct server *srv)
{
	uint64_t seen = srv->served, until = 0, wuntil = 0, wsub = 0, now;
	uint64_t spin = (uint64_t)srv->cfg.busy_poll_us * 1000u;
	int flags, rc;

	for (;;) {
		now = spin > 0 ? server_mono_ns() : 0; /* 0: never polls */
		/* A lone write at the writer: poll on (up to
		 * SERVER_WRITE_POLLS spins from its submission), its commit
		 * wakes no one. */
		if (spin > 0 && srv->writer != NULL &&
		    writer_inflight(srv->writer) == 1) {
			if (wsub != writer_submitted(srv->writer)) {
				wsub = writer_submitted(srv->writer);
				wuntil = now + SERVER_WRITE_POLLS * spin;
			}
		} else
			wuntil = 0;
		flags = spin > 0 && (now < until || now < wuntil)
		            ? EVLOOP_NONBLOCK
		            : EVLOOP_ONCE;
		if (srv->writer != NULL)
			writer_loop_polls(srv->writer,
			                  flags == EVLOOP_NONBLOCK);
		rc = event_base_loop(srv->base, flags);
		if (rc != 0 || event_base_got_break(srv->base) ||
		    event_base_got_exit(srv->base))
			return;
		/* Polling, and nothing came: let the client we answered
		 * have this CPU, should it have been woken here. Without
		 * the yield it waits for the poll to end, and its next
		 * request finds the loop asleep. */
		if (flags == EVLOOP_NONBLOCK && srv->served == seen)
			sched_yield();
		/* One peer in a request-reply exchange gains from the poll;
		 * many at once are served better by blocking, which wakes
		 * to all that are ready in one go. */
		if (srv->served == seen + 1) {
			now = server_mono_ns();
			until = now + spin;
		} else if (srv->served != seen)
			until = 0;
		seen = srv->served;
	}
}

void
server_conn_gone(struct server *srv)
{
	if (srv->stopping && srv->nconns == 0)
		event_base_loopbreak(srv->base);
}

static void
server_stop_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct server *srv = arg;

	(void)fd;
	(void)what;
	log_warn("%zu connection(s) did not take their last replies; "
	         "closing",
	         srv->nconns);
	event_base_loopbreak(srv->base);
}

void
server_shutdown(struct server *srv)
{
	struct conn *c, *next;
	struct timeval tv = {STOP_GRACE_SECS, 0};

	if (srv->stopping)
		return;
	srv->stopping = true;
	notify_send("STOPPING=1\nSTATUS=shutting down");
	log_info("shutting down: %llu write(s) in flight",
	         (unsigned long long)writer_inflight(srv->writer));
	sched_stop(srv);
	listen_close_all(srv);
	TAILQ_FOREACH(c, &srv->conns, entry)
	conn_stop_reading(c);
	/* Sign-ins under way hear that ismsd stops (authq.h). */
	authq_stop(srv->authq);
	srv->authq = NULL;
	/* Commit everything queued (the last token uses too) and queue the
	 * replies. */
	token_use_flush(srv);
	writer_stop(srv->writer);
	srv->writer = NULL;
	/* A verify under way is cancelled; its client hears so. */
	reader_stop(srv->reader);
	srv->reader = NULL;
	/* Snapshots under way end, their read txns with them. */
	rpc_snapshot_stop_all(srv);
	for (c = TAILQ_FIRST(&srv->conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		conn_close_after_flush(c);
	}
	if (srv->nconns == 0) {
		event_base_loopbreak(srv->base);
		return;
	}
	if ((srv->stop_timer =
	         evtimer_new(srv->base, server_stop_timeout, srv)) == NULL) {
		/* No grace period to end the wait: stop now. */
		log_err("cannot arm the stop timer; closing %zu connection(s)",
		        srv->nconns);
		event_base_loopbreak(srv->base);
		return;
	}
	evtimer_add(srv->stop_timer, &tv);
}
