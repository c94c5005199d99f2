/*
 * ctl_import_all.c: "ismsctl import --all DIR", what "export --all DIR"
 * wrote: the risk method first (the levels that derive the risks), then
 * the users the server lacks and every register's file in ONE batch
 * keeping ids, so owners and links across registers resolve and it is
 * all or nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "ctl_import.h"
#include "fieldargs.h"
#include "pbfield.h"
#include "xmalloc.h"

/* Reads DIR/name whole; *text NULL (and 0) when there is no such file. */
static int
dir_read(const char *dir, const char *name, char **text, size_t *len)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	size_t n;
	int rc = 0;

	*text = NULL;
	*len = 0;
	if (f == NULL) {
		if (errno != ENOENT)
			rc = ctl_error(CTL_EXIT_USAGE, "cannot read %s: %s",
			               path, strerror(errno));
		free(path);
		return rc;
	}
	*text = xmalloc(1 << 16);
	while ((n = fread(*text + *len, 1, 1 << 16, f)) > 0) {
		*len += n;
		*text = xrealloc(*text, *len + (1 << 16));
	}
	if (ferror(f))
		rc = ctl_error(CTL_EXIT_USAGE, "cannot read %s", path);
	fclose(f);
	free(path);
	return rc;
}

/* Whether the server has user name (in the list reply ul). */
static bool
user_exists(const Isms__V1__UserListResult *ul, const char *name)
{
	size_t i;

	for (i = 0; i < ul->n_users; i++)
		if (ul->users[i]->name != NULL &&
		    strcmp(ul->users[i]->name, name) == 0)
			return true;
	return false;
}

/* Adds the user of a users.csv row (name, display_name, email, role). */
static void
user_row(struct import_users *users, char *const *f, size_t n)
{
	int role = ISMS__V1__ACCESS_ROLE__ACCESS_ROLE_VIEWER;

	if (n > 3)
		(void)pb_enum_parse(&isms__v1__access_role__descriptor, f[3],
		                    &role);
	ctl_import_user_add(users, f[0], n > 1 ? f[1] : NULL,
	                    n > 2 ? f[2] : NULL, (Isms__V1__AccessRole)role);
}

/* users.csv: the users the server lacks, for the batch to create. */
static int
import_users(struct ctl_ctx *ctx, const char *dir, struct import_users *users)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__UserList ul = ISMS__V1__USER_LIST__INIT;
	struct isms_err err = {0};
	Isms__V1__Reply *have = NULL;
	struct csv c = {0};
	char *text;
	size_t len, i;
	int rc;

	if ((rc = dir_read(dir, "users.csv", &text, &len)) != 0 || text == NULL)
		return rc;
	if (csv_parse_auto(text, len, &c, &err) != 0)
		rc =
		    ctl_error(CTL_EXIT_USAGE, "%s/users.csv: %s", dir, err.msg);
	free(text);
	req.call_case = ISMS__V1__REQUEST__CALL_USER_LIST;
	req.user_list = &ul;
	if (rc == 0)
		rc = ctl_call_expect(ctx, &req, ISMS__V1__REPLY__RESULT_USERS,
		                     &have);
	for (i = 1; rc == 0 && i < c.n; i++)
		if (c.row[i].n > 0 && c.row[i].field[0][0] != '\0' &&
		    !user_exists(have->users, c.row[i].field[0]))
			user_row(users, c.row[i].field, c.row[i].n);
	isms_reply_free(have);
	csv_free(&c);
	return rc;
}

/* method.txt: the risk method's words, set unless a dry run. */
static int
import_method(struct ctl_ctx *ctx, const char *dir, bool dry_run)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__MethodSet set = ISMS__V1__METHOD_SET__INIT;
	struct isms_err err = {0};
	Isms__V1__Reply *cur, *r;
	char *text, **words = NULL, *line, *save = NULL;
	size_t len;
	int n = 0, rc;

	if ((rc = dir_read(dir, "method.txt", &text, &len)) != 0 ||
	    text == NULL || dry_run) {
		free(text);
		return rc;
	}
	text[len] = '\0';
	for (line = strtok_r(text, "\r\n", &save); line != NULL;
	     line = strtok_r(NULL, "\r\n", &save)) {
		words = xreallocarray(words, (size_t)n + 1, sizeof *words);
		words[n++] = line;
	}
	if ((rc = ctl_method_fetch(ctx, &cur)) == 0) {
		if (ctl_method_apply(cur->method, n, words, &err) != 0)
			rc = ctl_error(CTL_EXIT_USAGE, "%s/method.txt: %s", dir,
			               err.msg);
		set.method = cur->method;
		set.has_expect_rev = 1;
		set.expect_rev = cur->method->rev;
		req.call_case = ISMS__V1__REQUEST__CALL_METHOD_SET;
		req.method_set = &set;
		if (rc == 0 &&
		    (rc = ctl_call_expect(
		         ctx, &req, ISMS__V1__REPLY__RESULT_METHOD, &r)) == 0)
			isms_reply_free(r);
		isms_reply_free(cur);
	}
	free(words);
	free(text);
	return rc;
}

/* Loads DIR/REGISTER.csv or .jsonl of each register that has one. */
static int
load_registers(struct ctl_ctx *ctx, const char *dir,
               const struct import_opts *o, struct import_src **srcs, size_t *n)
{
	static const char *const exts[] = {"csv", "jsonl"};
	const ProtobufCFieldDescriptor *reg;
	char *path;
	size_t i, k;
	int rc = 0;

	for (i = 0; rc == 0 && (reg = ctl_register_nth(i)) != NULL; i++)
		for (k = 0; rc == 0 && k < 2; k++) {
			path = xasprintf("%s/%s.%s", dir, reg->name, exts[k]);
			if (access(path, F_OK) == 0) {
				*srcs =
				    xreallocarray(*srcs, *n + 1, sizeof **srcs);
				rc = ctl_import_src_load(ctx, &(*srcs)[(*n)++],
				                         reg, path, o);
			}
			free(path);
		}
	return rc;
}

int
ctl_import_all(struct ctl_ctx *ctx, const struct import_opts *o)
{
	struct import_users users = {0};
	struct import_src *srcs = NULL;
	size_t n = 0, i;
	int rc;

	rc = import_users(ctx, o->all, &users);
	if (rc == 0)
		rc = import_method(ctx, o->all, o->dry_run);
	if (rc == 0)
		rc = load_registers(ctx, o->all, o, &srcs, &n);
	if (rc == 0 && n == 0)
		rc = ctl_error(CTL_EXIT_USAGE,
		               "%s holds no REGISTER.csv nor REGISTER.jsonl",
		               o->all);
	if (rc == 0)
		rc = ctl_import_run(ctx, srcs, n, o, &users);
	for (i = 0; i < n; i++)
		ctl_import_src_free(&srcs[i]);
	free(srcs);
	ctl_import_users_free(&users);
	return rc;
}
