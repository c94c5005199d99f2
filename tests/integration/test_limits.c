/*
 * test_limits.c: each limit hit for real, with its error, while a
 * well-behaved client keeps being served; the configuration file's errors.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon_fx.h"
#include "frame.h"
#include "ismsclient.h"
#include "pbfield.h"

static int
teardown(void **state)
{
	daemon_fx_cleanup(*state);
	free(*state);
	return 0;
}

/* Starts a daemon with one extra argument. */
static struct daemon_fx *
start(void **state, const char *arg)
{
	struct daemon_fx *fx = calloc(1, sizeof *fx);

	fx->extra_args = arg;
	daemon_fx_start(fx);
	*state = fx;
	return fx;
}

static int
raw_connect(struct daemon_fx *fx, int timeout_secs)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct timeval tv = {timeout_secs, 0};
	int fd;

	memcpy(sun.sun_path, fx->sock, strlen(fx->sock) + 1);
	assert_true((fd = socket(AF_UNIX, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof sun), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	return fd;
}

/* Writes req, framed, to fd. */
static void
send_request(int fd, const Isms__V1__Request *req)
{
	uint8_t frame[256];
	size_t n;

	n = frame_encode_header(frame, isms__v1__request__get_packed_size(req));
	assert_true(n + isms__v1__request__get_packed_size(req) <=
	            sizeof frame);
	n += isms__v1__request__pack(req, frame + n);
	assert_int_equal(write(fd, frame, n), (ssize_t)n);
}

/* Reads replies until EOF; returns the code of the last and its text. */
static int
read_until_close(int fd, char *msg, size_t len)
{
	uint8_t buf[8192];
	size_t n = 0, off = 0, hlen, mlen;
	ssize_t r;
	int code = -1;
	Isms__V1__Reply *reply;

	while ((r = read(fd, buf + n, sizeof buf - n)) > 0)
		n += (size_t)r;
	if (r < 0)
		return -2; /* timed out: not closed */
	while (off < n &&
	       frame_decode_header(buf + off, n - off, sizeof buf, &hlen,
	                           &mlen) == FRAME_OK &&
	       off + hlen + mlen <= n) {
		reply = isms__v1__reply__unpack(NULL, mlen, buf + off + hlen);
		assert_non_null(reply);
		code = reply->status ? (int)reply->status->code : -1;
		snprintf(msg, len, "%s",
		         reply->status && reply->status->message
		             ? reply->status->message
		             : "");
		isms__v1__reply__free_unpacked(reply, NULL);
		off += hlen + mlen;
	}
	return code;
}

/* Whether a fresh client can still do an Info. */
static bool
still_serving(struct daemon_fx *fx)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Info info = ISMS__V1__INFO__INIT;
	struct isms_err err;
	struct isms_sync *s = isms_sync_connect(fx->endpoint, "t", &err);
	Isms__V1__Reply *r;
	bool ok;

	if (s == NULL)
		return false;
	req.call_case = ISMS__V1__REQUEST__CALL_INFO;
	req.info = &info;
	r = isms_sync_call(s, &req, &err);
	ok = r != NULL && r->status->code == 0;
	isms_reply_free(r);
	isms_sync_free(s);
	return ok;
}

static double
now_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
test_frame_deadline(void **state)
{
	struct daemon_fx *fx = start(state, "--frame-deadline=1");
	char msg[256];
	double t0 = now_secs();
	int fd = raw_connect(fx, 5);

	/* A length saying 100 bytes, then only 3 of them: dribbling. */
	assert_int_equal(write(fd, "\x64\x08\x01\x62", 4), 4);
	assert_true(still_serving(fx));
	assert_int_equal(read_until_close(fd, msg, sizeof msg), ISMS_ETIMEDOUT);
	assert_non_null(strstr(msg, "within 1 s"));
	assert_true(now_secs() - t0 < 4.0);
	close(fd);
	assert_true(still_serving(fx));
}

