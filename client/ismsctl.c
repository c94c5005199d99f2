/*
 * ismsctl.c: the command line client of ismsd.
 *
 *	ismsctl [--endpoint URL] [-o table|json|csv] <command> ...
 *	ismsctl [--endpoint URL] [-o FORMAT] <register> <verb> [ID] [f=v ...]
 *
 * Top-level commands come from ctl_cmds; registers are not listed anywhere
 * here: every member of the Record body oneof is one (see fieldargs.h).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "fieldargs.h"

static int ctl_help_exec(struct ctl_ctx *, int, char **);
static int ctl_version_exec(struct ctl_ctx *, int, char **);

static const struct ctl_cmd ctl_cmds[] = {
    {"status", "status",
     "server version, data dir, uptime, commits, records per register",
     ctl_status_exec},
    {"help", "help [REGISTER]", "this text, or a register's verbs and fields",
     ctl_help_exec},
    {"version", "version", "print ismsctl's version", ctl_version_exec},
};

#define CTL_NCMDS (sizeof ctl_cmds / sizeof ctl_cmds[0])

/* Prints the main usage text. */
static void
ctl_usage(FILE *f)
{
	const ProtobufCFieldDescriptor *reg;
	size_t i;

	fputs("usage: ismsctl [--endpoint URL] [-o table|json|csv] "
	      "<command> ...\n"
	      "       ismsctl [options] <register> <verb> [ID] "
	      "[field=value ...]\n\nCommands:\n",
	      f);
	for (i = 0; i < CTL_NCMDS; i++)
		fprintf(f, "  %-22s %s\n", ctl_cmds[i].usage, ctl_cmds[i].help);
	fputs("\nRegisters:", f);
	for (i = 0; (reg = ctl_register_nth(i)) != NULL; i++)
		fprintf(f, "%s %s", i > 0 ? "," : "", reg->name);
	fputs("\n\nRegister verbs:\n", f);
	for (i = 0; i < ctl_nverbs; i++)
		fprintf(f, "  <register> %s %s\n      %s\n", ctl_verbs[i].name,
		        ctl_verbs[i].usage, ctl_verbs[i].help);
	fputs("\nField words: f=v sets a field, f= clears it, a.b=v sets a "
	      "nested field,\n"
	      "tags+=x / tags-=x add to / remove from a list. Instants "
	      "(*_at) take ISO 8601\n"
	      "(2026-11-28T10:00:00Z or 2026-11-28). 'ismsctl help "
	      "REGISTER' lists the fields.\n"
	      "\nOptions:\n"
	      "  --endpoint URL        unix:PATH, unix:///abs/path (default: "
	      "$ISMS_ENDPOINT,\n"
	      "                        else " ISMS_DEFAULT_ENDPOINT ")\n"
	      "  -o, --output FORMAT   table (default), json or csv\n"
	      "  -h, --help            this text\n"
	      "  -V, --version         print the version\n"
	      "\nExit status:\n"
	      "  0  success\n"
	      "  1  the server replied with an error (not found, conflict, "
	      "denied...)\n"
	      "  2  usage error\n"
	      "  3  ismsd cannot be reached, or the connection was lost\n",
	      f);
}

static int
ctl_help_exec(struct ctl_ctx *ctx, int argc, char **argv)
{
	const ProtobufCFieldDescriptor *reg;

	if (argc < 2) {
		ctl_usage(ctx->out);
		return CTL_EXIT_OK;
	}
	if ((reg = ctl_register_find(argv[1])) == NULL)
		return ctl_error(CTL_EXIT_USAGE, "no register called '%s'",
		                 argv[1]);
	ctl_register_usage(ctx->out, reg);
	return CTL_EXIT_OK;
}

static int
ctl_version_exec(struct ctl_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(ctx->out, "ismsctl %s (protocol %d.%d)\n", ISMS_VERSION,
	        ISMS_PROTOCOL_MAJOR, ISMS_PROTOCOL_MINOR);
	return CTL_EXIT_OK;
}

/* Runs the command or register named by argv[0]. */
static int
ctl_dispatch(struct ctl_ctx *ctx, int argc, char **argv)
{
	const ProtobufCFieldDescriptor *reg;
	size_t i;

	for (i = 0; i < CTL_NCMDS; i++)
		if (strcmp(ctl_cmds[i].name, argv[0]) == 0)
			return ctl_cmds[i].exec(ctx, argc, argv);
	if ((reg = ctl_register_find(argv[0])) != NULL)
		return ctl_register_exec(ctx, reg, argc - 1, argv + 1);
	return ctl_error(
	    CTL_EXIT_USAGE,
	    "unknown command or register '%s'; try 'ismsctl --help'", argv[0]);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"endpoint", required_argument, NULL, 'e'},
	    {"output", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	struct ctl_ctx ctx = {0};
	const char *env;
	int ch, rc;

	/* A daemon gone mid-write, or "| head": errors, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	ctx.out = stdout;
	ctx.format = CTL_FORMAT_TABLE;
	env = getenv("ISMS_ENDPOINT");
	ctx.endpoint =
	    env != NULL && *env != '\0' ? env : ISMS_DEFAULT_ENDPOINT;

	/* "+": options stop at the command; verbs parse their own. */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+e:o:hV", longopts, NULL)) !=
	       -1) {
		switch (ch) {
		case 'e':
			ctx.endpoint = optarg;
			break;
		case 'o':
			if (ctl_format_parse(optarg, &ctx.format) != 0)
				return ctl_error(
				    CTL_EXIT_USAGE,
				    "-o expects table, json or csv, got '%s'",
				    optarg);
			break;
		case 'h':
			ctl_usage(stdout);
			return CTL_EXIT_OK;
		case 'V':
			return ctl_version_exec(&ctx, 0, NULL);
		default:
			if (optopt != 0 && strchr("eo", optopt) != NULL)
				return ctl_error(CTL_EXIT_USAGE,
				                 "-%c needs a value", optopt);
			return ctl_error(
			    CTL_EXIT_USAGE,
			    "unknown option '%s'; try 'ismsctl --help'",
			    argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		ctl_usage(stderr);
		return CTL_EXIT_USAGE;
	}
	rc = ctl_dispatch(&ctx, argc - optind, argv + optind);
	isms_sync_free(ctx.sync);
	/* Output that could not be written is a failure ("| head" aside). */
	if (fflush(stdout) != 0 && errno != EPIPE && rc == CTL_EXIT_OK)
		rc = ctl_error(CTL_EXIT_REPLY, "cannot write output: %s",
		               strerror(errno));
	return rc;
}
