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
	CTL_EXIT_OVERDUE = 4, /* due --check: something is overdue */
};

#define CTL_TIMEOUT_MS (60 * 1000)

/* One run of ismsctl. */
struct ctl_ctx {
	const char *endpoint;
	enum ctl_format format;
	FILE *out;
	struct isms_sync *sync;       /* connected on first use */
	struct isms_client_opts conn; /* --cacert, --cert, --key, --insecure */
	const char *token_file;       /* --token-file FILE */
	bool token_given;             /* the connection has a token */
};

/*
 * Global connection options, handled by ctl_conn_opt: getopt_long values
 * above any character.
 */
enum ctl_gopt {
	CTL_GOPT_TOKEN_FILE = 0x100,
	CTL_GOPT_CACERT,
	CTL_GOPT_CERT,
	CTL_GOPT_KEY,
	CTL_GOPT_INSECURE,
};

/* Options a command or verb accepts (-o and --help: every one). */
#define CTL_OPT_REV      0x01       /* --rev N */
#define CTL_OPT_LIMIT    0x02       /* --limit N */
#define CTL_OPT_ARCHIVED 0x04       /* --archived, --all */
#define CTL_OPT_FORCE    0x08       /* --force */
#define CTL_OPT_RESIDUAL 0x10       /* --residual */
#define CTL_OPT_START    0x20       /* --start YYYY-MM-DD */
#define CTL_OPT_SINCE    0x40       /* --since SEQ */
#define CTL_OPT_ID       0x80       /* --id ID */
#define CTL_OPT_ACTOR    0x100      /* --actor USER */
#define CTL_OPT_OWNER    0x200      /* --owner USER */
#define CTL_OPT_HEAD     0x400      /* --head SEQ:HASH */
#define CTL_OPT_REGISTER 0x800      /* --register R (repeatable) */
#define CTL_OPT_TYPE     0x1000     /* --type T (repeatable) */
#define CTL_OPT_WITHIN   0x2000     /* --within DURATION */
#define CTL_OPT_CHECK    0x4000     /* --check */
#define CTL_OPT_MAIL     0x8000     /* --mail */
#define CTL_OPT_ICAL     0x10000    /* --ical FILE|- */
#define CTL_OPT_ROLE     0x20000    /* --role R */
#define CTL_OPT_UID      0x40000    /* --uid N */
#define CTL_OPT_EMAIL    0x80000    /* --email E */
#define CTL_OPT_EXPIRES  0x100000   /* --expires DAYS */
#define CTL_OPT_DEEP     0x200000   /* --deep */
#define CTL_OPT_UNTIL    0x400000   /* --until YYYY-MM-DD */
#define CTL_OPT_FROM     0x800000   /* --from YYYY-MM-DD */
#define CTL_OPT_TO       0x1000000  /* --to YYYY-MM-DD */
#define CTL_OPT_SORT     0x2000000  /* --sort [-]FIELD */
#define CTL_OPT_DISPLAY  0x4000000  /* --display-name NAME */
#define CTL_OPT_FALLBACK 0x8000000  /* --fallback ADDR */
#define CTL_OPT_NAGIOS   0x10000000 /* --nagios */
#define CTL_OPT_STDIN    0x20000000 /* --stdin */

/* The values of a repeatable option, in order (borrowed strings). */
struct ctl_strv {
	const char **v;
	size_t n;
};

/* A parsed command line: the options, and the other arguments in order. */
struct ctl_opts {
	bool has_rev;
	uint64_t rev;
	bool has_limit;
	uint64_t limit;
	Isms__V1__ArchivedFilter archived;
	bool force;
	bool residual;
	bool help;
	const char *start;
	bool has_since;
	uint64_t since;
	const char *id;
	const char *actor;
	const char *owner;
	const char *head;
	bool deep;        /* --deep */
	const char *from; /* --from */
	const char *to;   /* --to */
	const char *sort; /* --sort FIELD, -FIELD: descending */
	const char *within;
	const char *ical;
	bool check;
	bool mail;
	const char *role;          /* --role */
	const char *uid;           /* --uid */
	const char *email;         /* --email */
	const char *display_name;  /* --display-name */
	const char *fallback;      /* --fallback */
	bool nagios;               /* --nagios */
	bool from_stdin;           /* --stdin */
	const char *expires;       /* --expires */
	const char *until;         /* --until */
	struct ctl_strv registers; /* owned array */
	struct ctl_strv types;     /* owned array */
	char **pos;                /* owned array of borrowed strings */
	int npos;
};

