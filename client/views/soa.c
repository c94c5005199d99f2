/*
 * soa.c: the Statement of Applicability from control records.
 */
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "pbfield.h"
#include "reglist.h"
#include "soa.h"
#include "xmalloc.h"

#define SOA_TITLE_MAX 48
#define SOA_JUST_MAX  40

/* Annex A theme titles, for a server that sends only "A.5". */
static const struct {
	int group;
	const char *title;
} soa_themes[] = {
    {5, "A.5 Organizational controls"},
    {6, "A.6 People controls"},
    {7, "A.7 Physical controls"},
    {8, "A.8 Technological controls"},
};

#define SOA_NTHEMES (sizeof soa_themes / sizeof soa_themes[0])

/* The Annex A theme number of a control id "A.5.1" (5), or -1. */
static int
soa_id_group(const char *id)
{
	char *end;
	long n;

	if (id == NULL || strncmp(id, "A.", 2) != 0 || id[2] < '0' ||
	    id[2] > '9')
		return -1;
	n = strtol(id + 2, &end, 10);
	if (*end != '.' || n < 0 || n >= SOA_OWN_GROUP)
		return -1;
	return (int)n;
}

/* The theme title of a control: the server's, else the catalog's. */
static char *
soa_theme(const Isms__V1__Control *c, int group)
{
	const char *t = c != NULL ? c->theme : NULL;
	size_t i;

	if (group < 0)
		return xstrdup(SOA_OWN_TITLE);
	/* "A.5 Organizational controls" as it is; "A.5" needs a title. */
	if (t != NULL && strchr(t, ' ') != NULL)
		return xstrdup(t);
	for (i = 0; i < SOA_NTHEMES; i++)
		if (soa_themes[i].group == group)
			return xstrdup(soa_themes[i].title);
	return xasprintf("A.%d", group);
}

/* The ids of risks linking to rec, space separated, each once. */
static char *
soa_risks(const Isms__V1__Record *rec)
{
	char *s = xstrdup(""), *t;
	const char *id;
	size_t i;

	for (i = 0; i < rec->n_linked_from; i++) {
		id = rec->linked_from[i]->target;
		if (!reglist_owns_id(&reglist[reglist_index_risk], id))
			continue;
		t = strstr(s, id);
		if (t != NULL && (t == s || t[-1] == ' ') &&
		    (t[strlen(id)] == '\0' || t[strlen(id)] == ' '))
			continue;
		t = xasprintf("%s%s%s", s, *s != '\0' ? " " : "", id);
		free(s);
		s = t;
	}
	return s;
}

/* Makes one row per control, grouped by theme. */
void
soa_build(struct soa *s, Isms__V1__Record *const *recs, size_t n)
{
	const Isms__V1__Control *c;
	struct soa_row *r;
	size_t i, k;

	s->rows = xcalloc(n + 1, sizeof *s->rows);
	s->n = 0;
	for (i = 0; i < n; i++) {
		if (recs[i]->body_case != ISMS__V1__RECORD__BODY_CONTROL)
			continue;
		c = recs[i]->control;
		r = &s->rows[s->n++];
		r->id = recs[i]->id != NULL ? recs[i]->id : "";
		r->title = recs[i]->title;
		r->owner = recs[i]->owner;
		r->group = soa_id_group(r->id);
		r->theme = soa_theme(c, r->group);
		if (r->group < 0)
			r->group = SOA_OWN_GROUP;
		r->risks = soa_risks(recs[i]);
		if (c == NULL)
			continue;
		r->justification = c->justification;
		r->evidence = c->evidence;
		r->last_tested_on = c->last_tested_on;
		r->status = c->has_status ? c->status : 0;
		r->applicable = !c->has_applicable ? SOA_UNDECIDED
		                : c->applicable    ? SOA_YES
		                                   : SOA_NO;
	}
	/* By theme, keeping the given (natural) order inside a theme. */
	for (i = 1; i < s->n; i++) {
		struct soa_row tmp = s->rows[i];

		for (k = i; k > 0 && s->rows[k - 1].group > tmp.group; k--)
			s->rows[k] = s->rows[k - 1];
		s->rows[k] = tmp;
	}
}

/* Frees the rows of s. */
void
soa_free(struct soa *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->rows[i].theme);
		free(s->rows[i].risks);
	}
	free(s->rows);
	memset(s, 0, sizeof *s);
}

/* The word for an applicability answer. */
const char *
soa_applicable_name(enum soa_applicable a)
{
	static const char *const names[] = {
	    [SOA_UNDECIDED] = "undecided", [SOA_YES] = "yes", [SOA_NO] = "no"};

	return names[a];
}

/* The human name of a control status, "" when unset. */
const char *
soa_status_name(Isms__V1__ControlStatus st, char *buf, size_t len)
{
	if (st == 0 || pb_enum_name(&isms__v1__control_status__descriptor,
	                            (int)st, buf, len) == NULL)
		buf[0] = '\0';
	return buf;
}

/* A cell for people: clean, cut at max, "-" when empty. */
static char *
soa_cell(const char *s, size_t max)
{
	return ctl_out_clean(s != NULL && *s != '\0' ? s : "-", max);
}

