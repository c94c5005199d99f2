/*
 * ctl_completion.c: "ismsctl completion bash|zsh|fish" prints a shell's
 * completion script, and the hidden "ismsctl __complete CWORD WORD..."
 * answers it: the candidates for word CWORD of the command line WORD...
 * (WORD 0 is ismsctl), one per line.
 *
 * The scripts hold no list of their own: every candidate comes from here,
 * so from the command table (ctl_cmds and their verbs), the registers and
 * their fields (the Record descriptor, as fieldargs.h walks it), and for
 * an ID the daemon (a List of the register, each call given
 * COMPLETE_TIMEOUT_MS; nothing when ismsd cannot be reached in time).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "fieldargs.h"

#define COMPLETE_TIMEOUT_MS 300
#define COMPLETE_PAGES      10 /* List pages asked for, at most */

/* ---------------------------------------------------------- the scripts */

static const char complete_bash[] =
    "# bash completion for ismsctl (ismsctl completion bash)\n"
    "_ismsctl() {\n"
    "    local IFS=$'\\n'\n"
    "    COMPREPLY=($(\"$1\" __complete \"$COMP_CWORD\" \"${COMP_WORDS[@]}\" "
    "2>/dev/null))\n"
    "    # a field word ends in '=': its value follows without a space\n"
    "    if [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]]; then\n"
    "        compopt -o nospace 2>/dev/null\n"
    "    fi\n"
    "    return 0\n"
    "}\n"
    "complete -o default -F _ismsctl ismsctl\n";

static const char complete_zsh[] =
    "#compdef ismsctl\n"
    "# zsh completion for ismsctl (ismsctl completion zsh)\n"
    "_ismsctl() {\n"
    "    local -a out\n"
    "    out=(${(f)\"$(${words[1]} __complete $((CURRENT - 1)) "
    "\"${words[@]}\" 2>/dev/null)\"})\n"
    "    if (( ${#out} == 0 )); then\n"
    "        _files\n"
    "        return\n"
    "    fi\n"
    "    compadd -Q -S '' -- ${(M)out:#*=}\n"
    "    compadd -Q -- ${out:#*=}\n"
    "}\n"
    "if [[ $zsh_eval_context[-1] == loadautofunc ]]; then\n"
    "    _ismsctl \"$@\"\n"
    "else\n"
    "    compdef _ismsctl ismsctl\n"
    "fi\n";

static const char complete_fish[] =
    "# fish completion for ismsctl (ismsctl completion fish)\n"
    "function __ismsctl_complete\n"
    "    set -l words (commandline -opc)\n"
    "    set -l cur (commandline -ct)\n"
    "    $words[1] __complete (count $words) $words $cur 2>/dev/null\n"
    "end\n"
    "function __ismsctl_none\n"
    "    set -l c (__ismsctl_complete)\n"
    "    test (count $c) -eq 0\n"
    "end\n"
    "complete -c ismsctl -f -a '(__ismsctl_complete)'\n"
    "complete -c ismsctl -n __ismsctl_none -F\n";

/* The shells, by name. */
static const struct complete_shell {
	const char *name;
	const char *script;
} complete_shells[] = {
    {"bash", complete_bash},
    {"zsh", complete_zsh},
    {"fish", complete_fish},
};

#define NSHELLS (sizeof complete_shells / sizeof complete_shells[0])

static int
completion_exec(struct ctl_ctx *ctx, const struct ctl_cmd *cmd, int argc,
                char **argv)
{
	size_t i;

	if (argc == 2)
		for (i = 0; i < NSHELLS; i++)
			if (strcmp(argv[1], complete_shells[i].name) == 0) {
				fputs(complete_shells[i].script, ctx->out);
				return 0;
			}
	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		fprintf(ctx->out, "usage: ismsctl %s\n", cmd->usage);
		return 0;
	}
	return ctl_error(CTL_EXIT_USAGE, "usage: ismsctl %s", cmd->usage);
}

const struct ctl_cmd ctl_cmd_completion = {
    .name = "completion",
    .usage = "completion bash|zsh|fish",
    .help = "print the shell's completion script for ismsctl",
    .detail =
        "Completes commands, registers, verbs, field names (field=) and,\n"
        "asking ismsd (at most 300 ms a call, nothing when it cannot be\n"
        "reached), record ids. Installed with ismsctl; to try it in a\n"
        "shell: source <(ismsctl completion bash); zsh: put the output in\n"
        "a file _ismsctl on $fpath; fish: ismsctl completion fish | source.\n",
    .exec = completion_exec,
};

