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
    /* clang-format off */
    {"NAME", "name", "-"},
    {"ROLE", "role", "-"},
    {"UID", "uid", "-"},
    {"EMAIL", "email", "-"},
    {"DISPLAY-NAME", "display_name", "-"},
    {"DISABLED", "disabled", "no"},
    {"PASSWORD", "has_password", "no"},
    {"UPDATED", "updated_at", "-"},
    {"BY", "updated_by", "-"},
    /* clang-format on */
};

#define USER_NCOLS (sizeof user_cols / sizeof user_cols[0])

/* The fields "user set NAME f=v" may change (disabled: its own verbs). */
static const char *const user_settable[] = {"role", "uid", "email",
                                            "display_name"};

#define USER_NSETTABLE (sizeof user_settable / sizeof user_settable[0])

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

/* user add NAME [--role R] [--uid N] [--email E] [--display-name D]: a
 * user without --uid (and no token yet) is a person with no way in, an
 * owner of records; the server makes the role viewer when none is given. */
static int
user_add(struct ctl_ctx *ctx, const struct ctl_args *a)
{
	const struct ctl_opts *o = &a->opt;
	Isms__V1__User *u;

	u = user_new(a->id);
	if ((o->role != NULL && user_field(u, "role", o->role) != 0) ||
	    (o->display_name != NULL &&
	     user_field(u, "display_name", o->display_name) != 0) ||
	    (o->uid != NULL && user_field(u, "uid", o->uid) != 0) ||
	    (o->email != NULL && user_field(u, "email", o->email) != 0)) {
		protobuf_c_message_free_unpacked(&u->base, NULL);
		return CTL_EXIT_USAGE;
	}
	return user_put(ctx, u, true, NULL, 0);
}

/* user list */
static int
user_list(struct ctl_ctx *ctx, const struct ctl_args *a)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__UserList ul = ISMS__V1__USER_LIST__INIT;
	Isms__V1__Reply *reply;
	int rc;

	(void)a;
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

/* user set NAME [role=R] [uid=N] [email=E] [display_name=D]: only the
 * named fields. */
