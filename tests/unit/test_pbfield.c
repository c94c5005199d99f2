/* test_pbfield.c: descriptor-driven paths, copies, validation, enums. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pbfield.h"
#include "pbwire.h"
#include "proto/isms.pb-c.h"

#define RD (&isms__v1__record__descriptor)

static Isms__V1__Record *
new_risk(void)
{
	Isms__V1__Record *r = (Isms__V1__Record *)pb_new(RD);

	pb_submsg(&r->base, pb_field_by_name(RD, "risk"), true);
	return r;
}

static void
set(Isms__V1__Record *r, const char *path, const char *text)
{
	struct pb_path p;
	struct isms_err err;
	ProtobufCMessage *m = &r->base;
	int i;

	assert_int_equal(pb_path_resolve(RD, path, &p, &err), 0);
	for (i = 0; i < p.n - 1; i++)
		m = pb_submsg(m, p.fd[i], true);
	assert_int_equal(pb_field_set_text(m, p.fd[p.n - 1], text, &err), 0);
}

static void
test_resolve(void **state)
{
	struct pb_path p;
	struct isms_err err;
	char buf[64];

	(void)state;
	assert_int_equal(pb_path_resolve(RD, "risk.acceptance.by", &p, &err),
	                 0);
	assert_int_equal(p.n, 3);
	pb_path_format(&p, buf, sizeof buf);
	assert_string_equal(buf, "risk.acceptance.by");
	assert_int_equal(pb_path_resolve(RD, "risk.nope", &p, &err),
	                 -ISMS_EINVAL);
	assert_string_equal(err.msg, "unknown field 'nope' in Risk");
	assert_int_equal(pb_path_resolve(RD, "title.x", &p, &err),
	                 -ISMS_EINVAL);
}

static void
test_set_text_and_format(void **state)
{
	Isms__V1__Record *r = new_risk();
	struct isms_err err;
	char buf[64];

	(void)state;
	set(r, "title", "Laptop theft");
	set(r, "risk.likelihood", "3");
	set(r, "risk.status", "assessed");
	set(r, "risk.treatment", "RISK_TREATMENT_MITIGATE");
	set(r, "tags", "laptops");
	set(r, "tags", "travel");
	assert_string_equal(r->title, "Laptop theft");
	assert_true(r->risk->has_likelihood);
	assert_int_equal(r->risk->likelihood, 3);
	assert_int_equal(r->risk->status,
	                 ISMS__V1__RISK_STATUS__RISK_STATUS_ASSESSED);
	assert_int_equal(r->risk->treatment,
	                 ISMS__V1__RISK_TREATMENT__RISK_TREATMENT_MITIGATE);
	assert_int_equal(r->n_tags, 2);
	pb_field_format(&r->risk->base,
	                pb_field_by_name(&isms__v1__risk__descriptor, "status"),
	                0, buf, sizeof buf);
	assert_string_equal(buf, "assessed");
	pb_field_format(&r->base, pb_field_by_name(RD, "tags"), 1, buf,
	                sizeof buf);
	assert_string_equal(buf, "travel");
	/* Bad values name the field and the type. */
	assert_int_equal(
	    pb_field_set_text(
	        &r->risk->base,
	        pb_field_by_name(&isms__v1__risk__descriptor, "impact"), "high",
	        &err),
	    -ISMS_EINVAL);
	assert_string_equal(
	    err.msg, "field 'impact' expects an unsigned integer, got 'high'");
	assert_int_equal(
	    pb_field_set_text(
	        &r->risk->base,
	        pb_field_by_name(&isms__v1__risk__descriptor, "status"),
	        "bogus", &err),
	    -ISMS_EINVAL);
	assert_string_equal(
	    err.msg, "field 'status' expects one of "
	             "open|assessed|treating|accepted|closed, got 'bogus'");
	assert_int_equal(
	    pb_field_set_text(
	        &r->risk->base,
	        pb_field_by_name(&isms__v1__risk__descriptor, "impact"), "-1",
	        &err),
	    -ISMS_EINVAL);
	pb_field_remove_text(&r->base, pb_field_by_name(RD, "tags"), "laptops");
	assert_int_equal(r->n_tags, 1);
	assert_string_equal(r->tags[0], "travel");
	protobuf_c_message_free_unpacked(&r->base, NULL);
}

