/* test_links.c: links, the risk method and the catalog on real LMDB. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "catalog.h"
#include "links.h"
#include "method.h"
#include "pbfield.h"
#include "records.h"
#include "registers.h"
#include "store.h"
#include "store_fx.h"

#define setup    store_fx_setup_owners
#define teardown store_fx_teardown

static const struct records_actor who = {"alice", 1764320000};

/* Runs fn in one write txn; returns its rc (commits on 0). */
#define IN_TXN(st, expr)                                                       \
	({                                                                     \
		struct store_txn txn_;                                         \
		int rc_;                                                       \
		assert_int_equal(store_write_begin((st), NULL, &txn_), 0);     \
		struct store_txn *txn = &txn_;                                 \
		rc_ = (expr);                                                  \
		if (rc_ == 0)                                                  \
			assert_int_equal(store_commit(&txn_), 0);              \
		else                                                           \
			store_abort(&txn_);                                    \
		rc_;                                                           \
	})

/* Creates a record from field words on a fresh Record; returns its id. */
static char *
add(struct store *st, const char *reg, const char *const *words)
{
	Isms__V1__Put put = ISMS__V1__PUT__INIT;
	Isms__V1__Record *rec, *out = NULL;
	struct isms_err err;
	struct pb_path p;
	ProtobufCMessage *m;
	char path[128], *eq, *id;
	int i, rc;

	rec = (Isms__V1__Record *)pb_new(&isms__v1__record__descriptor);
	rec->owner = strdup("alice"); /* a user; words may name another */
	pb_submsg(&rec->base, pb_field_by_name(rec->base.descriptor, reg),
	          true);
	for (; *words != NULL; words++) {
		snprintf(path, sizeof path, "%s", *words);
		eq = strchr(path, '=');
		*eq = '\0';
		assert_int_equal(
		    pb_path_resolve(rec->base.descriptor, path, &p, &err), 0);
		m = &rec->base;
		for (i = 0; i < p.n - 1; i++)
			m = pb_submsg(m, p.fd[i], true);
		assert_int_equal(
		    pb_field_set_text(m, p.fd[p.n - 1], eq + 1, &err), 0);
	}
	put.record = rec;
	rc = IN_TXN(st, records_put(txn, &put, &who, &out, &err));
	if (rc != 0)
		fail_msg("add %s: %s", reg, err.msg);
	id = strdup(out->id);
	protobuf_c_message_free_unpacked(&out->base, NULL);
	protobuf_c_message_free_unpacked(&rec->base, NULL);
	return id;
}

static int
do_link(struct store *st, const char *src, const char *rel, const char *dst,
        bool remove, struct isms_err *err)
{
	Isms__V1__LinkEdit le = ISMS__V1__LINK_EDIT__INIT;
	Isms__V1__Record *out = NULL;
	int rc;

	le.source = (char *)src;
	le.rel = (char *)rel;
	le.target = (char *)dst;
	le.has_remove = 1;
	le.remove = remove;
	rc = IN_TXN(st, links_edit(txn, &le, &who, &out, err));
	if (out != NULL)
		protobuf_c_message_free_unpacked(&out->base, NULL);
	return rc;
}

/* Fault injection (-Wl,--wrap=store_put): while set, a put into the
 * links db fails with a sticky store error. */
static bool fail_links_put;

void __real_store_put(struct store_txn *, enum store_db, const void *, size_t,
                      const void *, size_t);

void __wrap_store_put(struct store_txn *, enum store_db, const void *, size_t,
                      const void *, size_t);

void
__wrap_store_put(struct store_txn *txn, enum store_db db, const void *key,
                 size_t klen, const void *val, size_t vlen)
{
	if (!fail_links_put || db != DB_LINKS) {
		__real_store_put(txn, db, key, klen, val, vlen);
		return;
	}
	if (txn->ret == 0) {
		txn->ret = -ISMS_EINTERNAL;
		snprintf(txn->msg, sizeof txn->msg, "store: put: injected");
	}
}

