/*
 * test_events.c: events against a real ismsd: they come in journal order,
 * replay then live across a reconnect with concurrent writers has no gap
 * and no duplicate, a subscriber that stops reading is dropped with
 * "resync from seq N" while another keeps receiving, and the filters.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>

#include "events_fx.h"
#include "frame.h"

static int
teardown(void **state)
{
	struct daemon_fx *fx = *state;

	if (fx != NULL) {
		daemon_fx_cleanup(fx);
		free(fx);
	}
	return 0;
}

/* A daemon with extra flags, kept in *state for teardown. */
static struct daemon_fx *
fx_new(void **state, const char *const *extra)
{
	struct daemon_fx *fx = calloc(1, sizeof *fx);

	assert_non_null(fx);
	*state = fx;
	efx_start(fx, extra);
	return fx;
}

/* Asserts rows hold exactly the seqs first..last, in order. */
static void
assert_contiguous(const struct evrows *rows, uint64_t first, uint64_t last)
{
	size_t i;

	assert_int_equal(rows->n, last - first + 1);
	for (i = 0; i < rows->n; i++)
		if (rows->r[i].seq != first + i)
			fail_msg("event %zu has seq %llu, expected %llu", i,
			         (unsigned long long)rows->r[i].seq,
			         (unsigned long long)(first + i));
}

/* Asserts every event equals the journal entry with its seq. */
static void
assert_as_journal(const struct evrows *got, const struct evrows *j)
{
	const struct evrow *a, *b;
	size_t i;

	for (i = 0; i < got->n; i++) {
		a = &got->r[i];
		assert_true(a->seq >= 1 && a->seq <= j->n);
		b = &j->r[a->seq - 1];
		assert_int_equal(b->seq, a->seq);
		assert_int_equal(a->type, b->type);
		assert_string_equal(a->id, b->id);
		assert_int_equal(a->rev, b->rev);
		assert_memory_equal(a->hash, b->hash, sizeof a->hash);
	}
}

/* A subscription replaying after since (replay) or live only. */
static void
sub_init(Isms__V1__Subscribe *s, bool replay, uint64_t since)
{
	isms__v1__subscribe__init(s);
	s->has_replay = s->replay = replay;
	s->has_since_seq = replay;
	s->since_seq = since;
}

struct want {
	struct evsub *sub; /* nsub of them (0: one) */
	size_t nsub;
	uint64_t seq; /* the last seq it must have */
	size_t n;     /* or at least this many events */
	struct evwriters *w;
	int total;
};

/* Each subscription has an event with seq >= want->seq, or n events. */
static bool
got_enough(void *arg)
{
	struct want *w = arg;
	const struct evrows *g;
	size_t i;

	for (i = 0; i < (w->nsub > 0 ? w->nsub : 1); i++) {
		g = &w->sub[i].got;
		if (w->n > 0 ? g->n < w->n
		             : g->n == 0 || g->r[g->n - 1].seq < w->seq)
			return false;
	}
	return true;
}

/* Every writer put was acknowledged. */
static bool
writers_done(void *arg)
{
	struct want *w = arg;

	return atomic_load(&w->w->finished) >= w->total;
}

/* Every subscription of want is confirmed. */
static bool
all_subscribed(void *arg)
{
	struct want *w = arg;
	size_t i;

	for (i = 0; i < w->nsub; i++)
		if (!w->sub[i].subscribed)
			return false;
	return true;
}