struct ctl_verb;

/* A verb's command line, parsed against its ctl_verb entry. */
struct ctl_args {
	const struct ctl_verb *verb;
	const ProtobufCFieldDescriptor
	    *reg;       /* register verbs: the body field */
	const char *id; /* the first argument, when the verb needs_id */
	char **words;   /* the arguments after it */
	int nwords;
	struct ctl_opts opt;
};

#define CTL_ARGS_ANY 0x7fff /* max_args: no limit */

/*
 * A verb of a command ("journal verify", "user add") or of the registers
 * ("risk get"): every command with verbs has a table of these, and
 * ctl_verbs_exec finds, parses and runs them the same way.
 */
struct ctl_verb {
	const char *name;  /* NULL: the command's form without a verb */
	const char *usage; /* what follows "<command> <verb>" */
	const char *help;  /* one line (or a few, indented by 6) */
	unsigned opts;     /* CTL_OPT_* it accepts (-o, --help: always) */
	int min_args;      /* arguments after the verb, the ID included */
	int max_args;      /* CTL_ARGS_ANY: no limit */
	bool needs_id;     /* the first argument is an ID or NAME (args.id) */
	const char *reg;   /* register verbs: NULL for every register */
	int (*exec)(struct ctl_ctx *, const struct ctl_args *);
};

/*
 * A top-level command: one const descriptor in its own ctl_*.c file,
 * listed in ctl_cmds (ismsctl.c). "ismsctl --help" shows usage and help,
 * "ismsctl help NAME" also detail.
 */
struct ctl_cmd {
	const char *name;
	const char *usage;    /* the one-line synopsis, after "ismsctl " */
	const char *help;     /* one line */
	const char *detail;   /* "ismsctl help NAME": what it does, exactly */
	void (*more)(FILE *); /* "ismsctl help NAME": after detail, or NULL */
	const struct ctl_verb *verbs; /* NULL: no verbs */
	size_t nverbs;
	/* argv[0] is the command's name (a register's, for the registers). */
	int (*exec)(struct ctl_ctx *, const struct ctl_cmd *, int argc,
	            char **argv);
};

#define CTL_NVERBS(t) (sizeof(t) / sizeof((t)[0]))

/* The replies of a paged call and the items gathered from them. */
struct ctl_pages {
	Isms__V1__Reply **replies; /* own the items */
	size_t nreplies;
	void *items; /* n pointers of the call's item type, in page order */
	size_t n;
};

/* What ctl_pages_read needs to know of one paged call (List, Journal). */
struct ctl_paging {
	Isms__V1__Reply__ResultCase result; /* of every page */
	uint32_t page_max;                  /* items asked for per call */
	/* Asks the next call of req for at most n items. */
	void (*limit)(Isms__V1__Request *req, uint32_t n);
	/* The items of page r (*n of them); points req past them, or returns
	 * false when r was the last page. */
	bool (*page)(Isms__V1__Request *req, const Isms__V1__Reply *r,
	             const void **items, size_t *n);
	/* A page may be empty and still be followed (List: the server reads
	 * a bounded number of entries per page). */
	bool empty_continues;
};

/* The records of a listing over all its pages, and the replies owning them. */
struct ctl_recs {
	struct ctl_pages pages;
	Isms__V1__Record **recs; /* pages.items */
	size_t n;
};

