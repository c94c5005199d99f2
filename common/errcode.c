/* errcode.c: names of the codes and the error setter. */
#include <stdarg.h>
#include <stdio.h>

#include "errcode.h"

static const char *const isms_code_names[ISMS_NCODES] = {
    [ISMS_OK] = "OK",
    [ISMS_ECANCELLED] = "CANCELLED",
    [ISMS_EUNKNOWN] = "UNKNOWN",
    [ISMS_EINVAL] = "INVALID_ARGUMENT",
    [ISMS_ETIMEDOUT] = "DEADLINE_EXCEEDED",
    [ISMS_ENOTFOUND] = "NOT_FOUND",
    [ISMS_EEXIST] = "ALREADY_EXISTS",
    [ISMS_EPERM] = "PERMISSION_DENIED",
    [ISMS_EEXHAUSTED] = "RESOURCE_EXHAUSTED",
    [ISMS_EPRECOND] = "FAILED_PRECONDITION",
    [ISMS_ECONFLICT] = "ABORTED",
    [ISMS_ERANGE] = "OUT_OF_RANGE",
    [ISMS_EUNIMPL] = "UNIMPLEMENTED",
    [ISMS_EINTERNAL] = "INTERNAL",
    [ISMS_EUNAVAIL] = "UNAVAILABLE",
    [ISMS_EDATALOSS] = "DATA_LOSS",
    [ISMS_EUNAUTH] = "UNAUTHENTICATED",
};

const char *
isms_code_name(int code)
{
	if (code < 0)
		code = -code;
	if (code >= ISMS_NCODES)
		return "UNKNOWN";
	return isms_code_names[code];
}

int
isms_err_set(struct isms_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (code < 0)
		code = -code;
	if (err != NULL) {
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
	}
	return -code;
}
