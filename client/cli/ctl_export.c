/*
 * ctl_export.c: "ismsctl export REGISTER [-o csv|json] [--defuse]" and
 * "ismsctl export --all DIR": the records as import reads them back
 * (export_cols.h), CSV or JSON lines; with --all, a file per register,
 * the users (so owners come back) and the risk method.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "ctl_import.h"
#include "export_cols.h"
#include "export_report.h"
#include "fieldargs.h"
#include "report_xlsx.h"
#include "xmalloc.h"

/* What one export writes. */
struct export_opts {
	bool json;
	bool xlsx; /* a workbook, a sheet per register (not read back) */
	bool defuse;
	const char *all; /* --all DIR */
};

/* Writes one CSV cell: quoted when needed; defused only if asked. */
static void
csv_cell(FILE *f, const char *s, bool defuse)
{
	bool quote;

	if (defuse) {
		ctl_out_csv_cell(f, s);
		return;
	}
	quote = strpbrk(s, ",\"\r\n;") != NULL ||
	        (s[0] != '\0' && (s[0] == ' ' || s[strlen(s) - 1] == ' '));
	if (quote)
		fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	if (quote)
		fputc('"', f);
}

/* The records as CSV: the header of column names, a row each. */
static void
write_csv(FILE *f, const struct export_cols *c, Isms__V1__Record *const *recs,
          size_t n, bool defuse)
{
	char **v, *cell;
	size_t i, k, nv;

	for (k = 0; k < c->n; k++) {
		if (k > 0)
			fputc(',', f);
		csv_cell(f, c->col[k].name, false);
	}
	fputs("\r\n", f);
	for (i = 0; i < n; i++) {
		for (k = 0; k < c->n; k++) {
			if (k > 0)
				fputc(',', f);
			v = export_values(&c->col[k], recs[i], &nv);
			cell = export_cell(&c->col[k], v, nv);
			csv_cell(f, cell, defuse);
			free(cell);
			export_values_free(v, nv);
		}
		fputs("\r\n", f);
	}
}

/* One value as JSON: a number or boolean as such, else a string. */
static void
json_value(FILE *f, const struct export_col *col, const char *v)
{
	if (col->number || col->boolean)
		fputs(v, f);
	else
		ctl_out_json_string(f, v);
}

/* The records as JSON lines: an object each, keys the column names. */
static void
write_jsonl(FILE *f, const struct export_cols *c, Isms__V1__Record *const *recs,
            size_t n)
{
	const struct export_col *col;
	char **v;
	size_t i, k, j, nv, nout;

	for (i = 0; i < n; i++) {
		fputc('{', f);
		for (k = 0, nout = 0; k < c->n; k++) {
			col = &c->col[k];
			if ((v = export_values(col, recs[i], &nv)) == NULL)
				continue;
			fputs(nout++ > 0 ? ", " : "", f);
			ctl_out_json_string(f, col->name);
			fputs(": ", f);
			if (col->kind == EXPORT_SCALAR)
				json_value(f, col, v[0]);
			else {
				fputc('[', f);
				for (j = 0; j < nv; j++) {
					fputs(j > 0 ? ", " : "", f);
					json_value(f, col, v[j]);
				}
				fputc(']', f);
			}
			export_values_free(v, nv);
		}
		fputs("}\n", f);
	}
}

int
ctl_describe(struct ctl_ctx *ctx, const char *reg, Isms__V1__Reply **out)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Describe d = ISMS__V1__DESCRIBE__INIT;

	d.register_ = (char *)reg;
	req.call_case = ISMS__V1__REQUEST__CALL_DESCRIBE;
	req.describe = &d;
	return ctl_call_expect(ctx, &req, ISMS__V1__REPLY__RESULT_REGISTER_INFO,
	                       out);
}

/* Exports register reg to f, or as a sheet of workbook wb. */
static int
export_register_to(struct ctl_ctx *ctx, const ProtobufCFieldDescriptor *reg,
                   const struct export_opts *o, FILE *f, struct report *wb)
{
	Isms__V1__Reply *info;
	struct export_cols cols;
	struct ctl_recs recs;
	int rc;

	if ((rc = ctl_describe(ctx, reg->name, &info)) != 0)
		return rc;
	if ((rc = ctl_list_all(ctx, reg->name, &recs)) != 0) {
		isms_reply_free(info);
		return rc;
	}
	export_cols_build(&cols, reg, info->register_info->derived,
	                  info->register_info->n_derived);
	if (wb != NULL)
		export_report_section(wb, reg, &cols, recs.recs, recs.n);
	else if (o->json)
		write_jsonl(f, &cols, recs.recs, recs.n);
	else
		write_csv(f, &cols, recs.recs, recs.n, o->defuse);
	export_cols_free(&cols);
	ctl_recs_free(&recs);
	isms_reply_free(info);
	return 0;
}

