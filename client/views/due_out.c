/*
 * due_out.c: due items leaving ismsctl: one reminder mail per owner (for
 * sendmail -t) and an RFC 5545 calendar file.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "due_report.h"
#include "output.h"
#include "xmalloc.h"

#define ICAL_FOLD   75  /* octets per content line, CRLF excluded */
#define EMAIL_MAX   254 /* RFC 5321 path limit */
#define ICAL_PRODID "-//ismsd//ismsctl " ISMS_VERSION "//EN"

/* What a calendar entry is called for each kind. */
static const struct due_kind_label {
	Isms__V1__DueKind kind;
	const char *label;
} due_kind_labels[] = {
    {ISMS__V1__DUE_KIND__DUE_KIND_REVIEW, "Review"},
    {ISMS__V1__DUE_KIND__DUE_KIND_DUE, "Due"},
    {ISMS__V1__DUE_KIND__DUE_KIND_EXPIRY, "Expires"},
    {ISMS__V1__DUE_KIND__DUE_KIND_ACCEPTANCE, "Acceptance ends"},
    {ISMS__V1__DUE_KIND__DUE_KIND_TARGET, "Target"},
    {ISMS__V1__DUE_KIND__DUE_KIND_MEASUREMENT, "Measure"},
};

/* Characters allowed in the local part of an address (besides alnum). */
static const char email_local_extra[] = "!#$%&'*+-/=?^_`{|}~.";

/* Whether c is an ASCII letter or digit. */
static bool
is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* Whether s[0..n) is a dot-separated host name with at least one dot. */
static bool
email_domain_ok(const char *s, size_t n)
{
	size_t i, label = 0, dots = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
			dots++;
		} else if (is_alnum(s[i]) || (s[i] == '-' && label > 0))
			label++;
		else
			return false;
	}
	return dots > 0 && label > 0 && s[n - 1] != '-';
}

bool
due_is_email(const char *owner)
{
	const char *at = strchr(owner, '@');
	size_t i, local;

	if (at == NULL || strchr(at + 1, '@') != NULL ||
	    strlen(owner) > EMAIL_MAX)
		return false;
	local = (size_t)(at - owner);
	if (local == 0 || owner[0] == '.' || owner[local - 1] == '.')
		return false;
	for (i = 0; i < local; i++) {
		if (!is_alnum(owner[i]) &&
		    strchr(email_local_extra, owner[i]) == NULL)
			return false;
		if (owner[i] == '.' && owner[i + 1] == '.')
			return false;
	}
	return email_domain_ok(at + 1, strlen(at + 1));
}

void
due_mail_write(FILE *f, const char *to, const struct due_group *g,
               const char *today)
{
	due_mail_write_note(f, to, g, today, NULL);
}

void
due_mail_write_note(FILE *f, const char *to, const struct due_group *g,
                    const char *today, const char *note)
{
	const Isms__V1__DueItem *it;
	const char *who = g->n > 0 ? g->items[0]->owner_display_name : NULL;
	char kind[32], state[64], *title, *id, *clean;
	size_t i;

	fprintf(f,
	        "To: %s\n"
	        "Subject: ISMS: %zu item%s due or overdue\n"
	        "MIME-Version: 1.0\n"
	        "Content-Type: text/plain; charset=utf-8\n"
	        "Content-Transfer-Encoding: 8bit\n"
	        "Auto-Submitted: auto-generated\n"
	        "\n",
	        to, g->n, g->n == 1 ? "" : "s");
	clean = ctl_out_clean(who != NULL && note == NULL ? who : "", SIZE_MAX);
	fprintf(f, "Hello%s%s,\n\n", clean[0] != '\0' ? " " : "", clean);
	free(clean);
	if (note != NULL) {
		clean = ctl_out_clean(note, SIZE_MAX);
		fprintf(f, "%s\n\n", clean);
		free(clean);
	}
	fprintf(f, "these ISMS items %sare due or overdue (as of %s):\n\n",
	        note != NULL ? "" : "of yours ",
	        today != NULL ? today : "today");
	for (i = 0; i < g->n; i++) {
		it = g->items[i];
		id = ctl_out_clean(it->id != NULL ? it->id : "?", SIZE_MAX);
		title =
		    ctl_out_clean(it->title != NULL ? it->title : "", SIZE_MAX);
		due_state(it, state, sizeof state);
		fprintf(f, "  %s  %-6s  %s  %s: %s\n",
		        it->date != NULL ? it->date : "?",
		        due_kind_name((int)it->kind, kind, sizeof kind), id,
		        title, state);
		free(id);
		free(title);
	}
	fputs("\nRecord a review with:   ismsctl review ID [note=\"...\"]\n"
	      "See everything due with: ismsctl due --within 14d\n"
	      "\n-- \nismsd reminders (ismsctl due --mail)\n",
	      f);
}

char *
due_ical_escape(const char *s)
{
	char *out = xmalloc(2 * strlen(s) + 1), *o = out;

	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == ';' || *s == ',') {
			*o++ = '\\';
			*o++ = *s;
		} else if (*s == '\n') {
			*o++ = '\\';
			*o++ = 'n';
		} else if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*o++ = ' '; /* CR, tabs, controls: not in TEXT */
		else
			*o++ = *s;
	}
	*o = '\0';
	return out;
}

