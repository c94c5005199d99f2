/*
 * ctl_conn.c: how ismsctl connects: the global TLS and token options
 * (--token-file, --cacert, --cert, --key, --insecure), the environment
 * ($ISMS_TOKEN, $ISMS_CACERT; a flag wins) and the token file.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "xmalloc.h"

#define CTL_TOKEN_MAX 1024 /* server tokens are 69 bytes */

/* A global connection option: where its value goes in struct ctl_ctx. */
static const struct ctl_gopt_def {
	int ch;
	const char *name;
	bool flag; /* takes no value: sets a bool */
	size_t off;
} ctl_gopts[] = {
    {CTL_GOPT_TOKEN_FILE, "--token-file", false,
     offsetof(struct ctl_ctx, token_file)},
    {CTL_GOPT_CACERT, "--cacert", false, offsetof(struct ctl_ctx, conn.cacert)},
    {CTL_GOPT_CERT, "--cert", false, offsetof(struct ctl_ctx, conn.cert)},
    {CTL_GOPT_KEY, "--key", false, offsetof(struct ctl_ctx, conn.key)},
    {CTL_GOPT_INSECURE, "--insecure", true,
     offsetof(struct ctl_ctx, conn.insecure)},
};

#define CTL_NGOPTS (sizeof ctl_gopts / sizeof ctl_gopts[0])

/* The global option with getopt value ch, or NULL. */
static const struct ctl_gopt_def *
ctl_gopt_find(int ch)
{
	size_t i;

	for (i = 0; i < CTL_NGOPTS; i++)
		if (ctl_gopts[i].ch == ch)
			return &ctl_gopts[i];
	return NULL;
}

/* Stores a global connection option from getopt_long in ctx. */
int
ctl_conn_opt(struct ctl_ctx *ctx, int ch, const char *val)
{
	const struct ctl_gopt_def *d;

	/* getopt_long says '?' for a long option missing its value. */
	if ((d = ctl_gopt_find(ch == '?' ? optopt : ch)) == NULL)
		return -1;
	if (ch == '?' || (!d->flag && (val == NULL || *val == '\0')))
		return ctl_error(CTL_EXIT_USAGE, "%s needs a value", d->name);
	if (d->flag)
		*(bool *)((char *)ctx + d->off) = true;
	else
		*(const char **)((char *)ctx + d->off) = val;
	return 0;
}

/* The text of s without leading and trailing blanks, in place. */
static char *
ctl_trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && strchr(" \t\r\n", s[n - 1]) != NULL)
		s[--n] = '\0';
	return s;
}

/* Checks a token has no blank or control character inside. */
static int
ctl_token_check(const char *what, const char *tok, struct isms_err *err)
{
	const unsigned char *p;

	if (*tok == '\0')
		return isms_err_set(err, ISMS_EINVAL, "%s: no token in it",
		                    what);
	for (p = (const unsigned char *)tok; *p != '\0'; p++)
		if (*p <= ' ' || *p == 0x7f)
			return isms_err_set(err, ISMS_EINVAL,
			                    "%s: the token holds a blank or a "
			                    "control character",
			                    what);
	return 0;
}

/* The token in the first line of path, trimmed and checked. */
int
ctl_token_file_read(const char *path, char **token, bool *loose,
                    struct isms_err *err)
{
	char buf[CTL_TOKEN_MAX + 2], what[300], *t;
	struct stat sb;
	bool whole;
	FILE *f;
	int rc = 0;

	*token = NULL;
	*loose = false;
	snprintf(what, sizeof what, "token file %s", path);
	if ((f = fopen(path, "re")) == NULL)
		return isms_err_set(err, ISMS_EINVAL, "%s: %s", what,
		                    strerror(errno));
	if (fstat(fileno(f), &sb) == 0 && (sb.st_mode & (S_IRGRP | S_IROTH)))
		*loose = true;
	errno = 0;
	if (fgets(buf, sizeof buf, f) == NULL)
		rc = ferror(f)
		         ? isms_err_set(err, ISMS_EINVAL, "%s: %s", what,
		                        strerror(errno))
		         : isms_err_set(err, ISMS_EINVAL, "%s is empty", what);
	else {
		whole = strchr(buf, '\n') != NULL || feof(f) || fgetc(f) == EOF;
		if (!whole)
			rc =
			    isms_err_set(err, ISMS_EINVAL,
			                 "%s: the first line is longer than %d "
			                 "bytes",
			                 what, CTL_TOKEN_MAX);
		else if ((rc = ctl_token_check(what, t = ctl_trim(buf), err)) ==
		         0)
			*token = xstrdup(t);
	}
	fclose(f);
	explicit_bzero(buf, sizeof buf);
	return rc;
}

/* Wipes a token before freeing it. */
void
ctl_token_free(char *token)
{
	if (token == NULL)
		return;
	explicit_bzero(token, strlen(token));
	free(token);
}

/* The options of the next connect: flags first, then $ISMS_*. */
int
ctl_conn_prepare(struct ctl_ctx *ctx, struct isms_client_opts *o, char **token)
{
	struct isms_err err = {0};
	const char *env;
	bool loose;
	char *t;

	*o = ctx->conn;
	*token = NULL;
	o->timeout_ms = CTL_TIMEOUT_MS;
	if (o->cacert == NULL && (env = getenv("ISMS_CACERT")) != NULL &&
	    *env != '\0')
		o->cacert = env;
	if (ctx->token_file != NULL) {
		if (ctl_token_file_read(ctx->token_file, token, &loose, &err) !=
		    0)
			return ctl_error(CTL_EXIT_USAGE, "%s", err.msg);
		if (loose)
			fprintf(
			    stderr,
			    "ismsctl: warning: token file %s can be read by "
			    "group or others; chmod 600 it\n",
			    ctx->token_file);
	} else if ((env = getenv("ISMS_TOKEN")) != NULL && *env != '\0') {
		t = xstrdup(env);
		if (ctl_token_check("$ISMS_TOKEN", ctl_trim(t), &err) != 0) {
			ctl_token_free(t);
			return ctl_error(CTL_EXIT_USAGE, "%s", err.msg);
		}
		*token = xstrdup(ctl_trim(t));
		ctl_token_free(t);
	}
	o->token = *token;
	return 0;
}
