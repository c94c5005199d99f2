/* due_index.c: the date index behind reminders and the due report. */
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

#define DATE_LEN      10
#define DUE_KEY_MAX   (DATE_LEN + 1 + RECKEY_MAX)
#define DUE_QUERY_MAX 1000

enum { FIRED_DUE = 0x1, FIRED_OVERDUE = 0x2, FIRED_ALL = 0x3 };

/*
 * The low-water mark, in meta: every due entry dated before it has had
 * all its notices. The scheduler's check and firing start there, so
 * records long overdue and already notified are not read again every
 * minute. An entry added with an earlier date lowers it (due_index).
 */
#define DUE_LOW_KEY "due.low"

/* Body date fields that make a record due, by path inside the body; a
 * date stops being due once the field named by until is set (an audit
 * planned on a date is due until it is performed). */
static const struct {
	const char *path;
	int kind;
	const char *until;
} due_fields[] = {
    {"due_on", ISMS__V1__DUE_KIND__DUE_KIND_DUE, NULL},
    {"expires_on", ISMS__V1__DUE_KIND__DUE_KIND_EXPIRY, NULL},
    {"target_on", ISMS__V1__DUE_KIND__DUE_KIND_TARGET, NULL},
    {"planned_on", ISMS__V1__DUE_KIND__DUE_KIND_TARGET, "performed_on"},
    {"acceptance.until", ISMS__V1__DUE_KIND__DUE_KIND_ACCEPTANCE, NULL},
};

/* A body field that schedules measurements: its frequency. */
#define DUE_FREQUENCY "frequency"

/* Reads the string at a body path ("acceptance.until"), or NULL. */
static const char *
due_body_str(const ProtobufCMessage *body, const char *path)
{
	const ProtobufCFieldDescriptor *fd;
	const ProtobufCMessage *m = body;
	char part[64];
	const char *dot;

	while ((dot = strchr(path, '.')) != NULL) {
		snprintf(part, sizeof part, "%.*s", (int)(dot - path), path);
		if ((fd = pb_field_by_name(m->descriptor, part)) == NULL ||
		    fd->type != PROTOBUF_C_TYPE_MESSAGE ||
		    !pb_field_present(m, fd))
			return NULL;
		m = *(ProtobufCMessage **)pb_field_ptr(m, fd);
		path = dot + 1;
	}
	if ((fd = pb_field_by_name(m->descriptor, path)) == NULL ||
	    fd->type != PROTOBUF_C_TYPE_STRING || !pb_field_present(m, fd))
		return NULL;
	return *(char **)pb_field_ptr(m, fd);
}

/* Adds (date, kind) to out unless out has that date already. */
static void
due_add(struct due_set *out, const char *date, int kind)
{
	size_t i;

	if (out->n == DUE_ENTRIES_MAX || !timefmt_date_valid(date))
		return;
	for (i = 0; i < out->n; i++)
		if (strcmp(out->e[i].date, date) == 0)
			return;
	snprintf(out->e[out->n].date, sizeof out->e[out->n].date, "%s", date);
	out->e[out->n++].kind = kind;
}

/* The date a record with a frequency is next to be measured, or false:
 * a period after its latest measurement, else after its creation. */
static bool
due_measure_date(struct store_txn *txn, const uint8_t *rk, size_t rklen,
                 const Isms__V1__Record *rec, const char *freq, char *out)
{
	Isms__V1__Measurement *m;
	struct kpi_period p;
	char base[DATE_LEN + 1];
	bool ok;

	if (!kpi_period_parse(freq, &p))
		return false;
	if (txn != NULL && measures_latest(txn, rk, rklen, &m)) {
		snprintf(base, sizeof base, "%s", m->at != NULL ? m->at : "");
		protobuf_c_message_free_unpacked(&m->base, NULL);
	} else
		timefmt_date_add(rec->created_at, 0, base, sizeof base);
	ok = kpi_period_next(&p, base, out, DATE_LEN + 1);
	return ok;
}

void
due_set_of(struct store_txn *txn, const struct register_def *reg,
           const uint8_t *rk, size_t rklen, const Isms__V1__Record *rec,
           struct due_set *out)
{
	ProtobufCMessage *body = register_body(rec);
	const char *d;
	char date[DATE_LEN + 1];
	bool dated = false;
	size_t i;