/* ismsctl.c: the commands, and the dispatcher */
extern const struct ctl_cmd *const ctl_cmds[];
extern const size_t ctl_ncmds;
/* Any other first word names a register: its verbs (ctl_register.c). */
extern const struct ctl_cmd ctl_cmd_register;
/* The command called name, or NULL. */
const struct ctl_cmd *ctl_cmd_find(const char *name);
/* Runs the command or register named by argv[0]. */
int ctl_dispatch(struct ctl_ctx *, int argc, char **argv);
/* ismsctl itself: global options, then ctl_dispatch; the exit code. */
int ctl_main(int argc, char **argv);

/* ctl_verb.c */
/*
 * Runs the verb of cmd named by the first argument that is not an option
 * (or the verb without a name): parses its options and arguments, then
 * calls its exec. reg: the register of a register verb, else NULL.
 */
int ctl_verbs_exec(struct ctl_ctx *, const struct ctl_cmd *cmd,
                   const ProtobufCFieldDescriptor *reg, int argc, char **argv);
/* The exec of a command made of verbs: ctl_verbs_exec, no register. */
int ctl_verbs_exec_cmd(struct ctl_ctx *, const struct ctl_cmd *cmd, int argc,
                       char **argv);
/* The verb called name (NULL: the form without a verb) for reg, or NULL. */
const struct ctl_verb *ctl_verb_find(const struct ctl_cmd *cmd,
                                     const ProtobufCFieldDescriptor *reg,
                                     const char *name);

/* ctl_help.c */
/* "ismsctl --help": every command, register and verb; options, exits. */
void ctl_usage(FILE *);
/* "ismsctl CMD --help": a usage line per verb of cmd. */
void ctl_cmd_usage(FILE *, const struct ctl_cmd *cmd);
extern const struct ctl_cmd ctl_cmd_help;
/* ctl_scdoc.c: the commands and verbs as ismsctl(1)'s COMMANDS section. */
int ctl_help_scdoc(FILE *);
extern const struct ctl_cmd ctl_cmd_version;

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
/* Sends req and checks the reply has result want; *out owned by caller. */
/* Reads a password (ctl_passwd.c): from a line of stdin when from_stdin,
 * else from the terminal without echo, twice when again is not NULL (the
 * two must match). 0 or a CTL_EXIT_* code (the message printed). */
#define CTL_PASSWORD_MAX 1024
int ctl_password_read(bool from_stdin, const char *prompt, const char *again,
                      char *out, size_t len);
/* Clears a password from memory. */
void ctl_password_wipe(char *buf, size_t len);

int ctl_call_expect(struct ctl_ctx *, Isms__V1__Request *,
                    Isms__V1__Reply__ResultCase want, Isms__V1__Reply **out);
/* Gets the current risk method; *out is the reply holding it. */
int ctl_method_fetch(struct ctl_ctx *, Isms__V1__Reply **out);
/* Whether colour may be used on f: a TTY, and NO_COLOR unset. */
bool ctl_colour_ok(FILE *f);

/* ctl_opts.c */
/*
 * Parses argv against the options allowed (CTL_OPT_*; -o FORMAT and --help
 * always). what names the command in errors. 0 or an exit code (printed).
 * Free o with ctl_opts_free, also on error.
 */
int ctl_opts_parse(struct ctl_ctx *, const char *what, unsigned allowed,
                   int argc, char **argv, struct ctl_opts *o);
void ctl_opts_free(struct ctl_opts *);
/* The index of the first argument of argv that is not an option (nor an
 * option's value), or -1: a command's verb. */
int ctl_opts_first_arg(int argc, char *const *argv);

/* ctl_register.c */
void ctl_register_usage(FILE *, const ProtobufCFieldDescriptor *reg);
/* Creates a record from a ready Put; *id (may be NULL) gets its new id. */
int ctl_put_create(struct ctl_ctx *, Isms__V1__Put *, char **id);

/* ctl_pages.c */
/* Sends req page after page until want items or the last page, into acc
 * (zeroed first by the caller); free acc with ctl_pages_free, also on error. */
int ctl_pages_read(struct ctl_ctx *, Isms__V1__Request *req,
                   const struct ctl_paging *, uint64_t want,
                   struct ctl_pages *acc);
