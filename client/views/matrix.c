/*
 * matrix.c: counting risks into the likelihood x impact grid and drawing
 * it. Colours are ANSI background colours, used only when asked (the
 * caller checks for a TTY and NO_COLOR).
 */
#include <stdlib.h>
#include <string.h>

#include "matrix.h"
#include "output.h"
#include "xmalloc.h"

#define SGR_RESET "\033[0m"

/* Colours of the usual level names; others are coloured by rank. */
static const struct {
	const char *name;
	const char *sgr;
} level_colours[] = {
    {"low", "\033[30;42m"},      /* green */
    {"medium", "\033[30;43m"},   /* yellow */
    {"high", "\033[30;45m"},     /* magenta */
    {"critical", "\033[97;41m"}, /* red */
};

#define NLEVEL_COLOURS (sizeof level_colours / sizeof level_colours[0])

/* Whether r counts: a risk that is not closed. */
static bool
matrix_counts(const Isms__V1__Record *r)
{
	return r->body_case == ISMS__V1__RECORD__BODY_RISK && r->risk != NULL &&
	       r->risk->status != ISMS__V1__RISK_STATUS__RISK_STATUS_CLOSED;
}

/* Counts the open, rated risks into the cells of the grid. */
void
matrix_build(struct matrix *m, const Isms__V1__RiskMethod *method,
             Isms__V1__Record *const *recs, size_t n, bool residual)
{
	const Isms__V1__Risk *k;
	struct matrix_cell *c;
	uint32_t l, i;
	bool has;
	size_t r;

	memset(m, 0, sizeof *m);
	m->method = method;
	m->residual = residual;
	m->nl = method->n_likelihood_labels;
	m->ni = method->n_impact_labels;
	m->cell = xcalloc(m->nl * m->ni + 1, sizeof *m->cell);
	for (r = 0; r < n; r++) {
		if (!matrix_counts(recs[r]))
			continue;
		k = recs[r]->risk;
		has = residual
		          ? k->has_residual_likelihood && k->has_residual_impact
		          : k->has_likelihood && k->has_impact;
		l = residual ? k->residual_likelihood : k->likelihood;
		i = residual ? k->residual_impact : k->impact;
		if (!has || l == 0 || i == 0) {
			m->unrated++;
			continue;
		}
		if (l > m->nl || i > m->ni) {
			m->outside++;
			continue;
		}
		c = &m->cell[(i - 1) * m->nl + (l - 1)];
		c->ids = xreallocarray(c->ids, c->n + 1, sizeof *c->ids);
		c->ids[c->n++] = recs[r]->id != NULL ? recs[r]->id : "?";
		m->rated++;
	}
}

/* Frees the cells of m. */
void
matrix_free(struct matrix *m)
{
	size_t i;

	for (i = 0; m->cell != NULL && i < m->nl * m->ni; i++)
		free(m->cell[i].ids);
	free(m->cell);
	memset(m, 0, sizeof *m);
}

/* Index of the band of score: the highest min_score not above it. */
int
matrix_level(const Isms__V1__RiskMethod *method, uint32_t score)
{
	int best = -1;
	size_t i;

	for (i = 0; i < method->n_levels; i++)
		if (method->levels[i]->min_score <= score &&
		    (best == -1 || method->levels[i]->min_score >
		                       method->levels[best]->min_score))
			best = (int)i;
	return best;
}

/* SGR colour of a band: by its name, else by its rank. */
const char *
matrix_level_colour(const Isms__V1__RiskMethod *method, int lv)
{
	const char *name;
	size_t i, rank = 0, n = method->n_levels;

	if (lv < 0 || (size_t)lv >= n)
		return "";
	name = method->levels[lv]->name != NULL ? method->levels[lv]->name : "";
	for (i = 0; i < NLEVEL_COLOURS; i++)
		if (strcmp(level_colours[i].name, name) == 0)
			return level_colours[i].sgr;
	/* A custom name: its rank among the bands, lowest green. */
	for (i = 0; i < n; i++)
		if (method->levels[i]->min_score <
		    method->levels[lv]->min_score)
			rank++;
	if (n < 2)
		return level_colours[0].sgr;
	return level_colours[rank * (NLEVEL_COLOURS - 1) / (n - 1)].sgr;
}