static Isms__V1__Record *
get(struct store *st, const char *id)
{
	Isms__V1__Record *out = NULL;
	struct store_txn txn;
	struct isms_err err;

	assert_int_equal(store_read_begin(st, &txn), 0);
	if (records_get(&txn, id, 0, &out, &err) != 0)
		fail_msg("get %s: %s", id, err.msg);
	store_read_end(&txn);
	return out;
}

static int
archive(struct store *st, const char *id, bool force, struct isms_err *err)
{
	Isms__V1__Archive a = ISMS__V1__ARCHIVE__INIT;
	Isms__V1__Record *out = NULL;
	int rc;

	a.id = (char *)id;
	a.has_force = 1;
	a.force = force;
	rc = IN_TXN(st, records_archive(txn, &a, &who, &out, err));
	if (out != NULL)
		protobuf_c_message_free_unpacked(&out->base, NULL);
	return rc;
}

static void
test_links(void **state)
{
	struct store_fx *fx = *state;
	static const char *const rw[] = {"title=Theft", "risk.likelihood=2",
	                                 "risk.impact=2", NULL};
	static const char *const aw[] = {"title=Laptops", NULL};
	char *r = add(fx->st, "risk", rw), *a = add(fx->st, "asset", aw);
	Isms__V1__LinksResult *res;
	Isms__V1__Record *rec;
	struct store_txn txn;
	struct isms_err err;

	assert_int_equal(do_link(fx->st, r, "affects", a, false, &err), 0);
	/* Linking twice changes nothing. */
	assert_int_equal(do_link(fx->st, r, "affects", a, false, &err), 0);
	rec = get(fx->st, r);
	assert_int_equal(rec->rev, 2);
	assert_int_equal(rec->n_links, 1);
	protobuf_c_message_free_unpacked(&rec->base, NULL);
	rec = get(fx->st, a);
	assert_int_equal(rec->n_linked_from, 1);
	assert_string_equal(rec->linked_from[0]->rel, "affects");
	assert_string_equal(rec->linked_from[0]->target, r);
	protobuf_c_message_free_unpacked(&rec->base, NULL);
	/* The target must exist; rels are identifiers. */
	assert_int_equal(do_link(fx->st, r, "affects", "AST-0404", false, &err),
	                 -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "AST-0404 does not exist"));
	assert_int_equal(do_link(fx->st, r, "Bad Rel", a, false, &err),
	                 -ISMS_EINVAL);
	/* The relations table: an unknown rel, or a pair its row does not
	 * join, is refused naming what a risk may link; nothing stored. */
	assert_int_equal(do_link(fx->st, r, "treatd_by", a, false, &err),
	                 -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "unknown relation 'treatd_by'"));
	assert_non_null(strstr(err.msg, "treated_by (to control"));
	assert_int_equal(do_link(fx->st, r, "treated_by", a, false, &err),
	                 -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "not an asset"));
	assert_int_equal(do_link(fx->st, a, "affects", r, false, &err),
	                 -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "not an asset"));
	rec = get(fx->st, r);
	assert_int_equal(rec->n_links, 1);
	protobuf_c_message_free_unpacked(&rec->base, NULL);
	/* Reverse lookup. */
	res = (Isms__V1__LinksResult *)pb_new(
	    &isms__v1__links_result__descriptor);
	assert_int_equal(store_read_begin(fx->st, &txn), 0);
	assert_int_equal(links_query(&txn, a, res, &err), 0);
	store_read_end(&txn);
	assert_int_equal(res->n_incoming, 1);
	assert_int_equal(res->n_outgoing, 0);
	protobuf_c_message_free_unpacked(&res->base, NULL);
	/* Archiving a linked record needs force and names who links. */
	assert_int_equal(archive(fx->st, a, false, &err), -ISMS_EPRECOND);
	assert_non_null(strstr(err.msg, r));
	assert_int_equal(do_link(fx->st, r, "affects", a, true, &err), 0);
	assert_int_equal(do_link(fx->st, r, "affects", a, true, &err),
	                 -ISMS_ENOTFOUND);
	rec = get(fx->st, a);
	assert_int_equal(rec->n_linked_from, 0);
	protobuf_c_message_free_unpacked(&rec->base, NULL);
	assert_int_equal(do_link(fx->st, r, "affects", a, false, &err), 0);
	assert_int_equal(archive(fx->st, a, true, &err), 0);
	/* Archived sources no longer count. */
	assert_int_equal(archive(fx->st, r, false, &err), 0);
	free(r);
	free(a);
}

