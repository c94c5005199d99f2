/*
 * gw_api.c: the JSON API's handlers. Each turns the HTTP request into one
 * RPC and its reply into the JSON `ismsctl -o json` prints for the same
 * command; nothing here names a register.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <openssl/evp.h>

#include "ctl.h"
#include "evfmt.h"
#include "fieldargs.h"
#include "gw_json.h"
#include "gw_req.h"
#include "xmalloc.h"

#define PARAM_MAX 32 /* filters in one list query */

/* Parses a decimal query parameter; false when present and malformed. */
static bool
query_u64(struct gw_req *r, const char *name, bool *has, uint64_t *v)
{
	const char *s = gw_query(r, name);
	char *end;

	*has = false;
	*v = 0;
	if (s == NULL)
		return true;
	if (*s < '0' || *s > '9')
		goto bad;
	*v = strtoull(s, &end, 10);
	if (*end != '\0' && strcmp(end, "d") != 0)
		goto bad;
	*has = true;
	return true;
bad:
	gw_reply_error(r->req, ISMS_EINVAL, "%s: expected a number, got '%s'",
	               name, s);
	gw_req_free(r);
	return false;
}

/* Adds the ETag of rev. */
static void
etag_add(struct gw_req *r, uint64_t rev)
{
	char tag[32];

	snprintf(tag, sizeof tag, "\"%llu\"", (unsigned long long)rev);
	evhttp_add_header(evhttp_request_get_output_headers(r->req), "ETag",
	                  tag);
}

/* A record reply: the record, its ETag, and status (200, 201). */
static void
record_reply(struct gw_req *r, const Isms__V1__Reply *reply, int status)
{
	struct evbuffer *buf = evbuffer_new();
	const Isms__V1__Record *rec = reply->record;
	char loc[300];

	if (reply->result_case != ISMS__V1__REPLY__RESULT_RECORD ||
	    rec == NULL) {
		gw_reply_error(r->req, ISMS_EINTERNAL,
		               "no record in the reply");
		evbuffer_free(buf);
		return;
	}
	etag_add(r, rec->rev);
	if (status == 201 && r->reg != NULL && rec->id != NULL) {
		snprintf(loc, sizeof loc, "/v1/%s/%s", r->reg->name, rec->id);
		evhttp_add_header(evhttp_request_get_output_headers(r->req),
		                  "Location", loc);
	}
	gw_json_message(buf, &rec->base);
	gw_reply_json(r->req, status, buf);
	evbuffer_free(buf);
}

static int
record_done(struct gw_req *r, const Isms__V1__Reply *reply)
{
	record_reply(r, reply, 200);
	return 0;
}

static int
created_done(struct gw_req *r, const Isms__V1__Reply *reply)
{
	record_reply(r, reply, 201);
	return 0;
}

void
gw_api_get(struct gw_req *r)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Get get = ISMS__V1__GET__INIT;
	bool has;
	uint64_t rev;

	if (!query_u64(r, "rev", &has, &rev))
		return;
	get.id = r->id;
	get.register_ = (char *)r->reg->name;
	get.has_rev = has;
	get.rev = rev;
	req.call_case = ISMS__V1__REQUEST__CALL_GET;
	req.get = &get;
	gw_rpc(r, &req, record_done);
}

/* Base64url (no padding) of a page token, for a query parameter. */
static char *
token_text(const ProtobufCBinaryData *t)
{
	char *s = xmalloc(4 * ((t->len + 2) / 3) + 1), *p;

	EVP_EncodeBlock((unsigned char *)s, t->data, (int)t->len);
	for (p = s; *p != '\0'; p++)
		if (*p == '+')
			*p = '-';
		else if (*p == '/')
			*p = '_';
		else if (*p == '=')
			*p = '\0';
	return s;
}

/* Decodes a page token from its base64url text; false if malformed. */
static bool
token_parse(const char *s, ProtobufCBinaryData *t)
{
	size_t n = strlen(s), i, pad = (4 - n % 4) % 4;
	char *b;
	int len;

	if (n > 1024 || pad == 3)
		return false;
	b = xmalloc(n + pad + 1);
	for (i = 0; i < n; i++)
		b[i] = s[i] == '-' ? '+' : s[i] == '_' ? '/' : s[i];
	memset(b + n, '=', pad);
	b[n + pad] = '\0';
	t->data = xmalloc(n + 4);
	len = EVP_DecodeBlock(t->data, (unsigned char *)b, (int)(n + pad));
	free(b);
	if (len < 0) {
		free(t->data);
		t->data = NULL;
		return false;
	}
	t->len = (size_t)len - pad;
	return true;
}

/* The list page: the records as an array, the next page's token in a
 * header. */
