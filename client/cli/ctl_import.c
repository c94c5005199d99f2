/*
 * ctl_import.c: "ismsctl import REGISTER FILE|-" and "import --all DIR":
 * a spreadsheet's rows (CSV or JSON lines) checked, then written as one
 * Batch, all or nothing.
 *
 * Every row is converted first (import_map.h, import_puts.h); any error
 * is listed as FILE:LINE: column "Col": value "v": reason and nothing is
 * sent. The server then checks the batch as a whole (a refused batch
 * lists every put it refuses, and writes nothing).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl_import.h"
#include "fieldargs.h"
#include "xmalloc.h"

#define IMPORT_MAX_FILE (1024u << 20)

/* Reads the whole file (or stdin for "-") into *text. */
static int
read_all(const char *path, char **text, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t cap = 1 << 16, n;

	if (f == NULL)
		return ctl_error(CTL_EXIT_USAGE, "cannot read %s: %s", path,
		                 strerror(errno));
	*text = xmalloc(cap);
	*len = 0;
	while ((n = fread(*text + *len, 1, cap - *len, f)) > 0) {
		*len += n;
		if (*len == cap && cap < IMPORT_MAX_FILE) {
			cap *= 2;
			*text = xrealloc(*text, cap);
		} else if (*len == cap)
			break;
	}
	if (ferror(f) || *len >= IMPORT_MAX_FILE) {
		if (f != stdin)
			fclose(f);
		free(*text);
		return ctl_error(CTL_EXIT_USAGE, "cannot read %s: %s", path,
		                 ferror(f) ? strerror(errno) : "too large");
	}
	if (f != stdin)
		fclose(f);
	return 0;
}

/* The format of path: --format, else .jsonl / .json / .ndjson, else CSV. */
static int
src_format(const char *path, const char *format, enum import_format *fmt)
{
	const char *dot = strrchr(path, '.');

	if (format != NULL) {
		if (strcmp(format, "csv") == 0)
			*fmt = IMPORT_CSV;
		else if (strcmp(format, "jsonl") == 0 ||
		         strcmp(format, "json") == 0)
			*fmt = IMPORT_JSONL;
		else
			return ctl_error(CTL_EXIT_USAGE,
			                 "--format expects csv or jsonl, got "
			                 "'%s'",
			                 format);
		return 0;
	}
	*fmt = dot != NULL && (strcmp(dot, ".jsonl") == 0 ||
	                       strcmp(dot, ".json") == 0 ||
	                       strcmp(dot, ".ndjson") == 0)
	           ? IMPORT_JSONL
	           : IMPORT_CSV;
	return 0;
}

/* Loads one file of register reg into s: its table and its column map. */
int
ctl_import_src_load(struct ctl_ctx *ctx, struct import_src *s,
                    const ProtobufCFieldDescriptor *reg, const char *path,
                    const struct import_opts *o)
{
	struct isms_err err = {0};
	enum import_format fmt = IMPORT_CSV;
	Isms__V1__Reply *info;
	char *text = NULL;
	size_t len = 0;
	int rc;

	memset(s, 0, sizeof *s);
	s->file = xstrdup(strcmp(path, "-") == 0 ? "stdin" : path);
	if ((rc = src_format(path, o->format, &fmt)) != 0 ||
	    (rc = read_all(path, &text, &len)) != 0)
		return rc;
	rc = import_table_read(text, len, fmt, &s->t, &err);
	free(text);
	if (rc != 0)
		return ctl_error(
		    CTL_EXIT_USAGE, "%s:%s", s->file,
		    err.msg + (strncmp(err.msg, "line ", 5) == 0 ? 5 : 0));
	if ((rc = ctl_describe(ctx, reg->name, &info)) != 0)
		return rc;
	if (import_map_build(&s->m, reg, info->register_info->derived,
	                     info->register_info->n_derived, s->t.header,
	                     s->t.ncols, o->map, o->scales, o->nscales, o->key,
	                     &err) != 0)
		rc = ctl_error(CTL_EXIT_USAGE, "%s: %s", s->file, err.msg);
	isms_reply_free(info);
	return rc;
}

