/*
 * report_xlsxlib.h: libxlsxwriter, loaded when a spreadsheet is asked for.
 *
 * ismsctl is linked against static archives so that it starts in about a
 * millisecond (client/CMakeLists.txt). Debian ships libxlsxwriter only as
 * a shared object, and that object pulls in libcrypto.so, libminizip and
 * libz: linked in, every ismsctl command would load them. So the XLSX
 * renderer reaches the library through this table of its functions,
 * filled by dlopen on first use; only `-o xlsx` pays for it, and a
 * missing library is a clear error instead of a command that won't start.
 */
#ifndef ISMS_REPORT_XLSXLIB_H
#define ISMS_REPORT_XLSXLIB_H

#include <stddef.h>

#include <xlsxwriter.h>

/* The shared object's name: the run-time package libxlsxwriter4. */
#define XLSXLIB_SONAME "libxlsxwriter.so.4"

#define XLSXLIB_FN(name) __typeof__(name) *name
struct xlsxlib {
	XLSXLIB_FN(workbook_new_opt);
	XLSXLIB_FN(workbook_add_worksheet);
	XLSXLIB_FN(workbook_add_format);
	XLSXLIB_FN(workbook_set_properties);
	XLSXLIB_FN(workbook_close);
	XLSXLIB_FN(format_set_bold);
	XLSXLIB_FN(format_set_num_format);
	XLSXLIB_FN(format_set_bg_color);
	XLSXLIB_FN(format_set_font_color);
	XLSXLIB_FN(format_set_text_wrap);
	XLSXLIB_FN(worksheet_write_string);
	XLSXLIB_FN(worksheet_write_number);
	XLSXLIB_FN(worksheet_write_blank);
	XLSXLIB_FN(worksheet_freeze_panes);
	XLSXLIB_FN(worksheet_autofilter);
	XLSXLIB_FN(worksheet_set_column);
	XLSXLIB_FN(lxw_strerror);
};
#undef XLSXLIB_FN

/* The library's functions (loaded once), or NULL with a message in err. */
const struct xlsxlib *xlsxlib_get(char *err, size_t errlen);

#endif