/* The label of scale value v (1-based): "3 possible", malloc'ed, clean. */
static char *
scale_label(char *const *labels, size_t v)
{
	char *t = xasprintf("%zu %s", v, labels[v - 1]), *c;

	c = ctl_out_clean(t, SIZE_MAX);
	free(t);
	return c;
}

/* Writes s right-aligned in width w, coloured with sgr when set. */
static void
cell_print(FILE *f, const char *s, size_t w, const char *sgr)
{
	size_t k;

	if (sgr != NULL && *sgr != '\0')
		fputs(sgr, f);
	for (k = ctl_out_width(s); k < w; k++)
		fputc(' ', f);
	fputs(s, f);
	if (sgr != NULL && *sgr != '\0')
		fputs(SGR_RESET, f);
}

/* Prints the legend: each level with its score band. */
static void
legend_print(FILE *f, const struct matrix *m, bool colour)
{
	const Isms__V1__RiskMethod *me = m->method;
	uint32_t top = (uint32_t)(m->nl * m->ni), lo, hi;
	size_t i, j;

	fputs("levels:", f);
	for (i = 0; i < me->n_levels; i++) {
		lo = me->levels[i]->min_score;
		hi = top;
		for (j = 0; j < me->n_levels; j++)
			if (me->levels[j]->min_score > lo &&
			    me->levels[j]->min_score - 1 < hi)
				hi = me->levels[j]->min_score - 1;
		fputs(i > 0 ? ", " : " ", f);
		if (colour)
			fputs(matrix_level_colour(me, (int)i), f);
		ctl_out_text(
		    f, me->levels[i]->name != NULL ? me->levels[i]->name : "?");
		if (colour)
			fputs(SGR_RESET, f);
		if (hi > lo)
			fprintf(f, " %u-%u", lo, hi);
		else
			fprintf(f, " %u", lo);
	}
	fputc('\n', f);
}

/* Draws the grid with axis labels, legend and counts. */
void
matrix_print_table(FILE *f, const struct matrix *m, bool colour)
{
	static const char corner[] = "impact \\ likelihood";
	char **cols, **rows, num[24];
	size_t *w, rw = strlen(corner), l, i, k;
	int lv;

	fprintf(f, "risk matrix (%s), method rev %llu\n\n",
	        m->residual ? "residual" : "inherent",
	        (unsigned long long)m->method->rev);
	if (m->nl == 0 || m->ni == 0) {
		fputs("the risk method has no likelihood or impact scale\n", f);
		return;
	}
	cols = xcalloc(m->nl, sizeof *cols);
	w = xcalloc(m->nl, sizeof *w);
	for (l = 0; l < m->nl; l++) {
		cols[l] = scale_label(m->method->likelihood_labels, l + 1);
		w[l] = ctl_out_width(cols[l]);
	}
	rows = xcalloc(m->ni, sizeof *rows);
	for (i = 0; i < m->ni; i++) {
		rows[i] = scale_label(m->method->impact_labels, i + 1);
		if (ctl_out_width(rows[i]) > rw)
			rw = ctl_out_width(rows[i]);
	}
	for (i = 0; i < m->ni * m->nl; i++) {
		snprintf(num, sizeof num, "%zu", m->cell[i].n);
		if (strlen(num) > w[i % m->nl])
			w[i % m->nl] = strlen(num);
	}
	fputs(corner, f);
	for (k = strlen(corner); k < rw; k++)
		fputc(' ', f);
	for (l = 0; l < m->nl; l++) {
		fputs("  ", f);
		cell_print(f, cols[l], w[l], NULL);
	}
	fputc('\n', f);
	for (i = m->ni; i-- > 0;) {
		fputs(rows[i], f);
		for (k = ctl_out_width(rows[i]); k < rw; k++)
			fputc(' ', f);
		for (l = 0; l < m->nl; l++) {
			const struct matrix_cell *c = &m->cell[i * m->nl + l];

			if (c->n > 0)
				snprintf(num, sizeof num, "%zu", c->n);
			else
				snprintf(num, sizeof num, "-");
			lv = matrix_level(m->method,
			                  (uint32_t)((l + 1) * (i + 1)));
			fputs("  ", f);
			cell_print(f, num, w[l],
			           colour ? matrix_level_colour(m->method, lv)
			                  : NULL);
		}
		fputc('\n', f);
	}
	fputc('\n', f);
	legend_print(f, m, colour);
	fprintf(f, "%zu %s in the grid", m->rated,
	        m->rated == 1 ? "risk" : "risks");
	if (m->unrated > 0)
		fprintf(f, "; %zu without %slikelihood and impact", m->unrated,
		        m->residual ? "residual " : "");
	if (m->outside > 0)
		fprintf(f, "; %zu outside the method's scales", m->outside);
	fputc('\n', f);
	for (l = 0; l < m->nl; l++)
		free(cols[l]);
	for (i = 0; i < m->ni; i++)
		free(rows[i]);
	free(cols);
	free(rows);
	free(w);
}