static int
export_register(struct ctl_ctx *ctx, const ProtobufCFieldDescriptor *reg,
                const struct export_opts *o, FILE *f)
{
	return export_register_to(ctx, reg, o, f, NULL);
}

/* -o xlsx: register reg (or every register, reg NULL) as one workbook,
 * a typed sheet each, written to f. */
static int
export_xlsx(struct ctl_ctx *ctx, const ProtobufCFieldDescriptor *reg,
            const struct export_opts *o, FILE *f)
{
	const Isms__V1__HelloResult *hello;
	struct report *wb = report_new("export", "Export");
	char err[256];
	size_t i;
	int rc = 0;

	if (reg != NULL)
		rc = export_register_to(ctx, reg, o, NULL, wb);
	for (i = 0;
	     reg == NULL && rc == 0 && (reg = ctl_register_nth(i)) != NULL;
	     i++, reg = NULL)
		rc = export_register_to(ctx, reg, o, NULL, wb);
	if (rc == 0) {
		hello = isms_sync_hello(ctx->sync);
		wb->h.generated_at = (int64_t)time(NULL);
		if (hello != NULL && hello->user != NULL)
			wb->h.generated_by = xstrdup(hello->user);
		if (report_render_xlsx(f, wb, err, sizeof err) != 0)
			rc = ctl_error(CTL_EXIT_USAGE, "export: %s", err);
	}
	report_free(wb);
	return rc;
}

/* The users as CSV: name, display_name, email, role (no logins). */
static int
export_users(struct ctl_ctx *ctx, FILE *f)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__UserList ul = ISMS__V1__USER_LIST__INIT;
	Isms__V1__Reply *r;
	const Isms__V1__User *u;
	char role[64];
	size_t i;
	int rc;

	req.call_case = ISMS__V1__REQUEST__CALL_USER_LIST;
	req.user_list = &ul;
	if ((rc = ctl_call_expect(ctx, &req, ISMS__V1__REPLY__RESULT_USERS,
	                          &r)) != 0)
		return rc;
	fputs("name,display_name,email,role\r\n", f);
	for (i = 0; i < r->users->n_users; i++) {
		u = r->users->users[i];
		csv_cell(f, u->name != NULL ? u->name : "", false);
		fputc(',', f);
		csv_cell(f, u->display_name != NULL ? u->display_name : "",
		         false);
		fputc(',', f);
		csv_cell(f, u->email != NULL ? u->email : "", false);
		fputc(',', f);
		pb_enum_name(&isms__v1__access_role__descriptor, u->role, role,
		             sizeof role);
		csv_cell(f, role, false);
		fputs("\r\n", f);
	}
	isms_reply_free(r);
	return 0;
}

/* The risk method as the words of "method set", one a line. */
static int
export_method(struct ctl_ctx *ctx, FILE *f)
{
	Isms__V1__Reply *r;
	const Isms__V1__RiskMethod *m;
	size_t i;
	int rc;

	if ((rc = ctl_method_fetch(ctx, &r)) != 0)
		return rc;
	m = r->method;
	fputs("likelihood_labels=", f);
	for (i = 0; i < m->n_likelihood_labels; i++)
		fprintf(f, "%s%s", i > 0 ? "," : "", m->likelihood_labels[i]);
	fputs("\nimpact_labels=", f);
	for (i = 0; i < m->n_impact_labels; i++)
		fprintf(f, "%s%s", i > 0 ? "," : "", m->impact_labels[i]);
	fputs("\nlevels=", f);
	for (i = 0; i < m->n_levels; i++)
		fprintf(f, "%s%s:%u:%u", i > 0 ? "," : "", m->levels[i]->name,
		        m->levels[i]->min_score, m->levels[i]->review_days);
	fprintf(f, "\nacceptance_threshold=%u\n", m->acceptance_threshold);
	isms_reply_free(r);
	return 0;
}

/* Opens DIR/name for writing; NULL after printing why. */
static FILE *
dir_open(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	if (f == NULL)
		ctl_error(CTL_EXIT_USAGE, "cannot write %s: %s", path,
		          strerror(errno));
	free(path);
	return f;
}

/* Closes f; an error writing it is a failure. */
static int
dir_close(FILE *f, int rc)
{
	if (fclose(f) != 0 && rc == 0)
		return ctl_error(CTL_EXIT_USAGE, "cannot write: %s",
		                 strerror(errno));
	return rc;
}

