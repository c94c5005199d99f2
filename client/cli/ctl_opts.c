/*
 * ctl_opts.c: the options of commands and verbs, one table for all, so
 * that "--rev 3", "--rev=3" and "-o json" mean the same everywhere.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "timefmt.h"
#include "xmalloc.h"

struct ctl_opt;

/* Stores an option's value (NULL for flags) in o; 0 or an exit code. */
typedef int (*ctl_opt_fn)(struct ctl_ctx *, const struct ctl_opt *,
                          const char *val, struct ctl_opts *o);

static int opt_rev(struct ctl_ctx *, const struct ctl_opt *, const char *,
                   struct ctl_opts *);
static int opt_limit(struct ctl_ctx *, const struct ctl_opt *, const char *,
                     struct ctl_opts *);
static int opt_since(struct ctl_ctx *, const struct ctl_opt *, const char *,
                     struct ctl_opts *);
static int opt_archived(struct ctl_ctx *, const struct ctl_opt *, const char *,
                        struct ctl_opts *);
static int opt_flag(struct ctl_ctx *, const struct ctl_opt *, const char *,
                    struct ctl_opts *);
static int opt_string(struct ctl_ctx *, const struct ctl_opt *, const char *,
                      struct ctl_opts *);
static int opt_list(struct ctl_ctx *, const struct ctl_opt *, const char *,
                    struct ctl_opts *);
static int opt_start(struct ctl_ctx *, const struct ctl_opt *, const char *,
                     struct ctl_opts *);
static int opt_output(struct ctl_ctx *, const struct ctl_opt *, const char *,
                      struct ctl_opts *);

#define OFF(f) offsetof(struct ctl_opts, f)

static const struct ctl_opt {
	const char *name;
	const char *alias; /* a short spelling, or NULL */
	unsigned flag;     /* CTL_OPT_*; 0: always allowed */
	bool has_value;
	ctl_opt_fn fn;
	size_t off; /* where opt_flag / opt_string / opt_list store */
} ctl_opts[] = {
    {"--rev", NULL, CTL_OPT_REV, true, opt_rev, 0},
    {"--limit", NULL, CTL_OPT_LIMIT, true, opt_limit, 0},
    {"--archived", NULL, CTL_OPT_ARCHIVED, false, opt_archived, 0},
    {"--all", NULL, CTL_OPT_ARCHIVED, false, opt_archived, 0},
    {"--force", NULL, CTL_OPT_FORCE, false, opt_flag, OFF(force)},
    {"--residual", NULL, CTL_OPT_RESIDUAL, false, opt_flag, OFF(residual)},
    {"--start", NULL, CTL_OPT_START, true, opt_start, 0},
    {"--since", NULL, CTL_OPT_SINCE, true, opt_since, 0},
    {"--id", NULL, CTL_OPT_ID, true, opt_string, OFF(id)},
    {"--actor", NULL, CTL_OPT_ACTOR, true, opt_string, OFF(actor)},
    {"--owner", NULL, CTL_OPT_OWNER, true, opt_string, OFF(owner)},
    {"--head", NULL, CTL_OPT_HEAD, true, opt_string, OFF(head)},
    {"--deep", NULL, CTL_OPT_DEEP, false, opt_flag, OFF(deep)},
    {"--from", NULL, CTL_OPT_FROM, true, opt_string, OFF(from)},
    {"--to", NULL, CTL_OPT_TO, true, opt_string, OFF(to)},
    {"--sort", NULL, CTL_OPT_SORT, true, opt_string, OFF(sort)},
    {"--register", NULL, CTL_OPT_REGISTER, true, opt_list, OFF(registers)},
    {"--type", NULL, CTL_OPT_TYPE, true, opt_list, OFF(types)},
    {"--within", NULL, CTL_OPT_WITHIN, true, opt_string, OFF(within)},
    {"--check", NULL, CTL_OPT_CHECK, false, opt_flag, OFF(check)},
    {"--mail", NULL, CTL_OPT_MAIL, false, opt_flag, OFF(mail)},
    {"--ical", NULL, CTL_OPT_ICAL, true, opt_string, OFF(ical)},
    {"--role", NULL, CTL_OPT_ROLE, true, opt_string, OFF(role)},
    {"--uid", NULL, CTL_OPT_UID, true, opt_string, OFF(uid)},
    {"--email", NULL, CTL_OPT_EMAIL, true, opt_string, OFF(email)},
    {"--display-name", NULL, CTL_OPT_DISPLAY, true, opt_string,
     OFF(display_name)},
    {"--fallback", NULL, CTL_OPT_FALLBACK, true, opt_string, OFF(fallback)},
    {"--nagios", NULL, CTL_OPT_NAGIOS, false, opt_flag, OFF(nagios)},
    {"--stdin", NULL, CTL_OPT_STDIN, false, opt_flag, OFF(from_stdin)},
    {"--expires", NULL, CTL_OPT_EXPIRES, true, opt_string, OFF(expires)},
    {"--until", NULL, CTL_OPT_UNTIL, true, opt_string, OFF(until)},
    {"--output", "-o", 0, true, opt_output, 0},
    {"--help", "-h", 0, false, opt_flag, OFF(help)},
};

