/* ingest.c: the upsert of a pushed incident (see ingest.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extref.h"
#include "ingest.h"
#include "keys.h"
#include "pbfield.h"
#include "registers.h"
#include "xmalloc.h"

#define ST(x) ISMS__V1__INCIDENT_STATUS__INCIDENT_STATUS_##x
#define IS(x) ISMS__V1__INGEST_STATE__INGEST_STATE_##x

/* Whether the push says the source resolved its alert. */
static bool
ingest_resolved(const Isms__V1__Ingest *in)
{
	if (in->has_state && in->state != IS(UNSPECIFIED))
		return in->state == IS(RESOLVED);
	return in->has_resolved_at;
}

int
ingest_check(const Isms__V1__Ingest *in, struct isms_err *err)
{
	if (!register_has_text(in->source) ||
	    !register_has_text(in->external_id))
		return isms_err_set(err, ISMS_EINVAL,
		                    "ingest needs 'source' and 'external_id' "
		                    "(the dedupe key)");
	if (strlen(in->source) > EXTREF_SOURCE_MAX)
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'source' is longer than %d bytes",
		                    EXTREF_SOURCE_MAX);
	if (strlen(in->external_id) > EXTREF_EXTID_MAX)
		return isms_err_set(
		    err, ISMS_EINVAL,
		    "field 'external_id' is longer than %d bytes",
		    EXTREF_EXTID_MAX);
	if (in->has_severity && in->severity == 0)
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'severity' is unspecified");
	if (register_has_text(in->link) &&
	    strncmp(in->link, "https://", 8) != 0 &&
	    strncmp(in->link, "http://", 7) != 0)
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'link' must be an http:// or "
		                    "https:// URL");
	if (in->has_state && in->state == IS(FIRING) && in->has_resolved_at)
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'resolved_at' is set but state is "
		                    "firing");
	if (in->has_resolved_at && in->has_detected_at &&
	    in->resolved_at < in->detected_at)
		return isms_err_set(
		    err, ISMS_EINVAL,
		    "field 'resolved_at' is before detected_at");
	return 0;
}

/* Replaces string *dst with src when the push carries it. */
static void
ingest_str(char **dst, const char *src)
{
	if (src == NULL)
		return;
	free(*dst);
	*dst = xstrdup(src);
}

/* The fields the source owns, from the push into i (and the title). */
static void
ingest_fields(const Isms__V1__Ingest *in, Isms__V1__Record *rec, int64_t now)
{
	Isms__V1__Incident *i = rec->incident;

	if (register_has_text(in->title))
		ingest_str(&rec->title, in->title);
	if (in->has_severity) {
		i->has_severity = 1;
		i->severity = in->severity;
	}
	ingest_str(&i->description, in->description);
	if (in->has_detected_at) {
		i->has_detected_at = 1;
		i->detected_at = in->detected_at;
	}
	if (register_has_text(in->link))
		ingest_str(&i->link, in->link);
	i->has_source_resolved_at = ingest_resolved(in);
	i->source_resolved_at = !i->has_source_resolved_at ? 0
	                        : in->has_resolved_at      ? in->resolved_at
	                                                   : now;
	i->has_last_seen_at = 1;
	i->last_seen_at = now;
}

/* The incident as the ingest role may see it: its id, rev, title, status
 * and what the source wrote; not what people added (owner, notes,
 * lessons learned, links). */
static void
ingest_result(Isms__V1__IngestResult *out, const Isms__V1__Record *rec,
              bool created)
{
	const Isms__V1__Incident *i = rec->incident;
	Isms__V1__Record *r = (Isms__V1__Record *)pb_new(rec->base.descriptor);
	Isms__V1__Incident *o =
	    (Isms__V1__Incident *)pb_new(i->base.descriptor);

	r->id = xstrdup(rec->id);
	r->has_rev = rec->has_rev;
	r->rev = rec->rev;
	r->title = xstrdup(rec->title != NULL ? rec->title : "");
	r->body_case = ISMS__V1__RECORD__BODY_INCIDENT;
	r->incident = o;
	o->has_status = i->has_status;
	o->status = i->status;
	o->has_severity = i->has_severity;
	o->severity = i->severity;
	o->source = i->source != NULL ? xstrdup(i->source) : NULL;
	o->external_id =
	    i->external_id != NULL ? xstrdup(i->external_id) : NULL;
	o->has_detected_at = i->has_detected_at;
	o->detected_at = i->detected_at;
	o->link = i->link != NULL ? xstrdup(i->link) : NULL;
	o->has_repeat_count = i->has_repeat_count;
	o->repeat_count = i->repeat_count;
	o->has_last_seen_at = i->has_last_seen_at;
	o->last_seen_at = i->last_seen_at;
	o->has_source_resolved_at = i->has_source_resolved_at;
	o->source_resolved_at = i->source_resolved_at;
	out->record = r;
	out->has_created = 1;
	out->created = created;
	out->has_repeat_count = 1;
	out->repeat_count = i->repeat_count;
}