static void
test_replay_live_reconnect(void **state)
{
	struct daemon_fx *fx = fx_new(state, NULL);
	struct isms_sync *s = efx_sync(fx);
	struct event_base *base = event_base_new();
	struct evwriters w = {.endpoint = fx->endpoint,
	                      .nthreads = 4,
	                      .per_thread = 150,
	                      .title_len = 16,
	                      .pause_us = 2000};
	struct evsub sub1 = {0}, sub2 = {0};
	struct evrows j = {0};
	Isms__V1__Subscribe sb;
	struct want want = {0};
	struct isms_err err;
	uint64_t head0 = efx_head(s), last, head;
	int at_gap;

	assert_true(head0 > 0); /* the seeded catalog is journaled */
	sub1.client = isms_client_connect(base, fx->endpoint, &err);
	assert_non_null(sub1.client);
	sub_init(&sb, true, 0);
	efx_subscribe(sub1.client, &sb, &sub1);
	efx_writers_start(&w);

	/* Replay, then some live events; then the subscriber goes away. */
	want.sub = &sub1;
	want.seq = head0 + 60;
	assert_true(efx_pump(base, 30000, got_enough, &want));
	at_gap = atomic_load(&w.finished);
	assert_true(at_gap < w.nthreads * w.per_thread);
	last = sub1.got.r[sub1.got.n - 1].seq;
	isms_client_free(sub1.client);
	usleep(100 * 1000); /* writers go on while nobody listens */
	assert_true(atomic_load(&w.finished) > at_gap);

	sub2.client = isms_client_connect(base, fx->endpoint, &err);
	assert_non_null(sub2.client);
	sub_init(&sb, true, last);
	efx_subscribe(sub2.client, &sb, &sub2);
	want.sub = &sub2;
	want.w = &w;
	want.total = w.nthreads * w.per_thread;
	assert_true(efx_pump(base, 60000, writers_done, &want));
	efx_writers_join(&w);
	head = efx_head(s);
	want.seq = head;
	assert_true(efx_pump(base, 20000, got_enough, &want));
	efx_pump(base, 100, NULL, NULL); /* nothing more may come */

	assert_false(sub2.ended);
	assert_contiguous(&sub1.got, 1, last);
	assert_contiguous(&sub2.got, last + 1, head);
	efx_journal(s, 0, &j);
	assert_contiguous(&j, 1, head);
	assert_as_journal(&sub1.got, &j);
	assert_as_journal(&sub2.got, &j);
	assert_true(head >= head0 + (uint64_t)want.total);

	isms_client_free(sub2.client);
	evrows_free(&sub1.got);
	evrows_free(&sub2.got);
	evrows_free(&j);
	event_base_free(base);
	isms_sync_free(s);
}

/* A raw connection that sends one Subscribe (replay from 0), then idles. */
static int
raw_subscriber(const struct daemon_fx *fx)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Subscribe sb;
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	uint8_t buf[256];
	size_t n, h;
	int fd;

	sub_init(&sb, true, 0);
	req.has_id = 1;
	req.id = 7;
	req.call_case = ISMS__V1__REQUEST__CALL_SUBSCRIBE;
	req.subscribe = &sb;
	n = protobuf_c_message_get_packed_size(&req.base);
	h = frame_encode_header(buf, n);
	protobuf_c_message_pack(&req.base, buf + h);
	assert_true(strlen(fx->sock) < sizeof sun.sun_path);
	memcpy(sun.sun_path, fx->sock, strlen(fx->sock) + 1);
	assert_true((fd = socket(AF_UNIX, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof sun), 0);
	assert_int_equal(write(fd, buf, h + n), (ssize_t)(h + n));
	return fd;
}

/* Reads everything the server sends on fd until it closes. */
static uint8_t *
raw_read_all(int fd, size_t *len)
{
	struct timeval tv = {20, 0};
	size_t cap = 1 << 20;
	uint8_t *buf = malloc(cap);
	ssize_t r;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	*len = 0;
	for (;;) {
		if (*len == cap)
			assert_non_null(buf = realloc(buf, cap *= 2));
		if ((r = read(fd, buf + *len, cap - *len)) <= 0)
			break;
		*len += (size_t)r;
	}
	assert_int_equal(r, 0); /* EOF, not the timeout */
	return buf;
}

/*
 * ngood subscribers that read and one that never does, while writers put
 * risks with 600-byte titles: each reader gets every event in order and
 * stays; the idle one gets a prefix, then "resync from seq N", then EOF.
 */
