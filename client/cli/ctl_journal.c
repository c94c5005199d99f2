/*
 * ctl_journal.c: "ismsctl journal": the tamper-evident journal read
 * (JournalQuery, page after page), verified (JournalVerify) and its head
 * printed for off-host keeping.
 */
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "evfmt.h"

#define JOURNAL_PAGE      1000             /* entries asked for per call */
#define JOURNAL_VERIFY_MS (30 * 60 * 1000) /* a long chain takes a while */

/* Asks JournalQuery for at most n entries. */
static void
journal_limit(Isms__V1__Request *req, uint32_t n)
{
	req->journal->has_limit = 1;
	req->journal->limit = n;
}

/* The entries of journal page r; the next page starts after its last. */
static bool
journal_page(Isms__V1__Request *req, const Isms__V1__Reply *r,
             const void **items, size_t *n)
{
	const Isms__V1__JournalResult *res = r->journal;

	*items = res->entries;
	*n = res->n_entries;
	if (!res->has_more || !res->more || res->n_entries == 0)
		return false;
	req->journal->has_since_seq = 1;
	req->journal->since_seq = res->entries[res->n_entries - 1]->seq;
	return true;
}

/* JournalQuery, read page after page by ctl_pages_read. */
static const struct ctl_paging journal_paging = {
    ISMS__V1__REPLY__RESULT_JOURNAL,
    JOURNAL_PAGE,
    journal_limit,
    journal_page,
};

/* "journal [--since SEQ] [--id ID] [--actor USER] [--limit N]". */
static int
journal_list(struct ctl_ctx *ctx, const struct ctl_args *a)
{
	const struct ctl_opts *o = &a->opt;
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__JournalQuery q = ISMS__V1__JOURNAL_QUERY__INIT;
	Isms__V1__JournalEntry **e;
	struct ctl_pages pg = {0};
	size_t i;
	int rc;

	q.has_since_seq = o->has_since;
	q.since_seq = o->since;
	q.id = (char *)o->id;
	q.actor = (char *)o->actor;
	req.call_case = ISMS__V1__REQUEST__CALL_JOURNAL;
	req.journal = &q;
	if ((rc = ctl_pages_read(ctx, &req, &journal_paging,
	                         o->has_limit ? o->limit : UINT64_MAX, &pg)) !=
	    0)
		goto out;
	e = pg.items;
	switch (ctx->format) {
	case CTL_FORMAT_TABLE:
		if (pg.n == 0)
			fputs("no journal entries\n", stderr);
		else
			evfmt_table(ctx->out, e, pg.n);
		break;
	case CTL_FORMAT_JSON:
		evfmt_json_array(ctx->out, e, pg.n);
		break;
	case CTL_FORMAT_CSV:
		evfmt_csv_header(ctx->out);
		for (i = 0; i < pg.n; i++)
			evfmt_csv_row(ctx->out, e[i]);
		break;
	}
out:
	ctl_pages_free(&pg);
	return rc;
}

/*
 * A verify result as JSON and as CSV: lead takes ok, entries, head_seq and
 * head_hash; a broken chain adds bad (bad_seq) and the problem, quoted.
 */
static const struct verify_form {
	const char *lead;
	const char *bad;
	void (*problem)(FILE *, const char *);
	const char *held; /* in place of bad and the problem */
	const char *end;
} verify_forms[] = {
    [CTL_FORMAT_JSON] = {"{\"ok\":%s,\"entries\":%llu,\"head_seq\":%llu,"
                         "\"head_hash\":\"%s\"",
                         ",\"bad_seq\":%llu,\"problem\":", ctl_out_json_string,
                         "", "}\n"},
    [CTL_FORMAT_CSV] = {"ok,entries,head_seq,head_hash,bad_seq,problem\r\n"
                        "%s,%llu,%llu,%s,",
                        "%llu,", ctl_out_csv_cell, ",", "\r\n"},
};

/* Prints a verify result in the chosen format. */
static void
verify_print(struct ctl_ctx *ctx, const Isms__V1__JournalVerifyResult *v)
{
	const char *problem = v->problem != NULL ? v->problem : "";
	const struct verify_form *form;
	char *hex;

	if (ctx->format == CTL_FORMAT_TABLE) {
		if (v->ok)
			fprintf(ctx->out, "OK: %llu entries, head ",
			        (unsigned long long)v->entries);
		else if (v->has_bad_seq)
			fprintf(ctx->out, "FAILED at seq %llu: ",
			        (unsigned long long)v->bad_seq);
		else
			fputs("FAILED: ", ctx->out);
		if (v->ok)
			evfmt_head_print(ctx->out, v->head_seq, &v->head_hash);
		else {
			ctl_out_text(ctx->out, problem);
			fputc('\n', ctx->out);
		}
		return;
	}
	form = &verify_forms[ctx->format];
	hex = evfmt_hex(v->head_hash.data, v->head_hash.len);
	fprintf(ctx->out, form->lead, v->ok ? "true" : "false",
	        (unsigned long long)v->entries, (unsigned long long)v->head_seq,
	        hex);
	if (!v->ok) {
		fprintf(ctx->out, form->bad, (unsigned long long)v->bad_seq);
		form->problem(ctx->out, problem);
	} else
		fputs(form->held, ctx->out);
	fputs(form->end, ctx->out);
	free(hex);
}

/* "journal verify [--deep] [--head SEQ:HASH]": exit 0 when the chain and
 * the store it covers hold. */
static int
journal_verify(struct ctl_ctx *ctx, const struct ctl_args *a)
{
	const struct ctl_opts *o = &a->opt;
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
	jv.has_deep = o->deep;
	jv.deep = o->deep;
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
journal_head(struct ctl_ctx *ctx, const struct ctl_args *a)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__JournalQuery q = ISMS__V1__JOURNAL_QUERY__INIT;
	Isms__V1__JournalResult *res;
	Isms__V1__Reply *reply;
	char *hex;
	int rc;

	(void)a;
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

/* The forms of "journal": the first word picks one (none: the listing). */
static const struct ctl_verb journal_verbs[] = {
    {NULL, "[--since SEQ] [--id ID] [--actor USER] [--limit N]",
     "every change in order: after --since, of --id, by --actor",
     CTL_OPT_SINCE | CTL_OPT_ID | CTL_OPT_ACTOR | CTL_OPT_LIMIT, 0, 0, false,
     NULL, journal_list},
    {"verify", "[--deep] [--head SEQ:HASH]",
     "recompute the hash chain and check the store against it",
     CTL_OPT_HEAD | CTL_OPT_DEEP, 0, 0, false, NULL, journal_verify},
    {"head", "", "SEQ:HASH of the last entry, to keep off the host", 0, 0, 0,
     false, NULL, journal_head},
};

const struct ctl_cmd ctl_cmd_journal = {
    .name = "journal",
    .usage = "journal [--since SEQ] [--id ID] [--actor U] [--limit N] | "
             "verify [--deep] [--head SEQ:HASH] | head",
    .help = "the tamper-evident journal: read it, verify it, print its head",
    .detail =
        "journal: every change (and due notice) in order: SEQ TIME ACTOR "
        "TYPE\n"
        "ID REV SUMMARY; entries after --since SEQ, of record --id, by "
        "--actor,\n"
        "at most --limit N. -o json / csv add the register, owner and "
        "hashes.\n"
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
    .verbs = journal_verbs,
    .nverbs = CTL_NVERBS(journal_verbs),
    .exec = ctl_verbs_exec_cmd,
};