void
ctl_import_src_free(struct import_src *s)
{
	free(s->file);
	import_table_free(&s->t);
	import_map_free(&s->m);
}

/* Prints the summary of an applied (or dry run) batch. */
static void
print_summary(struct ctl_ctx *ctx, const Isms__V1__BatchResult *br,
              bool dry_run)
{
	if (dry_run)
		fprintf(ctx->out,
		        "dry run: would create %u, update %u, leave %u "
		        "unchanged; nothing written\n",
		        br->created, br->updated, br->unchanged);
	else
		fprintf(ctx->out, "created %u, updated %u, unchanged %u\n",
		        br->created, br->updated, br->unchanged);
}

/* Prints every message; the exit code of a refused import. */
static int
print_errs(const struct import_errs *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		fprintf(stderr, "%s\n", e->msg[i]);
	fprintf(stderr,
	        "ismsctl: import refused: %zu error%s; nothing written\n", e->n,
	        e->n == 1 ? "" : "s");
	return CTL_EXIT_REPLY;
}

int
ctl_import_run(struct ctl_ctx *ctx, struct import_src *srcs, size_t n,
               const struct import_opts *o, struct import_users *users)
{
	struct import_puts p = {0};
	struct import_errs errs = {0};
	Isms__V1__Reply *r = NULL;
	size_t i;
	int rc;

	rc = ctl_import_owners(ctx, srcs, n, o->create_owners, users);
	for (i = 0; rc == 0 && i < n; i++)
		import_puts_add(&p, &errs, srcs[i].file, &srcs[i].m,
		                &srcs[i].t);
	if (rc == 0 && errs.n == 0 && p.n == 0 && users->n == 0)
		fputs("nothing to import: no rows\n", ctx->out);
	else if (rc == 0 && errs.n == 0)
		rc = ctl_import_batch(ctx, &p, users, o->dry_run,
		                      o->key != NULL, &errs, &r);
	if (rc == 0 && errs.n > 0)
		rc = print_errs(&errs);
	else if (rc == 0 && r != NULL) {
		ctl_import_users_print(ctx, users, o->dry_run);
		print_summary(ctx, r->batch, o->dry_run);
	}
	isms_reply_free(r);
	import_puts_free(&p);
	import_errs_free(&errs);
	return rc;
}

/* import REGISTER FILE|-. */
static int
import_one(struct ctl_ctx *ctx, const char *regname, const char *path,
           const struct import_opts *o)
{
	const ProtobufCFieldDescriptor *reg = ctl_register_find(regname);
	struct import_users users = {0};
	struct import_src s;
	int rc;

	if (reg == NULL)
		return ctl_error(CTL_EXIT_USAGE, "import: no register '%s'",
		                 regname);
	if ((rc = ctl_import_src_load(ctx, &s, reg, path, o)) == 0)
		rc = ctl_import_run(ctx, &s, 1, o, &users);
	ctl_import_src_free(&s);
	ctl_import_users_free(&users);
	return rc;
}

/* Appends --map values: several join as one list. */
static void
map_add(struct import_opts *o, char **owned, const char *v)
{
	char *s = *owned != NULL ? xasprintf("%s,%s", *owned, v) : xstrdup(v);

	free(*owned);
	*owned = s;
	o->map = s;
}