static void
slow_subscriber_among(void **state, size_t ngood, int nthreads, int per_thread)
{
	static const char *const extra[] = {"--sub-output-cap", "65536", NULL};
	struct daemon_fx *fx = fx_new(state, extra);
	struct isms_sync *s = efx_sync(fx);
	struct event_base *base = event_base_new();
	struct evwriters w = {.endpoint = fx->endpoint,
	                      .nthreads = nthreads,
	                      .per_thread = per_thread,
	                      .title_len = 600};
	struct evsub *good = calloc(ngood, sizeof *good);
	struct evrows slow = {0};
	Isms__V1__Subscribe sb;
	Isms__V1__Reply *r;
	struct want want = {.sub = good, .nsub = ngood};
	struct isms_err err;
	unsigned long long resync = 0;
	uint64_t head0 = efx_head(s), head;
	size_t len, off = 0, hl, ml, i;
	int fd = raw_subscriber(fx), code = -1, replies = 0;
	uint8_t *buf;

	assert_non_null(good);
	sub_init(&sb, false, 0);
	for (i = 0; i < ngood; i++) {
		good[i].client = isms_client_connect(base, fx->endpoint, &err);
		assert_non_null(good[i].client);
		efx_subscribe(good[i].client, &sb, &good[i]);
	}
	assert_true(efx_pump(base, 10000, all_subscribed, &want));
	efx_writers_start(&w);
	want.w = &w;
	want.total = w.nthreads * w.per_thread;
	assert_true(efx_pump(base, 60000, writers_done, &want));
	efx_writers_join(&w);
	head = efx_head(s);
	want.seq = head;
	assert_true(efx_pump(base, 20000, got_enough, &want));

	/* The reading subscribers saw everything and are still there. */
	for (i = 0; i < ngood; i++) {
		assert_false(good[i].ended);
		assert_contiguous(&good[i].got, head0 + 1, head);
	}

	/* The idle one: events up to N, then "resync from seq N", EOF. */
	buf = raw_read_all(fd, &len);
	while (off < len) {
		assert_int_equal(frame_decode_header(buf + off, len - off,
		                                     FRAME_MAX_DEFAULT, &hl,
		                                     &ml),
		                 FRAME_OK);
		assert_true(off + hl + ml <= len);
		r = (Isms__V1__Reply *)protobuf_c_message_unpack(
		    &isms__v1__reply__descriptor, NULL, ml, buf + off + hl);
		assert_non_null(r);
		assert_int_equal(r->id, 7);
		assert_int_equal(code, -1); /* nothing after the final reply */
		replies++;
		if (r->status != NULL && r->status->code != 0) {
			code = (int)r->status->code;
			assert_int_equal(sscanf(r->status->message,
			                        "resync from seq %llu",
			                        &resync),
			                 1);
		} else if (r->event != NULL)
			evrows_add(&slow, r->event);
		protobuf_c_message_free_unpacked(&r->base, NULL);
		off += hl + ml;
	}
	assert_int_equal(code, ISMS__V1__CODE__RESOURCE_EXHAUSTED);
	assert_true(resync < head); /* dropped before the end */
	assert_contiguous(&slow, 1, resync);
	assert_true(replies >= 2);

	free(buf);
	close(fd);
	for (i = 0; i < ngood; i++) {
		isms_client_free(good[i].client);
		evrows_free(&good[i].got);
	}
	free(good);
	evrows_free(&slow);
	event_base_free(base);
	isms_sync_free(s);
}

static void
test_slow_subscriber_dropped(void **state)
{
	slow_subscriber_among(state, 1, 2, 700);
}

/* The same among 96 readers, one event at a time (one writer): every
 * fan-out run serves them all while the idle socket fills. */
static void
test_slow_subscriber_among_many(void **state)
{
	slow_subscriber_among(state, 96, 1, 1200);
}

