/*
 * ctl_token.c: "ismsctl token create|list|revoke": bearer tokens for TCP
 * clients. ismsd keeps only a keyed hash of a token, so its secret is
 * printed once, by "token create", and never again.
 */
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "due_report.h"
#include "timefmt.h"
#include "xmalloc.h"

/* The columns of "token list" and of a revoked token. */
static const struct ctl_col token_cols[] = {
    {"ID", "id", "-"},
    {"OWNER", "owner", "-"},
    {"CREATED", "created_at", "-"},
    {"EXPIRES", "expires_at", "never"},
    {"LAST-USED", "last_used_at", "never"},
    {"REVOKED", "revoked", "no"},
};

#define TOKEN_NCOLS (sizeof token_cols / sizeof token_cols[0])

/* "Never expires" is 0 on the wire; absent reads better everywhere. */
static void
token_tidy(Isms__V1__Token *t)
{
	if (t->has_expires_at && t->expires_at == 0)
		t->has_expires_at = 0;
}

/* Writes "name": instant, for the JSON of a new token. */
static void
token_json_instant(FILE *f, const char *name, bool has, int64_t at)
{
	char buf[TIMEFMT_INSTANT_LEN];

	if (!has)
		return;
	timefmt_instant(at, buf, sizeof buf);
	fprintf(f, ",\n  \"%s\": \"%s\"", name, buf);
}

/* The new token and its secret, in the format asked for. */
static void
token_print_created(struct ctl_ctx *ctx, const Isms__V1__TokenCreateResult *r)
{
	const Isms__V1__Token *t = r->token;
	char created[TIMEFMT_INSTANT_LEN] = "",
	     expires[TIMEFMT_INSTANT_LEN] = "";
	FILE *f = ctx->out;

	switch (ctx->format) {
	case CTL_FORMAT_TABLE:
		ctl_out_text(f, t->id);
		fputc(' ', f);
		ctl_out_text(f, r->secret);
		fputc('\n', f);
		fflush(f);
		fputs("ismsctl: store this token now, in a file only its user "
		      "can read (chmod 600): ismsd keeps only a hash of it and "
		      "cannot show it again\n",
		      stderr);
		break;
	case CTL_FORMAT_JSON:
		fputs("{\n  \"id\": ", f);
		ctl_out_json_string(f, t->id);
		fputs(",\n  \"secret\": ", f);
		ctl_out_json_string(f, r->secret);
		fputs(",\n  \"owner\": ", f);
		ctl_out_json_string(f, t->owner != NULL ? t->owner : "");
		token_json_instant(f, "created_at", t->has_created_at,
		                   t->created_at);
		token_json_instant(f, "expires_at", t->has_expires_at,
		                   t->expires_at);
		fputs("\n}\n", f);
		break;
	case CTL_FORMAT_CSV:
		if (t->has_created_at)
			timefmt_instant(t->created_at, created, sizeof created);
		if (t->has_expires_at)
			timefmt_instant(t->expires_at, expires, sizeof expires);
		fputs("id,secret,owner,created_at,expires_at\r\n", f);
		ctl_out_csv_cell(f, t->id);
		fputc(',', f);
		ctl_out_csv_cell(f, r->secret);
		fputc(',', f);
		ctl_out_csv_cell(f, t->owner != NULL ? t->owner : "");
		fprintf(f, ",%s,%s\r\n", created, expires);
		break;
	}
}

/* token create USER [--expires DAYS]: prints "TOK-0001 isms_..." once. */
static int
token_create(struct ctl_ctx *ctx, const struct ctl_args *a)
{
	const struct ctl_opts *o = &a->opt;
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__TokenCreate tc = ISMS__V1__TOKEN_CREATE__INIT;
	Isms__V1__Reply *reply;
	uint32_t days = 0;
	int rc;

	if (o->expires != NULL && strcmp(o->expires, "never") != 0 &&
	    (due_parse_days(o->expires, &days) != 0 || days == 0))
		return ctl_error(CTL_EXIT_USAGE,
		                 "token create: --expires takes days (90, 90d "
		                 "or 13w; at most %d days) or never, not '%s'",
		                 DUE_MAX_DAYS, o->expires);
	tc.owner = (char *)a->id;
	tc.has_expires_days = days > 0;
	tc.expires_days = days;
	req.call_case = ISMS__V1__REQUEST__CALL_TOKEN_CREATE;
	req.token_create = &tc;
	if ((rc = ctl_call_expect(ctx, &req,
	                          ISMS__V1__REPLY__RESULT_TOKEN_CREATED,
	                          &reply)) != 0)
		return rc;
	if (reply->token_created->token == NULL ||
	    reply->token_created->token->id == NULL ||
	    reply->token_created->secret == NULL)
		rc = ctl_error(CTL_EXIT_REPLY,
		               "INTERNAL: ismsd sent a token without its id "
		               "or secret");
	else {
		token_tidy(reply->token_created->token);
		token_print_created(ctx, reply->token_created);
	}
	if (reply->token_created->secret != NULL)
		explicit_bzero(reply->token_created->secret,
		               strlen(reply->token_created->secret));
	isms_reply_free(reply);
	return rc;
}

