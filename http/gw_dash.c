/*
 * gw_dash.c: GET /v1/dashboard, the figures of the web interface's
 * dashboard in one object: the inherent and residual risk heat maps on
 * the method's scale, risks by status, SoA progress per Annex A theme,
 * the gap per clause, due and overdue items per owner, open incidents
 * and nonconformities (live, in a state their register does not call
 * settled), and the journal head.
 *
 * Everything is read page by page on the caller's connection, each page
 * handled in the turn of the loop its reply arrives in: MethodGet (the
 * scale), Describe of the registers counted open, the risks (counted,
 * not kept), the registers the gap analysis reads except the risks
 * (kept: the analysis needs them together), each metric's latest
 * measurement, Due, Info (the journal head). The clause lines of the
 * gap count requirements, whose derived status comes from scopes,
 * metrics, audits, reviews and nonconformities, never risks: so the
 * risks are left out of the analysis's input and 10,000 risks cost
 * counting, not memory. SoA and gap numbers are client/views' own.
 *
 * The walk starts with Info, as the caller: the journal head then. The
 * answer of a walk during which the head did not move is kept, and the
 * next caller whose Info finds the same head, within DASH_TTL seconds,
 * gets it without the walk. Every reader sees the same figures (the
 * calls need the viewer role, and no role sees less of a register), so
 * one answer serves all; the TTL bounds how late due and overdue counts
 * follow the date, which moves with no journal entry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>

#include "gw_gapwalk.h"
#include "gw_ui.h"
#include "output.h"
#include "pbfield.h"
#include "soa.h"
#include "timefmt.h"
#include "xmalloc.h"

#define DASH_PAGE   1000 /* records a List page: the most ismsd gives */
#define DASH_WITHIN 30   /* due: items due in the next 30 days, or late */
#define DASH_SCALE  5    /* a scale the method does not label */
#define DASH_MAXSC  100  /* largest scale shown */
#define DASH_TTL    60   /* seconds a kept answer is served */

/* The last answer of a walk the journal did not move under. */
static struct {
	uint64_t head;
	time_t made; /* CLOCK_MONOTONIC seconds; 0: none */
	struct evbuffer *body;
} dash_kept;

/* The registers whose unsettled records are counted open. */
static const char *const dash_open_regs[] = {"incident", "nonconformity"};
#define DASH_NOPEN (sizeof dash_open_regs / sizeof dash_open_regs[0])

/* Due items of one owner. */
struct dash_owner {
	char *owner;
	size_t due, overdue;
};

struct dash {
	enum {
		D_HEAD,
		D_METHOD,
		D_DESCRIBE,
		D_RISKS,
		D_GAP,
		D_DUE,
		D_INFO
	} step;
	unsigned lmax, imax;
	size_t *inherent, *residual; /* lmax * imax, row l-1, column i-1 */
	size_t *by_status;           /* per value of RiskStatus, in order */
	size_t open_i;               /* D_DESCRIBE: the register described */
	char **settled[DASH_NOPEN];  /* its settled states, NULL-ended */
	struct gw_gapwalk gap;       /* D_GAP: the gap analysis's reads */
	struct dash_owner *owners;
	size_t nowners;
	uint64_t head0; /* the journal head when the walk began */
};

static void
dash_free(void *arg)
{
	struct dash *d = arg;
	size_t i, j;

	gw_gapwalk_free(&d->gap);
	for (i = 0; i < DASH_NOPEN; i++) {
		for (j = 0; d->settled[i] != NULL && d->settled[i][j]; j++)
			free(d->settled[i][j]);
		free(d->settled[i]);
	}
	for (i = 0; i < d->nowners; i++)
		free(d->owners[i].owner);
	free(d->owners);
	free(d->inherent);
	free(d->residual);
	free(d->by_status);
	free(d);
}

/* Packs a List of reg after token (NULL: the first page). */
static void
dash_list(struct gw_req *r, const char *reg, const ProtobufCBinaryData *token)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__List list = ISMS__V1__LIST__INIT;

	gw_list_fill(&req, &list, reg, DASH_PAGE, token);
	gw_req_repack(r, &req);
}

