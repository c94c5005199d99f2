/*
 * matrix.h: the risk matrix, likelihood x impact, computed from given
 * risks and a risk method, and printed for people (a coloured grid) or
 * programs (the cells as JSON or CSV). No daemon needed: "ismsctl risk
 * matrix" fetches, this module counts and draws.
 */
#ifndef ISMS_CTL_MATRIX_H
#define ISMS_CTL_MATRIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "proto/isms.pb-c.h"

/* One cell: the risks rated at (likelihood, impact). Ids are borrowed. */
struct matrix_cell {
	const char **ids;
	size_t n;
};

struct matrix {
	const Isms__V1__RiskMethod *method; /* borrowed */
	bool residual;            /* residual ratings instead of inherent */
	size_t nl, ni;            /* scale sizes: likelihood, impact */
	struct matrix_cell *cell; /* ni * nl, [(i-1) * nl + (l-1)] */
	size_t rated;             /* risks in the grid */
	size_t unrated;           /* open risks without both ratings */
	size_t outside;           /* rated beyond the method's scales */
};

/*
 * Counts risks (records of the risk register; others and closed risks are
 * skipped) into m. The records and the method must outlive m.
 */
void matrix_build(struct matrix *m, const Isms__V1__RiskMethod *method,
                  Isms__V1__Record *const *recs, size_t n, bool residual);
void matrix_free(struct matrix *m);

/* The level of score under method (highest min_score <= score), or -1. */
int matrix_level(const Isms__V1__RiskMethod *method, uint32_t score);

/* The SGR colour of level index lv: by name, else by rank. */
const char *matrix_level_colour(const Isms__V1__RiskMethod *method, int lv);

/* The grid, impact high to low down, likelihood low to high across. */
void matrix_print_table(FILE *, const struct matrix *, bool colour);

/* The cells as a JSON document. */
void matrix_print_json(FILE *, const struct matrix *);

/* The cells as CSV rows. */
void matrix_print_csv(FILE *, const struct matrix *);

#endif
