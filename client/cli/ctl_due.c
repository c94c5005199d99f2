/*
 * ctl_due.c: "ismsctl due": reviews, due dates, expiries and acceptances
 * that are due or overdue (the Due call), shown grouped by owner, checked
 * for monitoring (--check), mailed to their owners (--mail) or written as
 * a calendar (--ical).
 */
#include <sys/wait.h>

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "due_report.h"

#define DUE_DEFAULT_DAYS 14
#define DUE_SENDMAIL     "/usr/sbin/sendmail"

#define DUE_USAGE                                                              \
	"usage: ismsctl due [--within DURATION] [--owner USER] "               \
	"[--register R]\n"                                                     \
	"                   [--check [--nagios]] [--mail [--fallback ADDR]]\n" \
	"                   [--ical FILE|-]\n"

/* What due does with the items, in this order; none: print them. */
struct due_action {
	size_t off;   /* the option in ctl_opts that asks for it */
	bool is_text; /* a string option (set: asked), else a bool */
	int (*fn)(struct ctl_ctx *, const struct ctl_opts *,
	          const Isms__V1__DueResult *, uint32_t within);
};

static int due_ical(struct ctl_ctx *, const struct ctl_opts *,
                    const Isms__V1__DueResult *, uint32_t);
static int due_mail(struct ctl_ctx *, const struct ctl_opts *,
                    const Isms__V1__DueResult *, uint32_t);
static int due_check(struct ctl_ctx *, const struct ctl_opts *,
                     const Isms__V1__DueResult *, uint32_t);

static const struct due_action due_actions[] = {
    {offsetof(struct ctl_opts, ical), true, due_ical},
    {offsetof(struct ctl_opts, mail), false, due_mail},
    {offsetof(struct ctl_opts, check), false, due_check},
};

#define DUE_NACTIONS (sizeof due_actions / sizeof due_actions[0])

/* Whether o asks for action a. */
static bool
due_asked(const struct ctl_opts *o, const struct due_action *a)
{
	const char *p = (const char *)o + a->off;

	return a->is_text ? *(const char *const *)p != NULL : *(const bool *)p;
}

/* Prints the items in the chosen format. */
static void
due_print(struct ctl_ctx *ctx, const Isms__V1__DueResult *res)
{
	switch (ctx->format) {
	case CTL_FORMAT_TABLE:
		if (res->n_items == 0)
			fprintf(stderr, "nothing due (today %s)\n",
			        res->today != NULL ? res->today : "?");
		else
			due_print_table(ctx->out, res);
		break;
	case CTL_FORMAT_JSON:
		ctl_out_json(ctx->out, &res->base);
		break;
	case CTL_FORMAT_CSV:
		due_print_csv(ctx->out, res);
		break;
	}
}

/* --ical FILE|-: the calendar, to stdout or replacing FILE at once. */
static int
due_ical(struct ctl_ctx *ctx, const struct ctl_opts *o,
         const Isms__V1__DueResult *res, uint32_t within)
{
	char tmp[4096];
	FILE *f;
	int failed;

	(void)within;
	if (strcmp(o->ical, "-") == 0) {
		due_ical_write(ctx->out, res, (int64_t)time(NULL));
		return 0;
	}
	/* A calendar client reading FILE never sees half of it. */
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", o->ical) >= sizeof tmp)
		return ctl_error(CTL_EXIT_USAGE, "--ical: path too long");
	if ((f = fopen(tmp, "w")) == NULL)
		return ctl_error(CTL_EXIT_REPLY, "cannot write %s: %s", tmp,
		                 strerror(errno));
	due_ical_write(f, res, (int64_t)time(NULL));
	failed = ferror(f);
	if (fclose(f) != 0 || failed || rename(tmp, o->ical) != 0) {
		failed = errno;
		unlink(tmp);
		return ctl_error(CTL_EXIT_REPLY, "cannot write %s: %s", o->ical,
		                 strerror(failed));
	}
	return 0;
}