/* Packs the Describe of open register i. */
static void
dash_describe(struct gw_req *r, size_t i)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Describe ds = ISMS__V1__DESCRIBE__INIT;

	ds.register_ = (char *)dash_open_regs[i];
	req.call_case = ISMS__V1__REQUEST__CALL_DESCRIBE;
	req.describe = &ds;
	gw_req_repack(r, &req);
}

/* Packs the MethodGet: the scale. */
static void
dash_method_get(struct gw_req *r)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__MethodGet mg = ISMS__V1__METHOD_GET__INIT;

	req.call_case = ISMS__V1__REQUEST__CALL_METHOD_GET;
	req.method_get = &mg;
	gw_req_repack(r, &req);
}

/* Packs a call with no arguments: Due (within 30 days) or Info. */
static void
dash_simple(struct gw_req *r, bool due)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Due du = ISMS__V1__DUE__INIT;
	Isms__V1__Info info = ISMS__V1__INFO__INIT;

	if (due) {
		du.has_within_days = 1;
		du.within_days = DASH_WITHIN;
		req.call_case = ISMS__V1__REQUEST__CALL_DUE;
		req.due = &du;
	} else {
		req.call_case = ISMS__V1__REQUEST__CALL_INFO;
		req.info = &info;
	}
	gw_req_repack(r, &req);
}

/* The scale, from the method's labels. */
static void
dash_method(struct dash *d, const Isms__V1__RiskMethod *m)
{
	size_t nl = m != NULL ? m->n_likelihood_labels : 0;
	size_t ni = m != NULL ? m->n_impact_labels : 0;

	d->lmax = nl > 0 && nl <= DASH_MAXSC ? (unsigned)nl : DASH_SCALE;
	d->imax = ni > 0 && ni <= DASH_MAXSC ? (unsigned)ni : DASH_SCALE;
	d->inherent = xcalloc((size_t)d->lmax * d->imax, sizeof(size_t));
	d->residual = xcalloc((size_t)d->lmax * d->imax, sizeof(size_t));
	d->by_status = xcalloc(isms__v1__risk_status__descriptor.n_values + 1,
	                       sizeof(size_t));
}

/* Keeps the settled states of open register i. */
static void
dash_described(struct dash *d, const Isms__V1__RegisterInfo *ri)
{
	size_t i, n = 0;

	d->settled[d->open_i] = xcalloc(ri->n_states + 1, sizeof(char *));
	for (i = 0; i < ri->n_states; i++)
		if (ri->states[i]->settled && ri->states[i]->status != NULL)
			d->settled[d->open_i][n++] =
			    xstrdup(ri->states[i]->status);
}

/* Adds 1 to the cell (l, i) of map when both are on the scale. */
static void
dash_cell(struct dash *d, size_t *map, bool has_l, uint32_t l, bool has_i,
          uint32_t i)
{
	if (has_l && has_i && l >= 1 && l <= d->lmax && i >= 1 && i <= d->imax)
		map[(size_t)(l - 1) * d->imax + (i - 1)]++;
}

/* Counts a page of risks. */
static void
dash_risks(struct dash *d, const Isms__V1__ListResult *res)
{
	const ProtobufCEnumDescriptor *ed = &isms__v1__risk_status__descriptor;
	const ProtobufCEnumValue *v;
	const Isms__V1__Risk *k;
	size_t i;

	for (i = 0; i < res->n_records; i++) {
		if ((k = res->records[i]->risk) == NULL)
			continue;
		dash_cell(d, d->inherent, k->has_likelihood, k->likelihood,
		          k->has_impact, k->impact);
		dash_cell(d, d->residual, k->has_residual_likelihood,
		          k->residual_likelihood, k->has_residual_impact,
		          k->residual_impact);
		if (k->has_status && (v = protobuf_c_enum_descriptor_get_value(
		                          ed, (int)k->status)) != NULL)
			d->by_status[v - ed->values]++;
	}
}

