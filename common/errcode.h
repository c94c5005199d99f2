/*
 * errcode.h: one error space for the whole project.
 *
 * Functions return int: 0 is success, a negative value is -ISMS_E* where the
 * numbers are gRPC's status codes, so the wire status of an error is simply
 * its negation. Details travel in a struct isms_err beside the code.
 */
#ifndef ISMS_ERRCODE_H
#define ISMS_ERRCODE_H

#include <stddef.h>

enum isms_code {
	ISMS_OK = 0,
	ISMS_ECANCELLED = 1,
	ISMS_EUNKNOWN = 2,
	ISMS_EINVAL = 3,    /* INVALID_ARGUMENT */
	ISMS_ETIMEDOUT = 4, /* DEADLINE_EXCEEDED */
	ISMS_ENOTFOUND = 5,
	ISMS_EEXIST = 6,     /* ALREADY_EXISTS */
	ISMS_EPERM = 7,      /* PERMISSION_DENIED */
	ISMS_EEXHAUSTED = 8, /* RESOURCE_EXHAUSTED */
	ISMS_EPRECOND = 9,   /* FAILED_PRECONDITION */
	ISMS_ECONFLICT = 10, /* ABORTED: revision conflict */
	ISMS_ERANGE = 11,    /* OUT_OF_RANGE */
	ISMS_EUNIMPL = 12,   /* UNIMPLEMENTED */
	ISMS_EINTERNAL = 13,
	ISMS_EUNAVAIL = 14, /* UNAVAILABLE */
	ISMS_EDATALOSS = 15,
	ISMS_EUNAUTH = 16, /* UNAUTHENTICATED */
	ISMS_NCODES
};

/* An error with its detail message. */
struct isms_err {
	int code; /* enum isms_code, positive */
	char msg[512];
};

/* Returns the gRPC name of a code ("NOT_FOUND"), positive or negative. */
const char *isms_code_name(int code);

/* Fills err (if not NULL) and returns -code. */
int isms_err_set(struct isms_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
