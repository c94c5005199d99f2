/*
 * report_pdf.h: a report as PDF, the HTML printed by headless Chromium.
 *
 * The HTML (report_html.h) goes to a private temporary directory and
 * Chromium prints it there (its profile too, so a HOME it cannot write is
 * no obstacle); the PDF is then copied onto the caller's stream and the
 * directory removed. Chromium is the one named by report_pdf_chromium,
 * else by $ISMS_CHROMIUM, else the first of chromium, chromium-browser on
 * PATH. It is killed, with every process it started, when it takes longer
 * than the timeout ($ISMS_CHROMIUM_TIMEOUT seconds, default 60).
 */
#ifndef ISMS_REPORT_PDF_H
#define ISMS_REPORT_PDF_H

#include <stddef.h>
#include <stdio.h>

#include "report.h"

#define REPORT_PDF_TIMEOUT 60 /* seconds */

/* Names the Chromium to run (a path, or a name looked up on PATH). */
void report_pdf_chromium(const char *path);

/* Draws r onto out as PDF: 0, or -1 with a message in err. */
int report_render_pdf(FILE *out, const struct report *r, char *err,
                      size_t errlen);

#endif
