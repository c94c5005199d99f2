/*
 * ctl_import_owners.c: the owners an imported file names, as users.
 *
 * Spreadsheets name people as people write them ("Müller, Jürgen"); a
 * record's owner is a user name ([a-z_][a-z0-9_.-]*). A cell matches a
 * user by name or display name, in any case. With --create-owners a
 * missing one becomes a user named after it ("muller.jurgen", accents
 * dropped), its display name the cell, role viewer and no uid, token or
 * password: no login, and no right to write anything until an admin
 * grants one.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ctl_import.h"
#include "pbfield.h"
#include "xmalloc.h"

#define OWNER_NAME_MAX 64

/* ASCII for the Latin-1 letters U+00C0..U+00FF ("" for × and ÷). */
static const char *const latin1[64] = {
    "a", "a", "a", "a", "a",  "a",  "ae", "c", "e", "e", "e",  "e", "i",
    "i", "i", "i", "d", "n",  "o",  "o",  "o", "o", "o", "",   "o", "u",
    "u", "u", "u", "y", "th", "ss", "a",  "a", "a", "a", "a",  "a", "ae",
    "c", "e", "e", "e", "e",  "i",  "i",  "i", "i", "d", "n",  "o", "o",
    "o", "o", "o", "",  "o",  "u",  "u",  "u", "u", "y", "th", "y",
};

/* Appends c to the name being built, '.' only between letters. */
static void
slug_put(char *out, size_t *n, const char *s)
{
	for (; *s != '\0' && *n < OWNER_NAME_MAX; s++) {
		if (*s == '.' && (*n == 0 || out[*n - 1] == '.'))
			continue;
		out[(*n)++] = *s;
	}
}

/* A user name made of a person's name as written: "Müller, Jürgen" →
 * "muller.jurgen". malloc'ed. */
static char *
owner_slug(const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	char out[OWNER_NAME_MAX + 2], c[2] = {0};
	size_t n = 0;

	if (*p >= '0' && *p <= '9')
		out[n++] = '_';
	for (; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '_' || *p == '-') {
			c[0] = (char)*p;
			slug_put(out, &n, c);
		} else if (*p >= 'A' && *p <= 'Z') {
			c[0] = (char)(*p - 'A' + 'a');
			slug_put(out, &n, c);
		} else if (*p == 0xc3 && p[1] >= 0x80 && p[1] <= 0xbf) {
			slug_put(out, &n, latin1[p[1] - 0x80]);
			p++;
		} else if (*p < 0x80 || *p >= 0xc0)
			slug_put(out, &n, ".");
	}
	while (n > 0 && out[n - 1] == '.')
		n--;
	if (n == 0)
		out[n++] = '_';
	out[n] = '\0';
	return xstrdup(out);
}

/* The users the server has; *out is the reply holding them. */
static int
users_fetch(struct ctl_ctx *ctx, Isms__V1__Reply **out)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__UserList ul = ISMS__V1__USER_LIST__INIT;

	req.call_case = ISMS__V1__REQUEST__CALL_USER_LIST;
	req.user_list = &ul;
	return ctl_call_expect(ctx, &req, ISMS__V1__REPLY__RESULT_USERS, out);
}

/* The name of the user text names, or NULL. */
static const char *
owner_match(const Isms__V1__UserListResult *ul, char *const *known,
            size_t nknown, const char *text)
{
	const Isms__V1__User *u;
	char *slug = owner_slug(text);
	const char *hit = NULL;
	size_t i;

	for (i = 0; i < ul->n_users && hit == NULL; i++) {
		u = ul->users[i];
		if (u->name != NULL &&
		    (strcasecmp(u->name, text) == 0 ||
		     (u->display_name != NULL &&
		      strcasecmp(u->display_name, text) == 0)))
			hit = u->name;
	}
	for (i = 0; i < nknown && hit == NULL; i++)
		if (strcasecmp(known[i], text) == 0 ||
		    strcmp(known[i], slug) == 0)
			hit = known[i];
	free(slug);
	return hit;
}

/* Creates user name (display name text), role viewer, no login. */
static int
owner_create(struct ctl_ctx *ctx, const char *name, const char *text)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__UserPut up = ISMS__V1__USER_PUT__INIT;
	Isms__V1__User u = ISMS__V1__USER__INIT;
	Isms__V1__Reply *r;
	int rc;

	u.name = (char *)name;
	u.has_role = 1;
	u.role = ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_VIEWER;
	if (strcmp(name, text) != 0)
		u.display_name = (char *)text;
	up.user = &u;
	up.has_create = 1;
	up.create = 1;
	req.call_case = ISMS__V1__REQUEST__CALL_USER_PUT;
	req.user_put = &up;
	if ((rc = ctl_call_expect(ctx, &req, ISMS__V1__REPLY__RESULT_USER,
	                          &r)) == 0)
		isms_reply_free(r);
	return rc;
}

