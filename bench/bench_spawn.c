/*
 * bench_spawn.c: ismsbench's spawn mode: runs a command (after --) --count
 * times, each timed with the monotonic clock around posix_spawn and
 * waitpid: the cost of a whole process such as `ismsctl risk get ID`.
 */
#include <sys/wait.h>

#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

extern char **environ;

/* The spawn mode: see the top of this file. */
int
bench_spawn(const struct bench_opts *o, struct bench_result *r)
{
	posix_spawn_file_actions_t fa;
	unsigned i, failed = 0;
	double t0 = bench_now(), t;
	pid_t pid;
	int st;

	if (o->argv == NULL || o->argv[0] == NULL) {
		bench_log("spawn: give the command after --");
		return -1;
	}
	if ((r->lat_ms = calloc(o->count + 1, sizeof *r->lat_ms)) == NULL)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	for (i = 0; i < o->count; i++) {
		t = bench_now();
		if (posix_spawn(&pid, o->argv[0], &fa, NULL, o->argv,
		                environ) != 0 ||
		    waitpid(pid, &st, 0) != pid) {
			bench_log("spawn %s failed", o->argv[0]);
			break;
		}
		r->lat_ms[r->n++] = (bench_now() - t) * 1000.0;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			failed++;
	}
	posix_spawn_file_actions_destroy(&fa);
	r->ops_per_s = r->n / (bench_now() - t0);
	snprintf(r->what, sizeof r->what, "whole process: %s ...", o->argv[0]);
	bench_note(r, "failed", failed);
	return r->n > 0 && failed == 0 ? 0 : -1;
}