/* Packs req, framed, at buf (len bytes); returns the frame's size. */
static size_t
frame_pack(const Isms__V1__Request *req, uint8_t *buf, size_t len)
{
	size_t n = isms__v1__request__get_packed_size(req), h;

	assert_true(n + FRAME_HDR_MAX <= len);
	h = frame_encode_header(buf, n);
	return h + isms__v1__request__pack(req, buf + h);
}

/* Replies read so far on a pipelined connection, by status. */
struct tally {
	uint8_t *buf; /* bytes read, not yet a whole reply */
	size_t len, cap;
	size_t replies, ok, einval;
	char msg[256]; /* the first error's text */
};

/* Reads what fd has (not blocking) and counts the whole replies in it;
 * false when the daemon closed fd. */
static bool
tally_read(struct tally *t, int fd)
{
	size_t off = 0, hlen, mlen;
	Isms__V1__Reply *r;
	ssize_t n;
	bool open = true;

	for (;;) {
		if (t->cap - t->len < 65536) {
			t->cap = t->cap * 2 + 65536;
			t->buf = realloc(t->buf, t->cap);
		}
		n = recv(fd, t->buf + t->len, t->cap - t->len, MSG_DONTWAIT);
		if (n <= 0) {
			open =
			    n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
			break;
		}
		t->len += (size_t)n;
	}
	while (frame_decode_header(t->buf + off, t->len - off, 1u << 30, &hlen,
	                           &mlen) == FRAME_OK &&
	       off + hlen + mlen <= t->len) {
		r = isms__v1__reply__unpack(NULL, mlen, t->buf + off + hlen);
		assert_non_null(r);
		t->replies++;
		if (r->status->code == 0)
			t->ok++;
		else if ((int)r->status->code == ISMS_EINVAL)
			t->einval++;
		if (r->status->code != 0 && t->msg[0] == '\0')
			snprintf(t->msg, sizeof t->msg, "%s",
			         r->status->message);
		isms__v1__reply__free_unpacked(r, NULL);
		off += hlen + mlen;
	}
	memmove(t->buf, t->buf + off, t->len - off);
	t->len -= off;
	return open;
}

/* The frame deadline bounds the time to complete one frame, not a busy
 * connection: a client pipelining Info requests every 10 ms for 2.5 s,
 * each write ending inside the next frame (the input is never empty),
 * is served to the end with --frame-deadline=1, while a dribbler
 * beside it is cut. */
static void
test_frame_deadline_per_frame(void **state)
{
	struct daemon_fx *fx = start(state, "--frame-deadline=1");
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Info info = ISMS__V1__INFO__INIT;
	enum { N = 250 };
	static uint8_t stream[N * 16];
	size_t mid[N + 1], off = 0, i, sent = 0;
	struct tally t = {0};
	int fd = raw_connect(fx, 5), slow = raw_connect(fx, 5);
	char msg[256];
	double end;

	req.has_id = 1;
	req.call_case = ISMS__V1__REQUEST__CALL_INFO;
	req.info = &info;
	mid[0] = 0;
	for (i = 0; i < N; i++) {
		size_t n;

		req.id = i + 1;
		n = frame_pack(&req, stream + off, sizeof stream - off);
		mid[i + 1] = off + n / 2;
		off += n;
	}
	/* The dribbler: a 100-byte frame begun, a byte every 250 ms. */
	assert_int_equal(write(slow, "\x64", 1), 1);
	for (i = 1; i <= N; i++) {
		/* The second half of frame i-1 and the first of frame i. */
		assert_int_equal(write(fd, stream + sent, mid[i] - sent),
		                 (ssize_t)(mid[i] - sent));
		sent = mid[i];
		if (i % 25 == 0)
			(void)send(slow, "x", 1, MSG_NOSIGNAL);
		assert_true(tally_read(&t, fd));
		usleep(10000);
	}
	assert_int_equal(write(fd, stream + sent, off - sent),
	                 (ssize_t)(off - sent));
	for (end = now_secs() + 5; t.replies < N && now_secs() < end;)
		if (tally_read(&t, fd) && t.replies < N)
			usleep(10000);
	assert_int_equal(t.replies, N);
	assert_int_equal(t.ok, N);
	assert_int_equal(read_until_close(slow, msg, sizeof msg),
	                 ISMS_ETIMEDOUT);
	assert_non_null(strstr(msg, "within 1 s"));
	free(t.buf);
	close(fd);
	close(slow);
}

