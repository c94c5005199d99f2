/*
 * rpc_backup.c: Backup (admin): the compacted copy of the store
 * (backup.h) streamed to the client as BackupChunk replies under the
 * request's id, the last one done with the size, the SHA-256 and the
 * journal head of the copy.
 *
 * The loop reads the copy's pipe a bounded slice per wakeup and stops
 * while the client's output holds more than BACKUP_HIGH bytes, looking
 * again every BACKUP_PAUSE_MS: a slow client holds its own backup's
 * threads (blocked on the full pipe), never the loop or the writer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "backup.h"
#include "conn.h"
#include "log.h"
#include "rpc.h"
#include "server.h"
#include "xmalloc.h"

#define BACKUP_CHUNK    (64 * 1024)   /* data bytes per reply */
#define BACKUP_SLICE    16            /* replies per wakeup */
#define BACKUP_HIGH     (1024 * 1024) /* output bytes: pause above */
#define BACKUP_PAUSE_MS 5

struct backup_job {
	struct backup_job *next;
	struct server *srv;
	struct conn *conn;
	uint64_t req_id;
	struct backup *b;
	int fd;
	struct event *rev, *pause;
	uint8_t buf[BACKUP_CHUNK];
};

/* Unlinks and frees j: the copy stops if it still runs. */
static void
backup_job_end(struct backup_job *j)
{
	struct backup_job **pp;

	for (pp = &j->srv->backups; *pp != NULL; pp = &(*pp)->next)
		if (*pp == j) {
			*pp = j->next;
			break;
		}
	event_free(j->rev);
	event_free(j->pause);
	backup_free(j->b);
	j->conn->nsubs--;
	conn_unref(j->conn);
	free(j);
}

/* Sends one chunk under the request's id. */
static void
backup_send(struct backup_job *j, Isms__V1__BackupChunk *chunk)
{
	Isms__V1__Reply r = ISMS__V1__REPLY__INIT;
	Isms__V1__Status ok = ISMS__V1__STATUS__INIT;

	ok.has_code = 1;
	r.has_id = 1;
	r.id = j->req_id;
	r.status = &ok;
	r.result_case = ISMS__V1__REPLY__RESULT_BACKUP;
	r.backup = chunk;
	conn_send(j->conn, &r);
}

/* EOF on the copy: the last chunk with its totals, or the error. */
static void
backup_done(struct backup_job *j)
{
	Isms__V1__BackupChunk c = ISMS__V1__BACKUP_CHUNK__INIT;
	struct backup_result res;
	struct isms_err err;
	int rc;

	if ((rc = backup_finish(j->b, &res, &err)) != 0) {
		log_warn("backup for %s failed: %s", j->conn->user, err.msg);
		conn_send_error(j->conn, j->req_id, rc, err.msg);
		return;
	}
	c.has_done = c.has_size = c.has_sha256 = 1;
	c.has_head_seq = c.has_head_hash = 1;
	c.done = 1;
	c.size = res.size;
	c.sha256.data = res.sha256;
	c.sha256.len = sizeof res.sha256;
	c.head_seq = res.head_seq;
	c.head_hash.data = res.head_hash;
	c.head_hash.len = sizeof res.head_hash;
	backup_send(j, &c);
	log_notice("backup for %s: %llu bytes at journal seq %llu",
	           j->conn->user, (unsigned long long)res.size,
	           (unsigned long long)res.head_seq);
}

/* Whether the client's output is too full to add to: wait then. */
static bool
backup_paused(struct backup_job *j)
{
	struct timeval tv = {0, BACKUP_PAUSE_MS * 1000};

	if (conn_backlog(j->conn) <= BACKUP_HIGH)
		return false;
	event_del(j->rev);
	evtimer_add(j->pause, &tv);
	return true;
}

/* The copy's pipe is readable: a slice of chunks, the end, or a pause. */
static void
backup_read_cb(evutil_socket_t fd, short what, void *arg)
{
	Isms__V1__BackupChunk c = ISMS__V1__BACKUP_CHUNK__INIT;
	struct backup_job *j = arg;
	ssize_t n = -1;
	int i, rerr = EAGAIN;

	(void)what;
	for (i = 0; i < BACKUP_SLICE; i++) {
		if (!conn_alive(j->conn) || backup_paused(j))
			break;
		if ((n = read(fd, j->buf, sizeof j->buf)) <= 0) {
			rerr = n < 0 ? errno : 0;
			break;
		}
		c.has_data = 1;
		c.data.data = j->buf;
		c.data.len = (size_t)n;
		backup_send(j, &c);
	}
	if (!conn_alive(j->conn))
		backup_job_end(j);
	else if (n == 0) {
		backup_done(j);
		backup_job_end(j);
	} else if (n < 0 && rerr != EAGAIN && rerr != EINTR) {
		conn_send_error(j->conn, j->req_id, ISMS_EINTERNAL,
		                "reading the copy failed");
		backup_job_end(j);
	}
}

/* After a pause: read on once the client has taken enough. */
static void
backup_pause_cb(evutil_socket_t fd, short what, void *arg)
{
	struct backup_job *j = arg;
	struct timeval tv = {0, BACKUP_PAUSE_MS * 1000};

	(void)fd;
	(void)what;
	if (!conn_alive(j->conn))
		backup_job_end(j);
	else if (conn_backlog(j->conn) > BACKUP_HIGH)
		evtimer_add(j->pause, &tv);
	else
		event_add(j->rev, NULL);
}

int
rpc_backup_exec(struct rpc_call *call)
{
	struct server *srv = call->srv;
	struct backup_job *j = xcalloc(1, sizeof *j);
	int rc;

	if ((rc = backup_start(srv->store, &j->b, &j->fd, &call->err)) != 0) {
		free(j);
		return rc;
	}
	j->srv = srv;
	j->conn = call->conn;
	j->req_id = call->req->id;
	j->rev = event_new(srv->base, j->fd, EV_READ | EV_PERSIST,
	                   backup_read_cb, j);
	j->pause = evtimer_new(srv->base, backup_pause_cb, j);
	if (j->rev == NULL || j->pause == NULL || event_add(j->rev, NULL)) {
		if (j->rev != NULL)
			event_free(j->rev);
		if (j->pause != NULL)
			event_free(j->pause);
		backup_free(j->b);
		free(j);
		return isms_err_set(&call->err, ISMS_EINTERNAL,
		                    "cannot watch the backup's stream");
	}
	conn_ref(j->conn);
	/* A stream, like a subscription: not idle while it flows. */
	j->conn->nsubs++;
	j->next = srv->backups;
	srv->backups = j;
	log_info("backup for %s started", j->conn->user);
	return RPC_DEFERRED;
}

void
rpc_backup_stop_all(struct server *srv)
{
	while (srv->backups != NULL)
		backup_job_end(srv->backups);
}
