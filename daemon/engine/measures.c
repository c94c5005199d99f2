/* measures.c: measurements of metrics, append-only (see measures.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "due_index.h"
#include "journal.h"
#include "keys.h"
#include "kpi.h"
#include "measures.h"
#include "pbfield.h"
#include "records.h"
#include "registers.h"
#include "store.h"
#include "timefmt.h"
#include "xmalloc.h"

#define DATE_LEN     10
#define MEAS_KEY_MAX (RECKEY_MAX + 1 + DATE_LEN + 8)
#define MEASURED_BY  "measured_by"

/* The key of a measurement: rk 0x00 at seq. */
static size_t
measures_key(const uint8_t *rk, size_t rklen, const char *at, uint64_t seq,
             uint8_t *out)
{
	memcpy(out, rk, rklen);
	out[rklen] = 0x00;
	memcpy(out + rklen + 1, at, DATE_LEN);
	be64_put(out + rklen + 1 + DATE_LEN, seq);
	return rklen + 1 + DATE_LEN + 8;
}

/* The seq in a measurement key (0: not one). */
static uint64_t
measures_key_seq(const MDB_val *k)
{
	if (k->mv_size < 1 + DATE_LEN + 8 + 2)
		return 0;
	return be64_get((const uint8_t *)k->mv_data + k->mv_size - 8);
}

/* Unpacks a stored measurement, its seq from the key; NULL if bad. */
static Isms__V1__Measurement *
measures_unpack(const MDB_val *k, const MDB_val *v)
{
	Isms__V1__Measurement *m;

	m = isms__v1__measurement__unpack(NULL, v->mv_size, v->mv_data);
	if (m != NULL) {
		m->has_seq = 1;
		m->seq = measures_key_seq(k);
	}
	return m;
}

/* Loads the metric a measurement is for, with its key. */
static int
measures_metric(struct store_txn *txn, const char *id,
                const struct register_def **reg, uint8_t *rk, size_t *rklen,
                Isms__V1__Record **rec, struct isms_err *err)
{
	int rc;

	if (id == NULL || id[0] == '\0')
		return isms_err_set(err, ISMS_EINVAL, "metric is required");
	if ((rc = records_load(txn, id, reg, rk, rklen, rec, err)) != 0)
		return rc;
	if (*reg != &register_metric) {
		protobuf_c_message_free_unpacked(&(*rec)->base, NULL);
		return isms_err_set(err, ISMS_EINVAL,
		                    "%s is not a metric (a %s): only metrics "
		                    "take measurements",
		                    id, (*reg)->name);
	}
	return 0;
}

/* Checks a MetricRecord's own fields. */
static int
measures_check_args(const Isms__V1__MetricRecord *mr, const char *at,
                    struct isms_err *err)
{
	if (!mr->has_value)
		return isms_err_set(err, ISMS_EINVAL, "value is required");
	if (mr->value != mr->value || mr->value > 1e300 || mr->value < -1e300)
		return isms_err_set(err, ISMS_EINVAL,
		                    "value must be a finite number");
	if (!timefmt_date_valid(at))
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'at' must be a date YYYY-MM-DD, "
		                    "not '%s'",
		                    at);
	return 0;
}

/* Stores m (packed) under its key and journals it; *seq is its entry. */
static int
measures_append(struct store_txn *txn, const Isms__V1__Record *metric,
                const uint8_t *rk, size_t rklen, Isms__V1__Measurement *m,
                const struct records_actor *who, struct isms_err *err)
{
	uint8_t key[MEAS_KEY_MAX];
	char summary[300];
	struct journal_rec jr = {0};
	size_t len = isms__v1__measurement__get_packed_size(m);
	uint8_t *bytes = xmalloc(len > 0 ? len : 1);
	uint64_t seq;
	int rc;

	isms__v1__measurement__pack(m, bytes);
	snprintf(summary, sizeof summary, "%s measured %g at %s%s%s",
	         metric->id, m->value, m->at, m->note != NULL ? ": " : "",
	         m->note != NULL ? m->note : "");
	jr.time = who->now;
	jr.actor = who->user;
	jr.type = ISMS__V1__EVENT_TYPE__EVENT_TYPE_MEASURED;
	jr.id = metric->id;
	jr.reg = register_metric.name;
	jr.owner = metric->owner;
	jr.summary = summary;
	jr.bytes = bytes;
	jr.len = len;
	if ((rc = journal_append(txn, &jr, &seq, err)) == 0) {
		store_put(txn, DB_MEASURES, key,
		          measures_key(rk, rklen, m->at, seq, key), bytes, len);
		if (txn->ret != 0)
			rc = isms_err_set(err, txn->ret, "%s", txn->msg);
		m->has_seq = 1;
		m->seq = seq;
	}
	free(bytes);
	return rc;
}

