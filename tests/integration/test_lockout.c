/*
 * test_lockout.c: no unauthenticated peer can lock everyone out (issue
 * 14). A real ismsd with TLS on tcp:// and its Unix socket (tls_fx) is
 * attacked as an outside peer could: silent TCP connects, TLS peers that
 * say hello without a token, a slowloris on the handshake, a peer that
 * never reads its replies, one address's flood. Each test shows that the
 * daemon gives the slots and descriptors back (/proc/PID/fd) and that
 * others are served meanwhile: the local admin on the Unix socket, an
 * authenticated TLS client, another address.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/ssl.h>

#include "frame.h"
#include "tls_fx.h"

/* Seconds on the monotonic clock. */
static double
now_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sleeps ms milliseconds: the pace of a peer, never a synchronisation. */
static void
pace(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* Descriptors the daemon holds. */
static int
daemon_fds(const struct tls_fx *fx)
{
	char path[64];
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof path, "/proc/%d/fd", (int)fx->d.pid);
	assert_non_null(d = opendir(path));
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Waits up to secs for the daemon to hold want descriptors; returns
 * what it holds at the end. */
static int
wait_fds(const struct tls_fx *fx, int want, double secs)
{
	double end = now_secs() + secs;
	int n;

	while ((n = daemon_fds(fx)) != want && now_secs() < end)
		pace(20);
	return n;
}

/* Starts ismsd with TLS (or plain TCP when insecure) and these options,
 * with ed and a token of ed; returns the daemon's descriptors with no
 * client connected. */
static int
restart(struct tls_fx *fx, bool insecure, const char *const *args)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Info info = ISMS__V1__INFO__INIT;
	struct isms_sync *a;
	struct isms_err err;
	Isms__V1__Reply *r = NULL;
	double end;
	int n;

	fx->extras = args;
	tls_fx_start(fx, insecure, 0);
	a = tls_fx_admin(fx);
	if (fx->ed_token == NULL) {
		tls_fx_user_add(a, "ed",
		                ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_EDITOR);
		fx->ed_token = tls_fx_token_new(a, "ed", 0, NULL);
	}
	/* The probes of tls_fx_start are gone once the admin is alone. */
	req.call_case = ISMS__V1__REQUEST__CALL_INFO;
	req.info = &info;
	for (end = now_secs() + 5; now_secs() < end; pace(20)) {
		isms_reply_free(r);
		assert_non_null(r = isms_sync_call(a, &req, &err));
		if (r->info->connections == 1)
			break;
	}
	assert_int_equal(r->info->connections, 1);
	isms_reply_free(r);
	n = daemon_fds(fx);
	isms_sync_free(a);
	assert_int_equal(wait_fds(fx, n - 1, 5), n - 1);
	return n - 1;
}

/* A TCP connection to 127.0.0.1:port, from address from (NULL: any). */
static int
tcp_connect(int port, const char *from)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	int fd;

	assert_true((fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	if (from != NULL) {
		assert_int_equal(inet_pton(AF_INET, from, &sin.sin_addr), 1);
		assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof sin),
		                 0);
	}
	sin.sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	return fd;
}

/* Whether the daemon closed fd (EOF or a reset; what it sent is read
 * and dropped). */
static bool
closed_by_daemon(int fd)
{
	char buf[4096];
	ssize_t r;

	while ((r = recv(fd, buf, sizeof buf, MSG_DONTWAIT)) > 0)
		;
	return r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
}

/* Waits up to secs for the daemon to close each of fds. */
static bool
wait_closed(const int *fds, size_t n, double secs)
{
	double end = now_secs() + secs;
	size_t i, open;

	do {
		for (i = open = 0; i < n; i++)
			open += !closed_by_daemon(fds[i]);
		if (open == 0)
			return true;
		pace(20);
	} while (now_secs() < end);
	return false;
}

/* Whether ismsctl status answers on the Unix socket within 5 s. */
static bool
unix_status_ok(struct tls_fx *fx)
{
	char out[256];

	return daemon_fx_sh(&fx->d, out, sizeof out,
	                    "timeout 5 \"$ISMSCTL\" status >/dev/null") == 0;
}

/* A hello frame without a token. */
static size_t
hello_frame(uint8_t *buf, size_t len)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Hello hello = ISMS__V1__HELLO__INIT;
	size_t n, h;

	hello.client = "anonymous";
	req.has_id = 1;
	req.id = 1;
	req.call_case = ISMS__V1__REQUEST__CALL_HELLO;
	req.hello = &hello;
	n = isms__v1__request__get_packed_size(&req);
	assert_true(n + FRAME_HDR_MAX <= len);
	h = frame_encode_header(buf, n);
	return h + isms__v1__request__pack(&req, buf + h);
}