	out->n = 0;
	if (rec == NULL || rec->archived ||
	    register_state_is(reg, rec, REGISTER_SETTLED))
		return;
	for (i = 0;
	     body != NULL && i < sizeof due_fields / sizeof due_fields[0];
	     i++) {
		if ((d = due_body_str(body, due_fields[i].path)) == NULL ||
		    (due_fields[i].until != NULL &&
		     due_body_str(body, due_fields[i].until) != NULL))
			continue;
		dated |= due_fields[i].kind == ISMS__V1__DUE_KIND__DUE_KIND_DUE;
		due_add(out, d, due_fields[i].kind);
	}
	if (body != NULL && (d = due_body_str(body, DUE_FREQUENCY)) != NULL &&
	    due_measure_date(txn, rk, rklen, rec, d, date))
		due_add(out, date, ISMS__V1__DUE_KIND__DUE_KIND_MEASUREMENT);
	if (rec->next_review_on != NULL && !(dated && reg->due_replaces_review))
		due_add(out, rec->next_review_on,
		        ISMS__V1__DUE_KIND__DUE_KIND_REVIEW);
}

/* The due key of (date, kind, record key). */
static size_t
due_key(const char *date, int kind, const uint8_t *rk, size_t rklen,
        uint8_t *out)
{
	memcpy(out, date, DATE_LEN);
	out[DATE_LEN] = (uint8_t)kind;
	memcpy(out + DATE_LEN + 1, rk, rklen);
	return DATE_LEN + 1 + rklen;
}

/* The low-water mark into low ("" when none: from the start). */
static void
due_low_get(struct store_txn *txn, char low[DATE_LEN + 1])
{
	MDB_val v;

	low[0] = '\0';
	if (store_get(txn, DB_META, DUE_LOW_KEY, strlen(DUE_LOW_KEY), &v) ==
	        0 &&
	    v.mv_size == DATE_LEN) {
		memcpy(low, v.mv_data, DATE_LEN);
		low[DATE_LEN] = '\0';
	}
}

static void
due_low_set(struct store_txn *txn, const char *low)
{
	store_put(txn, DB_META, DUE_LOW_KEY, strlen(DUE_LOW_KEY), low,
	          DATE_LEN);
}

/* Whether entry i of a is in set b. */
static bool
due_has(const struct due_set *b, const struct due_set *a, size_t i)
{
	size_t j;

	for (j = 0; j < b->n; j++)
		if (b->e[j].kind == a->e[i].kind &&
		    strcmp(b->e[j].date, a->e[i].date) == 0)
			return true;
	return false;
}

/* Puts an unfired due key, lowering the low-water mark to its date. */
static void
due_put_new(struct store_txn *txn, const uint8_t *key, size_t klen,
            const char *date)
{
	char low[DATE_LEN + 1];
	uint8_t zero = 0;

	store_put(txn, DB_DUE, key, klen, &zero, 1);
	due_low_get(txn, low);
	if (low[0] != '\0' && strcmp(date, low) < 0)
		due_low_set(txn, date);
}

void
due_set_apply(struct store_txn *txn, const uint8_t *rk, size_t rklen,
              const struct due_set *was, const struct due_set *now)
{
	uint8_t key[DUE_KEY_MAX];
	size_t i, klen;

	for (i = 0; i < was->n; i++)
		if (!due_has(now, was, i)) {
			klen = due_key(was->e[i].date, was->e[i].kind, rk,
			               rklen, key);
			store_del(txn, DB_DUE, key, klen);
		}
	/* Dates that did not move keep their flags: no second notice. */
	for (i = 0; i < now->n; i++)
		if (!due_has(was, now, i)) {
			klen = due_key(now->e[i].date, now->e[i].kind, rk,
			               rklen, key);
			due_put_new(txn, key, klen, now->e[i].date);
		}
}

void
due_index(struct store_txn *txn, const struct register_def *reg,
          const uint8_t *rk, size_t rklen, const Isms__V1__Record *old,
          const Isms__V1__Record *rec)
{
	struct due_set was = {.n = 0}, now;

	if (old != NULL)
		due_set_of(txn, reg, rk, rklen, old, &was);
	due_set_of(txn, reg, rk, rklen, rec, &now);
	due_set_apply(txn, rk, rklen, &was, &now);
}

void
due_keys(struct store_txn *txn, const struct register_def *reg,
         const uint8_t *rk, size_t rklen, const Isms__V1__Record *rec,
         store_key_fn *fn, void *arg)
{
	struct due_set e;
	uint8_t key[DUE_KEY_MAX];
	size_t i;

	due_set_of(txn, reg, rk, rklen, rec, &e);
	/* The value holds fired flags, the scheduler's: not checked. */
	for (i = 0; i < e.n; i++)
		fn(arg, key, due_key(e.e[i].date, e.e[i].kind, rk, rklen, key),
		   NULL, 0);
}

