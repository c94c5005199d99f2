/*
 * ctl_matrix.c: "ismsctl risk matrix [--residual]": every live risk and
 * the risk method, drawn by matrix.c.
 */
#include "ctl.h"
#include "matrix.h"

/* Fetches the method and every live risk, then draws the matrix. */
int
ctl_matrix_exec(struct ctl_ctx *ctx, const struct ctl_args *a)
{
	Isms__V1__Reply *method;
	struct ctl_recs risks;
	struct matrix m;
	int rc;

	if ((rc = ctl_method_fetch(ctx, &method)) != 0)
		return rc;
	if ((rc = ctl_list_all(ctx, "risk", &risks)) != 0) {
		isms_reply_free(method);
		return rc;
	}
	matrix_build(&m, method->method, risks.recs, risks.n, a->opt.residual);
	switch (ctx->format) {
	case CTL_FORMAT_TABLE:
		matrix_print_table(ctx->out, &m, ctl_colour_ok(ctx->out));
		break;
	case CTL_FORMAT_JSON:
		matrix_print_json(ctx->out, &m);
		break;
	case CTL_FORMAT_CSV:
		matrix_print_csv(ctx->out, &m);
		break;
	}
	matrix_free(&m);
	ctl_recs_free(&risks);
	isms_reply_free(method);
	return 0;
}