/* The daemon's peak resident memory so far (VmHWM), in MiB. */
static long
daemon_peak_mib(const struct daemon_fx *fx)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)fx->pid);
	assert_non_null(f = fopen(path, "r"));
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "VmHWM: %ld kB", &kib) == 1)
			break;
	fclose(f);
	assert_true(kib > 0);
	return kib / 1024;
}

/* Pipelines n puts of a risk whose description is desc_len bytes on fd,
 * reading replies as they come, until all are answered (or 60 s). */
static void
pipeline_puts(int fd, size_t n, size_t desc_len, struct tally *t)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Put put = ISMS__V1__PUT__INIT;
	Isms__V1__Record rec = ISMS__V1__RECORD__INIT;
	Isms__V1__Risk risk = ISMS__V1__RISK__INIT;
	size_t cap = desc_len + 256, flen = 0, foff = 0, sent = 0;
	uint8_t *frame = malloc(cap);
	char *desc = malloc(desc_len + 1);
	struct pollfd pfd = {.fd = fd};
	double end = now_secs() + 60;
	ssize_t w;

	memset(desc, 'x', desc_len);
	desc[desc_len] = '\0';
	risk.description = desc;
	risk.has_likelihood = risk.has_impact = 1;
	risk.likelihood = risk.impact = 1;
	rec.title = "Pipelined";
	rec.owner = "pip"; /* a user (test_queued_bytes_bound adds it) */
	rec.body_case = ISMS__V1__RECORD__BODY_RISK;
	rec.risk = &risk;
	put.record = &rec;
	req.has_id = 1;
	req.call_case = ISMS__V1__REQUEST__CALL_PUT;
	req.put = &put;
	fcntl(fd, F_SETFL, O_NONBLOCK);
	while (t->replies < n && now_secs() < end) {
		if (foff == flen && sent < n) {
			req.id = ++sent;
			flen = frame_pack(&req, frame, cap);
			foff = 0;
		}
		pfd.events = POLLIN | (foff < flen ? POLLOUT : 0);
		assert_true(poll(&pfd, 1, 1000) >= 0);
		if ((pfd.revents & POLLOUT) &&
		    (w = send(fd, frame + foff, flen - foff, MSG_NOSIGNAL)) > 0)
			foff += (size_t)w;
		if ((pfd.revents & (POLLIN | POLLHUP | POLLERR)) &&
		    !tally_read(t, fd))
			break;
	}
	free(frame);
	free(desc);
}

/* The attack of issue 14: 300 pipelined puts of 1 MiB each. With the
 * defaults every one is refused by name (max-string), and the daemon's
 * peak resident memory stays under 64 MiB (it was 714 MiB). */
static void
test_big_strings_refused(void **state)
{
	struct daemon_fx *fx = start(state, NULL);
	struct tally t = {0};
	int fd = raw_connect(fx, 5);

	pipeline_puts(fd, 300, 1u << 20, &t);
	assert_int_equal(t.replies, 300);
	assert_int_equal(t.einval, 300);
	assert_string_equal(t.msg, "field 'put.record.risk.description' is "
	                           "1048576 bytes long, over the limit of "
	                           "65536 (max-string)");
	fprintf(stderr, "peak RSS: %ld MiB\n", daemon_peak_mib(fx));
	assert_true(daemon_peak_mib(fx) < 64);
	free(t.buf);
	close(fd);
	assert_true(still_serving(fx));
}

