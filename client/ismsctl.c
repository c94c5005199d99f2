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
    {"review", "review ID [note=TEXT] [--rev N]",
     "record a review of a record; prints its next review date",
     "Stamps the record's last review (who, when, the note) and moves\n"
     "next_review_on by its review interval (risks: by level, from the risk\n"
     "method). Prints 'reviewed ID: next review YYYY-MM-DD'. With --rev N,\n"
     "only if the record is still at revision N. The same as\n"
     "'ismsctl <register> review ID'.\n",
     ctl_review_exec},
    {"due",
     "due [--within 14d] [--owner U] [--register R] [--check] [--mail] "
     "[--ical FILE|-]",
     "reviews, due dates and expiries that are due or overdue",
     "Items whose date has passed (overdue) or falls within --within\n"
     "(days: 14, 14d or 2w; default 14d), grouped by owner: DATE KIND ID\n"
     "TITLE and 'OVERDUE n days' or 'due in n days'. Kinds: review\n"
     "(next_review_on), due (due_on of actions, treatments, objectives),\n"
     "expiry (competence), acceptance (a risk acceptance's until), target\n"
     "(milestones, planned audits). -o json / csv: every item.\n"
     "--check   one summary line; exit 0 when nothing is overdue, 4 when\n"
     "          something is (for monitoring; 1 stays 'error reply')\n"
     "--mail    one message per owner through 'sendmail -t -oi' "
     "($ISMS_SENDMAIL\n"
     "          overrides the path): To: the owner, when the owner is an\n"
     "          e-mail address; other owners are skipped with a warning\n"
     "          (users with an e-mail field come in a later release).\n"
     "          Subject 'ISMS: N items due or overdue'.\n"
     "--ical F  an RFC 5545 calendar (F, or - for stdout): one all-day\n"
     "          event per item, UID '<id>-<kind>@ismsd' stable across runs,\n"
     "          a reminder one day before.\n",
     ctl_due_exec},
    {"journal",
     "journal [--since SEQ] [--id ID] [--actor U] [--limit N] | verify "
     "[--deep] [--head SEQ:HASH] | head",
     "the tamper-evident journal: read it, verify it, print its head",
     "journal: every change (and due notice) in order: SEQ TIME ACTOR TYPE\n"
     "ID REV SUMMARY; entries after --since SEQ, of record --id, by --actor,\n"
     "at most --limit N. -o json / csv add the register, owner and hashes.\n"
     "journal verify: ismsd recomputes the SHA-256 hash chain, seq 1 to\n"
     "the stored head without a gap, and checks that every record,\n"
     "revision, user, token and the risk method is stored as last\n"
     "journaled. Prints 'OK: N entries, head SEQ:HASH' (exit 0), or\n"
     "'FAILED at seq N: problem' or 'FAILED: problem' naming the record\n"
     "or key (exit 1). --deep also checks every index, link, due date\n"
     "and uid or token index key against what it derives from. With\n"
     "--head SEQ:HASH (kept off the host earlier), the chain recomputed\n"
     "up to SEQ must hash to HASH there.\n"
     "journal head: SEQ:HASH of the last entry (64 lower-case hex\n"
     "digits), to keep off the host: whoever holds the data can rebuild\n"
     "a chain, but not one through a head published before.\n",
     ctl_journal_exec},
    {"watch", "watch [--register R]... [--type T]... [--owner U] [--since SEQ]",
     "print events as they happen, until interrupted",
     "One line per event: SEQ TIME TYPE ID ACTOR SUMMARY (-o json: one\n"
     "JSON object per line; -o csv: a header, then rows), flushed at once.\n"
     "Filters: --register (risk, action...), --type (created, updated,\n"
     "archived, linked, unlinked, reviewed, method_changed,\n"
     "catalog_loaded, review_due, review_overdue, action_due,\n"
     "action_overdue, incident_ingested, user_changed, token_changed),\n"
     "--owner; each repeatable option matches any of its values.\n"
     "--since SEQ first replays the journal after SEQ, then goes on live\n"
     "with no gap and no duplicate. Exit: 0 on Ctrl-C / SIGTERM; 1 when\n"
     "ismsd drops a watcher too slow to keep up (the message says 'resync\n"
     "from seq N': resume with --since N); 3 when the connection is lost.\n",
     ctl_watch_exec},
    {"user",
     "user add NAME --role R [--uid N] [--email E] | list | set NAME "
     "[role=R] [uid=N] [email=E] | disable NAME | enable NAME",
     "who may use ismsd, with which access role (admin only)",
     "Roles: viewer (read registers), auditor (read everything, journal\n"
     "and history too), editor (write registers), admin (users, tokens,\n"
     "method, catalog: everything), ingest (create and update incidents).\n"
     "user add NAME --role R [--uid N] [--email E]: a new user; --uid maps\n"
     "a local Unix uid (peer of the Unix socket) to it.\n"
     "user set NAME role=R uid=N email=E: changes only the fields named\n"
     "(uid= and email= clear them). user disable NAME refuses the user's\n"
     "connections and tokens until user enable NAME. A user is never\n"
     "deleted: the journal keeps who had which access, and when (A.5.18).\n"
     "user list: NAME ROLE UID EMAIL DISABLED UPDATED BY.\n",
     ctl_user_exec},
    {"token", "token create USER [--expires DAYS] | list | revoke TOKEN-ID",
     "bearer tokens for tcp:// clients (admin only)",
     "token create USER [--expires 90d]: prints 'TOK-0001 isms_...' once\n"
     "(-o json: id and secret); ismsd keeps only a keyed hash of it, so\n"
     "store it now, in a file only its user can read, and give it with\n"
     "--token-file FILE or $ISMS_TOKEN. --expires takes days (90, 90d,\n"
     "13w) or never (the default).\n"
     "token list: ID OWNER CREATED EXPIRES LAST-USED REVOKED.\n"
     "token revoke TOKEN-ID: the token stops working at once.\n",
     ctl_token_exec},
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
	      "  --endpoint URL        unix:PATH, unix:///abs/path or "
	      "tcp://HOST:PORT (default:\n"
	      "                        $ISMS_ENDPOINT, "
	      "else " ISMS_DEFAULT_ENDPOINT ")\n"
	      "  --token-file FILE     bearer token: the file's first line "
	      "(default: $ISMS_TOKEN)\n"
	      "  --cacert FILE         tcp://: CA (PEM) that signed ismsd's "
	      "certificate (default:\n"
	      "                        $ISMS_CACERT, else the system's CAs)\n"
	      "  --cert FILE --key FILE  tcp://: client certificate (its CN "
	      "names the user)\n"
	      "  --insecure            tcp:// as plain TCP, without TLS: "
	      "loopback only\n"
	      "  -o, --output FORMAT   table (default), json or csv (also "
	      "after the command)\n"
	      "  -h, --help            this text\n"
	      "  -V, --version         print the version\n"
	      "\nExit status:\n"
	      "  0  success\n"
	      "  1  the server replied with an error (not found, conflict, "
	      "denied...)\n"
	      "  2  usage error\n"
	      "  3  ismsd cannot be reached, or the connection was lost\n"
	      "  4  due --check: something is overdue\n",
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