/* A TLS peer that completes the handshake, then only says hello with no
 * token, now and then: never authenticated, never idle. */
struct anon_tls {
	int fd;
	SSL *ssl;
};

/* Connects to port and finishes the TLS handshake (trusting anything:
 * the peer is the attacker, not the one verifying). */
static void
anon_tls_open(struct anon_tls *a, SSL_CTX *ctx, int port)
{
	a->fd = tcp_connect(port, NULL);
	assert_non_null(a->ssl = SSL_new(ctx));
	SSL_set_fd(a->ssl, a->fd);
	assert_int_equal(SSL_connect(a->ssl), 1);
	fcntl(a->fd, F_SETFL, O_NONBLOCK);
}

/* Says hello (no token); reads and drops the replies. */
static void
anon_tls_hello(struct anon_tls *a)
{
	uint8_t buf[256];
	size_t n = hello_frame(buf, sizeof buf);

	(void)SSL_write(a->ssl, buf, (int)n);
	while (SSL_read(a->ssl, buf, sizeof buf) > 0)
		;
}

/* Frees a's TLS state and closes its socket. */
static void
anon_tls_close(struct anon_tls *a)
{
	SSL_free(a->ssl);
	close(a->fd);
}

/* The finding as reported: TLS connects that never say a word, cut by
 * the idle timeout before their handshake, used to stay in CLOSE-WAIT
 * for good, holding their slots; with the TCP pool full the admin's
 * Unix socket must still answer; then every slot and descriptor comes
 * back and an authenticated client gets in. */
static void
test_silent_tls_peers_freed(void **state)
{
	static const char *const args[] = {"--max-connections=3",
	                                   "--idle-timeout=2",
	                                   "--auth-timeout=60", NULL};
	struct tls_fx *fx = *state;
	int base = restart(fx, false, args), fds[4], i;
	struct isms_sync *s;
	double t0;

	for (i = 0; i < 3; i++)
		fds[i] = tcp_connect(fx->port, NULL);
	assert_int_equal(wait_fds(fx, base + 3, 5), base + 3);
	/* The TCP pool is full: a fourth waits in the kernel's queue, and
	 * the Unix socket has slots of its own. */
	fds[3] = tcp_connect(fx->port, NULL);
	assert_true(unix_status_ok(fx));
	close(fds[3]);
	t0 = now_secs();
	assert_true(wait_closed(fds, 3, 5));
	assert_true(now_secs() - t0 < 4);
	for (i = 0; i < 3; i++)
		close(fds[i]);
	assert_int_equal(wait_fds(fx, base, 5), base);
	s = tls_fx_dial_as(fx, fx->ep, fx->ed_token, NULL, false, "ed",
	                   ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_EDITOR);
	tls_fx_info_ok(s);
	isms_sync_free(s);
}

/* Within --auth-timeout a peer authenticates or goes, whatever it does
 * meanwhile: silent, saying hello without a token under the idle
 * timeout, dribbling a handshake a byte at a time. An authenticated
 * client is left alone. */
static void
test_auth_deadline(void **state)
{
	static const char *const args[] = {"--max-connections=6",
	                                   "--auth-timeout=1", NULL};
	static const uint8_t hs[] = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01};
	struct tls_fx *fx = *state;
	int base = restart(fx, false, args), fds[4];
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	struct anon_tls anon[2];
	struct isms_sync *ed;
	size_t i, sent = 0;
	double t0, end;

	ed = tls_fx_dial_as(fx, fx->ep, fx->ed_token, NULL, false, "ed",
	                    ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_EDITOR);
	assert_non_null(ctx);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	t0 = now_secs();
	for (i = 0; i < 2; i++) {
		anon_tls_open(&anon[i], ctx, fx->port);
		fds[i] = anon[i].fd;
	}
	fds[2] = tcp_connect(fx->port, NULL); /* silent */
	fds[3] = tcp_connect(fx->port, NULL); /* slowloris */
	/* Each keeps at it, every 200 ms, until it is cut (or 4 s). */
	for (end = t0 + 4; now_secs() < end; pace(200)) {
		for (i = 0; i < 2; i++)
			anon_tls_hello(&anon[i]);
		if (sent < sizeof hs)
			(void)send(fds[3], hs + sent++, 1, MSG_NOSIGNAL);
		if (daemon_fds(fx) == base + 1) /* ed's alone */
			break;
	}
	assert_true(wait_closed(fds, 4, 1));
	assert_true(now_secs() - t0 < 4);
	assert_int_equal(daemon_fds(fx), base + 1);
	tls_fx_info_ok(ed); /* authenticated: still served */
	isms_sync_free(ed);
	for (i = 0; i < 2; i++)
		anon_tls_close(&anon[i]);
	close(fds[2]);
	close(fds[3]);
	SSL_CTX_free(ctx);
	assert_int_equal(wait_fds(fx, base, 5), base);
}

