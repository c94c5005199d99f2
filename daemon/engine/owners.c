/* owners.c: the owner of a record is a user (see owners.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "owners.h"
#include "pbfield.h"
#include "registers.h"
#include "store.h"
#include "users.h"
#include "xmalloc.h"

/* Whether reg asks rec for an owner: always, or while its owner_when
 * field is true (a control that applies). */
static bool
owners_wanted(const struct register_def *reg, const Isms__V1__Record *rec)
{
	const ProtobufCMessage *body = register_body(rec);
	const ProtobufCFieldDescriptor *fd;

	if (!reg->owner_required)
		return false;
	if (reg->owner_when == NULL)
		return true;
	if (body == NULL ||
	    (fd = pb_field_by_name(body->descriptor, reg->owner_when)) ==
	        NULL ||
	    fd->type != PROTOBUF_C_TYPE_BOOL || !pb_field_present(body, fd))
		return false;
	return *(protobuf_c_boolean *)pb_field_ptr(body, fd) != 0;
}

/* Whether s names someone (set and not empty). */
static bool
owners_set(const char *s)
{
	return s != NULL && s[0] != '\0';
}

/* A user name for an e-mail's local part: "Tom.Baker" → "tom.baker". */
static void
owners_name_of(const char *email, char *buf, size_t len)
{
	size_t i, n = 0;

	for (i = 0; email[i] != '\0' && email[i] != '@' && n + 1 < len; i++) {
		char c = (char)tolower((unsigned char)email[i]);

		if (isalnum((unsigned char)c) || c == '_' || c == '.' ||
		    c == '-')
			buf[n++] = c;
	}
	buf[n] = '\0';
	if (n == 0 || !(islower((unsigned char)buf[0]) || buf[0] == '_'))
		snprintf(buf, len, "NAME");
}

/* Replaces rec->owner, an e-mail, with the one user who has it. */
static int
owners_resolve_email(struct store_txn *txn, Isms__V1__Record *rec,
                     struct isms_err *err)
{
	char name[USER_NAME_MAX + 1];
	int rc = users_by_email(txn, rec->owner, name);

	if (rc == 0) {
		free(rec->owner);
		rec->owner = xstrdup(name);
		return 0;
	}
	if (rc == -ISMS_EEXIST)
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'owner': more than one user has the "
		                    "e-mail %s; name the user",
		                    rec->owner);
	if (rc != -ISMS_ENOTFOUND)
		return isms_err_set(err, rc, "%s", txn->msg);
	owners_name_of(rec->owner, name, sizeof name);
	return isms_err_set(err, ISMS_EINVAL,
	                    "field 'owner': no user has the e-mail %s; add "
	                    "the owner first: ismsctl user add %s "
	                    "--display-name \"...\" --email %s",
	                    rec->owner, name, rec->owner);
}

/* Requires rec->owner (a name) to be a user who is not disabled. */
static int
owners_check_user(struct store_txn *txn, const char *owner,
                  struct isms_err *err)
{
	Isms__V1__User *u = NULL;
	bool disabled;
	int rc = users_get(txn, owner, &u);

	if (rc == -ISMS_ENOTFOUND)
		return isms_err_set(
		    err, ISMS_EINVAL,
		    "field 'owner': no user '%s'; an owner is a "
		    "user: add them first: ismsctl user add %s "
		    "--display-name \"...\" --email ...",
		    owner, owner);
	if (rc != 0)
		return isms_err_set(err, rc, "field 'owner': user '%s': %s",
		                    owner, txn->msg);
	disabled = u->disabled;
	protobuf_c_message_free_unpacked(&u->base, NULL);
	if (disabled)
		return isms_err_set(err, ISMS_EINVAL,
		                    "field 'owner': user '%s' is disabled; a "
		                    "disabled user keeps what they own but "
		                    "gets nothing new",
		                    owner);
	return 0;
}

int
owners_check(struct store_txn *txn, const struct register_def *reg,
             Isms__V1__Record *rec, const Isms__V1__Record *old,
             struct isms_err *err)
{
	char what[96];
	int rc;

	if (!owners_set(rec->owner)) {
		/* Required on create, on entering the condition, and no
		 * update clears it; older records without one keep working. */
		if (!owners_wanted(reg, rec) ||
		    (old != NULL && !owners_set(old->owner) &&
		     owners_wanted(reg, old)))
			return 0;
		if (reg->owner_when != NULL)
			snprintf(what, sizeof what, "a %s with %s=yes",
			         reg->name, reg->owner_when);
		else
			snprintf(what, sizeof what, "%s %s",
			         strchr("aeiou", reg->name[0]) ? "an" : "a",
			         reg->name);
		return isms_err_set(
		    err, ISMS_EINVAL,
		    "field 'owner' is required for %s: name its "
		    "user (ismsctl user add NAME --display-name "
		    "\"...\" --email ... adds one)",
		    what);
	}
	if (old != NULL && owners_set(old->owner) &&
	    strcmp(old->owner, rec->owner) == 0)
		return 0; /* kept: a disabled or older owner stays */
	if (strchr(rec->owner, '@') != NULL &&
	    (rc = owners_resolve_email(txn, rec, err)) != 0)
		return rc;
	if (old != NULL && owners_set(old->owner) &&
	    strcmp(old->owner, rec->owner) == 0)
		return 0;
	return owners_check_user(txn, rec->owner, err);
}

const char *
owners_filter(struct store_txn *txn, const char *name, char **out)
{
	char user[USER_NAME_MAX + 1];

	*out = NULL;
	if (name == NULL || strchr(name, '@') == NULL ||
	    users_by_email(txn, name, user) != 0)
		return name;
	*out = xstrdup(user);
	return *out;
}
