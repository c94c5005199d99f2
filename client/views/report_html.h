/*
 * report_html.h: a report as one self-contained HTML5 document.
 *
 * Inline CSS and SVG only, and a Content-Security-Policy that forbids
 * every fetch, so the file opens the same offline, in a mail client or
 * from an archive. Print CSS makes it an A4 document (page breaks before
 * sections, table headers repeated, colours kept); report_pdf prints it.
 */
#ifndef ISMS_REPORT_HTML_H
#define ISMS_REPORT_HTML_H

#include <stddef.h>
#include <stdio.h>

#include "report.h"

/* Draws r onto out as HTML: 0, or -1 with a message in err. */
int report_render_html(FILE *out, const struct report *r, char *err,
                       size_t errlen);

/* Writes s with &, <, >, " and ' escaped, control characters replaced. */
void report_html_text(FILE *out, const char *s);

#endif
