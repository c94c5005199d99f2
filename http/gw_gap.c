/*
 * gw_gap.c: GET /v1/gap, the gap analysis exactly as `ismsctl gap -o
 * json` prints it. Like ismsctl, the gateway reads every live record of
 * the registers the analysis needs (gap_reg_names), page after page on
 * the caller's connection, then each metric's measurements for the date
 * of its latest, and lets client/views/gap.c compute and print it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>

#include "gap.h"
#include "gw_req.h"
#include "pbfield.h"
#include "timefmt.h"
#include "xmalloc.h"

#define GAP_PAGE 500 /* records or measurements per call, as ismsctl */

/* What the reads gathered so far. */
struct gap_run {
	size_t reg;    /* the register being listed; GAP_NREGS: then metrics */
	size_t metric; /* the metric whose measurements are being read */
	struct {
		Isms__V1__Record **recs; /* copies, owned */
		size_t n;
	} regs[GAP_NREGS];
	char **latest; /* per metric: its latest measurement's date, or NULL */
};

static void
gap_run_free(void *arg)
{
	struct gap_run *g = arg;
	size_t i, j;

	for (i = 0; i < GAP_NREGS; i++) {
		for (j = 0; j < g->regs[i].n; j++)
			protobuf_c_message_free_unpacked(
			    &g->regs[i].recs[j]->base, NULL);
		free(g->regs[i].recs);
	}
	for (j = 0; g->latest != NULL && j < g->regs[GAP_METRIC].n; j++)
		free(g->latest[j]);
	free(g->latest);
	free(g);
}

/* Packs the List of register i (after token, if any) into r. */
static void
gap_list_request(struct gw_req *r, size_t i, const ProtobufCBinaryData *token)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__List list = ISMS__V1__LIST__INIT;

	gw_list_fill(&req, &list, gap_reg_names[i], GAP_PAGE, token);
	gw_req_repack(r, &req);
}

/* Packs the MetricValues of metric m (after token, if any) into r. */
static void
gap_values_request(struct gw_req *r, const struct gap_run *g, size_t m,
                   const ProtobufCBinaryData *token)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__MetricValues mv = ISMS__V1__METRIC_VALUES__INIT;

	mv.metric = g->regs[GAP_METRIC].recs[m]->id;
	mv.has_page_size = 1;
	mv.page_size = GAP_PAGE;
	if (token != NULL) {
		mv.has_page_token = 1;
		mv.page_token = *token;
	}
	req.call_case = ISMS__V1__REQUEST__CALL_METRIC_VALUES;
	req.metric_values = &mv;
	gw_req_repack(r, &req);
}

/* Every read done: the analysis as JSON. */
static void
gap_reply(struct gw_req *r, struct gap_run *g)
{
	struct evbuffer *buf = evbuffer_new();
	struct gap_input in = {0};
	char today[TIMEFMT_DATE_LEN];
	struct gap gap;
	FILE *f;
	size_t i;

	if (buf == NULL || (f = gw_evbuffer_stream(buf)) == NULL) {
		gw_reply_error(r->req, ISMS_EINTERNAL, "out of memory");
		if (buf != NULL)
			evbuffer_free(buf);
		return;
	}
	for (i = 0; i < GAP_NREGS; i++) {
		in.reg[i].recs = g->regs[i].recs;
		in.reg[i].n = g->regs[i].n;
	}
	in.metric_latest = (const char *const *)g->latest;
	timefmt_date_add((int64_t)time(NULL), 0, today, sizeof today);
	in.today = today;
	gap_build(&gap, &in);
	gap_print_json(f, &in, &gap);
	gap_free(&gap);
	fclose(f);
	gw_reply_json(r->req, 200, buf);
	evbuffer_free(buf);
}

/* The next metric to read, or the answer when none is left. */
static int
gap_next_metric(struct gw_req *r, struct gap_run *g)
{
	if (g->metric < g->regs[GAP_METRIC].n) {
		gap_values_request(r, g, g->metric, NULL);
		return 1;
	}
	gap_reply(r, g);
	return 0;
}

/* One page of measurements: the latest date kept; on, or the next. */
static int
gap_values_page(struct gw_req *r, struct gap_run *g,
                const Isms__V1__MetricValuesResult *res)
{
	if (res->n_measurements > 0) {
		const char *at = res->measurements[res->n_measurements - 1]->at;

		/* By date: the last of the last page is the latest. */
		free(g->latest[g->metric]);
		g->latest[g->metric] = at != NULL ? xstrdup(at) : NULL;
		if (res->has_next_page_token && res->next_page_token.len > 0) {
			gap_values_request(r, g, g->metric,
			                   &res->next_page_token);
			return 1;
		}
	}
	g->metric++;
	return gap_next_metric(r, g);
}

/* One page of register g->reg: kept; its next page, the next register,
 * or the metrics. */
static int
gap_list_page(struct gw_req *r, struct gap_run *g,
              const Isms__V1__ListResult *res)
{
	size_t i, *n = &g->regs[g->reg].n;

	g->regs[g->reg].recs = xreallocarray(
	    g->regs[g->reg].recs, *n + res->n_records + 1, sizeof(void *));
	for (i = 0; i < res->n_records; i++)
		g->regs[g->reg].recs[(*n)++] =
		    (Isms__V1__Record *)pb_dup(&res->records[i]->base);
	if (res->has_next_page_token && res->next_page_token.len > 0) {
		gap_list_request(r, g->reg, &res->next_page_token);
		return 1;
	}
	if (++g->reg < GAP_NREGS) {
		gap_list_request(r, g->reg, NULL);
		return 1;
	}
	g->latest = xcalloc(g->regs[GAP_METRIC].n + 1, sizeof *g->latest);
	return gap_next_metric(r, g);
}

/* Each reply of the walk. */
static int
gap_done(struct gw_req *r, const Isms__V1__Reply *reply)
{
	struct gap_run *g = r->ctx;

	if (g->reg < GAP_NREGS && reply->list != NULL)
		return gap_list_page(r, g, reply->list);
	if (g->reg == GAP_NREGS && reply->measurements != NULL)
		return gap_values_page(r, g, reply->measurements);
	gw_reply_error(r->req, ISMS_EINTERNAL, "no result in the reply");
	return 0;
}

void
gw_api_gap(struct gw_req *r)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__List list = ISMS__V1__LIST__INIT;

	r->ctx = xcalloc(1, sizeof(struct gap_run));
	r->ctx_free = gap_run_free;
	gw_list_fill(&req, &list, gap_reg_names[0], GAP_PAGE, NULL);
	gw_rpc(r, &req, gap_done);
}