void ctl_pages_free(struct ctl_pages *);

/* ctl_query.c */
int ctl_list_exec(struct ctl_ctx *, const struct ctl_args *);
int ctl_history_exec(struct ctl_ctx *, const struct ctl_args *);
/* Lists every live record of register reg (all pages) into out. */
int ctl_list_all(struct ctl_ctx *, const char *reg, struct ctl_recs *out);
void ctl_recs_free(struct ctl_recs *);

/* ctl_filter.c */
/*
 * The path from Record of a field a user names to read it ("level" in a
 * risk: risk.level; "title"; "acceptance.by"): a scalar, or a list of
 * them, outside lists of messages. *text (may be NULL) gets its dotted
 * form, owned by the caller. 0 or a usage exit code (printed).
 */
int ctl_field_read_path(const ProtobufCFieldDescriptor *reg, const char *name,
                        struct pb_path *path, char **text);
/* The words of "list": owner=, status=, tag= into their List fields, any
 * other field=value into list->filters. 0 or an exit code (printed);
 * free with ctl_list_words_free, also on error. */
int ctl_list_words(const ProtobufCFieldDescriptor *reg, Isms__V1__List *list,
                   int nwords, char *const *words);
void ctl_list_words_free(Isms__V1__List *list);
/* Orders recs by field spec ("score"; "-score": descending), absent
 * values last, ties in natural order. 0 or a usage exit code. */
int ctl_recs_sort(const ProtobufCFieldDescriptor *reg, const char *spec,
                  Isms__V1__Record **recs, size_t n);

/* ctl_status.c */
extern const struct ctl_cmd ctl_cmd_status;
extern const struct ctl_cmd ctl_cmd_health;
extern const struct ctl_cmd ctl_cmd_backup;
extern const struct ctl_cmd ctl_cmd_completion;
/* "ismsctl __complete CWORD WORD...": the candidates a completion script
 * asks for (ctl_completion.c); hidden from --help. */
#define CTL_COMPLETE_CMD "__complete"
int ctl_complete(struct ctl_ctx *, int argc, char **argv);

/* ctl_link.c */
extern const struct ctl_cmd ctl_cmd_link;
extern const struct ctl_cmd ctl_cmd_unlink;
extern const struct ctl_cmd ctl_cmd_links;
/* The two sections of "ismsctl links ID" as text. */
void ctl_links_print_table(FILE *, const char *id,
                           const Isms__V1__LinksResult *);

/* ctl_method.c */
extern const struct ctl_cmd ctl_cmd_method;
/* Applies "acceptance_threshold=12", "levels=low:1:365,..." words to m. */
int ctl_method_apply(Isms__V1__RiskMethod *m, int nwords, char *const *words,
                     struct isms_err *err);
/* The method as people read it: scales, levels, threshold, rev. */
void ctl_method_print_table(FILE *, const Isms__V1__RiskMethod *);

/* ctl_matrix.c */
int ctl_matrix_exec(struct ctl_ctx *, const struct ctl_args *);

/* ctl_ingest.c: the verb "incident ingest" */
int ctl_ingest_exec(struct ctl_ctx *, const struct ctl_args *);

/* ctl_metric.c: the verbs "metric record" and "metric values" */
int ctl_metric_record_exec(struct ctl_ctx *, const struct ctl_args *);
int ctl_metric_values_exec(struct ctl_ctx *, const struct ctl_args *);
/* Every measurement of metric id (up to want), page after page, into acc
 * (items: Isms__V1__Measurement *); free acc with ctl_pages_free. */
int ctl_metric_values_read(struct ctl_ctx *, const char *id, uint64_t want,
                           struct ctl_pages *acc);
/* Measurements as a table (AT VALUE RECORDED_BY RECORDED_AT SEQ NOTE), a
 * JSON array or CSV rows. */
void ctl_metric_print_values(struct ctl_ctx *, Isms__V1__Measurement *const *v,
                             size_t n);

/* ctl_programme.c: the verb "audit programme" */
int ctl_audit_programme_exec(struct ctl_ctx *, const struct ctl_args *);