/* ----------------------------------------------------- the candidates */

/* What is being completed. */
struct complete {
	struct ctl_ctx *ctx;
	const char *cur; /* the word's start, as typed */
	size_t curlen;
};

/* Prints cand when it starts with what was typed. */
static void
complete_offer(struct complete *c, const char *cand)
{
	if (strncmp(cand, c->cur, c->curlen) == 0)
		fprintf(c->ctx->out, "%s\n", cand);
}

/* The commands and the registers. */
static void
complete_commands(struct complete *c)
{
	const ProtobufCFieldDescriptor *r;
	size_t i;

	for (i = 0; i < ctl_ncmds; i++)
		complete_offer(c, ctl_cmds[i]->name);
	for (i = 0; (r = ctl_register_nth(i)) != NULL; i++)
		complete_offer(c, r->name);
}

/* The verbs of cmd (of register reg, for the registers' verbs). */
static void
complete_verbs(struct complete *c, const struct ctl_cmd *cmd, const char *reg)
{
	const struct ctl_verb *v;
	size_t i, j;

	for (i = 0; i < cmd->nverbs; i++) {
		v = &cmd->verbs[i];
		if (v->name == NULL ||
		    (v->reg != NULL && reg != NULL && strcmp(v->reg, reg) != 0))
			continue;
		for (j = 0; j < i; j++) /* a verb of several registers */
			if (cmd->verbs[j].name != NULL &&
			    strcmp(cmd->verbs[j].name, v->name) == 0 &&
			    (cmd->verbs[j].reg == NULL || reg == NULL ||
			     strcmp(cmd->verbs[j].reg, reg) == 0))
				break;
		if (j == i)
			complete_offer(c, v->name);
	}
}

/* ctl_fields_walk callback: "name=". */
static void
complete_field(const char *name, const ProtobufCFieldDescriptor *fd, void *arg)
{
	char word[256];

	(void)fd;
	snprintf(word, sizeof word, "%s=", name);
	complete_offer(arg, word);
}

/* The ids of register reg's records, from ismsd (live and archived). */
static void
complete_ids(struct complete *c, const ProtobufCFieldDescriptor *reg)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__List list = ISMS__V1__LIST__INIT;
	struct isms_client_opts o;
	struct isms_err err = {0};
	Isms__V1__Reply *r = NULL, *next = NULL;
	char *token = NULL;
	size_t i, page;

	if (ctl_conn_prepare(c->ctx, &o, &token) != 0)
		return;
	o.timeout_ms = COMPLETE_TIMEOUT_MS;
	c->ctx->sync = isms_sync_open_opts(c->ctx->endpoint,
	                                   "ismsctl " ISMS_VERSION, &o, &err);
	ctl_token_free(token);
	if (c->ctx->sync == NULL)
		return;
	list.register_ = (char *)reg->name;
	list.has_archived = 1;
	list.archived = ISMS__V1__ARCHIVED_FILTER__ANY;
	list.has_page_size = 1;
	list.page_size = 1000;
	req.call_case = ISMS__V1__REQUEST__CALL_LIST;
	req.list = &list;
	for (page = 0; page < COMPLETE_PAGES; page++) {
		if (ctl_call(c->ctx, &req, &next) != 0 ||
		    next->result_case != ISMS__V1__REPLY__RESULT_LIST) {
			isms_reply_free(next);
			break;
		}
		/* The request pointed at the previous page's token. */
		isms_reply_free(r);
		r = next;
		next = NULL;
		for (i = 0; i < r->list->n_records; i++)
			if (r->list->records[i]->id != NULL)
				complete_offer(c, r->list->records[i]->id);
		if (!r->list->has_next_page_token)
			break;
		list.has_page_token = 1;
		list.page_token = r->list->next_page_token;
	}
	isms_reply_free(r);
}

/* Global options that take a value, and the connection options among
 * them (0: -o, handled by skipping its value). */
static const struct complete_gopt {
	const char *name;
	int code;
} complete_gopts[] = {
    {"-e", 'e'},
    {"--endpoint", 'e'},
    {"-o", 0},
    {"--output", 0},
    {"--token-file", CTL_GOPT_TOKEN_FILE},
    {"--cacert", CTL_GOPT_CACERT},
    {"--cert", CTL_GOPT_CERT},
    {"--key", CTL_GOPT_KEY},
};

/* Applies the global option at words[*i] (moving past its value); false
 * when words[*i] is not an option. */
