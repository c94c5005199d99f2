/*
 * report_snap.c: a Snapshot's records indexed for the report builders.
 */
#include <stdlib.h>
#include <string.h>

#include "pbfield.h"
#include "report_snap.h"
#include "timefmt.h"
#include "xmalloc.h"

static int
rsnap_cmp_id(const void *a, const void *b)
{
	const Isms__V1__Record *x = *(Isms__V1__Record *const *)a;
	const Isms__V1__Record *y = *(Isms__V1__Record *const *)b;

	return strcmp(x->id != NULL ? x->id : "", y->id != NULL ? y->id : "");
}

const Isms__V1__Record *
rsnap_find(const struct rsnap *r, const char *id)
{
	Isms__V1__Record key = ISMS__V1__RECORD__INIT, *kp = &key, **hit;

	if (id == NULL)
		return NULL;
	key.id = (char *)id;
	hit = bsearch(&kp, r->byid, r->nbyid, sizeof *r->byid, rsnap_cmp_id);
	return hit != NULL ? *hit : NULL;
}

/* Adds "rel ← from" to rec's linked_from, as the server fills it. */
static void
rsnap_add_from(Isms__V1__Record *rec, const char *rel, const char *from)
{
	Isms__V1__Link *l =
	    (Isms__V1__Link *)pb_new(&isms__v1__link__descriptor);

	l->rel = xstrdup(rel != NULL ? rel : "");
	l->target = xstrdup(from);
	rec->linked_from = xreallocarray(
	    rec->linked_from, rec->n_linked_from + 1, sizeof *rec->linked_from);
	rec->linked_from[rec->n_linked_from++] = l;
}

/* Every live record's links, as incoming links on their targets. */
static void
rsnap_fill_incoming(struct rsnap *r)
{
	Isms__V1__Record *src, *dst;
	size_t i, j;

	for (i = 0; i < r->nbyid; i++) {
		dst = r->byid[i];
		for (j = 0; j < dst->n_linked_from; j++)
			protobuf_c_message_free_unpacked(
			    &dst->linked_from[j]->base, NULL);
		free(dst->linked_from);
		dst->linked_from = NULL;
		dst->n_linked_from = 0;
	}
	for (i = 0; i < r->s.nrecs; i++) {
		src = r->s.recs[i];
		if (src->archived)
			continue;
		for (j = 0; j < src->n_links; j++) {
			dst = (Isms__V1__Record *)rsnap_find(
			    r, src->links[j]->target);
			if (dst != NULL)
				rsnap_add_from(dst, src->links[j]->rel,
				               src->id);
		}
	}
}

void
rsnap_init(struct rsnap *r, struct isms_snapshot *snap)
{
	const struct reglist_row *row;
	Isms__V1__Record *rec;
	struct rsnap_reg *g;
	size_t i;
	int64_t day;

	memset(r, 0, sizeof *r);
	r->s = *snap;
	memset(snap, 0, sizeof *snap);
	r->byid = xcalloc(r->s.nrecs + 1, sizeof *r->byid);
	for (i = 0; i < r->s.nrecs; i++) {
		rec = r->s.recs[i];
		r->byid[r->nbyid++] = rec;
		if (rec->archived)
			continue;
		for (row = reglist; row < reglist + REGLIST_COUNT; row++)
			if (row->body_case == (uint32_t)rec->body_case)
				break;
		if (row == reglist + REGLIST_COUNT)
			continue;
		g = &r->reg[row - reglist];
		g->recs = xreallocarray(g->recs, g->n + 1, sizeof *g->recs);
		g->recs[g->n++] = rec;
	}
	qsort(r->byid, r->nbyid, sizeof *r->byid, rsnap_cmp_id);
	rsnap_fill_incoming(r);
	r->method = r->s.head != NULL ? r->s.head->method : NULL;
	r->now = r->s.head != NULL ? r->s.head->server_time : 0;
	if (r->s.head != NULL && r->s.head->as_of != NULL &&
	    timefmt_parse_instant(r->s.head->as_of, &day) == 0)
		r->now = day + 86400 - 1;
	timefmt_date_add(r->now, 0, r->today, sizeof r->today);
}