/* Calls fn for each due entry dated from first ("": the start) to last;
 * stops on nonzero. */
static int
due_each(struct store_txn *txn, const char *first, const char *last,
         int (*fn)(void *, const MDB_val *, const MDB_val *), void *arg)
{
	struct store_iter it;
	int rc = 0;

	if (store_iter_open(txn, DB_DUE, &it, NULL, 0) != 0)
		return txn->ret;
	if (first[0] != '\0') {
		it.start = (const uint8_t *)first;
		it.slen = DATE_LEN;
	}
	while (rc == 0 && store_iter_next(&it)) {
		if (it.k.mv_size <= DATE_LEN + 1 ||
		    memcmp(it.k.mv_data, last, DATE_LEN) > 0)
			break;
		rc = fn(arg, &it.k, &it.v);
	}
	store_iter_close(&it);
	return rc != 0 ? rc : txn->ret;
}

/* Days from a to b (dates), positive when b is later. */
static int
due_days(const char *a, const char *b)
{
	int64_t ta, tb;

	if (timefmt_parse_instant(a, &ta) != 0 ||
	    timefmt_parse_instant(b, &tb) != 0)
		return 0;
	return (int)((tb - ta) / 86400);
}

/* Loads the record behind a due key (NULL if gone). */
static Isms__V1__Record *
due_record(struct store_txn *txn, const MDB_val *k,
           const struct register_def **reg)
{
	const uint8_t *rk = (const uint8_t *)k->mv_data + DATE_LEN + 1;
	size_t rklen = k->mv_size - DATE_LEN - 1;
	Isms__V1__Record *rec;
	struct isms_err err;
	MDB_val v;

	if (store_get(txn, DB_RECORDS, rk, rklen, &v) != 0 ||
	    records_unpack(&v, &rec, &err) != 0)
		return NULL;
	*reg = register_by_case(rk[0]);
	return rec;
}

struct due_q {
	struct store_txn *txn;
	const Isms__V1__Due *q;
	const char *today;
	Isms__V1__DueResult *out;
};

static int
due_query_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct due_q *dq = arg;
	const struct register_def *reg;
	Isms__V1__Record *rec;
	Isms__V1__DueItem *item;
	char date[DATE_LEN + 1];

	(void)v;
	if (dq->out->n_items == DUE_QUERY_MAX)
		return 1;
	if ((rec = due_record(dq->txn, k, &reg)) == NULL)
		return 0;
	if ((dq->q->owner != NULL &&
	     (rec->owner == NULL || strcmp(rec->owner, dq->q->owner) != 0)) ||
	    (dq->q->register_ != NULL && strcmp(reg->name, dq->q->register_))) {
		protobuf_c_message_free_unpacked(&rec->base, NULL);
		return 0;
	}
	memcpy(date, k->mv_data, DATE_LEN);
	date[DATE_LEN] = '\0';
	item = (Isms__V1__DueItem *)pb_new(&isms__v1__due_item__descriptor);
	item->id = xstrdup(rec->id);
	item->register_ = xstrdup(reg->name);
	item->title = xstrdup(rec->title ? rec->title : "");
	item->owner = rec->owner ? xstrdup(rec->owner) : NULL;
	item->has_kind = item->has_overdue = item->has_days = 1;
	item->kind = ((const uint8_t *)k->mv_data)[DATE_LEN];
	item->date = xstrdup(date);
	item->days = due_days(dq->today, date);
	item->overdue = item->days < 0;
	dq->out->items = xreallocarray(dq->out->items, dq->out->n_items + 1,
	                               sizeof *dq->out->items);
	dq->out->items[dq->out->n_items++] = item;
	protobuf_c_message_free_unpacked(&rec->base, NULL);
	return 0;
}

int
due_query(struct store_txn *txn, const Isms__V1__Due *q, const char *today,
          Isms__V1__DueResult *out, struct isms_err *err)
{
	struct due_q dq = {txn, q, today, out};
	char last[DATE_LEN + 1];
	int64_t t;
	int rc;

	if (q->register_ != NULL && register_by_name(q->register_) == NULL)
		return isms_err_set(err, ISMS_EINVAL, "unknown register '%s'",
		                    q->register_);
	if (q->has_within_days && q->within_days > 3660)
		return isms_err_set(err, ISMS_EINVAL,
		                    "within_days must be at most 3660");
	timefmt_parse_instant(today, &t);
	timefmt_date_add(t, (int)q->within_days, last, sizeof last);
	out->today = xstrdup(today);
	rc = due_each(txn, "", last, due_query_one, &dq);
	if (rc < 0)
		return isms_err_set(err, rc, "%s", txn->msg);
	return 0;
}

