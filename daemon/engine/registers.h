/*
 * registers.h: the register table.
 *
 * A register is one body of the Record oneof. Everything it is lives in
 * its definition, registers/<name>.c: its line in the list (common/
 * reglist.h: name, body case, id prefix, display order), how often records
 * are reviewed, its lifecycle (moves, settled states) and which hook
 * checks and derives its fields. No other module keeps a list about
 * registers: they ask the definition.
 *
 * Adding a register: one message in isms.proto and its case in the Record
 * oneof, one line in common/reglist.h, one file in registers/ (built
 * without a CMake edit), its fixture in tests/unit/reg_fx.c, the README.
 */
#ifndef ISMS_REGISTERS_H
#define ISMS_REGISTERS_H

#include <stdbool.h>
#include <stdint.h>

#include "errcode.h"
#include "proto/isms.pb-c.h"
#include "reglist.h"

struct store_txn;

/* What a register's check hook may consult. */
struct register_ctx {
	struct store_txn *txn;
	const Isms__V1__RiskMethod *method; /* the current risk method */
	const char *actor;
	int64_t now;
};

/* An allowed status transition (enum values of the body's status). */
struct register_move {
	int from;
	int to;
};

/* State flags. */
#define REGISTER_SETTLED 0x1 /* nothing is due: no review, no reminder */

/*
 * A record a state needs linked to the record, by a link either way (the
 * record's own, or one of the other record's) of any relation.
 */
struct register_linked {
	const char *reg; /* its register: "action" */
	int status;      /* its status (that register's enum value); 0: any */
};

/* A rule of a state that data alone cannot say: named, for messages and
 * help, and checked by its function (0, or -ISMS_EINVAL saying why). */
struct register_rule {
	const char *what; /* "above the acceptance threshold: by the owner" */
	int (*check)(const struct register_ctx *, const Isms__V1__Record *rec,
	             struct isms_err *err);
};

/*
 * What a register says about one of its lifecycle states. A definition
 * lists only the states it has something to say about.
 *
 * Evidence: what a record must show to be stored in this state, on every
 * write that stores it (a create included), checked by one generic check
 * (evidence.h). A record that already lacked an item in this state may be
 * stored again in it lacking that item (records from before the rule);
 * a write that enters the state, or removes the item, may not.
 */
struct register_state {
	int status;     /* enum value of the body's status; 0 ends a list */
	unsigned flags; /* REGISTER_SETTLED */
	/* "kind=major_nc|minor_nc": the evidence applies only to records
	 * whose body field has one of these values; NULL: to all. */
	const char *when;
	/* Body field paths that must hold a value ("acceptance.by");
	 * NULL-terminated, or NULL. */
	const char *const *evidence;
	const struct register_linked *linked; /* or NULL */
	const struct register_rule *rule;     /* or NULL */
};

/*
 * A sign-off: the verb by which a user accepts, approves or verifies a
 * record ("ismsctl risk accept ID"). The server writes the signer and its
 * clock into the body's message field (by, at): a derived field, never a
 * client's. Its signer is the record's owner or an admin. It moves the
 * record to its signed state (from any state with a move there, or again
 * in it). A change of a covered field voids it: the message is cleared,
 * and a record in the signed state falls back.
 */
struct register_signoff {
	const char *verb;          /* "accept" */
	const char *done;          /* "accepted": for the journal */
	const char *field;         /* body message with by and at */
	int to;                    /* the signed state */
	int fallback;              /* where a voided sign-off leaves it */
	const char *const *covers; /* body fields; NULL-terminated or NULL */
	const char *note;          /* the message's field for a note, or NULL */
	bool until;                /* the message has "until" (a date) */
};

/*
 * The fields of a definition that come from its line in common/reglist.h:
 * REGISTER_ROW(risk), last in the initializer of register_risk (where
 * clang-format keeps the fields one a line).
 */
#define REGISTER_ROW(n)                                                        \
	.name = #n, .prefix = reglist_prefix_##n, .body_case = reglist_case_##n

