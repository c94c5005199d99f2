/*
 * report_xlsx.h: a report as an XLSX workbook (libxlsxwriter).
 *
 * The first sheet, "About", holds the document-control header; then one
 * sheet per section that has a table (else its bars, else its heat maps
 * as grids of counts coloured by level), named from the section's
 * id (Excel's 31 characters, unique, no []:*?/\). Cells are typed: numbers
 * as numbers, dates and times as real dates with a date format, text as
 * strings (never formulas, so a cell starting with '=' stays text). The
 * header row is bold and frozen, the autofilter is on, columns are sized
 * to their content, and cell tones become fills.
 */
#ifndef ISMS_REPORT_XLSX_H
#define ISMS_REPORT_XLSX_H

#include <stddef.h>
#include <stdio.h>

#include "report.h"

/* Draws r onto out as an XLSX file: 0, or -1 with a message in err. */
int report_render_xlsx(FILE *out, const struct report *r, char *err,
                       size_t errlen);

/*
 * The sheet name for id, unique among the n names in used (compared
 * without case): at most 31 bytes, cut on a UTF-8 boundary, Excel's
 * forbidden characters replaced by '_'. name holds 32 bytes.
 */
void report_xlsx_sheet_name(const char *id, char (*used)[32], size_t n,
                            char name[32]);

#endif
