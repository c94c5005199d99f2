/*
 * ctl_register.c: "ismsctl <register> <verb> ...". The verbs are one table
 * shared by every register (a verb naming a register is that register's
 * alone), run by ctl_verbs_exec like any command's. add, get, set and
 * archive live here, list and history in ctl_query.c.
 */
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "fieldargs.h"
#include "fieldelem.h"
#include "xmalloc.h"

/* Prints one field and its type for a register's help. */
static void
usage_field(const char *name, const ProtobufCFieldDescriptor *fd, void *arg)
{
	char type[600];
	size_t n = strlen(fd->name);

	if (ctl_elem_is_list(fd)) {
		ctl_elem_template(fd, type, sizeof type);
		fprintf(arg, "  %-24s list of records: %s+='%s'\n", name, name,
		        type);
		return;
	}
	pb_field_type_name(fd, type, sizeof type);
	if (ctl_field_is_instant(fd))
		snprintf(type, sizeof type, "an ISO 8601 instant");
	else if (fd->type == PROTOBUF_C_TYPE_STRING &&
	         ((n > 3 && strcmp(fd->name + n - 3, "_on") == 0) ||
	          strcmp(fd->name, "until") == 0))
		snprintf(type, sizeof type, "a date YYYY-MM-DD");
	else if (strcmp(name, "owner") == 0)
		snprintf(type, sizeof type,
		         "a user's name or e-mail (ismsctl user list)");
	fprintf(arg, "  %-24s %s%s\n", name,
	        fd->label == PROTOBUF_C_LABEL_REPEATED ? "list of " : "", type);
}

/* Whether the body of reg has a list of records (scope: exclusions). */
static bool
has_records_list(const ProtobufCFieldDescriptor *reg)
{
	const ProtobufCMessageDescriptor *md = reg->descriptor;
	unsigned i;

	for (i = 0; i < md->n_fields; i++)
		if (ctl_elem_is_list(&md->fields[i]))
			return true;
	return false;
}

void
ctl_register_usage(FILE *f, const ProtobufCFieldDescriptor *reg)
{
	const struct ctl_verb *v;
	size_t i;

	fprintf(f, "usage: ismsctl [options] %s <verb> ...\n\n",
	        reg != NULL ? reg->name : "<register>");
	for (i = 0; i < ctl_cmd_register.nverbs; i++) {
		v = &ctl_cmd_register.verbs[i];
		if (v->reg == NULL ||
		    (reg != NULL && strcmp(v->reg, reg->name) == 0))
			fprintf(f, "  %s %s\n      %s\n", v->name, v->usage,
			        v->help);
	}
	if (reg == NULL)
		return;
	fprintf(f,
	        "\nFields of %s (f=v sets, f= clears, a.b=v a nested "
	        "field, f+=v / f-=v edit a list):\n",
	        reg->name);
	ctl_fields_walk(reg, usage_field, f);
	if (!has_records_list(reg))
		return;
	fprintf(f, "\nA list of records takes one element per word, its "
	           "fields as a=x;b=y\n"
	           "(';' in a value: '\\;'): f+='a=x;b=y' adds one, "
	           "f='a=x;b=y' replaces the\n"
	           "list, f-='a=x' removes the elements holding a=x, f-=#2 "
	           "the second,\n"
	           "f= clears it. get shows each element as a=x; b=y.\n");
}

/* "ismsctl REGISTER VERB ...": argv[0] names the register. */
static int
register_exec(struct ctl_ctx *ctx, const struct ctl_cmd *cmd, int argc,
              char **argv)
{
	const ProtobufCFieldDescriptor *reg = ctl_register_find(argv[0]);

	if (reg == NULL)
		return ctl_error(CTL_EXIT_USAGE, "no register called '%s'",
		                 argv[0]);
	if (argc < 2) {
		ctl_register_usage(stderr, reg);
		return CTL_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		ctl_register_usage(ctx->out, reg);
		return CTL_EXIT_OK;
	}
	return ctl_verbs_exec(ctx, cmd, reg, argc, argv);
}

/* Sends a Put and prints the stored record ("set" prints id and rev). */
static int
put_send(struct ctl_ctx *ctx, Isms__V1__Put *put, bool update)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Reply *reply;
	const Isms__V1__Record *rec;
	int rc;

	req.call_case = ISMS__V1__REQUEST__CALL_PUT;
	req.put = put;
	if ((rc = ctl_call(ctx, &req, &reply)) != 0)
		return rc;
	if ((rc = ctl_expect(reply, ISMS__V1__REPLY__RESULT_RECORD)) == 0) {
		rec = reply->record;
		if (ctx->format != CTL_FORMAT_TABLE)
			ctl_print_record(ctx, rec);
		else if (update)
			fprintf(ctx->out, "%s rev %llu\n",
			        rec->id != NULL ? rec->id : "?",
			        (unsigned long long)rec->rev);
		else
			fprintf(ctx->out, "%s\n",
			        rec->id != NULL ? rec->id : "?");
	}
	isms_reply_free(reply);
	return rc;
}

