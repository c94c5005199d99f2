/* method.c: the risk method record. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"
#include "keys.h"
#include "method.h"
#include "records.h"
#include "registers.h"
#include "pbfield.h"
#include "store.h"
#include "xmalloc.h"

#define METHOD_KEY "method"

static const struct {
	const char *name;
	uint32_t min_score;
	uint32_t review_days;
} method_default_levels[] = {
    {"low", 1, 365},
    {"medium", 5, 180},
    {"high", 10, 90},
    {"critical", 20, 30},
};

static const char *const method_default_likelihood[] = {
    "rare", "unlikely", "possible", "likely", "almost certain"};
static const char *const method_default_impact[] = {
    "negligible", "minor", "moderate", "major", "severe"};

/* Copies n labels into a repeated string field. */
static void
method_labels(char ***arr, size_t *n, const char *const *labels, size_t count)
{
	size_t i;

	*arr = xcalloc(count, sizeof **arr);
	for (i = 0; i < count; i++)
		(*arr)[i] = xstrdup(labels[i]);
	*n = count;
}

Isms__V1__RiskMethod *
method_default(void)
{
	Isms__V1__RiskMethod *m;
	Isms__V1__RiskLevel *l;
	size_t i,
	    n = sizeof method_default_levels / sizeof method_default_levels[0];

	m = (Isms__V1__RiskMethod *)pb_new(&isms__v1__risk_method__descriptor);
	m->has_rev = 1;
	m->rev = 1;
	method_labels(&m->likelihood_labels, &m->n_likelihood_labels,
	              method_default_likelihood, 5);
	method_labels(&m->impact_labels, &m->n_impact_labels,
	              method_default_impact, 5);
	m->levels = xcalloc(n, sizeof *m->levels);
	for (i = 0; i < n; i++) {
		l = (Isms__V1__RiskLevel *)pb_new(
		    &isms__v1__risk_level__descriptor);
		l->name = xstrdup(method_default_levels[i].name);
		l->has_min_score = l->has_review_days = 1;
		l->min_score = method_default_levels[i].min_score;
		l->review_days = method_default_levels[i].review_days;
		m->levels[i] = l;
	}
	m->n_levels = n;
	m->has_acceptance_threshold = 1;
	m->acceptance_threshold = 9;
	return m;
}

int
method_load(struct store_txn *txn, Isms__V1__RiskMethod **out,
            struct isms_err *err)
{
	MDB_val v;
	int rc;

	rc = store_get(txn, DB_META, METHOD_KEY, strlen(METHOD_KEY), &v);
	if (rc == -ISMS_ENOTFOUND) {
		*out = method_default();
		return 0;
	}
	if (rc != 0)
		return isms_err_set(err, rc, "%s", txn->msg);
	*out = isms__v1__risk_method__unpack(NULL, v.mv_size, v.mv_data);
	if (*out == NULL)
		return isms_err_set(err, ISMS_EDATALOSS,
		                    "the stored risk method does not decode");
	return 0;
}

/* The method a write txn last unpacked, with the bytes it came from. */
struct method_memo {
	bool stored; /* false: the default, nothing stored */
	size_t len;
	uint8_t *bytes;
	Isms__V1__RiskMethod *m;
};

static void
method_memo_free(void *arg)
{
	struct method_memo *mm = arg;

	protobuf_c_message_free_unpacked(&mm->m->base, NULL);
	free(mm->bytes);
	free(mm);
}

int
method_peek(struct store_txn *txn, const Isms__V1__RiskMethod **out,
            struct isms_err *err)
{
	struct store_memo *memo = store_write_memo(txn);
	struct method_memo *mm;
	Isms__V1__RiskMethod *m;
	MDB_val v = {0, NULL};
	int rc;

	if (memo == NULL)
		return isms_err_set(err, ISMS_EINTERNAL,
		                    "method_peek needs a write txn");
	rc = method_stored(txn, &v);
	if (rc != 0 && rc != -ISMS_ENOTFOUND)
		return isms_err_set(err, rc, "%s", txn->msg);
	/* The same bytes as last time (a batch, or the next one): reuse. */
	if ((mm = memo->data) != NULL && mm->stored == (rc == 0) &&
	    mm->len == v.mv_size &&
	    (v.mv_size == 0 || memcmp(mm->bytes, v.mv_data, v.mv_size) == 0)) {
		*out = mm->m;
		return 0;
	}
	if (rc == 0) {
		m = isms__v1__risk_method__unpack(NULL, v.mv_size, v.mv_data);
		if (m == NULL)
			return isms_err_set(
			    err, ISMS_EDATALOSS,
			    "the stored risk method does not decode");
	} else
		m = method_default();
	if (mm != NULL)
		method_memo_free(mm);
	mm = xcalloc(1, sizeof *mm);
	mm->stored = rc == 0;
	mm->len = v.mv_size;
	if (v.mv_size > 0) {
		mm->bytes = xmalloc(v.mv_size);
		memcpy(mm->bytes, v.mv_data, v.mv_size);
	}
	mm->m = m;
	memo->data = mm;
	memo->free_fn = method_memo_free;
	*out = m;
	return 0;
}

