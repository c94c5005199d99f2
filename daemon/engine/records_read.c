/* records_read.c: Get, List and History on a short read txn. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extref.h"
#include "keys.h"
#include "links.h"
#include "measures.h"
#include "pbfield.h"
#include "records.h"
#include "records_filter.h"
#include "registers.h"
#include "xmalloc.h"

int
records_get(struct store_txn *txn, const char *id, uint64_t rev,
            Isms__V1__Record **out, struct isms_err *err)
{
	const struct register_def *reg;
	uint8_t rk[RECKEY_MAX], hk[RECKEY_MAX + 9];
	size_t rklen, hklen;
	MDB_val v;
	int rc;

	if (id == NULL || id[0] == '\0')
		return isms_err_set(err, ISMS_EINVAL, "get.id is required");
	if (rev == 0) {
		if ((rc = records_load(txn, id, &reg, rk, &rklen, out, err)) !=
		        0 ||
		    (rc = links_fill_incoming(txn, reg, *out, err)) == 0) {
			if (rc == 0)
				measures_fill_progress(txn, *out);
			return rc;
		}
		protobuf_c_message_free_unpacked((ProtobufCMessage *)*out,
		                                 NULL);
		*out = NULL;
		return rc;
	}
	if ((reg = register_by_id(id)) == NULL ||
	    (rklen = key_record(register_code(reg), id, rk, sizeof rk)) == 0)
		return isms_err_set(err, ISMS_ENOTFOUND, "no record %s", id);
	hklen = key_history(rk, rklen, rev, hk, sizeof hk);
	rc = store_get(txn, DB_HISTORY, hk, hklen, &v);
	if (rc == -ISMS_ENOTFOUND)
		return isms_err_set(err, ISMS_ENOTFOUND, "no rev %llu of %s",
		                    (unsigned long long)rev, id);
	if (rc != 0)
		return isms_err_set(err, rc, "%s", txn->msg);
	return records_unpack(&v, out, err);
}

/* Whether rec passes the filters of a list request. */
static bool
records_match(const struct register_def *reg, const Isms__V1__Record *rec,
              const Isms__V1__List *list, int status)
{
	const ProtobufCFieldDescriptor *sfd;
	ProtobufCMessage *body;
	bool want_archived;
	size_t i;

	if (list->archived != ISMS__V1__ARCHIVED_FILTER__ANY) {
		want_archived =
		    list->archived == ISMS__V1__ARCHIVED_FILTER__ARCHIVED;
		if ((rec->archived != 0) != want_archived)
			return false;
	}
	if (list->owner != NULL &&
	    (rec->owner == NULL || strcmp(rec->owner, list->owner) != 0))
		return false;
	if (list->status != NULL) {
		sfd = register_status_field(reg);
		body = register_body(rec);
		if (sfd == NULL || body == NULL ||
		    !pb_field_present(body, sfd) ||
		    *(int *)pb_field_ptr(body, sfd) != status)
			return false;
	}
	if (list->tag != NULL) {
		for (i = 0; i < rec->n_tags; i++)
			if (strcmp(rec->tags[i], list->tag) == 0)
				break;
		if (i == rec->n_tags)
			return false;
	}
	return true;
}

/* Appends rec to a list result. */
static void
records_list_add(Isms__V1__ListResult *out, Isms__V1__Record *rec)
{
	out->records = xreallocarray(out->records, out->n_records + 1,
	                             sizeof *out->records);
	out->records[out->n_records++] = rec;
}

/* What a listing scans: a register's records, or one index of them. */
struct records_scan {
	const struct register_def *reg;
	int status;                     /* the status filter's value, parsed */
	struct records_filters filters; /* list->filters, resolved */
	bool by_index;
	uint8_t prefix[STORE_KEY_MAX];
	size_t plen;
};

/* Fills sc from a list request: its register, status and the prefix to
 * scan. One index narrows the scan; the other filters check records. */
static int
records_scan_plan(const Isms__V1__List *list, struct records_scan *sc,
                  struct isms_err *err)
{
	const ProtobufCFieldDescriptor *sfd;
	uint8_t code;
	char sname[64];