int
measures_record(struct store_txn *txn, const Isms__V1__MetricRecord *mr,
                const struct records_actor *who, const char *today,
                Isms__V1__Measurement **out, struct isms_err *err)
{
	const struct register_def *reg;
	Isms__V1__Record *metric;
	Isms__V1__Measurement *m;
	struct due_set was, now;
	uint8_t rk[RECKEY_MAX];
	size_t rklen;
	const char *at = mr->at != NULL && mr->at[0] != '\0' ? mr->at : today;
	int rc;

	if ((rc = measures_check_args(mr, at, err)) != 0 ||
	    (rc = measures_metric(txn, mr->metric, &reg, rk, &rklen, &metric,
	                          err)) != 0)
		return rc;
	if (metric->archived) {
		protobuf_c_message_free_unpacked(&metric->base, NULL);
		return isms_err_set(err, ISMS_EPRECOND,
		                    "%s is archived: it takes no measurement",
		                    mr->metric);
	}
	due_set_of(txn, reg, rk, rklen, metric, &was);
	m = (Isms__V1__Measurement *)pb_new(&isms__v1__measurement__descriptor);
	m->metric = xstrdup(metric->id);
	m->has_value = m->has_recorded_at = 1;
	m->value = mr->value;
	m->at = xstrdup(at);
	m->note =
	    mr->note != NULL && mr->note[0] != '\0' ? xstrdup(mr->note) : NULL;
	m->recorded_at = who->now;
	m->recorded_by = xstrdup(who->user != NULL ? who->user : "");
	rc = measures_append(txn, metric, rk, rklen, m, who, err);
	if (rc == 0) {
		/* The next measurement falls due from this one. */
		due_set_of(txn, reg, rk, rklen, metric, &now);
		due_set_apply(txn, rk, rklen, &was, &now);
		if (txn->ret != 0)
			rc = isms_err_set(err, txn->ret, "%s", txn->msg);
	}
	protobuf_c_message_free_unpacked(&metric->base, NULL);
	if (rc != 0) {
		protobuf_c_message_free_unpacked(&m->base, NULL);
		return rc;
	}
	*out = m;
	return 0;
}

/* Appends m to a values result. */
static void
measures_add(Isms__V1__MetricValuesResult *out, Isms__V1__Measurement *m)
{
	out->measurements =
	    xreallocarray(out->measurements, out->n_measurements + 1,
	                  sizeof *out->measurements);
	out->measurements[out->n_measurements++] = m;
}

int
measures_values(struct store_txn *txn, const Isms__V1__MetricValues *q,
                Isms__V1__MetricValuesResult *out, struct isms_err *err)
{
	const struct register_def *reg;
	Isms__V1__Record *metric;
	Isms__V1__Measurement *m;
	uint8_t rk[RECKEY_MAX + 1];
	struct store_iter it;
	size_t rklen, page, bytes = 0;
	int rc;

	page = q->has_page_size && q->page_size > 0 ? q->page_size
	                                            : MEASURES_PAGE_DEFAULT;
	if (page > MEASURES_PAGE_MAX)
		page = MEASURES_PAGE_MAX;
	if ((rc = measures_metric(txn, q->metric, &reg, rk, &rklen, &metric,
	                          err)) != 0)
		return rc;
	protobuf_c_message_free_unpacked(&metric->base, NULL);
	rk[rklen++] = 0x00; /* the prefix of its measurements */
	if (store_iter_open(txn, DB_MEASURES, &it, rk, rklen) != 0)
		return isms_err_set(err, txn->ret, "%s", txn->msg);
	if (q->has_page_token && q->page_token.len > 0) {
		if (q->page_token.len <= rklen ||
		    memcmp(q->page_token.data, rk, rklen) != 0) {
			store_iter_close(&it);
			return isms_err_set(err, ISMS_EINVAL,
			                    "page_token is not one of %s's",
			                    q->metric);
		}
		it.start = q->page_token.data;
		it.slen = q->page_token.len;
		it.skip_start = true;
	}
	while (store_iter_next(&it)) {
		/* A page stops at its count or, long notes, its bytes. */
		if (out->n_measurements == page || bytes >= REPLY_BYTES_SOFT) {
			out->has_next_page_token = 1;
			break;
		}
		bytes += it.v.mv_size;
		if ((m = measures_unpack(&it.k, &it.v)) == NULL) {
			store_iter_close(&it);
			return isms_err_set(
			    err, ISMS_EDATALOSS,
			    "a measurement of %s does not decode", q->metric);
		}
		measures_add(out, m);
		/* The token is the key of the last one returned. */
		free(out->next_page_token.data);
		out->next_page_token.data = xmalloc(it.k.mv_size);
		memcpy(out->next_page_token.data, it.k.mv_data, it.k.mv_size);
		out->next_page_token.len = it.k.mv_size;
	}
	store_iter_close(&it);
	if (!out->has_next_page_token) {
		free(out->next_page_token.data);
		out->next_page_token.data = NULL;
		out->next_page_token.len = 0;
	}
	if (txn->ret != 0)
		return isms_err_set(err, txn->ret, "%s", txn->msg);
	return 0;
}

