/*
 * report_text.h: the text renderers of a report (report.h): Markdown (the
 * default), CSV (one table per section, labelled, formula defusing on)
 * and JSON (the whole document). Rows of the format table in ctl_report.c.
 */
#ifndef ISMS_REPORT_TEXT_H
#define ISMS_REPORT_TEXT_H

#include "report.h"

int report_render_md(FILE *out, const struct report *, char *err,
                     size_t errlen);
int report_render_csv(FILE *out, const struct report *, char *err,
                      size_t errlen);
int report_render_json(FILE *out, const struct report *, char *err,
                       size_t errlen);

/* The header's rows as label and value (value malloc'ed), n of them;
 * shared by the renderers so every format shows the same fields. */
#define REPORT_HEADER_ROWS 10
void report_header_rows(const struct report *, const char *label[],
                        char *value[]);

#endif