/* Writes a list of labels as a JSON array. */
static void
json_labels(FILE *f, char *const *labels, size_t n)
{
	size_t i;

	fputc('[', f);
	for (i = 0; i < n; i++) {
		if (i > 0)
			fputs(", ", f);
		ctl_out_json_string(f, labels[i]);
	}
	fputc(']', f);
}

/* The name of the level of a cell's score ("" when none). */
static const char *
cell_level(const struct matrix *m, size_t l, size_t i)
{
	int lv = matrix_level(m->method, (uint32_t)((l + 1) * (i + 1)));

	if (lv < 0 || m->method->levels[lv]->name == NULL)
		return "";
	return m->method->levels[lv]->name;
}

/* Writes every cell with its score, level, count and risk ids. */
void
matrix_print_json(FILE *f, const struct matrix *m)
{
	const struct matrix_cell *c;
	size_t l, i, k;
	bool first = true;

	fprintf(f, "{\n  \"basis\": \"%s\",\n  \"method_rev\": %llu,\n",
	        m->residual ? "residual" : "inherent",
	        (unsigned long long)m->method->rev);
	fputs("  \"likelihood_labels\": ", f);
	json_labels(f, m->method->likelihood_labels, m->nl);
	fputs(",\n  \"impact_labels\": ", f);
	json_labels(f, m->method->impact_labels, m->ni);
	fputs(",\n  \"cells\": [", f);
	for (i = 0; i < m->ni; i++) {
		for (l = 0; l < m->nl; l++) {
			c = &m->cell[i * m->nl + l];
			fprintf(
			    f,
			    "%s\n    {\"likelihood\": %zu, \"impact\": %zu, "
			    "\"score\": %zu, \"level\": ",
			    first ? "" : ",", l + 1, i + 1, (l + 1) * (i + 1));
			ctl_out_json_string(f, cell_level(m, l, i));
			fprintf(f, ", \"count\": %zu, \"risks\": [", c->n);
			for (k = 0; k < c->n; k++) {
				if (k > 0)
					fputs(", ", f);
				ctl_out_json_string(f, c->ids[k]);
			}
			fputs("]}", f);
			first = false;
		}
	}
	fprintf(f,
	        "%s],\n  \"rated\": %zu,\n  \"unrated\": %zu,\n"
	        "  \"outside\": %zu\n}\n",
	        first ? "" : "\n  ", m->rated, m->unrated, m->outside);
}

/* Writes one CSV row per cell. */
void
matrix_print_csv(FILE *f, const struct matrix *m)
{
	const struct matrix_cell *c;
	char *ids, *t;
	size_t l, i, k;

	fputs("likelihood,impact,likelihood_label,impact_label,score,level,"
	      "count,risks\r\n",
	      f);
	for (i = 0; i < m->ni; i++) {
		for (l = 0; l < m->nl; l++) {
			c = &m->cell[i * m->nl + l];
			fprintf(f, "%zu,%zu,", l + 1, i + 1);
			ctl_out_csv_cell(f, m->method->likelihood_labels[l]);
			fputc(',', f);
			ctl_out_csv_cell(f, m->method->impact_labels[i]);
			fprintf(f, ",%zu,", (l + 1) * (i + 1));
			ctl_out_csv_cell(f, cell_level(m, l, i));
			fprintf(f, ",%zu,", c->n);
			ids = xstrdup("");
			for (k = 0; k < c->n; k++) {
				t = xasprintf("%s%s%s", ids, k > 0 ? " " : "",
				              c->ids[k]);
				free(ids);
				ids = t;
			}
			ctl_out_csv_cell(f, ids);
			free(ids);
			fputs("\r\n", f);
		}
	}
}