/* A peer that sends and never reads: reading pauses at the byte bound,
 * the auth deadline closes it, and its last replies, which it will never
 * take, do not keep its slot: it is dropped after a short bound. */
static void
test_non_reader_dropped(void **state)
{
	static const char *const args[] = {"--auth-timeout=1",
	                                   "--max-queued-bytes=65536", NULL};
	struct tls_fx *fx = *state;
	int base = restart(fx, true, args), fd, small = 4096;
	uint8_t frames[64 * 32];
	size_t n = 0, k;
	double t0, stuck = 0;
	ssize_t w;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
	{
		struct sockaddr_in sin = {.sin_family = AF_INET};

		sin.sin_port = htons((uint16_t)fx->port);
		inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
		assert_int_equal(
		    connect(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	}
	fcntl(fd, F_SETFL, O_NONBLOCK);
	for (k = 0; k < 64; k++)
		n += hello_frame(frames + n, sizeof frames - n);
	/* Writes until the daemon stops reading (half a second without
	 * taking a byte) or the auth deadline cuts it. */
	t0 = now_secs();
	while (now_secs() - t0 < 5) {
		w = send(fd, frames, n, MSG_NOSIGNAL);
		if (w > 0) {
			stuck = 0;
			continue;
		}
		if (w < 0 && errno != EAGAIN)
			break; /* already cut */
		if (stuck == 0)
			stuck = now_secs();
		else if (now_secs() - stuck > 0.5)
			break;
		pace(10);
	}
	/* 1 s to authenticate, 3 s to drain, and a margin. */
	assert_int_equal(wait_fds(fx, base, 6), base);
	assert_true(now_secs() - t0 < 7);
	close(fd);
	assert_true(unix_status_ok(fx));
}

/* Run as nobody: connects to the Unix socket at path, says nothing, and
 * exits 0 when the daemon's last word is UNAUTHENTICATED naming the uid
 * before it closes, within 5 s. */
static int
stranger(const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct timeval tv = {5, 0};
	uint8_t buf[1024];
	size_t n = 0, hlen, mlen;
	ssize_t r;
	Isms__V1__Reply *reply;
	int fd, ok;

	if (setgid(65534) != 0 || setuid(65534) != 0)
		return 10;
	if (strlen(path) >= sizeof sun.sun_path)
		return 9;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof sun) != 0)
		return 11;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	while ((r = read(fd, buf + n, sizeof buf - n)) > 0)
		n += (size_t)r;
	if (r < 0)
		return 12; /* not closed in time */
	if (frame_decode_header(buf, n, sizeof buf, &hlen, &mlen) != FRAME_OK ||
	    hlen + mlen > n ||
	    (reply = isms__v1__reply__unpack(NULL, mlen, buf + hlen)) == NULL)
		return 13;
	ok = (int)reply->status->code == ISMS_EUNAUTH &&
	     strstr(reply->status->message, "uid 65534 is not an ismsd user");
	isms__v1__reply__free_unpacked(reply, NULL);
	return ok ? 0 : 14;
}

/* A local uid that is no ismsd user gets --auth-timeout too: told why,
 * then closed, its Unix slot and descriptor freed. */
static void
test_unix_stranger_cut(void **state)
{
	static const char *const args[] = {"--auth-timeout=1", NULL};
	struct tls_fx *fx = *state;
	int base = restart(fx, false, args), status;
	pid_t pid;

	if (geteuid() != 0)
		skip(); /* only root can be someone else */
	/* Let nobody reach the socket (0660, in a 0700 temp dir). */
	assert_int_equal(chmod(fx->d.dir, 0711), 0);
	assert_int_equal(chmod(fx->d.sock, 0666), 0);
	if ((pid = fork()) == 0)
		_exit(stranger(fx->d.sock));
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(wait_fds(fx, base, 5), base);
}

/* Run as nobody (a viewer): takes every Unix slot, then finds the next
 * refused as kept for admins; says so on ready, holds its connections
 * until go closes. 0 when all went as told. */
