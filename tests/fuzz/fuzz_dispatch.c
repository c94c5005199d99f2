/*
 * fuzz_dispatch.c: libFuzzer target for everything after accept(): conn,
 * framing, budgeted unpack, validation, dispatch, every handler, the writer
 * thread and the subscription fan-out, against a real store.
 *
 * The server is assembled by ismsd's own server_open, on config.c's
 * defaults, minus the listeners, signals and config file: a temp data dir
 * (64 MiB map) on tmpfs, the token key, the catalog and the first admin
 * (the data dir's owner: us) seeded, the writer thread, the fan-out, the
 * scheduler. It is reused across
 * inputs (a fresh store per input is far too slow) and recycled every
 * FUZZ_RECYCLE_EVERY inputs or when the data file passes
 * FUZZ_RECYCLE_BYTES, so LMDB never fills up and the journal stays short.
 * A data dir left by a run that died (a crash skips atexit) is removed by
 * the next run: its fuzz.pid names a process that is gone.
 *
 * Each input is one connection: conn_new() on one end of a socketpair, the
 * input written to the other end. Byte 0 is the mode:
 *   bit 0  framed: the rest is one Request message and gets a valid length
 *          prefix (most inputs then reach unpack and dispatch); otherwise
 *          the rest is the raw byte stream (any number of frames).
 *   bit 1  hang up as soon as everything is written (replies are dropped,
 *          writes in flight complete for a gone peer).
 * The loop runs until it is idle and the writer has delivered everything;
 * replies are read, each must be a well-formed Reply frame. Then the peer
 * hangs up, and the connection must be gone once the loop is idle again.
 *
 * Reproducing: the store carries state from earlier inputs of the same
 * process, so a crash found late in a run may need the inputs before it;
 * most reproduce alone on a fresh store.
 *
 * Environment: ISMS_FUZZ_LOG=N prints daemon logs up to priority N (7:
 * debug); ISMS_FUZZ_STRICT=1 aborts on an INTERNAL status reply;
 * TMPDIR picks where the data dir goes (default /dev/shm, else /tmp).
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/thread.h>

#include "authq.h"
#include "config.h"
#include "conn.h"
#include "frame.h"
#include "log.h"
#include "reader.h"
#include "scheduler.h"
#include "server.h"
#include "store.h"
#include "subs.h"
#include "writer.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAPSIZE       ((size_t)64 << 20)
#define FUZZ_RECYCLE_BYTES ((off_t)40 << 20) /* data.mdb size: start over */
#define FUZZ_RECYCLE_EVERY 100    /* inputs: keeps journal replays short */
#define FUZZ_SCHED_EVERY   128    /* inputs between forced scheduler ticks */
#define FUZZ_QUIET_PASSES  3      /* idle loop passes that mean "settled" */
#define FUZZ_INTERNAL_SHOW 20     /* distinct INTERNAL replies printed */
#define FUZZ_SOON_USEC     100000 /* a timer due within this is work */

#define FUZZ_PID_FILE "fuzz.pid" /* in the data dir: whose it is */

#define MODE_FRAMED 0x01
#define MODE_HANGUP 0x02

/* A failed invariant: libFuzzer saves the input as a crash. */
#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr,                                        \
			        "fuzz_dispatch: %s:%d: check failed: %s\n",    \
			        __FILE__, __LINE__, #cond);                    \
			abort();                                               \
		}                                                              \
	} while (0)

/* The client end of the socketpair. */
struct fuzz_peer {
	int fd;               /* -1 once hung up */
	struct evbuffer *out; /* still to send */
	struct evbuffer *in;  /* received, not yet a whole frame */
	bool hangup;          /* hang up once out is sent */
	bool eof;             /* the server closed its end */
};

static struct server srv;
static char fuzz_dir[256];
static char fuzz_mdb[300];
static bool fuzz_strict;
static unsigned long fuzz_inputs, fuzz_recycles, fuzz_replies, fuzz_events;
static unsigned long fuzz_codes[ISMS_EUNAUTH + 1];
static char *fuzz_internal[FUZZ_INTERNAL_SHOW];

