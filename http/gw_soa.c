/*
 * gw_soa.c: GET /v1/soa, the Statement of Applicability exactly as
 * `ismsctl soa -o json` prints it: every live control, page after page on
 * the caller's connection, then client/views/soa.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "gw_req.h"
#include "pbfield.h"
#include "soa.h"
#include "xmalloc.h"

#define SOA_PAGE 500 /* as ismsctl asks */

/* Asks for the controls after token (NULL: the first page). */
static void
soa_request(struct gw_req *r, const ProtobufCBinaryData *token)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__List list = ISMS__V1__LIST__INIT;

	gw_list_fill(&req, &list, "control", SOA_PAGE, token);
	gw_req_repack(r, &req);
}

/* Every control read: the SoA as JSON. */
static void
soa_reply(struct gw_req *r)
{
	struct evbuffer *buf = evbuffer_new();
	struct soa soa;
	FILE *f = gw_evbuffer_stream(buf);

	if (f == NULL) {
		gw_reply_error(r->req, ISMS_EINTERNAL, "out of memory");
		evbuffer_free(buf);
		return;
	}
	soa_build(&soa, r->recs, r->nrecs);
	soa_print_json(f, &soa);
	soa_free(&soa);
	fclose(f);
	gw_reply_json(r->req, 200, buf);
	evbuffer_free(buf);
}

/* One page of controls: kept; then the next page, or the answer. */
static int
soa_page(struct gw_req *r, const Isms__V1__Reply *reply)
{
	const Isms__V1__ListResult *res = reply->list;
	size_t i;

	if (res == NULL) {
		gw_reply_error(r->req, ISMS_EINTERNAL, "no list in the reply");
		return 0;
	}
	r->recs = xreallocarray(r->recs, r->nrecs + res->n_records + 1,
	                        sizeof *r->recs);
	for (i = 0; i < res->n_records; i++)
		r->recs[r->nrecs++] =
		    (Isms__V1__Record *)pb_dup(&res->records[i]->base);
	if (res->has_next_page_token && res->next_page_token.len > 0) {
		soa_request(r, &res->next_page_token);
		return 1;
	}
	soa_reply(r);
	return 0;
}

void
gw_api_soa(struct gw_req *r)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__List list = ISMS__V1__LIST__INIT;

	gw_list_fill(&req, &list, "control", SOA_PAGE, NULL);
	gw_rpc(r, &req, soa_page);
}
