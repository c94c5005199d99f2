/* batch_fx.c: the Batch tests' daemon and calls (see batch_fx.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "batch_fx.h"
#include "pbfield.h"

/* Starts the daemon with one more argument (or NULL). */
static int
setup_with(void **state, const char *arg)
{
	struct batch_fx *fx = calloc(1, sizeof *fx);
	int port = daemon_fx_free_port("127.0.0.1");
	struct isms_err err;

	snprintf(fx->listen, sizeof fx->listen, "--listen=tcp://127.0.0.1:%d",
	         port);
	snprintf(fx->tcp, sizeof fx->tcp, "tcp://127.0.0.1:%d", port);
	fx->argv[0] = fx->listen;
	fx->argv[1] = "--insecure";
	fx->argv[2] = arg;
	fx->d.argv_extra = fx->argv;
	daemon_fx_start(&fx->d);
	daemon_fx_wait_tcp("127.0.0.1", port);
	fx->admin = isms_sync_connect(fx->d.endpoint, "test_batch", &err);
	assert_non_null(fx->admin);
	*state = fx;
	return 0;
}

int
setup(void **state)
{
	return setup_with(state, NULL);
}

/* A stage cap of 1 MiB: a user may hold 512 KiB. */
int
setup_small_stage(void **state)
{
	return setup_with(state, "--batch-stage-max=1M");
}

int
teardown(void **state)
{
	struct batch_fx *fx = *state;

	isms_sync_free(fx->admin);
	daemon_fx_cleanup(&fx->d);
	free(fx);
	return 0;
}

/* A request whose call is the oneof member name, with an empty body. */
Isms__V1__Request *
request_for(const char *call)
{
	const ProtobufCMessageDescriptor *md = &isms__v1__request__descriptor;
	Isms__V1__Request *req = (Isms__V1__Request *)pb_new(md);

	assert_non_null(
	    pb_submsg(&req->base, pb_field_by_name(md, call), true));
	return req;
}

/* Sends req (then frees it); the reply (never NULL). */
Isms__V1__Reply *
call(struct isms_sync *s, Isms__V1__Request *req)
{
	struct isms_err err;
	Isms__V1__Reply *r = isms_sync_call(s, req, &err);

	protobuf_c_message_free_unpacked(&req->base, NULL);
	if (r == NULL)
		fail_msg("call: %s", err.msg);
	assert_non_null(r->status);
	return r;
}

int
code(const Isms__V1__Reply *r)
{
	return r->status != NULL ? (int)r->status->code : -1;
}

/* Creates user name with role (viewer: an owner); a token when token. */
char *
add_user(struct isms_sync *s, const char *name, const char *role, bool token)
{
	Isms__V1__Request *req = request_for("user_put");
	Isms__V1__User *u =
	    (Isms__V1__User *)pb_new(&isms__v1__user__descriptor);
	struct isms_err err;
	Isms__V1__Reply *r;
	char *secret;

	u->name = strdup(name);
	assert_int_equal(
	    pb_field_set_text(&u->base,
	                      pb_field_by_name(u->base.descriptor, "role"),
	                      role, &err),
	    0);
	req->user_put->user = u;
	req->user_put->has_create = req->user_put->create = 1;
	r = call(s, req);
	assert_int_equal(code(r), 0);
	isms_reply_free(r);
	if (!token)
		return NULL;
	req = request_for("token_create");
	req->token_create->owner = strdup(name);
	r = call(s, req);
	assert_int_equal(code(r), 0);
	secret = strdup(r->token_created->secret);
	isms_reply_free(r);
	return secret;
}

/* Connects over TCP, named by token secret. */
struct isms_sync *
token_conn(struct batch_fx *fx, const char *secret)
{
	struct isms_client_opts o = {0};
	struct isms_sync *s;
	struct isms_err err;

	o.token = secret;
	o.insecure = true;
	o.timeout_ms = 60000;
	if ((s = isms_sync_connect_opts(fx->tcp, "test_batch", &o, &err)) ==
	    NULL)
		fail_msg("token connect: %s", err.msg);
	return s;
}

/* A put of a new record of register reg, owned by alice; fields are
 * "path=value" pairs set by name ("title=x", "risk.impact=3"), ending in
 * NULL. */
