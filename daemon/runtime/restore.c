/* restore.c: a backup into an empty data dir, verified (see restore.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "log.h"
#include "restore.h"
#include "store.h"
#include "xmalloc.h"

#define STAGE_DIR    ".restore"
#define LMDB_MAGIC   0xBEEFC0DEu
#define META_OFF     16  /* the meta after the page header */
#define META_PSIZE   24  /* mm_dbs[FREE_DBI].md_pad: the page size */
#define META_LAST_PG 120 /* mm_last_pg */
#define META_TXNID   128 /* mm_txnid */

/* The paths of one restore. */
struct restore {
	const char *file, *dir;
	char *stage, *staged, *lock, *target;
	bool made_dir;
	char why[600];
};

/* Whether dir is missing (then made) or empty; else why not in r->why. */
static bool
restore_dir_ok(struct restore *r)
{
	struct dirent *de;
	DIR *d;

	if (mkdir(r->dir, 0700) == 0) {
		r->made_dir = true;
		return true;
	}
	if (errno != EEXIST || (d = opendir(r->dir)) == NULL) {
		snprintf(r->why, sizeof r->why, "%s: %s", r->dir,
		         strerror(errno == EEXIST ? ENOTDIR : errno));
		return false;
	}
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			break;
	if (de != NULL)
		snprintf(r->why, sizeof r->why,
		         "%s is not empty (it holds %s): a backup is restored "
		         "only into an empty or missing data dir",
		         r->dir, de->d_name);
	closedir(d);
	return de == NULL;
}

/* Copies in to out and syncs; false with why. */
static bool
restore_copy(struct restore *r, int in, int out)
{
	char buf[64 * 1024];
	ssize_t n, w, off;

	while ((n = read(in, buf, sizeof buf)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(r->why, sizeof r->why, "read %s: %s", r->file,
			         strerror(errno));
			return false;
		}
		for (off = 0; off < n; off += w)
			if ((w = write(out, buf + off, (size_t)(n - off))) <=
			    0) {
				snprintf(r->why, sizeof r->why, "write %s: %s",
				         r->staged, strerror(errno));
				return false;
			}
	}
	if (fsync(out) != 0) {
		snprintf(r->why, sizeof r->why, "fsync %s: %s", r->staged,
		         strerror(errno));
		return false;
	}
	return true;
}

/* Stages the file's bytes in dir/.restore/data.mdb; false with why. */
static bool
restore_stage(struct restore *r)
{
	int in, out;
	bool ok;

	if (mkdir(r->stage, 0700) != 0) {
		snprintf(r->why, sizeof r->why, "mkdir %s: %s", r->stage,
		         strerror(errno));
		return false;
	}
	in = strcmp(r->file, "-") == 0 ? STDIN_FILENO
	                               : open(r->file, O_RDONLY | O_CLOEXEC);
	if (in == -1) {
		snprintf(r->why, sizeof r->why, "%s: %s", r->file,
		         strerror(errno));
		return false;
	}
	out = open(r->staged, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out == -1) {
		snprintf(r->why, sizeof r->why, "%s: %s", r->staged,
		         strerror(errno));
		ok = false;
	} else {
		ok = restore_copy(r, in, out);
		close(out);
	}
	if (in != STDIN_FILENO)
		close(in);
	return ok;
}

/* Little-endian fields of the LMDB meta page at p. */
static uint64_t
le_get(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | p[n];
	return v;
}

/*
 * Whether the staged file is a whole LMDB file: a meta page with LMDB's
 * magic, and as many pages as its newer meta says (a truncated copy is
 * refused here: LMDB would fault on the pages past its end).
 */
