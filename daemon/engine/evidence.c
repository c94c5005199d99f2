/* evidence.c: the evidence each state requires, and voided sign-offs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence.h"
#include "keys.h"
#include "links.h"
#include "pbfield.h"
#include "records.h"
#include "xmalloc.h"

/* The missing items of one check, as text for the error. */
struct evidence_gaps {
	char buf[512];
	size_t off;
	unsigned n;
};

/* Adds one missing item. */
static void
evidence_gap(struct evidence_gaps *g, const char *fmt, const char *a,
             const char *b)
{
	if (g->off < sizeof g->buf)
		g->off +=
		    (size_t)snprintf(g->buf + g->off, sizeof g->buf - g->off,
		                     "%s", g->n > 0 ? ", " : "");
	if (g->off < sizeof g->buf)
		g->off += (size_t)snprintf(g->buf + g->off,
		                           sizeof g->buf - g->off, fmt, a, b);
	g->n++;
}

bool
evidence_has(const ProtobufCMessage *body, const char *path)
{
	const ProtobufCFieldDescriptor *fd = NULL;
	const ProtobufCMessage *m = body;
	char part[64];
	const char *p = path, *dot;
	size_t n;

	while (m != NULL) {
		dot = strchr(p, '.');
		n = dot != NULL ? (size_t)(dot - p) : strlen(p);
		if (n >= sizeof part)
			return false;
		memcpy(part, p, n);
		part[n] = '\0';
		if ((fd = pb_field_by_name(m->descriptor, part)) == NULL ||
		    !pb_field_present(m, fd))
			return false;
		if (dot == NULL)
			break;
		if (fd->type != PROTOBUF_C_TYPE_MESSAGE)
			return false;
		m = *(const ProtobufCMessage **)pb_field_ptr(m, fd);
		p = dot + 1;
	}
	if (m == NULL || fd == NULL)
		return false;
	if (fd->label == PROTOBUF_C_LABEL_REPEATED)
		return pb_field_count(m, fd) > 0;
	if (fd->type == PROTOBUF_C_TYPE_ENUM)
		return *(const int *)pb_field_ptr(m, fd) != 0;
	if (fd->type == PROTOBUF_C_TYPE_STRING)
		return register_has_text(*(char **)pb_field_ptr(m, fd));
	return true;
}

/* Whether the state's "when" ("kind=major_nc|minor_nc") holds for body. */
static bool
evidence_applies(const char *when, const ProtobufCMessage *body)
{
	const ProtobufCFieldDescriptor *fd;
	const char *eq, *v, *bar;
	char name[64], val[64];
	size_t n;

	if (when == NULL)
		return true;
	if ((eq = strchr(when, '=')) == NULL ||
	    (size_t)(eq - when) >= sizeof name)
		return false;
	snprintf(name, sizeof name, "%.*s", (int)(eq - when), when);
	if ((fd = pb_field_by_name(body->descriptor, name)) == NULL ||
	    !pb_field_present(body, fd) ||
	    pb_field_format(body, fd, 0, val, sizeof val) != 0)
		return false;
	for (v = eq + 1; *v != '\0'; v = *bar ? bar + 1 : bar) {
		bar = strchr(v, '|');
		if (bar == NULL)
			bar = v + strlen(v);
		n = (size_t)(bar - v);
		if (strlen(val) == n && strncmp(val, v, n) == 0)
			return true;
	}
	return false;
}

/* A search for a linked record of a register in a status. */
struct evidence_link_search {
	struct store_txn *txn;
	const struct register_linked *need;
	bool found;
};

/* Whether record id is of the needed register and status. */
static void
evidence_link_try(struct evidence_link_search *s, const char *id)
{
	const struct register_def *reg = register_by_id(id);
	Isms__V1__Record *rec;
	struct isms_err err;
	uint8_t rk[RECKEY_MAX];
	size_t rklen;

	if (s->found || reg == NULL || strcmp(reg->name, s->need->reg) != 0)
		return;
	if (records_load(s->txn, id, NULL, rk, &rklen, &rec, &err) != 0)
		return;
	if (!rec->archived && (s->need->status == 0 ||
	                       register_status(reg, rec) == s->need->status))
		s->found = true;
	protobuf_c_message_free_unpacked(&rec->base, NULL);
}