/* Counts the due items per owner, by owner name. */
static void
dash_due(struct dash *d, const Isms__V1__DueResult *due)
{
	const char *o;
	size_t i, k;

	for (i = 0; i < due->n_items; i++) {
		o = due->items[i]->owner != NULL ? due->items[i]->owner : "";
		for (k = 0; k < d->nowners; k++)
			if (strcmp(d->owners[k].owner, o) >= 0)
				break;
		if (k == d->nowners || strcmp(d->owners[k].owner, o) != 0) {
			d->owners = xreallocarray(d->owners, d->nowners + 1,
			                          sizeof *d->owners);
			memmove(&d->owners[k + 1], &d->owners[k],
			        (d->nowners - k) * sizeof *d->owners);
			memset(&d->owners[k], 0, sizeof *d->owners);
			d->owners[k].owner = xstrdup(o);
			d->nowners++;
		}
		if (due->items[i]->overdue)
			d->owners[k].overdue++;
		else
			d->owners[k].due++;
	}
}

static void dash_print(FILE *f, struct dash *d, uint64_t journal_seq);

static time_t
dash_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + 1; /* never 0 */
}

/* Serves the kept answer if it is of journal head head and fresh. */
static bool
dash_serve_kept(struct gw_req *r, uint64_t head)
{
	struct evbuffer *buf;

	if (dash_kept.body == NULL || dash_kept.head != head ||
	    dash_clock() - dash_kept.made >= DASH_TTL)
		return false;
	buf = evbuffer_new();
	evbuffer_add(buf, evbuffer_pullup(dash_kept.body, -1),
	             evbuffer_get_length(dash_kept.body));
	gw_reply_json(r->req, 200, buf);
	evbuffer_free(buf);
	return true;
}

/* The answer; kept when the journal did not move during the walk. */
static void
dash_reply(struct gw_req *r, struct dash *d, uint64_t journal_seq)
{
	struct evbuffer *buf = evbuffer_new();
	FILE *f = gw_evbuffer_stream(buf);

	if (f == NULL) {
		gw_ui_reply_stream(r, buf, f);
		return;
	}
	dash_print(f, d, journal_seq);
	fclose(f);
	if (journal_seq == d->head0) {
		if (dash_kept.body == NULL)
			dash_kept.body = evbuffer_new();
		evbuffer_drain(dash_kept.body,
		               evbuffer_get_length(dash_kept.body));
		evbuffer_add(dash_kept.body, evbuffer_pullup(buf, -1),
		             evbuffer_get_length(buf));
		dash_kept.head = journal_seq;
		dash_kept.made = dash_clock();
	}
	gw_reply_json(r->req, 200, buf);
	evbuffer_free(buf);
}

/* Whether reply holds what step waits for. */
static bool
dash_expected(const struct dash *d, const Isms__V1__Reply *reply)
{
	switch (d->step) {
	case D_HEAD:
	case D_INFO:
		return reply->info != NULL;
	case D_METHOD:
		return reply->method != NULL;
	case D_DESCRIBE:
		return reply->register_info != NULL;
	case D_RISKS:
		return reply->list != NULL;
	case D_GAP:
		return reply->list != NULL || reply->measurements != NULL;
	case D_DUE:
		return reply->due != NULL;
	}
	return false;
}

/* After a step of the gap's walk (rc as gw_gapwalk_page's): on with
 * it, or, when it has read all, the Due. */
static int
dash_next_gap(struct gw_req *r, struct dash *d, int rc)
{
	if (rc < 0) {
		gw_reply_error(r->req, ISMS_EINTERNAL,
		               "no result in the reply");
		return 0;
	}
	if (rc == 0) {
		d->step = D_DUE;
		dash_simple(r, true);
	}
	return 1;
}