int
method_stored(struct store_txn *txn, MDB_val *v)
{
	return store_get(txn, DB_META, METHOD_KEY, strlen(METHOD_KEY), v);
}

void
method_store(struct store_txn *txn, const Isms__V1__RiskMethod *m)
{
	size_t size = isms__v1__risk_method__get_packed_size(m);
	void *p;

	if ((p = store_reserve(txn, DB_META, METHOD_KEY, strlen(METHOD_KEY),
	                       size)) != NULL)
		isms__v1__risk_method__pack(m, p);
}

int
method_check(const Isms__V1__RiskMethod *m, struct isms_err *err)
{
	uint32_t max;
	size_t i, j;

	if (m->n_likelihood_labels < 2 ||
	    m->n_likelihood_labels > METHOD_SCALE_MAX)
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'likelihood_labels' needs 2 to %d "
		                    "labels (one per step of the scale)",
		                    METHOD_SCALE_MAX);
	if (m->n_impact_labels < 2 || m->n_impact_labels > METHOD_SCALE_MAX)
		return isms_err_set(
		    err, ISMS_EINVAL,
		    "field 'impact_labels' needs 2 to %d labels "
		    "(one per step of the scale)",
		    METHOD_SCALE_MAX);
	if (m->n_levels == 0)
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'levels' needs at least one level");
	max = (uint32_t)(m->n_likelihood_labels * m->n_impact_labels);
	for (i = 0; i < m->n_levels; i++) {
		const Isms__V1__RiskLevel *l = m->levels[i];

		if (l->name == NULL || l->name[0] == '\0')
			return isms_err_set(err, ISMS_EINVAL,
			                    "field 'levels.name' is required");
		if (!l->has_min_score || l->min_score < 1 || l->min_score > max)
			return isms_err_set(err, ISMS_EINVAL,
			                    "field 'levels.min_score' of level "
			                    "'%s' must be between 1 and %u",
			                    l->name, max);
		if (!l->has_review_days || l->review_days < 1 ||
		    l->review_days > 3660)
			return isms_err_set(
			    err, ISMS_EINVAL,
			    "field 'levels.review_days' of level "
			    "'%s' must be between 1 and 3660",
			    l->name);
		for (j = 0; j < i; j++)
			if (m->levels[j]->min_score == l->min_score ||
			    strcmp(m->levels[j]->name, l->name) == 0)
				return isms_err_set(
				    err, ISMS_EINVAL,
				    "field 'levels': levels '%s' and '%s' "
				    "overlap",
				    m->levels[j]->name, l->name);
	}
	if (method_level(m, 1) == NULL)
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'levels': some level must start at "
		                    "score 1");
	if (m->has_acceptance_threshold && m->acceptance_threshold > max)
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'acceptance_threshold' must be at "
		                    "most %u",
		                    max);
	return 0;
}

const Isms__V1__RiskLevel *
method_level(const Isms__V1__RiskMethod *m, uint32_t score)
{
	const Isms__V1__RiskLevel *best = NULL;
	size_t i;

	/* The band with the highest start at or below the score. */
	for (i = 0; i < m->n_levels; i++)
		if (m->levels[i]->min_score <= score &&
		    (best == NULL || m->levels[i]->min_score > best->min_score))
			best = m->levels[i];
	return best;
}

/* Collects the ids of a register's records (so the txn may rewrite them). */
static int
method_risk_ids(struct store_txn *txn, char ***ids, size_t *n,
                struct isms_err *err)
{
	uint8_t prefix = register_code(&register_risk);
	struct store_iter it;
	Isms__V1__Record *rec;
	int rc;

	*ids = NULL;
	*n = 0;
	if ((rc = store_iter_open(txn, DB_RECORDS, &it, &prefix, 1)) != 0)
		return isms_err_set(err, rc, "%s", txn->msg);
	while (store_iter_next(&it)) {
		if ((rc = records_unpack(&it.v, &rec, err)) != 0)
			break;
		if (!rec->archived) {
			*ids = xreallocarray(*ids, *n + 1, sizeof **ids);
			(*ids)[(*n)++] = xstrdup(rec->id);
		}
		protobuf_c_message_free_unpacked((ProtobufCMessage *)rec, NULL);
	}
	store_iter_close(&it);
	if (rc == 0 && txn->ret != 0)
		rc = isms_err_set(err, txn->ret, "%s", txn->msg);
	return rc;
}

