/*
 * fake_srv.h: a scripted fake ismsd for libismsclient's unit tests. The
 * script runs on the server thread, where cmocka's asserts must not: it
 * checks with FAKE_CHECK, and fake_stop fails the test if any failed.
 */
#ifndef ISMS_TEST_FAKE_SRV_H
#define ISMS_TEST_FAKE_SRV_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "proto/isms.pb-c.h"

extern volatile int fake_failures;

#define FAKE_CHECK(x)                                                          \
	do {                                                                   \
		if (!(x)) {                                                    \
			fprintf(stderr, "%s:%d: fake server: %s failed\n",     \
			        __FILE__, __LINE__, #x);                       \
			fake_failures++;                                       \
		}                                                              \
	} while (0)

struct fake {
	char dir[64];
	char path[108];
	char endpoint[128];
	int lfd;
	pthread_t th;
	void (*script)(int fd, void *arg);
	void *arg;
};

/* The server side: reads one Request frame (NULL at EOF). */
Isms__V1__Request *fake_read(int fd);
/* The server side: reads and drops requests until the client is gone. */
void fake_drain(int fd);
/* The server side: sends one Reply frame. */
void fake_send(int fd, const Isms__V1__Reply *r);
/* Sends a reply to id with status code and message. */
void fake_status(int fd, uint64_t id, Isms__V1__Code code, const char *msg);
/* Listens in a new temp dir and runs script(fd, arg) on one connection. */
void fake_start(struct fake *f, void (*script)(int, void *), void *arg);
/* Joins the script, fails on FAKE_CHECK failures, removes the socket. */
void fake_stop(struct fake *f);

#endif
