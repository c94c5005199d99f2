/* backup.c: the compacted copy of the store as a stream (see backup.h). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "backup.h"
#include "log.h"
#include "store.h"
#include "xmalloc.h"

#define BACKUP_BUF (64 * 1024)

struct backup {
	struct store *st;
	int out_r, out_w; /* the caller's stream: read end, relay's end */
	int copy_r;       /* the copier's output, read by the relay */
	int copy_w;       /* the copier's end, closed when it is done */
	pthread_t relay, copier;
	bool relay_started;
	/* Set by the threads, read after they are joined. */
	int rc;
	struct isms_err err;
	int copy_rc;
	struct isms_err copy_err;
	struct backup_result res;
};

/* Closes fd if open. */
static void
backup_close(int *fd)
{
	if (*fd != -1)
		close(*fd);
	*fd = -1;
}

/* Writes all of buf to fd (blocking); false when the reader is gone. */
static bool
backup_write_all(int fd, const uint8_t *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

/* Copier thread: LMDB's compacting copy into copy_w, then EOF. */
static void *
backup_copier(void *arg)
{
	struct backup *b = arg;

	b->copy_rc = store_copy_fd(b->st, b->copy_w, &b->copy_err);
	close(b->copy_w);
	b->copy_w = -1;
	return NULL;
}

/* Reads what the copier wrote (blocking); 0 at its EOF, -1 on error. */
static ssize_t
backup_read(struct backup *b, uint8_t *buf)
{
	ssize_t n;

	do
		n = read(b->copy_r, buf, BACKUP_BUF);
	while (n == -1 && errno == EINTR);
	return n;
}

/*
 * Holds a write txn (the daemon's writer waits behind it) from before the
 * copier starts until the copier's first bytes: by then LMDB's copy has
 * its read txn, so the snapshot it copies is the one this txn saw, and
 * the journal head read here is the copy's. Returns the first read.
 */
static ssize_t
backup_snapshot(struct backup *b, uint8_t *buf)
{
	struct store_txn w;
	ssize_t n;
	int rc;

	if ((rc = store_write_begin(b->st, NULL, &w)) != 0) {
		b->rc = isms_err_set(&b->err, -rc, "%s", w.msg);
		return -1;
	}
	if ((rc = journal_head(&w, &b->res.head_seq, b->res.head_hash)) != 0) {
		store_abort(&w);
		b->rc = isms_err_set(&b->err, -rc, "journal head: %s", w.msg);
		return -1;
	}
	if ((rc = pthread_create(&b->copier, NULL, backup_copier, b)) != 0) {
		store_abort(&w);
		b->rc = isms_err_set(&b->err, ISMS_EINTERNAL,
		                     "cannot start the copy: %s", strerror(rc));
		return -1;
	}
	n = backup_read(b, buf);
	store_abort(&w);
	return n;
}

/* Relay thread: the copy's bytes into the caller's stream, hashed; when
 * the caller is gone, the copy is cut short. */
static void *
backup_relay(void *arg)
{
	struct backup *b = arg;
	uint8_t *buf = xmalloc(BACKUP_BUF);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	bool started, gone = false;
	unsigned int mdlen = 0;
	sigset_t pipe;
	ssize_t n;

	/* A reader gone is EPIPE here, never a signal. */
	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe, NULL);
	if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		fatalx("cannot set up SHA-256");
	n = backup_snapshot(b, buf);
	started = b->rc == 0;
	while (started && n > 0) {
		EVP_DigestUpdate(md, buf, (size_t)n);
		b->res.size += (uint64_t)n;
		if (!backup_write_all(b->out_w, buf, (size_t)n)) {
			gone = true;
			break;
		}
		n = backup_read(b, buf);
	}
	if (started) {
		/* The reader gone: the copy meets EPIPE (LMDB's copy thread
		 * takes it as an error) and ends at once, not at its end. */
		if (gone)
			backup_close(&b->copy_r);
		else if (n < 0 && b->rc == 0)
			b->rc =
			    isms_err_set(&b->err, ISMS_EINTERNAL,
			                 "read the copy: %s", strerror(errno));
		pthread_join(b->copier, NULL);
		if (b->rc == 0 && b->copy_rc != 0) {
			b->rc = b->copy_rc;
			b->err = b->copy_err;
		}
	}
	EVP_DigestFinal_ex(md, b->res.sha256, &mdlen);
	EVP_MD_CTX_free(md);
	free(buf);
	close(b->out_w);
	b->out_w = -1;
	return NULL;
}

int
backup_start(struct store *st, struct backup **out, int *fd,
             struct isms_err *err)
{
	struct backup *b = xcalloc(1, sizeof *b);
	int p[2], q[2], rc;

	b->st = st;
	b->out_r = b->out_w = b->copy_r = b->copy_w = -1;
	if (pipe2(p, O_CLOEXEC) == -1) {
		free(b);
		return isms_err_set(err, ISMS_EEXHAUSTED, "pipe: %s",
		                    strerror(errno));
	}
	if (pipe2(q, O_CLOEXEC) == -1) {
		rc = isms_err_set(err, ISMS_EEXHAUSTED, "pipe: %s",
		                  strerror(errno));
		close(p[0]);
		close(p[1]);
		free(b);
		return rc;
	}
	b->out_r = p[0];
	b->out_w = p[1];
	b->copy_r = q[0];
	b->copy_w = q[1];
	(void)fcntl(b->out_r, F_SETFL, O_NONBLOCK);
	if ((rc = pthread_create(&b->relay, NULL, backup_relay, b)) != 0) {
		isms_err_set(err, ISMS_EINTERNAL, "cannot start a backup: %s",
		             strerror(rc));
		backup_close(&b->out_r);
		backup_close(&b->out_w);
		backup_close(&b->copy_r);
		backup_close(&b->copy_w);
		free(b);
		return -ISMS_EINTERNAL;
	}
	b->relay_started = true;
	*fd = b->out_r;
	*out = b;
	return 0;
}

int
backup_finish(struct backup *b, struct backup_result *res, struct isms_err *err)
{
	pthread_join(b->relay, NULL);
	b->relay_started = false;
	if (b->rc != 0) {
		*err = b->err;
		return b->rc;
	}
	*res = b->res;
	return 0;
}

void
backup_free(struct backup *b)
{
	if (b == NULL)
		return;
	/* The relay meets EPIPE, cuts the copy short, and ends. */
	backup_close(&b->out_r);
	if (b->relay_started)
		pthread_join(b->relay, NULL);
	backup_close(&b->copy_r);
	backup_close(&b->copy_w); /* a copier that never started */
	free(b);
}
