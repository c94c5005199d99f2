/*
 * ctl_journal.c: "ismsctl journal": the tamper-evident journal read
 * (JournalQuery, page after page), verified (JournalVerify) and its head
 * printed for off-host keeping.
 */
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "evfmt.h"
#include "xmalloc.h"

#define JOURNAL_PAGE      1000             /* entries asked for per call */
#define JOURNAL_VERIFY_MS (30 * 60 * 1000) /* a long chain takes a while */

#define JOURNAL_USAGE                                                          \
	"usage: ismsctl journal [--since SEQ] [--id ID] [--actor USER] "       \
	"[--limit N]\n"                                                        \
	"       ismsctl journal verify [--head SEQ:HASH]\n"                    \
	"       ismsctl journal head\n"

/* The entries read so far and the replies owning them. */
struct journal_acc {
	Isms__V1__Reply **replies;
	size_t nreplies;
	Isms__V1__JournalEntry **e;
	size_t n;
};

static int journal_list(struct ctl_ctx *, const struct ctl_opts *);
static int journal_verify(struct ctl_ctx *, const struct ctl_opts *);
static int journal_head(struct ctl_ctx *, const struct ctl_opts *);

/* The forms of "journal": the first word picks one (none: the listing). */
static const struct journal_sub {
	const char *name;
	unsigned opts;
	int (*fn)(struct ctl_ctx *, const struct ctl_opts *);
} journal_subs[] = {
    {NULL, CTL_OPT_SINCE | CTL_OPT_ID | CTL_OPT_ACTOR | CTL_OPT_LIMIT,
     journal_list},
    {"verify", CTL_OPT_HEAD, journal_verify},
    {"head", 0, journal_head},
};

#define JOURNAL_NSUBS (sizeof journal_subs / sizeof journal_subs[0])

/* Frees the replies (and with them the entries). */
static void
journal_acc_free(struct journal_acc *acc)
{
	size_t i;

	for (i = 0; i < acc->nreplies; i++)
		isms_reply_free(acc->replies[i]);
	free(acc->replies);
	free(acc->e);
	memset(acc, 0, sizeof *acc);
}

/* Sends q page after page until want entries or no more. */
static int
journal_pages(struct ctl_ctx *ctx, Isms__V1__JournalQuery *q, uint64_t want,
              struct journal_acc *acc)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__JournalResult *res;
	Isms__V1__Reply *reply;
	size_t i;
	int rc = 0;

	req.call_case = ISMS__V1__REQUEST__CALL_JOURNAL;
	req.journal = q;
	while (acc->n < want) {
		q->has_limit = 1;
		q->limit = want - acc->n < JOURNAL_PAGE
		               ? (uint32_t)(want - acc->n)
		               : JOURNAL_PAGE;
		if ((rc = ctl_call_expect(ctx, &req,
		                          ISMS__V1__REPLY__RESULT_JOURNAL,
		                          &reply)) != 0)
			break;
		acc->replies = xreallocarray(acc->replies, acc->nreplies + 1,
		                             sizeof *acc->replies);
		acc->replies[acc->nreplies++] = reply;
		res = reply->journal;
		acc->e = xreallocarray(acc->e, acc->n + res->n_entries + 1,
		                       sizeof *acc->e);
		for (i = 0; i < res->n_entries && acc->n < want; i++)
			acc->e[acc->n++] = res->entries[i];
		if (!res->has_more || !res->more || res->n_entries == 0)
			break;
		/* The next page starts after the last entry of this one. */
		q->has_since_seq = 1;
		q->since_seq = res->entries[res->n_entries - 1]->seq;
	}
	return rc;
}

/* "journal [--since SEQ] [--id ID] [--actor USER] [--limit N]". */
static int
journal_list(struct ctl_ctx *ctx, const struct ctl_opts *o)
{
	Isms__V1__JournalQuery q = ISMS__V1__JOURNAL_QUERY__INIT;
	struct journal_acc acc = {0};
	size_t i;
	int rc;

	q.has_since_seq = o->has_since;
	q.since_seq = o->since;
	q.id = (char *)o->id;
	q.actor = (char *)o->actor;
	if ((rc = journal_pages(ctx, &q, o->has_limit ? o->limit : UINT64_MAX,
	                        &acc)) != 0)
		goto out;
	switch (ctx->format) {
	case CTL_FORMAT_TABLE:
		if (acc.n == 0)
			fputs("no journal entries\n", stderr);
		else
			evfmt_table(ctx->out, acc.e, acc.n);
		break;
	case CTL_FORMAT_JSON:
		evfmt_json_array(ctx->out, acc.e, acc.n);
		break;
	case CTL_FORMAT_CSV:
		evfmt_csv_header(ctx->out);
		for (i = 0; i < acc.n; i++)
			evfmt_csv_row(ctx->out, acc.e[i]);
		break;
	}
out:
	journal_acc_free(&acc);
	return rc;
}