static void
test_path_copy_and_clear(void **state)
{
	Isms__V1__Record *dst = new_risk(), *src = new_risk();
	struct pb_path p;

	(void)state;
	set(dst, "title", "old");
	set(dst, "owner", "alice");
	set(dst, "risk.impact", "2");
	set(dst, "risk.threat", "thief");
	set(src, "risk.impact", "5");
	set(src, "risk.acceptance.by", "bob");
	/* Copy impact: threat and owner are untouched. */
	assert_int_equal(pb_path_resolve(RD, "risk.impact", &p, NULL), 0);
	pb_path_copy(&dst->base, &src->base, &p);
	assert_int_equal(dst->risk->impact, 5);
	assert_string_equal(dst->risk->threat, "thief");
	assert_string_equal(dst->owner, "alice");
	/* A nested path creates the parent in dst. */
	assert_int_equal(pb_path_resolve(RD, "risk.acceptance.by", &p, NULL),
	                 0);
	pb_path_copy(&dst->base, &src->base, &p);
	assert_non_null(dst->risk->acceptance);
	assert_string_equal(dst->risk->acceptance->by, "bob");
	/* Absent in src: the path is cleared in dst. */
	assert_int_equal(pb_path_resolve(RD, "risk.threat", &p, NULL), 0);
	pb_path_copy(&dst->base, &src->base, &p);
	assert_null(dst->risk->threat);
	assert_int_equal(pb_path_resolve(RD, "owner", &p, NULL), 0);
	pb_path_copy(&dst->base, &src->base, &p);
	assert_null(dst->owner);
	assert_string_equal(dst->title, "old");
	protobuf_c_message_free_unpacked(&dst->base, NULL);
	protobuf_c_message_free_unpacked(&src->base, NULL);
}

static void
test_oneof_switch(void **state)
{
	Isms__V1__Record *r = new_risk();

	(void)state;
	set(r, "risk.threat", "x");
	/* Creating the asset body drops the risk body (one oneof). */
	pb_submsg(&r->base, pb_field_by_name(RD, "asset"), true);
	assert_int_equal(r->body_case, ISMS__V1__RECORD__BODY_ASSET);
	assert_false(pb_field_present(&r->base, pb_field_by_name(RD, "risk")));
	protobuf_c_message_free_unpacked(&r->base, NULL);
}

static void
test_dup_is_deep(void **state)
{
	Isms__V1__Record *r = new_risk(), *c;
	uint8_t a[256], b[256];
	size_t la, lb;

	(void)state;
	set(r, "title", "t");
	set(r, "tags", "x");
	set(r, "risk.acceptance.until", "2027-01-01");
	c = (Isms__V1__Record *)pb_dup(&r->base);
	la = isms__v1__record__pack(r, a);
	lb = isms__v1__record__pack(c, b);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	assert_ptr_not_equal(c->title, r->title);
	assert_ptr_not_equal(c->risk->acceptance, r->risk->acceptance);
	protobuf_c_message_free_unpacked(&r->base, NULL);
	protobuf_c_message_free_unpacked(&c->base, NULL);
}

/* pb_equal compares field by field, down through nested and repeated
 * messages and unknown fields; a copy is equal, one change anywhere not. */