static void
test_method_matrix(void **state)
{
	struct store_fx *fx = *state;
	static const char *const lvl[6] = {NULL, "low", "medium", "high",
	                                   "critical"};
	char words[2][32], *id;
	const char *w[4];
	Isms__V1__Record *rec;
	int l, i, want;

	/* Every cell of the default 5 x 5 matrix. */
	for (l = 1; l <= 5; l++)
		for (i = 1; i <= 5; i++) {
			snprintf(words[0], sizeof words[0],
			         "risk.likelihood=%d", l);
			snprintf(words[1], sizeof words[1], "risk.impact=%d",
			         i);
			w[0] = "title=cell";
			w[1] = words[0];
			w[2] = words[1];
			w[3] = NULL;
			id = add(fx->st, "risk", w);
			rec = get(fx->st, id);
			want = l * i >= 20   ? 4
			       : l * i >= 10 ? 3
			       : l * i >= 5  ? 2
			                     : 1;
			assert_int_equal(rec->risk->score, (uint32_t)(l * i));
			assert_string_equal(rec->risk->level, lvl[want]);
			assert_int_equal(rec->review_interval_days,
			                 want == 4   ? 30
			                 : want == 3 ? 90
			                 : want == 2 ? 180
			                             : 365);
			assert_int_equal(rec->risk->method_rev, 1);
			protobuf_c_message_free_unpacked(&rec->base, NULL);
			free(id);
		}
}

/* A method with high from min_high and likelihood scale n. */
static Isms__V1__RiskMethod *
method_with(uint32_t min_high, size_t n)
{
	Isms__V1__RiskMethod *m = method_default();

	m->levels[2]->min_score = min_high;
	m->n_likelihood_labels = n; /* the tail stays allocated: freed by n? */
	return m;
}

static void
test_method_change_rederives(void **state)
{
	struct store_fx *fx = *state;
	static const char *const rw[] = {"title=r", "risk.likelihood=3",
	                                 "risk.impact=3", NULL};
	static const char *const big[] = {"title=b", "risk.likelihood=5",
	                                  "risk.impact=1", NULL};
	Isms__V1__MethodSet set = ISMS__V1__METHOD_SET__INIT;
	Isms__V1__RiskMethod *m, *out = NULL;
	Isms__V1__Record *rec;
	struct isms_err err;
	char *id = add(fx->st, "risk", rw), *b;
	size_t keep;

	rec = get(fx->st, id);
	assert_string_equal(rec->risk->level, "medium"); /* 9 */
	protobuf_c_message_free_unpacked(&rec->base, NULL);
	m = method_with(8, 5);
	set.method = m;
	assert_int_equal(
	    IN_TXN(fx->st, method_set(txn, &set, &who, &out, &err)), 0);
	assert_int_equal(out->rev, 2);
	protobuf_c_message_free_unpacked(&out->base, NULL);
	rec = get(fx->st, id);
	assert_string_equal(rec->risk->level, "high");
	assert_int_equal(rec->risk->method_rev, 2);
	assert_int_equal(rec->rev, 2);
	assert_int_equal(rec->review_interval_days, 90);
	protobuf_c_message_free_unpacked(&rec->base, NULL);
	/* A stale expect_rev is a conflict. */
	set.has_expect_rev = 1;
	set.expect_rev = 1;
	assert_int_equal(
	    IN_TXN(fx->st, method_set(txn, &set, &who, &out, &err)),
	    -ISMS_ECONFLICT);
	set.has_expect_rev = 0;
	/* A scale that no longer fits a risk is refused, naming it. */
	b = add(fx->st, "risk", big);
	keep = m->n_likelihood_labels;
	m->n_likelihood_labels = 4;
	assert_int_equal(
	    IN_TXN(fx->st, method_set(txn, &set, &who, &out, &err)),
	    -ISMS_EPRECOND);
	assert_non_null(strstr(err.msg, b));
	m->n_likelihood_labels = keep;
	rec = get(fx->st, id);
	assert_int_equal(rec->risk->method_rev, 2); /* nothing changed */
	protobuf_c_message_free_unpacked(&rec->base, NULL);
	protobuf_c_message_free_unpacked(&m->base, NULL);
	free(id);
	free(b);
}

