/* batch.c: many puts applied as one unit (see batch.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "evidence.h"
#include "extref.h"
#include "keys.h"
#include "links.h"
#include "method.h"
#include "pbfield.h"
#include "registers.h"
#include "xmalloc.h"

/* A string → put index map, open addressing (ids and refs of a batch). */
struct batch_map {
	char **keys;
	size_t *vals;
	size_t cap, n;
};

/* One put on its way. */
struct batch_item {
	const Isms__V1__Put *put;
	const struct register_def *reg;
	char *id;              /* the record it names or gets (owned) */
	Isms__V1__Record *old; /* before the batch, on update (owned) */
	Isms__V1__Record *out; /* as stored (owned) */
	bool create;           /* else an update of old */
	bool keep;             /* create with the id it names */
	bool failed;
};

struct batch {
	struct store_txn *txn;
	const struct batch_opts *opt;
	struct records_actor who;
	struct batch_item *items;
	size_t n;
	struct batch_map ids;  /* record id → put */
	struct batch_map refs; /* register code, external_ref → put */
	Isms__V1__BatchResult *res;
	int first; /* the first failure's -code */
	struct isms_err first_err;
};

static size_t
batch_hash(const char *s)
{
	size_t h = 1469598103934665603u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

/* The slot of key in m: where it is, or the empty one it would take. */
static size_t
batch_map_slot(const struct batch_map *m, const char *key)
{
	size_t i = batch_hash(key) & (m->cap - 1);

	while (m->keys[i] != NULL && strcmp(m->keys[i], key) != 0)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static void
batch_map_init(struct batch_map *m, size_t n)
{
	for (m->cap = 16; m->cap < 2 * n + 2; m->cap *= 2)
		;
	m->keys = xcalloc(m->cap, sizeof *m->keys);
	m->vals = xcalloc(m->cap, sizeof *m->vals);
	m->n = 0;
}

/* The put holding key, or -1. */
static long
batch_map_get(const struct batch_map *m, const char *key)
{
	size_t i = batch_map_slot(m, key);

	return m->keys[i] != NULL ? (long)m->vals[i] : -1;
}

/* Adds key → val (key copied); the caller checked it is new. Sized for
 * every put at init, so it never fills. */
static void
batch_map_put(struct batch_map *m, const char *key, size_t val)
{
	size_t i = batch_map_slot(m, key);

	m->keys[i] = xstrdup(key);
	m->vals[i] = val;
	m->n++;
}

static void
batch_map_free(struct batch_map *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
}

/* The refs map key of (reg, ref): the code byte, then the ref. */
static char *
batch_ref_key(const struct register_def *reg, const char *ref)
{
	return xasprintf("%c%s", (char)register_code(reg), ref);
}

/* The field a message names ("field 'risk.impact' is ..."; a link's
 * errors: links), or NULL. */
static char *
batch_err_field(const char *msg)
{
	const char *p = strstr(msg, "field '"), *q;

	if (p == NULL && strncmp(msg, "link ", 5) == 0)
		return xstrdup("links");
	if (p == NULL || (q = strchr(p + 7, '\'')) == NULL || q == p + 7)
		return NULL;
	return xasprintf("%.*s", (int)(q - p - 7), p + 7);
}

/* Records put i's failure (rc, e) in the result. */
static void
batch_fail(struct batch *b, size_t i, int rc, const struct isms_err *e)
{
	Isms__V1__BatchResult *res = b->res;
	Isms__V1__BatchError *be;

	b->items[i].failed = true;
	res->has_error_count = 1;
	res->error_count++;
	if (b->first == 0) {
		b->first =
		    isms_err_set(&b->first_err, -rc, "put %zu: %s", i, e->msg);
	}
	if (res->n_errors >= BATCH_ERRORS_MAX)
		return;
	be = (Isms__V1__BatchError *)pb_new(&isms__v1__batch_error__descriptor);
	be->has_index = 1;
	be->index = (uint32_t)i;
	be->has_code = 1;
	be->code = (uint32_t)-rc;
	be->message = xstrdup(e->msg);
	be->field = batch_err_field(e->msg);
	if (b->items[i].id != NULL)
		be->id = xstrdup(b->items[i].id);
	res->errors =
	    xreallocarray(res->errors, res->n_errors + 1, sizeof *res->errors);
	res->errors[res->n_errors++] = be;
}

/* A put's copy to plan: no links, no next review date (the batch's), and
 * a mask without "links" (*links: whether the put sets them). */
struct batch_shape {
	Isms__V1__Put put;
	Isms__V1__Record rec;
	char **mask;
	bool links;
};

static void
batch_shape_init(struct batch_shape *s, const Isms__V1__Put *put)
{
	size_t i, n = 0;

	s->put = *put;
	s->rec = *put->record;
	s->rec.n_links = 0;
	s->rec.links = NULL;
	s->rec.next_review_on = NULL;
	s->links = put->record->n_links > 0;
	s->mask = xreallocarray(NULL, put->n_update_mask + 1, sizeof *s->mask);
	for (i = 0; i < put->n_update_mask; i++)
		if (strcmp(put->update_mask[i], "links") == 0)
			s->links = true;
		else
			s->mask[n++] = put->update_mask[i];
	s->put.record = &s->rec;
	s->put.update_mask = s->mask;
	s->put.n_update_mask = n;
}

/* Plans put into plan (init by the caller) as the batch applies it. */
static int
batch_plan(const Isms__V1__Put *put, struct records_put_plan *plan,
           struct isms_err *err)
{
	struct batch_shape s;
	int rc;

	if (put->record == NULL)
		return isms_err_set(err, ISMS_EINVAL, "put.record is required");
	batch_shape_init(&s, put);
	rc = records_put_plan(&s.put, plan, err);
	/* Only the mask's own paths: "links" alone changes nothing else. */
	if (rc == 0 && put->n_update_mask > 0 && s.put.n_update_mask == 0)
		plan->n_paths = 0;
	plan->batch = true;
	plan->links = s.links;
	free(s.mask);
	return rc;
}

int
batch_put_shape(const Isms__V1__Put *put, struct isms_err *err)
{
	struct records_put_plan plan;
	int rc;

	records_put_plan_init(&plan);
	rc = batch_plan(put, &plan, err);
	records_put_plan_clear(&plan);
	return rc;
}

/* Claims put i's id in the batch: -code when another put has it. */
static int
batch_claim(struct batch *b, size_t i, struct isms_err *err)
{
	struct batch_item *it = &b->items[i];
	const char *ref = it->put->record->external_ref;
	long other;
	char *key;

	if ((other = batch_map_get(&b->ids, it->id)) >= 0)
		return isms_err_set(err, ISMS_EINVAL,
		                    "put %ld names %s too: a batch changes a "
		                    "record once",
		                    other, it->id);
	batch_map_put(&b->ids, it->id, i);
	if (ref == NULL || ref[0] == '\0')
		return 0;
	key = batch_ref_key(it->reg, ref);
	other = batch_map_get(&b->refs, key);
	if (other < 0)
		batch_map_put(&b->refs, key, i);
	free(key);
	if (other >= 0)
		return isms_err_set(err, ISMS_EEXIST,
		                    "field 'external_ref' '%s' is given to put "
		                    "%ld too",
		                    ref, other);
	return 0;
}

/* Loads the record put i updates (it->id), refusing none. */
static int
batch_load(struct batch *b, struct batch_item *it, struct isms_err *err)
{
	uint8_t rk[RECKEY_MAX];
	size_t rklen;

	return records_load(b->txn, it->id, NULL, rk, &rklen, &it->old, err);
}

/* Phase 1 for put i: its register, and whether it creates or updates
 * which record (ids of new records are allocated after). */
static int
batch_resolve(struct batch *b, size_t i, struct isms_err *err)
{
	struct batch_item *it = &b->items[i];
	const Isms__V1__Record *r = it->put->record;
	char holder[ID_MAX + 1];
	int rc;

	if ((rc = batch_put_shape(it->put, err)) != 0)
		return rc;
	if (register_has_text(r->id)) {
		it->reg = register_by_id(r->id);
		it->id = xstrdup(r->id);
		rc = batch_load(b, it, err);
		if (rc == -ISMS_ENOTFOUND && b->opt->keep_ids) {
			it->create = it->keep = true;
			if (r->body_case != it->reg->body_case)
				return isms_err_set(
				    err, ISMS_EINVAL,
				    "a new record needs a body naming its "
				    "register (%s)",
				    it->reg->name);
			if (records_claim_id(b->txn, it->reg, it->id) != 0)
				return isms_err_set(
				    err, ISMS_EINVAL,
				    "%s is not an id %s %s can get "
				    "(%s-NUMBER, at least 4 digits)",
				    it->id, reglist_article(it->reg->name),
				    it->reg->name, it->reg->prefix);
		} else if (rc == -ISMS_ENOTFOUND)
			return isms_err_set(err, ISMS_ENOTFOUND,
			                    "no record %s (keep_ids creates "
			                    "it with that id)",
			                    it->id);
		else if (rc != 0)
			return rc;
		return batch_claim(b, i, err);
	}
	it->reg = register_by_case(r->body_case);
	it->create = true;
	if (b->opt->upsert && register_has_text(r->external_ref) &&
	    extref_ref_get(b->txn, register_code(it->reg), r->external_ref,
	                   holder) == 0) {
		it->id = xstrdup(holder);
		it->create = false;
		if ((rc = batch_load(b, it, err)) != 0)
			return rc;
		return batch_claim(b, i, err);
	}
	return 0;
}

/* A link target as written: an id, or "@REGISTER:REF" (the record of
 * REGISTER holding REF, in the batch first, then stored). */
static int
batch_target(struct batch *b, const char *t, char **out, struct isms_err *err)
{
	const struct register_def *reg;
	const char *colon;
	char name[64], id[ID_MAX + 1], *key;
	long at;

	if (t == NULL || t[0] != BATCH_REF_PREFIX) {
		*out = xstrdup(t != NULL ? t : "");
		return 0;
	}
	colon = strchr(t, ':');
	if (colon == NULL || colon == t + 1 ||
	    (size_t)(colon - t - 1) >= sizeof name)
		return isms_err_set(err, ISMS_EINVAL,
		                    "link target '%s' is not @REGISTER:REF", t);
	snprintf(name, sizeof name, "%.*s", (int)(colon - t - 1), t + 1);
	if ((reg = register_by_name(name)) == NULL)
		return isms_err_set(err, ISMS_EINVAL,
		                    "link target '%s': no register '%s'", t,
		                    name);
	key = batch_ref_key(reg, colon + 1);
	at = batch_map_get(&b->refs, key);
	free(key);
	if (at >= 0 && b->items[at].id != NULL) {
		*out = xstrdup(b->items[at].id);
		return 0;
	}
	if (extref_ref_get(b->txn, register_code(reg), colon + 1, id) == 0) {
		*out = xstrdup(id);
		return 0;
	}
	return isms_err_set(err, ISMS_EINVAL,
	                    "link target '%s': no %s has external_ref '%s'", t,
	                    reg->name, colon + 1);
}

/* Replaces rec's links with their resolved targets (duplicates once). */
static int
batch_resolve_links(struct batch *b, Isms__V1__Record *rec,
                    struct isms_err *err)
{
	size_t i, j, n = 0;
	char *t = NULL;
	int rc;

	for (i = 0; i < rec->n_links; i++) {
		Isms__V1__Link *l = rec->links[i];

		if ((rc = batch_target(b, l->target, &t, err)) != 0)
			return rc;
		free(l->target);
		l->target = t;
		for (j = 0; j < n; j++)
			if (strcmp(rec->links[j]->target, t) == 0 &&
			    l->rel != NULL && rec->links[j]->rel != NULL &&
			    strcmp(rec->links[j]->rel, l->rel) == 0)
				break;
		if (j < n) {
			protobuf_c_message_free_unpacked(&l->base, NULL);
			continue;
		}
		rec->links[n++] = l;
	}
	rec->n_links = n;
	return 0;
}

/* Phase 2, a create: the record with its id and links, evidence later. */
static int
batch_create(struct batch *b, struct batch_item *it, struct isms_err *err)
{
	Isms__V1__Record *rec;
	int rc;

	rec = (Isms__V1__Record *)pb_dup(&it->put->record->base);
	free(rec->id);
	rec->id = xstrdup(it->id);
	if ((rc = batch_resolve_links(b, rec, err)) != 0 ||
	    (rc = records_add(b->txn, it->reg, rec, &b->who, NULL, err)) != 0) {
		protobuf_c_message_free_unpacked(&rec->base, NULL);
		return rc;
	}
	links_index_move(b->txn, NULL, rec);
	it->out = rec;
	return 0;
}

/* Phase 2, an update of it->old: the put's fields (or mask), its links
 * when it sets them. */
static int
batch_update(struct batch *b, struct batch_item *it, struct isms_err *err)
{
	struct records_put_plan plan;
	Isms__V1__Record rec, *links;
	Isms__V1__Put put = *it->put;
	int rc;

	/* Resolved on a copy of the links only; the rest is borrowed. */
	links = (Isms__V1__Record *)pb_new(&isms__v1__record__descriptor);
	links->n_links = it->put->record->n_links;
	links->links =
	    xreallocarray(NULL, links->n_links + 1, sizeof *links->links);
	for (size_t i = 0; i < links->n_links; i++)
		links->links[i] =
		    (Isms__V1__Link *)pb_dup(&it->put->record->links[i]->base);
	records_put_plan_init(&plan);
	if ((rc = batch_resolve_links(b, links, err)) == 0 &&
	    (rc = batch_plan(it->put, &plan, err)) == 0) {
		rec = *it->put->record;
		rec.id = it->id;
		rec.links = links->links;
		rec.n_links = links->n_links;
		put.record = &rec;
		rc = records_put_planned(b->txn, &put, &plan, &b->who, &it->out,
		                         err);
	}
	if (rc == 0 && plan.links)
		links_index_move(b->txn, it->old, it->out);
	records_put_plan_clear(&plan);
	protobuf_c_message_free_unpacked(&links->base, NULL);
	return rc;
}

/* Whether target is the record of a put that failed: its own error
 * says why, not every link to it. */
static bool
batch_target_failed(const struct batch *b, const char *target)
{
	long at = batch_map_get(&b->ids, target);

	return at >= 0 && b->items[at].failed;
}

/* Phase 3 for put i: its links' targets and its evidence, on the state
 * the whole batch left. */
static int
batch_final_check(struct batch *b, struct batch_item *it, struct isms_err *err)
{
	struct register_ctx ctx = {b->txn, NULL, b->who.user, b->who.now};
	const Isms__V1__Record *rec = it->out;
	bool same =
	    it->old != NULL &&
	    pb_field_equal(&it->old->base, &rec->base,
	                   pb_field_by_name(rec->base.descriptor, "links"));
	size_t i;
	int rc;

	for (i = 0; i < rec->n_links && !same; i++)
		if (!batch_target_failed(b, rec->links[i]->target) &&
		    (rc = links_check_new(b->txn, it->reg, rec->id,
		                          rec->links[i]->rel,
		                          rec->links[i]->target, err)) != 0)
			return rc;
	if (it->reg->uses_method &&
	    (rc = method_peek(b->txn, &ctx.method, err)) != 0)
		return rc;
	return evidence_check(&ctx, it->reg, rec, it->old, err);
}

/* Runs phase fn over the puts not failed yet; stops at a store error. */
static void
batch_phase(struct batch *b,
            int (*fn)(struct batch *, size_t, struct isms_err *))
{
	struct isms_err e;
	size_t i;
	int rc;

	for (i = 0; i < b->n && b->txn->ret == 0; i++) {
		if (b->items[i].failed)
			continue;
		e.msg[0] = '\0';
		if ((rc = fn(b, i, &e)) != 0)
			batch_fail(b, i, rc, &e);
	}
}

/* Phase 1b: ids for new records that name none (after every kept id
 * moved the counters past it). */
static int
batch_new_id(struct batch *b, size_t i, struct isms_err *err)
{
	struct batch_item *it = &b->items[i];

	if (!it->create || it->keep)
		return 0;
	it->id = records_new_id(b->txn, it->reg);
	return batch_claim(b, i, err);
}

static int
batch_store(struct batch *b, size_t i, struct isms_err *err)
{
	struct batch_item *it = &b->items[i];

	return it->create ? batch_create(b, it, err) : batch_update(b, it, err);
}

static int
batch_check(struct batch *b, size_t i, struct isms_err *err)
{
	return batch_final_check(b, &b->items[i], err);
}

/* The result of an applied batch: ids, counts, records when small. */
static void
batch_result(struct batch *b)
{
	Isms__V1__BatchResult *res = b->res;
	struct batch_item *it;
	size_t i;

	res->ids = xreallocarray(NULL, b->n + 1, sizeof *res->ids);
	if (b->n <= BATCH_RECORDS_MAX)
		res->records =
		    xreallocarray(NULL, b->n + 1, sizeof *res->records);
	res->has_created = res->has_updated = res->has_unchanged = 1;
	for (i = 0; i < b->n; i++) {
		it = &b->items[i];
		res->ids[res->n_ids++] = xstrdup(it->out->id);
		if (it->create)
			res->created++;
		else if (it->out->rev == it->old->rev)
			res->unchanged++;
		else
			res->updated++;
		if (res->records != NULL) {
			res->records[res->n_records++] = it->out;
			it->out = NULL;
		}
	}
}

/* Orders errors by put index: phases find them out of order. */
static int
batch_error_cmp(const void *a, const void *b)
{
	const Isms__V1__BatchError *x = *(Isms__V1__BatchError *const *)a;
	const Isms__V1__BatchError *y = *(Isms__V1__BatchError *const *)b;

	return x->index < y->index ? -1 : x->index > y->index;
}

int
batch_apply(struct store_txn *txn, Isms__V1__Put *const *puts, size_t n,
            const struct batch_opts *opt, const struct records_actor *who,
            Isms__V1__BatchResult *res, struct isms_err *err)
{
	struct batch b = {
	    .txn = txn, .opt = opt, .who = *who, .n = n, .res = res};
	size_t i;

	b.who.defer_evidence = true;
	b.items = xcalloc(n + 1, sizeof *b.items);
	for (i = 0; i < n; i++)
		b.items[i].put = puts[i];
	batch_map_init(&b.ids, n);
	batch_map_init(&b.refs, n);
	batch_phase(&b, batch_resolve);
	batch_phase(&b, batch_new_id);
	batch_phase(&b, batch_store);
	batch_phase(&b, batch_check);
	if (b.first == 0 && txn->ret != 0)
		b.first = isms_err_set(&b.first_err, txn->ret, "%s", txn->msg);
	if (b.first == 0)
		batch_result(&b);
	else if (res->n_errors > 0) {
		/* The status is the first put's error, not the first found. */
		qsort(res->errors, res->n_errors, sizeof *res->errors,
		      batch_error_cmp);
		b.first = isms_err_set(&b.first_err, (int)res->errors[0]->code,
		                       "put %u: %s", res->errors[0]->index,
		                       res->errors[0]->message);
	}
	res->has_dry_run = opt->dry_run;
	res->dry_run = opt->dry_run;
	for (i = 0; i < n; i++) {
		free(b.items[i].id);
		if (b.items[i].old != NULL)
			protobuf_c_message_free_unpacked(&b.items[i].old->base,
			                                 NULL);
		if (b.items[i].out != NULL)
			protobuf_c_message_free_unpacked(&b.items[i].out->base,
			                                 NULL);
	}
	free(b.items);
	batch_map_free(&b.ids);
	batch_map_free(&b.refs);
	if (b.first != 0)
		*err = b.first_err;
	return b.first;
}
