/*
 * ctl_report.c: "ismsctl report KIND [--as-of YYYY-MM-DD] [-o FORMAT]
 * [--output FILE] [--organisation NAME]": a report an auditor asks for,
 * built from one Snapshot (one read txn of the server) and drawn by one
 * renderer. The reports are report_kinds.c's rows, the formats this
 * file's table, the options too.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "report_html.h"
#include "report_kinds.h"
#include "report_pdf.h"
#include "report_text.h"
#include "report_xlsx.h"
#include "timefmt.h"
#include "xmalloc.h"

/* The formats: the first is the default. Binary ones never go to a TTY. */
static const struct {
	const char *name;
	report_render_fn fn;
	bool binary;
} report_formats[] = {
    {"md", report_render_md, false},
    {"csv", report_render_csv, false},
    {"json", report_render_json, false},
    {"html", report_render_html, false}, /* self-contained page */
    {"xlsx", report_render_xlsx, true},  /* a workbook */
};

#define REPORT_NFORMATS (sizeof report_formats / sizeof report_formats[0])

/* The command line of one report. */
struct report_opts {
	const char *kind;
	const char *as_of;
	const char *format;
	const char *output;
	const char *organisation;
	const char *pdf;      /* --pdf FILE: -o pdf --output FILE */
	const char *chromium; /* --chromium PATH */
};

/* The options: each sets one string of struct report_opts. */
static const struct {
	const char *name, *alias;
	size_t off;
} report_optv[] = {
    {"--as-of", NULL, offsetof(struct report_opts, as_of)},
    {"--output", NULL, offsetof(struct report_opts, output)},
    {"-o", "--format", offsetof(struct report_opts, format)},
    {"--organisation", "--organization",
     offsetof(struct report_opts, organisation)},
    {"--pdf", NULL, offsetof(struct report_opts, pdf)},
    {"--chromium", NULL, offsetof(struct report_opts, chromium)},
};

#define REPORT_NOPTS (sizeof report_optv / sizeof report_optv[0])

/* The index of the format called name, or REPORT_NFORMATS. */
static size_t
report_format_index(const char *name)
{
	size_t i;

	for (i = 0; i < REPORT_NFORMATS; i++)
		if (strcmp(report_formats[i].name, name) == 0)
			break;
	return i;
}

/* The renderer called name, or NULL. */
static report_render_fn
report_format_find(const char *name)
{
	size_t i = report_format_index(name);

	return i < REPORT_NFORMATS ? report_formats[i].fn : NULL;
}

/* Applies option argv[*i] ("--x v" or "--x=v"); CTL_EXIT_USAGE when
 * unknown or without its value. */
static int
report_opt(int argc, char **argv, int *i, struct report_opts *o)
{
	const char *arg = argv[*i], *eq = strchr(arg, '='), *val;
	size_t n = eq != NULL ? (size_t)(eq - arg) : strlen(arg), k;

	for (k = 0; k < REPORT_NOPTS; k++)
		if ((strlen(report_optv[k].name) == n &&
		     strncmp(report_optv[k].name, arg, n) == 0) ||
		    (report_optv[k].alias != NULL &&
		     strlen(report_optv[k].alias) == n &&
		     strncmp(report_optv[k].alias, arg, n) == 0))
			break;
	if (k == REPORT_NOPTS)
		return ctl_error(CTL_EXIT_USAGE,
		                 "report: unknown option '%.*s'", (int)n, arg);
	val = eq != NULL ? eq + 1 : *i + 1 < argc ? argv[++*i] : NULL;
	if (val == NULL || *val == '\0')
		return ctl_error(CTL_EXIT_USAGE, "%s needs a value",
		                 report_optv[k].name);
	*(const char **)((char *)o + report_optv[k].off) = val;
	return 0;
}