/* Counts controls per theme and requirements. */
static void
count_catalog(struct store *st, size_t theme[4], size_t *reqs)
{
	Isms__V1__List list = ISMS__V1__LIST__INIT;
	Isms__V1__ListResult *res;
	struct store_txn txn;
	struct isms_err err;
	size_t i;

	memset(theme, 0, 4 * sizeof *theme);
	list.register_ = "control";
	list.has_page_size = 1;
	list.page_size = 1000;
	res =
	    (Isms__V1__ListResult *)pb_new(&isms__v1__list_result__descriptor);
	assert_int_equal(store_read_begin(st, &txn), 0);
	assert_int_equal(records_list(&txn, &list, res, &err), 0);
	for (i = 0; i < res->n_records; i++) {
		const char *id = res->records[i]->id;

		assert_true(id[0] == 'A' && id[2] >= '5' && id[2] <= '8');
		theme[id[2] - '5']++;
		assert_string_equal(res->records[i]->control->edition,
		                    CATALOG_EDITION);
	}
	assert_string_equal(res->records[0]->id, "A.5.1");
	assert_string_equal(res->records[0]->control->theme,
	                    "A.5 Organizational controls");
	assert_string_equal(res->records[9]->id, "A.5.10");
	protobuf_c_message_free_unpacked(&res->base, NULL);
	list.register_ = "requirement";
	res =
	    (Isms__V1__ListResult *)pb_new(&isms__v1__list_result__descriptor);
	assert_int_equal(records_list(&txn, &list, res, &err), 0);
	store_read_end(&txn);
	*reqs = res->n_records;
	assert_string_equal(res->records[0]->id, "4");
	assert_string_equal(res->records[res->n_records - 1]->id, "10.2");
	protobuf_c_message_free_unpacked(&res->base, NULL);
}

