/*
 * ctl_health.c: "ismsctl health", whether ismsd serves (the Health call,
 * which every role may make, the ingest role included).
 */
#include "ctl.h"

/* Prints "ok" and exits 0 when ismsd serves. */
static int
health_exec(struct ctl_ctx *ctx, const struct ctl_cmd *cmd, int argc,
            char **argv)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Health h = ISMS__V1__HEALTH__INIT;
	Isms__V1__Reply *reply;
	int rc;

	(void)cmd;
	if (argc > 1)
		return ctl_error(CTL_EXIT_USAGE,
		                 "health: unexpected argument '%s'", argv[1]);
	req.call_case = ISMS__V1__REQUEST__CALL_HEALTH;
	req.health = &h;
	if ((rc = ctl_call(ctx, &req, &reply)) != 0)
		return rc;
	isms_reply_free(reply);
	fprintf(ctx->out, "ok\n");
	return 0;
}

const struct ctl_cmd ctl_cmd_health = {
    .name = "health",
    .usage = "health",
    .help = "whether ismsd serves: prints ok (exit 0); any role may ask",
    .exec = health_exec,
};