void
rsnap_free(struct rsnap *r)
{
	size_t i;

	for (i = 0; i < REGLIST_COUNT; i++)
		free(r->reg[i].recs);
	free(r->byid);
	isms_snapshot_free(&r->s);
	memset(r, 0, sizeof *r);
}

const ProtobufCMessage *
rsnap_body(const Isms__V1__Record *rec)
{
	const ProtobufCFieldDescriptor *fd;

	if (rec->body_case == ISMS__V1__RECORD__BODY__NOT_SET)
		return NULL;
	fd = protobuf_c_message_descriptor_get_field(
	    &isms__v1__record__descriptor, rec->body_case);
	return fd != NULL
	           ? *(const ProtobufCMessage **)pb_field_ptr(&rec->base, fd)
	           : NULL;
}

const char *
rsnap_enum(const Isms__V1__Record *rec, const char *field, char *buf,
           size_t len)
{
	const ProtobufCMessage *b = rsnap_body(rec);
	const ProtobufCFieldDescriptor *fd;
	const char *s;

	buf[0] = '\0';
	if (b == NULL ||
	    (fd = pb_field_by_name(b->descriptor, field)) == NULL ||
	    fd->type != PROTOBUF_C_TYPE_ENUM || !pb_field_present(b, fd))
		return buf;
	s = pb_enum_name(fd->descriptor, *(const int *)pb_field_ptr(b, fd), buf,
	                 len);
	return s != NULL ? s : "";
}

const char *
rsnap_status(const Isms__V1__Record *rec, char *buf, size_t len)
{
	return rsnap_enum(rec, "status", buf, len);
}

bool
rsnap_is(const char *id, const char *reg)
{
	const struct reglist_row *row = reglist_by_name(reg);

	return id != NULL && row != NULL && reglist_owns_id(row, id);
}