static void
test_equal_nested(void **state)
{
	static const uint8_t wire[] = {0x1a, 0x01, 't', 0x98, 0x06, 0x05};
	static const uint8_t wire6[] = {0x1a, 0x01, 't', 0x98, 0x06, 0x06};
	Isms__V1__Record *r = new_risk(), *c, *u, *u6;

	(void)state;
	set(r, "title", "t");
	set(r, "tags", "x");
	set(r, "risk.acceptance.until", "2027-01-01");
	c = (Isms__V1__Record *)pb_dup(&r->base);
	assert_true(pb_equal(&r->base, &c->base));
	assert_true(
	    pb_field_equal(&r->base, &c->base, pb_field_by_name(RD, "risk")));
	set(c, "risk.acceptance.until", "2027-01-02");
	assert_false(pb_equal(&r->base, &c->base));
	assert_false(
	    pb_field_equal(&r->base, &c->base, pb_field_by_name(RD, "risk")));
	assert_true(
	    pb_field_equal(&r->base, &c->base, pb_field_by_name(RD, "tags")));
	set(c, "risk.acceptance.until", "2027-01-01");
	assert_true(pb_equal(&r->base, &c->base));
	set(c, "tags", "y");
	assert_false(pb_equal(&r->base, &c->base));
	assert_false(pb_equal(&r->base, NULL));
	assert_true(pb_equal(NULL, NULL));
	/* Another message type is never equal. */
	assert_false(pb_equal(&r->base, &r->risk->base));
	/* Unknown fields: same bytes equal, another value not. */
	u = isms__v1__record__unpack(NULL, sizeof wire, wire);
	u6 = isms__v1__record__unpack(NULL, sizeof wire6, wire6);
	assert_non_null(u);
	assert_non_null(u6);
	assert_false(pb_equal(&u->base, &u6->base));
	pb_strip_unknown(&u->base);
	assert_false(pb_equal(&u->base, &u6->base));
	pb_strip_unknown(&u6->base);
	assert_true(pb_equal(&u->base, &u6->base));
	isms__v1__record__free_unpacked(u, NULL);
	isms__v1__record__free_unpacked(u6, NULL);
	protobuf_c_message_free_unpacked(&r->base, NULL);
	protobuf_c_message_free_unpacked(&c->base, NULL);
}

static void
test_validate(void **state)
{
	Isms__V1__Record *r = new_risk();
	struct isms_err err;

	(void)state;
	set(r, "title", "ok");
	assert_int_equal(pb_validate(&r->base, &err), 0);
	r->risk->has_status = 1;
	r->risk->status = 77;
	assert_int_equal(pb_validate(&r->base, &err), -ISMS_EINVAL);
	assert_string_equal(err.msg,
	                    "field 'risk.status' has unknown enum value 77");
	r->risk->status = 1;
	free(r->title);
	r->title = strdup("bad \xc3\x28 utf8");
	assert_int_equal(pb_validate(&r->base, &err), -ISMS_EINVAL);
	assert_string_equal(err.msg, "field 'title' is not valid UTF-8");
	free(r->title);
	r->title = strdup("ok");
	/* A field in a repeated message: the path through it. */
	r->links = calloc(1, sizeof *r->links);
	r->links[0] = (Isms__V1__Link *)pb_new(&isms__v1__link__descriptor);
	r->links[0]->rel = strdup("bad \xc3\x28");
	r->n_links = 1;
	assert_int_equal(pb_validate(&r->base, &err), -ISMS_EINVAL);
	assert_string_equal(err.msg, "field 'links.rel' is not valid UTF-8");
	assert_false(pb_utf8_valid("\xed\xa0\x80", 3)); /* surrogate */
	assert_false(pb_utf8_valid("\xc0\xaf", 2));     /* overlong */
	assert_true(pb_utf8_valid("Gr\xc3\xbc\xc3\x9f", 6));
	/* A bad byte anywhere in runs of ASCII read eight at a time, and a
	 * sequence across their boundary, or cut by the end. */
	{
		char buf[24];
		size_t i;

		memset(buf, 'a', sizeof buf);
		assert_true(pb_utf8_valid(buf, sizeof buf));
		for (i = 0; i < sizeof buf; i++) {
			buf[i] = (char)0xff;
			assert_false(pb_utf8_valid(buf, sizeof buf));
			buf[i] = 'a';
		}
		for (i = 0; i + 1 < sizeof buf; i++) {
			memcpy(buf + i, "\xc3\xbc", 2);
			assert_true(pb_utf8_valid(buf, sizeof buf));
			assert_false(pb_utf8_valid(buf, i + 1));
			memset(buf + i, 'a', 2);
		}
	}
	protobuf_c_message_free_unpacked(&r->base, NULL);
}