/* Runs sendmail -t -oi with one message on its stdin; 0 or -1. */
static int
due_sendmail(const char *to, const struct due_group *g, const char *today,
             const char *note)
{
	const char *path = getenv("ISMS_SENDMAIL");
	int fds[2], status;
	pid_t pid;
	FILE *w;

	if (path == NULL || *path == '\0')
		path = DUE_SENDMAIL;
	fflush(NULL);
	if (pipe(fds) == -1 || (pid = fork()) == -1)
		return ctl_error(-1, "cannot run %s: %s", path,
		                 strerror(errno));
	if (pid == 0) {
		/* sendmail's own chatter goes to stderr, not our stdout. */
		if (dup2(fds[0], 0) == -1 || dup2(2, 1) == -1)
			_exit(127);
		close(fds[0]);
		close(fds[1]);
		execl(path, path, "-t", "-oi", (char *)NULL);
		fprintf(stderr, "ismsctl: cannot run %s: %s\n", path,
		        strerror(errno));
		_exit(127);
	}
	close(fds[0]);
	if ((w = fdopen(fds[1], "w")) == NULL) {
		close(fds[1]);
		waitpid(pid, &status, 0);
		return -1;
	}
	due_mail_write_note(w, to, g, today, note);
	fclose(w); /* a write error shows in sendmail's exit status */
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return ctl_error(-1, "%s failed for %s (status %d)", path, to,
		                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}

/* Where g's reminder goes: its owner's e-mail (the user's, or an owner
 * that is an address: a record stored before owners were users); else
 * NULL, and why in buf. */
static const char *
due_mail_to(const struct due_group *g, char *why, size_t len)
{
	const char *e = g->n > 0 ? g->items[0]->owner_email : NULL;

	if (e != NULL && due_is_email(e))
		return e;
	if (due_is_email(g->owner))
		return g->owner;
	if (strcmp(g->owner, DUE_NO_OWNER) == 0)
		snprintf(why, len, "no owner");
	else if (e != NULL)
		snprintf(why, len, "user %s's e-mail '%s' is not an address",
		         g->owner, e);
	else
		snprintf(
		    why, len,
		    "user %s has no e-mail (ismsctl user set %s email=ADDR)",
		    g->owner, g->owner);
	return NULL;
}

/* Mails one group: to its owner, else to fallback (may be NULL: then it
 * is named on stderr as not mailed). 0, or CTL_EXIT_REPLY. */
static int
due_mail_group(struct ctl_ctx *ctx, const struct due_group *g,
               const char *fallback, const char *today)
{
	const char *to, *s = g->n == 1 ? "" : "s";
	char why[160], note[256];

	if ((to = due_mail_to(g, why, sizeof why)) != NULL) {
		if (due_sendmail(to, g, today, NULL) != 0)
			return CTL_EXIT_REPLY;
		fprintf(ctx->out, "mailed %zu item%s to %s\n", g->n, s, to);
		return 0;
	}
	if (fallback == NULL)
		return ctl_error(CTL_EXIT_REPLY,
		                 "not mailed: %zu item%s of %s: %s; --fallback "
		                 "ADDR sends them there",
		                 g->n, s, g->owner, why);
	snprintf(note, sizeof note,
	         "These come to you as the fallback: %s. Please pass them "
	         "on.",
	         why);
	if (due_sendmail(fallback, g, today, note) != 0)
		return CTL_EXIT_REPLY;
	fprintf(ctx->out, "mailed %zu item%s of %s to %s (fallback: %s)\n",
	        g->n, s, g->owner, fallback, why);
	return 0;
}

/* --mail: one message per owner, at the owner's e-mail; the rest to the
 * fallback (--fallback, else $ISMS_MAIL_FALLBACK). Exit 1 when anything
 * could not be mailed. */
static int
due_mail(struct ctl_ctx *ctx, const struct ctl_opts *o,
         const Isms__V1__DueResult *res, uint32_t within)
{
	const char *fallback = o->fallback;
	struct due_groups gs;
	size_t i;
	int rc = 0;

	(void)within;
	if (fallback == NULL &&
	    (fallback = getenv("ISMS_MAIL_FALLBACK")) != NULL &&
	    *fallback == '\0')
		fallback = NULL;
	if (fallback != NULL && !due_is_email(fallback))
		return ctl_error(CTL_EXIT_USAGE,
		                 "--fallback: '%s' is not an e-mail address",
		                 fallback);
	due_group(&gs, res->items, res->n_items);
	for (i = 0; i < gs.n; i++)
		if (due_mail_group(ctx, &gs.g[i], fallback, res->today) != 0)
			rc = CTL_EXIT_REPLY;
	due_groups_free(&gs);
	return rc;
}

/* --check: one line, exit 4 when anything is overdue; with --nagios the
 * monitoring plugin line and codes (0 ok, 1 due soon, 2 overdue). */
static int
due_check(struct ctl_ctx *ctx, const struct ctl_opts *o,
          const Isms__V1__DueResult *res, uint32_t within)
{
	if (o->nagios)
		return due_print_nagios(ctx->out, res, within);
	due_print_summary(ctx->out, res, within);
	return due_count_overdue(res) > 0 ? CTL_EXIT_OVERDUE : CTL_EXIT_OK;
}

/* Builds and sends the Due call; *out holds the result. */
static int
due_fetch(struct ctl_ctx *ctx, const struct ctl_opts *o, uint32_t within,
          Isms__V1__Reply **out)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Due due = ISMS__V1__DUE__INIT;

	due.has_within_days = 1;
	due.within_days = within;
	due.owner = (char *)o->owner;
	due.register_ = o->registers.n > 0 ? (char *)o->registers.v[0] : NULL;
	req.call_case = ISMS__V1__REQUEST__CALL_DUE;
	req.due = &due;
	return ctl_call_expect(ctx, &req, ISMS__V1__REPLY__RESULT_DUE, out);
}