struct register_def {
	/* From the list (REGISTER_ROW). */
	const char *name;     /* the body field name: "risk" */
	const char *prefix;   /* id prefix: "RSK" → RSK-0001 */
	uint32_t body_case;   /* ISMS__V1__RECORD__BODY_RISK */
	uint32_t review_days; /* default review interval */
	int initial_status;   /* status value given on create */
	/* States with flags, {0, 0}-terminated; NULL: none. */
	const struct register_state *states;
	/* An owner (a user) is required (owners.h): always, or only while
	 * the body's bool field owner_when is true (NULL: always). */
	bool owner_required;
	const char *owner_when;
	/* Body fields required on create (title always is). */
	const char *const *required;
	/* Allowed status moves, {0, 0}-terminated; NULL: any move. */
	const struct register_move *moves;
	/* Body fields the server derives: never set by a client. */
	const char *const *derived;
	/* Its sign-off (its field is in derived too), or NULL. */
	const struct register_signoff *signoff;
	/* Other ids this register owns (catalog: A.5.1, 4.1); may be NULL. */
	bool (*owns_id)(const char *id);
	/* Records come only from the catalog: no add. */
	bool catalog_only;
	/* check needs the risk method (ctx->method). */
	bool uses_method;
	/* While a record has a due date (due_on), that date is its one
	 * reminder: no periodic review item beside it. */
	bool due_replaces_review;
	/*
	 * Checks the record about to be stored (old is NULL on create) and
	 * derives the server's fields. -ISMS_EINVAL naming the field. May be
	 * NULL.
	 */
	int (*check)(struct register_ctx *, Isms__V1__Record *rec,
	             const Isms__V1__Record *old, struct isms_err *err);
};

#define REGISTER_EXTERN(n, N, p) extern const struct register_def register_##n;
ISMS_REGISTERS(REGISTER_EXTERN)
#undef REGISTER_EXTERN

/* Every register, in the list's order (display order); NULL-terminated. */
extern const struct register_def *const registers[];

const struct register_def *register_by_name(const char *name);
/* The place of the register named name in registers[], or -1. */
int register_index(const char *name);
const struct register_def *register_by_case(uint32_t body_case);
/* The register whose ids look like id ("RSK-0001" → risk), or NULL. */
const struct register_def *register_by_id(const char *id);

/*
 * Refuses an id of another register than want (a register name; NULL or
 * empty: any): INVALID_ARGUMENT naming the register the id belongs to,
 * so "risk get INC-0001" says it is an incident.
 */
int register_check_id_in(const char *id, const char *want,
                         struct isms_err *err);

/* The key byte of a register's records (its body field number). */
static inline uint8_t
register_code(const struct register_def *r)
{
	return (uint8_t)r->body_case;
}

/* The body message of rec (whatever its register), or NULL. */
ProtobufCMessage *register_body(const Isms__V1__Record *rec);

/* The body's "status" field descriptor for register r, or NULL. */
const ProtobufCFieldDescriptor *
register_status_field(const struct register_def *r);

/* Whether rec is in a state of r flagged with flag (REGISTER_SETTLED). */
bool register_state_is(const struct register_def *r,
                       const Isms__V1__Record *rec, unsigned flag);

/* The state entry of status s of r (any flags or evidence), or NULL. */
const struct register_state *register_state_of(const struct register_def *r,
                                               int s);

/* The status value of rec, a record of r (0 if none). */
int register_status(const struct register_def *r, const Isms__V1__Record *rec);

/* Whether r's moves table allows from -> to (no table: any). */
bool register_move_allowed(const struct register_def *r, int from, int to);

/* Gives body its register's first lifecycle state unless it has one. */
void register_set_initial_status(const struct register_def *r,
                                 ProtobufCMessage *body);

/* Requires a valid calendar date (YYYY-MM-DD) when s is set. */
int register_check_date(const char *field, const char *s, struct isms_err *err);

/* Requires a value in 1..max for an optional uint32 field. */
int register_check_scale(const char *field, protobuf_c_boolean has, uint32_t v,
                         uint32_t max, struct isms_err *err);

/* Whether a string field holds text (set and not empty). */
static inline bool
register_has_text(const char *s)
{
	return s != NULL && s[0] != '\0';
}

/* Whether rec's status is s and old's was not (old NULL: a create). */
bool register_entering(const struct register_def *r,
                       const Isms__V1__Record *rec, const Isms__V1__Record *old,
                       int s);

/* Whether old's status was s and rec's is not (false on create). */
bool register_leaving(const struct register_def *r, const Isms__V1__Record *rec,
                      const Isms__V1__Record *old, int s);

/*
 * Stamps a calendar date field with today (ctx->now, UTC) when it is unset
 * or, with was given, still equal to was: the client gave no new date.
 */
void register_stamp_date(const struct register_ctx *ctx, char **date,
                         const char *was);

/*
 * Refuses a client's change to r's derived fields: on update they must
 * equal old's, on a client's create they must be absent. The catalog
 * loader validates its new records with their id already set (a client's
 * create has none yet) and may fill them; its updates skip validation.
 */
int register_check_derived(const struct register_def *r,
                           const Isms__V1__Record *rec,
                           const Isms__V1__Record *old, struct isms_err *err);

#endif
