/* bench.c: statistics, output, clocks and limits for every mode. */
#include <sys/resource.h>

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
bench_sleep_until(double t)
{
	struct timespec ts;

	ts.tv_sec = (time_t)t;
	ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
}

unsigned long
bench_raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 0;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	return (unsigned long)rl.rlim_cur;
}

void
bench_note(struct bench_result *r, const char *name, double value)
{
	if (r->nnotes < BENCH_NOTES_MAX)
		r->notes[r->nnotes++] = (struct bench_note){name, value};
}

double
bench_percentile(const double *sorted, size_t n, double p)
{
	size_t rank;

	if (n == 0)
		return NAN;
	rank = (size_t)ceil(p / 100.0 * (double)n);
	return sorted[rank == 0 ? 0 : rank - 1];
}

/* Orders doubles ascending. */
static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* A number for JSON: null when it is not finite. */
static void
json_num(FILE *f, const char *name, double v, bool comma)
{
	if (isfinite(v))
		fprintf(f, "\"%s\":%.*f%s", name, v == floor(v) ? 0 : 3, v,
		        comma ? "," : "");
	else
		fprintf(f, "\"%s\":null%s", name, comma ? "," : "");
}

void
bench_print(FILE *f, const char *mode, const struct bench_opts *o,
            struct bench_result *r)
{
	static const double pct[] = {50, 90, 99, 100};
	static const char *const names[] = {"p50_ms", "p90_ms", "p99_ms",
	                                    "max_ms"};
	double v[4];
	size_t i;

	qsort(r->lat_ms, r->n, sizeof *r->lat_ms, cmp_double);
	for (i = 0; i < 4; i++)
		v[i] = bench_percentile(r->lat_ms, r->n, pct[i]);
	if (o->json) {
		fprintf(f,
		        "{\"mode\":\"%s\",\"subscribers\":%u,\"count\":%u,"
		        "\"rate\":%.1f,\"samples\":%zu,",
		        mode, o->subscribers, o->count, o->rate, r->n);
		for (i = 0; i < 4; i++)
			json_num(f, names[i], v[i], true);
		json_num(f, "ops_per_s", r->ops_per_s, r->nnotes > 0);
		for (i = 0; i < r->nnotes; i++)
			json_num(f, r->notes[i].name, r->notes[i].value,
			         i + 1 < r->nnotes);
		fputs("}\n", f);
		return;
	}
	fprintf(f, "ismsbench %s: %s\n", mode, r->what);
	fprintf(f,
	        "  samples %zu  p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  "
	        "max %.3f ms\n",
	        r->n, v[0], v[1], v[2], v[3]);
	fprintf(f, "  ops/s %.1f", r->ops_per_s);
	for (i = 0; i < r->nnotes; i++)
		fprintf(f, "  %s %.*f", r->notes[i].name,
		        r->notes[i].value == floor(r->notes[i].value) ? 0 : 1,
		        r->notes[i].value);
	fputc('\n', f);
}

void
bench_log(const char *fmt, ...)
{
	va_list ap;

	fputs("ismsbench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
