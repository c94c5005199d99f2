/* programme.c: the audit programme from the registers (see programme.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "programme.h"
#include "xmalloc.h"

static const struct {
	const char *key, *title;
} prog_groups[PROG_NGROUPS] = {
    {"4", "Context of the organization"},
    {"5", "Leadership"},
    {"6", "Planning"},
    {"7", "Support"},
    {"8", "Operation"},
    {"9", "Performance evaluation"},
    {"10", "Improvement"},
    {"A.5", "Organizational controls"},
    {"A.6", "People controls"},
    {"A.7", "Physical controls"},
    {"A.8", "Technological controls"},
};

const char *
prog_group_of(const char *id, char *buf, size_t cap)
{
	size_t n;

	if (id == NULL)
		return NULL;
	if (strncmp(id, "A.", 2) == 0 && isdigit((unsigned char)id[2])) {
		n = 2 + strspn(id + 2, "0123456789");
		snprintf(buf, cap, "%.*s", (int)n, id);
		return buf;
	}
	if (!isdigit((unsigned char)id[0]))
		return NULL;
	n = strspn(id, "0123456789");
	snprintf(buf, cap, "%.*s", (int)n, id);
	return buf;
}

/* The audit's date: performed_on, else planned_on (or NULL). */
static const char *
prog_audit_date(const Isms__V1__Record *a)
{
	if (a->audit == NULL)
		return NULL;
	if (a->audit->performed_on != NULL && a->audit->performed_on[0])
		return a->audit->performed_on;
	return a->audit->planned_on;
}

/* The requirement or control called id, or NULL. */
static const Isms__V1__Record *
prog_item(const struct prog_input *in, const char *id)
{
	size_t i;

	for (i = 0; i < in->nitems; i++)
		if (in->items[i]->id != NULL &&
		    strcmp(in->items[i]->id, id) == 0)
			return in->items[i];
	return NULL;
}

/* Notes that audit a covers item id: in its group, and a conflict when
 * the auditor owns the item. */
static void
prog_cover(struct programme *p, const struct prog_input *in,
           const Isms__V1__Record *a, const char *id)
{
	const Isms__V1__Record *item = prog_item(in, id);
	const char *auditor = a->audit != NULL ? a->audit->auditor : NULL;
	struct prog_group *g = NULL;
	char buf[16];
	const char *key = prog_group_of(id, buf, sizeof buf);
	size_t i;

	for (i = 0; key != NULL && i < PROG_NGROUPS; i++)
		if (strcmp(p->g[i].key, key) == 0)
			g = &p->g[i];
	if (g == NULL)
		return;
	for (i = 0; i < g->naudits; i++)
		if (strcmp(g->audits[i], a->id) == 0)
			break;
	if (i == g->naudits) {
		g->audits =
		    xreallocarray(g->audits, g->naudits + 1, sizeof *g->audits);
		g->items =
		    xreallocarray(g->items, g->naudits + 1, sizeof *g->items);
		g->audits[g->naudits] = a->id;
		g->items[g->naudits++] = item != NULL ? item->id : id;
	}
	if (item != NULL && auditor != NULL && auditor[0] != '\0' &&
	    item->owner != NULL && strcmp(item->owner, auditor) == 0) {
		for (i = 0; i < p->nconf; i++)
			if (strcmp(p->conf[i].audit, a->id) == 0 &&
			    strcmp(p->conf[i].item, item->id) == 0)
				return;
		p->conf = xreallocarray(p->conf, p->nconf + 1, sizeof *p->conf);
		p->conf[p->nconf].audit = a->id;
		p->conf[p->nconf].auditor = auditor;
		p->conf[p->nconf++].item = item->id;
	}
}

/* Whether record r links rel to target. */
static bool
prog_links(const Isms__V1__Record *r, const char *rel, const char *target)
{
	size_t i;

	for (i = 0; i < r->n_links; i++)
		if (r->links[i]->rel != NULL && r->links[i]->target != NULL &&
		    strcmp(r->links[i]->rel, rel) == 0 &&
		    strcmp(r->links[i]->target, target) == 0)
			return true;
	return false;
}

/* What audit a covers: its own covers links and its findings' about. */
static void
prog_audit(struct programme *p, const struct prog_input *in,
           const Isms__V1__Record *a)
{
	const Isms__V1__Record *f;
	size_t i, j;

	for (i = 0; i < a->n_links; i++)
		if (a->links[i]->rel != NULL &&
		    strcmp(a->links[i]->rel, PROG_COVERS) == 0)
			prog_cover(p, in, a, a->links[i]->target);
	for (i = 0; i < in->nfindings; i++) {
		f = in->findings[i];
		if (!prog_links(f, PROG_FOUND_IN, a->id))
			continue;
		for (j = 0; j < f->n_links; j++)
			if (f->links[j]->rel != NULL &&
			    strcmp(f->links[j]->rel, PROG_ABOUT) == 0)
				prog_cover(p, in, a, f->links[j]->target);
	}
}

void
prog_build(struct programme *p, const struct prog_input *in)
{
	const Isms__V1__Record *a;
	const char *d;
	size_t i;

	memset(p, 0, sizeof *p);
	for (i = 0; i < PROG_NGROUPS; i++) {
		p->g[i].key = prog_groups[i].key;
		p->g[i].title = prog_groups[i].title;
	}
	for (i = 0; i < in->naudits; i++) {
		a = in->audits[i];
		if (a->id == NULL || (d = prog_audit_date(a)) == NULL ||
		    strcmp(d, in->from) < 0 || strcmp(d, in->to) > 0)
			continue;
		p->in_window = xreallocarray(p->in_window, p->nin + 1,
		                             sizeof *p->in_window);
		p->in_window[p->nin++] = a->id;
		prog_audit(p, in, a);
	}
}