/* token list: ID OWNER CREATED EXPIRES LAST-USED REVOKED */
static int
token_list(struct ctl_ctx *ctx, const struct ctl_args *a)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__TokenList tl = ISMS__V1__TOKEN_LIST__INIT;
	Isms__V1__Reply *reply;
	size_t i;
	int rc;

	(void)a;
	req.call_case = ISMS__V1__REQUEST__CALL_TOKEN_LIST;
	req.token_list = &tl;
	if ((rc = ctl_call_expect(ctx, &req, ISMS__V1__REPLY__RESULT_TOKENS,
	                          &reply)) != 0)
		return rc;
	for (i = 0; i < reply->tokens->n_tokens; i++)
		token_tidy(reply->tokens->tokens[i]);
	ctl_print_msgs(ctx, &isms__v1__token__descriptor, token_cols,
	               TOKEN_NCOLS,
	               (ProtobufCMessage *const *)reply->tokens->tokens,
	               reply->tokens->n_tokens);
	isms_reply_free(reply);
	return 0;
}

/* token revoke TOKEN-ID: the token stops working at once. */
static int
token_revoke(struct ctl_ctx *ctx, const struct ctl_args *a)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__TokenRevoke tr = ISMS__V1__TOKEN_REVOKE__INIT;
	Isms__V1__Reply *reply;
	ProtobufCMessage *m;
	int rc;

	tr.id = (char *)a->id;
	req.call_case = ISMS__V1__REQUEST__CALL_TOKEN_REVOKE;
	req.token_revoke = &tr;
	if ((rc = ctl_call_expect(ctx, &req, ISMS__V1__REPLY__RESULT_TOKEN,
	                          &reply)) != 0)
		return rc;
	token_tidy(reply->token);
	m = &reply->token->base;
	if (ctx->format == CTL_FORMAT_TABLE) {
		fputs("revoked ", ctx->out);
		ctl_out_text(ctx->out,
		             reply->token->id != NULL ? reply->token->id : "?");
		fputs(" of ", ctx->out);
		ctl_out_text(ctx->out, reply->token->owner != NULL
		                           ? reply->token->owner
		                           : "?");
		fputc('\n', ctx->out);
	} else if (ctx->format == CTL_FORMAT_JSON)
		ctl_out_json(ctx->out, m);
	else
		ctl_print_msgs(ctx, &isms__v1__token__descriptor, token_cols,
		               TOKEN_NCOLS, &m, 1);
	isms_reply_free(reply);
	return 0;
}

/* The verbs of "token": its options and arguments. */
static const struct ctl_verb token_verbs[] = {
    {"create", "USER [--expires DAYS]",
     "a new token of USER; prints its secret once", CTL_OPT_EXPIRES, 1, 1, true,
     NULL, token_create},
    {"list", "", "every token: ID OWNER CREATED EXPIRES LAST-USED REVOKED", 0,
     0, 0, false, NULL, token_list},
    {"revoke", "TOKEN-ID", "the token stops working at once", 0, 1, 1, true,
     NULL, token_revoke},
};

const struct ctl_cmd ctl_cmd_token = {
    .name = "token",
    .usage = "token create USER [--expires DAYS] | list | revoke TOKEN-ID",
    .help = "bearer tokens for tcp:// clients (admin only)",
    .detail =
        "token create USER [--expires 90d]: prints 'TOK-0001 isms_...' "
        "once\n"
        "(-o json: id and secret); ismsd keeps only a keyed hash of it, so\n"
        "store it now, in a file only its user can read, and give it with\n"
        "--token-file FILE or $ISMS_TOKEN. --expires takes days (90, 90d,\n"
        "13w) or never (the default).\n"
        "token list: ID OWNER CREATED EXPIRES LAST-USED REVOKED.\n"
        "token revoke TOKEN-ID: the token stops working at once.\n",
    .verbs = token_verbs,
    .nverbs = CTL_NVERBS(token_verbs),
    .exec = ctl_verbs_exec_cmd,
};