static int
list_done(struct gw_req *r, const Isms__V1__Reply *reply)
{
	struct evbuffer *buf = evbuffer_new();
	const Isms__V1__ListResult *res = reply->list;
	char *tok, link[2048];

	if (res == NULL) {
		gw_reply_error(r->req, ISMS_EINTERNAL, "no list in the reply");
		evbuffer_free(buf);
		return 0;
	}
	if (res->has_next_page_token && res->next_page_token.len > 0) {
		tok = token_text(&res->next_page_token);
		evhttp_add_header(evhttp_request_get_output_headers(r->req),
		                  "X-Next-Page-Token", tok);
		snprintf(link, sizeof link,
		         "</v1/%s?page_token=%s>; rel=\"next\"", r->reg->name,
		         tok);
		evhttp_add_header(evhttp_request_get_output_headers(r->req),
		                  "Link", link);
		free(tok);
	}
	gw_json_array(buf, (const ProtobufCMessage *const *)res->records,
	              res->n_records);
	gw_reply_json(r->req, 200, buf);
	evbuffer_free(buf);
	return 0;
}

/* The query's filters as field words ("owner=alice", "level=high"). */
static int
list_words(struct gw_req *r, char **words)
{
	static const char *const own[] = {"page_size", "page_token",
	                                  "archived"};
	struct evkeyval *kv;
	int n = 0;
	size_t i;

	TAILQ_FOREACH(kv, &r->query, next)
	{
		for (i = 0; i < sizeof own / sizeof own[0]; i++)
			if (strcmp(kv->key, own[i]) == 0)
				break;
		if (i < sizeof own / sizeof own[0])
			continue;
		if (n == PARAM_MAX)
			return -1;
		words[n++] = xasprintf("%s=%s", kv->key, kv->value);
	}
	return n;
}

/* Sets List.archived from ?archived=live|archived|any. */
static bool
list_archived(struct gw_req *r, Isms__V1__List *list)
{
	const char *a = gw_query(r, "archived");

	if (a == NULL || strcmp(a, "live") == 0)
		return true;
	list->has_archived = 1;
	if (strcmp(a, "archived") == 0)
		list->archived = ISMS__V1__ARCHIVED_FILTER__ARCHIVED;
	else if (strcmp(a, "any") == 0)
		list->archived = ISMS__V1__ARCHIVED_FILTER__ANY;
	else
		return false;
	return true;
}

/* Fills list from the query; false with the reason in err. */
static bool
list_fill(struct gw_req *r, Isms__V1__List *list, char **words, int *nwords,
          char *why, size_t whylen)
{
	const char *tok = gw_query(r, "page_token");
	bool has;
	uint64_t size;

	if (!query_u64(r, "page_size", &has, &size))
		return false; /* answered */
	list->has_page_size = has;
	list->page_size = size > 1000 ? 1000 : (uint32_t)size;
	if (tok != NULL && !token_parse(tok, &list->page_token))
		snprintf(why, whylen, "page_token: malformed");
	else if (!list_archived(r, list))
		snprintf(why, whylen, "archived: live, archived or any");
	else if ((*nwords = list_words(r, words)) < 0)
		snprintf(why, whylen, "more than %d filters", PARAM_MAX);
	else if (ctl_list_words(r->reg, list, *nwords, words) != 0)
		snprintf(why, whylen,
		         "a filter names no field of %s, or a value does "
		         "not fit its field",
		         r->reg->name);
	list->has_page_token = list->page_token.data != NULL;
	return true;
}

void
gw_api_list(struct gw_req *r)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__List list = ISMS__V1__LIST__INIT;
	char *words[PARAM_MAX], why[256] = "";
	int nwords = 0, i;

	list.register_ = (char *)r->reg->name;
	if (!list_fill(r, &list, words, &nwords, why, sizeof why))
		return;
	if (why[0] != '\0') {
		gw_reply_error(r->req, ISMS_EINVAL, "%s", why);
		gw_req_free(r);
	} else {
		req.call_case = ISMS__V1__REQUEST__CALL_LIST;
		req.list = &list;
		gw_rpc(r, &req, list_done);
	}
	ctl_list_words_free(&list);
	free(list.page_token.data);
	for (i = 0; i < nwords; i++)
		free(words[i]);
}

/* The request body as text; NULL (answered) when it cannot be one. */
static const char *
body_get(struct gw_req *r, size_t *len)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(r->req);
	const char *body;

	*len = evbuffer_get_length(in);
	if ((body = (const char *)evbuffer_pullup(in, -1)) == NULL)
		body = "";
	return body;
}

