/*
 * ctl_user.c: "ismsctl user add|list|set|disable|enable": who may use
 * ismsd and with which access role (viewer, auditor, editor, admin,
 * ingest; DESIGN §6). The server lets admins only change users; every
 * change is journaled (A.5.18).
 */
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "xmalloc.h"

/* The columns of "user list" and of a changed user. */
static const struct ctl_col user_cols[] = {
    {"NAME", "name", "-"},
    {"ROLE", "role", "-"},
    {"UID", "uid", "-"},
    {"EMAIL", "email", "-"},
    {"DISABLED", "disabled", "no"},
    {"UPDATED", "updated_at", "-"},
    {"BY", "updated_by", "-"},
};

#define USER_NCOLS (sizeof user_cols / sizeof user_cols[0])

/* The fields "user set NAME f=v" may change (disabled: its own verbs). */
static const char *const user_settable[] = {"role", "uid", "email"};

#define USER_NSETTABLE (sizeof user_settable / sizeof user_settable[0])

struct user_verb;

static int user_add(struct ctl_ctx *, const struct user_verb *,
                    const struct ctl_opts *);
static int user_list(struct ctl_ctx *, const struct user_verb *,
                     const struct ctl_opts *);
static int user_set(struct ctl_ctx *, const struct user_verb *,
                    const struct ctl_opts *);
static int user_disable(struct ctl_ctx *, const struct user_verb *,
                        const struct ctl_opts *);

/* A user verb: its options, its arguments (NAME, words) and handler. */
static const struct user_verb {
	const char *name;
	unsigned opts; /* CTL_OPT_* */
	int min_args;  /* after the verb */
	int max_args;
	int (*exec)(struct ctl_ctx *, const struct user_verb *,
	            const struct ctl_opts *);
} user_verbs[] = {
    {"add", CTL_OPT_ROLE | CTL_OPT_UID | CTL_OPT_EMAIL, 1, 1, user_add},
    {"list", 0, 0, 0, user_list},
    {"set", 0, 2, 1 + (int)USER_NSETTABLE, user_set},
    {"disable", 0, 1, 1, user_disable},
    {"enable", 0, 1, 1, user_disable},
};

#define USER_NVERBS (sizeof user_verbs / sizeof user_verbs[0])

/* Prints one user: a one-row table, a JSON object or CSV. */
static void
user_print_one(struct ctl_ctx *ctx, Isms__V1__User *u)
{
	ProtobufCMessage *m = &u->base;

	if (ctx->format == CTL_FORMAT_JSON)
		ctl_out_json(ctx->out, m);
	else
		ctl_print_msgs(ctx, &isms__v1__user__descriptor, user_cols,
		               USER_NCOLS, &m, 1);
}

/* Sets field name of u from text (empty text: leaves it absent). */
static int
user_field(Isms__V1__User *u, const char *name, const char *text)
{
	struct isms_err err = {0};

	if (*text == '\0')
		return 0;
	if (pb_field_set_text(
	        &u->base, pb_field_by_name(&isms__v1__user__descriptor, name),
	        text, &err) != 0)
		return ctl_error(CTL_EXIT_USAGE, "%s", err.msg);
	return 0;
}

/* Sends a UserPut for u (owned here) and prints the user it returns. */
static int
user_put(struct ctl_ctx *ctx, Isms__V1__User *u, bool create, char **mask,
         size_t nmask)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__UserPut up = ISMS__V1__USER_PUT__INIT;
	Isms__V1__Reply *reply;
	int rc;

	up.user = u;
	up.has_create = 1;
	up.create = create;
	up.update_mask = mask;
	up.n_update_mask = nmask;
	req.call_case = ISMS__V1__REQUEST__CALL_USER_PUT;
	req.user_put = &up;
	rc = ctl_call_expect(ctx, &req, ISMS__V1__REPLY__RESULT_USER, &reply);
	protobuf_c_message_free_unpacked(&u->base, NULL);
	if (rc != 0)
		return rc;
	user_print_one(ctx, reply->user);
	isms_reply_free(reply);
	return 0;
}

/* A new User message named name. */
static Isms__V1__User *
user_new(const char *name)
{
	Isms__V1__User *u =
	    (Isms__V1__User *)pb_new(&isms__v1__user__descriptor);

	u->name = xstrdup(name);
	return u;
}

/* user add NAME --role R [--uid N] [--email E] */
static int
user_add(struct ctl_ctx *ctx, const struct user_verb *v,
         const struct ctl_opts *o)
{
	Isms__V1__User *u;
	char roles[256];

	(void)v;
	if (o->role == NULL) {
		pb_enum_names(&isms__v1__access_role__descriptor, roles,
		              sizeof roles);
		return ctl_error(CTL_EXIT_USAGE,
		                 "user add: --role is required (%s)", roles);
	}
	u = user_new(o->pos[0]);
	if (user_field(u, "role", o->role) != 0 ||
	    (o->uid != NULL && user_field(u, "uid", o->uid) != 0) ||
	    (o->email != NULL && user_field(u, "email", o->email) != 0)) {
		protobuf_c_message_free_unpacked(&u->base, NULL);
		return CTL_EXIT_USAGE;
	}
	return user_put(ctx, u, true, NULL, 0);
}