/* The first push of a key: a new incident in its initial status. */
static int
ingest_create(struct store_txn *txn, const Isms__V1__Ingest *in,
              const struct records_actor *who, Isms__V1__Record **out,
              struct isms_err *err)
{
	Isms__V1__Record *rec =
	    (Isms__V1__Record *)pb_new(&isms__v1__record__descriptor);
	char summary[300];
	struct records_event ev = {
	    ISMS__V1__EVENT_TYPE__EVENT_TYPE_INCIDENT_INGESTED, summary};
	Isms__V1__Incident *i;
	int rc;

	if (!register_has_text(in->title) || !in->has_severity) {
		protobuf_c_message_free_unpacked(&rec->base, NULL);
		return isms_err_set(err, ISMS_EINVAL,
		                    "the first push of %s/%s creates an "
		                    "incident: it needs 'title' and 'severity'",
		                    in->source, in->external_id);
	}
	i = (Isms__V1__Incident *)pb_submsg(
	    &rec->base,
	    pb_field_by_name(&isms__v1__record__descriptor, "incident"), true);
	i->source = xstrdup(in->source);
	i->external_id = xstrdup(in->external_id);
	i->has_reported_at = 1;
	i->reported_at = who->now;
	i->has_detected_at = 1;
	i->detected_at = who->now;
	i->has_repeat_count = 1;
	i->repeat_count = 0;
	ingest_fields(in, rec, who->now);
	snprintf(summary, sizeof summary, "created by ingest from %s/%s: %s",
	         in->source, in->external_id, rec->title);
	if ((rc = records_add(txn, &register_incident, rec, who, &ev, err)) !=
	    0) {
		protobuf_c_message_free_unpacked(&rec->base, NULL);
		return rc;
	}
	extref_put(txn, in->source, in->external_id, rec->id);
	if (txn->ret != 0) {
		protobuf_c_message_free_unpacked(&rec->base, NULL);
		return isms_err_set(err, txn->ret, "%s", txn->msg);
	}
	*out = rec;
	return 0;
}

/* records_change_fn of a repeated push. */
static int
ingest_update_fn(void *arg, struct records_edit *ed, struct isms_err *err)
{
	const Isms__V1__Ingest *in = arg;
	Isms__V1__Incident *i = ed->rec->incident;

	ingest_fields(in, ed->rec, ed->who->now);
	i->has_repeat_count = 1;
	i->repeat_count++;
	ed->type = ISMS__V1__EVENT_TYPE__EVENT_TYPE_INCIDENT_INGESTED;
	snprintf(ed->summary, sizeof ed->summary,
	         "%s ingested again from %s/%s: repeat %u%s", ed->rec->id,
	         in->source, in->external_id, i->repeat_count,
	         i->has_source_resolved_at ? ", resolved at the source" : "");
	return records_validate(ed->txn, ed->reg, ed->rec, ed->old, ed->who,
	                        err);
}

/* Whether the incident is history for ingest: closed or archived. */
static bool
ingest_settled(const Isms__V1__Record *rec)
{
	return rec->archived ||
	       (rec->incident != NULL && rec->incident->status == ST(CLOSED));
}

int
ingest_apply(struct store_txn *txn, const Isms__V1__Ingest *in,
             const struct records_actor *who, Isms__V1__IngestResult *out,
             struct isms_err *err)
{
	struct records_change ch = {.fn = ingest_update_fn, .arg = (void *)in};
	char id[ID_MAX + 1];
	uint8_t rk[RECKEY_MAX];
	size_t rklen;
	Isms__V1__Record *rec = NULL;
	bool created = false;
	int rc;

	rc = extref_get(txn, in->source, in->external_id, id);
	if (rc == 0)
		rc = records_load(txn, id, NULL, rk, &rklen, &rec, err);
	else if (rc != -ISMS_ENOTFOUND)
		return isms_err_set(err, -rc, "the dedupe index: %s",
		                    txn->ret != 0 ? txn->msg : "malformed");
	else
		rc = 0;
	if (rc != 0)
		return rc;
	if (rec != NULL && rec->incident == NULL) {
		protobuf_c_message_free_unpacked(&rec->base, NULL);
		return isms_err_set(
		    err, ISMS_EDATALOSS,
		    "the dedupe index names %s, not an incident", id);
	}
	if (rec != NULL && ingest_settled(rec) && ingest_resolved(in)) {
		/* Resolved where people closed it already: nothing to do. */
	} else if (rec == NULL || ingest_settled(rec)) {
		if (rec != NULL)
			protobuf_c_message_free_unpacked(&rec->base, NULL);
		rec = NULL;
		if ((rc = ingest_create(txn, in, who, &rec, err)) != 0)
			return rc;
		created = true;
	} else {
		protobuf_c_message_free_unpacked(&rec->base, NULL);
		rec = NULL;
		ch.id = id;
		rc = records_change(txn, &ch, who, &rec, err);
		if (rc < 0)
			return rc;
	}
	ingest_result(out, rec, created);
	protobuf_c_message_free_unpacked(&rec->base, NULL);
	return 0;
}