bool
gw_if_match(struct gw_req *r, protobuf_c_boolean *has, uint64_t *rev)
{
	const char *h = evhttp_find_header(
	    evhttp_request_get_input_headers(r->req), "If-Match");
	uint64_t v;
	char *end;

	if (h == NULL)
		return true;
	if (strncmp(h, "W/", 2) == 0)
		h += 2;
	if (*h == '"')
		h++;
	if (*h < '0' || *h > '9')
		return false;
	v = strtoull(h, &end, 10);
	if (*end == '"')
		end++;
	if (*end != '\0' || (*has && *rev != v))
		return false;
	*has = 1;
	*rev = v;
	r->if_match = true; /* a stale rev answers 412 */
	return true;
}

/* POST and PATCH: the body becomes a Put. */
static void
api_put(struct gw_req *r, bool update)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Put *put = NULL;
	struct isms_err err = {0};
	const char *body;
	size_t len;

	body = body_get(r, &len);
	if (gw_json_put(r->reg, body, len, update, &put, &err) != 0) {
		gw_reply_error(r->req, err.code, "%s", err.msg);
		gw_req_free(r);
		return;
	}
	if (update) {
		put->record->id = xstrdup(r->id);
		if (!gw_if_match(r, &put->has_expect_rev, &put->expect_rev)) {
			gw_reply_status(r->req, 400, ISMS_EINVAL,
			                "If-Match: expected the ETag of a "
			                "revision, \"3\"");
			gw_req_free(r);
			protobuf_c_message_free_unpacked(&put->base, NULL);
			return;
		}
	}
	req.call_case = ISMS__V1__REQUEST__CALL_PUT;
	req.put = put;
	gw_rpc(r, &req, update ? record_done : created_done);
	protobuf_c_message_free_unpacked(&put->base, NULL);
}

void
gw_api_create(struct gw_req *r)
{
	api_put(r, false);
}

void
gw_api_update(struct gw_req *r)
{
	api_put(r, true);
}

/* The due items, as `ismsctl due -o json` prints them. */
static int
message_done(struct gw_req *r, const Isms__V1__Reply *reply)
{
	struct evbuffer *buf = evbuffer_new();
	const ProtobufCMessage *m =
	    reply->due != NULL ? &reply->due->base : NULL;

	if (m == NULL) {
		gw_reply_error(r->req, ISMS_EINTERNAL,
		               "no result in the reply");
		evbuffer_free(buf);
		return 0;
	}
	gw_json_message(buf, m);
	gw_reply_json(r->req, 200, buf);
	evbuffer_free(buf);
	return 0;
}

void
gw_api_due(struct gw_req *r)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Due due = ISMS__V1__DUE__INIT;
	bool has;
	uint64_t within;

	if (!query_u64(r, "within", &has, &within))
		return;
	due.has_within_days = has;
	due.within_days = within > 36500 ? 36500 : (uint32_t)within;
	due.owner = (char *)gw_query(r, "owner");
	due.register_ = (char *)gw_query(r, "register");
	req.call_case = ISMS__V1__REQUEST__CALL_DUE;
	req.due = &due;
	gw_rpc(r, &req, message_done);
}

/* The journal entries, as `ismsctl journal -o json` prints them. */
static int
journal_done(struct gw_req *r, const Isms__V1__Reply *reply)
{
	struct evbuffer *buf = evbuffer_new();
	const Isms__V1__JournalResult *res = reply->journal;
	char head[32];
	FILE *f;

	if (res == NULL || (f = gw_evbuffer_stream(buf)) == NULL) {
		gw_reply_error(r->req, ISMS_EINTERNAL,
		               "no journal in the reply");
		evbuffer_free(buf);
		return 0;
	}
	evfmt_json_array(f, res->entries, res->n_entries);
	fclose(f);
	snprintf(head, sizeof head, "%llu", (unsigned long long)res->head_seq);
	evhttp_add_header(evhttp_request_get_output_headers(r->req),
	                  "X-Journal-Head", head);
	if (res->more && res->n_entries > 0) {
		snprintf(
		    head, sizeof head, "%llu",
		    (unsigned long long)res->entries[res->n_entries - 1]->seq);
		evhttp_add_header(evhttp_request_get_output_headers(r->req),
		                  "X-Next-Since", head);
	}
	gw_reply_json(r->req, 200, buf);
	evbuffer_free(buf);
	return 0;
}

void
gw_api_journal(struct gw_req *r)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__JournalQuery q = ISMS__V1__JOURNAL_QUERY__INIT;
	bool has, has_limit;
	uint64_t since, limit;

	if (!query_u64(r, "since", &has, &since) ||
	    !query_u64(r, "limit", &has_limit, &limit))
		return;
	q.has_since_seq = has;
	q.since_seq = since;
	q.has_limit = has_limit;
	q.limit = limit > 10000 ? 10000 : (uint32_t)limit;
	q.id = (char *)gw_query(r, "id");
	q.actor = (char *)gw_query(r, "actor");
	req.call_case = ISMS__V1__REQUEST__CALL_JOURNAL;
	req.journal = &q;
	gw_rpc(r, &req, journal_done);
}