/* Runs the actions asked for (the worst exit code wins), or prints. */
static int
due_run(struct ctl_ctx *ctx, const struct ctl_opts *o,
        const Isms__V1__DueResult *res, uint32_t within)
{
	bool any = false;
	size_t i;
	int rc = 0, r;

	for (i = 0; i < DUE_NACTIONS; i++) {
		if (!due_asked(o, &due_actions[i]))
			continue;
		any = true;
		r = due_actions[i].fn(ctx, o, res, within);
		/* An error (1, 3) outranks "overdue" (4) for monitoring. */
		if (r != 0 && (rc == 0 || rc == CTL_EXIT_OVERDUE))
			rc = r;
	}
	if (!any)
		due_print(ctx, res);
	return rc;
}

/* "ismsctl due [--within D] [--owner U] [--register R] [--check] ...". */
static int
due_exec(struct ctl_ctx *ctx, const struct ctl_cmd *cmd, int argc, char **argv)
{
	uint32_t within = DUE_DEFAULT_DAYS;
	Isms__V1__Reply *reply = NULL;
	struct ctl_opts o;
	int rc;

	(void)cmd;
	rc = ctl_opts_parse(ctx, "due",
	                    CTL_OPT_WITHIN | CTL_OPT_OWNER | CTL_OPT_REGISTER |
	                        CTL_OPT_CHECK | CTL_OPT_MAIL | CTL_OPT_ICAL |
	                        CTL_OPT_FALLBACK | CTL_OPT_NAGIOS,
	                    argc - 1, argv + 1, &o);
	if (rc != 0)
		goto out;
	if (o.help) {
		fputs(DUE_USAGE, ctx->out);
		goto out;
	}
	if (o.npos > 0 || o.registers.n > 1) {
		rc = ctl_error(CTL_EXIT_USAGE, "%s",
		               o.npos > 0 ? DUE_USAGE
		                          : "due: one --register at most");
		goto out;
	}
	if (o.within != NULL && due_parse_days(o.within, &within) != 0) {
		rc = ctl_error(CTL_EXIT_USAGE,
		               "--within expects days like 14, 14d or 2w (at "
		               "most %d days), got '%s'",
		               DUE_MAX_DAYS, o.within);
		goto out;
	}
	o.check = o.check || o.nagios;
	if ((rc = due_fetch(ctx, &o, within, &reply)) == 0)
		rc = due_run(ctx, &o, reply->due, within);
	else if (o.nagios) {
		/* The plugin's UNKNOWN, whatever went wrong. */
		fprintf(ctx->out, "ISMS DUE UNKNOWN - no answer from ismsd\n");
		rc = DUE_NAGIOS_UNKNOWN;
	}
out:
	isms_reply_free(reply);
	ctl_opts_free(&o);
	return rc;
}

const struct ctl_cmd ctl_cmd_due = {
    .name = "due",
    .usage = "due [--within 14d] [--owner U] [--register R] [--check "
             "[--nagios]] [--mail [--fallback ADDR]] [--ical FILE|-]",
    .help = "reviews, due dates and expiries that are due or overdue",
    .detail =
        "Items whose date has passed (overdue) or falls within --within\n"
        "(days: 14, 14d or 2w; default 14d), grouped by owner: DATE KIND "
        "ID\n"
        "TITLE and 'OVERDUE n days' or 'due in n days'. Kinds: review\n"
        "(next_review_on), due (due_on of actions, treatments, "
        "objectives),\n"
        "expiry (competence), acceptance (a risk acceptance's until), "
        "target\n"
        "(milestones, planned audits until performed), measurement (a\n"
        "metric's frequency after its latest measurement). One item per\n"
        "record and date; an action's due date replaces its review.\n"
        "-o json / csv: every item.\n"
        "--owner U a user name, or the e-mail of exactly one user.\n"
        "--check   one summary line; exit 0 when nothing is overdue, 4 "
        "when\n"
        "          something is (for monitoring; 1 stays 'error reply')\n"
        "--nagios  with --check (implied): a monitoring plugin line "
        "('ISMS DUE\n"
        "          OK|WARNING|CRITICAL - ... | perfdata') and its codes: 0 "
        "ok,\n"
        "          1 something due within --within, 2 something overdue, 3 "
        "no\n"
        "          answer from ismsd.\n"
        "--mail    one message per owner through 'sendmail -t -oi' "
        "($ISMS_SENDMAIL\n"
        "          overrides the path), To: the owner's e-mail (ismsctl "
        "user\n"
        "          add/set). Items with no owner, or whose owner has no "
        "e-mail,\n"
        "          go to --fallback ADDR ($ISMS_MAIL_FALLBACK), the ISMS "
        "manager;\n"
        "          without one they are named on stderr. Exit 1 when "
        "anything\n"
        "          could not be mailed. Subject 'ISMS: N items due or "
        "overdue'.\n"
        "--ical F  an RFC 5545 calendar (F, or - for stdout): one all-day\n"
        "          event per item, UID '<id>-<kind>@<instance>.ismsd' "
        "stable\n"
        "          across runs and unique per ismsd, the ismsctl command to "
        "run\n"
        "          in DESCRIPTION, a reminder one day before.\n",
    .exec = due_exec,
};
