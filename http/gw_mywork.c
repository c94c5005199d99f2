/*
 * gw_mywork.c: GET /v1/mywork, what the caller has to do: their items
 * due within 30 days (or overdue), and their live records waiting for
 * their sign-off. Which states wait for one comes from each register's
 * Describe: a state from which a move enters a state that the
 * register's sign-off verb enters (StateInfo.moves_to, signed_by).
 *
 * The walk, every step one RPC on the caller's connection: Hello (who
 * the caller is), Describe of each register, List of each waiting state
 * (owner = the caller, page by page), Due; then the answer
 * {"user": ..., "due": [...], "signoffs": [{"register", "verb",
 * "record"}]}.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "fieldargs.h"
#include "gw_ui.h"
#include "output.h"
#include "pbfield.h"
#include "xmalloc.h"

#define MYWORK_PAGE   200 /* records a List page */
#define MYWORK_WITHIN 30  /* days ahead of today for due items */

/* A state whose records wait for a sign-off. */
struct mw_wait {
	const char *reg; /* borrowed from the descriptors */
	char *verb, *status;
};

/* A record waiting, and the verb it waits for. */
struct mw_item {
	const char *reg;
	const char *verb; /* borrowed from its mw_wait */
	Isms__V1__Record *rec;
};

struct mywork {
	enum { MW_HELLO, MW_DESCRIBE, MW_LIST, MW_DUE } step;
	char *user;
	size_t reg;  /* MW_DESCRIBE: the register described */
	size_t wait; /* MW_LIST: the state listed */
	struct mw_wait *waits;
	size_t nwaits;
	struct mw_item *items;
	size_t nitems;
};

static void
mywork_free(void *arg)
{
	struct mywork *w = arg;
	size_t i;

	for (i = 0; i < w->nwaits; i++) {
		free(w->waits[i].verb);
		free(w->waits[i].status);
	}
	for (i = 0; i < w->nitems; i++)
		protobuf_c_message_free_unpacked(&w->items[i].rec->base, NULL);
	free(w->waits);
	free(w->items);
	free(w->user);
	free(w);
}

/* Packs the Describe of register i. */
static void
mw_describe(struct gw_req *r, size_t i)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Describe d = ISMS__V1__DESCRIBE__INIT;

	d.register_ = (char *)ctl_register_nth(i)->name;
	req.call_case = ISMS__V1__REQUEST__CALL_DESCRIBE;
	req.describe = &d;
	gw_req_repack(r, &req);
}

/* Packs the List of waiting state i, after token (NULL: first page). */
static void
mw_list(struct gw_req *r, struct mywork *w, const ProtobufCBinaryData *token)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__List list = ISMS__V1__LIST__INIT;

	gw_list_fill(&req, &list, w->waits[w->wait].reg, MYWORK_PAGE, token);
	list.owner = w->user;
	list.status = w->waits[w->wait].status;
	gw_req_repack(r, &req);
}

/* Packs the Due of the caller. */
static void
mw_due(struct gw_req *r, struct mywork *w)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Due due = ISMS__V1__DUE__INIT;

	due.owner = w->user;
	due.has_within_days = 1;
	due.within_days = MYWORK_WITHIN;
	req.call_case = ISMS__V1__REQUEST__CALL_DUE;
	req.due = &due;
	gw_req_repack(r, &req);
}

/* Whether a move from state s enters a state the verb enters. */
static bool
mw_waits(const Isms__V1__RegisterInfo *ri, const Isms__V1__StateInfo *s)
{
	size_t i, k;

	for (i = 0; i < s->n_moves_to; i++)
		for (k = 0; k < ri->n_states; k++)
			if (ri->states[k]->status != NULL &&
			    strcmp(ri->states[k]->status, s->moves_to[i]) ==
			        0 &&
			    ri->states[k]->signed_by != NULL &&
			    strcmp(ri->states[k]->signed_by,
			           ri->signoff_verb) == 0)
				return true;
	return false;
}