	if (list->register_ == NULL ||
	    (sc->reg = register_by_name(list->register_)) == NULL)
		return isms_err_set(err, ISMS_EINVAL, "unknown register '%s'",
		                    list->register_ ? list->register_ : "");
	code = register_code(sc->reg);
	sc->status = 0;
	if (list->status != NULL) {
		sfd = register_status_field(sc->reg);
		if (sfd == NULL || pb_enum_parse(sfd->descriptor, list->status,
		                                 &sc->status) != 0)
			return isms_err_set(
			    err, ISMS_EINVAL, "status '%s' is not %s %s status",
			    list->status, reglist_article(sc->reg->name),
			    sc->reg->name);
		pb_enum_name(sfd->descriptor, sc->status, sname, sizeof sname);
	}
	sc->by_index = true;
	if (list->owner != NULL)
		sc->plen = key_index(code, 'o', list->owner, NULL, 0,
		                     sc->prefix, sizeof sc->prefix);
	else if (list->status != NULL)
		sc->plen = key_index(code, 's', sname, NULL, 0, sc->prefix,
		                     sizeof sc->prefix);
	else if (list->tag != NULL)
		sc->plen = key_index(code, 't', list->tag, NULL, 0, sc->prefix,
		                     sizeof sc->prefix);
	else {
		sc->prefix[0] = code;
		sc->plen = 1;
		sc->by_index = false;
	}
	if (sc->plen == 0)
		return isms_err_set(err, ISMS_EINVAL, "filter value too long");
	return records_filters_parse(sc->reg, list, &sc->filters, err);
}

/* Opens the scan, resumed after the list's page token if it has one. */
static int
records_scan_open(struct store_txn *txn, const Isms__V1__List *list,
                  const struct records_scan *sc, struct store_iter *it,
                  struct isms_err *err)
{
	if (store_iter_open(txn, sc->by_index ? DB_IDX : DB_RECORDS, it,
	                    sc->prefix, sc->plen) != 0)
		return isms_err_set(err, txn->ret, "%s", txn->msg);
	if (!list->has_page_token)
		return 0;
	if (list->page_token.len < sc->plen ||
	    memcmp(list->page_token.data, sc->prefix, sc->plen) != 0) {
		store_iter_close(it);
		return isms_err_set(
		    err, ISMS_EINVAL,
		    "page_token does not belong to this listing");
	}
	it->start = list->page_token.data;
	it->slen = list->page_token.len;
	it->skip_start = true;
	return 0;
}

/* The next page resumes after the key it is at. */
static void
records_scan_mark(Isms__V1__ListResult *out, const struct store_iter *it)
{
	free(out->next_page_token.data);
	out->next_page_token.len = it->k.mv_size;
	out->next_page_token.data = xmalloc(it->k.mv_size);
	memcpy(out->next_page_token.data, it->k.mv_data, it->k.mv_size);
}

/* The stored record the scan is at, in v: 0, -ISMS_ENOTFOUND for an
 * index key whose record is gone, or a store error. */
static int
records_scan_get(struct store_txn *txn, const struct records_scan *sc,
                 const struct store_iter *it, MDB_val *v)
{
	if (!sc->by_index) {
		*v = it->v;
		return 0;
	}
	return store_get(txn, DB_RECORDS, (uint8_t *)it->k.mv_data + sc->plen,
	                 it->k.mv_size - sc->plen, v);
}

/* Reads the record the scan is at into *rec when it passes the filters
 * (NULL when it does not, or is gone). */
static int
records_scan_take(struct store_txn *txn, const Isms__V1__List *list,
                  struct records_scan *sc, const struct store_iter *it,
                  Isms__V1__Record **rec, size_t *bytes, struct isms_err *err)
{
	MDB_val v;
	int rc;

	*rec = NULL;
	if ((rc = records_scan_get(txn, sc, it, &v)) == -ISMS_ENOTFOUND)
		return 0;
	if (rc != 0 || (rc = records_unpack(&v, rec, err)) != 0)
		return rc;
	if (!records_match(sc->reg, *rec, list, sc->status) ||
	    !records_filters_match(&sc->filters, *rec)) {
		protobuf_c_message_free_unpacked(&(*rec)->base, NULL);
		*rec = NULL;
		return 0;
	}
	if ((rc = links_fill_incoming(txn, sc->reg, *rec, err)) != 0) {
		protobuf_c_message_free_unpacked(&(*rec)->base, NULL);
		*rec = NULL;
		return rc;
	}
	measures_fill_progress(txn, *rec);
	*bytes += v.mv_size;
	return 0;
}

/*
 * A page: at most page records, and at most LIST_SCAN_MAX entries read,
 * so a filter that matches nothing in a large register holds the loop
 * no longer than one page does; the token resumes after the last entry
 * read, matched or not.
 */
#define REF_FILTER "external_ref="

/* A listing by external_ref alone (one filter, nothing else but the
 * register and archived): one lookup in its index instead of a scan.
 * RECORDS_UNCHANGED when the listing is not of that form. */