/* Each reply of the walk. */
static int
dash_done(struct gw_req *r, const Isms__V1__Reply *reply)
{
	struct dash *d = r->ctx;
	const Isms__V1__ListResult *res = reply->list;

	if (!dash_expected(d, reply)) {
		gw_reply_error(r->req, ISMS_EINTERNAL,
		               "no result in the reply");
		return 0;
	}
	switch (d->step) {
	case D_HEAD:
		d->head0 = reply->info->journal_head;
		if (dash_serve_kept(r, d->head0))
			return 0;
		d->step = D_METHOD;
		dash_method_get(r);
		return 1;
	case D_METHOD:
		dash_method(d, reply->method);
		d->step = D_DESCRIBE;
		dash_describe(r, d->open_i);
		return 1;
	case D_DESCRIBE:
		dash_described(d, reply->register_info);
		if (++d->open_i < DASH_NOPEN) {
			dash_describe(r, d->open_i);
			return 1;
		}
		d->step = D_RISKS;
		dash_list(r, "risk", NULL);
		return 1;
	case D_RISKS:
		dash_risks(d, res);
		if (res->has_next_page_token && res->next_page_token.len > 0) {
			dash_list(r, "risk", &res->next_page_token);
			return 1;
		}
		d->gap.skip_risks = true;
		d->step = D_GAP;
		return dash_next_gap(r, d, gw_gapwalk_next(r, &d->gap));
	case D_GAP:
		return dash_next_gap(r, d, gw_gapwalk_page(r, &d->gap, reply));
	case D_DUE:
		dash_due(d, reply->due);
		d->step = D_INFO;
		dash_simple(r, false);
		return 1;
	case D_INFO:
		dash_reply(r, d, reply->info->journal_head);
		return 0;
	}
	return 0;
}

void
gw_ui_dashboard(struct gw_req *r)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Info info = ISMS__V1__INFO__INIT;

	r->ctx = xcalloc(1, sizeof(struct dash));
	r->ctx_free = dash_free;
	req.call_case = ISMS__V1__REQUEST__CALL_INFO;
	req.info = &info;
	gw_rpc(r, &req, dash_done);
}

/* ---- printing ------------------------------------------------------ */

/* A heat map: one array per likelihood, one count per impact. */
static void
print_map(FILE *f, const struct dash *d, const size_t *map)
{
	unsigned l, i;

	fputc('[', f);
	for (l = 0; l < d->lmax; l++) {
		fputs(l > 0 ? ", [" : "[", f);
		for (i = 0; i < d->imax; i++)
			fprintf(f, "%s%zu", i > 0 ? ", " : "",
			        map[(size_t)l * d->imax + i]);
		fputc(']', f);
	}
	fputc(']', f);
}

/* Risks by status: the statuses some risk is in, in the enum's order. */
static void
print_statuses(FILE *f, const struct dash *d)
{
	const ProtobufCEnumDescriptor *ed = &isms__v1__risk_status__descriptor;
	char name[64];
	bool first = true;
	unsigned i;

	fputc('{', f);
	for (i = 0; i < ed->n_values; i++) {
		if (d->by_status[i] == 0 ||
		    pb_enum_name(ed, ed->values[i].value, name, sizeof name) ==
		        NULL)
			continue;
		fputs(first ? "" : ", ", f);
		ctl_out_json_string(f, name);
		fprintf(f, ": %zu", d->by_status[i]);
		first = false;
	}
	fputc('}', f);
}

/* One theme of the SoA: rows [from, to) of one group. */
static void
print_theme(FILE *f, const struct soa *s, size_t from, size_t to)
{
	const struct soa_row *r = &s->rows[from];
	size_t n[4] = {0}, i; /* applicable, implemented, excluded, undecided */
	const char *title = r->theme, *sp = strchr(r->theme, ' ');
	char key[16];

	if (r->group == SOA_OWN_GROUP)
		snprintf(key, sizeof key, "own");
	else {
		snprintf(key, sizeof key, "A.%d", r->group);
		if (sp != NULL)
			title = sp + 1;
	}
	for (i = from; i < to; i++) {
		r = &s->rows[i];
		n[0] += r->applicable == SOA_YES;
		n[1] +=
		    r->applicable == SOA_YES &&
		    r->status ==
		        ISMS__V1__CONTROL_STATUS__CONTROL_STATUS_IMPLEMENTED;
		n[2] += r->applicable == SOA_NO;
		n[3] += r->applicable == SOA_UNDECIDED;
	}
	fputs("{\"theme\": ", f);
	ctl_out_json_string(f, key);
	fputs(", \"title\": ", f);
	ctl_out_json_string(f, title);
	fprintf(f,
	        ", \"total\": %zu, \"applicable\": %zu, \"implemented\": %zu, "
	        "\"excluded\": %zu, \"undecided\": %zu}",
	        to - from, n[0], n[1], n[2], n[3]);
}

