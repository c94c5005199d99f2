/*
 * ctl_import_owners.c: the owners an imported file names, as users.
 *
 * Spreadsheets name people as people write them ("Müller, Jürgen"); a
 * record's owner is a user name ([a-z_][a-z0-9_.-]*). A cell matches a
 * user by name or display name, in any case. With --create-owners a
 * missing one becomes a user named after it ("muller.jurgen", accents
 * dropped), its display name the cell, role viewer and no uid, token or
 * password: no login, and no right to write anything until an admin
 * grants one. They are created by the import's batch, in the same unit as
 * the records: a refused import leaves no user behind.
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

/* The name of the user text names (one of ul, or of the users the batch
 * creates), or NULL. */
static const char *
owner_match(const Isms__V1__UserListResult *ul,
            const struct import_users *users, const char *text)
{
	const Isms__V1__User *u;
	char *slug = owner_slug(text);
	const char *hit = NULL;
	size_t i;

	for (i = 0; i < ul->n_users + users->n && hit == NULL; i++) {
		u = i < ul->n_users ? ul->users[i]
		                    : users->up[i - ul->n_users]->user;
		if (u->name != NULL &&
		    (strcasecmp(u->name, text) == 0 ||
		     (i >= ul->n_users && strcmp(u->name, slug) == 0) ||
		     (u->display_name != NULL &&
		      strcasecmp(u->display_name, text) == 0)))
			hit = u->name;
	}
	free(slug);
	return hit;
}

void
ctl_import_user_add(struct import_users *users, const char *name,
                    const char *display, const char *email,
                    Isms__V1__AccessRole role)
{
	Isms__V1__UserPut *up =
	    (Isms__V1__UserPut *)pb_new(&isms__v1__user_put__descriptor);
	Isms__V1__User *u =
	    (Isms__V1__User *)pb_new(&isms__v1__user__descriptor);

	u->name = xstrdup(name);
	if (display != NULL && *display != '\0' && strcmp(display, name) != 0)
		u->display_name = xstrdup(display);
	if (email != NULL && *email != '\0')
		u->email = xstrdup(email);
	u->has_role = 1;
	u->role = role;
	up->user = u;
	up->has_create = up->create = 1;
	users->up = xreallocarray(users->up, users->n + 1, sizeof *users->up);
	users->up[users->n++] = up;
}

void
ctl_import_users_print(struct ctl_ctx *ctx, const struct import_users *users,
                       bool dry_run)
{
	const Isms__V1__User *u;
	char role[32];
	size_t i;

	for (i = 0; i < users->n; i++) {
		u = users->up[i]->user;
		pb_enum_name(&isms__v1__access_role__descriptor, u->role, role,
		             sizeof role);
		fprintf(ctx->out, "%s user %s",
		        dry_run ? "would create" : "created", u->name);
		if (u->display_name != NULL)
			fprintf(ctx->out, " (\"%s\")", u->display_name);
		fprintf(ctx->out, ": role %s, no login\n", role);
	}
}

void
ctl_import_users_free(struct import_users *users)
{
	size_t i;

	for (i = 0; i < users->n; i++)
		protobuf_c_message_free_unpacked(&users->up[i]->base, NULL);
	free(users->up);
	memset(users, 0, sizeof *users);
}

/* The distinct owners the sources name, and each one's user name. */
struct owners {
	char **text;
	char **name; /* NULL: not a user */
	size_t n;
};

/* The index of text in o, added when new. */
static size_t
owners_add(struct owners *o, const char *text)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (strcmp(o->text[i], text) == 0)
			return i;
	o->text = xreallocarray(o->text, o->n + 1, sizeof *o->text);
	o->name = xreallocarray(o->name, o->n + 1, sizeof *o->name);
	o->text[o->n] = xstrdup(text);
	o->name[o->n] = NULL;
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

/* owner_cells callbacks: gather (trimmed), then rewrite to the names. */
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
	struct owners *o = arg;
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
owners_refuse(const struct owners *o)
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

/* Resolves each owner against the server's users and users; 0 or an
 * exit code; *missing counts those that are neither. */
static int
owners_resolve(struct ctl_ctx *ctx, struct owners *o,
               const struct import_users *users, size_t *missing)
{
	Isms__V1__Reply *r;
	const char *hit;
	size_t i;
	int rc;

	*missing = 0;
	if (o->n == 0)
		return 0;
	if ((rc = users_fetch(ctx, &r)) != 0)
		return rc;
	for (i = 0; i < o->n; i++) {
		hit = owner_match(r->users, users, o->text[i]);
		o->name[i] = hit != NULL ? xstrdup(hit) : NULL;
		*missing += hit == NULL;
	}
	isms_reply_free(r);
	return 0;
}

/* Whether users creates one called name ("J. Muller" and "J Muller"). */
static bool
users_have(const struct import_users *users, const char *name)
{
	size_t i;

	for (i = 0; i < users->n; i++)
		if (strcmp(users->up[i]->user->name, name) == 0)
			return true;
	return false;
}

int
ctl_import_owners(struct ctl_ctx *ctx, struct import_src *srcs, size_t nsrcs,
                  bool create, struct import_users *users)
{
	struct owners o = {0};
	size_t i, missing;
	int rc;

	owner_cells(srcs, nsrcs, cell_gather, &o);
	rc = owners_resolve(ctx, &o, users, &missing);
	if (rc == 0 && missing > 0 && !create)
		rc = owners_refuse(&o);
	for (i = 0; rc == 0 && i < o.n; i++)
		if (o.name[i] == NULL) {
			o.name[i] = owner_slug(o.text[i]);
			if (!users_have(users, o.name[i]))
				ctl_import_user_add(
				    users, o.name[i], o.text[i], NULL,
				    ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_VIEWER);
		}
	if (rc == 0)
		owner_cells(srcs, nsrcs, cell_rewrite, &o);
	for (i = 0; i < o.n; i++) {
		free(o.text[i]);
		free(o.name[i]);
	}
	free(o.text);
	free(o.name);
	return rc;
}