/* user list */
static int
user_list(struct ctl_ctx *ctx, const struct user_verb *v,
          const struct ctl_opts *o)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__UserList ul = ISMS__V1__USER_LIST__INIT;
	Isms__V1__Reply *reply;
	int rc;

	(void)v;
	(void)o;
	req.call_case = ISMS__V1__REQUEST__CALL_USER_LIST;
	req.user_list = &ul;
	if ((rc = ctl_call_expect(ctx, &req, ISMS__V1__REPLY__RESULT_USERS,
	                          &reply)) != 0)
		return rc;
	ctl_print_msgs(ctx, &isms__v1__user__descriptor, user_cols, USER_NCOLS,
	               (ProtobufCMessage *const *)reply->users->users,
	               reply->users->n_users);
	isms_reply_free(reply);
	return 0;
}

/* The settable field named by word "f=v" (f is n bytes), or NULL. */
static const char *
user_settable_find(const char *word, size_t n)
{
	size_t i;

	for (i = 0; i < USER_NSETTABLE; i++)
		if (strlen(user_settable[i]) == n &&
		    strncmp(user_settable[i], word, n) == 0)
			return user_settable[i];
	return NULL;
}

/* user set NAME [role=R] [uid=N] [email=E]: only the named fields. */
static int
user_set(struct ctl_ctx *ctx, const struct user_verb *v,
         const struct ctl_opts *o)
{
	char *mask[USER_NSETTABLE];
	const char *eq, *f;
	Isms__V1__User *u = user_new(o->pos[0]);
	size_t nmask = 0, k;
	int i;

	(void)v;
	for (i = 1; i < o->npos; i++) {
		eq = strchr(o->pos[i], '=');
		f = eq != NULL ? user_settable_find(o->pos[i],
		                                    (size_t)(eq - o->pos[i]))
		               : NULL;
		for (k = 0; f != NULL && k < nmask; k++)
			if (strcmp(mask[k], f) == 0)
				f = NULL;
		if (f == NULL) {
			protobuf_c_message_free_unpacked(&u->base, NULL);
			return ctl_error(
			    CTL_EXIT_USAGE,
			    "user set: '%s' is not role=R, uid=N or "
			    "email=E (each at most once; f= clears "
			    "uid or email)",
			    o->pos[i]);
		}
		if (user_field(u, f, eq + 1) != 0) {
			protobuf_c_message_free_unpacked(&u->base, NULL);
			return CTL_EXIT_USAGE;
		}
		mask[nmask++] = (char *)f;
	}
	return user_put(ctx, u, false, mask, nmask);
}

/* user disable NAME / user enable NAME: the disabled flag alone. */
static int
user_disable(struct ctl_ctx *ctx, const struct user_verb *v,
             const struct ctl_opts *o)
{
	static char disabled[] = "disabled";
	char *mask[] = {disabled};
	Isms__V1__User *u = user_new(o->pos[0]);

	u->has_disabled = 1;
	u->disabled = strcmp(v->name, "disable") == 0;
	return user_put(ctx, u, false, mask, 1);
}

#define USER_USAGE                                                             \
	"user add NAME --role R [--uid N] [--email E] | list | set NAME "      \
	"[role=R] [uid=N] [email=E] | disable NAME | enable NAME"

/* Prints the user verbs as a usage error. */
static int
user_usage(const char *what, const char *why)
{
	return ctl_error(CTL_EXIT_USAGE, "%s: %s; usage: ismsctl " USER_USAGE,
	                 what, why);
}

/* "ismsctl user VERB ...": finds the verb, parses its options, runs it. */
int
ctl_user_exec(struct ctl_ctx *ctx, int argc, char **argv)
{
	const struct user_verb *v = NULL;
	struct ctl_opts o;
	char what[32];
	size_t i;
	int rc;

	if (argc < 2)
		return user_usage("user", "which verb?");
	for (i = 0; i < USER_NVERBS && v == NULL; i++)
		if (strcmp(user_verbs[i].name, argv[1]) == 0)
			v = &user_verbs[i];
	if (v == NULL) {
		snprintf(what, sizeof what, "no verb '%.16s'", argv[1]);
		return user_usage("user", what);
	}
	snprintf(what, sizeof what, "user %s", v->name);
	if ((rc = ctl_opts_parse(ctx, what, v->opts, argc - 2, argv + 2, &o)) !=
	    0) {
		ctl_opts_free(&o);
		return rc;
	}
	if (o.help)
		fputs("usage: ismsctl " USER_USAGE "\n", ctx->out);
	else if (o.npos < v->min_args || o.npos > v->max_args)
		rc = user_usage(what, o.npos < v->min_args
		                          ? "missing argument"
		                          : "too many arguments");
	else
		rc = v->exec(ctx, v, &o);
	ctl_opts_free(&o);
	return rc;
}
