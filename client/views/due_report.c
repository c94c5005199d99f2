/*
 * due_report.c: due and overdue items for people and spreadsheets: durations,
 * grouping by owner, the table, CSV and the --check summary.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "due_report.h"
#include "output.h"
#include "pbfield.h"
#include "xmalloc.h"

/* The unit suffixes of a duration, in days. */
static const struct due_unit {
	const char *suffix;
	uint32_t days;
} due_units[] = {
    {"", 1},
    {"d", 1},
    {"w", 7},
};

int
due_parse_days(const char *s, uint32_t *days)
{
	unsigned long n;
	char *end;
	size_t i;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno != 0 || n > DUE_MAX_DAYS)
		return -1;
	for (i = 0; i < sizeof due_units / sizeof due_units[0]; i++) {
		if (strcmp(end, due_units[i].suffix) != 0)
			continue;
		if (n * due_units[i].days > DUE_MAX_DAYS)
			return -1;
		*days = (uint32_t)n * due_units[i].days;
		return 0;
	}
	return -1;
}

const char *
due_kind_name(int kind, char *buf, size_t len)
{
	if (pb_enum_name(&isms__v1__due_kind__descriptor, kind, buf, len) ==
	    NULL)
		snprintf(buf, len, "%d", kind);
	return buf;
}

bool
due_is_overdue(const Isms__V1__DueItem *it)
{
	if (it->has_overdue)
		return it->overdue;
	return it->has_days && it->days < 0;
}

void
due_state(const Isms__V1__DueItem *it, char *buf, size_t len)
{
	int d = it->has_days ? it->days : 0;

	if (due_is_overdue(it)) {
		d = d < 0 ? -d : d;
		snprintf(buf, len, "OVERDUE %d day%s", d, d == 1 ? "" : "s");
	} else if (d <= 0)
		snprintf(buf, len, "due today");
	else
		snprintf(buf, len, "due in %d day%s", d, d == 1 ? "" : "s");
}

size_t
due_count_overdue(const Isms__V1__DueResult *res)
{
	size_t i, n = 0;

	for (i = 0; i < res->n_items; i++)
		n += due_is_overdue(res->items[i]);
	return n;
}

/* The owner an item is filed under. */
static const char *
item_owner(const Isms__V1__DueItem *it)
{
	return it->owner != NULL && *it->owner != '\0' ? it->owner
	                                               : DUE_NO_OWNER;
}

/* Orders groups by owner name. */
static int
group_cmp(const void *a, const void *b)
{
	const struct due_group *x = a, *y = b;

	return strcmp(x->owner, y->owner);
}

void
due_group(struct due_groups *gs, Isms__V1__DueItem *const *items, size_t n)
{
	struct due_group *g;
	size_t i, k;

	memset(gs, 0, sizeof *gs);
	for (i = 0; i < n; i++) {
		for (k = 0; k < gs->n; k++)
			if (strcmp(gs->g[k].owner, item_owner(items[i])) == 0)
				break;
		if (k == gs->n) {
			gs->g = xreallocarray(gs->g, gs->n + 1, sizeof *gs->g);
			memset(&gs->g[gs->n], 0, sizeof gs->g[0]);
			gs->g[gs->n++].owner = item_owner(items[i]);
		}
		g = &gs->g[k];
		g->items = xreallocarray(g->items, g->n + 1, sizeof *g->items);
		g->items[g->n++] = items[i];
	}
	if (gs->n > 1)
		qsort(gs->g, gs->n, sizeof *gs->g, group_cmp);
}

void
due_groups_free(struct due_groups *gs)
{
	size_t i;

	for (i = 0; i < gs->n; i++)
		free(gs->g[i].items);
	free(gs->g);
	memset(gs, 0, sizeof *gs);
}

#define DUE_NCOLS 5 /* DATE KIND ID TITLE STATE */

/* The cells of one item (clean for a terminal), into c[DUE_NCOLS]. */
static void
item_cells(const Isms__V1__DueItem *it, char **c)
{
	char buf[64];

	c[0] = ctl_out_clean(it->date != NULL ? it->date : "-", SIZE_MAX);
	c[1] = xstrdup(due_kind_name((int)it->kind, buf, sizeof buf));
	c[2] = ctl_out_clean(it->id != NULL ? it->id : "-", SIZE_MAX);
	c[3] = ctl_out_clean(it->title != NULL ? it->title : "", DUE_TITLE_MAX);
	due_state(it, buf, sizeof buf);
	c[4] = xstrdup(buf);
}

