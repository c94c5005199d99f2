/*
 * ctl_verb.c: the verbs of every command, found, parsed and run one way.
 * A command's verbs are data (struct ctl_verb in its own file); here is
 * the only lookup over them, so an unknown verb gets the same usage error
 * everywhere, listing the verbs there are.
 */
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "xmalloc.h"

/* Whether verb v exists for register reg (every verb of a command). */
static bool
verb_for(const struct ctl_verb *v, const ProtobufCFieldDescriptor *reg)
{
	return v->reg == NULL ||
	       (reg != NULL && strcmp(v->reg, reg->name) == 0);
}

const struct ctl_verb *
ctl_verb_find(const struct ctl_cmd *cmd, const ProtobufCFieldDescriptor *reg,
              const char *name)
{
	const struct ctl_verb *v;
	size_t i;

	for (i = 0; i < cmd->nverbs; i++) {
		v = &cmd->verbs[i];
		if (!verb_for(v, reg))
			continue;
		if (name == NULL
		        ? v->name == NULL
		        : v->name != NULL && strcmp(v->name, name) == 0)
			return v;
	}
	return NULL;
}

/* A usage error naming the verbs of cmd (for reg); word: the unknown one. */
static int
verb_unknown(const struct ctl_cmd *cmd, const ProtobufCFieldDescriptor *reg,
             const char *what, const char *word)
{
	char list[512] = "";
	size_t i, len;

	for (i = 0; i < cmd->nverbs; i++) {
		if (cmd->verbs[i].name == NULL ||
		    !verb_for(&cmd->verbs[i], reg))
			continue;
		len = strlen(list);
		snprintf(list + len, sizeof list - len, "%s%s",
		         len > 0 ? ", " : "", cmd->verbs[i].name);
	}
	if (word == NULL)
		return ctl_error(CTL_EXIT_USAGE,
		                 "%s: which verb? one of %s (see 'ismsctl help "
		                 "%s')",
		                 what, list, what);
	return ctl_error(CTL_EXIT_USAGE,
	                 "%s: unknown verb '%s'; the verbs: %s (see 'ismsctl "
	                 "help %s')",
	                 what, word, list, what);
}

/* Whether argv asks for help before any "--". */
static bool
wants_help(int argc, char *const *argv)
{
	int i;

	for (i = 0; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0)
			return true;
	return false;
}

/* "CMD --help": the usage of every verb (a register's: and its fields). */
static int
verbs_usage(struct ctl_ctx *ctx, const struct ctl_cmd *cmd,
            const ProtobufCFieldDescriptor *reg)
{
	if (reg != NULL)
		ctl_register_usage(ctx->out, reg);
	else
		ctl_cmd_usage(ctx->out, cmd);
	return CTL_EXIT_OK;
}

/* Checks the argument count of v and splits ID and words into a. */
static int
args_split(const struct ctl_verb *v, const char *what, struct ctl_args *a)
{
	int skip;

	if (a->opt.npos < v->min_args)
		return ctl_error(CTL_EXIT_USAGE, "usage: ismsctl %s%s%s", what,
		                 *v->usage != '\0' ? " " : "", v->usage);
	if (a->opt.npos > v->max_args)
		return ctl_error(CTL_EXIT_USAGE, "%s: unexpected argument '%s'",
		                 what, a->opt.pos[v->max_args]);
	skip = v->needs_id && a->opt.npos > 0;
	a->id = skip ? a->opt.pos[0] : NULL;
	a->words = a->opt.pos + skip;
	a->nwords = a->opt.npos - skip;
	return 0;
}

int
ctl_verbs_exec(struct ctl_ctx *ctx, const struct ctl_cmd *cmd,
               const ProtobufCFieldDescriptor *reg, int argc, char **argv)
{
	const char *name = reg != NULL ? reg->name : cmd->name;
	const struct ctl_verb *v = NULL, *bare;
	struct ctl_args a;
	char what[64], **rest;
	int at, i, n = 0, rc;

	at = ctl_opts_first_arg(argc - 1, argv + 1);
	if (at >= 0)
		v = ctl_verb_find(cmd, reg, argv[1 + at]);
	if (v == NULL) {
		/* No verb named: the form without one, if it takes this. */
		bare = ctl_verb_find(cmd, reg, NULL);
		if (bare == NULL || (at >= 0 && bare->max_args == 0)) {
			/* "CMD --help"; "CMD bogus --help" stays an error. */
			if (at < 0 && wants_help(argc - 1, argv + 1))
				return verbs_usage(ctx, cmd, reg);
			return verb_unknown(cmd, reg, name,
			                    at >= 0 ? argv[1 + at] : NULL);
		}
		v = bare;
		at = -1;
	}
	snprintf(what, sizeof what, "%s%s%s", name, v->name != NULL ? " " : "",
	         v->name != NULL ? v->name : "");
	/* The options and arguments around the verb, in order. */
	rest = xcalloc((size_t)argc, sizeof *rest);
	for (i = 1; i < argc; i++)
		if (i != 1 + at)
			rest[n++] = argv[i];
	memset(&a, 0, sizeof a);
	a.verb = v;
	a.reg = reg;
	rc = ctl_opts_parse(ctx, what, v->opts, n, rest, &a.opt);
	if (rc == 0 && a.opt.help && v->name == NULL)
		rc = verbs_usage(ctx, cmd, reg);
	else if (rc == 0 && a.opt.help)
		fprintf(ctx->out, "usage: ismsctl %s%s%s\n  %s\n", what,
		        *v->usage != '\0' ? " " : "", v->usage, v->help);
	else if (rc == 0 && (rc = args_split(v, what, &a)) == 0)
		rc = v->exec(ctx, &a);
	ctl_opts_free(&a.opt);
	free(rest);
	return rc;
}

int
ctl_verbs_exec_cmd(struct ctl_ctx *ctx, const struct ctl_cmd *cmd, int argc,
                   char **argv)
{
	return ctl_verbs_exec(ctx, cmd, NULL, argc, argv);
}