/* Prints a heading and a table per theme, then the counts. */
void
soa_print_table(FILE *f, const struct soa *s)
{
	static const char *const titles[] = {
	    "ID",    "TITLE", "APPLICABLE", "STATUS", "JUSTIFICATION",
	    "OWNER", "RISKS"};
	const size_t nc = sizeof titles / sizeof titles[0];
	size_t count[3] = {0}, impl = 0, i, c, *w;
	char **cells = xcalloc(s->n * nc + 1, sizeof *cells), st[64];
	const struct soa_row *r;

	for (i = 0; i < s->n; i++) {
		r = &s->rows[i];
		cells[i * nc] = soa_cell(r->id, SIZE_MAX);
		cells[i * nc + 1] = soa_cell(r->title, SOA_TITLE_MAX);
		cells[i * nc + 2] = xstrdup(soa_applicable_name(r->applicable));
		cells[i * nc + 3] =
		    soa_cell(soa_status_name(r->status, st, sizeof st), 64);
		cells[i * nc + 4] = soa_cell(r->justification, SOA_JUST_MAX);
		cells[i * nc + 5] = soa_cell(r->owner, SIZE_MAX);
		cells[i * nc + 6] = soa_cell(r->risks, SIZE_MAX);
		count[r->applicable]++;
		if (r->status ==
		    ISMS__V1__CONTROL_STATUS__CONTROL_STATUS_IMPLEMENTED)
			impl++;
	}
	w = ctl_out_table_widths(titles, nc, cells, s->n);
	for (i = 0; i < s->n; i++) {
		r = &s->rows[i];
		if (i == 0 || r->group != s->rows[i - 1].group ||
		    strcmp(r->theme, s->rows[i - 1].theme) != 0) {
			fputs(i > 0 ? "\n" : "", f);
			ctl_out_text(f, r->theme);
			fputc('\n', f);
			ctl_out_table_row(f, titles, nc, w);
		}
		ctl_out_table_row(f, (const char *const *)&cells[i * nc], nc,
		                  w);
	}
	fprintf(f,
	        "%s%zu controls: %zu applicable, %zu not applicable, %zu "
	        "undecided; %zu implemented\n",
	        s->n > 0 ? "\n" : "", s->n, count[SOA_YES], count[SOA_NO],
	        count[SOA_UNDECIDED], impl);
	for (c = 0; c < s->n * nc; c++)
		free(cells[c]);
	free(cells);
	free(w);
}

/* Writes the auditor's CSV export. */
void
soa_print_csv(FILE *f, const struct soa *s)
{
	const struct soa_row *r;
	char st[64];
	size_t i, c;

	fputs("id,title,theme,applicable,status,justification,owner,risks,"
	      "evidence,last_tested_on\r\n",
	      f);
	for (i = 0; i < s->n; i++) {
		const char *cells[10];

		r = &s->rows[i];
		cells[0] = r->id;
		cells[1] = r->title;
		cells[2] = r->theme;
		cells[3] = soa_applicable_name(r->applicable);
		cells[4] = soa_status_name(r->status, st, sizeof st);
		cells[5] = r->justification;
		cells[6] = r->owner;
		cells[7] = r->risks;
		cells[8] = r->evidence;
		cells[9] = r->last_tested_on;
		for (c = 0; c < 10; c++) {
			if (c > 0)
				fputc(',', f);
			ctl_out_csv_cell(f, cells[c] != NULL ? cells[c] : "");
		}
		fputs("\r\n", f);
	}
}

/* Writes "key": "value" (null when absent or empty). */
static void
json_kv(FILE *f, const char *key, const char *v, bool last)
{
	fprintf(f, "\"%s\": ", key);
	if (v != NULL && *v != '\0')
		ctl_out_json_string(f, v);
	else
		fputs("null", f);
	fputs(last ? "" : ", ", f);
}

/* Writes the rows as a JSON array. */
void
soa_print_json(FILE *f, const struct soa *s)
{
	static const char *const applicable[] = {
	    [SOA_UNDECIDED] = "null", [SOA_YES] = "true", [SOA_NO] = "false"};
	const struct soa_row *r;
	const char *p, *sp;
	char st[64], *id;
	size_t i;

	fputc('[', f);
	for (i = 0; i < s->n; i++) {
		r = &s->rows[i];
		fputs(i > 0 ? ",\n  {" : "\n  {", f);
		json_kv(f, "id", r->id, false);
		json_kv(f, "title", r->title, false);
		json_kv(f, "theme", r->theme, false);
		fprintf(f, "\"applicable\": %s, ", applicable[r->applicable]);
		json_kv(f, "status", soa_status_name(r->status, st, sizeof st),
		        false);
		json_kv(f, "justification", r->justification, false);
		json_kv(f, "owner", r->owner, false);
		fputs("\"risks\": [", f);
		for (p = r->risks; *p != '\0'; p = *sp != '\0' ? sp + 1 : sp) {
			sp = strchr(p, ' ');
			if (sp == NULL)
				sp = p + strlen(p);
			id = xstrndup(p, (size_t)(sp - p));
			fputs(p != r->risks ? ", " : "", f);
			ctl_out_json_string(f, id);
			free(id);
		}
		fputs("], ", f);
		json_kv(f, "evidence", r->evidence, false);
		json_kv(f, "last_tested_on", r->last_tested_on, true);
		fputc('}', f);
	}
	fputs(s->n > 0 ? "\n]\n" : "]\n", f);
}
