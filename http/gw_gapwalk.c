/* gw_gapwalk.c: the gap analysis's reads, page by page (gw_gapwalk.h). */
#include <stdlib.h>
#include <time.h>

#include "gw_gapwalk.h"
#include "pbfield.h"
#include "xmalloc.h"

#define GAPWALK_PAGE 500 /* records or measurements per call, as ismsctl */

/* Packs the List of register i (after token, if any) into r. */
static void
gapwalk_list(struct gw_req *r, size_t i, const ProtobufCBinaryData *token)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__List list = ISMS__V1__LIST__INIT;

	gw_list_fill(&req, &list, gap_reg_names[i], GAPWALK_PAGE, token);
	gw_req_repack(r, &req);
}

/* Packs the MetricValues of metric g->metric (after token) into r. */
static void
gapwalk_values(struct gw_req *r, const struct gw_gapwalk *g,
               const ProtobufCBinaryData *token)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__MetricValues mv = ISMS__V1__METRIC_VALUES__INIT;

	mv.metric = g->regs[GAP_METRIC].recs[g->metric]->id;
	mv.has_page_size = 1;
	mv.page_size = GAPWALK_PAGE;
	if (token != NULL) {
		mv.has_page_token = 1;
		mv.page_token = *token;
	}
	req.call_case = ISMS__V1__REQUEST__CALL_METRIC_VALUES;
	req.metric_values = &mv;
	gw_req_repack(r, &req);
}

int
gw_gapwalk_next(struct gw_req *r, struct gw_gapwalk *g)
{
	while (g->skip_risks && g->reg == GAP_RISK)
		g->reg++;
	if (g->reg < GAP_NREGS) {
		gapwalk_list(r, g->reg, NULL);
		return 1;
	}
	if (g->latest == NULL)
		g->latest =
		    xcalloc(g->regs[GAP_METRIC].n + 1, sizeof *g->latest);
	if (g->metric < g->regs[GAP_METRIC].n) {
		gapwalk_values(r, g, NULL);
		return 1;
	}
	return 0;
}

/* One page of register g->reg, kept: its next page, or the next read. */
static int
gapwalk_list_page(struct gw_req *r, struct gw_gapwalk *g,
                  const Isms__V1__ListResult *res)
{
	size_t i, *n = &g->regs[g->reg].n;

	g->regs[g->reg].recs = xreallocarray(
	    g->regs[g->reg].recs, *n + res->n_records + 1, sizeof(void *));
	for (i = 0; i < res->n_records; i++)
		g->regs[g->reg].recs[(*n)++] =
		    (Isms__V1__Record *)pb_dup(&res->records[i]->base);
	if (res->has_next_page_token && res->next_page_token.len > 0) {
		gapwalk_list(r, g->reg, &res->next_page_token);
		return 1;
	}
	g->reg++;
	return gw_gapwalk_next(r, g);
}

/* One page of measurements: the latest date kept; on, or the next. */
static int
gapwalk_values_page(struct gw_req *r, struct gw_gapwalk *g,
                    const Isms__V1__MetricValuesResult *res)
{
	if (res->n_measurements > 0) {
		const char *at = res->measurements[res->n_measurements - 1]->at;

		/* By date: the last of the last page is the latest. */
		free(g->latest[g->metric]);
		g->latest[g->metric] = at != NULL ? xstrdup(at) : NULL;
		if (res->has_next_page_token && res->next_page_token.len > 0) {
			gapwalk_values(r, g, &res->next_page_token);
			return 1;
		}
	}
	g->metric++;
	return gw_gapwalk_next(r, g);
}

int
gw_gapwalk_page(struct gw_req *r, struct gw_gapwalk *g,
                const Isms__V1__Reply *reply)
{
	if (g->reg < GAP_NREGS && reply->list != NULL)
		return gapwalk_list_page(r, g, reply->list);
	if (g->reg == GAP_NREGS && reply->measurements != NULL)
		return gapwalk_values_page(r, g, reply->measurements);
	return -1;
}

void
gw_gapwalk_input(const struct gw_gapwalk *g, struct gap_input *in,
                 char today[TIMEFMT_DATE_LEN])
{
	size_t i;

	*in = (struct gap_input){0};
	for (i = 0; i < GAP_NREGS; i++) {
		in->reg[i].recs = g->regs[i].recs;
		in->reg[i].n = g->regs[i].n;
	}
	in->metric_latest = (const char *const *)g->latest;
	timefmt_date_add((int64_t)time(NULL), 0, today, TIMEFMT_DATE_LEN);
	in->today = today;
}

void
gw_gapwalk_free(struct gw_gapwalk *g)
{
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
}