static int
user_set(struct ctl_ctx *ctx, const struct ctl_args *a)
{
	char *mask[USER_NSETTABLE];
	const char *eq, *f;
	Isms__V1__User *u = user_new(a->id);
	size_t nmask = 0, k;
	int i;

	for (i = 0; i < a->nwords; i++) {
		eq = strchr(a->words[i], '=');
		f = eq != NULL ? user_settable_find(a->words[i],
		                                    (size_t)(eq - a->words[i]))
		               : NULL;
		for (k = 0; f != NULL && k < nmask; k++)
			if (strcmp(mask[k], f) == 0)
				f = NULL;
		if (f == NULL) {
			protobuf_c_message_free_unpacked(&u->base, NULL);
			return ctl_error(
			    CTL_EXIT_USAGE,
			    "user set: '%s' is not role=R, uid=N, "
			    "email=E or display_name=D (each at most "
			    "once; f= clears uid, email or display_name)",
			    a->words[i]);
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
user_disable(struct ctl_ctx *ctx, const struct ctl_args *a)
{
	static char disabled[] = "disabled";
	char *mask[] = {disabled};
	Isms__V1__User *u = user_new(a->id);

	u->has_disabled = 1;
	u->disabled = strcmp(a->verb->name, "disable") == 0;
	return user_put(ctx, u, false, mask, 1);
}

/* user passwd [NAME] [--stdin]: a password for web sign-in; NAME's (an
 * admin's doing) or one's own, which asks the old one first. */
static int
user_passwd(struct ctl_ctx *ctx, const struct ctl_args *a)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__PasswordSet ps = ISMS__V1__PASSWORD_SET__INIT;
	char old[CTL_PASSWORD_MAX], pw[CTL_PASSWORD_MAX];
	Isms__V1__Reply *reply;
	const char *name = a->nwords > 0 ? a->words[0] : NULL;
	bool in = a->opt.from_stdin;
	int rc;

	old[0] = '\0';
	if (name == NULL &&
	    (rc = ctl_password_read(in, "Old password (empty: none set): ",
	                            NULL, old, sizeof old)) != 0)
		return rc;
	if ((rc = ctl_password_read(in, "New password: ", "Again: ", pw,
	                            sizeof pw)) != 0) {
		ctl_password_wipe(old, sizeof old);
		return rc;
	}
	ps.user = (char *)name;
	ps.password = pw;
	ps.old_password = old[0] != '\0' ? old : NULL;
	req.call_case = ISMS__V1__REQUEST__CALL_PASSWORD_SET;
	req.password_set = &ps;
	rc = ctl_call_expect(ctx, &req, ISMS__V1__REPLY__RESULT_USER, &reply);
	ctl_password_wipe(old, sizeof old);
	ctl_password_wipe(pw, sizeof pw);
	if (rc != 0)
		return rc;
	user_print_one(ctx, reply->user);
	isms_reply_free(reply);
	return 0;
}

/* The verbs of "user": its options, its arguments (NAME, words). */
static const struct ctl_verb user_verbs[] = {
    {"add", "NAME [--role R] [--uid N] [--email E] [--display-name D]",
     "a new user (a person; owners of records are users); --uid maps a "
     "local Unix uid to it, without one (or a token) it has no way in",
     CTL_OPT_ROLE | CTL_OPT_UID | CTL_OPT_EMAIL | CTL_OPT_DISPLAY, 1, 1, true,
     NULL, user_add},
    {"list", "",
     "every user: NAME ROLE UID EMAIL DISPLAY-NAME DISABLED PASSWORD UPDATED "
     "BY",
     0, 0, 0, false, NULL, user_list},
    {"set", "NAME [role=R] [uid=N] [email=E] [display_name=D]",
     "change only the fields named (uid=, email=, display_name= clear them)", 0,
     2, 1 + (int)USER_NSETTABLE, true, NULL, user_set},
    {"disable", "NAME", "refuse the user's connections and tokens", 0, 1, 1,
     true, NULL, user_disable},
    {"enable", "NAME", "let a disabled user in again", 0, 1, 1, true, NULL,
     user_disable},
    {"passwd", "[NAME] [--stdin]",
     "set NAME's password for web sign-in (admin), or one's own (asks the\n"
     "      old one too); prompts twice without echo, --stdin reads a line",
     CTL_OPT_STDIN, 0, 1, false, NULL, user_passwd},
};

const struct ctl_cmd ctl_cmd_user = {
    .name = "user",
    .usage = "user add NAME [--role R] [--uid N] [--email E] [--display-name "
             "D] | list | set NAME [role=R] [uid=N] [email=E] "
             "[display_name=D] | disable NAME | enable NAME | passwd [NAME] "
             "[--stdin]",
    .help = "who may use ismsd, with which access role (admin only)",
    .detail =
        "Roles: viewer (read registers), auditor (read everything, journal\n"
        "and history too), editor (write registers), admin (users, tokens,\n"
        "method, catalog: everything), ingest (create and update "
        "incidents).\n"
        "user add NAME [--role R] [--uid N] [--email E] [--display-name D]:\n"
        "a new user; --uid maps a local Unix uid (peer of the Unix socket)\n"
        "to it. A user is a person: the owner of a record names one. "
        "Without\n"
        "--uid, a token or a certificate the user has no way in (a risk\n"
        "owner who never uses ismsd); the role (default viewer) applies "
        "if\n"
        "they get one. due --mail writes to the e-mail.\n"
        "user set NAME role=R uid=N email=E display_name=D: changes only "
        "the\n"
        "fields named (uid=, email=, display_name= clear them). user "
        "disable\n"
        "NAME refuses the user's connections and tokens (and new records "
        "to\n"
        "own) until user enable NAME; what they own stays theirs. A user "
        "is\n"
        "never deleted: the journal keeps who had which access, and when "
        "(A.5.18).\n"
        "user list: NAME ROLE UID EMAIL DISPLAY-NAME DISABLED PASSWORD "
        "UPDATED BY.\n"
        "user passwd NAME sets NAME's password for web sign-in (ismsd-http),\n"
        "stored by ismsd as an Argon2id hash (12 to 256 bytes, not the user\n"
        "name); every web session of NAME ends. An admin sets anyone's;\n"
        "user passwd without NAME sets one's own and asks the old one first\n"
        "(when one is set). On a terminal it prompts twice without echo;\n"
        "--stdin reads the new password from a line of standard input (for\n"
        "one's own: the old one on the line before).\n",
    .verbs = user_verbs,
    .nverbs = CTL_NVERBS(user_verbs),
    .exec = ctl_verbs_exec_cmd,
};