static void fuzz_die(const char *, const char *) __attribute__((noreturn));

/* Gives up on the harness itself (not a finding in the daemon). */
static void
fuzz_die(const char *what, const char *msg)
{
	fprintf(stderr, "fuzz_dispatch: %s: %s\n", what, msg);
	abort();
}

/* Removes every file in a data dir (it holds no subdirectories). */
static void
fuzz_rm_files(const char *dir)
{
	char path[600];
	struct dirent *de;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
}

/* Writes our pid into the data dir, for fuzz_sweep in later runs. */
static void
fuzz_write_pid(void)
{
	char path[300];
	FILE *f;

	snprintf(path, sizeof path, "%s/" FUZZ_PID_FILE, fuzz_dir);
	if ((f = fopen(path, "w")) == NULL)
		fuzz_die(path, strerror(errno));
	fprintf(f, "%ld\n", (long)getpid());
	fclose(f);
}

/* Removes the data dirs left in tmp by runs that died (a crash, a leak or
 * a timeout ends the process without atexit): each holds up to
 * FUZZ_RECYCLE_BYTES of tmpfs, that is of memory. */
static void
fuzz_sweep(const char *tmp)
{
	char dir[512], path[600];
	struct dirent *de;
	long pid;
	FILE *f;
	DIR *d;
	int n;

	if ((d = opendir(tmp)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "ismsd-fuzz.", 11) != 0)
			continue;
		snprintf(dir, sizeof dir, "%s/%s", tmp, de->d_name);
		snprintf(path, sizeof path, "%s/" FUZZ_PID_FILE, dir);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		n = fscanf(f, "%ld", &pid);
		fclose(f);
		if (n != 1 || pid <= 0 || kill((pid_t)pid, 0) == 0 ||
		    errno != ESRCH)
			continue;
		fuzz_rm_files(dir);
		rmdir(dir);
	}
	closedir(d);
}

/* Opens the server's parts as ismsd does (server_open). */
static void
fuzz_server_up(void)
{
	struct isms_err err;

	fuzz_write_pid();
	if (server_open(&srv, &err) != 0)
		fuzz_die("server_open", err.msg);
}

/* Takes them down (no conns) and empties the data dir. */
static void
fuzz_server_down(void)
{
	server_close(&srv);
	fuzz_rm_files(fuzz_dir);
}

/* Prints what the run saw and removes the data dir (normal exit only). */
static void
fuzz_atexit(void)
{
	size_t i;

	fuzz_server_down();
	rmdir(fuzz_dir);
	event_base_free(srv.base);
	fprintf(stderr,
	        "fuzz_dispatch: %lu inputs, %lu store recycles, %lu replies, "
	        "%lu events; status codes:",
	        fuzz_inputs, fuzz_recycles, fuzz_replies, fuzz_events);
	for (i = 0; i <= ISMS_EUNAUTH; i++)
		if (fuzz_codes[i] != 0)
			fprintf(stderr, " %s=%lu", isms_code_name((int)i),
			        fuzz_codes[i]);
	fprintf(stderr, "\n");
	for (i = 0; i < FUZZ_INTERNAL_SHOW; i++)
		free(fuzz_internal[i]);
}

/* libFuzzer calls this once: builds the server. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR"), *env;
	int level = LOG_PRI_ERR - 1; /* nothing */

	(void)argc;
	(void)argv;
	if ((env = getenv("ISMS_FUZZ_LOG")) != NULL)
		level = atoi(env);
	fuzz_strict = (env = getenv("ISMS_FUZZ_STRICT")) != NULL && *env == '1';
	log_init("ismsd-fuzz", level);
	signal(SIGPIPE, SIG_IGN);
	/* tmpfs: LMDB's fsync per commit costs nothing there. */
	if (tmp == NULL || *tmp == '\0')
		tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	fuzz_sweep(tmp);
	snprintf(fuzz_dir, sizeof fuzz_dir, "%s/ismsd-fuzz.XXXXXX", tmp);
	if (mkdtemp(fuzz_dir) == NULL)
		fuzz_die(fuzz_dir, strerror(errno));
	snprintf(fuzz_mdb, sizeof fuzz_mdb, "%s/data.mdb", fuzz_dir);

	evthread_use_pthreads();
	if ((srv.base = event_base_new()) == NULL)
		fuzz_die("event_base_new", "failed");
	config_defaults(&srv.cfg);
	srv.cfg.data_dir = fuzz_dir;
	srv.cfg.foreground = true;
	srv.cfg.mapsize = FUZZ_MAPSIZE;
	fuzz_server_up();
	atexit(fuzz_atexit);
	return 0;
}

