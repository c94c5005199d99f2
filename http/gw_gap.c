/*
 * gw_gap.c: GET /v1/gap, the gap analysis exactly as `ismsctl gap -o
 * json` prints it. Like ismsctl, the gateway reads every live record of
 * the registers the analysis needs, page after page on the caller's
 * connection, then each metric's measurements for the date of its latest
 * (gw_gapwalk.c), and lets client/views/gap.c compute and print it.
 */
#include <stdio.h>
#include <stdlib.h>

#include <event2/buffer.h>

#include "gw_gapwalk.h"
#include "xmalloc.h"

static void
gap_walk_free(void *arg)
{
	gw_gapwalk_free(arg);
	free(arg);
}

/* Every read done: the analysis as JSON. */
static void
gap_reply(struct gw_req *r, const struct gw_gapwalk *g)
{
	struct evbuffer *buf = evbuffer_new();
	char today[TIMEFMT_DATE_LEN];
	struct gap_input in;
	struct gap gap;
	FILE *f;

	if (buf == NULL || (f = gw_evbuffer_stream(buf)) == NULL) {
		gw_reply_error(r->req, ISMS_EINTERNAL, "out of memory");
		if (buf != NULL)
			evbuffer_free(buf);
		return;
	}
	gw_gapwalk_input(g, &in, today);
	gap_build(&gap, &in);
	gap_print_json(f, &in, &gap);
	gap_free(&gap);
	fclose(f);
	gw_reply_json(r->req, 200, buf);
	evbuffer_free(buf);
}

/* Each reply of the walk. */
static int
gap_done(struct gw_req *r, const Isms__V1__Reply *reply)
{
	int rc = gw_gapwalk_page(r, r->ctx, reply);

	if (rc < 0)
		gw_reply_error(r->req, ISMS_EINTERNAL,
		               "no result in the reply");
	else if (rc == 0)
		gap_reply(r, r->ctx);
	return rc > 0;
}

void
gw_api_gap(struct gw_req *r)
{
	struct gw_gapwalk *g = xcalloc(1, sizeof *g);

	r->ctx = g;
	r->ctx_free = gap_walk_free;
	gw_gapwalk_next(r, g); /* packs the first List into r->rpc */
	gw_rpc_packed(r, gap_done);
}