/* Parses the command line (argv[0] is "report"). */
static int
report_parse(struct ctl_ctx *ctx, int argc, char **argv, struct report_opts *o)
{
	int i, rc;

	/* A global -o json / csv carries over; table means Markdown. */
	o->format = ctx->format == CTL_FORMAT_JSON  ? "json"
	            : ctx->format == CTL_FORMAT_CSV ? "csv"
	                                            : report_formats[0].name;
	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			if ((rc = report_opt(argc, argv, &i, o)) != 0)
				return rc;
		} else if (o->kind == NULL)
			o->kind = argv[i];
		else
			return ctl_error(CTL_EXIT_USAGE,
			                 "report: unexpected argument '%s'",
			                 argv[i]);
	}
	if (o->kind == NULL)
		return ctl_error(
		    CTL_EXIT_USAGE,
		    "report needs a KIND; try 'ismsctl help report'");
	if (o->pdf != NULL && o->output != NULL)
		return ctl_error(CTL_EXIT_USAGE,
		                 "--pdf FILE writes FILE: no --output with it");
	if (o->pdf != NULL)
		o->output = o->pdf;
	if (report_kind_find(o->kind) == NULL)
		return ctl_error(CTL_EXIT_USAGE,
		                 "no report '%s'; try 'ismsctl help report'",
		                 o->kind);
	if (report_format_find(o->format) == NULL)
		return ctl_error(CTL_EXIT_USAGE, "report: no format '%s'",
		                 o->format);
	if ((o->output == NULL || strcmp(o->output, "-") == 0) &&
	    (o->pdf != NULL ||
	     report_formats[report_format_index(o->format)].binary) &&
	    isatty(fileno(ctx->out)))
		return ctl_error(CTL_EXIT_USAGE,
		                 "report: %s is binary: give a FILE or a pipe",
		                 o->pdf != NULL ? "PDF" : o->format);
	if (o->as_of != NULL && !timefmt_date_valid(o->as_of))
		return ctl_error(CTL_EXIT_USAGE,
		                 "--as-of expects a date YYYY-MM-DD, got '%s'",
		                 o->as_of);
	return 0;
}

/* Takes the snapshot the report needs into snap. */
static int
report_snapshot(struct ctl_ctx *ctx, const struct report_kind *k,
                const char *as_of, struct isms_snapshot *snap)
{
	Isms__V1__Snapshot req = ISMS__V1__SNAPSHOT__INIT;
	const char *regs[REGLIST_COUNT + 1];
	struct isms_err err = {0};
	size_t n = 0;
	int rc;

	regs[n++] = "scope";
	for (; k->regs[n - 1] != NULL && n <= REGLIST_COUNT; n++)
		regs[n] = k->regs[n - 1];
	req.n_registers = n;
	req.registers = (char **)regs;
	req.as_of = (char *)as_of;
	if ((rc = ctl_connect(ctx)) != 0)
		return rc;
	if ((rc = isms_sync_snapshot(ctx->sync, &req, snap, &err)) == 0)
		return 0;
	return ctl_error(err.code == ISMS_EUNAVAIL || err.code == ISMS_ETIMEDOUT
	                     ? CTL_EXIT_UNAVAIL
	                     : CTL_EXIT_REPLY,
	                 "%s: %s", isms_code_name(err.code), err.msg);
}

/* Draws rep with the chosen renderer onto stdout or --output FILE. */
static int
report_write(struct ctl_ctx *ctx, const struct report_opts *o,
             const struct report *rep)
{
	char err[512] = "";
	FILE *f = ctx->out;
	int rc;

	if (o->output != NULL && strcmp(o->output, "-") != 0 &&
	    (f = fopen(o->output, "wb")) == NULL)
		return ctl_error(CTL_EXIT_USAGE, "cannot write %s: %s",
		                 o->output, strerror(errno));
	report_pdf_chromium(o->chromium);
	/* --pdf prints the HTML renderer's page. */
	rc = (o->pdf != NULL
	          ? report_render_pdf
	          : report_format_find(o->format))(f, rep, err, sizeof err);
	if (f != ctx->out && fclose(f) != 0 && rc == 0) {
		snprintf(err, sizeof err, "cannot write %s: %s", o->output,
		         strerror(errno));
		rc = -1;
	}
	/* No half-written or empty file is left behind a failure. */
	if (rc != 0 && f != ctx->out)
		unlink(o->output);
	return rc == 0 ? CTL_EXIT_OK
	               : ctl_error(CTL_EXIT_REPLY, "report: %s", err);
}

