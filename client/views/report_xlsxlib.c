/*
 * report_xlsxlib.c: loading libxlsxwriter on first use (report_xlsxlib.h).
 */
#include <dlfcn.h>
#include <stdio.h>

#include "report_xlsxlib.h"

/* Each function by name, at its offset in struct xlsxlib. */
#define XLSXLIB_SYM(name)                                                      \
	{                                                                      \
#name, offsetof(struct xlsxlib, name)                          \
	}
static const struct {
	const char *name;
	size_t off;
} xlsxlib_syms[] = {
    XLSXLIB_SYM(workbook_new_opt),       XLSXLIB_SYM(workbook_add_worksheet),
    XLSXLIB_SYM(workbook_add_format),    XLSXLIB_SYM(workbook_set_properties),
    XLSXLIB_SYM(workbook_close),         XLSXLIB_SYM(format_set_bold),
    XLSXLIB_SYM(format_set_num_format),  XLSXLIB_SYM(format_set_bg_color),
    XLSXLIB_SYM(format_set_font_color),  XLSXLIB_SYM(format_set_text_wrap),
    XLSXLIB_SYM(worksheet_write_string), XLSXLIB_SYM(worksheet_write_number),
    XLSXLIB_SYM(worksheet_write_blank),  XLSXLIB_SYM(worksheet_freeze_panes),
    XLSXLIB_SYM(worksheet_autofilter),   XLSXLIB_SYM(worksheet_set_column),
    XLSXLIB_SYM(lxw_strerror),
};

#define XLSXLIB_NSYMS (sizeof xlsxlib_syms / sizeof xlsxlib_syms[0])

static struct xlsxlib xlsxlib_fns;
static int xlsxlib_loaded;

const struct xlsxlib *
xlsxlib_get(char *err, size_t errlen)
{
	void *h, *sym;
	size_t i;

	if (xlsxlib_loaded)
		return &xlsxlib_fns;
	/* Kept open for the life of the process: ismsctl runs one command. */
	h = dlopen(XLSXLIB_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(err, errlen,
		         "xlsx: cannot load %s (%s): install libxlsxwriter4 "
		         "(Debian: apt-get install libxlsxwriter4)",
		         XLSXLIB_SONAME, dlerror());
		return NULL;
	}
	for (i = 0; i < XLSXLIB_NSYMS; i++) {
		sym = dlsym(h, xlsxlib_syms[i].name);
		if (!sym) {
			snprintf(err, errlen, "xlsx: %s has no %s",
			         XLSXLIB_SONAME, xlsxlib_syms[i].name);
			return NULL;
		}
		/* POSIX guarantees a data pointer holds a function's address. */
		*(void **)((char *)&xlsxlib_fns + xlsxlib_syms[i].off) = sym;
	}
	xlsxlib_loaded = 1;
	return &xlsxlib_fns;
}