/* Sends one call that must succeed. */
static void
call_ok(struct isms_sync *s, Isms__V1__Request *req)
{
	struct isms_err err;
	Isms__V1__Reply *r = isms_sync_call(s, req, &err);

	if (r == NULL)
		fail_msg("call: %s", err.msg);
	if (r->status != NULL && r->status->code != 0)
		fail_msg("call: %s", r->status->message);
	isms_reply_free(r);
}

/* Changes the title of a record. */
static void
retitle(struct isms_sync *s, const char *id, const char *title)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Put put = ISMS__V1__PUT__INIT;
	Isms__V1__Record rec = ISMS__V1__RECORD__INIT;
	Isms__V1__Risk risk = ISMS__V1__RISK__INIT;
	char *mask[] = {"title"};

	rec.id = (char *)id;
	rec.title = (char *)title;
	rec.body_case = ISMS__V1__RECORD__BODY_RISK;
	rec.risk = &risk;
	put.record = &rec;
	put.n_update_mask = 1;
	put.update_mask = mask;
	req.call_case = ISMS__V1__REQUEST__CALL_PUT;
	req.put = &put;
	call_ok(s, &req);
}

/* Archives a record. */
static void
archive(struct isms_sync *s, const char *id)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Archive ar = ISMS__V1__ARCHIVE__INIT;

	ar.id = (char *)id;
	req.call_case = ISMS__V1__REQUEST__CALL_ARCHIVE;
	req.archive = &ar;
	call_ok(s, &req);
}

/* Reviews a record. */
static void
review(struct isms_sync *s, const char *id)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Review rv = ISMS__V1__REVIEW__INIT;

	rv.id = (char *)id;
	req.call_case = ISMS__V1__REQUEST__CALL_REVIEW;
	req.review = &rv;
	call_ok(s, &req);
}

/* One filtered subscription and the entries it should match. */
struct filt {
	const char *regs[2];
	int types[3];
	const char *owner;
	struct evsub sub;
	struct evrows want;
};

/* Whether journal row e passes f's filters (the server's rules). */
static bool
filt_match(const struct filt *f, const struct evrow *e)
{
	bool ok;
	int i;

	for (i = 0, ok = f->regs[0] == NULL; f->regs[i] != NULL; i++)
		ok = ok || strcmp(f->regs[i], e->reg) == 0;
	if (!ok)
		return false;
	for (i = 0, ok = f->types[0] == 0; f->types[i] != 0; i++)
		ok = ok || f->types[i] == e->type;
	return ok && (f->owner == NULL || strcmp(f->owner, e->owner) == 0);
}

/* Sends f's Subscribe (live only) on c. */
static void
filt_subscribe(struct isms_client *c, struct filt *f)
{
	Isms__V1__Subscribe sb;
	Isms__V1__EventType types[3];
	size_t n;

	sub_init(&sb, false, 0);
	for (n = 0; f->regs[n] != NULL; n++)
		;
	sb.n_registers = n;
	sb.registers = (char **)f->regs;
	for (n = 0; f->types[n] != 0; n++)
		types[n] = (Isms__V1__EventType)f->types[n];
	sb.n_types = n;
	sb.types = types;
	sb.owner = (char *)f->owner;
	efx_subscribe(c, &sb, &f->sub);
}

/* Every filter got at least what it wants. */
static bool
filts_full(void *arg)
{
	struct filt *f = arg;
	int i;

	for (i = 0;
	     f[i].regs[0] != NULL || f[i].types[0] != 0 || f[i].owner != NULL;
	     i++)
		if (!f[i].sub.subscribed || f[i].sub.got.n < f[i].want.n)
			return false;
	return true;
}