static int
records_list_by_ref(struct store_txn *txn, const Isms__V1__List *list,
                    Isms__V1__ListResult *out, struct isms_err *err)
{
	const struct register_def *reg = register_by_name(list->register_);
	const char *ref;
	Isms__V1__Record *rec;
	char id[ID_MAX + 1];
	uint8_t rk[RECKEY_MAX];
	size_t rklen;
	bool show;
	int rc;

	if (reg == NULL || list->n_filters != 1 ||
	    strncmp(list->filters[0], REF_FILTER, strlen(REF_FILTER)) != 0 ||
	    (ref = list->filters[0] + strlen(REF_FILTER))[0] == '\0' ||
	    register_has_text(list->owner) || register_has_text(list->status) ||
	    register_has_text(list->tag) || list->has_page_token)
		return RECORDS_UNCHANGED;
	out->has_scanned = 1;
	if (extref_ref_get(txn, register_code(reg), ref, id) != 0)
		return 0;
	if ((rc = records_load(txn, id, NULL, rk, &rklen, &rec, err)) != 0)
		return rc == -ISMS_ENOTFOUND ? 0 : rc;
	out->scanned = 1;
	switch (list->has_archived ? list->archived
	                           : ISMS__V1__ARCHIVED_FILTER__LIVE) {
	case ISMS__V1__ARCHIVED_FILTER__ANY:
		show = true;
		break;
	case ISMS__V1__ARCHIVED_FILTER__ARCHIVED:
		show = rec->archived;
		break;
	default:
		show = !rec->archived;
	}
	if (show)
		records_list_add(out, rec);
	else
		protobuf_c_message_free_unpacked(&rec->base, NULL);
	return 0;
}

int
records_list(struct store_txn *txn, const Isms__V1__List *list,
             Isms__V1__ListResult *out, struct isms_err *err)
{
	struct records_scan sc = {0};
	struct store_iter it;
	Isms__V1__Record *rec;
	size_t page, bytes = 0, scanned = 0;
	int rc;

	if ((rc = records_list_by_ref(txn, list, out, err)) !=
	    RECORDS_UNCHANGED)
		return rc;
	if ((rc = records_scan_plan(list, &sc, err)) != 0 ||
	    (rc = records_scan_open(txn, list, &sc, &it, err)) != 0) {
		records_filters_clear(&sc.filters);
		return rc;
	}
	page = list->has_page_size && list->page_size > 0 ? list->page_size
	                                                  : LIST_PAGE_DEFAULT;
	if (page > LIST_PAGE_MAX)
		page = LIST_PAGE_MAX;
	while (store_iter_next(&it)) {
		if (out->n_records == page || bytes >= REPLY_BYTES_SOFT ||
		    scanned == LIST_SCAN_MAX) {
			/* More remain: resume after the last key read. */
			out->has_next_page_token = 1;
			break;
		}
		scanned++;
		if ((rc = records_scan_take(txn, list, &sc, &it, &rec, &bytes,
		                            err)) != 0)
			break;
		if (rec != NULL)
			records_list_add(out, rec);
		records_scan_mark(out, &it);
	}
	store_iter_close(&it);
	records_filters_clear(&sc.filters);
	out->has_scanned = 1;
	out->scanned = (uint32_t)scanned;
	if (rc == 0 && txn->ret != 0)
		rc = isms_err_set(err, txn->ret, "%s", txn->msg);
	if (!out->has_next_page_token) {
		free(out->next_page_token.data);
		out->next_page_token.data = NULL;
		out->next_page_token.len = 0;
	}
	return rc;
}

int
records_history(struct store_txn *txn, const char *id,
                Isms__V1__HistoryResult *out, struct isms_err *err)
{
	const struct register_def *reg;
	uint8_t prefix[RECKEY_MAX + 1];
	struct store_iter it;
	Isms__V1__Record *rec;
	size_t plen;
	int rc = 0;

	if (id == NULL || id[0] == '\0')
		return isms_err_set(err, ISMS_EINVAL, "history.id is required");
	if ((reg = register_by_id(id)) == NULL ||
	    (plen = key_record(register_code(reg), id, prefix, RECKEY_MAX)) ==
	        0)
		return isms_err_set(err, ISMS_ENOTFOUND, "no record %s", id);
	prefix[plen++] = 0x00;
	if ((rc = store_iter_open(txn, DB_HISTORY, &it, prefix, plen)) != 0)
		return isms_err_set(err, rc, "%s", txn->msg);
	while (store_iter_next(&it)) {
		if ((rc = records_unpack(&it.v, &rec, err)) != 0)
			break;
		out->revisions =
		    xreallocarray(out->revisions, out->n_revisions + 1,
		                  sizeof *out->revisions);
		out->revisions[out->n_revisions++] = rec;
	}
	store_iter_close(&it);
	if (rc == 0 && txn->ret != 0)
		rc = isms_err_set(err, txn->ret, "%s", txn->msg);
	if (rc == 0 && out->n_revisions == 0)
		rc = isms_err_set(err, ISMS_ENOTFOUND, "no record %s", id);
	return rc;
}