/* Strings allowed to be 2 MiB, the same attack meets --max-queued-bytes:
 * reading pauses while 4 MiB of requests and replies are held for the
 * peer, every put is answered, and the daemon's peak resident memory
 * stays under 96 MiB. */
static void
test_queued_bytes_bound(void **state)
{
	static const char *const args[] = {"--max-queued-bytes=4M", NULL};
	struct daemon_fx *fx = calloc(1, sizeof *fx);
	struct tally t = {0};
	char out[256];
	int fd;

	fx->extra_args = "--max-string=2M";
	fx->argv_extra = args;
	*state = fx;
	daemon_fx_start(fx);
	/* The risks' owner is a user. */
	assert_int_equal(
	    daemon_fx_sh(fx, out, sizeof out, "\"$ISMSCTL\" user add pip"), 0);
	fd = raw_connect(fx, 5);
	pipeline_puts(fd, 64, 1u << 20, &t);
	assert_int_equal(t.replies, 64);
	assert_int_equal(t.ok, 64);
	fprintf(stderr, "peak RSS: %ld MiB\n", daemon_peak_mib(fx));
	assert_true(daemon_peak_mib(fx) < 96);
	free(t.buf);
	close(fd);
	assert_true(still_serving(fx));
}

static void
test_idle_timeout_spares_subscribers(void **state)
{
	struct daemon_fx *fx = start(state, "--idle-timeout=1");
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Subscribe sub = ISMS__V1__SUBSCRIBE__INIT;
	uint8_t buf[256];
	char msg[256];
	int idle = raw_connect(fx, 5), subscriber = raw_connect(fx, 1);
	ssize_t r;

	req.has_id = 1;
	req.id = 7;
	req.call_case = ISMS__V1__REQUEST__CALL_SUBSCRIBE;
	req.subscribe = &sub;
	send_request(subscriber, &req);
	assert_int_equal(read_until_close(idle, msg, sizeof msg),
	                 ISMS_ETIMEDOUT);
	assert_non_null(strstr(msg, "idle"));
	/* 2.5 s later the quiet subscriber is still connected: a read
	 * times out (the socket is open) instead of seeing EOF. */
	sleep(2);
	r = read(subscriber, buf, sizeof buf); /* the OK reply */
	assert_true(r > 0);
	r = read(subscriber, buf, sizeof buf);
	assert_true(r < 0);
	close(subscriber);
	close(idle);
}

/* A hello of another protocol version gets its answer, then the close. */
static void
test_protocol_version_refused(void **state)
{
	struct daemon_fx *fx = start(state, NULL);
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Hello hello = ISMS__V1__HELLO__INIT;
	char msg[256];
	int fd = raw_connect(fx, 5);

	hello.has_protocol_major = 1;
	hello.protocol_major = 99;
	req.has_id = 1;
	req.id = 1;
	req.call_case = ISMS__V1__REQUEST__CALL_HELLO;
	req.hello = &hello;
	send_request(fd, &req);
	assert_int_equal(read_until_close(fd, msg, sizeof msg), ISMS_EPRECOND);
	assert_non_null(strstr(msg, "protocol version 99 is not supported"));
	close(fd);
	assert_true(still_serving(fx));
}

static void
test_connection_caps(void **state)
{
	struct daemon_fx *fx = start(state, "--max-connections-per-user=2");
	struct isms_err err;
	struct isms_sync *a, *b, *c = NULL;
	char msg[256];
	int fd, n;

	a = isms_sync_connect(fx->endpoint, "t", &err);
	b = isms_sync_connect(fx->endpoint, "t", &err);
	assert_non_null(a);
	assert_non_null(b);
	fd = raw_connect(fx, 5);
	assert_int_equal(read_until_close(fd, msg, sizeof msg),
	                 ISMS_EEXHAUSTED);
	assert_non_null(strstr(msg, "too many connections"));
	close(fd);
	isms_sync_free(a);
	/* The server sees the close a moment later; then there is room. */
	for (n = 0; n < 100; n++) {
		if ((c = isms_sync_connect(fx->endpoint, "t", &err)) != NULL)
			break;
		usleep(20000);
	}
	assert_non_null(c);
	isms_sync_free(b);
	isms_sync_free(c);
}