static void
test_strip_unknown(void **state)
{
	/* A Record with title (3) and an unknown field 99 (varint 5). */
	static const uint8_t wire[] = {0x1a, 0x01, 't', 0x98, 0x06, 0x05};
	Isms__V1__Record *r;

	(void)state;
	r = isms__v1__record__unpack(NULL, sizeof wire, wire);
	assert_non_null(r);
	assert_int_equal(r->base.n_unknown_fields, 1);
	pb_strip_unknown(&r->base);
	assert_int_equal(r->base.n_unknown_fields, 0);
	assert_int_equal(isms__v1__record__get_packed_size(r), 3);
	isms__v1__record__free_unpacked(r, NULL);
}

/* A NUL inside a string on the wire is refused, naming the field by its
 * whole path; the same bytes without it pass. */
static void
test_wire_nul(void **state)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Put put = ISMS__V1__PUT__INIT;
	Isms__V1__Record rec = ISMS__V1__RECORD__INIT;
	struct isms_err err = {0};
	uint8_t buf[256], *x;
	size_t n;

	(void)state;
	rec.title = "abcXdef";
	put.record = &rec;
	req.call_case = ISMS__V1__REQUEST__CALL_PUT;
	req.put = &put;
	n = isms__v1__request__pack(&req, buf);
	assert_int_equal(
	    pb_wire_check(&isms__v1__request__descriptor, buf, n, NULL, &err),
	    0);
	x = memchr(buf, 'X', n);
	assert_non_null(x);
	*x = '\0';
	assert_int_equal(
	    pb_wire_check(&isms__v1__request__descriptor, buf, n, NULL, &err),
	    -ISMS_EINVAL);
	assert_string_equal(err.msg,
	                    "field 'put.record.title' holds a NUL byte");
}

/* Packs req into buf (len bytes); returns its size. */
static size_t
pack_request(const Isms__V1__Request *req, uint8_t *buf, size_t len)
{
	assert_true(isms__v1__request__get_packed_size(req) <= len);
	return isms__v1__request__pack(req, buf);
}

/* Strings and bytes over max_string, and repeated fields (plain, packed,
 * of messages) over max_repeated, are refused by path; at the limit they
 * pass, and without limits anything does. */
