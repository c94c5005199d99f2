/*
 * ctl_signoff.c: the sign-off verbs, one SignOff call: "risk accept ID
 * [--until DATE] [note=TEXT]", "document approve ID", "nonconformity
 * verify ID [result=TEXT]", "mreview approve ID". The server writes who
 * signed (the caller) and when; the caller must own the record or be an
 * admin.
 */
#include <string.h>

#include "ctl.h"
#include "pbfield.h"

/* Reads "note=TEXT" (or "result=TEXT") words into *note. */
static int
signoff_words(const struct ctl_args *a, const char *key, const char **note)
{
	size_t n = strlen(key);
	int i;

	for (i = 0; i < a->nwords; i++) {
		if (key[0] == '\0' || strncmp(a->words[i], key, n) != 0 ||
		    a->words[i][n] != '=')
			return ctl_error(
			    CTL_EXIT_USAGE, "%s %s takes %s%s, got '%s'",
			    a->reg->name, a->verb->name,
			    key[0] ? key : "no words",
			    key[0] ? "=TEXT only" : "", a->words[i]);
		*note = a->words[i] + n + 1;
	}
	return 0;
}

/* "signed RSK-0001 (accept) as alice: status accepted, rev 3". */
static void
signoff_print(FILE *f, const struct ctl_args *a, const Isms__V1__Record *rec)
{
	const ProtobufCMessage *body =
	    *(ProtobufCMessage *const *)pb_field_ptr(&rec->base, a->reg);
	const ProtobufCFieldDescriptor *sfd =
	    body != NULL ? pb_field_by_name(body->descriptor, "status") : NULL;
	char status[64] = "?";

	if (sfd != NULL)
		pb_field_format(body, sfd, 0, status, sizeof status);
	fprintf(f, "signed %s (%s) as %s: status %s, rev %llu\n",
	        rec->id != NULL ? rec->id : a->id, a->verb->name,
	        rec->updated_by != NULL ? rec->updated_by : "?", status,
	        (unsigned long long)rec->rev);
}

/* Sends the SignOff and prints "RSK-0001 accepted by alice (rev 3)". */
static int
signoff_send(struct ctl_ctx *ctx, const struct ctl_args *a, const char *note)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__SignOff so = ISMS__V1__SIGN_OFF__INIT;
	Isms__V1__Reply *reply;
	const Isms__V1__Record *rec;
	int rc;

	so.id = (char *)a->id;
	so.verb = (char *)a->verb->name;
	so.note = note != NULL && *note != '\0' ? (char *)note : NULL;
	so.until = (char *)a->opt.until;
	so.has_expect_rev = a->opt.has_rev;
	so.expect_rev = a->opt.rev;
	req.call_case = ISMS__V1__REQUEST__CALL_SIGN_OFF;
	req.sign_off = &so;
	if ((rc = ctl_call_expect(ctx, &req, ISMS__V1__REPLY__RESULT_RECORD,
	                          &reply)) != 0)
		return rc;
	rec = reply->record;
	if (ctx->format != CTL_FORMAT_TABLE)
		ctl_print_record(ctx, rec);
	else
		signoff_print(ctx->out, a, rec);
	isms_reply_free(reply);
	return 0;
}

/* "risk accept ID [--until DATE] [note=TEXT] [--rev N]". */
int
ctl_accept_exec(struct ctl_ctx *ctx, const struct ctl_args *a)
{
	const char *note = NULL;
	int rc;

	if ((rc = signoff_words(a, "note", &note)) != 0)
		return rc;
	return signoff_send(ctx, a, note);
}

/* "nonconformity verify ID [result=TEXT] [--rev N]". */
int
ctl_verify_exec(struct ctl_ctx *ctx, const struct ctl_args *a)
{
	const char *note = NULL;
	int rc;

	if ((rc = signoff_words(a, "result", &note)) != 0)
		return rc;
	return signoff_send(ctx, a, note);
}

/* "document approve ID", "mreview approve ID" [--rev N]. */
int
ctl_approve_exec(struct ctl_ctx *ctx, const struct ctl_args *a)
{
	int rc;

	if ((rc = signoff_words(a, "", NULL)) != 0)
		return rc;
	return signoff_send(ctx, a, NULL);
}
