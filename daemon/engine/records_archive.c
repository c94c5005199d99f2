/* records_archive.c: archive and unarchive, a record's place in lists. */
#include <stdbool.h>
#include <stdio.h>

#include "links.h"
#include "records.h"
#include "registers.h"

/* Marks ed's record archived (on) or live again, with its event. */
static void
records_mark_archived(struct records_edit *ed, bool on)
{
	Isms__V1__Record *rec = ed->rec;

	rec->has_archived = on;
	rec->archived = on;
	ed->type = on ? ISMS__V1__EVENT_TYPE__EVENT_TYPE_ARCHIVED
	              : ISMS__V1__EVENT_TYPE__EVENT_TYPE_UNARCHIVED;
	snprintf(ed->summary, sizeof ed->summary, "%s %s: %s", rec->id,
	         on ? "archived" : "unarchived", rec->title ? rec->title : "");
}

/*
 * Runs the change ch, which always changes a record (archive takes only
 * live records, unarchive only archived ones), and moves one from the
 * register's live count to its archived count (on) or back.
 */
static int
records_archive_change(struct store_txn *txn, const struct records_change *ch,
                       bool on, const struct records_actor *who,
                       Isms__V1__Record **out, struct isms_err *err)
{
	int rc, d = on ? 1 : -1;

	if ((rc = records_change(txn, ch, who, out, err)) != 0)
		return rc;
	records_count_add(txn, register_code(register_by_id((*out)->id)), -d,
	                  d);
	return 0;
}

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
	records_mark_archived(ed, true);
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

	return records_archive_change(txn, &ch, true, who, out, err);
}

/* records_change_fn of an unarchive. */
static int
records_unarchive_apply(void *arg, struct records_edit *ed,
                        struct isms_err *err)
{
	(void)arg;
	(void)err;
	records_mark_archived(ed, false);
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

	return records_archive_change(txn, &ch, false, who, out, err);
}