static int
viewer_fills_unix(const char *endpoint, const char *path, int ready, int go)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct timeval tv = {5, 0};
	struct isms_sync *s[2];
	struct isms_err err;
	uint8_t buf[1024];
	size_t n = 0, hlen, mlen;
	ssize_t r;
	Isms__V1__Reply *reply;
	int fd, i, rc = 0;

	if (setgid(65534) != 0 || setuid(65534) != 0)
		return 10;
	for (i = 0; i < 2; i++)
		if ((s[i] = isms_sync_connect(endpoint, "t", &err)) == NULL)
			return 11;
	if (strlen(path) >= sizeof sun.sun_path)
		return 9;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof sun) != 0)
		return 12;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	while ((r = read(fd, buf + n, sizeof buf - n)) > 0)
		n += (size_t)r;
	if (r < 0 ||
	    frame_decode_header(buf, n, sizeof buf, &hlen, &mlen) != FRAME_OK ||
	    hlen + mlen > n ||
	    (reply = isms__v1__reply__unpack(NULL, mlen, buf + hlen)) == NULL)
		return 13;
	if ((int)reply->status->code != ISMS_EEXHAUSTED ||
	    strstr(reply->status->message, "kept for admins") == NULL)
		rc = 14;
	isms__v1__reply__free_unpacked(reply, NULL);
	close(fd);
	if (write(ready, "r", 1) != 1 || read(go, buf, 1) != 0)
		rc = 15;
	for (i = 0; i < 2; i++)
		isms_sync_free(s[i]);
	return rc;
}

/* A local user who is no admin fills the Unix pool: its next connection
 * is refused, and the admin still gets in, on the slots kept for it. */
static void
test_unix_admin_slots(void **state)
{
	static const char *const args[] = {"--max-unix-connections=2", NULL};
	struct tls_fx *fx = *state;
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__UserPut up = ISMS__V1__USER_PUT__INIT;
	Isms__V1__User u = ISMS__V1__USER__INIT;
	struct isms_sync *a;
	struct isms_err err;
	Isms__V1__Reply *r;
	int base = restart(fx, false, args), ready[2], go[2], status;
	char c;
	pid_t pid;

	if (geteuid() != 0)
		skip(); /* only root can be someone else */
	a = tls_fx_admin(fx);
	u.name = "nobody";
	u.has_role = u.has_uid = 1;
	u.role = ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_VIEWER;
	u.uid = 65534;
	up.user = &u;
	up.has_create = up.create = 1;
	req.call_case = ISMS__V1__REQUEST__CALL_USER_PUT;
	req.user_put = &up;
	assert_non_null(r = isms_sync_call(a, &req, &err));
	assert_int_equal(r->status->code, 0);
	isms_reply_free(r);
	isms_sync_free(a);
	assert_int_equal(wait_fds(fx, base, 5), base);
	assert_int_equal(chmod(fx->d.dir, 0711), 0);
	assert_int_equal(chmod(fx->d.sock, 0666), 0);
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(go), 0);
	if ((pid = fork()) == 0) {
		close(ready[0]);
		close(go[1]);
		_exit(viewer_fills_unix(fx->d.endpoint, fx->d.sock, ready[1],
		                        go[0]));
	}
	assert_true(pid > 0);
	close(ready[1]);
	close(go[0]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	assert_true(unix_status_ok(fx));
	close(go[1]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(ready[0]);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(wait_fds(fx, base, 5), base);
}

/* One address gets --max-connections-per-address; the next connect from
 * it is closed at once, another address still gets in. */
static void
test_per_address_cap(void **state)
{
	static const char *const args[] = {"--max-connections-per-address=2",
	                                   "--auth-timeout=60", NULL};
	struct tls_fx *fx = *state;
	int base = restart(fx, false, args), fds[4], i;

	fds[0] = tcp_connect(fx->port, "127.0.0.1");
	fds[1] = tcp_connect(fx->port, "127.0.0.1");
	assert_int_equal(wait_fds(fx, base + 2, 5), base + 2);
	fds[2] = tcp_connect(fx->port, "127.0.0.1");
	assert_true(wait_closed(fds + 2, 1, 5));
	fds[3] = tcp_connect(fx->port, "127.0.0.3");
	assert_int_equal(wait_fds(fx, base + 3, 5), base + 3);
	assert_false(closed_by_daemon(fds[3]));
	assert_false(closed_by_daemon(fds[0]));
	for (i = 0; i < 4; i++)
		close(fds[i]);
	assert_int_equal(wait_fds(fx, base, 5), base);
}

/* Stops the last daemon with SIGTERM (a clean exit), then cleans up. */
static int
teardown(void **state)
{
	struct tls_fx *fx = *state;

	assert_int_equal(daemon_fx_stop(&fx->d, SIGTERM), 0);
	return tls_fx_teardown(state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_silent_tls_peers_freed),
	    cmocka_unit_test(test_auth_deadline),
	    cmocka_unit_test(test_non_reader_dropped),
	    cmocka_unit_test(test_per_address_cap),
	    cmocka_unit_test(test_unix_stranger_cut),
	    cmocka_unit_test(test_unix_admin_slots),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, tls_fx_setup, teardown);
}
