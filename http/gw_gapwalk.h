/*
 * gw_gapwalk.h: the reads the gap analysis needs, page by page on the
 * caller's connection: every live record of the registers it reads
 * (gap_reg_names, kept), then each metric's measurements for the date of
 * its latest. GET /v1/gap and GET /v1/dashboard walk it.
 */
#ifndef ISMS_GW_GAPWALK_H
#define ISMS_GW_GAPWALK_H

#include "gap.h"
#include "gw_req.h"
#include "timefmt.h"

struct gw_gapwalk {
	bool skip_risks; /* the dashboard: its clause lines never read risks */
	size_t reg;      /* the register being listed; GAP_NREGS: metrics */
	size_t metric;   /* the metric whose measurements are being read */
	struct {
		Isms__V1__Record **recs; /* copies, owned */
		size_t n;
	} regs[GAP_NREGS];
	char **latest; /* per metric: its latest measurement's date, or NULL */
};

/* Packs the walk's next read into r (gw_req_repack): 1, or 0 when all
 * is read. The first call packs the first read. */
int gw_gapwalk_next(struct gw_req *r, struct gw_gapwalk *g);

/* Takes a reply of the walk: 1 when the next read is packed, 0 when all
 * is read, -1 when the reply holds no result of the walk. */
int gw_gapwalk_page(struct gw_req *r, struct gw_gapwalk *g,
                    const Isms__V1__Reply *reply);

/* The analysis's input from what the walk read, as of today (in buf). */
void gw_gapwalk_input(const struct gw_gapwalk *g, struct gap_input *in,
                      char today[TIMEFMT_DATE_LEN]);

/* Frees what the walk read (not g). */
void gw_gapwalk_free(struct gw_gapwalk *g);

#endif