/* Keeps the states of register reg that wait for its sign-off. */
static void
mw_described(struct mywork *w, const char *reg,
             const Isms__V1__RegisterInfo *ri)
{
	size_t i;

	if (ri->signoff_verb == NULL || ri->signoff_verb[0] == '\0')
		return;
	for (i = 0; i < ri->n_states; i++) {
		if (ri->states[i]->status == NULL ||
		    !mw_waits(ri, ri->states[i]))
			continue;
		w->waits =
		    xreallocarray(w->waits, w->nwaits + 1, sizeof *w->waits);
		w->waits[w->nwaits].reg = reg;
		w->waits[w->nwaits].verb = xstrdup(ri->signoff_verb);
		w->waits[w->nwaits++].status = xstrdup(ri->states[i]->status);
	}
}

/* Keeps a page of waiting records. */
static void
mw_listed(struct mywork *w, const Isms__V1__ListResult *res)
{
	size_t i;

	w->items = xreallocarray(w->items, w->nitems + res->n_records + 1,
	                         sizeof *w->items);
	for (i = 0; i < res->n_records; i++) {
		w->items[w->nitems].reg = w->waits[w->wait].reg;
		w->items[w->nitems].verb = w->waits[w->wait].verb;
		w->items[w->nitems++].rec =
		    (Isms__V1__Record *)pb_dup(&res->records[i]->base);
	}
}

/* The answer. */
static void
mw_reply(struct gw_req *r, struct mywork *w, const Isms__V1__DueResult *due)
{
	struct evbuffer *buf = evbuffer_new();
	FILE *f = gw_evbuffer_stream(buf);
	size_t i;

	if (f != NULL) {
		fputs("{\"user\": ", f);
		ctl_out_json_string(f, w->user);
		fputs(",\n\"due\": [", f);
		for (i = 0; i < due->n_items; i++) {
			fputs(i > 0 ? "," : "", f);
			ctl_out_json(f, &due->items[i]->base);
		}
		fputs("],\n\"signoffs\": [", f);
		for (i = 0; i < w->nitems; i++) {
			fputs(i > 0 ? ",\n{\"register\": "
			            : "\n{\"register\": ",
			      f);
			ctl_out_json_string(f, w->items[i].reg);
			fputs(", \"verb\": ", f);
			ctl_out_json_string(f, w->items[i].verb);
			fputs(", \"record\": ", f);
			ctl_out_json(f, &w->items[i].rec->base);
			fputc('}', f);
		}
		fputs("]}\n", f);
	}
	gw_ui_reply_stream(r, buf, f);
}

/* The next waiting state to list, else the Due. */
static int
mw_next_list(struct gw_req *r, struct mywork *w)
{
	if (w->wait < w->nwaits) {
		w->step = MW_LIST;
		mw_list(r, w, NULL);
	} else {
		w->step = MW_DUE;
		mw_due(r, w);
	}
	return 1;
}

/* Each reply of the walk. */
static int
mywork_done(struct gw_req *r, const Isms__V1__Reply *reply)
{
	struct mywork *w = r->ctx;
	const Isms__V1__ListResult *res = reply->list;

	switch (w->step) {
	case MW_HELLO:
		if (reply->hello == NULL || reply->hello->user == NULL)
			break;
		w->user = xstrdup(reply->hello->user);
		w->step = MW_DESCRIBE;
		mw_describe(r, w->reg);
		return 1;
	case MW_DESCRIBE:
		if (reply->register_info == NULL)
			break;
		mw_described(w, ctl_register_nth(w->reg)->name,
		             reply->register_info);
		if (ctl_register_nth(++w->reg) != NULL) {
			mw_describe(r, w->reg);
			return 1;
		}
		return mw_next_list(r, w);
	case MW_LIST:
		if (res == NULL)
			break;
		mw_listed(w, res);
		if (res->has_next_page_token && res->next_page_token.len > 0) {
			mw_list(r, w, &res->next_page_token);
			return 1;
		}
		w->wait++;
		return mw_next_list(r, w);
	case MW_DUE:
		if (reply->due == NULL)
			break;
		mw_reply(r, w, reply->due);
		return 0;
	}
	gw_reply_error(r->req, ISMS_EINTERNAL, "no result in the reply");
	return 0;
}

void
gw_ui_mywork(struct gw_req *r)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Hello hello = ISMS__V1__HELLO__INIT;

	r->ctx = xcalloc(1, sizeof(struct mywork));
	r->ctx_free = mywork_free;
	/* A hello without a token on a named connection: who it is. */
	req.call_case = ISMS__V1__REQUEST__CALL_HELLO;
	req.hello = &hello;
	gw_rpc(r, &req, mywork_done);
}