#define CTL_NOPTS (sizeof ctl_opts / sizeof ctl_opts[0])

/* Parses a number option's value. */
static int
opt_number(const struct ctl_opt *d, const char *val, uint64_t *out)
{
	if (ctl_parse_u64(val, out) != 0)
		return ctl_error(CTL_EXIT_USAGE,
		                 "%s expects a number, got '%s'", d->name, val);
	return 0;
}

/* --rev N: guard a write with the revision read. */
static int
opt_rev(struct ctl_ctx *ctx, const struct ctl_opt *d, const char *val,
        struct ctl_opts *o)
{
	(void)ctx;
	o->has_rev = true;
	return opt_number(d, val, &o->rev);
}

/* --limit N: at most N records. */
static int
opt_limit(struct ctl_ctx *ctx, const struct ctl_opt *d, const char *val,
          struct ctl_opts *o)
{
	(void)ctx;
	o->has_limit = true;
	return opt_number(d, val, &o->limit);
}

/* --since SEQ: journal entries after SEQ. */
static int
opt_since(struct ctl_ctx *ctx, const struct ctl_opt *d, const char *val,
          struct ctl_opts *o)
{
	(void)ctx;
	o->has_since = true;
	return opt_number(d, val, &o->since);
}

/* --archived (only archived records) or --all (any). */
static int
opt_archived(struct ctl_ctx *ctx, const struct ctl_opt *d, const char *val,
             struct ctl_opts *o)
{
	(void)ctx;
	(void)val;
	o->archived = strcmp(d->name, "--all") == 0
	                  ? ISMS__V1__ARCHIVED_FILTER__ANY
	                  : ISMS__V1__ARCHIVED_FILTER__ARCHIVED;
	return 0;
}

/* A flag (--force, --check, --help...): sets the bool at d->off. */
static int
opt_flag(struct ctl_ctx *ctx, const struct ctl_opt *d, const char *val,
         struct ctl_opts *o)
{
	(void)ctx;
	(void)val;
	*(bool *)((char *)o + d->off) = true;
	return 0;
}

/* A text option (--id, --owner...): the last one given wins. */
static int
opt_string(struct ctl_ctx *ctx, const struct ctl_opt *d, const char *val,
           struct ctl_opts *o)
{
	(void)ctx;
	if (*val == '\0')
		return ctl_error(CTL_EXIT_USAGE, "%s needs a value", d->name);
	*(const char **)((char *)o + d->off) = val;
	return 0;
}

/* A repeatable option (--register, --type): every value is kept. */
static int
opt_list(struct ctl_ctx *ctx, const struct ctl_opt *d, const char *val,
         struct ctl_opts *o)
{
	struct ctl_strv *l = (struct ctl_strv *)((char *)o + d->off);

	(void)ctx;
	if (*val == '\0')
		return ctl_error(CTL_EXIT_USAGE, "%s needs a value", d->name);
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = val;
	return 0;
}

/* --start YYYY-MM-DD: a calendar date. */
static int
opt_start(struct ctl_ctx *ctx, const struct ctl_opt *d, const char *val,
          struct ctl_opts *o)
{
	(void)ctx;
	if (!timefmt_date_valid(val))
		return ctl_error(CTL_EXIT_USAGE,
		                 "%s expects a date YYYY-MM-DD, got '%s'",
		                 d->name, val);
	o->start = val;
	return 0;
}