/* ctl_soa.c */
extern const struct ctl_cmd ctl_cmd_soa;

/* ctl_report.c */
extern const struct ctl_cmd ctl_cmd_report;

/* ctl_gap.c */
extern const struct ctl_cmd ctl_cmd_gap;

/* ctl_plan.c */
extern const struct ctl_cmd ctl_cmd_plan;

/* ctl_journal.c */
extern const struct ctl_cmd ctl_cmd_journal;

/* ctl_watch.c */
extern const struct ctl_cmd ctl_cmd_watch;

/* ctl_review.c */
extern const struct ctl_cmd ctl_cmd_review;
/* The register verb "<register> review ID [note=TEXT]": the same call. */
int ctl_review_verb_exec(struct ctl_ctx *, const struct ctl_args *);

/* ctl_signoff.c: the sign-off verbs of risk, document, nonconformity
 * and mreview (one SignOff call). */
int ctl_accept_exec(struct ctl_ctx *, const struct ctl_args *);
int ctl_verify_exec(struct ctl_ctx *, const struct ctl_args *);
int ctl_approve_exec(struct ctl_ctx *, const struct ctl_args *);

/* ctl_lifecycle.c: "help REGISTER"'s lifecycle, evidence and sign-off,
 * from the server (Describe); without a daemon, a note and 0. */
int ctl_lifecycle_help(struct ctl_ctx *, const char *reg);

/* ctl_due.c */
extern const struct ctl_cmd ctl_cmd_due;

/* ctl_conn.c */
/*
 * Handles a global connection option from getopt_long (ch, optarg), also
 * its "needs a value" error. -1 when ch is not one of them, else 0 or an
 * exit code (printed).
 */
int ctl_conn_opt(struct ctl_ctx *, int ch, const char *val);
/*
 * The options of a connect: ctx->conn, the CA file from $ISMS_CACERT
 * unless --cacert, and the token from --token-file, else $ISMS_TOKEN.
 * *token is owned by the caller (free with ctl_token_free). 0 or an exit
 * code (printed).
 */
int ctl_conn_prepare(struct ctl_ctx *, struct isms_client_opts *o,
                     char **token);
/*
 * Reads a token file: its first line, trimmed of blanks. *loose is set
 * when group or others may read the file. 0, or -ISMS_EINVAL with err.
 */
int ctl_token_file_read(const char *path, char **token, bool *loose,
                        struct isms_err *err);
/* Wipes and frees a token. NULL is a no-op. */
void ctl_token_free(char *token);

/* ctl_rows.c */
/* A column of a table of messages (users, tokens). */
struct ctl_col {
	const char *title;  /* "LAST-USED" */
	const char *field;  /* "last_used_at" */
	const char *absent; /* text when the field is absent: "-", "never" */
};
/*
 * Prints messages of type md: a table of cols (booleans as yes / no), a
 * JSON array, or CSV with every scalar field in .proto order.
 */
void ctl_print_msgs(struct ctl_ctx *, const ProtobufCMessageDescriptor *md,
                    const struct ctl_col *cols, size_t ncols,
                    ProtobufCMessage *const *msgs, size_t n);

/* ctl_user.c */
extern const struct ctl_cmd ctl_cmd_user;

/* ctl_token.c */
extern const struct ctl_cmd ctl_cmd_token;

/* ctl_catalog.c */
extern const struct ctl_cmd ctl_cmd_catalog;
/*
 * The items of a catalog CSV text; errors say "line N: ...". *out (n
 * items, also on error) is freed with ctl_catalog_items_free.
 */
int ctl_catalog_items(const char *text, size_t len,
                      Isms__V1__CatalogItem ***out, size_t *n,
                      struct isms_err *err);
void ctl_catalog_items_free(Isms__V1__CatalogItem **items, size_t n);

/* ctl_export.c, ctl_import.c */
extern const struct ctl_cmd ctl_cmd_export;
extern const struct ctl_cmd ctl_cmd_import;

#endif