static int
report_exec(struct ctl_ctx *ctx, const struct ctl_cmd *cmd, int argc,
            char **argv)
{
	struct report_opts o = {0};
	const struct report_kind *k;
	const Isms__V1__HelloResult *hello;
	struct isms_snapshot snap;
	struct report *rep;
	struct rsnap rs;
	int rc;

	(void)cmd;
	if ((rc = report_parse(ctx, argc, argv, &o)) != 0)
		return rc;
	k = report_kind_find(o.kind);
	if ((rc = report_snapshot(ctx, k, o.as_of, &snap)) != 0)
		return rc;
	rsnap_init(&rs, &snap);
	hello = isms_sync_hello(ctx->sync);
	rs.user = hello != NULL ? hello->user : NULL;
	rs.organisation = o.organisation;
	rep = report_new(k->name, k->title);
	rsnap_header(rep, &rs);
	k->build(rep, &rs);
	rc = report_write(ctx, &o, rep);
	report_free(rep);
	rsnap_free(&rs);
	return rc;
}

/* "ismsctl help report": the reports and the formats. */
static void
report_more(FILE *f)
{
	size_t i;

	fputs("\nReports:\n", f);
	for (i = 0; i < report_nkinds; i++)
		fprintf(f, "  %-10s %s\n", report_kinds[i].name,
		        report_kinds[i].title);
	fputs("\nFormats (-o):", f);
	for (i = 0; i < REPORT_NFORMATS; i++)
		fprintf(f, " %s%s", report_formats[i].name,
		        i == 0 ? " (default)" : "");
	fputc('\n', f);
}

const struct ctl_cmd ctl_cmd_report = {
    .name = "report",
    .usage = "report KIND [--as-of YYYY-MM-DD] [-o md|csv|json|html|xlsx] "
             "[--output FILE] [--organisation NAME] [--pdf FILE] "
             "[--chromium PATH]",
    .help = "a report for the auditor (SoA, risks, treatment plan, gap, "
            "review, audits, incidents)",
    .detail =
        "Draws the report KIND from one snapshot of the registers (one "
        "read\n"
        "transaction of ismsd), under a document-control header: report,\n"
        "organisation (--organisation, else the approved scope's title),\n"
        "scope, generated at and by, the journal seq and head hash the\n"
        "snapshot was drawn at, and the as-of date. --as-of YYYY-MM-DD\n"
        "draws it from history: each record as it stood at the end of "
        "that\n"
        "day (UTC), records created later left out. -o csv gives one "
        "table\n"
        "per section, each after a 'section,ID,TITLE' row; -o json the "
        "whole\n"
        "document. --output FILE writes there instead of stdout.\n"
        "-o html is one self-contained page (inline CSS and SVG: heat "
        "maps,\n"
        "status colours, bars; print CSS for A4). -o xlsx is a workbook: "
        "an\n"
        "About sheet with the header, then one sheet per section with a\n"
        "table, typed cells, the header row frozen, filters on. --pdf FILE\n"
        "prints the HTML to FILE with headless Chromium (--chromium PATH "
        "or\n"
        "$ISMS_CHROMIUM, else chromium on PATH; killed after 60 s, or\n"
        "$ISMS_CHROMIUM_TIMEOUT seconds).\n",
    .more = report_more,
    .exec = report_exec,
};