bool
measures_latest(struct store_txn *txn, const uint8_t *rk, size_t rklen,
                Isms__V1__Measurement **out)
{
	uint8_t prefix[RECKEY_MAX + 1];
	struct store_iter it;
	MDB_val k = {0, NULL}, v = {0, NULL};

	*out = NULL;
	if (rklen > RECKEY_MAX)
		return false;
	memcpy(prefix, rk, rklen);
	prefix[rklen] = 0x00;
	if (store_iter_open(txn, DB_MEASURES, &it, prefix, rklen + 1) != 0)
		return false;
	/* Keys run by date then seq: the last is the latest. A metric
	 * holds one per period, so the walk stays short. */
	while (store_iter_next(&it)) {
		k = it.k;
		v = it.v;
	}
	store_iter_close(&it);
	/* The pages stay valid until the txn ends. */
	if (k.mv_data == NULL)
		return false;
	*out = measures_unpack(&k, &v);
	return *out != NULL;
}

/* The measured_by link of rec, or NULL. */
static const char *
measures_link(const Isms__V1__Record *rec)
{
	size_t i;

	for (i = 0; i < rec->n_links; i++)
		if (rec->links[i]->rel != NULL &&
		    strcmp(rec->links[i]->rel, MEASURED_BY) == 0)
			return rec->links[i]->target;
	return NULL;
}

void
measures_fill_progress(struct store_txn *txn, Isms__V1__Record *rec)
{
	Isms__V1__Objective *o = rec->objective;
	Isms__V1__ObjectiveProgress *p;
	Isms__V1__Measurement *m;
	const struct register_def *mreg;
	struct kpi_target t;
	uint8_t rk[RECKEY_MAX];
	size_t rklen;
	const char *metric;
	char text[64];

	if (rec->body_case != ISMS__V1__RECORD__BODY_OBJECTIVE || o == NULL)
		return;
	pb_field_clear(&o->base,
	               pb_field_by_name(o->base.descriptor, "progress"));
	if ((metric = measures_link(rec)) == NULL ||
	    (mreg = register_by_id(metric)) != &register_metric ||
	    (rklen = key_record(register_code(mreg), metric, rk, sizeof rk)) ==
	        0)
		return;
	p = (Isms__V1__ObjectiveProgress *)pb_new(
	    &isms__v1__objective_progress__descriptor);
	p->metric = xstrdup(metric);
	p->has_measured = 1;
	if (kpi_target_parse(o->target, &t)) {
		kpi_target_format(&t, text, sizeof text);
		p->target = xstrdup(text);
	}
	if (measures_latest(txn, rk, rklen, &m)) {
		p->measured = 1;
		p->has_value = 1;
		p->value = m->value;
		p->at = xstrdup(m->at);
		if (p->target != NULL) {
			p->has_met = 1;
			p->met = kpi_target_met(&t, m->value);
		}
		protobuf_c_message_free_unpacked(&m->base, NULL);
	}
	o->progress = p;
}

/* Checks one stored measurement against the entry of its seq; false with
 * problem set when they disagree. */