/* The Unix pool pauses its listener when full: 2 slots, and the 4 more
 * kept for admins (root is one). */
static void
test_total_cap_pauses_listener(void **state)
{
	struct daemon_fx *fx = start(state, "--max-unix-connections=2");
	struct isms_err err;
	struct isms_sync *s[6];
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Info info = ISMS__V1__INFO__INIT;
	char buf[256];
	int fd, i;

	for (i = 0; i < 6; i++)
		assert_non_null(s[i] =
		                    isms_sync_connect(fx->endpoint, "t", &err));
	/* The kernel queues the seventh; ismsd does not serve it... */
	fd = raw_connect(fx, 1);
	req.call_case = ISMS__V1__REQUEST__CALL_INFO;
	req.info = &info;
	send_request(fd, &req);
	assert_true(read(fd, buf, sizeof buf) < 0);
	/* ... until one closes. */
	isms_sync_free(s[0]);
	assert_true(read(fd, buf, sizeof buf) > 0);
	close(fd);
	for (i = 1; i < 6; i++)
		isms_sync_free(s[i]);
}

static void
test_unpack_budget_and_nul(void **state)
{
	struct daemon_fx *fx = start(state, "--unpack-budget=4096");
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Put put = ISMS__V1__PUT__INIT;
	Isms__V1__Record rec = ISMS__V1__RECORD__INIT;
	char *tags[400], msg[256];
	uint8_t *frame;
	size_t n, i, len;
	int fd;

	for (i = 0; i < 400; i++)
		tags[i] = "t";
	rec.title = "x";
	rec.n_tags = 400;
	rec.tags = tags;
	put.record = &rec;
	req.call_case = ISMS__V1__REQUEST__CALL_PUT;
	req.put = &put;
	len = isms__v1__request__get_packed_size(&req);
	frame = malloc(len + 10);
	n = frame_encode_header(frame, len);
	n += isms__v1__request__pack(&req, frame + n);
	fd = raw_connect(fx, 5);
	assert_int_equal(write(fd, frame, n), (ssize_t)n);
	assert_int_equal(read_until_close(fd, msg, sizeof msg),
	                 ISMS_EEXHAUSTED);
	assert_non_null(strstr(msg, "unpack budget"));
	close(fd);
	free(frame);
	/* A NUL inside a string: refused by name, the link stays up. */
	{
		static const uint8_t bad[] = {
		    /* Request{id=5, put{record{title="a\0b"}}} */
		    0x0b, 0x08, 0x05, 0x5a, 0x07, 0x0a,
		    0x05, 0x1a, 0x03, 'a',  0x00, 'b'};
		uint8_t buf[512];
		size_t hlen, mlen;
		ssize_t r;
		Isms__V1__Reply *reply;

		fd = raw_connect(fx, 5);
		assert_int_equal(write(fd, bad, sizeof bad), sizeof bad);
		r = read(fd, buf, sizeof buf);
		assert_true(r > 0);
		assert_int_equal(frame_decode_header(buf, (size_t)r, sizeof buf,
		                                     &hlen, &mlen),
		                 FRAME_OK);
		reply = isms__v1__reply__unpack(NULL, mlen, buf + hlen);
		assert_non_null(reply);
		assert_int_equal(reply->id, 5);
		assert_int_equal(reply->status->code, ISMS_EINVAL);
		assert_non_null(
		    strstr(reply->status->message, "put.record.title"));
		isms__v1__reply__free_unpacked(reply, NULL);
		close(fd);
	}
	assert_true(still_serving(fx));
}

