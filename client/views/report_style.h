/*
 * report_style.h: the colours the HTML and XLSX renderers share, so a
 * status or a risk level looks the same on the page and in the workbook.
 * Each pairs a fill with an ink that reads on it (WCAG AA contrast).
 */
#ifndef ISMS_REPORT_STYLE_H
#define ISMS_REPORT_STYLE_H

#include <stdint.h>

#include "report.h"

struct rstyle {
	uint32_t fill, ink; /* 0xRRGGBB */
};

/* A cell's colours for its tone; RTONE_NONE and unknown tones: white. */
const struct rstyle *rstyle_tone(enum rtone);

/* The colour of a bar of this tone (a strong colour on white). */
uint32_t rstyle_bar(enum rtone);

/* A risk level's colours by name (low, medium, high, critical and the
 * usual others, without case); grey for a name it does not know. */
const struct rstyle *rstyle_level(const char *level);

#endif
