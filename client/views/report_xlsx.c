/*
 * report_xlsx.c: a report as an XLSX workbook (report_xlsx.h).
 *
 * libxlsxwriter writes to a file by name, so the workbook goes to a
 * temporary file that is then copied onto the caller's stream. It runs in
 * constant-memory mode (rows are written in order and flushed), so a
 * 100,000-row register costs the client a row's memory, not the sheet's.
 * The first libxlsxwriter error is kept (a sticky error, as the store
 * does) and reported once at the end.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "pbfield.h"
#include "report_xlsx.h"
#include "report_style.h"
#include "report_xlsxlib.h"
#include "timefmt.h"
#include "xmalloc.h"

#define XW_MAX_ROWS   1048576u /* Excel's rows per sheet */
#define XW_MAX_STRING 32767u   /* Excel's characters per cell */
#define XW_MIN_WIDTH  6
#define XW_MAX_WIDTH  60
#define XW_NTYPES     (RCELL_TIME + 1)
#define XW_NTONES     (RTONE_MUTED + 1)

static const char *const xw_numfmt[XW_NTYPES] = {
    [RCELL_TEXT] = NULL,
    [RCELL_NUMBER] = NULL,
    [RCELL_DATE] = "yyyy-mm-dd",
    [RCELL_TIME] = "yyyy-mm-dd hh:mm:ss",
};

/* Excel's reserved sheet name, taken from the start. */
static const char xw_reserved[] = "History";

struct xw {
	const struct xlsxlib *x;
	lxw_workbook *wb;
	lxw_format *head, *label, *wrap;
	lxw_format *fmt[XW_NTYPES][XW_NTONES];
	lxw_format *level[16]; /* heat-map fills, by their colour */
	uint32_t level_fill[16];
	size_t nlevel;
	lxw_error rc; /* the first error */
	const char *what;
	char (*names)[32];
	size_t nnames;
};

/* Keeps the first error of a libxlsxwriter call. */
static void
xw_check(struct xw *w, lxw_error e, const char *what)
{
	if (e != LXW_NO_ERROR && w->rc == LXW_NO_ERROR) {
		w->rc = e;
		w->what = what;
	}
}

/* The format of a cell of this type and tone, made on first use. */
static lxw_format *
xw_fmt(struct xw *w, enum rcell_type type, enum rtone tone)
{
	lxw_format *f;
	unsigned ty = (unsigned)type < XW_NTYPES ? (unsigned)type : 0;
	unsigned to = (unsigned)tone < XW_NTONES ? (unsigned)tone : 0;

	if (!xw_numfmt[ty] && to == RTONE_NONE)
		return NULL;
	if (w->fmt[ty][to])
		return w->fmt[ty][to];
	f = w->x->workbook_add_format(w->wb);
	if (xw_numfmt[ty])
		w->x->format_set_num_format(f, xw_numfmt[ty]);
	if (to != RTONE_NONE) {
		w->x->format_set_bg_color(f, rstyle_tone((enum rtone)to)->fill);
		w->x->format_set_font_color(f,
		                            rstyle_tone((enum rtone)to)->ink);
	}
	w->fmt[ty][to] = f;
	return f;
}