static void
test_catalog_seed_and_load(void **state)
{
	struct store_fx *fx = *state;
	Isms__V1__CatalogItem item = ISMS__V1__CATALOG_ITEM__INIT, *items[1];
	Isms__V1__CatalogLoadResult res = ISMS__V1__CATALOG_LOAD_RESULT__INIT;
	Isms__V1__Put put = ISMS__V1__PUT__INIT;
	Isms__V1__Record rec = ISMS__V1__RECORD__INIT, *out = NULL;
	Isms__V1__Control ctl = ISMS__V1__CONTROL__INIT;
	char *mask[] = {"control.applicable", "control.justification", "owner"};
	struct isms_err err;
	size_t theme[4], reqs;
	bool seeded;

	assert_int_equal(IN_TXN(fx->st, catalog_seed(txn, &who, &seeded, &err)),
	                 0);
	assert_true(seeded);
	count_catalog(fx->st, theme, &reqs);
	assert_int_equal(reqs, 41);
	assert_int_equal(theme[0], 37);
	assert_int_equal(theme[1], 8);
	assert_int_equal(theme[2], 14);
	assert_int_equal(theme[3], 34);
	/* Not twice. */
	assert_int_equal(IN_TXN(fx->st, catalog_seed(txn, &who, &seeded, &err)),
	                 0);
	assert_false(seeded);
	count_catalog(fx->st, theme, &reqs);
	assert_int_equal(reqs, 41);
	assert_int_equal(theme[0] + theme[1] + theme[2] + theme[3], 93);
	/* The organisation answers for A.5.1 ... */
	rec.id = "A.5.1";
	rec.body_case = ISMS__V1__RECORD__BODY_CONTROL;
	rec.control = &ctl;
	ctl.has_applicable = 1;
	ctl.applicable = 1;
	ctl.justification = "Required by our policy set";
	put.record = &rec;
	/* An applicable control needs an owner (a user). */
	put.n_update_mask = 2;
	put.update_mask = mask;
	assert_int_equal(
	    IN_TXN(fx->st, records_put(txn, &put, &who, &out, &err)),
	    -ISMS_EINVAL);
	assert_non_null(strstr(err.msg, "'owner' is required for a control "
	                                "with applicable=yes"));
	rec.owner = "alice";
	put.n_update_mask = 3;
	assert_int_equal(
	    IN_TXN(fx->st, records_put(txn, &put, &who, &out, &err)), 0);
	protobuf_c_message_free_unpacked(&out->base, NULL);
	/* ... and a licensed catalog updates the title and text only. */
	item.kind = "control";
	item.ref = "A.5.1";
	item.parent = "A.5";
	item.title = "Policies for information security (licensed)";
	item.text = "Full text.";
	items[0] = &item;
	assert_int_equal(
	    IN_TXN(fx->st, catalog_apply(txn, items, 1, &who, &res, &err)), 0);
	assert_int_equal(res.updated, 1);
	out = get(fx->st, "A.5.1");
	assert_string_equal(out->title,
	                    "Policies for information security (licensed)");
	assert_string_equal(out->control->text, "Full text.");
	assert_true(out->control->applicable);
	assert_string_equal(out->control->justification,
	                    "Required by our policy set");
	protobuf_c_message_free_unpacked(&out->base, NULL);
	/* The same again: unchanged. Bad ids are refused. */
	memset(&res, 0, sizeof res);
	isms__v1__catalog_load_result__init(&res);
	assert_int_equal(
	    IN_TXN(fx->st, catalog_apply(txn, items, 1, &who, &res, &err)), 0);
	assert_int_equal(res.unchanged, 1);
	item.ref = "RSK-0001";
	assert_int_equal(
	    IN_TXN(fx->st, catalog_apply(txn, items, 1, &who, &res, &err)),
	    -ISMS_EINVAL);
}

/* A sticky store error at the links db: the edit fails, names the error,
 * hands back no record (the one it built is freed: ASan's leak check
 * sees it) and stores nothing. */
static void
test_link_store_error(void **state)
{
	struct store_fx *fx = *state;
	static const char *const rw[] = {"title=Theft", "risk.likelihood=2",
	                                 "risk.impact=2", NULL};
	static const char *const aw[] = {"title=Laptops", NULL};
	char *r = add(fx->st, "risk", rw), *a = add(fx->st, "asset", aw);
	Isms__V1__LinkEdit le = ISMS__V1__LINK_EDIT__INIT;
	Isms__V1__Record *out = NULL, *rec;
	struct store_txn txn;
	struct isms_err err;

	le.source = r;
	le.rel = (char *)"affects";
	le.target = a;
	assert_int_equal(store_write_begin(fx->st, NULL, &txn), 0);
	fail_links_put = true;
	assert_int_equal(links_edit(&txn, &le, &who, &out, &err),
	                 -ISMS_EINTERNAL);
	fail_links_put = false;
	store_abort(&txn);
	assert_null(out);
	assert_non_null(strstr(err.msg, "injected"));
	rec = get(fx->st, r);
	assert_int_equal(rec->rev, 1);
	assert_int_equal(rec->n_links, 0);
	protobuf_c_message_free_unpacked(&rec->base, NULL);
	free(r);
	free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_links, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_link_store_error, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_method_matrix, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_method_change_rederives, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_catalog_seed_and_load, setup,
	                                    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
