/*
 * log.h: logging to stderr with syslog priority prefixes ("<6>"), which
 * journald turns into priorities.
 */
#ifndef ISMS_LOG_H
#define ISMS_LOG_H

#include <stdarg.h>

#define LOG_PRI_ERR     3
#define LOG_PRI_WARNING 4
#define LOG_PRI_NOTICE  5
#define LOG_PRI_INFO    6
#define LOG_PRI_DEBUG   7

/* Sets the program name and the most verbose priority printed. */
void log_init(const char *progname, int max_priority);
void log_msg(int pri, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void log_vmsg(int pri, const char *fmt, va_list ap);

#define log_err(...)    log_msg(LOG_PRI_ERR, __VA_ARGS__)
#define log_warn(...)   log_msg(LOG_PRI_WARNING, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_PRI_NOTICE, __VA_ARGS__)
#define log_info(...)   log_msg(LOG_PRI_INFO, __VA_ARGS__)
#define log_debug(...)  log_msg(LOG_PRI_DEBUG, __VA_ARGS__)

/* Logs and exits: only for broken invariants and out of memory. */
void fatalx(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

#endif
