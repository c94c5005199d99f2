/*
 * ismsctl.c: the command line client of ismsd.
 *
 *	ismsctl [--endpoint URL] [-o table|json|csv] <command> ...
 *	ismsctl [--endpoint URL] [-o FORMAT] <register> <verb> [ID] [f=v ...]
 *
 * Every command is one descriptor in its own ctl_*.c file (usage, help,
 * verbs, exec); this file only lists them and dispatches. Registers are
 * not listed anywhere here: every member of the Record body oneof is one
 * (see fieldargs.h), and their verbs are ctl_cmd_register's.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "fieldargs.h"

/* The commands, in the order "ismsctl --help" shows them. */
const struct ctl_cmd *const ctl_cmds[] = {
    &ctl_cmd_status,  &ctl_cmd_link,    &ctl_cmd_unlink,     &ctl_cmd_links,
    &ctl_cmd_method,  &ctl_cmd_soa,     &ctl_cmd_gap,        &ctl_cmd_plan,
    &ctl_cmd_catalog, &ctl_cmd_import,  &ctl_cmd_export,     &ctl_cmd_review,
    &ctl_cmd_due,     &ctl_cmd_journal, &ctl_cmd_watch,      &ctl_cmd_user,
    &ctl_cmd_token,   &ctl_cmd_help,    &ctl_cmd_version,    &ctl_cmd_health,
    &ctl_cmd_report,  &ctl_cmd_backup,  &ctl_cmd_completion,
};
const size_t ctl_ncmds = sizeof ctl_cmds / sizeof ctl_cmds[0];

const struct ctl_cmd *
ctl_cmd_find(const char *name)
{
	size_t i;

	for (i = 0; i < ctl_ncmds; i++)
		if (strcmp(ctl_cmds[i]->name, name) == 0)
			return ctl_cmds[i];
	return NULL;
}

int
ctl_dispatch(struct ctl_ctx *ctx, int argc, char **argv)
{
	const struct ctl_cmd *cmd;

	if (strcmp(argv[0], CTL_COMPLETE_CMD) == 0)
		return ctl_complete(ctx, argc, argv);
	if ((cmd = ctl_cmd_find(argv[0])) != NULL)
		return cmd->exec(ctx, cmd, argc, argv);
	if (ctl_register_find(argv[0]) != NULL)
		return ctl_cmd_register.exec(ctx, &ctl_cmd_register, argc,
		                             argv);
	return ctl_error(
	    CTL_EXIT_USAGE,
	    "unknown command or register '%s'; try 'ismsctl --help'", argv[0]);
}

/* Parses the global options and runs the command. */
int
ctl_main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"endpoint", required_argument, NULL, 'e'},
	    {"output", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {"token-file", required_argument, NULL, CTL_GOPT_TOKEN_FILE},
	    {"cacert", required_argument, NULL, CTL_GOPT_CACERT},
	    {"cert", required_argument, NULL, CTL_GOPT_CERT},
	    {"key", required_argument, NULL, CTL_GOPT_KEY},
	    {"insecure", no_argument, NULL, CTL_GOPT_INSECURE},
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
		/* --token-file, --cacert, --cert, --key, --insecure */
		if ((rc = ctl_conn_opt(&ctx, ch, optarg)) != -1) {
			if (rc != 0)
				return rc;
			continue;
		}
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
			return ctl_cmd_version.exec(&ctx, &ctl_cmd_version, 0,
			                            NULL);
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