/* Runs ismsd with a config file body; returns its exit code and output. */
static int
run_with_config(struct daemon_fx *fx, const char *body, char *out, size_t len)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof path, "%s/test.conf", fx->dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(body, f);
	fclose(f);
	return daemon_fx_sh(fx, out, len,
	                    "'%s' --config '%s' --data-dir '%s/cfg' "
	                    "--listen 'unix:%s/cfg.sock' --version 2>&1; "
	                    "'%s' --config '%s' --data-dir '%s/cfg' --listen "
	                    "'unix:%s/cfg.sock' --help >/dev/null 2>&1; "
	                    "timeout 2 '%s' --config '%s' --foreground 2>&1 | "
	                    "head -3",
	                    ISMSD_BIN, path, fx->dir, fx->dir, ISMSD_BIN, path,
	                    fx->dir, fx->dir, ISMSD_BIN, path);
}

static void
test_config_file_errors(void **state)
{
	struct daemon_fx *fx = start(state, NULL);
	char out[2048];

	run_with_config(fx, "[ismsd]\nmax_frame = 1M\nbogus_key = 3\n", out,
	                sizeof out);
	assert_non_null(strstr(out, "test.conf:3: unknown key 'bogus_key'"));
	run_with_config(fx, "idle-timeout = soon\n", out, sizeof out);
	assert_non_null(
	    strstr(out, "test.conf:1: idle-timeout takes a whole number"));
	run_with_config(fx, "[other]\nx = 1\n", out, sizeof out);
	assert_non_null(strstr(out, "test.conf:2: unknown section [other]"));
}

/* A size whose K/M/G suffix would overflow 64 bits is refused, naming
 * the option, on the command line and in a file: 18014398509481985K
 * wrapped to 1K and passed --check-config. */
static void
test_size_overflow_refused(void **state)
{
	struct daemon_fx *fx = start(state, NULL);
	char out[2048];

	assert_int_not_equal(
	    daemon_fx_sh(fx, out, sizeof out,
	                 "'%s' --max-frame 18014398509481985K --check-config "
	                 "2>&1",
	                 ISMSD_BIN),
	    0);
	assert_non_null(strstr(out, "--max-frame must be between"));
	assert_int_not_equal(
	    daemon_fx_sh(fx, out, sizeof out,
	                 "'%s' --map-size 99999999999999999999999G "
	                 "--check-config 2>&1",
	                 ISMSD_BIN),
	    0);
	assert_non_null(strstr(out, "--map-size must be between"));
	assert_int_not_equal(
	    daemon_fx_sh(fx, out, sizeof out,
	                 "printf 'max-frame = 18014398509481985K\\n' "
	                 ">'%s/big.conf' && '%s' --config '%s/big.conf' "
	                 "--check-config 2>&1",
	                 fx->dir, ISMSD_BIN, fx->dir),
	    0);
	assert_non_null(strstr(out, "big.conf:1: max-frame must be between"));
	/* The largest that fits still parses. */
	assert_int_equal(
	    daemon_fx_sh(fx, out, sizeof out,
	                 "'%s' --max-frame 1048576K --check-config "
	                 "2>&1",
	                 ISMSD_BIN),
	    0);
}

/* CPU seconds (user + system) pid has used, in clock ticks. */
static unsigned long long
cpu_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut = 0, st = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	assert_non_null(f = fopen(path, "r"));
	assert_non_null(fgets(buf, sizeof buf, f));
	fclose(f);
	/* Past "pid (comm)": the state is field 3, utime and stime 14, 15. */
	assert_non_null(p = strrchr(buf, ')'));
	assert_int_equal(sscanf(p + 2,
	                        "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u "
	                        "%*u %llu %llu",
	                        &ut, &st),
	                 2);
	return ut + st;
}