/* The index of text in o, added when new. */
static size_t
owners_add(struct import_owners *o, const char *text)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (strcmp(o->text[i], text) == 0)
			return i;
	o->text = xreallocarray(o->text, o->n + 1, sizeof *o->text);
	o->name = xreallocarray(o->name, o->n + 1, sizeof *o->name);
	o->fresh = xreallocarray(o->fresh, o->n + 1, sizeof *o->fresh);
	o->text[o->n] = xstrdup(text);
	o->name[o->n] = NULL;
	o->fresh[o->n] = false;
	return o->n++;
}

/* Calls fn on each owner cell of the sources. */
static void
owner_cells(struct import_src *srcs, size_t nsrcs,
            void (*fn)(char **cell, void *), void *arg)
{
	size_t s, c, r;

	for (s = 0; s < nsrcs; s++)
		for (c = 0; c < srcs[s].m.n; c++) {
			if (srcs[s].m.col[c].kind != IMPORT_COL_FIELD ||
			    strcmp(srcs[s].m.col[c].path, "owner") != 0)
				continue;
			for (r = 0; r < srcs[s].t.nrows; r++)
				fn(&srcs[s].t.row[r].cell[c], arg);
		}
}

/* owner_cells callbacks: gather, then rewrite. */
static void
cell_gather(char **cell, void *arg)
{
	char *t = xstrdup(*cell + strspn(*cell, " \t"));
	size_t n = strlen(t);

	while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '\t'))
		t[--n] = '\0';
	free(*cell);
	*cell = t;
	if (*t != '\0')
		owners_add(arg, t);
}

static void
cell_rewrite(char **cell, void *arg)
{
	struct import_owners *o = arg;
	size_t i;

	if (**cell == '\0')
		return;
	i = owners_add(o, *cell);
	if (o->name[i] != NULL) {
		free(*cell);
		*cell = xstrdup(o->name[i]);
	}
}

/* The refusal listing the owners that are not users. */
static int
owners_refuse(const struct import_owners *o)
{
	size_t i;

	fputs("ismsctl: owners that are not users:", stderr);
	for (i = 0; i < o->n; i++)
		if (o->name[i] == NULL)
			fprintf(stderr, " \"%s\"", o->text[i]);
	fputs("\n  add them ('ismsctl user add NAME --role viewer "
	      "--display-name \"...\"') and name them in the file, or import "
	      "with --create-owners\n",
	      stderr);
	return CTL_EXIT_REPLY;
}

int
ctl_import_owners_create(struct ctl_ctx *ctx, const struct import_owners *o,
                         bool dry_run)
{
	size_t i;
	int rc;

	for (i = 0; i < o->n; i++) {
		if (!o->fresh[i])
			continue;
		if (!dry_run &&
		    (rc = owner_create(ctx, o->name[i], o->text[i])) != 0)
			return rc;
		fprintf(ctx->out,
		        "%s user %s (\"%s\"): role viewer, no login\n",
		        dry_run ? "would create" : "created", o->name[i],
		        o->text[i]);
	}
	return 0;
}

bool
ctl_import_owner_fresh(const struct import_owners *o, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < o->n; i++)
		if (o->fresh[i] && strcmp(o->name[i], name) == 0)
			return true;
	return false;
}

int
ctl_import_owners(struct ctl_ctx *ctx, struct import_src *srcs, size_t nsrcs,
                  char *const *known, size_t nknown, bool create,
                  struct import_owners *o)
{
	Isms__V1__Reply *users;
	const char *hit;
	size_t i, missing = 0;
	int rc = 0;

	memset(o, 0, sizeof *o);
	owner_cells(srcs, nsrcs, cell_gather, o);
	if (o->n > 0 && (rc = users_fetch(ctx, &users)) == 0) {
		for (i = 0; i < o->n; i++) {
			hit = owner_match(users->users, known, nknown,
			                  o->text[i]);
			o->name[i] = hit != NULL ? xstrdup(hit) : NULL;
			missing += hit == NULL;
		}
		isms_reply_free(users);
	}
	if (rc == 0 && missing > 0 && !create)
		return owners_refuse(o);
	for (i = 0; rc == 0 && i < o->n; i++)
		if (o->name[i] == NULL) {
			o->name[i] = owner_slug(o->text[i]);
			o->fresh[i] = true;
		}
	if (rc == 0)
		owner_cells(srcs, nsrcs, cell_rewrite, o);
	return rc;
}

void
ctl_import_owners_free(struct import_owners *o)
{
	size_t i;

	for (i = 0; i < o->n; i++) {
		free(o->text[i]);
		free(o->name[i]);
	}
	free(o->text);
	free(o->name);
	free(o->fresh);
	memset(o, 0, sizeof *o);
}
