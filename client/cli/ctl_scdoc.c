/*
 * ctl_scdoc.c: "ismsctl help --scdoc", the COMMANDS section of ismsctl(1)
 * in scdoc(5), made from the command entries and their verbs, so the man
 * page says what --help says (man/CMakeLists.txt splices it in).
 */
#include <string.h>

#include "ctl.h"
#include "fieldargs.h"

/* Prints s with scdoc's markup characters escaped. A line break (a
 * text goes on indented by spaces) continues the tab-indented paragraph,
 * or the line (join: a bold synopsis). */
static void
scdoc_text(FILE *f, const char *s, bool join)
{
	bool bol = false;

	for (; *s != '\0'; s++) {
		if (*s == '\n') {
			fputs(join ? " " : "\n\t", f);
			while (s[1] == ' ')
				s++;
			bol = !join;
			continue;
		}
		/* Not a table's first character at a line's start either. */
		if (strchr("*_\\`", *s) != NULL ||
		    (bol && strchr("[|:", *s) != NULL))
			fputc('\\', f);
		fputc(*s, f);
		bol = false;
	}
}

/* One entry: "ismsctl" and the words of its synopsis in bold (NULL or
 * empty words left out), its help indented below. */
static void
scdoc_entry(FILE *f, const char *const words[3], const char *help)
{
	int i;

	fputs("*ismsctl", f);
	for (i = 0; i < 3; i++) {
		if (words[i] == NULL || *words[i] == '\0')
			continue;
		fputc(' ', f);
		scdoc_text(f, words[i], true);
	}
	fputs("*\n\t", f);
	scdoc_text(f, help, false);
	fputs("\n\n", f);
}

int
ctl_help_scdoc(FILE *f)
{
	const ProtobufCFieldDescriptor *reg;
	const struct ctl_cmd *cmd;
	const struct ctl_verb *v;
	size_t i, j;

	fputs("## Commands\n\n", f);
	for (i = 0; i < ctl_ncmds; i++) {
		cmd = ctl_cmds[i];
		scdoc_entry(f, (const char *const[3]){cmd->usage, NULL, NULL},
		            cmd->help);
		for (j = 0; j < cmd->nverbs; j++) {
			v = &cmd->verbs[j];
			if (v->name != NULL)
				scdoc_entry(f,
				            (const char *const[3]){
				                cmd->name, v->name, v->usage},
				            v->help);
		}
	}
	fputs("## Registers\n\n", f);
	for (i = 0; (reg = ctl_register_nth(i)) != NULL; i++) {
		fputs(i > 0 ? ", " : "", f);
		scdoc_text(f, reg->name, true);
	}
	fputs("\n\n## Register verbs\n\n", f);
	for (i = 0; i < ctl_cmd_register.nverbs; i++) {
		v = &ctl_cmd_register.verbs[i];
		scdoc_entry(
		    f,
		    (const char *const[3]){v->reg != NULL ? v->reg : "REGISTER",
		                           v->name, v->usage},
		    v->help);
	}
	return CTL_EXIT_OK;
}
