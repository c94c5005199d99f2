/*
 * gw_hook_http.c: the webhook routes. The body becomes Ingest requests
 * (gw_hooks.c), sent one after another on the caller's connection; the
 * reply lists what became of each, in the payload's order. A refused
 * Ingest does not stop the others: the reply then carries the first
 * refusal's code and HTTP status, and says which ones failed. A call that
 * gets no answer (ismsd gone: UNAVAILABLE; or hung: DEADLINE_EXCEEDED)
 * stops the payload there: the alerts after it are not sent, each says
 * so, and the reply has that code and status (503, 504), so that a sender
 * retries the payload (a retried alert is a repeat, deduplicated).
 */
#include <stdio.h>
#include <stdlib.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "gw_hooks.h"
#include "gw_req.h"
#include "output.h"
#include "xmalloc.h"

/* One webhook request on its way. */
struct hook_run {
	struct gw_hook_batch batch;
	size_t next;   /* the Ingest out now */
	size_t failed; /* refused so far */
	int code;      /* the first refusal's code, or the stop's */
	size_t unsent; /* not sent after a stop */
	char *text;    /* the results so far, a JSON array's members */
	size_t len;
	FILE *out;
};

static void
hook_run_free(void *arg)
{
	struct hook_run *h = arg;

	if (h->out != NULL)
		fclose(h->out);
	free(h->text);
	gw_hook_batch_free(&h->batch);
	free(h);
}

/* Sets the request's call to Ingest number i. */
static void
hook_request(const struct hook_run *h, Isms__V1__Request *req)
{
	isms__v1__request__init(req);
	req->call_case = ISMS__V1__REQUEST__CALL_INGEST;
	req->ingest = h->batch.v[h->next];
}

/* Appends the result of the Ingest out now. */
static void
hook_result(struct hook_run *h, const Isms__V1__Reply *reply)
{
	const Isms__V1__Ingest *in = h->batch.v[h->next];
	const Isms__V1__IngestResult *res = reply->ingest;
	int code = reply->status != NULL ? (int)reply->status->code : 0;

	fprintf(h->out, "%s\n    {\"index\": %zu, \"external_id\": ",
	        h->next > 0 ? "," : "", h->next);
	ctl_out_json_string(h->out, in->external_id);
	if (code == 0 && res != NULL && res->record != NULL) {
		fputs(", \"id\": ", h->out);
		ctl_out_json_string(h->out, res->record->id);
		fprintf(h->out,
		        ", \"rev\": %llu, \"created\": %s, "
		        "\"repeat_count\": %u}",
		        (unsigned long long)res->record->rev,
		        res->created ? "true" : "false", res->repeat_count);
		return;
	}
	if (code == 0)
		code = ISMS_EINTERNAL;
	if (h->failed++ == 0)
		h->code = code;
	fputs(", \"error\": {\"code\": ", h->out);
	ctl_out_json_string(h->out, isms_code_name(code));
	fputs(", \"message\": ", h->out);
	ctl_out_json_string(h->out, reply->status != NULL &&
	                                    reply->status->message != NULL
	                                ? reply->status->message
	                                : "no result in the reply");
	fputs("}}", h->out);
}

/* Whether code says the connection to ismsd failed (no answer came). */
static bool
hook_stops(int code)
{
	return code == ISMS_EUNAVAIL || code == ISMS_ETIMEDOUT;
}

/* After a stop at the Ingest out now: the rest, each "not sent". */
static void
hook_unsent(struct hook_run *h)
{
	size_t stop = h->next;

	for (h->next++; h->next < h->batch.n; h->next++) {
		fprintf(h->out,
		        ",\n    {\"index\": %zu, \"external_id\": ", h->next);
		ctl_out_json_string(h->out, h->batch.v[h->next]->external_id);
		fprintf(h->out,
		        ", \"error\": {\"code\": \"%s\", \"message\": "
		        "\"not sent: the call of alert %zu failed\"}}",
		        isms_code_name(h->code), stop);
		h->unsent++;
	}
}

/* The reply: {"results": [...]}, with "code" and "message" (and the
 * first refusal's HTTP status) when one failed. */
static void
hook_reply(struct gw_req *r, struct hook_run *h)
{
	struct evbuffer *buf = evbuffer_new();
	char msg[160];

	fclose(h->out);
	h->out = NULL;
	evbuffer_add_printf(buf, "{");
	if (h->unsent > 0)
		snprintf(msg, sizeof msg,
		         "%zu of %zu ingested; %zu failed, %zu not sent",
		         h->batch.n - h->failed - h->unsent, h->batch.n,
		         h->failed, h->unsent);
	else
		snprintf(msg, sizeof msg, "%zu of %zu failed", h->failed,
		         h->batch.n);
	if (h->failed > 0) {
		evbuffer_add_printf(buf,
		                    "\"code\": \"%s\", \"message\": \"%s\", ",
		                    isms_code_name(h->code), msg);
	}
	evbuffer_add_printf(buf, "\"results\": [");
	evbuffer_add(buf, h->text, h->len);
	evbuffer_add_printf(buf, "\n]}\n");
	gw_reply_json(r->req, h->failed > 0 ? gw_http_status(h->code) : 200,
	              buf);
	evbuffer_free(buf);
}

/* Each Ingest's reply: record it, then send the next or reply. */
static int
hook_done(struct gw_req *r, const Isms__V1__Reply *reply)
{
	struct hook_run *h = r->ctx;
	Isms__V1__Request req;
	int code = reply->status != NULL ? (int)reply->status->code : 0;

	/* Who may not ingest at all is told so, as on every route. */
	if (h->next == 0 && (code == ISMS_EPERM || code == ISMS_EUNAUTH)) {
		gw_reply_error(r->req, code, "%s", reply->status->message);
		return 0;
	}
	hook_result(h, reply);
	if (hook_stops(code)) {
		h->code = code; /* what the sender must retry for */
		hook_unsent(h);
		hook_reply(r, h);
		return 0;
	}
	if (++h->next < h->batch.n) {
		hook_request(h, &req);
		gw_req_repack(r, &req);
		return 1;
	}
	hook_reply(r, h);
	return 0;
}

/* Parses the body of kind and sends its first Ingest. */
static void
hook_serve(struct gw_req *r, enum gw_hook kind)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(r->req);
	size_t len = evbuffer_get_length(in);
	const char *body = (const char *)evbuffer_pullup(in, -1);
	struct hook_run *h = xcalloc(1, sizeof *h);
	struct isms_err err = {0};
	Isms__V1__Request req;

	r->ctx = h;
	r->ctx_free = hook_run_free;
	if (gw_hook_parse(kind, body != NULL ? body : "", len, &h->batch,
	                  &err) != 0) {
		gw_reply_error(r->req, err.code, "%s", err.msg);
		gw_req_free(r);
		return;
	}
	if ((h->out = open_memstream(&h->text, &h->len)) == NULL) {
		gw_reply_error(r->req, ISMS_EINTERNAL, "out of memory");
		gw_req_free(r);
		return;
	}
	r->all_replies = true;
	hook_request(h, &req);
	gw_rpc(r, &req, hook_done);
}

void
gw_hook_alertmanager(struct gw_req *r)
{
	hook_serve(r, GW_HOOK_ALERTMANAGER);
}

void
gw_hook_ocsf(struct gw_req *r)
{
	hook_serve(r, GW_HOOK_OCSF);
}

void
gw_hook_incident(struct gw_req *r)
{
	hook_serve(r, GW_HOOK_INCIDENT);
}