void
due_print_table(FILE *f, const Isms__V1__DueResult *res)
{
	static const char *const titles[DUE_NCOLS] = {"DATE", "KIND", "ID",
	                                              "TITLE", "STATE"};
	struct due_groups gs;
	char **cells, *owner;
	size_t *w, i, k, r = 0, over = due_count_overdue(res);

	due_group(&gs, res->items, res->n_items);
	cells = xcalloc(res->n_items * DUE_NCOLS + 1, sizeof *cells);
	/* Rows in group order, so one set of widths aligns every group. */
	for (i = 0; i < gs.n; i++)
		for (k = 0; k < gs.g[i].n; k++, r++)
			item_cells(gs.g[i].items[k], &cells[r * DUE_NCOLS]);
	w = ctl_out_table_widths(titles, DUE_NCOLS, cells, r);
	for (i = 0, r = 0; i < gs.n; i++) {
		owner = ctl_out_clean(gs.g[i].owner, SIZE_MAX);
		fprintf(f, "%s%s (%zu)\n", i > 0 ? "\n" : "", owner, gs.g[i].n);
		free(owner);
		for (k = 0; k < gs.g[i].n; k++, r++) {
			fputs("  ", f);
			ctl_out_table_row(
			    f, (const char *const *)&cells[r * DUE_NCOLS],
			    DUE_NCOLS, w);
		}
	}
	fprintf(f, "%s%zu overdue, %zu due (today %s)\n", gs.n > 0 ? "\n" : "",
	        over, res->n_items - over,
	        res->today != NULL ? res->today : "?");
	for (i = 0; i < r * DUE_NCOLS; i++)
		free(cells[i]);
	free(cells);
	free(w);
	due_groups_free(&gs);
}

void
due_print_csv(FILE *f, const Isms__V1__DueResult *res)
{
	const Isms__V1__DueItem *it;
	char buf[64];
	size_t i;

	fputs("owner,date,kind,id,register,title,overdue,days\r\n", f);
	for (i = 0; i < res->n_items; i++) {
		it = res->items[i];
		ctl_out_csv_cell(f, it->owner != NULL ? it->owner : "");
		fputc(',', f);
		ctl_out_csv_cell(f, it->date != NULL ? it->date : "");
		fprintf(f, ",%s,",
		        due_kind_name((int)it->kind, buf, sizeof buf));
		ctl_out_csv_cell(f, it->id != NULL ? it->id : "");
		fputc(',', f);
		ctl_out_csv_cell(f, it->register_ != NULL ? it->register_ : "");
		fputc(',', f);
		ctl_out_csv_cell(f, it->title != NULL ? it->title : "");
		fprintf(f, ",%s,%d\r\n", due_is_overdue(it) ? "true" : "false",
		        it->has_days ? it->days : 0);
	}
}

void
due_print_summary(FILE *f, const Isms__V1__DueResult *res, uint32_t within)
{
	size_t over = due_count_overdue(res), i;
	const Isms__V1__DueItem *oldest = NULL;

	for (i = 0; i < res->n_items; i++)
		if (due_is_overdue(res->items[i]) &&
		    (oldest == NULL || res->items[i]->days < oldest->days))
			oldest = res->items[i];
	if (oldest == NULL) {
		fprintf(f, "OK: nothing overdue, %zu due within %u days\n",
		        res->n_items, within);
		return;
	}
	fprintf(f, "OVERDUE: %zu item%s overdue (oldest ", over,
	        over == 1 ? "" : "s");
	ctl_out_text(f, oldest->id != NULL ? oldest->id : "?");
	fprintf(f, ", %d days), %zu due within %u days\n",
	        oldest->days < 0 ? -oldest->days : oldest->days,
	        res->n_items - over, within);
}

int
due_print_nagios(FILE *f, const Isms__V1__DueResult *res, uint32_t within)
{
	size_t over = due_count_overdue(res), soon = res->n_items - over, i;
	const Isms__V1__DueItem *first = NULL;
	int code;

	for (i = 0; i < res->n_items; i++)
		if (first == NULL || res->items[i]->days < first->days)
			first = res->items[i];
	if (first == NULL) {
		fprintf(f,
		        "ISMS DUE OK - nothing due within %u days | overdue=0 "
		        "due=0\n",
		        within);
		return DUE_NAGIOS_OK;
	}
	code = over > 0 ? DUE_NAGIOS_CRITICAL : DUE_NAGIOS_WARNING;
	fprintf(f, "ISMS DUE %s - ", over > 0 ? "CRITICAL" : "WARNING");
	if (over > 0)
		fprintf(f, "%zu item%s overdue (oldest ", over,
		        over == 1 ? "" : "s");
	else
		fprintf(f, "%zu item%s due within %u days (next ", soon,
		        soon == 1 ? "" : "s", within);
	ctl_out_text(f, first->id != NULL ? first->id : "?");
	if (over > 0)
		fprintf(f, ", %d days), %zu due within %u days", -first->days,
		        soon, within);
	else
		fprintf(f, " in %d days)", first->days);
	fprintf(f, " | overdue=%zu due=%zu\n", over, soon);
	return code;
}