/* Appends id to the space separated list s (once). */
static char *
rsnap_join(char *s, const char *id)
{
	char *t;
	size_t n = strlen(id);
	const char *p;

	for (p = s; (p = strstr(p, id)) != NULL; p += n)
		if ((p == s || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return s;
	t = xasprintf("%s%s%s", s, *s != '\0' ? " " : "", id);
	free(s);
	return t;
}

/* Whether id is a record of register reg: by the snapshot's record when
 * it has it (catalog ids such as A.5.1 have no prefix), else by prefix. */
static bool
rsnap_is_in(const struct rsnap *snap, const char *id, const char *reg)
{
	const struct reglist_row *row = reglist_by_name(reg);
	const Isms__V1__Record *r = rsnap_find(snap, id);

	if (r != NULL)
		return row != NULL && (uint32_t)r->body_case == row->body_case;
	return rsnap_is(id, reg);
}

char *
rsnap_links(const struct rsnap *snap, const Isms__V1__Record *rec,
            const char *rel, bool out, const char *reg)
{
	Isms__V1__Link *const *l = out ? rec->links : rec->linked_from;
	size_t i, n = out ? rec->n_links : rec->n_linked_from;
	char *s = xstrdup("");

	for (i = 0; i < n; i++) {
		if (rel != NULL &&
		    (l[i]->rel == NULL || strcmp(l[i]->rel, rel) != 0))
			continue;
		if (reg != NULL && !rsnap_is_in(snap, l[i]->target, reg))
			continue;
		s = rsnap_join(s, l[i]->target);
	}
	return s;
}

/* The organisation: --organisation, else the approved (else first)
 * scope's title. */
static const char *
rsnap_organisation(const struct rsnap *r, const Isms__V1__Record **scope)
{
	const struct rsnap_reg *g = RSNAP_REG(r, scope);
	size_t i;
	char st[32];

	*scope = NULL;
	for (i = 0; i < g->n; i++)
		if (strcmp(rsnap_status(g->recs[i], st, sizeof st),
		           "approved") == 0) {
			*scope = g->recs[i];
			break;
		}
	if (*scope == NULL && g->n > 0)
		*scope = g->recs[0];
	if (r->organisation != NULL)
		return r->organisation;
	return *scope != NULL && (*scope)->title != NULL ? (*scope)->title : "";
}

void
rsnap_header(struct report *rep, const struct rsnap *r)
{
	const Isms__V1__SnapshotPage *h = r->s.head;
	const Isms__V1__Record *scope;
	char *hex;
	size_t i;

	rep->h.organisation = xstrdup(rsnap_organisation(r, &scope));
	if (scope != NULL && scope->scope != NULL &&
	    scope->scope->statement != NULL)
		rep->h.scope =
		    xasprintf("%s: %s", scope->id, scope->scope->statement);
	else
		rep->h.scope = xstrdup(scope != NULL ? scope->id : "");
	rep->h.generated_at = h != NULL ? h->server_time : 0;
	rep->h.generated_by = xstrdup(r->user != NULL ? r->user : "");
	rep->h.seq = h != NULL ? h->head_seq : 0;
	hex = xcalloc(1, h != NULL ? 2 * h->head_hash.len + 1 : 1);
	for (i = 0; h != NULL && i < h->head_hash.len; i++)
		snprintf(hex + 2 * i, 3, "%02x", h->head_hash.data[i]);
	rep->h.head_hash = hex;
	rep->h.as_of = h != NULL && h->as_of != NULL ? xstrdup(h->as_of) : NULL;
	rep->h.server =
	    xasprintf("ismsd %s, instance %s",
	              h != NULL && h->server_version ? h->server_version : "?",
	              h != NULL && h->instance_id ? h->instance_id : "?");
}

enum rtone
rsnap_status_tone(const char *s)
{
	static const char *const good[] = {"implemented",
	                                   "done",
	                                   "closed",
	                                   "achieved",
	                                   "met",
	                                   "accepted",
	                                   "approved",
	                                   "compliant",
	                                   "resolved",
	                                   "completed",
	                                   "effectiveness_verified",
	                                   "on_track",
	                                   NULL};
	static const char *const bad[] = {"open",    "new",     "not_started",
	                                  "not_met", "missed",  "gap",
	                                  "at_risk", "expired", NULL};
	static const char *const muted[] = {"cancelled", "retired",
	                                    "superseded", "offboarded", NULL};
	size_t i;

	for (i = 0; good[i] != NULL; i++)
		if (strcmp(s, good[i]) == 0)
			return RTONE_GOOD;
	for (i = 0; bad[i] != NULL; i++)
		if (strcmp(s, bad[i]) == 0)
			return RTONE_BAD;
	for (i = 0; muted[i] != NULL; i++)
		if (strcmp(s, muted[i]) == 0)
			return RTONE_MUTED;
	return *s != '\0' ? RTONE_WARN : RTONE_NONE;
}

struct rtable *
rsnap_records_table(struct rsection *sec, Isms__V1__Record *const *recs,
                    size_t n)
{
	static const char *const cols[] = {"ID", "Title", "Owner", "Status",
	                                   "Updated"};
	static const enum rcell_type types[] = {
	    RCELL_TEXT, RCELL_TEXT, RCELL_TEXT, RCELL_TEXT, RCELL_DATE};
	struct rtable *t = report_table(sec, 5, cols, types);
	struct rcell *c;
	char st[48], day[TIMEFMT_DATE_LEN];
	size_t i;

	for (i = 0; i < n; i++) {
		c = report_row(t);
		rcell_text(&c[0], recs[i]->id);
		rcell_text(&c[1], recs[i]->title);
		rcell_text(&c[2], recs[i]->owner);
		rcell_text(&c[3], rsnap_status(recs[i], st, sizeof st));
		c[3].tone = rsnap_status_tone(c[3].text);
		timefmt_date_add(recs[i]->updated_at, 0, day, sizeof day);
		rcell_text(&c[4], recs[i]->has_updated_at ? day : "");
	}
	return t;
}