static void
test_wire_limits(void **state)
{
	static const struct pb_wire_limits lim = {8, 3};
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Put put = ISMS__V1__PUT__INIT;
	Isms__V1__Record rec = ISMS__V1__RECORD__INIT;
	Isms__V1__Subscribe sub = ISMS__V1__SUBSCRIBE__INIT;
	Isms__V1__CatalogLoad cl = ISMS__V1__CATALOG_LOAD__INIT;
	Isms__V1__CatalogItem item = ISMS__V1__CATALOG_ITEM__INIT;
	Isms__V1__CatalogItem *items[4] = {&item, &item, &item, &item};
	Isms__V1__EventType types[4] = {1, 2, 300, 4};
	char *tags[4] = {"a", "b", "c", "d"};
	const Isms__V1__Request *r = &req;
	struct isms_err err = {0};
	uint8_t buf[512];
	size_t n;

	(void)state;
	rec.title = "12345678";
	rec.n_tags = 3;
	rec.tags = tags;
	put.record = &rec;
	req.call_case = ISMS__V1__REQUEST__CALL_PUT;
	req.put = &put;
	n = pack_request(r, buf, sizeof buf);
	assert_int_equal(
	    pb_wire_check(&isms__v1__request__descriptor, buf, n, &lim, &err),
	    0);
	rec.title = "123456789";
	n = pack_request(r, buf, sizeof buf);
	assert_int_equal(
	    pb_wire_check(&isms__v1__request__descriptor, buf, n, &lim, &err),
	    -ISMS_EINVAL);
	assert_string_equal(err.msg, "field 'put.record.title' is 9 bytes "
	                             "long, over the limit of 8 (max-string)");
	assert_int_equal(
	    pb_wire_check(&isms__v1__request__descriptor, buf, n, NULL, &err),
	    0);
	rec.title = "t";
	rec.n_tags = 4;
	n = pack_request(r, buf, sizeof buf);
	assert_int_equal(
	    pb_wire_check(&isms__v1__request__descriptor, buf, n, &lim, &err),
	    -ISMS_EINVAL);
	assert_string_equal(err.msg,
	                    "field 'put.record.tags' has more than 3 elements "
	                    "(max-repeated)");
	/* Repeated messages count the same. */
	cl.n_items = 4;
	cl.items = items;
	req.call_case = ISMS__V1__REQUEST__CALL_CATALOG_LOAD;
	req.catalog_load = &cl;
	n = pack_request(r, buf, sizeof buf);
	assert_int_equal(
	    pb_wire_check(&isms__v1__request__descriptor, buf, n, &lim, &err),
	    -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "'catalog_load.items'"));
	/* A packed run of enums counts its elements (300 takes 2 bytes):
	 * three are within the limit, so what refuses them is the value
	 * 300, which EventType does not know. */
	sub.n_types = 3;
	sub.types = types;
	req.call_case = ISMS__V1__REQUEST__CALL_SUBSCRIBE;
	req.subscribe = &sub;
	n = pack_request(r, buf, sizeof buf);
	assert_int_equal(
	    pb_wire_check(&isms__v1__request__descriptor, buf, n, &lim, &err),
	    -ISMS_EINVAL);
	assert_string_equal(
	    err.msg, "field 'subscribe.types' has unknown enum value 300");
	/* One packed run of four varints (300 takes two bytes) is over the
	 * limit, counted before any value is looked at; of three it is
	 * within it. */
	{
		static const uint8_t four[] = {
		    0xb2, 0x01, 0x07, /* subscribe, 7 bytes */
		    0x12, 0x05, 1,    2, 0xac, 0x02, 4}; /* types, packed */
		static const uint8_t three[] = {0xb2, 0x01, 0x06, 0x12, 0x04,
		                                1,    2,    0xac, 0x02};

		assert_int_equal(pb_wire_check(&isms__v1__request__descriptor,
		                               four, sizeof four, &lim, &err),
		                 -ISMS_EINVAL);
		assert_string_equal(err.msg,
		                    "field 'subscribe.types' has more than 3 "
		                    "elements (max-repeated)");
		assert_int_equal(pb_wire_check(&isms__v1__request__descriptor,
		                               three, sizeof three, &lim, &err),
		                 -ISMS_EINVAL);
		assert_string_equal(
		    err.msg,
		    "field 'subscribe.types' has unknown enum value 300");
	}
}

/* Checks buf (n bytes) as a Request on the wire: refused with msg, which
 * is also what pb_validate says of it unpacked. */
static void
wire_refuses(const uint8_t *buf, size_t n, const char *msg)
{
	const ProtobufCMessageDescriptor *md = &isms__v1__request__descriptor;
	struct isms_err err = {0};
	ProtobufCMessage *m;

	assert_int_equal(pb_wire_check(md, buf, n, NULL, &err), -ISMS_EINVAL);
	assert_string_equal(err.msg, msg);
	m = protobuf_c_message_unpack(md, NULL, n, buf);
	assert_non_null(m);
	assert_int_equal(pb_validate(m, &err), -ISMS_EINVAL);
	assert_string_equal(err.msg, msg);
	protobuf_c_message_free_unpacked(m, NULL);
}

/* The wire walk checks what pb_validate does, in its words: UTF-8 of a
 * nested and a repeated string, enums nested, repeated, packed. */
