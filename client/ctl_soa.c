/*
 * ctl_soa.c: "ismsctl soa [-o table|json|csv]", the Statement of
 * Applicability from every live control, and "ismsctl soa set ID f=v ...",
 * another name for "ismsctl control set".
 */
#include <string.h>

#include "ctl.h"
#include "fieldargs.h"
#include "soa.h"

#define SOA_USAGE                                                              \
	"usage: ismsctl soa [-o table|json|csv]\n"                             \
	"       ismsctl soa set ID field=value ... [--rev N]\n"

/* "ismsctl soa" prints the SoA; "soa set" runs "control set". */
int
ctl_soa_exec(struct ctl_ctx *ctx, int argc, char **argv)
{
	struct ctl_recs controls;
	struct ctl_opts o;
	struct soa soa;
	int rc;

	/* "soa set ..." is "control set ...", options and all. */
	if (argc > 1 && strcmp(argv[1], "set") == 0)
		return ctl_register_exec(ctx, ctl_register_find("control"),
		                         argc - 1, argv + 1);
	if ((rc = ctl_opts_parse(ctx, "soa", 0, argc - 1, argv + 1, &o)) != 0)
		goto out;
	if (o.help) {
		fputs(SOA_USAGE, ctx->out);
		goto out;
	}
	if (o.npos > 0) {
		rc = ctl_error(CTL_EXIT_USAGE,
		               "soa: unexpected argument '%s'\n%s", o.pos[0],
		               SOA_USAGE);
		goto out;
	}
	if ((rc = ctl_list_all(ctx, "control", &controls)) != 0)
		goto out;
	soa_build(&soa, controls.recs, controls.n);
	switch (ctx->format) {
	case CTL_FORMAT_TABLE:
		soa_print_table(ctx->out, &soa);
		break;
	case CTL_FORMAT_JSON:
		soa_print_json(ctx->out, &soa);
		break;
	case CTL_FORMAT_CSV:
		soa_print_csv(ctx->out, &soa);
		break;
	}
	soa_free(&soa);
	ctl_recs_free(&controls);
out:
	ctl_opts_free(&o);
	return rc;
}
