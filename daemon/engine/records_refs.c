/* records_refs.c: external_ref, identified_on and a given next review date
 * (see records_refs.h). */
#include <string.h>

#include "extref.h"
#include "records_refs.h"
#include "registers.h"
#include "timefmt.h"

/* Refuses date field name of rec when set and not YYYY-MM-DD. */
static int
records_refs_date(const char *name, const char *val, struct isms_err *err)
{
	if (val == NULL || val[0] == '\0' || timefmt_date_valid(val))
		return 0;
	return isms_err_set(err, ISMS_EINVAL,
	                    "field '%s' must be a date YYYY-MM-DD, not '%s'",
	                    name, val);
}

int
records_refs_check(struct store_txn *txn, const struct register_def *reg,
                   const Isms__V1__Record *rec, const Isms__V1__Record *old,
                   struct isms_err *err)
{
	int rc;

	if ((rc = records_refs_date("identified_on", rec->identified_on,
	                            err)) != 0)
		return rc;
	/* The server's own dates are valid; a client's may not be. */
	if ((old == NULL || old->next_review_on == NULL ||
	     rec->next_review_on == NULL ||
	     strcmp(old->next_review_on, rec->next_review_on) != 0) &&
	    (rc = records_refs_date("next_review_on", rec->next_review_on,
	                            err)) != 0)
		return rc;
	if (rec->external_ref == NULL || rec->external_ref[0] == '\0' ||
	    (old != NULL && old->external_ref != NULL &&
	     strcmp(old->external_ref, rec->external_ref) == 0))
		return 0;
	return extref_ref_free(txn, register_code(reg), rec, err);
}

void
records_refs_save(struct store_txn *txn, const struct register_def *reg,
                  const Isms__V1__Record *old, const Isms__V1__Record *rec)
{
	if ((old != NULL && old->external_ref != NULL) ||
	    rec->external_ref != NULL)
		extref_ref_move(txn, register_code(reg), old, rec);
}

/* Whether a and b are both absent or equal strings. */
static bool
records_refs_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

bool
records_refs_reschedule(const Isms__V1__Record *old,
                        const Isms__V1__Record *rec)
{
	if (old == NULL)
		return rec->next_review_on == NULL ||
		       rec->next_review_on[0] == '\0';
	if (rec->next_review_on == NULL || rec->next_review_on[0] == '\0')
		return true;
	/* A client set a new date itself (a batch put): it stands. */
	if (!records_refs_same(old->next_review_on, rec->next_review_on))
		return false;
	return old->has_last_reviewed_at != rec->has_last_reviewed_at ||
	       old->last_reviewed_at != rec->last_reviewed_at ||
	       old->review_interval_days != rec->review_interval_days ||
	       old->created_at != rec->created_at;
}
