/*
 * ctl_metric.c: the metric verbs "ismsctl metric record ID value=V
 * [at=DATE] [note=TEXT]" (MetricRecord: appends a measurement; the server
 * stamps who and when) and "ismsctl metric values ID [--limit N]"
 * (MetricValues, page after page).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "timefmt.h"

#define VALUES_PAGE_MAX 500 /* measurements asked for per call */

/* The words of "metric record": value=, at=, note=. */
static const struct record_word {
	const char *name;
	size_t offset;
} record_words[] = {
    {"at", offsetof(Isms__V1__MetricRecord, at)},
    {"note", offsetof(Isms__V1__MetricRecord, note)},
};

/* Sets value= (a number) or a string word of mr. */
static int
record_word_set(Isms__V1__MetricRecord *mr, const char *w)
{
	const char *eq = strchr(w, '=');
	size_t i, n = eq != NULL ? (size_t)(eq - w) : 0;
	char *end;

	if (eq != NULL && n == 5 && strncmp(w, "value", 5) == 0) {
		errno = 0;
		mr->value = strtod(eq + 1, &end);
		if (errno != 0 || end == eq + 1 || *end != '\0')
			return ctl_error(CTL_EXIT_USAGE,
			                 "value must be a number, not '%s'",
			                 eq + 1);
		mr->has_value = 1;
		return 0;
	}
	for (i = 0;
	     eq != NULL && i < sizeof record_words / sizeof *record_words; i++)
		if (strlen(record_words[i].name) == n &&
		    strncmp(record_words[i].name, w, n) == 0) {
			*(const char **)((char *)mr + record_words[i].offset) =
			    eq + 1;
			return 0;
		}
	return ctl_error(CTL_EXIT_USAGE,
	                 "metric record takes value=NUMBER [at=YYYY-MM-DD] "
	                 "[note=TEXT]; got '%s'",
	                 w);
}

/* "metric record ID value=V [at=DATE] [note=TEXT]". */
int
ctl_metric_record_exec(struct ctl_ctx *ctx, const struct ctl_args *a)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__MetricRecord mr = ISMS__V1__METRIC_RECORD__INIT;
	const Isms__V1__Measurement *m;
	Isms__V1__Reply *reply;
	int rc, i;

	mr.metric = (char *)a->id;
	for (i = 0; i < a->nwords; i++)
		if ((rc = record_word_set(&mr, a->words[i])) != 0)
			return rc;
	if (!mr.has_value)
		return ctl_error(CTL_EXIT_USAGE,
		                 "metric record needs value=NUMBER");
	req.call_case = ISMS__V1__REQUEST__CALL_METRIC_RECORD;
	req.metric_record = &mr;
	if ((rc = ctl_call_expect(
	         ctx, &req, ISMS__V1__REPLY__RESULT_MEASUREMENT, &reply)) != 0)
		return rc;
	m = reply->measurement;
	if (ctx->format == CTL_FORMAT_TABLE)
		fprintf(ctx->out, "%s: %g at %s (seq %llu)\n", m->metric,
		        m->value, m->at, (unsigned long long)m->seq);
	else
		ctl_metric_print_values(ctx, &reply->measurement, 1);
	isms_reply_free(reply);
	return 0;
}

void
ctl_metric_print_values(struct ctl_ctx *ctx, Isms__V1__Measurement *const *v,
                        size_t n)
{
	static const char *const titles[] = {
	    "AT", "VALUE", "RECORDED_BY", "RECORDED_AT", "SEQ", "NOTE"};
	char **cells, when[TIMEFMT_INSTANT_LEN], num[40], seq[24];
	size_t i, j;

	if (ctx->format == CTL_FORMAT_JSON) {
		ctl_out_json_array(ctx->out, (const ProtobufCMessage *const *)v,
		                   n);
		return;
	}
	cells = calloc(n * 6 + 1, sizeof *cells);
	for (i = 0; i < n; i++) {
		timefmt_instant(v[i]->recorded_at, when, sizeof when);
		snprintf(num, sizeof num, "%g", v[i]->value);
		snprintf(seq, sizeof seq, "%llu",
		         (unsigned long long)v[i]->seq);
		cells[i * 6 + 0] = ctl_out_clean(v[i]->at ? v[i]->at : "", 10);
		cells[i * 6 + 1] = ctl_out_clean(num, 40);
		cells[i * 6 + 2] = ctl_out_clean(
		    v[i]->recorded_by ? v[i]->recorded_by : "", 64);
		cells[i * 6 + 3] = ctl_out_clean(when, 40);
		cells[i * 6 + 4] = ctl_out_clean(seq, 24);
		cells[i * 6 + 5] =
		    ctl_out_clean(v[i]->note ? v[i]->note : "",
		                  ctx->format == CTL_FORMAT_CSV ? 65536 : 60);
	}
	if (ctx->format == CTL_FORMAT_TABLE)
		ctl_out_table(ctx->out, titles, 6, cells, n);
	else {
		fputs("metric,at,value,recorded_by,recorded_at,seq,note\n",
		      ctx->out);
		for (i = 0; i < n; i++) {
			ctl_out_csv_cell(ctx->out, v[i]->metric);
			for (j = 0; j < 6; j++) {
				fputc(',', ctx->out);
				ctl_out_csv_cell(ctx->out, cells[i * 6 + j]);
			}
			fputc('\n', ctx->out);
		}
	}
	for (i = 0; i < n * 6; i++)
		free(cells[i]);
	free(cells);
}

/* Asks MetricValues for at most n. */
static void
values_limit(Isms__V1__Request *req, uint32_t n)
{
	req->metric_values->has_page_size = 1;
	req->metric_values->page_size = n;
}

/* The measurements of page r; points req at the next page, if any. */
static bool
values_page(Isms__V1__Request *req, const Isms__V1__Reply *r,
            const void **items, size_t *n)
{
	const Isms__V1__MetricValuesResult *res = r->measurements;

	*items = res->measurements;
	*n = res->n_measurements;
	if (!res->has_next_page_token || res->next_page_token.len == 0)
		return false;
	req->metric_values->has_page_token = 1;
	req->metric_values->page_token = res->next_page_token;
	return true;
}

static const struct ctl_paging values_paging = {
    ISMS__V1__REPLY__RESULT_MEASUREMENTS,
    VALUES_PAGE_MAX,
    values_limit,
    values_page,
};

int
ctl_metric_values_read(struct ctl_ctx *ctx, const char *id, uint64_t want,
                       struct ctl_pages *acc)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__MetricValues mv = ISMS__V1__METRIC_VALUES__INIT;

	mv.metric = (char *)id;
	req.call_case = ISMS__V1__REQUEST__CALL_METRIC_VALUES;
	req.metric_values = &mv;
	memset(acc, 0, sizeof *acc);
	return ctl_pages_read(ctx, &req, &values_paging, want, acc);
}

/* "metric values ID [--limit N]". */
int
ctl_metric_values_exec(struct ctl_ctx *ctx, const struct ctl_args *a)
{
	struct ctl_pages acc;
	int rc;

	rc = ctl_metric_values_read(
	    ctx, a->id, a->opt.has_limit ? a->opt.limit : UINT64_MAX, &acc);
	if (rc == 0)
		ctl_metric_print_values(ctx, acc.items, acc.n);
	ctl_pages_free(&acc);
	return rc;
}
