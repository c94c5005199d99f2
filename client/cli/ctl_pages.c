/*
 * ctl_pages.c: a paged call (List, JournalQuery) sent page after page,
 * its replies kept and their items gathered into one array.
 */
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "xmalloc.h"

/* Sends req page after page until want items or the last page. */
int
ctl_pages_read(struct ctl_ctx *ctx, Isms__V1__Request *req,
               const struct ctl_paging *p, uint64_t want, struct ctl_pages *acc)
{
	Isms__V1__Reply *reply;
	const void *items;
	size_t n, take;
	bool more;
	int rc = 0;

	while (acc->n < want) {
		p->limit(req, want - acc->n < p->page_max
		                  ? (uint32_t)(want - acc->n)
		                  : p->page_max);
		if ((rc = ctl_call_expect(ctx, req, p->result, &reply)) != 0)
			break;
		acc->replies = xreallocarray(acc->replies, acc->nreplies + 1,
		                             sizeof *acc->replies);
		acc->replies[acc->nreplies++] = reply;
		more = p->page(req, reply, &items, &n);
		take = want - acc->n < n ? (size_t)(want - acc->n) : n;
		/* Copied as bytes: the items keep their own pointer type. */
		acc->items = xreallocarray(acc->items, acc->n + take + 1,
		                           sizeof(void *));
		if (take > 0)
			memcpy((char *)acc->items + acc->n * sizeof(void *),
			       items, take * sizeof(void *));
		acc->n += take;
		if (!more || (n == 0 && !p->empty_continues))
			break;
	}
	return rc;
}

/* Frees the replies (and with them the items). */
void
ctl_pages_free(struct ctl_pages *acc)
{
	size_t i;

	for (i = 0; i < acc->nreplies; i++)
		isms_reply_free(acc->replies[i]);
	free(acc->replies);
	free(acc->items);
	memset(acc, 0, sizeof *acc);
}