/* links_each_incoming callback. */
static void
evidence_link_in(void *arg, const char *rel, const char *source)
{
	(void)rel;
	evidence_link_try(arg, source);
}

/* Whether rec is linked (either way) with a record the state needs. */
static bool
evidence_linked(struct store_txn *txn, const struct register_def *reg,
                const Isms__V1__Record *rec, const struct register_linked *l)
{
	struct evidence_link_search s = {txn, l, false};
	struct isms_err err;
	size_t i;

	for (i = 0; i < rec->n_links && !s.found; i++)
		evidence_link_try(&s, rec->links[i]->target);
	if (!s.found && register_has_text(rec->id))
		(void)links_each_incoming(txn, reg, rec->id, evidence_link_in,
		                          &s, &err);
	return s.found;
}

void
evidence_link_text(const struct register_linked *l, char *buf, size_t len)
{
	const struct register_def *r = register_by_name(l->reg);
	const ProtobufCFieldDescriptor *sfd =
	    r != NULL ? register_status_field(r) : NULL;
	char st[64];

	if (l->status == 0 || sfd == NULL ||
	    pb_enum_name(sfd->descriptor, l->status, st, sizeof st) == NULL)
		snprintf(buf, len, "a linked %s", l->reg);
	else
		snprintf(buf, len, "a linked %s in status %s", l->reg, st);
}

/* Whether old, in the same state, lacked the same item (tolerated). */
static bool
evidence_lacked(const Isms__V1__Record *old, const struct register_def *reg,
                int status)
{
	return old != NULL && register_status(reg, old) == status;
}

int
evidence_check(struct register_ctx *ctx, const struct register_def *reg,
               const Isms__V1__Record *rec, const Isms__V1__Record *old,
               struct isms_err *err)
{
	int s = register_status(reg, rec);
	const struct register_state *st = register_state_of(reg, s);
	const ProtobufCMessage *body = register_body(rec);
	bool same = evidence_lacked(old, reg, s);
	struct evidence_gaps g = {.off = 0, .n = 0};
	struct isms_err why = {0};
	const char *const *f;
	char name[64], text[128];

	if (st == NULL || body == NULL || !evidence_applies(st->when, body))
		return 0;
	for (f = st->evidence; f != NULL && *f != NULL; f++)
		if (!evidence_has(body, *f) &&
		    !(same && !evidence_has(register_body(old), *f)))
			evidence_gap(&g, "field '%s'%s", *f, "");
	if (st->linked != NULL &&
	    !evidence_linked(ctx->txn, reg, rec, st->linked) &&
	    !(same && !evidence_linked(ctx->txn, reg, old, st->linked))) {
		evidence_link_text(st->linked, text, sizeof text);
		evidence_gap(&g, "%s%s", text, "");
	}
	if (st->rule != NULL && st->rule->check(ctx, rec, &why) != 0 &&
	    !(same && st->rule->check(ctx, old, &(struct isms_err){0}) != 0))
		evidence_gap(&g, "%s (%s)", st->rule->what, why.msg);
	if (g.n == 0)
		return 0;
	pb_enum_name(register_status_field(reg)->descriptor, s, name,
	             sizeof name);
	return isms_err_set(err, ISMS_EINVAL,
	                    "status '%s' of a %s needs evidence that is "
	                    "missing: %s",
	                    name, reg->name, g.buf);
}

void
evidence_void(const struct register_def *reg, const Isms__V1__Record *old,
              Isms__V1__Record *rec, char *note, size_t len)
{
	const struct register_signoff *so = reg->signoff;
	const ProtobufCMessage *ob = old != NULL ? register_body(old) : NULL;
	ProtobufCMessage *nb = register_body(rec);
	const ProtobufCFieldDescriptor *fd, *sfd;
	const char *const *c;
	char from[64], to[64];

	note[0] = '\0';
	if (so == NULL || ob == NULL || nb == NULL ||
	    (fd = pb_field_by_name(nb->descriptor, so->field)) == NULL ||
	    !pb_field_present(nb, fd))
		return;
	for (c = so->covers; c != NULL && *c != NULL; c++)
		if (!pb_field_equal(ob, nb,
		                    pb_field_by_name(nb->descriptor, *c)))
			break;
	if (c == NULL || *c == NULL)
		return;
	pb_field_clear(nb, fd);
	snprintf(note, len, "%s voided: %s changed", so->field, *c);
	sfd = register_status_field(reg);
	if (register_status(reg, rec) != so->to)
		return;
	*(int *)pb_field_ptr(nb, sfd) = so->fallback;
	pb_enum_name(sfd->descriptor, so->to, from, sizeof from);
	pb_enum_name(sfd->descriptor, so->fallback, to, sizeof to);
	snprintf(note + strlen(note), len - strlen(note), "; status %s -> %s",
	         from, to);
}

