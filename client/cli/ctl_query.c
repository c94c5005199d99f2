/*
 * ctl_query.c: "ismsctl <register> list" and "... history ID", the verbs
 * that read many records.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "fieldargs.h"

#define LIST_PAGE_MAX 500 /* records asked for per List call */

/* Frees the replies holding the records. */
void
ctl_recs_free(struct ctl_recs *acc)
{
	ctl_pages_free(&acc->pages);
	memset(acc, 0, sizeof *acc);
}

/* Asks List for at most n records. */
static void
list_limit(Isms__V1__Request *req, uint32_t n)
{
	req->list->has_page_size = 1;
	req->list->page_size = n;
}

/* The records of List page r; points req at the next page, if any. */
static bool
list_page(Isms__V1__Request *req, const Isms__V1__Reply *r, const void **items,
          size_t *n)
{
	const Isms__V1__ListResult *res = r->list;

	*items = res->records;
	*n = res->n_records;
	if (!res->has_next_page_token || res->next_page_token.len == 0)
		return false;
	req->list->has_page_token = 1;
	req->list->page_token = res->next_page_token;
	return true;
}

/* List, read page after page by ctl_pages_read. */
static const struct ctl_paging list_paging = {
    ISMS__V1__REPLY__RESULT_LIST, LIST_PAGE_MAX, list_limit, list_page, true,
};

/* Sends list page after page until want records or the last page. */
static int
list_pages(struct ctl_ctx *ctx, Isms__V1__List *list, uint64_t want,
           struct ctl_recs *acc)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	int rc;

	req.call_case = ISMS__V1__REQUEST__CALL_LIST;
	req.list = list;
	rc = ctl_pages_read(ctx, &req, &list_paging, want, &acc->pages);
	acc->recs = acc->pages.items;
	acc->n = acc->pages.n;
	return rc;
}

/* Lists every live record of a register, page after page. */
int
ctl_list_all(struct ctl_ctx *ctx, const char *reg, struct ctl_recs *out)
{
	Isms__V1__List list = ISMS__V1__LIST__INIT;
	int rc;

	memset(out, 0, sizeof *out);
	list.register_ = (char *)reg;
	if ((rc = list_pages(ctx, &list, UINT64_MAX, out)) != 0)
		ctl_recs_free(out);
	return rc;
}

int
ctl_list_exec(struct ctl_ctx *ctx, const struct ctl_args *a)
{
	Isms__V1__List list = ISMS__V1__LIST__INIT;
	struct ctl_recs acc = {0};
	uint64_t want = a->opt.has_limit ? a->opt.limit : UINT64_MAX;
	int rc;

	list.register_ = (char *)a->reg->name;
	list.has_archived = 1;
	list.archived = a->opt.archived;
	if ((rc = ctl_list_words(a->reg, &list, a->nwords, a->words)) != 0 ||
	    (a->opt.sort != NULL &&
	     (rc = ctl_recs_sort(a->reg, a->opt.sort, NULL, 0)) != 0))
		goto out;
	/* Sorted: every page first, then the first --limit of the order. */
	if ((rc = list_pages(ctx, &list,
	                     a->opt.sort != NULL ? UINT64_MAX : want, &acc)) ==
	        0 &&
	    a->opt.sort != NULL)
		rc = ctl_recs_sort(a->reg, a->opt.sort, acc.recs, acc.n);
	if (rc == 0)
		ctl_print_records(ctx, a->reg, acc.recs,
		                  acc.n < want ? acc.n : (size_t)want);
	ctl_recs_free(&acc);
out:
	ctl_list_words_free(&list);
	return rc;
}

int
ctl_history_exec(struct ctl_ctx *ctx, const struct ctl_args *a)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__History hist = ISMS__V1__HISTORY__INIT;
	Isms__V1__HistoryResult *res;
	Isms__V1__Reply *reply;
	int rc;

	hist.id = (char *)a->id;
	hist.register_ = (char *)a->reg->name;
	req.call_case = ISMS__V1__REQUEST__CALL_HISTORY;
	req.history = &hist;
	if ((rc = ctl_call(ctx, &req, &reply)) != 0)
		return rc;
	if ((rc = ctl_expect(reply, ISMS__V1__REPLY__RESULT_HISTORY)) != 0) {
		isms_reply_free(reply);
		return rc;
	}
	res = reply->history;
	switch (ctx->format) {
	case CTL_FORMAT_TABLE:
		ctl_out_history_table(ctx->out, res->revisions,
		                      res->n_revisions);
		break;
	case CTL_FORMAT_JSON:
		ctl_out_json_array(
		    ctx->out, (const ProtobufCMessage *const *)res->revisions,
		    res->n_revisions);
		break;
	case CTL_FORMAT_CSV:
		ctl_out_csv_records(ctx->out, a->reg, res->revisions,
		                    res->n_revisions);
		break;
	}
	isms_reply_free(reply);
	return 0;
}
