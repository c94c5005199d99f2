/*
 * ctl_status.c: "ismsctl status", what the server says about itself.
 */
#include "ctl.h"

/* "ismsctl status": the Info call. */
static int
status_exec(struct ctl_ctx *ctx, const struct ctl_cmd *cmd, int argc,
            char **argv)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Info info = ISMS__V1__INFO__INIT;
	Isms__V1__Reply *reply;
	int rc;

	(void)cmd;
	if (argc > 1)
		return ctl_error(CTL_EXIT_USAGE,
		                 "status: unexpected argument '%s'", argv[1]);
	req.call_case = ISMS__V1__REQUEST__CALL_INFO;
	req.info = &info;
	if ((rc = ctl_call(ctx, &req, &reply)) != 0)
		return rc;
	if ((rc = ctl_expect(reply, ISMS__V1__REPLY__RESULT_INFO)) != 0) {
		isms_reply_free(reply);
		return rc;
	}
	switch (ctx->format) {
	case CTL_FORMAT_TABLE:
		ctl_out_info_table(ctx->out, reply->info,
		                   isms_sync_hello(ctx->sync), ctx->endpoint);
		break;
	case CTL_FORMAT_JSON:
		ctl_out_json(ctx->out, &reply->info->base);
		break;
	case CTL_FORMAT_CSV:
		ctl_out_csv_info(ctx->out, reply->info);
		break;
	}
	isms_reply_free(reply);
	return 0;
}

const struct ctl_cmd ctl_cmd_status = {
    .name = "status",
    .usage = "status",
    .help = "server version, data dir, uptime, commits, records per register",
    .exec = status_exec,
};