/* Notes an INTERNAL reply: a server-side failure worth a look. */
static void
fuzz_note_internal(const char *msg)
{
	size_t i;

	if (msg == NULL)
		msg = "(no message)";
	if (fuzz_strict) {
		fprintf(stderr, "fuzz_dispatch: INTERNAL reply: %s\n", msg);
		abort();
	}
	for (i = 0; i < FUZZ_INTERNAL_SHOW && fuzz_internal[i] != NULL; i++)
		if (strcmp(fuzz_internal[i], msg) == 0)
			return;
	if (i == FUZZ_INTERNAL_SHOW)
		return;
	fuzz_internal[i] = strdup(msg);
	fprintf(stderr, "fuzz_dispatch: INTERNAL reply: %s\n", msg);
}

/* Checks every whole reply frame received: a Reply with a known code. */
static void
fuzz_check_replies(struct evbuffer *in)
{
	const uint8_t *msg;
	size_t mlen, flen;
	enum frame_result r;
	Isms__V1__Reply *rep;
	int code;

	while ((r = frame_next(in, SIZE_MAX, &msg, &mlen, &flen)) == FRAME_OK) {
		rep = isms__v1__reply__unpack(NULL, mlen, msg);
		CHECK(rep != NULL);
		fuzz_replies++;
		if (rep->event != NULL)
			fuzz_events++;
		if (rep->status != NULL) {
			code =
			    rep->status->has_code ? (int)rep->status->code : 0;
			CHECK(code >= 0 && code <= ISMS_EUNAUTH);
			fuzz_codes[code]++;
			if (code == ISMS_EINTERNAL)
				fuzz_note_internal(rep->status->message);
		}
		isms__v1__reply__free_unpacked(rep, NULL);
		evbuffer_drain(in, flen);
	}
	CHECK(r == FRAME_NEED_MORE);
}

/* Moves bytes between the peer and its socket; whether any moved. */
static bool
fuzz_peer_io(struct fuzz_peer *p)
{
	bool moved = false;
	int n;

	while (p->fd != -1 && evbuffer_get_length(p->out) > 0) {
		n = evbuffer_write(p->out, p->fd);
		if (n > 0) {
			moved = true;
			continue;
		}
		/* The server closed on us: the rest is never sent. */
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			evbuffer_drain(p->out, evbuffer_get_length(p->out));
		break;
	}
	if (p->fd != -1 && p->hangup && evbuffer_get_length(p->out) == 0) {
		close(p->fd);
		p->fd = -1;
	}
	while (p->fd != -1 && !p->eof) {
		n = evbuffer_read(p->in, p->fd, 65536);
		if (n > 0) {
			moved = true;
			continue;
		}
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			p->eof = true;
		break;
	}
	fuzz_check_replies(p->in);
	return moved;
}

/* The events added to the base, collected by fuzz_collect_cb. */
struct fuzz_events {
	const struct event *ev[256];
	size_t n;
};

/* event_base_foreach_event callback: collects (it holds the base lock,
 * so event_pending must wait until the walk is over). */
static int
fuzz_collect_cb(const struct event_base *base, const struct event *ev,
                void *arg)
{
	struct fuzz_events *fe = arg;

	(void)base;
	if (fe->n == sizeof fe->ev / sizeof fe->ev[0])
		return 1;
	fe->ev[fe->n++] = ev;
	return 0;
}

/* Whether a timer fires soon: work in slices (journal verify, subscriber
 * replay) rather than the minute scheduler or the idle timeouts. */
