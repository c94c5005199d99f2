/*
 * test_ctl_table.c: the command table of ismsctl, walked as it ships
 * (ctl_cmds and ctl_cmd_register): every command and verb has what
 * "ismsctl --help", "ismsctl help CMD" and the dispatcher need, and those
 * texts come out of the real entry points (ctl_dispatch), with no daemon.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctl.h"
#include "fieldargs.h"
#include "xmalloc.h"

/* What one ctl_dispatch run printed, and its exit code. */
struct run {
	int rc;
	char *out;
	char *err;
};

/* Reads the whole of f from its start (caller frees). */
static char *
slurp(FILE *f)
{
	char *buf;
	long n;

	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = xcalloc((size_t)n + 1, 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	return buf;
}

/* Runs "ismsctl ARGS..." through ctl_dispatch, stdout and stderr caught. */
static void
run(struct run *r, int argc, ...)
{
	struct ctl_ctx ctx = {0};
	FILE *out = tmpfile(), *err = tmpfile();
	char *argv[8];
	va_list ap;
	int i, saved;

	assert_true(argc > 0 && argc < 8);
	assert_non_null(out);
	assert_non_null(err);
	va_start(ap, argc);
	for (i = 0; i < argc; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	argv[argc] = NULL;
	ctx.out = out;
	ctx.format = CTL_FORMAT_TABLE;
	ctx.endpoint = "unix:/nonexistent/ismsd.sock"; /* never reached */
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(err), STDERR_FILENO) >= 0);
	r->rc = ctl_dispatch(&ctx, argc, argv);
	fflush(stderr);
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	fflush(out);
	r->out = slurp(out);
	r->err = slurp(err);
	fclose(out);
	fclose(err);
	assert_null(ctx.sync); /* help and usage errors never connect */
}

static void
run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

/* Every command of the table, and the registers' pseudo-command. */
static const struct ctl_cmd *
cmd_nth(size_t i)
{
	return i < ctl_ncmds    ? ctl_cmds[i]
	       : i == ctl_ncmds ? &ctl_cmd_register
	                        : NULL;
}

/* A command or verb text: there, and not empty. */
static void
assert_text(const char *s)
{
	assert_non_null(s);
	assert_true(*s != '\0');
}

static void
test_entries(void **state)
{
	const struct ctl_cmd *c, *d;
	const struct ctl_verb *v;
	size_t i, j, k;

	(void)state;
	assert_true(ctl_ncmds > 0);
	for (i = 0; (c = cmd_nth(i)) != NULL; i++) {
		assert_text(c->name);
		assert_text(c->usage);
		assert_text(c->help);
		assert_non_null(c->exec);
		/* The synopsis starts with the name. */
		assert_int_equal(strncmp(c->usage, c->name, strlen(c->name)),
		                 0);
		assert_true((c->verbs == NULL) == (c->nverbs == 0));
		for (j = 0; j < i; j++)
			assert_string_not_equal(cmd_nth(j)->name, c->name);
		/* A command named like a register would hide it. */
		if (c != &ctl_cmd_register)
			assert_null(ctl_register_find(c->name));
		assert_ptr_equal(c == &ctl_cmd_register ? NULL
		                                        : ctl_cmd_find(c->name),
		                 c == &ctl_cmd_register ? NULL : c);
		for (j = 0; j < c->nverbs; j++) {
			v = &c->verbs[j];
			/* Only the first may be the form without a verb. */
			if (j > 0 || c == &ctl_cmd_register)
				assert_text(v->name);
			if (v->name != NULL)
				assert_true(v->name[0] != '-');
			assert_non_null(v->usage); /* "": no arguments */
			assert_text(v->help);
			assert_non_null(v->exec);
			assert_true(v->min_args >= 0);
			assert_true(v->min_args <= v->max_args);
			assert_true(!v->needs_id || v->min_args >= 1);
			/* One verb of a name per register ("approve" of
			 * document and of mreview are two). */
			for (k = 0; k < j; k++)
				if (v->name != NULL &&
				    c->verbs[k].name != NULL &&
				    (v->reg == NULL ||
				     c->verbs[k].reg == NULL ||
				     strcmp(v->reg, c->verbs[k].reg) == 0))
					assert_string_not_equal(
					    c->verbs[k].name, v->name);
			if (v->reg != NULL)
				assert_non_null(ctl_register_find(v->reg));
		}
	}
	d = ctl_cmd_find("no-such-command");
	assert_null(d);
}

static void
test_help_cmd(void **state)
{
	const struct ctl_cmd *c;
	struct run r;
	char *want;
	size_t i;

	(void)state;
	for (i = 0; i < ctl_ncmds; i++) {
		c = ctl_cmds[i];
		run(&r, 2, "help", c->name);
		assert_int_equal(r.rc, CTL_EXIT_OK);
		want = xasprintf("usage: ismsctl %s\n  %s\n%s%s", c->usage,
		                 c->help, c->detail != NULL ? "\n" : "",
		                 c->detail != NULL ? c->detail : "");
		/* A command with more (link: the relations) prints it after. */
		if (c->more != NULL)
			assert_int_equal(strncmp(r.out, want, strlen(want)), 0);
		else
			assert_string_equal(r.out, want);
		assert_string_equal(r.err, "");
		free(want);
		run_free(&r);
	}
	/* help link: the relations table, each with what it joins. */
	run(&r, 2, "help", "link");
	assert_non_null(
	    strstr(r.out, "treated_by     risk -> control treatment action"));
	run_free(&r);
	/* A register: its verbs and its fields. */
	run(&r, 2, "help", "risk");
	assert_int_equal(r.rc, CTL_EXIT_OK);
	assert_non_null(strstr(r.out, "usage: ismsctl [options] risk <verb>"));
	assert_non_null(strstr(r.out, "\n  matrix [--residual]\n"));
	assert_non_null(strstr(r.out, "Fields of risk"));
	run_free(&r);
	run(&r, 2, "help", "control");
	assert_null(strstr(r.out, "matrix"));
	run_free(&r);
	run(&r, 2, "help", "no-such-thing");
	assert_int_equal(r.rc, CTL_EXIT_USAGE);
	assert_string_equal(r.out, "");
	assert_non_null(strstr(r.err, "no register or command called"));
	run_free(&r);
}

