/* catalog.c: seeding and loading the clause and control catalog. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "keys.h"
#include "pbfield.h"
#include "records.h"
#include "registers.h"
#include "store.h"
#include "xmalloc.h"

#define SEEDED_KEY "catalog-seeded"

/* Replaces a string field's value (NULL clears it). */
static void
catalog_set(char **field, const char *value)
{
	free(*field);
	*field = value != NULL && value[0] != '\0' ? xstrdup(value) : NULL;
}

/* The "A.5 Organizational controls" label of a theme ref, from items. */
static const char *
catalog_theme(Isms__V1__CatalogItem *const *items, size_t n, const char *ref,
              char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(items[i]->kind, "theme") == 0 &&
		    strcmp(items[i]->ref, ref) == 0) {
			snprintf(buf, len, "%s %s", ref, items[i]->title);
			return buf;
		}
	snprintf(buf, len, "%s", ref);
	return buf;
}

/* Writes the catalog's fields of item into rec (a control/requirement). */
static void
catalog_fill(Isms__V1__Record *rec, const Isms__V1__CatalogItem *item,
             const char *theme)
{
	const char *edition = item->edition;

	catalog_set(&rec->title, item->title);
	if (rec->body_case == ISMS__V1__RECORD__BODY_CONTROL) {
		Isms__V1__Control *c = rec->control;

		catalog_set(&c->theme, theme);
		if (item->text != NULL)
			catalog_set(&c->text, item->text);
		if (edition != NULL || c->edition == NULL)
			catalog_set(&c->edition,
			            edition ? edition : CATALOG_EDITION);
	} else {
		Isms__V1__Requirement *r = rec->requirement;

		catalog_set(&r->parent, item->parent);
		r->has_assessable = 1;
		r->assessable = item->assessable;
		if (item->text != NULL)
			catalog_set(&r->text, item->text);
		if (edition != NULL || r->edition == NULL)
			catalog_set(&r->edition,
			            edition ? edition : CATALOG_EDITION);
	}
}

/* A new empty record of reg with id. */
static Isms__V1__Record *
catalog_new_record(const struct register_def *reg, const char *id)
{
	Isms__V1__Record *rec;
	ProtobufCMessage *body;

	rec = (Isms__V1__Record *)pb_new(&isms__v1__record__descriptor);
	rec->id = xstrdup(id);
	body = pb_submsg(&rec->base,
	                 protobuf_c_message_descriptor_get_field(
	                     &isms__v1__record__descriptor, reg->body_case),
	                 true);
	register_set_initial_status(reg, body);
	rec->has_review_interval_days = 1;
	rec->review_interval_days = reg->review_days;
	return rec;
}

/* Applies one clause or control item. */
static int
catalog_apply_one(struct store_txn *txn, const Isms__V1__CatalogItem *item,
                  const char *theme, const struct records_actor *who,
                  Isms__V1__CatalogLoadResult *res, struct isms_err *err)
{
	const struct register_def *want, *reg;
	Isms__V1__Record *old = NULL, *rec;
	uint8_t rk[RECKEY_MAX];
	size_t rklen;
	int rc;

	want = strcmp(item->kind, "clause") == 0 ? &register_requirement
	                                         : &register_control;
	if ((reg = register_by_id(item->ref)) != want || reg->owns_id == NULL ||
	    !reg->owns_id(item->ref))
		return isms_err_set(
		    err, ISMS_EINVAL, "catalog item '%s' is not a valid %s id",
		    item->ref,
		    want == &register_control ? "Annex A control" : "clause");
	rc = records_load(txn, item->ref, NULL, rk, &rklen, &old, err);
	if (rc != 0 && rc != -ISMS_ENOTFOUND)
		return rc;
	if (old == NULL) {
		rec = catalog_new_record(reg, item->ref);
		catalog_fill(rec, item, theme);
		if ((rc = records_validate(txn, reg, rec, NULL, who, err)) ==
		        0 &&
		    (rc = records_store_new(txn, reg, rec, who, err)) == 0) {
			res->created++;
			res->has_created = 1;
		}
	} else {
		rec = (Isms__V1__Record *)pb_dup(&old->base);
		catalog_fill(rec, item, theme);
		rc = records_store_change(txn, reg, old, rec, who, NULL, err);
		if (rc == RECORDS_UNCHANGED) {
			res->unchanged++;
			res->has_unchanged = 1;
			rc = 0;
		} else if (rc == 0) {
			res->updated++;
			res->has_updated = 1;
		}
		protobuf_c_message_free_unpacked(&old->base, NULL);
	}
	protobuf_c_message_free_unpacked(&rec->base, NULL);
	return rc;
}

