/*
 * ctl_review.c: "ismsctl review ID [note=TEXT] [--rev N]" and the register
 * verb "ismsctl <register> review ID [note=TEXT]", the same Review call:
 * the server stamps last_reviewed_at and moves next_review_on.
 */
#include <string.h>

#include "ctl.h"

#define REVIEW_USAGE "usage: ismsctl review ID [note=TEXT] [--rev N]\n"

/* Reads "note=TEXT" words into *note; anything else is a usage error. */
static int
review_words(char *const *words, int n, const char **note)
{
	int i;

	for (i = 0; i < n; i++) {
		if (strncmp(words[i], "note=", 5) != 0)
			return ctl_error(CTL_EXIT_USAGE,
			                 "review takes note=TEXT only, got "
			                 "'%s'",
			                 words[i]);
		*note = words[i] + 5;
	}
	return 0;
}

/* Sends the Review and prints "reviewed ID: next review DATE". */
static int
review_send(struct ctl_ctx *ctx, const char *reg, const char *id,
            const char *note, bool has_rev, uint64_t rev)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Review rv = ISMS__V1__REVIEW__INIT;
	Isms__V1__Reply *reply;
	const Isms__V1__Record *rec;
	int rc;

	rv.id = (char *)id;
	rv.register_ = (char *)reg;
	rv.note = note != NULL && *note != '\0' ? (char *)note : NULL;
	rv.has_expect_rev = has_rev;
	rv.expect_rev = rev;
	req.call_case = ISMS__V1__REQUEST__CALL_REVIEW;
	req.review = &rv;
	if ((rc = ctl_call_expect(ctx, &req, ISMS__V1__REPLY__RESULT_RECORD,
	                          &reply)) != 0)
		return rc;
	rec = reply->record;
	if (ctx->format != CTL_FORMAT_TABLE)
		ctl_print_record(ctx, rec);
	else if (rec->next_review_on != NULL)
		fprintf(ctx->out, "reviewed %s: next review %s\n",
		        rec->id != NULL ? rec->id : id, rec->next_review_on);
	else
		fprintf(ctx->out, "reviewed %s: no next review scheduled\n",
		        rec->id != NULL ? rec->id : id);
	isms_reply_free(reply);
	return 0;
}

/* "ismsctl review ID [note=TEXT] [--rev N]". */
static int
review_exec(struct ctl_ctx *ctx, const struct ctl_cmd *cmd, int argc,
            char **argv)
{
	const char *note = NULL;
	struct ctl_opts o;
	int rc;

	(void)cmd;
	rc = ctl_opts_parse(ctx, "review", CTL_OPT_REV, argc - 1, argv + 1, &o);
	if (rc != 0)
		goto out;
	if (o.help) {
		fputs(REVIEW_USAGE, ctx->out);
		goto out;
	}
	if (o.npos < 1) {
		rc = ctl_error(CTL_EXIT_USAGE, "%s", REVIEW_USAGE);
		goto out;
	}
	if ((rc = review_words(o.pos + 1, o.npos - 1, &note)) == 0)
		rc = review_send(ctx, NULL, o.pos[0], note, o.has_rev, o.rev);
out:
	ctl_opts_free(&o);
	return rc;
}

/* "ismsctl <register> review ID [note=TEXT] [--rev N]". */
int
ctl_review_verb_exec(struct ctl_ctx *ctx, const struct ctl_args *a)
{
	const char *note = NULL;
	int rc;

	if ((rc = review_words(a->words, a->nwords, &note)) != 0)
		return rc;
	return review_send(ctx, a->reg->name, a->id, note, a->opt.has_rev,
	                   a->opt.rev);
}

const struct ctl_cmd ctl_cmd_review = {
    .name = "review",
    .usage = "review ID [note=TEXT] [--rev N]",
    .help = "record a review of a record; prints its next review date",
    .detail =
        "Stamps the record's last review (who, when, the note) and moves\n"
        "next_review_on by its review interval (risks: by level, from the "
        "risk\n"
        "method). Prints 'reviewed ID: next review YYYY-MM-DD'. With --rev "
        "N,\n"
        "only if the record is still at revision N. The same as\n"
        "'ismsctl <register> review ID'.\n",
    .exec = review_exec,
};