static void
test_filters(void **state)
{
	struct filt f[] = {
	    {.regs = {"action"}},
	    {.regs = {"risk"},
	     .types = {ISMS__V1__EVENT_TYPE__EVENT_TYPE_CREATED}},
	    {.owner = "bob"},
	    {.types = {ISMS__V1__EVENT_TYPE__EVENT_TYPE_UPDATED,
	               ISMS__V1__EVENT_TYPE__EVENT_TYPE_ARCHIVED}},
	    {{NULL}},
	};
	const size_t nf = sizeof f / sizeof f[0] - 1;
	struct daemon_fx *fx = fx_new(state, NULL);
	struct isms_sync *s = efx_sync(fx);
	struct event_base *base = event_base_new();
	struct isms_client *c;
	struct evrows j = {0};
	struct isms_err err;
	uint64_t head0 = efx_head(s);
	char *r1, *r2, *a1, *a2;
	size_t i, k;

	/* Four subscriptions on one connection, each under its own id. */
	assert_non_null(c = isms_client_connect(base, fx->endpoint, &err));
	for (i = 0; i < nf; i++)
		filt_subscribe(c, &f[i]);
	assert_true(efx_pump(base, 10000, filts_full, f));

	r1 = efx_put(s, "risk", "Laptop theft", "alice");
	r2 = efx_put(s, "risk", "Phishing", "bob");
	a1 = efx_put(s, "action", "Encrypt disks", "bob");
	a2 = efx_put(s, "action", "Train staff", "carol");
	retitle(s, r1, "Laptop theft abroad");
	archive(s, a2);
	review(s, r2);
	efx_journal(s, head0, &j);
	assert_int_equal(j.n, 7);
	for (i = 0; i < nf; i++)
		for (k = 0; k < j.n; k++)
			if (filt_match(&f[i], &j.r[k]))
				evrows_add_row(&f[i].want, &j.r[k]);
	assert_int_equal(f[0].want.n, 3); /* a1, a2 created, a2 archived */
	assert_int_equal(f[1].want.n, 2); /* r1, r2 created */
	assert_int_equal(f[2].want.n, 3); /* r2, a1 created, r2 reviewed */
	assert_int_equal(f[3].want.n, 2); /* r1 updated, a2 archived */

	assert_true(efx_pump(base, 10000, filts_full, f));
	efx_pump(base, 200, NULL, NULL); /* and nothing else arrives */
	for (i = 0; i < nf; i++) {
		assert_int_equal(f[i].sub.got.n, f[i].want.n);
		for (k = 0; k < f[i].want.n; k++)
			assert_int_equal(f[i].sub.got.r[k].seq,
			                 f[i].want.r[k].seq);
		assert_false(f[i].sub.ended);
	}

	isms_client_free(c);
	for (i = 0; i < nf; i++) {
		evrows_free(&f[i].sub.got);
		evrows_free(&f[i].want);
	}
	evrows_free(&j);
	free(r1);
	free(r2);
	free(a1);
	free(a2);
	event_base_free(base);
	isms_sync_free(s);
}

/* A filter naming an unknown register or event type is refused, with
 * the name or number in the message (a type by the dispatcher). */
static void
test_filters_refused(void **state)
{
	static const struct {
		const char *reg;
		int type;
		const char *msg;
	} cases[] = {
	    {"nosuch", 0, "unknown register 'nosuch'"},
	    {NULL, 99, "field 'subscribe.types' has unknown enum value 99"},
	    {NULL, 64, "field 'subscribe.types' has unknown enum value 64"},
	};
	struct daemon_fx *fx = fx_new(state, NULL);
	struct isms_sync *s = efx_sync(fx);
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Subscribe sb;
	Isms__V1__EventType type;
	struct isms_err err;
	Isms__V1__Reply *r;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		sub_init(&sb, false, 0);
		sb.n_registers = cases[i].reg != NULL;
		sb.registers = (char **)&cases[i].reg;
		type = (Isms__V1__EventType)cases[i].type;
		sb.n_types = cases[i].type != 0;
		sb.types = &type;
		req.call_case = ISMS__V1__REQUEST__CALL_SUBSCRIBE;
		req.subscribe = &sb;
		r = isms_sync_call(s, &req, &err);
		if (r == NULL)
			fail_msg("subscribe: %s", err.msg);
		assert_non_null(r->status);
		assert_int_equal(r->status->code,
		                 ISMS__V1__CODE__INVALID_ARGUMENT);
		assert_string_equal(r->status->message, cases[i].msg);
		isms_reply_free(r);
	}
	isms_sync_free(s);
}

