/*
 * fake_srv.c: a scripted fake ismsd for libismsclient's unit tests: a
 * thread of the test process that accepts one connection on a Unix socket
 * in a temp dir and runs a script of frames on it.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_srv.h"
#include "frame.h"

/* cmocka's asserts must not run on the server thread: count failures. */
volatile int fake_failures;

/* Reads exactly len bytes; 0 or -1 at EOF. */
static int
read_full(int fd, void *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = read(fd, buf, len)) <= 0)
			return -1;
		buf = (char *)buf + n;
		len -= (size_t)n;
	}
	return 0;
}

/* The server side: reads one Request frame (NULL at EOF). */
Isms__V1__Request *
fake_read(int fd)
{
	uint8_t hdr[FRAME_HDR_MAX], *buf;
	size_t i, hlen, mlen;
	Isms__V1__Request *req;

	for (i = 0; i < sizeof hdr; i++) {
		if (read_full(fd, &hdr[i], 1) != 0)
			return NULL;
		if (frame_decode_header(hdr, i + 1, FRAME_MAX_DEFAULT, &hlen,
		                        &mlen) == FRAME_OK)
			break;
	}
	buf = malloc(mlen + 1);
	if (read_full(fd, buf, mlen) != 0) {
		free(buf);
		return NULL;
	}
	req = isms__v1__request__unpack(NULL, mlen, buf);
	free(buf);
	return req;
}

/* The server side: reads and drops requests until the client is gone. */
void
fake_drain(int fd)
{
	Isms__V1__Request *q;

	while ((q = fake_read(fd)) != NULL)
		isms__v1__request__free_unpacked(q, NULL);
}

/* The server side: sends one Reply frame. */
void
fake_send(int fd, const Isms__V1__Reply *r)
{
	size_t len = protobuf_c_message_get_packed_size(&r->base);
	uint8_t *buf = malloc(len + FRAME_HDR_MAX);
	size_t h = frame_encode_header(buf, len);

	protobuf_c_message_pack(&r->base, buf + h);
	if (write(fd, buf, h + len) != (ssize_t)(h + len))
		fprintf(stderr, "fake_send: short write\n");
	free(buf);
}

/* Sends a reply to id with status code and message. */
void
fake_status(int fd, uint64_t id, Isms__V1__Code code, const char *msg)
{
	Isms__V1__Reply r = ISMS__V1__REPLY__INIT;
	Isms__V1__Status st = ISMS__V1__STATUS__INIT;

	st.has_code = 1;
	st.code = code;
	st.message = (char *)msg;
	r.has_id = 1;
	r.id = id;
	r.status = &st;
	fake_send(fd, &r);
}

static void *
fake_thread(void *arg)
{
	struct fake *f = arg;
	int fd = accept(f->lfd, NULL, NULL);

	if (fd != -1) {
		f->script(fd, f->arg);
		close(fd);
	}
	return NULL;
}

void
fake_start(struct fake *f, void (*script)(int, void *), void *arg)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};

	snprintf(f->dir, sizeof f->dir, "/tmp/test_ctl_client.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/s.sock", f->dir);
	snprintf(f->endpoint, sizeof f->endpoint, "unix:%s", f->path);
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", f->path);
	f->lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_not_equal(f->lfd, -1);
	assert_int_equal(bind(f->lfd, (struct sockaddr *)&sun, sizeof sun), 0);
	assert_int_equal(listen(f->lfd, 4), 0);
	f->script = script;
	f->arg = arg;
	assert_int_equal(pthread_create(&f->th, NULL, fake_thread, f), 0);
}

void
fake_stop(struct fake *f)
{
	pthread_join(f->th, NULL);
	assert_int_equal(fake_failures, 0);
	close(f->lfd);
	unlink(f->path);
	rmdir(f->dir);
}