int
catalog_apply(struct store_txn *txn, Isms__V1__CatalogItem *const *items,
              size_t n, const struct records_actor *who,
              Isms__V1__CatalogLoadResult *res, struct isms_err *err)
{
	const Isms__V1__CatalogItem *it;
	char theme[256];
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		it = items[i];
		if (it->kind == NULL || it->ref == NULL || it->title == NULL ||
		    it->title[0] == '\0')
			return isms_err_set(
			    err, ISMS_EINVAL,
			    "catalog item %zu: kind, ref and title "
			    "are required",
			    i + 1);
		if (strcmp(it->kind, "theme") == 0)
			continue;
		if (strcmp(it->kind, "clause") != 0 &&
		    strcmp(it->kind, "control") != 0)
			return isms_err_set(
			    err, ISMS_EINVAL,
			    "catalog item %zu (%s): kind '%s' is "
			    "not clause, theme or control",
			    i + 1, it->ref, it->kind);
		catalog_theme(items, n, it->parent ? it->parent : "", theme,
		              sizeof theme);
		if ((rc = catalog_apply_one(txn, it, theme, who, res, err)) !=
		    0) {
			char why[sizeof err->msg];

			snprintf(why, sizeof why, "%s", err->msg);
			return isms_err_set(err, -rc,
			                    "catalog item %zu (%s): %s", i + 1,
			                    it->ref, why);
		}
	}
	return 0;
}

int
catalog_seed(struct store_txn *txn, const struct records_actor *who,
             bool *seeded, struct isms_err *err)
{
	Isms__V1__CatalogLoadResult res = ISMS__V1__CATALOG_LOAD_RESULT__INIT;
	Isms__V1__CatalogItem *items, **ptrs;
	MDB_val v;
	size_t i;
	int rc;

	*seeded = false;
	rc = store_get(txn, DB_META, SEEDED_KEY, strlen(SEEDED_KEY), &v);
	if (rc == 0)
		return 0;
	if (rc != -ISMS_ENOTFOUND)
		return isms_err_set(err, rc, "%s", txn->msg);
	items = xcalloc(catalog_builtin_len, sizeof *items);
	ptrs = xcalloc(catalog_builtin_len, sizeof *ptrs);
	for (i = 0; i < catalog_builtin_len; i++) {
		const struct catalog_row *r = &catalog_builtin[i];

		isms__v1__catalog_item__init(&items[i]);
		items[i].kind = (char *)r->kind;
		items[i].ref = (char *)r->ref;
		items[i].parent = (char *)r->parent;
		items[i].title = (char *)r->title;
		items[i].has_assessable = 1;
		items[i].assessable = r->assessable;
		items[i].edition = CATALOG_EDITION;
		ptrs[i] = &items[i];
	}
	rc = catalog_apply(txn, ptrs, catalog_builtin_len, who, &res, err);
	free(ptrs);
	free(items);
	if (rc != 0)
		return rc;
	store_put(txn, DB_META, SEEDED_KEY, strlen(SEEDED_KEY), CATALOG_EDITION,
	          strlen(CATALOG_EDITION));
	*seeded = true;
	return txn->ret != 0 ? isms_err_set(err, txn->ret, "%s", txn->msg) : 0;
}