/* Creates user name with role and returns a new token of theirs. */
static char *
token_for(struct isms_sync *s, const char *name, int role)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__UserPut up = ISMS__V1__USER_PUT__INIT;
	Isms__V1__User u = ISMS__V1__USER__INIT;
	Isms__V1__TokenCreate tc = ISMS__V1__TOKEN_CREATE__INIT;
	struct isms_err err;
	Isms__V1__Reply *r;
	char *secret;

	u.name = (char *)name;
	u.has_role = 1;
	u.role = role;
	up.user = &u;
	up.has_create = up.create = 1;
	req.call_case = ISMS__V1__REQUEST__CALL_USER_PUT;
	req.user_put = &up;
	assert_non_null(r = isms_sync_call(s, &req, &err));
	assert_int_equal(r->status->code, 0);
	isms_reply_free(r);
	tc.owner = (char *)name;
	req.call_case = ISMS__V1__REQUEST__CALL_TOKEN_CREATE;
	req.token_create = &tc;
	assert_non_null(r = isms_sync_call(s, &req, &err));
	assert_int_equal(r->status->code, 0);
	secret = strdup(r->token_created->secret);
	isms_reply_free(r);
	return secret;
}

/* A hello reply: a refusal shows in the subscription that follows. */
static void
hello_ignored(struct isms_client *c, const Isms__V1__Reply *r, void *arg)
{
	(void)c;
	(void)r;
	(void)arg;
}

/* Subscribes sub with sb over plain TCP at ep, named by token. */
static void
token_subscribe(struct event_base *base, const char *ep, const char *token,
                Isms__V1__Subscribe *sb, struct evsub *sub)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Hello hello = ISMS__V1__HELLO__INIT;
	struct isms_client_opts o = {0};
	struct isms_err err;

	o.insecure = true;
	memset(sub, 0, sizeof *sub);
	sub->client = isms_client_connect_opts(base, ep, &o, &err);
	if (sub->client == NULL)
		fail_msg("connect %s: %s", ep, err.msg);
	hello.has_protocol_major = 1;
	hello.protocol_major = ISMS_PROTOCOL_MAJOR;
	hello.token = (char *)token;
	req.call_case = ISMS__V1__REQUEST__CALL_HELLO;
	req.hello = &hello;
	assert_true(isms_client_call(sub->client, &req, hello_ignored, NULL) !=
	            0);
	efx_subscribe(sub->client, sb, sub);
}

/* The subscription ended. */
static bool
sub_ended(void *arg)
{
	return ((struct evsub *)arg)->ended;
}

/* How many events of type t sub got. */
static size_t
count_type(const struct evsub *sub, int t)
{
	size_t i, n = 0;

	for (i = 0; i < sub->got.n; i++)
		n += sub->got.r[i].type == t;
	return n;
}

/*
 * Events by role: a replay reads the journal, so it needs the auditor
 * role (a viewer is refused, an auditor gets everything); live, a viewer
 * gets record events only, never user, token or method events, which an
 * auditor does get. ismsctl watch --since says why it is refused.
 */