static bool
measures_check_one(struct store_txn *txn, const MDB_val *k, const MDB_val *v,
                   char *problem, size_t cap)
{
	Isms__V1__JournalEntry *e = NULL;
	Isms__V1__Measurement *m = measures_unpack(k, v);
	const struct register_def *reg;
	uint8_t h[JOURNAL_HASH_LEN], rk[RECKEY_MAX];
	size_t rklen = 0;
	uint64_t seq = measures_key_seq(k);
	struct isms_err err;
	const char *metric = m != NULL && m->metric != NULL ? m->metric : "?";
	bool ok = false;

	if (m != NULL && (reg = register_by_id(metric)) != NULL)
		rklen = key_record(register_code(reg), metric, rk, sizeof rk);
	if (m == NULL || rklen == 0 || k->mv_size != rklen + 1 + DATE_LEN + 8 ||
	    memcmp(k->mv_data, rk, rklen) != 0)
		snprintf(problem, cap,
		         "measurement of %s (seq %llu): its key or bytes are "
		         "malformed",
		         metric, (unsigned long long)seq);
	else if (journal_get(txn, seq, &e, &err) != 0 ||
	         e->type != ISMS__V1__EVENT_TYPE__EVENT_TYPE_MEASURED ||
	         e->id == NULL || strcmp(e->id, metric) != 0)
		snprintf(problem, cap,
		         "measurement of %s at %s (seq %llu): no journal entry "
		         "recorded it",
		         metric, m->at != NULL ? m->at : "?",
		         (unsigned long long)seq);
	else {
		journal_sha256(v->mv_data, v->mv_size, h);
		ok = e->has_record_hash && e->record_hash.len == sizeof h &&
		     memcmp(e->record_hash.data, h, sizeof h) == 0;
		if (!ok)
			snprintf(problem, cap,
			         "measurement of %s at %s (seq %llu): the "
			         "stored bytes differ from the journaled ones",
			         metric, m->at != NULL ? m->at : "?",
			         (unsigned long long)seq);
	}
	if (e != NULL)
		protobuf_c_message_free_unpacked(&e->base, NULL);
	if (m != NULL)
		protobuf_c_message_free_unpacked(&m->base, NULL);
	return ok;
}

/* Sorts seqs. */
static int
measures_seq_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Names the first MEASURED entry whose measurement is not stored. */
static void
measures_name_missing(struct store_txn *txn, const uint64_t *seqs, size_t n,
                      char *problem, size_t cap)
{
	Isms__V1__JournalEntry *e;
	struct store_iter it;

	if (store_iter_open(txn, DB_JOURNAL, &it, NULL, 0) != 0)
		return;
	while (problem[0] == '\0' && store_iter_next(&it)) {
		e = isms__v1__journal_entry__unpack(NULL, it.v.mv_size,
		                                    it.v.mv_data);
		if (e == NULL)
			continue;
		if (e->type == ISMS__V1__EVENT_TYPE__EVENT_TYPE_MEASURED &&
		    (n == 0 || bsearch(&e->seq, seqs, n, sizeof *seqs,
		                       measures_seq_cmp) == NULL))
			snprintf(problem, cap,
			         "measurement of %s (seq %llu) is journaled "
			         "but no longer stored",
			         e->id != NULL ? e->id : "?",
			         (unsigned long long)e->seq);
		protobuf_c_message_free_unpacked(&e->base, NULL);
	}
	store_iter_close(&it);
}

int
measures_check(struct store_txn *txn, uint64_t journaled, char *problem,
               size_t cap)
{
	struct store_iter it;
	uint64_t *seqs = NULL;
	size_t n = 0;

	problem[0] = '\0';
	if (store_iter_open(txn, DB_MEASURES, &it, NULL, 0) != 0)
		return txn->ret;
	while (store_iter_next(&it)) {
		if (!measures_check_one(txn, &it.k, &it.v, problem, cap))
			break;
		seqs = xreallocarray(seqs, n + 1, sizeof *seqs);
		seqs[n++] = measures_key_seq(&it.k);
	}
	store_iter_close(&it);
	if (txn->ret == 0 && problem[0] == '\0' && n != journaled) {
		if (n > 0)
			qsort(seqs, n, sizeof *seqs, measures_seq_cmp);
		measures_name_missing(txn, seqs, n, problem, cap);
		if (problem[0] == '\0')
			snprintf(problem, cap,
			         "the store holds %zu measurements, the "
			         "journal %llu",
			         n, (unsigned long long)journaled);
	}
	free(seqs);
	return txn->ret;
}