/* Prints a verify result in the chosen format. */
static void
verify_print(struct ctl_ctx *ctx, const Isms__V1__JournalVerifyResult *v)
{
	char *hex = evfmt_hex(v->head_hash.data, v->head_hash.len);
	const char *problem = v->problem != NULL ? v->problem : "";

	switch (ctx->format) {
	case CTL_FORMAT_TABLE:
		if (v->ok)
			fprintf(ctx->out, "OK: %llu entries, head ",
			        (unsigned long long)v->entries);
		else
			fprintf(ctx->out, "FAILED at seq %llu: ",
			        (unsigned long long)v->bad_seq);
		if (v->ok)
			evfmt_head_print(ctx->out, v->head_seq, &v->head_hash);
		else {
			ctl_out_text(ctx->out, problem);
			fputc('\n', ctx->out);
		}
		break;
	case CTL_FORMAT_JSON:
		fprintf(ctx->out,
		        "{\"ok\":%s,\"entries\":%llu,\"head_seq\":%llu,"
		        "\"head_hash\":\"%s\"",
		        v->ok ? "true" : "false",
		        (unsigned long long)v->entries,
		        (unsigned long long)v->head_seq, hex);
		if (!v->ok) {
			fprintf(ctx->out, ",\"bad_seq\":%llu,\"problem\":",
			        (unsigned long long)v->bad_seq);
			ctl_out_json_string(ctx->out, problem);
		}
		fputs("}\n", ctx->out);
		break;
	case CTL_FORMAT_CSV:
		fprintf(ctx->out,
		        "ok,entries,head_seq,head_hash,bad_seq,problem\r\n"
		        "%s,%llu,%llu,%s,",
		        v->ok ? "true" : "false",
		        (unsigned long long)v->entries,
		        (unsigned long long)v->head_seq, hex);
		if (!v->ok) {
			fprintf(ctx->out, "%llu,",
			        (unsigned long long)v->bad_seq);
			ctl_out_csv_cell(ctx->out, problem);
		} else
			fputc(',', ctx->out);
		fputs("\r\n", ctx->out);
		break;
	}
	free(hex);
}

/* "journal verify [--head SEQ:HASH]": exit 0 when the chain holds. */
static int
journal_verify(struct ctl_ctx *ctx, const struct ctl_opts *o)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__JournalVerify jv = ISMS__V1__JOURNAL_VERIFY__INIT;
	uint8_t hash[EVFMT_HASH_LEN];
	Isms__V1__Reply *reply;
	int rc;

	if (o->head != NULL) {
		if (evfmt_head_parse(o->head, &jv.head_seq, hash) != 0)
			return ctl_error(CTL_EXIT_USAGE,
			                 "--head expects SEQ:HASH (64 hex "
			                 "digits), as 'ismsctl journal head' "
			                 "prints it; got '%s'",
			                 o->head);
		jv.has_head_seq = 1;
		jv.has_head_hash = 1;
		jv.head_hash.data = hash;
		jv.head_hash.len = sizeof hash;
	}
	if ((rc = ctl_connect(ctx)) != 0)
		return rc;
	isms_sync_set_timeout(ctx->sync, JOURNAL_VERIFY_MS);
	req.call_case = ISMS__V1__REQUEST__CALL_JOURNAL_VERIFY;
	req.journal_verify = &jv;
	if ((rc = ctl_call_expect(ctx, &req, ISMS__V1__REPLY__RESULT_VERIFY,
	                          &reply)) != 0)
		return rc;
	verify_print(ctx, reply->verify);
	rc = reply->verify->ok ? CTL_EXIT_OK : CTL_EXIT_REPLY;
	isms_reply_free(reply);
	return rc;
}

/* "journal head": SEQ:HASH of the last entry, for off-host keeping. */
static int
journal_head(struct ctl_ctx *ctx, const struct ctl_opts *o)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__JournalQuery q = ISMS__V1__JOURNAL_QUERY__INIT;
	Isms__V1__JournalResult *res;
	Isms__V1__Reply *reply;
	char *hex;
	int rc;

	(void)o;
	/* No entry is after the largest seq: the reply is the head alone. */
	q.has_since_seq = 1;
	q.since_seq = UINT64_MAX;
	q.has_limit = 1;
	q.limit = 1;
	req.call_case = ISMS__V1__REQUEST__CALL_JOURNAL;
	req.journal = &q;
	if ((rc = ctl_call_expect(ctx, &req, ISMS__V1__REPLY__RESULT_JOURNAL,
	                          &reply)) != 0)
		return rc;
	res = reply->journal;
	hex = evfmt_hex(res->head_hash.data, res->head_hash.len);
	switch (ctx->format) {
	case CTL_FORMAT_TABLE:
		evfmt_head_print(ctx->out, res->head_seq, &res->head_hash);
		break;
	case CTL_FORMAT_JSON:
		fprintf(ctx->out, "{\"head_seq\":%llu,\"head_hash\":\"%s\"}\n",
		        (unsigned long long)res->head_seq, hex);
		break;
	case CTL_FORMAT_CSV:
		fprintf(ctx->out, "head_seq,head_hash\r\n%llu,%s\r\n",
		        (unsigned long long)res->head_seq, hex);
		break;
	}
	free(hex);
	isms_reply_free(reply);
	return 0;
}

/* "ismsctl journal ...": picks the form by its first word. */
int
ctl_journal_exec(struct ctl_ctx *ctx, int argc, char **argv)
{
	const struct journal_sub *sub = &journal_subs[0];
	struct ctl_opts o;
	char what[32];
	size_t i;
	int rc;

	for (i = 1; argc > 1 && i < JOURNAL_NSUBS; i++)
		if (strcmp(argv[1], journal_subs[i].name) == 0)
			sub = &journal_subs[i];
	snprintf(what, sizeof what, "journal%s%s", sub->name ? " " : "",
	         sub->name ? sub->name : "");
	if (sub->name != NULL) {
		argc--;
		argv++;
	}
	rc = ctl_opts_parse(ctx, what, sub->opts, argc - 1, argv + 1, &o);
	if (rc == 0 && o.help)
		fputs(JOURNAL_USAGE, ctx->out);
	else if (rc == 0 && o.npos > 0) {
		rc = ctl_error(CTL_EXIT_USAGE, "%s: unexpected argument '%s'",
		               what, o.pos[0]);
		fputs(JOURNAL_USAGE, stderr);
	} else if (rc == 0)
		rc = sub->fn(ctx, &o);
	ctl_opts_free(&o);
	return rc;
}