static bool
complete_global(struct complete *c, char **words, int n, int *i)
{
	const char *w = words[*i], *eq;
	size_t k, len;

	if (w[0] != '-')
		return false;
	if (strcmp(w, "--insecure") == 0) {
		(void)ctl_conn_opt(c->ctx, CTL_GOPT_INSECURE, NULL);
		return true;
	}
	eq = strchr(w, '=');
	len = eq != NULL ? (size_t)(eq - w) : strlen(w);
	for (k = 0; k < sizeof complete_gopts / sizeof complete_gopts[0]; k++)
		if (strlen(complete_gopts[k].name) == len &&
		    strncmp(complete_gopts[k].name, w, len) == 0)
			break;
	if (k == sizeof complete_gopts / sizeof complete_gopts[0])
		return true; /* another option: no value */
	if (eq == NULL && *i + 1 < n)
		eq = words[++*i] - 1; /* its value is the next word */
	if (eq == NULL || complete_gopts[k].code == 0)
		return true;
	if (complete_gopts[k].code == 'e')
		c->ctx->endpoint = eq + 1;
	else
		(void)ctl_conn_opt(c->ctx, complete_gopts[k].code, eq + 1);
	return true;
}

/*
 * Joins the words bash split at '=' ("title", "=", "x" is one word) into
 * argv-like words; *cword follows. A word being completed right after
 * '=' is a value: *value is set.
 */
static int
complete_join(char **words, int n, int *cword, bool *value)
{
	int i, out = 0;

	*value = false;
	for (i = 0; i < n; i++) {
		bool glue = out > 0 && (strcmp(words[i], "=") == 0 ||
		                        strcmp(words[i - 1], "=") == 0);
		if (i == *cword)
			*value = glue;
		if (glue) {
			if (i <= *cword)
				(*cword)--;
			continue; /* the field word is all it takes */
		}
		words[out++] = words[i];
	}
	return out;
}

/* The candidates for word cword of a register's command line. */
static void
complete_register(struct complete *c, const ProtobufCFieldDescriptor *reg,
                  char **words, int n, int at)
{
	const struct ctl_verb *v = NULL;
	size_t i;

	if (at == 1) {
		complete_verbs(c, &ctl_cmd_register, reg->name);
		return;
	}
	for (i = 0; i < ctl_cmd_register.nverbs; i++)
		if (strcmp(ctl_cmd_register.verbs[i].name, words[1]) == 0) {
			v = &ctl_cmd_register.verbs[i];
			break;
		}
	(void)n;
	if (v == NULL || c->cur[0] == '-')
		return;
	if (v->needs_id && at == 2)
		complete_ids(c, reg);
	else if (v->max_args > (v->needs_id ? 1 : 0))
		ctl_fields_walk(reg, complete_field, c);
}

/* The candidates of a command's own words (its verbs; help: the
 * commands; completion: the shells). */
static void
complete_command(struct complete *c, const struct ctl_cmd *cmd, int at)
{
	size_t i;

	if (at != 1)
		return;
	if (cmd == &ctl_cmd_help)
		complete_commands(c);
	else if (cmd == &ctl_cmd_completion)
		for (i = 0; i < NSHELLS; i++)
			complete_offer(c, complete_shells[i].name);
	else if (cmd->verbs != NULL)
		complete_verbs(c, cmd, NULL);
}

int
ctl_complete(struct ctl_ctx *ctx, int argc, char **argv)
{
	struct complete c = {.ctx = ctx};
	const ProtobufCFieldDescriptor *reg;
	const struct ctl_cmd *cmd;
	char **words = argv + 2;
	int n = argc - 2, cword, i;
	bool value;

	/* Whatever goes wrong, the shell sees no message. */
	if (freopen("/dev/null", "w", stderr) == NULL || argc < 3)
		return CTL_EXIT_USAGE;
	cword = atoi(argv[1]);
	n = complete_join(words, n, &cword, &value);
	if (value || cword < 1 || cword > n)
		return 0;
	c.cur = cword < n ? words[cword] : "";
	c.curlen = strlen(c.cur);
	for (i = 1; i < cword && complete_global(&c, words, n, &i); i++)
		;
	if (i == cword) {
		if (c.cur[0] != '-')
			complete_commands(&c);
		return 0;
	}
	/* words[i] is the command; cword - i is our word's place after it */
	if ((cmd = ctl_cmd_find(words[i])) != NULL)
		complete_command(&c, cmd, cword - i);
	else if ((reg = ctl_register_find(words[i])) != NULL)
		complete_register(&c, reg, words + i, n - i, cword - i);
	return 0;
}