static void
test_usage(void **state)
{
	const struct ctl_cmd *c;
	const struct ctl_verb *v;
	struct run r;
	char *line;
	size_t i;

	(void)state;
	run(&r, 1, "help");
	assert_int_equal(r.rc, CTL_EXIT_OK);
	assert_int_equal(strncmp(r.out, "usage: ismsctl ", 15), 0);
	for (i = 0; i < ctl_ncmds; i++) {
		c = ctl_cmds[i];
		line = xasprintf("\n  %s\n      %s\n", c->usage, c->help);
		assert_non_null(strstr(r.out, line));
		free(line);
	}
	for (i = 0; i < ctl_cmd_register.nverbs; i++) {
		v = &ctl_cmd_register.verbs[i];
		line = xasprintf("\n  %s %s %s\n      %s\n",
		                 v->reg != NULL ? v->reg : "<register>",
		                 v->name, v->usage, v->help);
		assert_non_null(strstr(r.out, line));
		free(line);
	}
	assert_non_null(strstr(r.out, "\nExit status:\n"));
	run_free(&r);
}

/* "CMD VERB --help" of every verb, and "CMD --help" of every command
 * with verbs: usage on stdout, exit 0, nothing sent. */
static void
test_verb_help(void **state)
{
	const struct ctl_cmd *c;
	const struct ctl_verb *v;
	const char *name;
	struct run r;
	char *want;
	size_t i, j;

	(void)state;
	for (i = 0; (c = cmd_nth(i)) != NULL; i++) {
		name = c == &ctl_cmd_register ? "risk" : c->name;
		if (c->nverbs == 0)
			continue;
		run(&r, 2, name, "--help");
		assert_int_equal(r.rc, CTL_EXIT_OK);
		for (j = 0; j < c->nverbs; j++) {
			v = &c->verbs[j];
			/* Another register's own verb is not risk's. */
			if (v->name == NULL ||
			    (v->reg != NULL && strcmp(v->reg, name) != 0))
				continue;
			assert_non_null(strstr(r.out, v->name));
		}
		run_free(&r);
		for (j = 0; j < c->nverbs; j++) {
			v = &c->verbs[j];
			if (v->name == NULL ||
			    (v->reg != NULL && strcmp(v->reg, name) != 0))
				continue;
			run(&r, 3, name, v->name, "--help");
			assert_int_equal(r.rc, CTL_EXIT_OK);
			want = xasprintf(
			    "usage: ismsctl %s %s%s%s\n  %s\n", name, v->name,
			    *v->usage != '\0' ? " " : "", v->usage, v->help);
			assert_string_equal(r.out, want);
			free(want);
			run_free(&r);
		}
	}
}

/* An unknown or missing verb: exit 2 and the verbs listed. */
static void
test_unknown_verb(void **state)
{
	const struct ctl_cmd *c;
	const char *name;
	struct run r;
	size_t i, j;

	(void)state;
	for (i = 0; (c = cmd_nth(i)) != NULL; i++) {
		if (c->nverbs == 0)
			continue;
		name = c == &ctl_cmd_register ? "asset" : c->name;
		run(&r, 2, name, "no-such-verb");
		assert_int_equal(r.rc, CTL_EXIT_USAGE);
		assert_string_equal(r.out, "");
		assert_non_null(strstr(r.err, "unknown verb 'no-such-verb'"));
		for (j = 0; j < c->nverbs; j++)
			if (c->verbs[j].name != NULL && c->verbs[j].reg == NULL)
				assert_non_null(
				    strstr(r.err, c->verbs[j].name));
		run_free(&r);
		if (c->verbs[0].name == NULL)
			continue; /* "journal": the form without a verb */
		run(&r, 1, name);
		assert_int_equal(r.rc, CTL_EXIT_USAGE);
		run_free(&r);
	}
	/* The verb of one register only is no other register's. */
	run(&r, 2, "asset", "matrix");
	assert_int_equal(r.rc, CTL_EXIT_USAGE);
	assert_non_null(strstr(r.err, "history, review (see"));
	assert_null(strstr(r.err, ", matrix"));
	run_free(&r);
	/* The argument counts of the table, before anything is sent. */
	run(&r, 2, "user", "add");
	assert_int_equal(r.rc, CTL_EXIT_USAGE);
	assert_non_null(strstr(r.err, "usage: ismsctl user add NAME"));
	run_free(&r);
	run(&r, 4, "token", "revoke", "TOK-0001", "TOK-0002");
	assert_int_equal(r.rc, CTL_EXIT_USAGE);
	assert_non_null(
	    strstr(r.err, "token revoke: unexpected argument 'TOK-0002'"));
	run_free(&r);
	run(&r, 3, "journal", "head", "--deep");
	assert_int_equal(r.rc, CTL_EXIT_USAGE);
	assert_non_null(strstr(r.err, "journal head: unknown option '--deep'"));
	run_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_entries),
	    cmocka_unit_test(test_help_cmd),
	    cmocka_unit_test(test_usage),
	    cmocka_unit_test(test_verb_help),
	    cmocka_unit_test(test_unknown_verb),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