/* Sends a create Put; returns the new id in *id. */
int
ctl_put_create(struct ctl_ctx *ctx, Isms__V1__Put *put, char **id)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Reply *reply;
	int rc;

	req.call_case = ISMS__V1__REQUEST__CALL_PUT;
	req.put = put;
	if ((rc = ctl_call_expect(ctx, &req, ISMS__V1__REPLY__RESULT_RECORD,
	                          &reply)) != 0)
		return rc;
	if (id != NULL)
		*id = xstrdup(reply->record->id != NULL ? reply->record->id
		                                        : "?");
	isms_reply_free(reply);
	return 0;
}

/* Parses the field words of a; prints a usage error on failure. */
static int
fields_parse(const struct ctl_args *a, struct ctl_fields *f)
{
	struct isms_err err = {0};

	if (ctl_fields_parse(f, a->reg, a->nwords, a->words, &err) != 0)
		return ctl_error(CTL_EXIT_USAGE, "%s", err.msg);
	return 0;
}

static int
ctl_add_exec(struct ctl_ctx *ctx, const struct ctl_args *a)
{
	struct isms_err err = {0};
	struct ctl_fields f;
	Isms__V1__Put *put = NULL;
	int rc;

	if ((rc = fields_parse(a, &f)) == 0) {
		if (ctl_fields_build(&f, NULL, false, &put, &err) != 0)
			rc = ctl_error(CTL_EXIT_USAGE, "%s", err.msg);
		else
			rc = put_send(ctx, put, false);
	}
	if (put != NULL)
		protobuf_c_message_free_unpacked(&put->base, NULL);
	ctl_fields_free(&f);
	return rc;
}

/* Gets record id of register reg (revision rev when has_rev) into *out. */
static int
get_record(struct ctl_ctx *ctx, const ProtobufCFieldDescriptor *reg,
           const char *id, bool has_rev, uint64_t rev, Isms__V1__Reply **out)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Get get = ISMS__V1__GET__INIT;
	int rc;

	get.id = (char *)id;
	get.register_ = (char *)reg->name;
	get.has_rev = has_rev;
	get.rev = rev;
	req.call_case = ISMS__V1__REQUEST__CALL_GET;
	req.get = &get;
	if ((rc = ctl_call(ctx, &req, out)) != 0)
		return rc;
	if ((rc = ctl_expect(*out, ISMS__V1__REPLY__RESULT_RECORD)) != 0) {
		isms_reply_free(*out);
		*out = NULL;
	}
	return rc;
}

static int
ctl_get_exec(struct ctl_ctx *ctx, const struct ctl_args *a)
{
	Isms__V1__Reply *reply;
	int rc;

	if ((rc = get_record(ctx, a->reg, a->id, a->opt.has_rev, a->opt.rev,
	                     &reply)) != 0)
		return rc;
	ctl_print_record(ctx, reply->record);
	isms_reply_free(reply);
	return 0;
}

/* Whether put would change any field it names in the stored record cur. */
static bool
put_changes(const struct ctl_fields *f, const Isms__V1__Record *cur,
            const Isms__V1__Put *put)
{
	char *was, *now;
	bool differ = false;
	size_t i;

	for (i = 0; i < f->n && !differ; i++) {
		was = ctl_out_value(&cur->base, &f->w[i].path, "\x1f");
		now = ctl_out_value(&put->record->base, &f->w[i].path, "\x1f");
		differ = (was == NULL) != (now == NULL) ||
		         (was != NULL && strcmp(was, now) != 0);
		free(was);
		free(now);
	}
	return differ;
}