Isms__V1__Put *
put_new(const char *reg, ...)
{
	Isms__V1__Put *p = (Isms__V1__Put *)pb_new(&isms__v1__put__descriptor);
	struct pb_path path;
	struct isms_err err;
	ProtobufCMessage *m;
	const char *kv;
	char name[128];
	va_list ap;

	p->record = (Isms__V1__Record *)pb_new(RD);
	p->record->owner = strdup("alice");
	assert_non_null(
	    pb_submsg(&p->record->base, pb_field_by_name(RD, reg), true));
	va_start(ap, reg);
	while ((kv = va_arg(ap, const char *)) != NULL) {
		const char *eq = strchr(kv, '=');

		assert_non_null(eq);
		snprintf(name, sizeof name, "%.*s", (int)(eq - kv), kv);
		if (pb_path_resolve(RD, name, &path, &err) != 0)
			fail_msg("%s: %s", name, err.msg);
		m = &p->record->base;
		if (path.n == 2)
			m = pb_submsg(m, path.fd[0], true);
		if (pb_field_set_text(m, path.fd[path.n - 1], eq + 1, &err) !=
		    0)
			fail_msg("%s: %s", kv, err.msg);
	}
	va_end(ap);
	return p;
}

/* A risk: title, external_ref (or NULL), impact. */
Isms__V1__Put *
risk(const char *title, const char *ref, unsigned impact)
{
	char imp[32];
	Isms__V1__Put *p;

	snprintf(imp, sizeof imp, "risk.impact=%u", impact);
	p = put_new("risk", imp, "risk.likelihood=2", NULL);
	p->record->title = strdup(title);
	if (ref != NULL)
		p->record->external_ref = strdup(ref);
	return p;
}

/* Adds a link (rel, target) to a put's record. */
void
link_to(Isms__V1__Put *p, const char *rel, const char *target)
{
	Isms__V1__Record *r = p->record;
	Isms__V1__Link *l =
	    (Isms__V1__Link *)pb_new(&isms__v1__link__descriptor);

	l->rel = strdup(rel);
	l->target = strdup(target);
	r->links = realloc(r->links, (r->n_links + 1) * sizeof *r->links);
	r->links[r->n_links++] = l;
}

void
free_puts(Isms__V1__Put **p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		protobuf_c_message_free_unpacked(&p[i]->base, NULL);
}

/* Runs a batch of puts (freed after) with flags; the reply. */
Isms__V1__Reply *
batch(struct isms_sync *s, Isms__V1__Put **p, size_t n,
      const struct isms_batch_opts *o)
{
	struct isms_err err;
	Isms__V1__Reply *r = isms_sync_batch(s, p, n, o, &err);

	free_puts(p, n);
	if (r == NULL)
		fail_msg("batch: %s", err.msg);
	assert_non_null(r->status);
	return r;
}

/* The journal's entries, verified. */
uint64_t
verify(struct isms_sync *s)
{
	Isms__V1__Reply *r = call(s, request_for("journal_verify"));
	uint64_t n;

	assert_int_equal(code(r), 0);
	assert_true(r->verify->ok);
	n = r->verify->entries;
	isms_reply_free(r);
	return n;
}

/* The records of reg matching filter (or NULL), with any archived. */
size_t
count(struct isms_sync *s, const char *reg, const char *filter)
{
	Isms__V1__Request *req = request_for("list");
	Isms__V1__Reply *r;
	size_t n;

	req->list->register_ = strdup(reg);
	req->list->has_page_size = 1;
	req->list->page_size = 1000;
	req->list->has_archived = 1;
	req->list->archived = ISMS__V1__ARCHIVED_FILTER__ANY;
	if (filter != NULL) {
		req->list->filters = malloc(sizeof *req->list->filters);
		req->list->filters[0] = strdup(filter);
		req->list->n_filters = 1;
	}
	r = call(s, req);
	assert_int_equal(code(r), 0);
	n = r->list->n_records;
	assert_false(r->list->has_next_page_token);
	isms_reply_free(r);
	return n;
}

/* Gets record id. */
Isms__V1__Record *
get(struct isms_sync *s, const char *id)
{
	Isms__V1__Request *req = request_for("get");
	Isms__V1__Reply *r;
	Isms__V1__Record *rec;

	req->get->id = strdup(id);
	r = call(s, req);
	if (code(r) != 0)
		fail_msg("get %s: %s", id, r->status->message);
	rec = r->record;
	r->record = NULL;
	r->result_case = ISMS__V1__REPLY__RESULT__NOT_SET;
	isms_reply_free(r);
	return rec;
}

/* Puts one record (freed after); the reply. */
Isms__V1__Reply *
put1(struct isms_sync *s, Isms__V1__Put *p)
{
	Isms__V1__Request *req = request_for("put");

	protobuf_c_message_free_unpacked(&req->put->base, NULL);
	req->put = p;
	return call(s, req);
}

void
rec_free(Isms__V1__Record *r)
{
	protobuf_c_message_free_unpacked(&r->base, NULL);
}