void
due_ical_line(FILE *f, const char *line)
{
	size_t len = strlen(line), room = ICAL_FOLD, n;

	for (;;) {
		n = len < room ? len : room;
		/* Never split a UTF-8 sequence: back off to its start. */
		while (n < len && n > 0 &&
		       ((unsigned char)line[n] & 0xc0) == 0x80)
			n--;
		fwrite(line, 1, n, f);
		fputs("\r\n", f);
		line += n;
		len -= n;
		if (len == 0)
			break;
		fputc(' ', f); /* a continuation: the space counts */
		room = ICAL_FOLD - 1;
	}
}

/* Writes "NAME:VALUE" (VALUE already escaped as needed) folded. */
static void
ical_prop(FILE *f, const char *name, const char *value)
{
	char *line = xasprintf("%s:%s", name, value);

	due_ical_line(f, line);
	free(line);
}

/* Writes "NAME:" and s escaped as TEXT. */
static void
ical_text(FILE *f, const char *name, const char *s)
{
	char *esc = due_ical_escape(s);

	ical_prop(f, name, esc);
	free(esc);
}

/* "2026-03-01" plus days as "20260302"; -1 if date is malformed. */
static int
ical_date(const char *date, int days, char *buf, size_t len)
{
	struct tm tm = {0};
	time_t t;
	int y, m, d, n = 0;

	if (date == NULL ||
	    sscanf(date, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d + days;
	t = timegm(&tm);
	if (gmtime_r(&t, &tm) == NULL)
		return -1;
	strftime(buf, len, "%Y%m%d", &tm);
	return 0;
}

/* The calendar label of a kind ("Review"). */
static const char *
kind_label(int kind, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof due_kind_labels / sizeof due_kind_labels[0]; i++)
		if ((int)due_kind_labels[i].kind == kind)
			return due_kind_labels[i].label;
	return due_kind_name(kind, buf, len);
}

/* The command that shows or settles it: "ismsctl review RSK-0001" for a
 * review, else "ismsctl action get ACT-0001". */
static char *
ical_command(const Isms__V1__DueItem *it, const char *id)
{
	if (it->kind == ISMS__V1__DUE_KIND__DUE_KIND_REVIEW)
		return xasprintf("ismsctl review %s", id);
	return xasprintf("ismsctl %s get %s",
	                 it->register_ != NULL ? it->register_ : "risk", id);
}

/* One VEVENT for it; instance names the ismsd it came from (or NULL). */
static void
ical_event(FILE *f, const Isms__V1__DueItem *it, const char *stamp,
           const char *instance)
{
	char *cmd;
	char start[16], end[16], kind[32], label[32], *s;
	const char *id = it->id != NULL ? it->id : "?";
	const char *title = it->title != NULL ? it->title : "";

	if (ical_date(it->date, 0, start, sizeof start) != 0 ||
	    ical_date(it->date, 1, end, sizeof end) != 0)
		return; /* no date: nothing to put in a calendar */
	due_kind_name((int)it->kind, kind, sizeof kind);
	due_ical_line(f, "BEGIN:VEVENT");
	/* Unique across ismsd instances, stable across runs. */
	if (instance != NULL && instance[0] != '\0')
		s = xasprintf("%s-%s@%s.ismsd", id, kind, instance);
	else
		s = xasprintf("%s-%s@ismsd", id, kind);
	ical_text(f, "UID", s);
	free(s);
	ical_prop(f, "DTSTAMP", stamp);
	ical_prop(f, "DTSTART;VALUE=DATE", start);
	ical_prop(f, "DTEND;VALUE=DATE", end);
	s = xasprintf("%s %s: %s",
	              kind_label((int)it->kind, label, sizeof label), id,
	              title);
	ical_text(f, "SUMMARY", s);
	free(s);
	cmd = ical_command(it, id);
	s = xasprintf("%s %s \"%s\", owner %s: %s on %s.\n%s",
	              it->register_ != NULL ? it->register_ : "record", id,
	              title, it->owner != NULL ? it->owner : DUE_NO_OWNER, kind,
	              it->date, cmd);
	ical_text(f, "DESCRIPTION", s);
	free(s);
	free(cmd);
	ical_prop(f, "CATEGORIES", "ISMS");
	ical_prop(f, "TRANSP", "TRANSPARENT");
	due_ical_line(f, "BEGIN:VALARM");
	ical_prop(f, "ACTION", "DISPLAY");
	s = xasprintf("%s %s: %s",
	              kind_label((int)it->kind, label, sizeof label), id,
	              title);
	ical_text(f, "DESCRIPTION", s);
	free(s);
	ical_prop(f, "TRIGGER", "-P1D");
	due_ical_line(f, "END:VALARM");
	due_ical_line(f, "END:VEVENT");
}

void
due_ical_write(FILE *f, const Isms__V1__DueResult *res, int64_t now)
{
	char stamp[32];
	time_t t = (time_t)now;
	struct tm tm;
	size_t i;

	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	due_ical_line(f, "BEGIN:VCALENDAR");
	ical_prop(f, "VERSION", "2.0");
	ical_prop(f, "PRODID", ICAL_PRODID);
	ical_prop(f, "CALSCALE", "GREGORIAN");
	ical_prop(f, "METHOD", "PUBLISH");
	ical_prop(f, "X-WR-CALNAME", "ISMS due dates");
	for (i = 0; i < res->n_items; i++)
		ical_event(f, res->items[i], stamp, res->instance_id);
	due_ical_line(f, "END:VCALENDAR");
}