/* -o FORMAT: table, json or csv, wherever it appears. */
static int
opt_output(struct ctl_ctx *ctx, const struct ctl_opt *d, const char *val,
           struct ctl_opts *o)
{
	(void)o;
	if (ctl_format_parse(val, &ctx->format) != 0)
		return ctl_error(CTL_EXIT_USAGE,
		                 "%s expects table, json or csv, got '%s'",
		                 d->name, val);
	return 0;
}

/* The option spelled by arg (up to n bytes), or NULL. */
static const struct ctl_opt *
opt_find(const char *arg, size_t n)
{
	size_t k;

	for (k = 0; k < CTL_NOPTS; k++) {
		if (strlen(ctl_opts[k].name) == n &&
		    strncmp(ctl_opts[k].name, arg, n) == 0)
			return &ctl_opts[k];
		if (ctl_opts[k].alias != NULL &&
		    strlen(ctl_opts[k].alias) == n &&
		    strncmp(ctl_opts[k].alias, arg, n) == 0)
			return &ctl_opts[k];
	}
	return NULL;
}

/* Whether arg looks like an option ("-o", "--rev"), not a value. */
static bool
opt_like(const char *arg)
{
	return arg[0] == '-' &&
	       (arg[1] == '-' ||
	        (arg[1] >= 'a' && arg[1] <= 'z' && arg[2] == '\0'));
}

/* Applies option argv[*i] (consuming its value) to o. */
static int
opt_apply(struct ctl_ctx *ctx, const char *what, unsigned allowed, int argc,
          char **argv, int *i, struct ctl_opts *o)
{
	const struct ctl_opt *d;
	const char *arg = argv[*i], *val = NULL, *eq;
	size_t n;

	eq = arg[1] == '-' ? strchr(arg, '=') : NULL;
	n = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
	d = opt_find(arg, n);
	if (d == NULL || (d->flag != 0 && !(allowed & d->flag)))
		return ctl_error(CTL_EXIT_USAGE, "%s: unknown option '%.*s'",
		                 what, (int)n, arg);
	if (!d->has_value) {
		if (eq != NULL)
			return ctl_error(CTL_EXIT_USAGE, "%s takes no value",
			                 d->name);
		return d->fn(ctx, d, NULL, o);
	}
	if (eq != NULL)
		val = eq + 1;
	else if (*i + 1 < argc)
		val = argv[++*i];
	if (val == NULL)
		return ctl_error(CTL_EXIT_USAGE, "%s needs a value", d->name);
	return d->fn(ctx, d, val, o);
}

/* Splits argv into options (checked against allowed) and arguments. */
int
ctl_opts_parse(struct ctl_ctx *ctx, const char *what, unsigned allowed,
               int argc, char **argv, struct ctl_opts *o)
{
	bool opts_done = false;
	int i, rc;

	memset(o, 0, sizeof *o);
	o->archived = ISMS__V1__ARCHIVED_FILTER__LIVE;
	o->pos = xcalloc((size_t)argc + 1, sizeof *o->pos);
	for (i = 0; i < argc; i++) {
		if (!opts_done && strcmp(argv[i], "--") == 0)
			opts_done = true;
		else if (!opts_done && opt_like(argv[i])) {
			rc = opt_apply(ctx, what, allowed, argc, argv, &i, o);
			if (rc != 0)
				return rc;
		} else
			o->pos[o->npos++] = argv[i];
	}
	return 0;
}

/* The index of the first argument that is not an option, or -1. */
int
ctl_opts_first_arg(int argc, char *const *argv)
{
	const struct ctl_opt *d;
	int i;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return i + 1 < argc ? i + 1 : -1;
		if (!opt_like(argv[i]))
			return i;
		/* "--rev 3" skips its value; an unknown option is a flag. */
		d = opt_find(argv[i], strlen(argv[i]));
		if (d != NULL && d->has_value)
			i++;
	}
	return -1;
}

/* Frees the argument array of o. */
void
ctl_opts_free(struct ctl_opts *o)
{
	free(o->pos);
	o->pos = NULL;
	o->npos = 0;
	free(o->registers.v);
	free(o->types.v);
	memset(&o->registers, 0, sizeof o->registers);
	memset(&o->types, 0, sizeof o->types);
}