static int
ctl_set_exec(struct ctl_ctx *ctx, const struct ctl_args *a)
{
	struct isms_err err = {0};
	struct ctl_fields f;
	Isms__V1__Reply *cur = NULL;
	Isms__V1__Put *put = NULL;
	int rc;

	if (a->nwords == 0)
		return ctl_error(
		    CTL_EXIT_USAGE,
		    "nothing to set; usage: ismsctl %s set ID field=value ...",
		    a->reg->name);
	if ((rc = fields_parse(a, &f)) != 0)
		goto out;
	/*
	 * The server replaces a list named in the mask, so += / -= start
	 * from the stored list and are sent guarded by the rev they read:
	 * a concurrent change gives a conflict rather than lost data.
	 */
	if (ctl_fields_need_current(&f) &&
	    (rc = get_record(ctx, a->reg, a->id, false, 0, &cur)) != 0)
		goto out;
	if (ctl_fields_build(&f, cur != NULL ? cur->record : NULL, true, &put,
	                     &err) != 0) {
		rc = ctl_error(CTL_EXIT_USAGE, "%s", err.msg);
		goto out;
	}
	if (cur != NULL && !put_changes(&f, cur->record, put)) {
		/* "tags+=x" with x there already: no new revision for that. */
		if (ctx->format == CTL_FORMAT_TABLE)
			fprintf(ctx->out, "%s unchanged at rev %llu\n", a->id,
			        (unsigned long long)cur->record->rev);
		else
			ctl_print_record(ctx, cur->record);
		goto out;
	}
	put->record->id = xstrdup(a->id);
	if (a->opt.has_rev || cur != NULL) {
		put->has_expect_rev = 1;
		put->expect_rev =
		    a->opt.has_rev ? a->opt.rev : cur->record->rev;
	}
	rc = put_send(ctx, put, true);
out:
	if (put != NULL)
		protobuf_c_message_free_unpacked(&put->base, NULL);
	isms_reply_free(cur);
	ctl_fields_free(&f);
	return rc;
}

static int
ctl_archive_exec(struct ctl_ctx *ctx, const struct ctl_args *a)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Archive ar = ISMS__V1__ARCHIVE__INIT;
	Isms__V1__Reply *reply;
	int rc;

	ar.id = (char *)a->id;
	ar.register_ = (char *)a->reg->name;
	ar.has_expect_rev = a->opt.has_rev;
	ar.expect_rev = a->opt.rev;
	ar.has_force = a->opt.force;
	ar.force = a->opt.force;
	req.call_case = ISMS__V1__REQUEST__CALL_ARCHIVE;
	req.archive = &ar;
	if ((rc = ctl_call(ctx, &req, &reply)) != 0)
		return rc;
	if ((rc = ctl_expect(reply, ISMS__V1__REPLY__RESULT_RECORD)) == 0) {
		if (ctx->format == CTL_FORMAT_TABLE)
			fprintf(ctx->out, "archived %s (rev %llu)\n", a->id,
			        (unsigned long long)reply->record->rev);
		else
			ctl_print_record(ctx, reply->record);
	}
	isms_reply_free(reply);
	return rc;
}

static int
ctl_unarchive_exec(struct ctl_ctx *ctx, const struct ctl_args *a)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Unarchive un = ISMS__V1__UNARCHIVE__INIT;
	Isms__V1__Reply *reply;
	int rc;

	un.id = (char *)a->id;
	un.register_ = (char *)a->reg->name;
	un.has_expect_rev = a->opt.has_rev;
	un.expect_rev = a->opt.rev;
	req.call_case = ISMS__V1__REQUEST__CALL_UNARCHIVE;
	req.unarchive = &un;
	if ((rc = ctl_call_expect(ctx, &req, ISMS__V1__REPLY__RESULT_RECORD,
	                          &reply)) != 0)
		return rc;
	if (ctx->format == CTL_FORMAT_TABLE)
		fprintf(ctx->out, "unarchived %s (rev %llu)\n", a->id,
		        (unsigned long long)reply->record->rev);
	else
		ctl_print_record(ctx, reply->record);
	isms_reply_free(reply);
	return 0;
}