void
prog_free(struct programme *p)
{
	size_t i;

	for (i = 0; i < PROG_NGROUPS; i++) {
		free(p->g[i].audits);
		free(p->g[i].items);
	}
	free(p->in_window);
	free(p->conf);
	memset(p, 0, sizeof *p);
}

/* The audits of g joined by ", " (malloc'ed; "" when none). */
static char *
prog_join(const char *const *v, size_t n)
{
	size_t len = 1, i;
	char *s;

	for (i = 0; i < n; i++)
		len += strlen(v[i]) + 2;
	s = xmalloc(len);
	s[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(s, ", ");
		strcat(s, v[i]);
	}
	return s;
}

void
prog_print_table(FILE *f, const struct prog_input *in,
                 const struct programme *p)
{
	static const char *const titles[] = {"GROUP", "TITLE", "STATUS",
	                                     "AUDITS"};
	char *cells[PROG_NGROUPS * 4];
	size_t i, n = 0;

	fprintf(f, "Audit programme %s to %s: %zu audit%s in the window\n\n",
	        in->from, in->to, p->nin, p->nin == 1 ? "" : "s");
	for (i = 0; i < PROG_NGROUPS; i++) {
		cells[i * 4] = xstrdup(p->g[i].key);
		cells[i * 4 + 1] = xstrdup(p->g[i].title);
		cells[i * 4 + 2] =
		    xstrdup(p->g[i].naudits > 0 ? "covered" : "NOT COVERED");
		cells[i * 4 + 3] = prog_join(p->g[i].audits, p->g[i].naudits);
	}
	ctl_out_table(f, titles, 4, cells, PROG_NGROUPS);
	for (i = 0; i < PROG_NGROUPS * 4; i++)
		free(cells[i]);
	for (i = 0; i < PROG_NGROUPS; i++)
		n += p->g[i].naudits == 0;
	fputs("\nNot covered in the window:", f);
	for (i = 0; i < PROG_NGROUPS; i++)
		if (p->g[i].naudits == 0)
			fprintf(f, " %s", p->g[i].key);
	fputs(n == 0 ? " nothing\n" : "\n", f);
	fputs("\nAuditor independence (9.2.2 c):", f);
	if (p->nconf == 0)
		fputs(" no audit in the window is made by the owner of what "
		      "it audits\n",
		      f);
	else
		fputc('\n', f);
	for (i = 0; i < p->nconf; i++) {
		fprintf(f, "  %s: auditor ", p->conf[i].audit);
		ctl_out_text(f, p->conf[i].auditor);
		fprintf(f, " owns %s\n", p->conf[i].item);
	}
}

void
prog_print_json(FILE *f, const struct prog_input *in, const struct programme *p)
{
	size_t i, j;

	fputs("{\"from\":", f);
	ctl_out_json_string(f, in->from);
	fputs(",\"to\":", f);
	ctl_out_json_string(f, in->to);
	fputs(",\"audits\":[", f);
	for (i = 0; i < p->nin; i++) {
		fputs(i > 0 ? "," : "", f);
		ctl_out_json_string(f, p->in_window[i]);
	}
	fputs("],\"groups\":[", f);
	for (i = 0; i < PROG_NGROUPS; i++) {
		fputs(i > 0 ? "," : "", f);
		fputs("{\"key\":", f);
		ctl_out_json_string(f, p->g[i].key);
		fputs(",\"title\":", f);
		ctl_out_json_string(f, p->g[i].title);
		fprintf(f, ",\"covered\":%s,\"audits\":[",
		        p->g[i].naudits > 0 ? "true" : "false");
		for (j = 0; j < p->g[i].naudits; j++) {
			fputs(j > 0 ? "," : "", f);
			ctl_out_json_string(f, p->g[i].audits[j]);
		}
		fputs("]}", f);
	}
	fputs("],\"independence\":[", f);
	for (i = 0; i < p->nconf; i++) {
		fputs(i > 0 ? "," : "", f);
		fputs("{\"audit\":", f);
		ctl_out_json_string(f, p->conf[i].audit);
		fputs(",\"auditor\":", f);
		ctl_out_json_string(f, p->conf[i].auditor);
		fputs(",\"owns\":", f);
		ctl_out_json_string(f, p->conf[i].item);
		fputc('}', f);
	}
	fputs("]}\n", f);
}

/* One CSV row of six cells. */
static void
prog_csv_row(FILE *f, const char *const c[6])
{
	size_t i;

	for (i = 0; i < 6; i++) {
		if (i > 0)
			fputc(',', f);
		ctl_out_csv_cell(f, c[i] != NULL ? c[i] : "");
	}
	fputc('\n', f);
}

void
prog_print_csv(FILE *f, const struct prog_input *in, const struct programme *p)
{
	char *audits;
	size_t i;

	fputs("section,key,title,status,audits,detail\n", f);
	for (i = 0; i < PROG_NGROUPS; i++) {
		audits = prog_join(p->g[i].audits, p->g[i].naudits);
		prog_csv_row(
		    f, (const char *const[6]){
		           "group", p->g[i].key, p->g[i].title,
		           p->g[i].naudits > 0 ? "covered" : "not covered",
		           audits, NULL});
		free(audits);
	}
	audits = prog_join(p->in_window, p->nin);
	prog_csv_row(f, (const char *const[6]){"window", in->from, in->to, NULL,
	                                       audits, NULL});
	free(audits);
	for (i = 0; i < p->nconf; i++)
		prog_csv_row(f, (const char *const[6]){
		                    "independence", p->conf[i].item, NULL,
		                    "auditor owns it", p->conf[i].audit,
		                    p->conf[i].auditor});
}