/* Flags a due entry still needs as of today (0: nothing to do). */
static int
due_wanted(const MDB_val *k, const MDB_val *v, const char *today,
           int grace_days)
{
	char date[DATE_LEN + 1];
	int flags = v->mv_size == 1 ? *(const uint8_t *)v->mv_data : 0;
	int want = FIRED_DUE;

	memcpy(date, k->mv_data, DATE_LEN);
	date[DATE_LEN] = '\0';
	if (due_days(date, today) >= grace_days)
		want |= FIRED_OVERDUE;
	return want & ~flags;
}

struct due_p {
	const char *today;
	int grace;
	bool pending;
};

static int
due_pending_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct due_p *p = arg;

	if (due_wanted(k, v, p->today, p->grace) != 0) {
		p->pending = true;
		return 1;
	}
	return 0;
}

bool
due_pending(struct store_txn *txn, const char *today, int grace_days)
{
	struct due_p p = {today, grace_days, false};
	char low[DATE_LEN + 1];

	due_low_get(txn, low);
	due_each(txn, low, today, due_pending_one, &p);
	return p.pending;
}

/* A notice waiting to be journaled. */
struct due_notice {
	uint8_t key[DUE_KEY_MAX];
	size_t klen;
	int want;
};

struct due_f {
	const char *today;
	int grace;
	struct due_notice *list;
	size_t n;
	char low[DATE_LEN + 1]; /* the first entry left short of FIRED_ALL */
};

static int
due_collect_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	struct due_f *f = arg;
	int want = due_wanted(k, v, f->today, f->grace);
	int had = v->mv_size == 1 ? *(const uint8_t *)v->mv_data : 0;

	if (f->low[0] == '\0' && ((had | want) & FIRED_ALL) != FIRED_ALL) {
		memcpy(f->low, k->mv_data, DATE_LEN);
		f->low[DATE_LEN] = '\0';
	}
	if (want == 0 || k->mv_size > DUE_KEY_MAX)
		return 0;
	f->list = xreallocarray(f->list, f->n + 1, sizeof *f->list);
	memcpy(f->list[f->n].key, k->mv_data, k->mv_size);
	f->list[f->n].klen = k->mv_size;
	f->list[f->n++].want = want;
	return 0;
}

/* Journals one notice of type for the record behind key. */
static int
due_journal(struct store_txn *txn, const struct due_notice *dn, int type,
            const struct records_actor *who, struct isms_err *err)
{
	const struct register_def *reg;
	MDB_val k = {dn->klen, (void *)dn->key};
	Isms__V1__Record *rec;
	char summary[300], tname[32], date[DATE_LEN + 1];
	int rc;

	if ((rec = due_record(txn, &k, &reg)) == NULL)
		return 0;
	memcpy(date, dn->key, DATE_LEN);
	date[DATE_LEN] = '\0';
	snprintf(summary, sizeof summary, "%s %s %s: %s", rec->id,
	         journal_type_name(type, tname, sizeof tname), date,
	         rec->title ? rec->title : "");
	rc = records_journal(txn, reg, rec, who, type, summary, NULL, 0, err);
	protobuf_c_message_free_unpacked(&rec->base, NULL);
	return rc;
}

