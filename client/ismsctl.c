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
     "server version, data dir, uptime, commits, records per register", NULL,
     ctl_status_exec},
    {"link", "link SOURCE REL TARGET [--rev N]",
     "link two records: SOURCE --REL--> TARGET",
     "Adds the typed link SOURCE --REL--> TARGET to SOURCE (REL is [a-z_]+,\n"
     "e.g. treated_by, affects, found_in, mitigates). With --rev N, only if\n"
     "SOURCE is still at revision N. Prints the new revision of SOURCE\n"
     "(-o json / csv: the whole record).\n",
     ctl_link_exec},
    {"unlink", "unlink SOURCE REL TARGET [--rev N]",
     "remove the link SOURCE --REL--> TARGET", NULL, ctl_link_exec},
    {"links", "links ID",
     "the links of a record, and the records linking to it",
     "Two sections: 'links from ID' (rel → target) and 'linked from'\n"
     "(rel ← the record holding the link). -o csv: direction,source,rel,\n"
     "target rows; -o json: outgoing and incoming lists.\n",
     ctl_links_exec},
    {"method", "method get | set [--rev N] word ...",
     "show or change the risk method (scales, levels, threshold)",
     "method get: the likelihood and impact scales with their labels, the\n"
     "levels (name, lowest score, review interval in days) and the\n"
     "acceptance threshold.\n"
     "method set: reads the current method, applies the words and sends\n"
     "it back guarded by the revision it read (or --rev N). Words:\n"
     "  acceptance_threshold=N\n"
     "  likelihood_labels=rare,unlikely,possible,likely,certain\n"
     "  impact_labels=negligible,minor,moderate,major,severe\n"
     "  levels=low:1:365,medium:5:180,high:10:90,critical:20:30\n"
     "    (NAME:MIN_SCORE:REVIEW_DAYS, lowest band first)\n"
     "The server re-derives the score and level of every risk with it.\n",
     ctl_method_exec},
    {"soa", "soa [set ID field=value ...]",
     "the Statement of Applicability (6.1.3 d) of every control",
     "Every live control, grouped under the Annex A themes (A.5 to A.8) and\n"
     "the organisation's own controls (CTL-*): id, title, applicable\n"
     "(yes, no, undecided), status, justification, owner and the risks\n"
     "linking to it. -o csv is the auditor's export: id,title,theme,\n"
     "applicable,status,justification,owner,risks,evidence,last_tested_on.\n"
     "'soa set ID f=v ...' is 'control set ID f=v ...', e.g.\n"
     "  ismsctl soa set A.5.1 applicable=yes status=implemented "
     "justification=...\n",
     ctl_soa_exec},
    {"gap", "gap",
     "gap analysis: clauses 4-10, Annex A themes, missing "
     "documents",
     "Computed by ismsctl from the registers (requirement, control, scope,\n"
     "document, risk, treatment, objective, competence, milestone, metric,\n"
     "audit, mreview, nonconformity); the server keeps no gap analysis.\n"
     "1. Every requirement (4 ... 10.2) with its status and evidence;\n"
     "   headings (4, 6.1, 7.5 ...) are shown but not assessed.\n"
     "2. Per clause 4-10 and per Annex A theme: met, partial, not met and\n"
     "   the percentage met. Requirements without a status count as not\n"
     "   met. Controls: implemented = met, partial or planned = partial,\n"
     "   not started or unset = not met; applicable=no controls are left\n"
     "   out.\n"
     "3. Missing mandatory documented information, when the register\n"
     "   holds no record that shows it:\n"
     "   4.3    a scope record, and one with status approved\n"
     "   5.2    a document with kind policy and status approved\n"
     "   6.1.2  a risk with likelihood and impact (assessed)\n"
     "   6.1.3  a treatment record; and every control's applicability\n"
     "          decided (the count of undecided ones is shown)\n"
     "   6.2    an objective        7.2    a competence record\n"
     "   7.5.1  a document          9.1    a metric\n"
     "   8.1    a milestone, or a document with kind plan\n"
     "   8.2    a risk with likelihood and impact\n"
     "   8.3    a treatment record\n"
     "   9.2.2  an audit with status reported or closed\n"
     "   9.3.3  an mreview with status held or closed\n"
     "   10.2   a nonconformity (record them when they occur)\n"
     "-o csv: section,ref,title,status,evidence,met,partial,not_met,\n"
     "percent_met rows (section requirement, summary or missing).\n",
     ctl_gap_exec},
    {"plan", "plan [init --start YYYY-MM-DD]",
     "the implementation plan: milestones and their progress",
     "plan: every milestone in target date order with its progress: done\n"
     "(status done), due (target within 14 days), late (target passed and\n"
     "not done).\n"
     "plan init --start DATE: when there is no milestone yet, creates the\n"
     "standard ones, target dates in weeks from DATE: gap analysis +2,\n"
     "project plan +4, leadership engagement +6, risk assessment +10,\n"
     "documentation +16, training and awareness +20, internal audit +26,\n"
     "management review +28, certification audit +34.\n",
     ctl_plan_exec},
    {"catalog", "catalog load FILE",
     "load catalog rows (clauses, themes, controls) from a CSV file",
     "FILE is CSV (RFC 4180) with the header kind,ref,parent,title,\n"
     "assessable[,text][,edition], like the shipped iso27001-2022.csv.\n"
     "Missing items are created; titles, text and edition of existing\n"
     "ones updated. The organisation's answers (applicability, status,\n"
     "evidence) are never touched. Prints: created N, updated N,\n"
     "unchanged N.\n",
     ctl_catalog_exec},
    {"help", "help [REGISTER|COMMAND]",
     "this text, a register's verbs and fields, or a command in detail", NULL,
     ctl_help_exec},
    {"version", "version", "print ismsctl's version", NULL, ctl_version_exec},
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
		fprintf(f, "  %s\n      %s\n", ctl_cmds[i].usage,
		        ctl_cmds[i].help);
	fputs("\nRegisters:", f);
	for (i = 0; (reg = ctl_register_nth(i)) != NULL; i++)
		fprintf(f, "%s %s", i > 0 ? "," : "", reg->name);
	fputs("\n\nRegister verbs:\n", f);
	for (i = 0; i < ctl_nverbs; i++)
		fprintf(
		    f, "  %s %s %s\n      %s\n",
		    ctl_verbs[i].reg != NULL ? ctl_verbs[i].reg : "<register>",
		    ctl_verbs[i].name, ctl_verbs[i].usage, ctl_verbs[i].help);
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
	      "  -o, --output FORMAT   table (default), json or csv (also "
	      "after the command)\n"
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

/* "help", "help REGISTER", "help COMMAND". */
static int
ctl_help_exec(struct ctl_ctx *ctx, int argc, char **argv)
{
	const ProtobufCFieldDescriptor *reg;
	size_t i;

	if (argc < 2) {
		ctl_usage(ctx->out);
		return CTL_EXIT_OK;
	}
	for (i = 0; i < CTL_NCMDS; i++) {
		if (strcmp(ctl_cmds[i].name, argv[1]) != 0)
			continue;
		fprintf(ctx->out, "usage: ismsctl %s\n  %s\n%s%s",
		        ctl_cmds[i].usage, ctl_cmds[i].help,
		        ctl_cmds[i].detail != NULL ? "\n" : "",
		        ctl_cmds[i].detail != NULL ? ctl_cmds[i].detail : "");
		return CTL_EXIT_OK;
	}
	if ((reg = ctl_register_find(argv[1])) == NULL)
		return ctl_error(CTL_EXIT_USAGE,
		                 "no register or command called '%s'", argv[1]);
	ctl_register_usage(ctx->out, reg);
	return CTL_EXIT_OK;
}

/* Prints the version. */
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

/* Parses the global options and runs the command. */
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