/* Parses import's options; -1 for --help. */
static int
import_args(int argc, char **argv, struct import_opts *o, char **map)
{
	static const struct option longopts[] = {
	    {"map", required_argument, NULL, 'm'},
	    {"scale", required_argument, NULL, 's'},
	    {"key", required_argument, NULL, 'k'},
	    {"format", required_argument, NULL, 'f'},
	    {"all", required_argument, NULL, 'a'},
	    {"dry-run", no_argument, NULL, 'n'},
	    {"create-owners", no_argument, NULL, 'c'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int ch;

	optind = 0; /* GNU: start over, argv[0] is the command */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'm':
			map_add(o, map, optarg);
			break;
		case 's':
			o->scales = xreallocarray(o->scales, o->nscales + 1,
			                          sizeof *o->scales);
			o->scales[o->nscales++] = optarg;
			break;
		case 'k':
			o->key = optarg;
			break;
		case 'f':
			o->format = optarg;
			break;
		case 'a':
			o->all = optarg;
			break;
		case 'n':
			o->dry_run = true;
			break;
		case 'c':
			o->create_owners = true;
			break;
		case 'h':
			return -1;
		default:
			return ctl_error(
			    CTL_EXIT_USAGE,
			    "import: unknown option or missing "
			    "value '%s'; try 'ismsctl help import'",
			    argv[optind - 1]);
		}
	}
	return 0;
}

static int
import_exec(struct ctl_ctx *ctx, const struct ctl_cmd *cmd, int argc,
            char **argv)
{
	struct import_opts o = {0};
	char *map = NULL;
	int rc;

	if ((rc = import_args(argc, argv, &o, &map)) == -1) {
		ctl_cmd_usage(stdout, cmd);
		rc = CTL_EXIT_OK;
	} else if (rc == 0 && o.all != NULL) {
		rc = optind == argc && o.map == NULL && o.nscales == 0 &&
		             o.key == NULL
		         ? ctl_import_all(ctx, &o)
		         : ctl_error(CTL_EXIT_USAGE,
		                     "usage: ismsctl import --all DIR "
		                     "[--dry-run] [--create-owners]");
	} else if (rc == 0 && optind + 2 == argc)
		rc = import_one(ctx, argv[optind], argv[optind + 1], &o);
	else if (rc == 0)
		rc = ctl_error(
		    CTL_EXIT_USAGE,
		    "usage: ismsctl import REGISTER FILE|- [options], "
		    "or import --all DIR");
	free(o.scales);
	free(map);
	return rc;
}

const struct ctl_cmd ctl_cmd_import = {
    .name = "import",
    .usage = "import REGISTER FILE|- [--map 'Col=FIELD,...'] "
             "[--scale FIELD='Word=N,...'] [--key COLUMN] [--dry-run] "
             "[--create-owners] [--format csv|jsonl] | import --all DIR",
    .help = "add or update records from a CSV or JSON lines file, all or "
            "nothing",
    .detail = "Reads FILE (- for stdin): CSV (RFC 4180; a ';' separator when\n"
              "the file says 'sep=;' first or its header has ';' and no ',';\n"
              "UTF-8 with or without BOM) or JSON lines (one object a line;\n"
              "*.jsonl, or --format jsonl). Headers name fields in any case,\n"
              "blanks as '_' ('Next review on', 'Likelihood'), or 'id', or a\n"
              "relation (a link column: targets by id, or @REGISTER:REF by\n"
              "external_ref, joined by ';'). Other columns need --map\n"
              "'Col=FIELD' or --map 'Col=-' (dropped); an unmapped column is\n"
              "an error. --scale likelihood='Low=1,Medium=3,High=5' turns\n"
              "words into numbers. Cells read as field=value on the command\n"
              "line; lists split at ';'. Every row is checked first: each\n"
              "error prints as FILE:LINE: column \"Col\": value \"v\": reason\n"
              "and nothing is written. Otherwise every row is written in one\n"
              "batch, all or nothing. --key COLUMN stores that column in\n"
              "external_ref and updates the record holding it on a rerun.\n"
              "Owners must be users (by name or display name);\n"
              "--create-owners adds the missing ones (role viewer, no\n"
              "login). --dry-run checks everything on the server and writes\n"
              "nothing. --all DIR reads what 'export --all DIR' wrote (users,\n"
              "risk method, every register) as one batch, keeping ids.\n",
    .exec = import_exec,
};
