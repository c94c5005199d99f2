/*
 * ctl_help.c: "ismsctl --help", "ismsctl help [COMMAND|REGISTER]",
 * "ismsctl CMD --help" and "ismsctl version": every text comes from the
 * command descriptors (ctl_cmds) and their verb tables, so a command's
 * help lives in its own file.
 */
#include <string.h>

#include "ctl.h"
#include "fieldargs.h"

/* Prints the main usage text. */
void
ctl_usage(FILE *f)
{
	const ProtobufCFieldDescriptor *reg;
	const struct ctl_verb *v;
	size_t i;

	fputs("usage: ismsctl [--endpoint URL] [-o table|json|csv] "
	      "<command> ...\n"
	      "       ismsctl [options] <register> <verb> [ID] "
	      "[field=value ...]\n\nCommands:\n",
	      f);
	for (i = 0; i < ctl_ncmds; i++)
		fprintf(f, "  %s\n      %s\n", ctl_cmds[i]->usage,
		        ctl_cmds[i]->help);
	fputs("\nRegisters:", f);
	for (i = 0; (reg = ctl_register_nth(i)) != NULL; i++)
		fprintf(f, "%s %s", i > 0 ? "," : "", reg->name);
	fputs("\n\nRegister verbs:\n", f);
	for (i = 0; i < ctl_cmd_register.nverbs; i++) {
		v = &ctl_cmd_register.verbs[i];
		fprintf(f, "  %s %s %s\n      %s\n",
		        v->reg != NULL ? v->reg : "<register>", v->name,
		        v->usage, v->help);
	}
	fputs("\nField words: f=v sets a field, f= clears it, a.b=v sets a "
	      "nested field,\n"
	      "tags+=x / tags-=x add to / remove from a list. Instants "
	      "(*_at) take ISO 8601\n"
	      "(2026-11-28T10:00:00Z or 2026-11-28). 'ismsctl help "
	      "REGISTER' lists the fields.\n"
	      "\nOptions:\n"
	      "  --endpoint URL        unix:PATH, unix:///abs/path or "
	      "tcp://HOST:PORT (default:\n"
	      "                        $ISMS_ENDPOINT, "
	      "else " ISMS_DEFAULT_ENDPOINT ")\n"
	      "  --token-file FILE     bearer token: the file's first line "
	      "(default: $ISMS_TOKEN)\n"
	      "  --cacert FILE         tcp://: CA (PEM) that signed ismsd's "
	      "certificate (default:\n"
	      "                        $ISMS_CACERT, else the system's CAs)\n"
	      "  --cert FILE --key FILE  tcp://: client certificate (its CN "
	      "names the user)\n"
	      "  --insecure            tcp:// as plain TCP, without TLS: "
	      "loopback only\n"
	      "  -o, --output FORMAT   table (default), json or csv (also "
	      "after the command)\n"
	      "  -h, --help            this text\n"
	      "  -V, --version         print the version\n"
	      "\nExit status:\n"
	      "  0  success\n"
	      "  1  the server replied with an error (not found, conflict, "
	      "denied...)\n"
	      "  2  usage error\n"
	      "  3  ismsd cannot be reached, or the connection was lost\n"
	      "  4  due --check: something is overdue\n",
	      f);
}

void
ctl_cmd_usage(FILE *f, const struct ctl_cmd *cmd)
{
	const struct ctl_verb *v;
	size_t i;

	if (cmd->nverbs == 0) {
		fprintf(f, "usage: ismsctl %s\n", cmd->usage);
		return;
	}
	for (i = 0; i < cmd->nverbs; i++) {
		v = &cmd->verbs[i];
		fprintf(f, "%sismsctl %s%s%s%s%s\n",
		        i == 0 ? "usage: " : "       ", cmd->name,
		        v->name != NULL ? " " : "",
		        v->name != NULL ? v->name : "",
		        *v->usage != '\0' ? " " : "", v->usage);
	}
}

/* "help", "help REGISTER", "help COMMAND". */
static int
help_exec(struct ctl_ctx *ctx, const struct ctl_cmd *self, int argc,
          char **argv)
{
	const ProtobufCFieldDescriptor *reg;
	const struct ctl_cmd *cmd;

	(void)self;
	if (argc < 2) {
		ctl_usage(ctx->out);
		return CTL_EXIT_OK;
	}
	/* Hidden: ismsctl(1)'s COMMANDS section, at build time. */
	if (strcmp(argv[1], "--scdoc") == 0)
		return ctl_help_scdoc(ctx->out);
	if ((cmd = ctl_cmd_find(argv[1])) != NULL) {
		fprintf(ctx->out, "usage: ismsctl %s\n  %s\n%s%s", cmd->usage,
		        cmd->help, cmd->detail != NULL ? "\n" : "",
		        cmd->detail != NULL ? cmd->detail : "");
		if (cmd->more != NULL)
			cmd->more(ctx->out);
		return CTL_EXIT_OK;
	}
	if ((reg = ctl_register_find(argv[1])) == NULL)
		return ctl_error(CTL_EXIT_USAGE,
		                 "no register or command called '%s'", argv[1]);
	ctl_register_usage(ctx->out, reg);
	/* Fields need no daemon; the lifecycle is the server's. */
	return ctl_lifecycle_help(ctx, reg->name);
}

const struct ctl_cmd ctl_cmd_help = {
    .name = "help",
    .usage = "help [REGISTER|COMMAND]",
    .help = "this text, a register's verbs, fields, lifecycle and evidence "
            "per state, or a command in detail",
    .exec = help_exec,
};

/* Prints the version. */
static int
version_exec(struct ctl_ctx *ctx, const struct ctl_cmd *self, int argc,
             char **argv)
{
	(void)self;
	(void)argc;
	(void)argv;
	fprintf(ctx->out, "ismsctl %s (protocol %d.%d)\n", ISMS_VERSION,
	        ISMS_PROTOCOL_MAJOR, ISMS_PROTOCOL_MINOR);
	return CTL_EXIT_OK;
}

const struct ctl_cmd ctl_cmd_version = {
    .name = "version",
    .usage = "version",
    .help = "print ismsctl's version",
    .exec = version_exec,
};
