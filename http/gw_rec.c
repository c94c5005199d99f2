/*
 * gw_rec.c: the read routes of the record page and the journal page:
 * GET /v1/{register}/{id}/history and .../links, /v1/describe/{register}
 * and /v1/journal/verify. Each is one RPC as the caller (links first
 * checks the id is one of the register's, as Get does), and answers the
 * JSON `ismsctl -o json` prints for the same command.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "evfmt.h"
#include "gw_ui.h"
#include "output.h"
#include "pbfield.h"

void
gw_ui_reply_stream(struct gw_req *r, struct evbuffer *buf, FILE *f)
{
	if (f == NULL) {
		gw_reply_error(r->req, ISMS_EINTERNAL, "out of memory");
		evbuffer_free(buf);
		return;
	}
	fclose(f);
	gw_reply_json(r->req, 200, buf);
	evbuffer_free(buf);
}

void
gw_ui_record_reply(struct gw_req *r, const Isms__V1__Reply *reply)
{
	struct evbuffer *buf = evbuffer_new();
	char tag[32];

	if (reply->result_case != ISMS__V1__REPLY__RESULT_RECORD ||
	    reply->record == NULL) {
		gw_reply_error(r->req, ISMS_EINTERNAL,
		               "no record in the reply");
		evbuffer_free(buf);
		return;
	}
	snprintf(tag, sizeof tag, "\"%llu\"",
	         (unsigned long long)reply->record->rev);
	evhttp_add_header(evhttp_request_get_output_headers(r->req), "ETag",
	                  tag);
	gw_json_message(buf, &reply->record->base);
	gw_reply_json(r->req, 200, buf);
	evbuffer_free(buf);
}

const char *
gw_ui_status(const Isms__V1__Record *rec, char *buf, size_t len)
{
	const ProtobufCFieldDescriptor *fd;
	const ProtobufCMessage *body;

	buf[0] = '\0';
	fd = protobuf_c_message_descriptor_get_field(
	    &isms__v1__record__descriptor, rec->body_case);
	if (fd == NULL)
		return buf;
	body = *(ProtobufCMessage *const *)pb_field_ptr(&rec->base, fd);
	if (body == NULL ||
	    (fd = pb_field_by_name(body->descriptor, "status")) == NULL ||
	    !pb_field_present(body, fd) ||
	    pb_enum_name(fd->descriptor, *(const int *)pb_field_ptr(body, fd),
	                 buf, len) == NULL)
		buf[0] = '\0';
	return buf;
}

/* The revisions, oldest first, as `ismsctl history -o json`. */
static int
history_done(struct gw_req *r, const Isms__V1__Reply *reply)
{
	struct evbuffer *buf = evbuffer_new();
	const Isms__V1__HistoryResult *h = reply->history;

	if (h == NULL) {
		gw_reply_error(r->req, ISMS_EINTERNAL,
		               "no history in the reply");
		evbuffer_free(buf);
		return 0;
	}
	gw_json_array(buf, (const ProtobufCMessage *const *)h->revisions,
	              h->n_revisions);
	gw_reply_json(r->req, 200, buf);
	evbuffer_free(buf);
	return 0;
}

void
gw_ui_history(struct gw_req *r)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__History h = ISMS__V1__HISTORY__INIT;

	h.id = r->id;
	h.register_ = (char *)r->reg->name;
	req.call_case = ISMS__V1__REQUEST__CALL_HISTORY;
	req.history = &h;
	gw_rpc(r, &req, history_done);
}

/* Both directions, as `ismsctl links ID -o json` prints them. */
static int
links_done(struct gw_req *r, const Isms__V1__Reply *reply)
{
	const Isms__V1__LinksResult *l = reply->links;
	struct evbuffer *buf;
	FILE *f;

	if (reply->result_case == ISMS__V1__REPLY__RESULT_RECORD) {
		/* The id is the register's: now its links. */
		Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
		Isms__V1__Links q = ISMS__V1__LINKS__INIT;

		q.id = r->id;
		req.call_case = ISMS__V1__REQUEST__CALL_LINKS;
		req.links = &q;
		gw_req_repack(r, &req);
		return 1;
	}
	if (l == NULL) {
		gw_reply_error(r->req, ISMS_EINTERNAL, "no links in the reply");
		return 0;
	}
	buf = evbuffer_new();
	if ((f = gw_evbuffer_stream(buf)) != NULL)
		ctl_links_print_json(f, r->id, l);
	gw_ui_reply_stream(r, buf, f);
	return 0;
}

void
gw_ui_links(struct gw_req *r)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Get get = ISMS__V1__GET__INIT;

	/* Links takes any id: Get refuses one of another register. */
	get.id = r->id;
	get.register_ = (char *)r->reg->name;
	req.call_case = ISMS__V1__REQUEST__CALL_GET;
	req.get = &get;
	gw_rpc(r, &req, links_done);
}

/* The register's states, moves, evidence and sign-off. */
static int
describe_done(struct gw_req *r, const Isms__V1__Reply *reply)
{
	struct evbuffer *buf = evbuffer_new();

	if (reply->register_info == NULL) {
		gw_reply_error(r->req, ISMS_EINTERNAL,
		               "no register info in the reply");
		evbuffer_free(buf);
		return 0;
	}
	gw_json_message(buf, &reply->register_info->base);
	gw_reply_json(r->req, 200, buf);
	evbuffer_free(buf);
	return 0;
}

void
gw_ui_describe(struct gw_req *r)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Describe d = ISMS__V1__DESCRIBE__INIT;

	d.register_ = (char *)r->reg->name;
	req.call_case = ISMS__V1__REQUEST__CALL_DESCRIBE;
	req.describe = &d;
	gw_rpc(r, &req, describe_done);
}

/* The check's outcome, as `ismsctl journal verify -o json`. */
static int
verify_done(struct gw_req *r, const Isms__V1__Reply *reply)
{
	const Isms__V1__JournalVerifyResult *v = reply->verify;
	struct evbuffer *buf;
	char *hex;
	FILE *f;

	if (v == NULL) {
		gw_reply_error(r->req, ISMS_EINTERNAL,
		               "no verify result in the reply");
		return 0;
	}
	buf = evbuffer_new();
	if ((f = gw_evbuffer_stream(buf)) != NULL) {
		hex = evfmt_hex(v->head_hash.data, v->head_hash.len);
		fprintf(f,
		        "{\"ok\":%s,\"entries\":%llu,\"head_seq\":%llu,"
		        "\"head_hash\":\"%s\"",
		        v->ok ? "true" : "false",
		        (unsigned long long)v->entries,
		        (unsigned long long)v->head_seq, hex);
		if (!v->ok) {
			fprintf(f, ",\"bad_seq\":%llu,\"problem\":",
			        (unsigned long long)v->bad_seq);
			ctl_out_json_string(f, v->problem != NULL ? v->problem
			                                          : "");
		}
		fputs("}\n", f);
		free(hex);
	}
	gw_ui_reply_stream(r, buf, f);
	return 0;
}

void
gw_ui_verify(struct gw_req *r)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__JournalVerify jv = ISMS__V1__JOURNAL_VERIFY__INIT;
	const char *deep = gw_query(r, "deep");

	jv.has_deep = deep != NULL;
	jv.deep = deep != NULL && strcmp(deep, "0") != 0 &&
	          strcmp(deep, "false") != 0;
	req.call_case = ISMS__V1__REQUEST__CALL_JOURNAL_VERIFY;
	req.journal_verify = &jv;
	gw_rpc(r, &req, verify_done);
}
