/*
 * ctl_util.c: connecting, calling and printing for the command files, so
 * that every command fails the same way with the same exit codes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "fieldargs.h"

int
ctl_error(int code, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("ismsctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

/* The exit code for a failed connect or call. */
static int
ctl_exit_for(const struct isms_err *err)
{
	switch (err->code) {
	case ISMS_EINVAL:
		return CTL_EXIT_USAGE; /* a malformed endpoint */
	case ISMS_EUNAVAIL:
	case ISMS_ETIMEDOUT:
		return CTL_EXIT_UNAVAIL;
	default:
		return CTL_EXIT_REPLY; /* e.g. hello refused */
	}
}

/* Prints why a connect, its hello or a call failed; the exit code. */
static int
ctl_conn_failed(const struct ctl_ctx *ctx, const struct isms_err *err)
{
	if (err->code == ISMS_EINVAL || err->code == ISMS_EUNAVAIL ||
	    err->code == ISMS_ETIMEDOUT)
		return ctl_error(ctl_exit_for(err), "%s", err->msg);
	/* A server's code: the hello was refused. */
	return ctl_error(ctl_exit_for(err), "%s: %s%s",
	                 isms_code_name(err->code), err->msg,
	                 err->code == ISMS_EUNAUTH && !ctx->token_given &&
	                         ctx->conn.cert == NULL
	                     ? " (give a token with --token-file FILE "
	                       "or $ISMS_TOKEN)"
	                     : "");
}

/*
 * Connects (TLS and token options from ctl_conn.c). The hello goes with
 * the first call, in the same write: no round trip of its own.
 */
int
ctl_connect(struct ctl_ctx *ctx)
{
	struct isms_err err = {0};
	struct isms_client_opts o;
	char *token;
	int rc;

	if (ctx->sync != NULL)
		return 0;
	if ((rc = ctl_conn_prepare(ctx, &o, &token)) != 0)
		return rc;
	ctx->token_given = token != NULL;
	ctx->sync = isms_sync_open_opts(ctx->endpoint, "ismsctl " ISMS_VERSION,
	                                &o, &err);
	ctl_token_free(token);
	if (ctx->sync == NULL)
		return ctl_conn_failed(ctx, &err);
	return 0;
}

/*
 * Sends req and returns its reply in *out when the server said OK;
 * otherwise prints the error and returns the exit code.
 */
int
ctl_call(struct ctl_ctx *ctx, Isms__V1__Request *req, Isms__V1__Reply **out)
{
	struct isms_err err = {0};
	Isms__V1__Reply *reply;
	const Isms__V1__Status *st;
	int rc;

	*out = NULL;
	if ((rc = ctl_connect(ctx)) != 0)
		return rc;
	if ((reply = isms_sync_call(ctx->sync, req, &err)) == NULL)
		return ctl_conn_failed(ctx, &err);
	st = reply->status;
	if (st != NULL && st->has_code && st->code != ISMS__V1__CODE__OK) {
		rc = ctl_error(
		    CTL_EXIT_REPLY, "%s: %s", isms_code_name((int)st->code),
		    st->message != NULL ? st->message : "(no message)");
		isms_reply_free(reply);
		return rc;
	}
	*out = reply;
	return 0;
}

/* Checks an OK reply carries the result expected; prints if not. */
int
ctl_expect(const Isms__V1__Reply *reply, Isms__V1__Reply__ResultCase want)
{
	/* Every result member is a message pointer in the same union. */
	if (reply->result_case == want && reply->record != NULL)
		return 0;
	return ctl_error(
	    CTL_EXIT_REPLY,
	    "INTERNAL: ismsd sent an unexpected kind of result (%d)",
	    (int)reply->result_case);
}

int
ctl_parse_u64(const char *s, uint64_t *v)
{
	unsigned long long n;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (*end != '\0' || errno != 0)
		return -1;
	*v = n;
	return 0;
}

void
ctl_print_record(struct ctl_ctx *ctx, const Isms__V1__Record *rec)
{
	Isms__V1__Record *one = (Isms__V1__Record *)rec;

	switch (ctx->format) {
	case CTL_FORMAT_TABLE:
		ctl_out_record_table(ctx->out, rec);
		break;
	case CTL_FORMAT_JSON:
		ctl_out_json(ctx->out, &rec->base);
		break;
	case CTL_FORMAT_CSV:
		ctl_out_csv_records(ctx->out, ctl_register_of(rec), &one, 1);
		break;
	}
}

void
ctl_print_records(struct ctl_ctx *ctx, const ProtobufCFieldDescriptor *reg,
                  Isms__V1__Record *const *recs, size_t n)
{
	switch (ctx->format) {
	case CTL_FORMAT_TABLE:
		if (n == 0)
			fprintf(stderr, "no %s records\n", reg->name);
		else
			ctl_out_list_table(ctx->out, reg, recs, n);
		break;
	case CTL_FORMAT_JSON:
		ctl_out_json_array(ctx->out,
		                   (const ProtobufCMessage *const *)recs, n);
		break;
	case CTL_FORMAT_CSV:
		ctl_out_csv_records(ctx->out, reg, recs, n);
		break;
	}
}

/* Calls and checks the result kind; on failure prints, returns the code. */
int
ctl_call_expect(struct ctl_ctx *ctx, Isms__V1__Request *req,
                Isms__V1__Reply__ResultCase want, Isms__V1__Reply **out)
{
	int rc;

	if ((rc = ctl_call(ctx, req, out)) != 0)
		return rc;
	if ((rc = ctl_expect(*out, want)) != 0) {
		isms_reply_free(*out);
		*out = NULL;
	}
	return rc;
}

/* Gets the current risk method (MethodGet). */
int
ctl_method_fetch(struct ctl_ctx *ctx, Isms__V1__Reply **out)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__MethodGet get = ISMS__V1__METHOD_GET__INIT;

	req.call_case = ISMS__V1__REQUEST__CALL_METHOD_GET;
	req.method_get = &get;
	return ctl_call_expect(ctx, &req, ISMS__V1__REPLY__RESULT_METHOD, out);
}

/* Whether colour may be written to f: a TTY, NO_COLOR unset. */
bool
ctl_colour_ok(FILE *f)
{
	const char *nc = getenv("NO_COLOR");

	if (nc != NULL && *nc != '\0')
		return false;
	return isatty(fileno(f)) == 1;
}