/* export --all DIR: users.csv, method.txt, REGISTER.csv|jsonl each. */
static int
export_all(struct ctl_ctx *ctx, const struct export_opts *o)
{
	const ProtobufCFieldDescriptor *reg;
	char name[96];
	FILE *f;
	size_t i;
	int rc = 0;

	if (mkdir(o->all, 0777) != 0 && errno != EEXIST)
		return ctl_error(CTL_EXIT_USAGE, "cannot create %s: %s", o->all,
		                 strerror(errno));
	if (o->xlsx) {
		if ((f = dir_open(o->all, "isms.xlsx")) == NULL)
			return CTL_EXIT_USAGE;
		return dir_close(f, export_xlsx(ctx, NULL, o, f));
	}
	if ((f = dir_open(o->all, "users.csv")) == NULL)
		return CTL_EXIT_USAGE;
	if ((rc = dir_close(f, export_users(ctx, f))) != 0)
		return rc;
	if ((f = dir_open(o->all, "method.txt")) == NULL)
		return CTL_EXIT_USAGE;
	if ((rc = dir_close(f, export_method(ctx, f))) != 0)
		return rc;
	for (i = 0; rc == 0 && (reg = ctl_register_nth(i)) != NULL; i++) {
		snprintf(name, sizeof name, "%s.%s", reg->name,
		         o->json ? "jsonl" : "csv");
		if ((f = dir_open(o->all, name)) == NULL)
			return CTL_EXIT_USAGE;
		rc = dir_close(f, export_register(ctx, reg, o, f));
	}
	return rc;
}

/* Parses export's options; the register (or NULL) into *reg. */
static int
export_args(struct ctl_ctx *ctx, int argc, char **argv, struct export_opts *o,
            const ProtobufCFieldDescriptor **reg)
{
	static const struct option longopts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"all", required_argument, NULL, 'a'},
	    {"defuse", no_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	enum ctl_format fmt = ctx->format;
	int ch;

	optind = 0; /* GNU: start over, argv[0] is the command */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		if (ch == 'o' && strcmp(optarg, "xlsx") == 0)
			o->xlsx = true;
		else if (ch == 'o' && ctl_format_parse(optarg, &fmt) != 0)
			return ctl_error(
			    CTL_EXIT_USAGE,
			    "export: -o expects csv, json or xlsx");
		else if (ch == 'a')
			o->all = optarg;
		else if (ch == 'd')
			o->defuse = true;
		else if (ch == 'h')
			return -1;
		else if (ch != 'o')
			return ctl_error(CTL_EXIT_USAGE,
			                 "export: unknown option '%s'; try "
			                 "'ismsctl help export'",
			                 argv[optind - 1]);
	}
	o->json = fmt == CTL_FORMAT_JSON;
	*reg = NULL;
	if (o->all != NULL && optind == argc)
		return 0;
	if (o->all != NULL || optind + 1 != argc)
		return ctl_error(
		    CTL_EXIT_USAGE,
		    "usage: ismsctl export REGISTER [-o csv|json|xlsx] "
		    "[--defuse], or export --all DIR");
	if ((*reg = ctl_register_find(argv[optind])) == NULL)
		return ctl_error(CTL_EXIT_USAGE, "export: no register '%s'",
		                 argv[optind]);
	return 0;
}

static int
export_exec(struct ctl_ctx *ctx, const struct ctl_cmd *cmd, int argc,
            char **argv)
{
	struct export_opts o = {0};
	const ProtobufCFieldDescriptor *reg;
	int rc;

	if ((rc = export_args(ctx, argc, argv, &o, &reg)) == -1) {
		ctl_cmd_usage(stdout, cmd);
		return CTL_EXIT_OK;
	}
	if (rc != 0)
		return rc;
	if (o.all != NULL)
		return export_all(ctx, &o);
	if (o.xlsx && isatty(fileno(ctx->out)))
		return ctl_error(CTL_EXIT_USAGE,
		                 "export: -o xlsx writes a workbook, not text: "
		                 "redirect it to a file");
	if (o.xlsx)
		return export_xlsx(ctx, reg, &o, ctx->out);
	return export_register(ctx, reg, &o, ctx->out);
}

const struct ctl_cmd ctl_cmd_export = {
    .name = "export",
    .usage = "export REGISTER [-o csv|json|xlsx] [--defuse] | export --all "
             "DIR [-o csv|json|xlsx]",
    .help = "write records in the form import reads back",
    .detail =
        "Writes the records of REGISTER as CSV (default) or JSON lines\n"
        "(-o json): id, the fields a client sets (next_review_on too),\n"
        "and a column per relation (link targets joined by ';'); never\n"
        "the server's stamps nor derived fields. The CSV header is the\n"
        "field paths. Lists join by ';' (\"\\;\" inside a value), lists\n"
        "of records one element a line. --defuse neutralises cells a\n"
        "spreadsheet would run as formulas (off by default: that would\n"
        "change the values). --all DIR writes users.csv, method.txt (the\n"
        "risk method as 'method set' words) and REGISTER.csv (or .jsonl)\n"
        "for every register: 'ismsctl import --all DIR' reads it back.\n"
        "-o xlsx writes a workbook instead (with --all, DIR/isms.xlsx):\n"
        "a sheet per register, the same columns, numbers and dates\n"
        "typed, header frozen, filters on; for people, not for import.\n",
    .exec = export_exec,
};