/* The verbs of every register; a verb with reg set is that one's only. */
static const struct ctl_verb register_verbs[] = {
    {"add", "field=value ...", "create a record; prints its new id", 0, 0,
     CTL_ARGS_ANY, false, NULL, ctl_add_exec},
    {"get", "ID [--rev N]",
     "show a record (its links and what links to it), or revision N",
     CTL_OPT_REV, 1, 1, true, NULL, ctl_get_exec},
    {"list",
     "[field=value ...] [--sort [-]FIELD] [--archived|--all] [--limit N]",
     "list records (live ones unless --archived or --all) whose fields\n"
     "      hold the values given: owner=U, status=S, tag=T or any scalar\n"
     "      field, derived ones too (level=high, applicable=no); f= means\n"
     "      f is absent. The server reads at most 1,000 stored records\n"
     "      per page, so a page may come back empty with a continuation\n"
     "      token: ismsctl follows it to the end. --sort FIELD orders\n"
     "      what all pages gathered, in ismsctl (-FIELD: descending;\n"
     "      absent values last; enums in lifecycle order), then --limit",
     CTL_OPT_LIMIT | CTL_OPT_ARCHIVED | CTL_OPT_SORT, 0, CTL_ARGS_ANY, false,
     NULL, ctl_list_exec},
    {"set", "ID field=value ... [--rev N]",
     "change the named fields only; with --rev, only if still at rev N",
     CTL_OPT_REV, 1, CTL_ARGS_ANY, true, NULL, ctl_set_exec},
    {"archive", "ID [--rev N] [--force]",
     "hide a record from lists (history and journal keep it); --force\n"
     "      also when live records still link to it",
     CTL_OPT_REV | CTL_OPT_FORCE, 1, 1, true, NULL, ctl_archive_exec},
    {"unarchive", "ID [--rev N]",
     "bring an archived record back into lists (journaled as unarchived)",
     CTL_OPT_REV, 1, 1, true, NULL, ctl_unarchive_exec},
    {"history", "ID", "one line per revision: who changed which fields", 0, 1,
     1, true, NULL, ctl_history_exec},
    {"review", "ID [note=TEXT] [--rev N]",
     "record a review; prints the next review date (as 'ismsctl review')",
     CTL_OPT_REV, 1, CTL_ARGS_ANY, true, NULL, ctl_review_verb_exec},
    {"matrix", "[--residual]",
     "likelihood x impact grid of the risks that are not closed, cells\n"
     "      coloured by level on a terminal (not with NO_COLOR); -o json or\n"
     "      csv: the cells with their risk ids",
     CTL_OPT_RESIDUAL, 0, 0, false, "risk", ctl_matrix_exec},
    {"accept", "ID [--until YYYY-MM-DD] [note=TEXT] [--rev N]",
     "accept the risk as its owner (or an admin, up to the acceptance\n"
     "      threshold): the server records who and when; status accepted",
     CTL_OPT_REV | CTL_OPT_UNTIL, 1, CTL_ARGS_ANY, true, "risk",
     ctl_accept_exec},
    {"approve", "ID [--rev N]",
     "approve the document as its owner or an admin: status approved",
     CTL_OPT_REV, 1, 1, true, "document", ctl_approve_exec},
    {"verify", "ID result=TEXT [--rev N]",
     "verify the corrective action effective, as the owner or an admin:\n"
     "      status effectiveness_verified",
     CTL_OPT_REV, 1, CTL_ARGS_ANY, true, "nonconformity", ctl_verify_exec},
    {"approve", "ID [--rev N]",
     "approve the review's minutes (decisions), as the owner or an\n"
     "      admin: status closed",
     CTL_OPT_REV, 1, 1, true, "mreview", ctl_approve_exec},
    {"ingest",
     "source=S external_id=X title=T severity=S [description=D]\n"
     "      [detected_at=T] [resolved_at=T] [link=URL] "
     "[state=firing|resolved]",
     "push an incident as an integration does: the first push of\n"
     "      (source, external_id) creates it, later ones update what the\n"
     "      source owns and count the repeat; 'resolved' is recorded as\n"
     "      source_resolved_at and never changes the status",
     0, 1, CTL_ARGS_ANY, false, "incident", ctl_ingest_exec},
    {"record", "ID value=NUMBER [at=YYYY-MM-DD] [note=TEXT]",
     "append a measurement (at: the date or period end it is for, default\n"
     "      today); the server stamps who and when; never rewritten",
     0, 2, CTL_ARGS_ANY, true, "metric", ctl_metric_record_exec},
    {"values", "ID [--limit N]",
     "the measurements of a metric, by date: AT VALUE RECORDED_BY\n"
     "      RECORDED_AT SEQ NOTE",
     CTL_OPT_LIMIT, 1, 1, true, "metric", ctl_metric_values_exec},
    {"programme", "[--from YYYY-MM-DD] [--to YYYY-MM-DD]",
     "the audit programme (9.2.2): per clause 4-10 and Annex A theme the\n"
     "      audits dated in the window (performed_on, else planned_on) that\n"
     "      cover it (the audit linked 'covers' to a requirement or control,\n"
     "      or a finding 'found_in' it linked 'about' one), what none covers,\n"
     "      and auditors who own what they audit; default: this year",
     CTL_OPT_FROM | CTL_OPT_TO, 0, 0, false, "audit", ctl_audit_programme_exec},
};

const struct ctl_cmd ctl_cmd_register = {
    .name = "<register>",
    .usage = "<register> <verb> [ID] [field=value ...]",
    .help = "the records of a register: 'ismsctl help REGISTER' lists its "
            "verbs and fields",
    .verbs = register_verbs,
    .nverbs = CTL_NVERBS(register_verbs),
    .exec = register_exec,
};
