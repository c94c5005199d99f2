/*
 * ctl_soa.c: "ismsctl soa [-o table|json|csv]", the Statement of
 * Applicability from every live control, and "ismsctl soa set ID f=v ...",
 * another name for "ismsctl control set".
 */

#include "ctl.h"
#include "fieldargs.h"
#include "soa.h"

/* "ismsctl soa": the SoA of every live control. */
static int
soa_show(struct ctl_ctx *ctx, const struct ctl_args *a)
{
	struct ctl_recs controls;
	struct soa soa;
	int rc;

	(void)a;
	if ((rc = ctl_list_all(ctx, "control", &controls)) != 0)
		return rc;
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
	return 0;
}

/* "soa set ID f=v ...": the register verb "control set", as it is. */
static int
soa_set(struct ctl_ctx *ctx, const struct ctl_args *a)
{
	struct ctl_args c = *a;

	c.reg = ctl_register_find("control");
	c.verb = ctl_verb_find(&ctl_cmd_register, c.reg, "set");
	return c.verb->exec(ctx, &c);
}

static const struct ctl_verb soa_verbs[] = {
    {NULL, "[-o table|json|csv]",
     "every live control under its theme, with its applicability", 0, 0, 0,
     false, NULL, soa_show},
    {"set", "ID field=value ... [--rev N]", "the same as 'control set'",
     CTL_OPT_REV, 1, CTL_ARGS_ANY, true, NULL, soa_set},
};

const struct ctl_cmd ctl_cmd_soa = {
    .name = "soa",
    .usage = "soa [set ID field=value ...]",
    .help = "the Statement of Applicability (6.1.3 d) of every control",
    .detail =
        "Every live control, grouped under the Annex A themes (A.5 to A.8) "
        "and\n"
        "the organisation's own controls (CTL-*): id, title, applicable\n"
        "(yes, no, undecided), status, justification, owner and the risks\n"
        "linking to it. -o csv is the auditor's export: id,title,theme,\n"
        "applicable,status,justification,owner,risks,evidence,last_tested_"
        "on.\n"
        "'soa set ID f=v ...' is 'control set ID f=v ...', e.g.\n"
        "  ismsctl soa set A.5.1 applicable=yes status=implemented "
        "justification=...\n",
    .verbs = soa_verbs,
    .nverbs = CTL_NVERBS(soa_verbs),
    .exec = ctl_verbs_exec_cmd,
};