/* Whether a state of some register needs a linked record of reg. */
static bool
evidence_needed(const struct register_def *reg)
{
	const struct register_state *st;
	size_t i;

	for (i = 0; registers[i] != NULL; i++)
		for (st = registers[i]->states; st != NULL && st->status != 0;
		     st++)
			if (st->linked != NULL &&
			    strcmp(st->linked->reg, reg->name) == 0)
				return true;
	return false;
}

/*
 * Whether record id is in a state that needs a linked record of reg and
 * has one now; *stp is that state when it needs one, else NULL.
 */
static bool
evidence_need_holds(struct store_txn *txn, const char *id,
                    const struct register_def *reg,
                    const struct register_state **stp)
{
	const struct register_def *nreg;
	const struct register_state *st;
	Isms__V1__Record *n;
	struct isms_err err;
	uint8_t rk[RECKEY_MAX];
	size_t rklen;
	bool holds = false;

	*stp = NULL;
	if (records_load(txn, id, &nreg, rk, &rklen, &n, &err) != 0)
		return false;
	st = register_state_of(nreg, register_status(nreg, n));
	if (!n->archived && st != NULL && st->linked != NULL &&
	    strcmp(st->linked->reg, reg->name) == 0 &&
	    evidence_applies(st->when, register_body(n))) {
		*stp = st;
		holds = evidence_linked(txn, nreg, n, st->linked);
	}
	protobuf_c_message_free_unpacked(&n->base, NULL);
	return holds;
}

/* Adds id to the watch once, when its need for w->reg holds now. */
static void
evidence_watch_add(struct evidence_watch *w, const char *id)
{
	const struct register_state *st;
	size_t i;

	for (i = 0; i < w->n; i++)
		if (strcmp(w->ids[i], id) == 0)
			return;
	if (!evidence_need_holds(w->txn, id, w->reg, &st))
		return;
	w->ids = xrealloc(w->ids, (w->n + 1) * sizeof *w->ids);
	w->ids[w->n++] = xstrdup(id);
}

/* links_each_incoming callback. */
static void
evidence_watch_in(void *arg, const char *rel, const char *source)
{
	(void)rel;
	evidence_watch_add(arg, source);
}

void
evidence_watch_begin(struct evidence_watch *w, struct store_txn *txn,
                     const struct register_def *reg,
                     const Isms__V1__Record *rec)
{
	struct isms_err err;
	size_t i;

	*w = (struct evidence_watch){.txn = txn, .reg = reg};
	if (!evidence_needed(reg))
		return;
	for (i = 0; i < rec->n_links; i++)
		evidence_watch_add(w, rec->links[i]->target);
	(void)links_each_incoming(txn, reg, rec->id, evidence_watch_in, w,
	                          &err);
}

int
evidence_watch_end(struct evidence_watch *w, const char *id,
                   struct isms_err *err)
{
	const struct register_state *st;
	char text[128], name[64];
	size_t i;
	int rc = 0;

	for (i = 0; i < w->n && rc == 0; i++) {
		if (evidence_need_holds(w->txn, w->ids[i], w->reg, &st) ||
		    st == NULL)
			continue;
		evidence_link_text(st->linked, text, sizeof text);
		pb_enum_name(register_status_field(register_by_id(w->ids[i]))
		                 ->descriptor,
		             st->status, name, sizeof name);
		rc = isms_err_set(err, ISMS_EPRECOND,
		                  "%s is %s, which needs %s: this change to %s "
		                  "would leave it without one",
		                  w->ids[i], name, text, id);
	}
	evidence_watch_free(w);
	return rc;
}

void
evidence_watch_free(struct evidence_watch *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		free(w->ids[i]);
	free(w->ids);
	w->ids = NULL;
	w->n = 0;
}