/* Bytes of s that fit Excel's cell limit, cut on a UTF-8 boundary. */
static size_t
xw_fit(const char *s)
{
	size_t n = strlen(s);

	if (n <= XW_MAX_STRING)
		return n;
	n = XW_MAX_STRING;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

/* Writes s as a string cell (never a formula), valid UTF-8, fitted. */
static void
xw_string(struct xw *w, lxw_worksheet *ws, uint32_t row, uint16_t col,
          const char *s, lxw_format *f)
{
	size_t n = xw_fit(s), i;
	char *copy = NULL;

	if (n != strlen(s) || !pb_utf8_valid(s, n)) {
		copy = xstrndup(s, n);
		if (!pb_utf8_valid(copy, n))
			for (i = 0; i < n; i++)
				if ((unsigned char)copy[i] >= 0x80)
					copy[i] = '?';
		s = copy;
	}
	xw_check(w, w->x->worksheet_write_string(ws, row, col, s, f),
	         "write string");
	free(copy);
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t
xw_days(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Excel's serial day of Unix seconds (1970-01-01 is 25569). */
static double
xw_serial_time(double unix_seconds)
{
	return unix_seconds / 86400.0 + 25569.0;
}

/* Excel's serial day of a YYYY-MM-DD date; false when it is not one. */
static bool
xw_serial_date(const char *s, double *serial)
{
	unsigned y, m, d;

	if (!timefmt_date_valid(s) || sscanf(s, "%4u-%2u-%2u", &y, &m, &d) != 3)
		return false;
	*serial = (double)xw_days(y, m, d) + 25569.0;
	return *serial >= 61; /* Excel's dates before March 1900 are off */
}

/* Writes one cell by its type: numbers and dates typed, else text. */
static void
xw_cell(struct xw *w, lxw_worksheet *ws, uint32_t row, uint16_t col,
        const struct rcell *c)
{
	lxw_format *f = xw_fmt(w, c->type, c->tone);
	double serial;

	switch (c->type) {
	case RCELL_NUMBER:
		if (!*c->text)
			break;
		xw_check(w,
		         w->x->worksheet_write_number(ws, row, col, c->num, f),
		         "write number");
		return;
	case RCELL_DATE:
		if (!xw_serial_date(c->text, &serial))
			break;
		xw_check(w,
		         w->x->worksheet_write_number(ws, row, col, serial, f),
		         "write date");
		return;
	case RCELL_TIME:
		if (!*c->text)
			break;
		xw_check(w,
		         w->x->worksheet_write_number(
		             ws, row, col, xw_serial_time(c->num), f),
		         "write time");
		return;
	case RCELL_TEXT:
		break;
	}
	f = xw_fmt(w, RCELL_TEXT, c->tone);
	if (*c->text)
		xw_string(w, ws, row, col, c->text, f);
	else if (f)
		xw_check(w, w->x->worksheet_write_blank(ws, row, col, f),
		         "write blank");
}

/* Display width of s in characters (UTF-8 code points). */
static size_t
xw_width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Sizes each column to its widest cell (header and rows), bounded. */
static void
xw_widths(struct xw *w, lxw_worksheet *ws, const struct rtable *t)
{
	size_t i, j, wd, max;

	for (j = 0; j < t->ncols && j < LXW_COL_MAX; j++) {
		max = xw_width(t->cols[j]) + 3; /* the filter button */
		for (i = 0; i < t->nrows; i++) {
			const struct rcell *c = &t->cells[i * t->ncols + j];

			wd = c->type == RCELL_DATE   ? 10
			     : c->type == RCELL_TIME ? 19
			                             : xw_width(c->text);
			if (wd > max)
				max = wd;
			if (max >= XW_MAX_WIDTH)
				break;
		}
		max = max < XW_MIN_WIDTH ? XW_MIN_WIDTH : max;
		max = max > XW_MAX_WIDTH ? XW_MAX_WIDTH : max;
		xw_check(w,
		         w->x->worksheet_set_column(ws, (lxw_col_t)j,
		                                    (lxw_col_t)j,
		                                    (double)max + 1, NULL),
		         "set column");
	}
}

void
report_xlsx_sheet_name(const char *id, char (*used)[32], size_t n,
                       char name[32])
{
	char base[32], suffix[16];
	size_t len, cut, i;
	unsigned k;

	for (len = 0; id && id[len] && len < 31; len++)
		base[len] = strchr("[]:*?/\\", id[len]) ? '_' : id[len];
	while (len > 0 && ((unsigned char)id[len] & 0xC0) == 0x80 &&
	       id[len] != '\0')
		len--; /* the cut fell inside a character */
	base[len] = '\0';
	if (len && base[0] == '\'')
		base[0] = '_';
	if (len && base[len - 1] == '\'')
		base[len - 1] = '_';
	if (!len)
		snprintf(base, sizeof base, "Sheet");
	for (k = 1;; k++) {
		suffix[0] = '\0';
		if (k > 1)
			snprintf(suffix, sizeof suffix, "-%u", k);
		cut = strlen(base);
		if (cut + strlen(suffix) > 31)
			cut = 31 - strlen(suffix);
		while (cut > 0 && ((unsigned char)base[cut] & 0xC0) == 0x80)
			cut--;
		snprintf(name, 32, "%.*s%s", (int)cut, base, suffix);
		if (strcasecmp(name, xw_reserved) == 0)
			continue;
		for (i = 0; i < n; i++)
			if (strcasecmp(name, used[i]) == 0)
				break;
		if (i == n)
			return;
	}
}

/* Adds a worksheet under a unique name made from id. */
static lxw_worksheet *
xw_sheet(struct xw *w, const char *id)
{
	char *name;

	w->names = xreallocarray(w->names, w->nnames + 1, sizeof *w->names);
	name = w->names[w->nnames];
	report_xlsx_sheet_name(id, w->names, w->nnames, name);
	w->nnames++;
	return w->x->workbook_add_worksheet(w->wb, name);
}

/* Bold header row at row 0, frozen, with the autofilter over nrows. */
static void
xw_header(struct xw *w, lxw_worksheet *ws, const char *const *cols,
          size_t ncols, size_t nrows)
{
	size_t j;

	for (j = 0; j < ncols; j++)
		xw_string(w, ws, 0, (uint16_t)j, cols[j], w->head);
	w->x->worksheet_freeze_panes(ws, 1, 0);
	if (ncols)
		xw_check(w,
		         w->x->worksheet_autofilter(ws, 0, 0, (lxw_row_t)nrows,
		                                    (lxw_col_t)(ncols - 1)),
		         "autofilter");
}

/* A section's table as a sheet. */
static void
xw_table_sheet(struct xw *w, const struct rsection *s)
{
	const struct rtable *t = s->table;
	lxw_worksheet *ws;
	size_t i, j, ncols = t->ncols;

	if (t->nrows >= XW_MAX_ROWS || ncols > LXW_COL_MAX) {
		xw_check(w, LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE, s->id);
		return;
	}
	ws = xw_sheet(w, s->id);
	if (!ws) {
		xw_check(w, LXW_ERROR_SHEETNAME_ALREADY_USED, s->id);
		return;
	}
	xw_widths(w, ws, t);
	xw_header(w, ws, (const char *const *)t->cols, ncols, t->nrows);
	for (i = 0; i < t->nrows; i++)
		for (j = 0; j < ncols; j++)
			xw_cell(w, ws, (uint32_t)i + 1, (uint16_t)j,
			        &t->cells[i * ncols + j]);
}

/* A section that has bars but no table: item, value, maximum. */
static void
xw_bars_sheet(struct xw *w, const struct rsection *s)
{
	static const char *const cols[] = {"Item", "Value", "Maximum"};
	const struct rbars *b = s->bars;
	lxw_worksheet *ws;
	size_t i, wd = 20;

	ws = xw_sheet(w, s->id);
	if (!ws) {
		xw_check(w, LXW_ERROR_SHEETNAME_ALREADY_USED, s->id);
		return;
	}
	for (i = 0; i < b->n; i++)
		if (xw_width(b->bar[i].label) > wd)
			wd = xw_width(b->bar[i].label);
	wd = wd > XW_MAX_WIDTH ? XW_MAX_WIDTH : wd;
	w->x->worksheet_set_column(ws, 0, 0, (double)wd + 1, NULL);
	w->x->worksheet_set_column(ws, 1, 2, 10, NULL);
	xw_header(w, ws, cols, 3, b->n);
	for (i = 0; i < b->n && i + 1 < XW_MAX_ROWS; i++) {
		const struct rbar *bar = &b->bar[i];
		lxw_format *f = xw_fmt(w, RCELL_TEXT, bar->tone);

		xw_string(w, ws, (uint32_t)i + 1, 0, bar->label, f);
		w->x->worksheet_write_number(ws, (uint32_t)i + 1, 1, bar->value,
		                             NULL);
		w->x->worksheet_write_number(ws, (uint32_t)i + 1, 2, bar->max,
		                             NULL);
	}
}

/* The format of a heat-map cell of this level (made once per colour). */
static lxw_format *
xw_level(struct xw *w, const char *level)
{
	const struct rstyle *c = rstyle_level(level);
	lxw_format *f;
	size_t i;

	for (i = 0; i < w->nlevel; i++)
		if (w->level_fill[i] == c->fill)
			return w->level[i];
	f = w->x->workbook_add_format(w->wb);
	w->x->format_set_bg_color(f, c->fill);
	w->x->format_set_font_color(f, c->ink);
	if (w->nlevel < sizeof w->level / sizeof w->level[0]) {
		w->level[w->nlevel] = f;
		w->level_fill[w->nlevel++] = c->fill;
	}
	return f;
}

/* One heat map from row *row: its title, impact across, likelihood down
 * (the highest on top), each count in its level's colour. */
static void
xw_heat(struct xw *w, lxw_worksheet *ws, uint32_t *row, const struct rheat *h)
{
	unsigned l, i, k;

	xw_string(w, ws, (*row)++, 0, h->title ? h->title : "", w->label);
	xw_string(w, ws, *row, 0, "Likelihood \\ impact", w->head);
	for (i = 1; i <= h->nimp && i < LXW_COL_MAX; i++)
		w->x->worksheet_write_number(ws, *row, (lxw_col_t)i, i,
		                             w->head);
	(*row)++;
	for (l = h->nlik; l >= 1; l--, (*row)++) {
		w->x->worksheet_write_number(ws, *row, 0, l, w->head);
		for (i = 1; i <= h->nimp && i < LXW_COL_MAX; i++) {
			k = (l - 1) * h->nimp + (i - 1);
			w->x->worksheet_write_number(
			    ws, *row, (lxw_col_t)i, h->count ? h->count[k] : 0,
			    xw_level(w, h->level ? h->level[k] : NULL));
		}
	}
	(*row)++;
}

/* A section with heat maps but no table: the grids, one under another. */
static void
xw_heat_sheet(struct xw *w, const struct rsection *s)
{
	lxw_worksheet *ws = xw_sheet(w, s->id);
	uint32_t row = 0;
	unsigned k;

	if (!ws) {
		xw_check(w, LXW_ERROR_SHEETNAME_ALREADY_USED, s->id);
		return;
	}
	w->x->worksheet_set_column(ws, 0, 0, 20, NULL);
	for (k = 0; k < 2; k++)
		if (s->heat[k] && s->heat[k]->nlik * s->heat[k]->nimp > 0)
			xw_heat(w, ws, &row, s->heat[k]);
}

/* One row of the About sheet: a bold label and a text value. */
static void
xw_about_row(struct xw *w, lxw_worksheet *ws, uint32_t *row, const char *label,
             const char *value)
{
	xw_string(w, ws, *row, 0, label, w->label);
	if (value && *value)
		xw_string(w, ws, *row, 1, value, NULL);
	(*row)++;
}

/* The first sheet: the document-control header, then the sections. */
static void
xw_about(struct xw *w, const struct report *r)
{
	const struct report_header *h = &r->h;
	lxw_worksheet *ws = xw_sheet(w, "About");
	uint32_t row = 0;
	double serial;
	size_t i;

	if (!ws) {
		xw_check(w, LXW_ERROR_SHEETNAME_ALREADY_USED, "About");
		return;
	}
	w->x->worksheet_set_column(ws, 0, 0, 16, NULL);
	w->x->worksheet_set_column(ws, 1, 1, 70, NULL);
	w->x->worksheet_set_column(ws, 2, 2, 60, NULL);
	xw_about_row(w, ws, &row, "Report", h->report);
	xw_about_row(w, ws, &row, "Kind", h->kind);
	xw_about_row(w, ws, &row, "Organisation", h->organisation);
	xw_about_row(w, ws, &row, "Scope", h->scope);
	xw_string(w, ws, row, 0, "Generated at", w->label);
	if (h->generated_at)
		w->x->worksheet_write_number(
		    ws, row, 1, xw_serial_time((double)h->generated_at),
		    xw_fmt(w, RCELL_TIME, RTONE_NONE));
	row++;
	xw_about_row(w, ws, &row, "Generated by", h->generated_by);
	xw_string(w, ws, row, 0, "As of", w->label);
	if (h->as_of && xw_serial_date(h->as_of, &serial))
		w->x->worksheet_write_number(ws, row, 1, serial,
		                             xw_fmt(w, RCELL_DATE, RTONE_NONE));
	else
		xw_string(w, ws, row, 1, h->as_of ? h->as_of : "current data",
		          NULL);
	row++;
	xw_string(w, ws, row, 0, "Journal seq", w->label);
	w->x->worksheet_write_number(ws, row++, 1, (double)h->seq, NULL);
	xw_about_row(w, ws, &row, "Head hash", h->head_hash);
	xw_about_row(w, ws, &row, "Server", h->server);
	row++;
	xw_string(w, ws, row, 0, "Section", w->label);
	xw_string(w, ws, row++, 1, "Title", w->label);
	for (i = 0; i < r->n; i++, row++) {
		xw_string(w, ws, row, 0, r->sec[i].id, NULL);
		xw_string(w, ws, row, 1, r->sec[i].title, NULL);
		if (r->sec[i].text)
			xw_string(w, ws, row, 2, r->sec[i].text, w->wrap);
	}
}

/* Copies the file at path onto out. */
static int
xw_copy(const char *path, FILE *out, char *err, size_t errlen)
{
	FILE *in = fopen(path, "rb");
	char buf[65536];
	size_t n;
	int rc = 0;

	if (!in) {
		snprintf(err, errlen, "xlsx: %s: cannot read back", path);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		if (fwrite(buf, 1, n, out) != n) {
			rc = -1;
			break;
		}
	if (ferror(in) || fflush(out) != 0 || ferror(out))
		rc = -1;
	fclose(in);
	if (rc)
		snprintf(err, errlen, "xlsx: write error");
	return rc;
}

/* Makes the workbook's shared formats and its document properties. */
static void
xw_setup(struct xw *w, const struct report *r, char *comments)
{
	lxw_doc_properties props = {0};

	w->head = w->x->workbook_add_format(w->wb);
	w->x->format_set_bold(w->head);
	w->label = w->x->workbook_add_format(w->wb);
	w->x->format_set_bold(w->label);
	w->wrap = w->x->workbook_add_format(w->wb);
	w->x->format_set_text_wrap(w->wrap);
	props.title = r->h.report;
	props.author = r->h.generated_by;
	props.company = r->h.organisation;
	props.subject = r->h.scope;
	props.comments = comments;
	props.created = (time_t)r->h.generated_at;
	xw_check(w, w->x->workbook_set_properties(w->wb, &props),
	         "set properties");
}

/* Writes the workbook to path; 0 or -1 with err. */
static int
xw_write(struct xw *w, const struct report *r, const char *path, char *tmpdir,
         char *err, size_t errlen)
{
	lxw_workbook_options opt = {.constant_memory = 1, .tmpdir = tmpdir};
	char *comments;
	lxw_error e;
	size_t i;

	w->wb = w->x->workbook_new_opt(path, &opt);
	if (!w->wb) {
		snprintf(err, errlen, "xlsx: cannot create a workbook in %s",
		         tmpdir);
		return -1;
	}
	comments = xasprintf("journal seq %" PRIu64 ", head %s", r->h.seq,
	                     r->h.head_hash ? r->h.head_hash : "-");
	xw_setup(w, r, comments);
	xw_about(w, r);
	for (i = 0; i < r->n; i++) {
		if (r->sec[i].table)
			xw_table_sheet(w, &r->sec[i]);
		else if (r->sec[i].bars && r->sec[i].bars->n)
			xw_bars_sheet(w, &r->sec[i]);
		else if (r->sec[i].heat[0] || r->sec[i].heat[1])
			xw_heat_sheet(w, &r->sec[i]);
	}
	e = w->x->workbook_close(w->wb);
	free(comments);
	xw_check(w, e, "close");
	if (w->rc != LXW_NO_ERROR) {
		snprintf(err, errlen, "xlsx: %s: %s", w->what,
		         w->x->lxw_strerror(w->rc));
		return -1;
	}
	return 0;
}

int
report_render_xlsx(FILE *out, const struct report *r, char *err, size_t errlen)
{
	struct xw w = {0};
	const char *env = getenv("TMPDIR");
	char *tmpdir = xstrdup(env && *env ? env : "/tmp");
	char *path = xasprintf("%s/ismsctl-xlsx-XXXXXX", tmpdir);
	int fd, rc = -1;

	w.x = xlsxlib_get(err, errlen);
	if (!w.x)
		goto out;
	fd = mkstemp(path);
	if (fd < 0) {
		snprintf(err, errlen, "xlsx: cannot create a file in %s",
		         tmpdir);
		goto out;
	}
	close(fd);
	rc = xw_write(&w, r, path, tmpdir, err, errlen);
	if (rc == 0)
		rc = xw_copy(path, out, err, errlen);
	unlink(path);
out:
	free(w.names);
	free(path);
	free(tmpdir);
	return rc;
}