static void
test_subscribe_roles(void **state)
{
	static char listen[64], ep[64];
	static const char *extra[] = {listen, "--insecure", NULL};
	int port = daemon_fx_free_port("127.0.0.1");
	struct daemon_fx *fx;
	struct isms_sync *admin;
	struct event_base *base = event_base_new();
	struct evsub subs[4];
	Isms__V1__Subscribe replay, live;
	struct want want = {0};
	char *vera, *aude, *uma, *id, out[2048];
	size_t i;

	snprintf(listen, sizeof listen, "--listen=tcp://127.0.0.1:%d", port);
	snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", port);
	fx = fx_new(state, extra);
	daemon_fx_wait_tcp("127.0.0.1", port);
	admin = efx_sync(fx);
	vera =
	    token_for(admin, "vera", ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_VIEWER);
	aude = token_for(admin, "aude",
	                 ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_AUDITOR);
	sub_init(&replay, true, 0);
	sub_init(&live, false, 0);
	/* Replay: the viewer is refused, the auditor reads it all. */
	token_subscribe(base, ep, vera, &replay, &subs[0]);
	assert_true(efx_pump(base, 10000, sub_ended, &subs[0]));
	assert_int_equal(subs[0].end_code, ISMS__V1__CODE__PERMISSION_DENIED);
	assert_non_null(strstr(subs[0].end_msg, "replay"));
	assert_non_null(strstr(subs[0].end_msg, "auditor"));
	assert_int_equal(subs[0].got.n, 0);
	token_subscribe(base, ep, aude, &replay, &subs[1]);
	want.sub = &subs[1];
	want.nsub = 1;
	want.seq = efx_head(admin);
	assert_true(efx_pump(base, 10000, got_enough, &want));
	assert_false(subs[1].ended);
	assert_true(count_type(&subs[1],
	                       ISMS__V1__EVENT_TYPE__EVENT_TYPE_USER_CHANGED) >=
	            2);
	/* Live: both subscribed, then users, a token and a record. */
	token_subscribe(base, ep, vera, &live, &subs[2]);
	token_subscribe(base, ep, aude, &live, &subs[3]);
	want.sub = &subs[2];
	want.nsub = 2;
	assert_true(efx_pump(base, 10000, all_subscribed, &want));
	uma =
	    token_for(admin, "uma", ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_VIEWER);
	id = efx_put(admin, "risk", "Live risk", "alice");
	want.seq = efx_head(admin);
	assert_true(efx_pump(base, 10000, got_enough, &want));
	assert_false(subs[2].ended);
	for (i = 0; i < subs[2].got.n; i++)
		if (subs[2].got.r[i].reg[0] == '\0')
			fail_msg(
			    "viewer got event %llu of type %d (no register)",
			    (unsigned long long)subs[2].got.r[i].seq,
			    subs[2].got.r[i].type);
	assert_string_equal(subs[2].got.r[subs[2].got.n - 1].id, id);
	assert_int_equal(
	    count_type(&subs[3], ISMS__V1__EVENT_TYPE__EVENT_TYPE_USER_CHANGED),
	    1);
	assert_int_equal(
	    count_type(&subs[3],
	               ISMS__V1__EVENT_TYPE__EVENT_TYPE_TOKEN_CHANGED),
	    1);
	assert_string_equal(subs[3].got.r[subs[3].got.n - 1].id, id);
	/* ismsctl watch --since as a viewer: refused, and says why. */
	assert_int_equal(daemon_fx_sh(fx, out, sizeof out,
	                              "ISMS_TOKEN='%s' \"$ISMSCTL\" --endpoint "
	                              "%s --insecure watch --since 0 2>&1",
	                              vera, ep),
	                 1);
	assert_non_null(strstr(out, "PERMISSION_DENIED"));
	assert_non_null(strstr(out, "without it, watch follows new record"));
	for (i = 0; i < 4; i++) {
		isms_client_free(subs[i].client);
		evrows_free(&subs[i].got);
	}
	event_base_free(base);
	free(vera);
	free(aude);
	free(uma);
	free(id);
	isms_sync_free(admin);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_replay_live_reconnect, teardown),
	    cmocka_unit_test_teardown(test_slow_subscriber_dropped, teardown),
	    cmocka_unit_test_teardown(test_slow_subscriber_among_many,
	                              teardown),
	    cmocka_unit_test_teardown(test_filters, teardown),
	    cmocka_unit_test_teardown(test_filters_refused, teardown),
	    cmocka_unit_test_teardown(test_subscribe_roles, teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
