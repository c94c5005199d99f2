/*
 * report_style.c: the shared colours of the report renderers
 * (report_style.h).
 */
#include <stddef.h>
#include <strings.h>

#include "report_style.h"

static const struct rstyle rstyle_tones[] = {
    [RTONE_NONE] = {0xFFFFFF, 0x1A1A1A},  [RTONE_GOOD] = {0xD4EDDA, 0x14532D},
    [RTONE_WARN] = {0xFFF3CD, 0x5C4400},  [RTONE_BAD] = {0xF8D7DA, 0x721C24},
    [RTONE_MUTED] = {0xECECEC, 0x454545},
};

static const uint32_t rstyle_bars[] = {
    [RTONE_NONE] = 0x1F3A5F, [RTONE_GOOD] = 0x2E7D32,  [RTONE_WARN] = 0xB26A00,
    [RTONE_BAD] = 0xC62828,  [RTONE_MUTED] = 0x6B6B6B,
};

static const struct {
	const char *name;
	struct rstyle s;
} rstyle_levels[] = {
    {"very low", {0xD9F0D3, 0x1A1A1A}},  {"negligible", {0xD9F0D3, 0x1A1A1A}},
    {"low", {0xA6DBA0, 0x1A1A1A}},       {"medium", {0xFEE08B, 0x1A1A1A}},
    {"moderate", {0xFEE08B, 0x1A1A1A}},  {"high", {0xFDAE61, 0x1A1A1A}},
    {"very high", {0xF46D43, 0x1A1A1A}}, {"critical", {0xB2182B, 0xFFFFFF}},
    {"extreme", {0xB2182B, 0xFFFFFF}},
};

static const struct rstyle rstyle_unknown = {0xE6E6E6, 0x1A1A1A};

#define RSTYLE_NLEVELS (sizeof rstyle_levels / sizeof rstyle_levels[0])

const struct rstyle *
rstyle_tone(enum rtone t)
{
	return &rstyle_tones[(unsigned)t <= RTONE_MUTED ? t : RTONE_NONE];
}

uint32_t
rstyle_bar(enum rtone t)
{
	return rstyle_bars[(unsigned)t <= RTONE_MUTED ? t : RTONE_NONE];
}

const struct rstyle *
rstyle_level(const char *level)
{
	size_t i;

	for (i = 0; level && i < RSTYLE_NLEVELS; i++)
		if (strcasecmp(level, rstyle_levels[i].name) == 0)
			return &rstyle_levels[i].s;
	return &rstyle_unknown;
}
