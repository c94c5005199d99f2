/*
 * ctl.h: what the ismsctl command files share: the context of one run,
 * the command and verb tables, exit codes and the call helpers.
 */
#ifndef ISMS_CTL_H
#define ISMS_CTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ismsclient.h"
#include "output.h"

/* Exit codes, documented in ismsctl --help. */
enum ctl_exit {
	CTL_EXIT_OK = 0,
	CTL_EXIT_REPLY = 1,   /* the server replied with an error */
	CTL_EXIT_USAGE = 2,   /* bad command line */
	CTL_EXIT_UNAVAIL = 3, /* ismsd unreachable, or the connection lost */
};

#define CTL_TIMEOUT_MS (60 * 1000)

/* One run of ismsctl. */
struct ctl_ctx {
	const char *endpoint;
	enum ctl_format format;
	FILE *out;
	struct isms_sync *sync; /* connected on first use */
};

/* A top-level command: status, help, version. */
struct ctl_cmd {
	const char *name;
	const char *usage;
	const char *help;
	int (*exec)(struct ctl_ctx *, int argc, char **argv);
};

/* Options a register verb accepts. */
#define CTL_OPT_REV      0x1 /* --rev N */
#define CTL_OPT_LIMIT    0x2 /* --limit N */
#define CTL_OPT_ARCHIVED 0x4 /* --archived, --all */

/* A register verb's command line, parsed against its ctl_verb entry. */
struct ctl_args {
	const ProtobufCFieldDescriptor *reg; /* the register's body field */
	const char *id;
	char **words; /* field words */
	int nwords;
	bool has_rev;
	uint64_t rev;
	bool has_limit;
	uint64_t limit;
	Isms__V1__ArchivedFilter archived;
};

/* A verb every register has: add, get, list, set, archive, history. */
struct ctl_verb {
	const char *name;
	const char *usage; /* what follows "<register> <verb>" */
	const char *help;
	bool needs_id;
	bool takes_words;
	unsigned opts; /* CTL_OPT_* */
	int (*exec)(struct ctl_ctx *, const struct ctl_args *);
};

extern const struct ctl_verb ctl_verbs[];
extern const size_t ctl_nverbs;

/* ctl_util.c */
int ctl_error(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int ctl_connect(struct ctl_ctx *);
int ctl_call(struct ctl_ctx *, Isms__V1__Request *, Isms__V1__Reply **);
int ctl_expect(const Isms__V1__Reply *, Isms__V1__Reply__ResultCase);
int ctl_parse_u64(const char *s, uint64_t *v);
void ctl_print_record(struct ctl_ctx *, const Isms__V1__Record *);
void ctl_print_records(struct ctl_ctx *, const ProtobufCFieldDescriptor *reg,
                       Isms__V1__Record *const *recs, size_t n);

/* ctl_register.c */
int ctl_register_exec(struct ctl_ctx *, const ProtobufCFieldDescriptor *reg,
                      int argc, char **argv);
void ctl_register_usage(FILE *, const ProtobufCFieldDescriptor *reg);

/* ctl_query.c */
int ctl_list_exec(struct ctl_ctx *, const struct ctl_args *);
int ctl_history_exec(struct ctl_ctx *, const struct ctl_args *);

/* ctl_status.c */
int ctl_status_exec(struct ctl_ctx *, int argc, char **argv);

#endif
