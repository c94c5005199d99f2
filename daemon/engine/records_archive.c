/* records_archive.c: archive and unarchive, a record's place in lists. */
#include <stdio.h>

#include "links.h"
#include "records.h"
#include "registers.h"

/* records_change_fn of an archive. */
static int
records_archive_apply(void *arg, struct records_edit *ed, struct isms_err *err)
{
	const Isms__V1__Archive *arc = arg;
	Isms__V1__Record *rec = ed->rec;
	int rc;

	/* Live records pointing here would be left dangling. */
	if (!arc->force && (rc = links_check_unreferenced(ed->txn, ed->reg,
	                                                  rec->id, err)) != 0)
		return rc;
	rec->has_archived = 1;
	rec->archived = 1;
	ed->type = ISMS__V1__EVENT_TYPE__EVENT_TYPE_ARCHIVED;
	snprintf(ed->summary, sizeof ed->summary, "%s archived: %s", rec->id,
	         rec->title ? rec->title : "");
	return 0;
}

int
records_archive(struct store_txn *txn, const Isms__V1__Archive *arc,
                const struct records_actor *who, Isms__V1__Record **out,
                struct isms_err *err)
{
	struct records_change ch = {arc->id, arc->has_expect_rev,
	                            arc->expect_rev, records_archive_apply,
	                            (void *)arc};
	int rc;

	/* Archived records are refused, so an archive always changes one. */
	if ((rc = records_change(txn, &ch, who, out, err)) != 0)
		return rc;
	records_count_add(txn, register_code(register_by_id((*out)->id)), -1,
	                  1);
	return 0;
}

/* records_change_fn of an unarchive. */
static int
records_unarchive_apply(void *arg, struct records_edit *ed,
                        struct isms_err *err)
{
	Isms__V1__Record *rec = ed->rec;

	(void)arg;
	(void)err;
	rec->has_archived = 0;
	rec->archived = 0;
	ed->type = ISMS__V1__EVENT_TYPE__EVENT_TYPE_UNARCHIVED;
	snprintf(ed->summary, sizeof ed->summary, "%s unarchived: %s", rec->id,
	         rec->title ? rec->title : "");
	return 0;
}

int
records_unarchive(struct store_txn *txn, const Isms__V1__Unarchive *u,
                  const struct records_actor *who, Isms__V1__Record **out,
                  struct isms_err *err)
{
	struct records_change ch = {u->id,         u->has_expect_rev,
	                            u->expect_rev, records_unarchive_apply,
	                            (void *)u,     true};
	int rc;

	/* Only an archived record is taken, so this always changes one. */
	if ((rc = records_change(txn, &ch, who, out, err)) != 0)
		return rc;
	records_count_add(txn, register_code(register_by_id((*out)->id)), 1,
	                  -1);
	return 0;
}
