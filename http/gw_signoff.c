/*
 * gw_signoff.c: POST /v1/{register}/{id}/signoff, the sign-off verb of
 * the register (accept a risk, approve a document or a review, verify a
 * corrective action) as the caller: ismsd writes who signed and when,
 * and refuses anyone but the owner or an admin. The body
 * {"verb":?, "note":?, "until":?, "expect_rev":?} (or If-Match: "rev")
 * becomes one SignOff, after a Get that checks the id is one of the
 * register's (SignOff takes any id).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <jansson.h>

#include "gw_ui.h"
#include "xmalloc.h"

/* What the body asks for. */
struct signoff_args {
	char *verb, *note, *until;
	protobuf_c_boolean has_rev;
	uint64_t rev;
	bool sent; /* the SignOff is out: its reply is the answer */
};

static void
signoff_args_free(void *arg)
{
	struct signoff_args *a = arg;

	if (a == NULL)
		return;
	free(a->verb);
	free(a->note);
	free(a->until);
	free(a);
}

/* The keys of the body and where a string one goes. */
static const struct {
	const char *key;
	size_t off; /* SIZE_MAX: expect_rev */
} signoff_keys[] = {
    {"verb", offsetof(struct signoff_args, verb)},
    {"note", offsetof(struct signoff_args, note)},
    {"until", offsetof(struct signoff_args, until)},
    {"expect_rev", SIZE_MAX},
};

#define SIGNOFF_NKEYS (sizeof signoff_keys / sizeof signoff_keys[0])

/* Takes one member of the body; false with the reason in why. */
static bool
signoff_member(struct signoff_args *a, const char *key, json_t *v, char *why,
               size_t len)
{
	size_t i;

	for (i = 0; i < SIGNOFF_NKEYS; i++)
		if (strcmp(signoff_keys[i].key, key) == 0)
			break;
	if (i == SIGNOFF_NKEYS) {
		snprintf(why, len,
		         "%s: not a member of a sign-off (verb, note, until, "
		         "expect_rev)",
		         key);
		return false;
	}
	if (json_is_null(v))
		return true;
	if (signoff_keys[i].off == SIZE_MAX) {
		if (!json_is_integer(v) || json_integer_value(v) < 0) {
			snprintf(why, len,
			         "expect_rev: expected a revision "
			         "number");
			return false;
		}
		a->has_rev = true;
		a->rev = (uint64_t)json_integer_value(v);
		return true;
	}
	if (!json_is_string(v)) {
		snprintf(why, len, "%s: expected a string", key);
		return false;
	}
	*(char **)((char *)a + signoff_keys[i].off) =
	    xstrdup(json_string_value(v));
	return true;
}

/* Parses the body (may be empty); false with the reason in why. */
static bool
signoff_body(struct gw_req *r, struct signoff_args *a, char *why, size_t len)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(r->req);
	size_t n = evbuffer_get_length(in);
	const char *body, *key;
	json_error_t jerr;
	json_t *doc, *v;
	bool ok = true;

	if (n == 0)
		return true;
	body = (const char *)evbuffer_pullup(in, -1);
	doc = json_loadb(body, n, JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL || !json_is_object(doc)) {
		snprintf(why, len, "the body is not a JSON object%s%s",
		         doc == NULL ? ": " : "", doc == NULL ? jerr.text : "");
		json_decref(doc);
		return false;
	}
	json_object_foreach(doc, key, v)
	{
		if (!(ok = signoff_member(a, key, v, why, len)))
			break;
	}
	json_decref(doc);
	return ok;
}

/* The Get: the id is the register's; the SignOff. Then the record. */
static int
signoff_done(struct gw_req *r, const Isms__V1__Reply *reply)
{
	struct signoff_args *a = r->ctx;
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__SignOff so = ISMS__V1__SIGN_OFF__INIT;

	if (a->sent || reply->record == NULL) {
		gw_ui_record_reply(r, reply);
		return 0;
	}
	so.id = r->id;
	so.verb = a->verb;
	so.note = a->note != NULL && a->note[0] != '\0' ? a->note : NULL;
	so.until = a->until != NULL && a->until[0] != '\0' ? a->until : NULL;
	so.has_expect_rev = a->has_rev;
	so.expect_rev = a->rev;
	req.call_case = ISMS__V1__REQUEST__CALL_SIGN_OFF;
	req.sign_off = &so;
	gw_req_repack(r, &req);
	a->sent = true;
	return 1;
}

void
gw_ui_signoff(struct gw_req *r)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Get get = ISMS__V1__GET__INIT;
	struct signoff_args *a = xcalloc(1, sizeof *a);
	char why[256];

	r->ctx = a;
	r->ctx_free = signoff_args_free;
	if (!signoff_body(r, a, why, sizeof why)) {
		gw_reply_error(r->req, ISMS_EINVAL, "%s", why);
		gw_req_free(r);
		return;
	}
	if (!gw_if_match(r, &a->has_rev, &a->rev)) {
		gw_reply_status(r->req, 400, ISMS_EINVAL,
		                "If-Match: expected the ETag of a revision, "
		                "\"3\", and the same as expect_rev");
		gw_req_free(r);
		return;
	}
	get.id = r->id;
	get.register_ = (char *)r->reg->name;
	req.call_case = ISMS__V1__REQUEST__CALL_GET;
	req.get = &get;
	gw_rpc(r, &req, signoff_done);
}