/* The SoA per theme, from the controls the gap read. */
static void
print_soa(FILE *f, const struct dash *d)
{
	struct soa s;
	size_t i, from = 0;

	soa_build(&s, d->gap.regs[GAP_CONTROL].recs,
	          d->gap.regs[GAP_CONTROL].n);
	fputc('[', f);
	for (i = 1; i <= s.n; i++) {
		if (i < s.n && s.rows[i].group == s.rows[from].group)
			continue;
		fputs(from > 0 ? ",\n  " : "\n  ", f);
		print_theme(f, &s, from, i);
		from = i;
	}
	fputc(']', f);
	soa_free(&s);
}

/* The gap per clause (4 to 10; the themes are the SoA's). */
static void
print_gap(FILE *f, const struct dash *d)
{
	struct gap_input in;
	char today[TIMEFMT_DATE_LEN];
	struct gap g;
	bool first = true;
	size_t i;

	gw_gapwalk_input(&d->gap, &in, today);
	gap_build(&g, &in);
	fputc('[', f);
	for (i = 0; i < g.nsum; i++) {
		if (strncmp(g.sum[i].key, "A.", 2) == 0 ||
		    strcmp(g.sum[i].key, "own") == 0)
			continue;
		fputs(first ? "\n  {\"clause\": " : ",\n  {\"clause\": ", f);
		ctl_out_json_string(f, g.sum[i].key);
		fputs(", \"title\": ", f);
		ctl_out_json_string(f, g.sum[i].title);
		fprintf(f,
		        ", \"met\": %zu, \"partial\": %zu, \"not_met\": %zu, "
		        "\"total\": %zu}",
		        g.sum[i].met, g.sum[i].partial, g.sum[i].not_met,
		        g.sum[i].met + g.sum[i].partial + g.sum[i].not_met);
		first = false;
	}
	fputc(']', f);
	gap_free(&g);
}

/* Whether status is one of open register i's settled states. */
static bool
dash_settled(const struct dash *d, size_t i, const char *status)
{
	size_t k;

	for (k = 0; d->settled[i] != NULL && d->settled[i][k] != NULL; k++)
		if (strcmp(d->settled[i][k], status) == 0)
			return true;
	return false;
}

/* The open records of each open register (all are gap registers). */
static void
print_open(FILE *f, const struct dash *d)
{
	char st[64];
	size_t i, g, k, n;

	fputc('{', f);
	for (i = 0; i < DASH_NOPEN; i++) {
		for (g = 0; g < GAP_NREGS; g++)
			if (strcmp(gap_reg_names[g], dash_open_regs[i]) == 0)
				break;
		for (n = k = 0; g < GAP_NREGS && k < d->gap.regs[g].n; k++)
			n += !dash_settled(d, i,
			                   gw_ui_status(d->gap.regs[g].recs[k],
			                                st, sizeof st));
		fputs(i > 0 ? ", " : "", f);
		ctl_out_json_string(f, dash_open_regs[i]);
		fprintf(f, ": %zu", n);
	}
	fputc('}', f);
}

/* The dashboard as JSON. */
static void
dash_print(FILE *f, struct dash *d, uint64_t journal_seq)
{
	size_t i;

	fprintf(f,
	        "{\"heatmap\": {\"likelihood_max\": %u, \"impact_max\": %u,\n"
	        "  \"inherent\": ",
	        d->lmax, d->imax);
	print_map(f, d, d->inherent);
	fputs(",\n  \"residual\": ", f);
	print_map(f, d, d->residual);
	fputs("},\n\"risks_by_status\": ", f);
	print_statuses(f, d);
	fputs(",\n\"soa\": ", f);
	print_soa(f, d);
	fputs(",\n\"gap\": ", f);
	print_gap(f, d);
	fputs(",\n\"due\": [", f);
	for (i = 0; i < d->nowners; i++) {
		fputs(i > 0 ? ", {\"owner\": " : "{\"owner\": ", f);
		ctl_out_json_string(f, d->owners[i].owner);
		fprintf(f, ", \"due\": %zu, \"overdue\": %zu}",
		        d->owners[i].due, d->owners[i].overdue);
	}
	fputs("],\n\"open\": ", f);
	print_open(f, d);
	fprintf(f, ",\n\"journal_seq\": %llu}\n",
	        (unsigned long long)journal_seq);
}