/* Re-derives one risk under the stored method. */
static int
method_rederive(struct store_txn *txn, const char *id,
                const struct records_actor *who, struct isms_err *err)
{
	const struct register_def *reg;
	Isms__V1__Record *old, *rec;
	uint8_t rk[RECKEY_MAX];
	size_t rklen;
	int rc;

	if ((rc = records_load(txn, id, &reg, rk, &rklen, &old, err)) != 0)
		return rc;
	rec = (Isms__V1__Record *)pb_dup((const ProtobufCMessage *)old);
	if ((rc = records_validate(txn, reg, rec, old, who, err)) != 0) {
		char why[sizeof err->msg];

		snprintf(why, sizeof why, "%s", err->msg);
		rc = isms_err_set(err, ISMS_EPRECOND,
		                  "the new method does not fit %s: %s; change "
		                  "that risk first",
		                  id, why);
	} else {
		char summary[200];
		struct records_event ev = {
		    ISMS__V1__EVENT_TYPE__EVENT_TYPE_UPDATED, summary};

		snprintf(summary, sizeof summary,
		         "%s re-derived under risk method rev %llu", id,
		         (unsigned long long)rec->risk->method_rev);
		if ((rc = records_store_change(txn, reg, old, rec, who, &ev,
		                               err)) == RECORDS_UNCHANGED)
			rc = 0;
	}
	protobuf_c_message_free_unpacked((ProtobufCMessage *)old, NULL);
	protobuf_c_message_free_unpacked((ProtobufCMessage *)rec, NULL);
	return rc;
}

/* Journals a method change with the stored method's bytes. */
static int
method_journal(struct store_txn *txn, const Isms__V1__RiskMethod *m,
               const struct records_actor *who, struct isms_err *err)
{
	size_t size = isms__v1__risk_method__get_packed_size(m);
	uint8_t *buf = xmalloc(size);
	struct journal_rec jr;
	char summary[100];
	int rc;

	isms__v1__risk_method__pack(m, buf);
	snprintf(summary, sizeof summary, "risk method changed to rev %llu",
	         (unsigned long long)m->rev);
	memset(&jr, 0, sizeof jr);
	jr.time = who->now;
	jr.actor = who->user;
	jr.type = ISMS__V1__EVENT_TYPE__EVENT_TYPE_METHOD_CHANGED;
	jr.id = METHOD_JOURNAL_ID;
	jr.rev = m->rev;
	jr.summary = summary;
	jr.bytes = buf;
	jr.len = size;
	rc = journal_append(txn, &jr, NULL, err);
	free(buf);
	return rc;
}

int
method_set(struct store_txn *txn, const Isms__V1__MethodSet *set,
           const struct records_actor *who, Isms__V1__RiskMethod **out,
           struct isms_err *err)
{
	Isms__V1__RiskMethod *cur, *m;
	char **ids = NULL;
	size_t n = 0, i;
	int rc;

	if (set->method == NULL)
		return isms_err_set(err, ISMS_EINVAL,
		                    "method_set.method is required");
	if ((rc = method_check(set->method, err)) != 0)
		return rc;
	if ((rc = method_load(txn, &cur, err)) != 0)
		return rc;
	if (set->has_expect_rev && set->expect_rev != cur->rev) {
		rc = isms_err_set(err, ISMS_ECONFLICT,
		                  "the risk method was changed: it is at rev "
		                  "%llu, not rev %llu",
		                  (unsigned long long)cur->rev,
		                  (unsigned long long)set->expect_rev);
		protobuf_c_message_free_unpacked((ProtobufCMessage *)cur, NULL);
		return rc;
	}
	m = (Isms__V1__RiskMethod *)pb_dup(
	    (const ProtobufCMessage *)set->method);
	m->has_rev = 1;
	m->rev = cur->rev + 1;
	protobuf_c_message_free_unpacked((ProtobufCMessage *)cur, NULL);
	m->has_updated_at = 1;
	m->updated_at = who->now;
	free(m->updated_by);
	m->updated_by = xstrdup(who->user);
	method_store(txn, m);
	if ((rc = method_journal(txn, m, who, err)) != 0) {
		protobuf_c_message_free_unpacked((ProtobufCMessage *)m, NULL);
		return rc;
	}
	/* Every live risk under the new method, in this same txn. */
	if ((rc = method_risk_ids(txn, &ids, &n, err)) == 0)
		for (i = 0; i < n && rc == 0; i++)
			rc = method_rederive(txn, ids[i], who, err);
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	if (rc == 0 && txn->ret != 0)
		rc = isms_err_set(err, txn->ret, "%s", txn->msg);
	if (rc != 0) {
		protobuf_c_message_free_unpacked((ProtobufCMessage *)m, NULL);
		return rc;
	}
	*out = m;
	return 0;
}