static bool
restore_whole(struct restore *r)
{
	uint8_t m[2][META_OFF + META_TXNID + 8];
	uint64_t psize, last, need;
	struct stat sb;
	int fd, i, newer;
	bool ok = false;

	if ((fd = open(r->staged, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &sb) != 0) {
		snprintf(r->why, sizeof r->why, "%s: %s", r->staged,
		         strerror(errno));
		goto out;
	}
	if (pread(fd, m[0], sizeof m[0], 0) != (ssize_t)sizeof m[0] ||
	    le_get(m[0] + META_OFF, 4) != LMDB_MAGIC) {
		snprintf(r->why, sizeof r->why,
		         "%s is not an ismsd backup (no LMDB meta page)",
		         r->file);
		goto out;
	}
	psize = le_get(m[0] + META_OFF + META_PSIZE, 4);
	for (i = 0; i < 2; i++)
		if (i == 1 && (psize < 512 || psize > 65536 ||
		               pread(fd, m[1], sizeof m[1], (off_t)psize) !=
		                   (ssize_t)sizeof m[1] ||
		               le_get(m[1] + META_OFF, 4) != LMDB_MAGIC)) {
			snprintf(r->why, sizeof r->why,
			         "%s is truncated or corrupt (its second meta "
			         "page is missing)",
			         r->file);
			goto out;
		}
	newer = le_get(m[1] + META_OFF + META_TXNID, 8) >
	                le_get(m[0] + META_OFF + META_TXNID, 8)
	            ? 1
	            : 0;
	last = le_get(m[newer] + META_OFF + META_LAST_PG, 8);
	need = (last + 1) * psize;
	if ((uint64_t)sb.st_size < need) {
		snprintf(r->why, sizeof r->why,
		         "%s is truncated: %lld bytes of the %llu its meta "
		         "page needs",
		         r->file, (long long)sb.st_size,
		         (unsigned long long)need);
		goto out;
	}
	ok = true;
out:
	if (fd != -1)
		close(fd);
	return ok;
}

/* The child: verifies the staged store and writes the outcome to fd;
 * exits 0 when it verified. */
static void
restore_verify_child(struct restore *r, size_t mapsize, int fd)
{
	struct check_opts opts = {.deep = true};
	struct check_result res;
	struct store_txn txn;
	struct isms_err err;
	struct store *st;
	char msg[500], hex[2 * JOURNAL_HASH_LEN + 1];
	int rc, i, n;

	if ((rc = store_open(&st, r->stage, mapsize, &err)) != 0) {
		n = snprintf(msg, sizeof msg, "cannot open it: %s", err.msg);
		goto out;
	}
	if ((rc = store_snapshot_begin(st, &txn)) != 0)
		n = snprintf(msg, sizeof msg, "cannot read it: %s", txn.msg);
	else if ((rc = check_store(&txn, &opts, &res, &err)) != 0)
		n = snprintf(msg, sizeof msg, "cannot verify it: %s", err.msg);
	else if (!res.ok) {
		rc = 1;
		n = snprintf(msg, sizeof msg, "journal verify failed: %s",
		             res.problem);
	} else {
		for (i = 0; i < JOURNAL_HASH_LEN; i++)
			snprintf(hex + 2 * i, 3, "%02x", res.head_hash[i]);
		n = snprintf(msg, sizeof msg,
		             "%llu journal entries verified, head seq %llu "
		             "hash %s",
		             (unsigned long long)res.entries,
		             (unsigned long long)res.head_seq, hex);
	}
	if (txn.txn != NULL)
		store_snapshot_end(&txn);
	store_close(st);
out:
	if (n > 0 && write(fd, msg, (size_t)n) != n)
		rc = 1;
	close(fd);
	_exit(rc == 0 ? 0 : 1);
}

/* Verifies the staged store in a child; false with why. On success, why
 * holds what was verified. */
static bool
restore_verify(struct restore *r, size_t mapsize)
{
	char msg[501];
	ssize_t n, got = 0;
	int p[2], status;
	pid_t pid;

	fflush(NULL);
	if (pipe(p) == -1 || (pid = fork()) == -1) {
		snprintf(r->why, sizeof r->why, "cannot verify: %s",
		         strerror(errno));
		return false;
	}
	if (pid == 0) {
		close(p[0]);
		restore_verify_child(r, mapsize, p[1]);
	}
	close(p[1]);
	while ((n = read(p[0], msg + got, sizeof msg - 1 - (size_t)got)) > 0 ||
	       (n == -1 && errno == EINTR))
		got += n > 0 ? n : 0;
	msg[got] = '\0';
	close(p[0]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (WIFSIGNALED(status)) {
		snprintf(r->why, sizeof r->why,
		         "%s is corrupt: reading it failed with signal %d",
		         r->file, WTERMSIG(status));
		return false;
	}
	snprintf(r->why, sizeof r->why, "%.500s",
	         got > 0 ? msg : "the verification said nothing");
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Removes what the restore made (all of it, or only the stage). */
static void
restore_cleanup(struct restore *r, bool all)
{
	unlink(r->lock);
	unlink(r->staged);
	rmdir(r->stage);
	if (all) {
		unlink(r->target);
		if (r->made_dir)
			rmdir(r->dir);
	}
}

int
restore_run(const char *file, const char *dir, size_t mapsize)
{
	struct restore r = {.file = file, .dir = dir};
	bool ok;

	r.stage = xasprintf("%s/%s", dir, STAGE_DIR);
	r.staged = xasprintf("%s/data.mdb", r.stage);
	r.lock = xasprintf("%s/lock.mdb", r.stage);
	r.target = xasprintf("%s/data.mdb", dir);
	ok = restore_dir_ok(&r);
	if (ok && !(ok = restore_stage(&r) && restore_whole(&r) &&
	                 restore_verify(&r, mapsize)))
		restore_cleanup(&r, true);
	if (ok && rename(r.staged, r.target) != 0) {
		snprintf(r.why, sizeof r.why, "rename into %s: %s", dir,
		         strerror(errno));
		restore_cleanup(&r, true);
		ok = false;
	}
	if (ok) {
		restore_cleanup(&r, false);
		log_notice("restored %s into %s: %s", file, dir, r.why);
	} else
		log_err("cannot restore %s into %s: %s", file, dir, r.why);
	free(r.stage);
	free(r.staged);
	free(r.lock);
	free(r.target);
	return ok ? 0 : 1;
}
