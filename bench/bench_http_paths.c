/*
 * bench_http_paths.c: ismsbench's http-paths mode: --clients keep-alive
 * connections GET the paths of --paths (comma-separated) from the
 * gateway in turn, as a page of the web interface calls them (the
 * dashboard: /v1/dashboard, /v1/session, /v1/risk?page_size=50), with
 * --token or a browser session's --cookie.
 */
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define PATHS_MAX 16

/* The paths, split. */
struct paths {
	char *buf;
	const char *p[PATHS_MAX];
	size_t n;
};

/* Builds the GET of path number seq % n. */
static void
paths_build(char *path, size_t plen, char *body, size_t blen, unsigned long seq,
            void *arg)
{
	const struct paths *ps = arg;

	(void)body;
	(void)blen;
	snprintf(path, plen, "%s", ps->p[seq % ps->n]);
}

/* Splits o->paths at commas: 0, or -1 when empty or too many. */
static int
paths_split(const char *list, struct paths *ps)
{
	char *save = NULL, *tok;

	if ((ps->buf = strdup(list != NULL ? list : "")) == NULL)
		return -1;
	for (tok = strtok_r(ps->buf, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		if (ps->n == PATHS_MAX || tok[0] != '/')
			return -1;
		ps->p[ps->n++] = tok;
	}
	return ps->n > 0 ? 0 : -1;
}

/* The http-paths mode: see the top of this file. */
int
bench_http_paths(const struct bench_opts *o, struct bench_result *r)
{
	struct paths ps = {0};
	struct bench_http_load load = {false, paths_build, NULL, &ps};
	int rc = -1;

	if (paths_split(o->paths, &ps) != 0)
		bench_log("http-paths: --paths takes 1 to %d paths, each "
		          "starting with /, joined by commas",
		          PATHS_MAX);
	else if ((rc = bench_http_drive(o, &load, r)) == 0)
		snprintf(r->what, sizeof r->what,
		         "GET %s in turn: send -> answer", o->paths);
	free(ps.buf);
	return rc;
}
