/*
 * bench_list.c: ismsbench's list mode: creates --records risks, then each
 * request slot walks the risk register in pages of 100, starting over at
 * the end.
 */
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define LIST_PAGE 100

/* Builds a List of the slot's next page. */
static void
list_build(struct bench_req *b, unsigned long seq, void *arg)
{
	(void)seq;
	(void)arg;
	isms__v1__request__init(&b->req);
	isms__v1__list__init(&b->list);
	b->list.register_ = "risk";
	b->list.has_page_size = 1;
	b->list.page_size = LIST_PAGE;
	if (b->token_len > 0) {
		b->list.has_page_token = 1;
		b->list.page_token.data = b->token;
		b->list.page_token.len = b->token_len;
	}
	b->req.call_case = ISMS__V1__REQUEST__CALL_LIST;
	b->req.list = &b->list;
}

/* Keeps the next page's token; a page must not be empty. */
static int
list_check(struct bench_req *b, const Isms__V1__Reply *r, unsigned long seq,
           void *arg)
{
	const Isms__V1__ListResult *l = r->list;

	(void)seq;
	(void)arg;
	b->token_len = 0;
	if (l == NULL || l->n_records == 0)
		return -1;
	if (l->has_next_page_token &&
	    l->next_page_token.len <= sizeof b->token) {
		memcpy(b->token, l->next_page_token.data,
		       l->next_page_token.len);
		b->token_len = l->next_page_token.len;
	}
	return 0;
}

/* The list mode: see the top of this file. */
int
bench_list(const struct bench_opts *o, struct bench_result *r)
{
	struct bench_load load = {list_build, list_check, NULL};
	char *ids = bench_create(o, o->records);

	if (ids == NULL)
		return -1;
	free(ids);
	if (bench_drive(o, &load, r) != 0)
		return -1;
	snprintf(r->what, sizeof r->what,
	         "list pages of %d risks (of %u and more)", LIST_PAGE,
	         o->records);
	return 0;
}