/* Lines of the file at path that contain needle. */
static int
count_lines(const char *path, const char *needle)
{
	char line[1024];
	FILE *f = fopen(path, "r");
	int n = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof line, f) != NULL)
		n += strstr(line, needle) != NULL;
	fclose(f);
	return n;
}

#define EMFILE_PEERS 100

/* Out of descriptors, accept fails with EMFILE while the peer stays in
 * the backlog: ismsd pauses accepting instead of spinning on it (its CPU
 * time stays low), logs it once, and serves again once peers close. */
static void
test_emfile_pauses_accept(void **state)
{
	static const char *const args[] = {"--max-unix-connections=4096",
	                                   "--max-connections-per-user=4096",
	                                   NULL};
	struct daemon_fx *fx = calloc(1, sizeof *fx);
	struct timespec ts = {0, 20 * 1000 * 1000}, wait = {1, 500000000};
	char log[] = "/tmp/ismsd-emfile-XXXXXX", out[256];
	unsigned long long t0, used;
	int fds[EMFILE_PEERS], i, lfd;

	assert_true((lfd = mkstemp(log)) >= 0);
	close(lfd);
	fx->nofile_limit = 64;
	fx->log_path = log;
	fx->argv_extra = args;
	*state = fx;
	daemon_fx_start(fx);
	for (i = 0; i < EMFILE_PEERS; i++)
		fds[i] = raw_connect(fx, 5);
	for (i = 0; i < 500 && count_lines(log, "accept: ") == 0; i++)
		nanosleep(&ts, NULL);
	assert_int_not_equal(count_lines(log, "Too many open files"), 0);
	/* A spinning loop takes a whole CPU second each second. */
	t0 = cpu_ticks(fx->pid);
	nanosleep(&wait, NULL);
	used = cpu_ticks(fx->pid) - t0;
	assert_true(used < (unsigned long long)sysconf(_SC_CLK_TCK) / 4);
	assert_int_equal(count_lines(log, "Too many open files"), 1);
	for (i = 0; i < EMFILE_PEERS; i++)
		close(fds[i]);
	/* Served again once the peers are gone. */
	for (i = 0; i < 500; i++) {
		if (daemon_fx_sh(fx, out, sizeof out,
		                 "\"$ISMSCTL\" status >/dev/null 2>&1") == 0)
			break;
		nanosleep(&ts, NULL);
	}
	assert_true(i < 500);
	assert_int_equal(daemon_fx_stop(fx, SIGTERM), 0);
	assert_true(count_lines(log, "Too many open files") <= 2);
	unlink(log);
}

int
main(void)
{
	static char asan[512];
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_frame_deadline, teardown),
	    cmocka_unit_test_teardown(test_idle_timeout_spares_subscribers,
	                              teardown),
	    cmocka_unit_test_teardown(test_connection_caps, teardown),
	    cmocka_unit_test_teardown(test_protocol_version_refused, teardown),
	    cmocka_unit_test_teardown(test_total_cap_pauses_listener, teardown),
	    cmocka_unit_test_teardown(test_unpack_budget_and_nul, teardown),
	    cmocka_unit_test_teardown(test_config_file_errors, teardown),
	    cmocka_unit_test_teardown(test_size_overflow_refused, teardown),
	    cmocka_unit_test_teardown(test_emfile_pauses_accept, teardown),
	    cmocka_unit_test_teardown(test_frame_deadline_per_frame, teardown),
	    cmocka_unit_test_teardown(test_big_strings_refused, teardown),
	    cmocka_unit_test_teardown(test_queued_bytes_bound, teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	/* A sanitized daemon holds up to 256 MiB of freed memory (ASan's
	 * quarantine): the memory bounds tested are about ours. */
	snprintf(asan, sizeof asan, "%s%squarantine_size_mb=16",
	         getenv("ASAN_OPTIONS") ? getenv("ASAN_OPTIONS") : "",
	         getenv("ASAN_OPTIONS") ? ":" : "");
	setenv("ASAN_OPTIONS", asan, 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