static void
test_wire_validate(void **state)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Put put = ISMS__V1__PUT__INIT;
	Isms__V1__Record rec = ISMS__V1__RECORD__INIT;
	Isms__V1__Risk risk = ISMS__V1__RISK__INIT;
	Isms__V1__Subscribe sub = ISMS__V1__SUBSCRIBE__INIT;
	Isms__V1__EventType types[3] = {1, 2, 4};
	char *tags[3] = {"a", "Gr\xc3\xbc\xc3\x9f", "c"};
	struct isms_err err = {0};
	uint8_t buf[512];
	size_t n;

	(void)state;
	rec.title = "ok";
	rec.n_tags = 3;
	rec.tags = tags;
	rec.body_case = ISMS__V1__RECORD__BODY_RISK;
	rec.risk = &risk;
	risk.has_status = 1;
	risk.status = 1;
	put.record = &rec;
	req.call_case = ISMS__V1__REQUEST__CALL_PUT;
	req.put = &put;
	n = pack_request(&req, buf, sizeof buf);
	assert_int_equal(
	    pb_wire_check(&isms__v1__request__descriptor, buf, n, NULL, &err),
	    0);
	rec.title = "bad \xc3\x28 utf8";
	n = pack_request(&req, buf, sizeof buf);
	wire_refuses(buf, n, "field 'put.record.title' is not valid UTF-8");
	rec.title = "ok";
	tags[2] = "\xed\xa0\x80"; /* a surrogate */
	n = pack_request(&req, buf, sizeof buf);
	wire_refuses(buf, n, "field 'put.record.tags' is not valid UTF-8");
	tags[2] = "c";
	risk.status = 77;
	n = pack_request(&req, buf, sizeof buf);
	wire_refuses(
	    buf, n, "field 'put.record.risk.status' has unknown enum value 77");
	risk.status = -3; /* ten bytes on the wire */
	n = pack_request(&req, buf, sizeof buf);
	wire_refuses(
	    buf, n, "field 'put.record.risk.status' has unknown enum value -3");
	/* Repeated enums, as protobuf-c packs them. */
	sub.n_types = 3;
	sub.types = types;
	req.call_case = ISMS__V1__REQUEST__CALL_SUBSCRIBE;
	req.subscribe = &sub;
	n = pack_request(&req, buf, sizeof buf);
	assert_int_equal(
	    pb_wire_check(&isms__v1__request__descriptor, buf, n, NULL, &err),
	    0);
	types[1] = 99;
	n = pack_request(&req, buf, sizeof buf);
	wire_refuses(buf, n,
	             "field 'subscribe.types' has unknown enum value 99");
	{
		/* One element at a time (wire type 0), and packed (2). */
		static const uint8_t plain[] = {
		    0xb2, 0x01, 0x04, /* subscribe */
		    0x10, 1,    0x10, 64};
		static const uint8_t packed[] = {0xb2, 0x01, 0x06, 0x12, 0x04,
		                                 1,    2,    0xac, 0x02};
		static const uint8_t good[] = {0xb2, 0x01, 0x07, 0x12, 0x02,
		                               1,    2,    0x10, 4};

		wire_refuses(
		    plain, sizeof plain,
		    "field 'subscribe.types' has unknown enum value 64");
		wire_refuses(packed, sizeof packed,
		             "field 'subscribe.types' has unknown enum value "
		             "300");
		assert_int_equal(pb_wire_check(&isms__v1__request__descriptor,
		                               good, sizeof good, NULL, &err),
		                 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_resolve),
	    cmocka_unit_test(test_set_text_and_format),
	    cmocka_unit_test(test_path_copy_and_clear),
	    cmocka_unit_test(test_oneof_switch),
	    cmocka_unit_test(test_dup_is_deep),
	    cmocka_unit_test(test_equal_nested),
	    cmocka_unit_test(test_validate),
	    cmocka_unit_test(test_strip_unknown),
	    cmocka_unit_test(test_wire_nul),
	    cmocka_unit_test(test_wire_limits),
	    cmocka_unit_test(test_wire_validate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