static bool
fuzz_timer_soon(void)
{
	struct fuzz_events fe = {.n = 0};
	struct timeval now, tv, soon = {0, FUZZ_SOON_USEC};
	size_t i;

	event_base_foreach_event(srv.base, fuzz_collect_cb, &fe);
	gettimeofday(&now, NULL);
	timeradd(&now, &soon, &soon);
	for (i = 0; i < fe.n; i++)
		if (event_pending(fe.ev[i], EV_TIMEOUT, &tv) &&
		    timercmp(&tv, &soon, <))
			return true;
	return false;
}

/* Runs the loop until nothing moves: no active event, no write in flight,
 * no byte between the peer and the server for a few passes. */
static void
fuzz_settle(struct fuzz_peer *p)
{
	int quiet = 0;
	bool busy;

	while (quiet < FUZZ_QUIET_PASSES) {
		busy = false;
		event_base_loop(srv.base, EVLOOP_NONBLOCK);
		if (p != NULL && fuzz_peer_io(p))
			busy = true;
		if (event_base_get_num_events(srv.base,
		                              EVENT_BASE_COUNT_ACTIVE) > 0)
			busy = true;
		/* Wait for the writer's, the read worker's and the auth
		 * thread's completions, or the next timer. */
		if (writer_inflight(srv.writer) > 0 ||
		    reader_inflight(srv.reader) > 0 ||
		    authq_inflight(srv.authq) > 0 || fuzz_timer_soon()) {
			event_base_loop(srv.base, EVLOOP_ONCE);
			busy = true;
		}
		quiet = busy ? 0 : quiet + 1;
	}
}

/* Starts over on a fresh store every so many inputs, or sooner when the
 * data file has grown large: replaying and verifying a long journal would
 * otherwise make every input slower than the one before. */
static void
fuzz_maybe_recycle(void)
{
	struct stat sb;

	if (fuzz_inputs % FUZZ_RECYCLE_EVERY != 0 &&
	    (stat(fuzz_mdb, &sb) == -1 || sb.st_size < FUZZ_RECYCLE_BYTES))
		return;
	fuzz_server_down();
	fuzz_server_up();
	fuzz_settle(NULL);
	fuzz_recycles++;
}

/* libFuzzer's entry point: one connection carrying the input. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_peer p = {.fd = -1};
	uint8_t hdr[FRAME_HDR_MAX];
	struct isms_err err;
	struct conn *c;
	int sv[2];

	if (size == 0)
		return 0;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
	               sv) == -1)
		fuzz_die("socketpair", strerror(errno));
	if ((c = conn_new(&srv, sv[0])) == NULL)
		fuzz_die("conn_new", "failed");
	/* Our own reference: the struct outlives conn_abort for the check. */
	conn_ref(c);
	p.fd = sv[1];
	p.hangup = (data[0] & MODE_HANGUP) != 0;
	p.out = evbuffer_new();
	p.in = evbuffer_new();
	CHECK(p.out != NULL && p.in != NULL);
	if (data[0] & MODE_FRAMED)
		evbuffer_add(p.out, hdr, frame_encode_header(hdr, size - 1));
	evbuffer_add(p.out, data + 1, size - 1);

	fuzz_settle(&p);
	if (p.fd != -1) {
		close(p.fd);
		p.fd = -1;
	}
	fuzz_settle(NULL);
	/* The peer is gone and nothing is left to do: so is the conn. */
	CHECK(!conn_alive(c));
	conn_unref(c);
	CHECK(srv.nconns == 0 && TAILQ_EMPTY(&srv.conns));
	CHECK(TAILQ_EMPTY(&srv.subs));
	CHECK(writer_inflight(srv.writer) == 0);
	CHECK(reader_inflight(srv.reader) == 0);
	CHECK(authq_inflight(srv.authq) == 0);
	evbuffer_free(p.out);
	evbuffer_free(p.in);

	if (++fuzz_inputs % FUZZ_SCHED_EVERY == 0) {
		/* A tick now rather than once a minute: due_fire on fuzz data. */
		sched_stop(&srv);
		CHECK(sched_start(&srv, &err) == 0);
		fuzz_settle(NULL);
	}
	fuzz_maybe_recycle();
	return 0;
}