int
due_fire(struct store_txn *txn, const char *today, int grace_days,
         const struct records_actor *who, size_t *fired, struct isms_err *err)
{
	struct due_f f = {today, grace_days, NULL, 0, ""};
	char low[DATE_LEN + 1];
	size_t i;
	int rc = 0, review, type;
	uint8_t flags;
	MDB_val v;

	*fired = 0;
	due_low_get(txn, low);
	/* Collect first: the txn then rewrites the flags it read. */
	if ((rc = due_each(txn, low, today, due_collect_one, &f)) < 0) {
		free(f.list);
		return isms_err_set(err, rc, "%s", txn->msg);
	}
	for (i = 0; i < f.n && rc == 0; i++) {
		struct due_notice *dn = &f.list[i];

		review =
		    dn->key[DATE_LEN] == ISMS__V1__DUE_KIND__DUE_KIND_REVIEW;
		if (dn->want & FIRED_DUE) {
			type =
			    review
			        ? ISMS__V1__EVENT_TYPE__EVENT_TYPE_REVIEW_DUE
			        : ISMS__V1__EVENT_TYPE__EVENT_TYPE_ACTION_DUE;
			rc = due_journal(txn, dn, type, who, err);
			(*fired)++;
		}
		if (rc == 0 && (dn->want & FIRED_OVERDUE)) {
			type =
			    review
			        ? ISMS__V1__EVENT_TYPE__EVENT_TYPE_REVIEW_OVERDUE
			        : ISMS__V1__EVENT_TYPE__EVENT_TYPE_ACTION_OVERDUE;
			rc = due_journal(txn, dn, type, who, err);
			(*fired)++;
		}
		if (rc == 0 &&
		    store_get(txn, DB_DUE, dn->key, dn->klen, &v) == 0) {
			flags = (v.mv_size == 1 ? *(uint8_t *)v.mv_data : 0) |
			        (uint8_t)dn->want;
			store_put(txn, DB_DUE, dn->key, dn->klen, &flags, 1);
		}
	}
	free(f.list);
	/* Everything before the first entry still short of its notices
	 * (or, with none, before today) is done with. */
	if (rc == 0)
		due_low_set(txn, f.low[0] != '\0' ? f.low : today);
	if (rc == 0 && txn->ret != 0)
		rc = isms_err_set(err, txn->ret, "%s", txn->msg);
	return rc;
}

/* Whether a stored due key is one its record calls for today. */
static bool
due_key_wanted(struct store_txn *txn, const MDB_val *k)
{
	const struct register_def *reg = NULL;
	Isms__V1__Record *rec;
	struct due_set e;
	size_t i;
	bool want = false;

	if (k->mv_size <= DATE_LEN + 1 ||
	    (rec = due_record(txn, k, &reg)) == NULL)
		return false;
	if (reg != NULL)
		due_set_of(txn, reg, (const uint8_t *)k->mv_data + DATE_LEN + 1,
		           k->mv_size - DATE_LEN - 1, rec, &e);
	for (i = 0; reg != NULL && i < e.n && !want; i++)
		want = memcmp(e.e[i].date, k->mv_data, DATE_LEN) == 0 &&
		       e.e[i].kind == ((const uint8_t *)k->mv_data)[DATE_LEN];
	protobuf_c_message_free_unpacked(&rec->base, NULL);
	return want;
}

/* Adds the due keys a stored record calls for and the db lacks. */
static void
due_add_missing(struct store_txn *txn, const MDB_val *rkv, const MDB_val *v)
{
	const struct register_def *reg =
	    register_by_case(((const uint8_t *)rkv->mv_data)[0]);
	Isms__V1__Record *rec;
	struct isms_err err;
	struct due_set e;
	uint8_t key[DUE_KEY_MAX];
	size_t i, klen;
	MDB_val have;

	if (reg == NULL || rkv->mv_size > RECKEY_MAX ||
	    records_unpack(v, &rec, &err) != 0)
		return;
	due_set_of(txn, reg, rkv->mv_data, rkv->mv_size, rec, &e);
	for (i = 0; i < e.n; i++) {
		klen = due_key(e.e[i].date, e.e[i].kind, rkv->mv_data,
		               rkv->mv_size, key);
		if (store_get(txn, DB_DUE, key, klen, &have) == -ISMS_ENOTFOUND)
			due_put_new(txn, key, klen, e.e[i].date);
	}
	protobuf_c_message_free_unpacked(&rec->base, NULL);
}

int
due_rebuild(struct store_txn *txn, struct isms_err *err)
{
	struct store_iter it;
	MDB_val *gone = NULL;
	size_t n = 0, i;

	if (store_iter_open(txn, DB_DUE, &it, NULL, 0) == 0)
		while (store_iter_next(&it))
			if (!due_key_wanted(txn, &it.k)) {
				gone = xreallocarray(gone, n + 1, sizeof *gone);
				gone[n].mv_size = it.k.mv_size;
				gone[n].mv_data = xmalloc(it.k.mv_size);
				memcpy(gone[n++].mv_data, it.k.mv_data,
				       it.k.mv_size);
			}
	store_iter_close(&it);
	for (i = 0; i < n; i++) {
		store_del(txn, DB_DUE, gone[i].mv_data, gone[i].mv_size);
		free(gone[i].mv_data);
	}
	free(gone);
	if (txn->ret == 0 &&
	    store_iter_open(txn, DB_RECORDS, &it, NULL, 0) == 0) {
		while (store_iter_next(&it))
			due_add_missing(txn, &it.k, &it.v);
		store_iter_close(&it);
	}
	if (txn->ret != 0)
		return isms_err_set(err, txn->ret, "%s", txn->msg);
	return 0;
}
