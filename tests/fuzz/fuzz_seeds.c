/*
 * fuzz_seeds.c: writes the seed corpora of the fuzz targets from real
 * Requests, one of every call (and a record of every register).
 *
 *   fuzz_seeds DIR    writes DIR/fuzz_dispatch/ and DIR/fuzz_frame/
 *
 * fuzz_dispatch seeds: mode byte 0x01 then one packed Request (the target
 * frames it), plus whole sessions of framed Requests (mode 0x00, and 0x02
 * that hangs up without reading). fuzz_frame seeds: the three config bytes
 * then framed Requests. The output is deterministic: the committed corpus
 * is what this program writes (tests/fuzz/corpus/).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "errcode.h"
#include "frame.h"
#include "pbfield.h"
#include "proto/isms.pb-c.h"

#define SPEC_MAX 24

/* One seed Request: field paths from Request, "path=value" or "path" (an
 * empty message). extra adds what paths cannot (repeated messages). */
struct seed {
	const char *name;
	const char *spec[SPEC_MAX];
	void (*extra)(Isms__V1__Request *);
};

static void die(const char *, const char *) __attribute__((noreturn));

/* Exits with a message: the specs below are wrong. */
static void
die(const char *what, const char *msg)
{
	fprintf(stderr, "fuzz_seeds: %s: %s\n", what, msg);
	exit(1);
}

/* Returns a malloc'ed copy of s, dying on failure. */
static char *
dupstr(const char *s)
{
	char *d = strdup(s);

	if (d == NULL)
		die("strdup", strerror(errno));
	return d;
}

/* Returns zeroed memory, dying on failure. */
static void *
zalloc(size_t n)
{
	void *p = calloc(1, n);

	if (p == NULL)
		die("calloc", strerror(errno));
	return p;
}

/* Applies one spec ("a.b.c=value" or "a.b") to req. */
static void
apply_spec(ProtobufCMessage *req, const char *spec)
{
	const char *eq = strchr(spec, '=');
	char path[128];
	size_t n = eq != NULL ? (size_t)(eq - spec) : strlen(spec);
	struct pb_path pp;
	struct isms_err err;
	ProtobufCMessage *m = req;
	int i, last;

	if (n >= sizeof path)
		die(spec, "path too long");
	memcpy(path, spec, n);
	path[n] = '\0';
	if (pb_path_resolve(req->descriptor, path, &pp, &err) != 0)
		die(spec, err.msg);
	last = eq != NULL ? pp.n - 1 : pp.n;
	for (i = 0; i < last; i++)
		m = pb_submsg(m, pp.fd[i], true);
	if (eq != NULL &&
	    pb_field_set_text(m, pp.fd[pp.n - 1], eq + 1, &err) != 0)
		die(spec, err.msg);
}

/* Adds two catalog rows: an Annex A control and a clause. */
static void
extra_catalog(Isms__V1__Request *req)
{
	static const char *const rows[][7] = {
	    {"control", "A.5.1", "A.5", "Policies for information security",
	     "yes", "Licensed text of the control.", "ISO/IEC 27001:2022"},
	    {"clause", "4.1", "4",
	     "Understanding the organization and its context", "yes", "",
	     "ISO/IEC 27001:2022"},
	};
	Isms__V1__CatalogLoad *cl = req->catalog_load;
	size_t i, n = sizeof rows / sizeof rows[0];

	cl->items = zalloc(n * sizeof *cl->items);
	for (i = 0; i < n; i++) {
		Isms__V1__CatalogItem *it = zalloc(sizeof *it);

		isms__v1__catalog_item__init(it);
		it->kind = dupstr(rows[i][0]);
		it->ref = dupstr(rows[i][1]);
		it->parent = dupstr(rows[i][2]);
		it->title = dupstr(rows[i][3]);
		it->has_assessable = 1;
		it->assessable = strcmp(rows[i][4], "yes") == 0;
		it->text = dupstr(rows[i][5]);
		it->edition = dupstr(rows[i][6]);
		cl->items[i] = it;
	}
	cl->n_items = n;
}

/* Adds the four risk levels of a 5x5 method. */
static void
extra_method(Isms__V1__Request *req)
{
	static const struct {
		const char *name;
		uint32_t min, days;
	} lv[] = {{"low", 1, 365},
	          {"medium", 5, 180},
	          {"high", 10, 90},
	          {"critical", 16, 30}};
	Isms__V1__RiskMethod *m = req->method_set->method;
	size_t i, n = sizeof lv / sizeof lv[0];

	m->levels = zalloc(n * sizeof *m->levels);
	for (i = 0; i < n; i++) {
		Isms__V1__RiskLevel *l = zalloc(sizeof *l);

		isms__v1__risk_level__init(l);
		l->name = dupstr(lv[i].name);
		l->has_min_score = l->has_review_days = 1;
		l->min_score = lv[i].min;
		l->review_days = lv[i].days;
		m->levels[i] = l;
	}
	m->n_levels = n;
}

/* Adds an exclusion to a scope record. */
static void
extra_scope(Isms__V1__Request *req)
{
	Isms__V1__Scope *s = req->put->record->scope;
	Isms__V1__Exclusion *x = zalloc(sizeof *x);

	isms__v1__exclusion__init(x);
	x->what = dupstr("Physical security of the shared office");
	x->justification = dupstr("Provided by the landlord (A.7)");
	s->exclusions = zalloc(sizeof *s->exclusions);
	s->exclusions[0] = x;
	s->n_exclusions = 1;
}

/* A put of a new record of reg (its body empty) titled title, owned by
 * alice, with external_ref ref. */
static Isms__V1__Put *
seed_put(const char *reg, const char *title, const char *ref)
{
	const ProtobufCMessageDescriptor *rd = &isms__v1__record__descriptor;
	Isms__V1__Put *p = zalloc(sizeof *p);
	Isms__V1__Record *r = zalloc(sizeof *r);

	isms__v1__put__init(p);
	isms__v1__record__init(r);
	r->title = dupstr(title);
	r->owner = dupstr("alice");
	r->external_ref = dupstr(ref);
	pb_submsg(&r->base, pb_field_by_name(rd, reg), true);
	p->record = r;
	return p;
}

/* Adds a link (rel, target) to a put's record. */
static void
seed_link(Isms__V1__Put *p, const char *rel, const char *target)
{
	Isms__V1__Link *l = zalloc(sizeof *l);

	isms__v1__link__init(l);
	l->rel = dupstr(rel);
	l->target = dupstr(target);
	p->record->links = zalloc(sizeof *p->record->links);
	p->record->links[0] = l;
	p->record->n_links = 1;
}

/* Sets the puts of a Batch. */
static void
seed_batch_puts(Isms__V1__Batch *b, Isms__V1__Put **puts, size_t n)
{
	b->puts = zalloc(n * sizeof *b->puts);
	memcpy(b->puts, puts, n * sizeof *puts);
	b->n_puts = n;
}

/* A risk linked by external_ref to an asset created after it, with the
 * dates an import knows. */
static void
extra_batch(Isms__V1__Request *req)
{
	Isms__V1__Put *p[2] = {seed_put("risk", "Imported risk", "R-17"),
	                       seed_put("asset", "Imported asset", "A-3")};

	seed_link(p[0], "affects", "@asset:A-3");
	p[0]->record->identified_on = dupstr("2019-03-04");
	p[0]->record->next_review_on = dupstr("2030-01-15");
	seed_batch_puts(req->batch, p, 2);
}

/* A staged put, and a user created in the batch that applies. */
static void
extra_batch_stage(Isms__V1__Request *req)
{
	Isms__V1__Put *p[1] = {seed_put("issue", "Staged issue", "I-1")};

	seed_batch_puts(req->batch, p, 1);
}

/* A dry run keeping an id, with a user of its own. */
static void
extra_batch_keep(Isms__V1__Request *req)
{
	Isms__V1__Put *p[1] = {seed_put("risk", "Kept id", "R-18")};
	Isms__V1__UserPut *up = zalloc(sizeof *up);
	Isms__V1__User *u = zalloc(sizeof *u);

	p[0]->record->id = dupstr("RSK-0100");
	seed_batch_puts(req->batch, p, 1);
	isms__v1__user_put__init(up);
	isms__v1__user__init(u);
	u->name = dupstr("importer");
	up->user = u;
	up->has_create = up->create = 1;
	req->batch->users = zalloc(sizeof *req->batch->users);
	req->batch->users[0] = up;
	req->batch->n_users = 1;
}

#define R "put.record."

/* Every call, and a record of every register, in session order. */
static const struct seed seeds[] = {
    {"hello",
     {"hello.protocol_major=1", "hello.protocol_minor=0",
      "hello.client=fuzz-seeds 0.1.0"}},
    {"info", {"info"}},
    /* The owners of the records below: an owner is a user. */
    {"user_put_alice",
     {"user_put.user.name=alice", "user_put.user.email=alice@example.org",
      "user_put.user.display_name=Alice Martin", "user_put.create=true"}},
    {"user_put_bob",
     {"user_put.user.name=bob", "user_put.user.email=bob@example.org",
      "user_put.create=true"}},
    {"user_put_carol",
     {"user_put.user.name=carol", "user_put.user.email=carol@example.org",
      "user_put.create=true"}},
    {"user_put_ceo",
     {"user_put.user.name=ceo", "user_put.user.email=ceo@example.org",
      "user_put.create=true"}},
    {"user_put_ciso",
     {"user_put.user.name=ciso", "user_put.user.email=ciso@example.org",
      "user_put.create=true"}},
    {"user_put_hr",
     {"user_put.user.name=hr", "user_put.user.email=hr@example.org",
      "user_put.create=true"}},
    {"user_put_legal",
     {"user_put.user.name=legal", "user_put.user.email=legal@example.org",
      "user_put.create=true"}},
    {"user_put_ops",
     {"user_put.user.name=ops", "user_put.user.email=ops@example.org",
      "user_put.create=true"}},
    {"user_put_sales",
     {"user_put.user.name=sales", "user_put.user.email=sales@example.org",
      "user_put.create=true"}},
    {"put_risk",
     {R "title=Laptop theft", R "owner=alice", R "tags=travel",
      R "tags=hardware", R "risk.status=open", R "risk.likelihood=3",
      R "risk.impact=4", R "risk.threat=Theft while travelling",
      R "risk.vulnerability=Full-disk encryption not enforced",
      R "risk.description=Sales laptops are carried abroad",
      R "risk.treatment=mitigate", R "risk.residual_likelihood=1",
      R "risk.residual_impact=3"}},
    {"put_risk_accept",
     {R "title=Phishing", R "owner=bob", R "tags=email", R "risk.likelihood=4",
      R "risk.impact=4", R "risk.treatment=accept", R "risk.acceptance.by=bob",
      R "risk.acceptance.at=1700000000", R "risk.acceptance.until=2020-06-30"}},
    {"put_asset",
     {R "title=Sales laptops", R "owner=alice", R "asset.kind=hardware",
      R "asset.classification=confidential", R "asset.confidentiality=4",
      R "asset.integrity=3", R "asset.availability=2",
      R "asset.location=Head office", R "asset.custodian=it"}},
    {"put_incident",
     {R "title=Disk full on db1", R "owner=ops", R "incident.status=new",
      R "incident.severity=high", R "incident.source=alertmanager",
      R "incident.external_id=alert-4711", R "incident.detected_at=1700000000",
      R "incident.description=Alert fired at 03:12"}},
    {"put_treatment",
     {R "title=Enforce disk encryption", R "owner=alice",
      R "treatment.status=planned",
      R "treatment.action=Roll out full-disk encryption",
      R "treatment.due_on=2020-01-31", R "treatment.progress=10"}},
    {"put_action",
     {R "title=Fix backup job", R "owner=ops", R "action.kind=corrective",
      R "action.status=open", R "action.due_on=2020-02-01",
      R "action.description=Restore the nightly backup"}},
    {"put_audit",
     {R "title=Internal audit 2024", R "owner=carol",
      R "audit.planned_on=2020-03-01", R "audit.audit_scope=Clauses 4-10",
      R "audit.criteria=ISO/IEC 27001:2022", R "audit.auditor=dave"}},
    {"put_communication",
     {R "title=Awareness mail", R "owner=alice",
      R "communication.what=Phishing awareness", R "communication.when=Q1",
      R "communication.with_whom=All staff", R "communication.how=Mail"}},
    {"put_competence",
     {R "title=Security training", R "owner=hr", R "competence.person=erin",
      R "competence.training=ISO 27001 LI",
      R "competence.completed_on=2019-01-10",
      R "competence.expires_on=2020-01-10"}},
    {"put_document",
     {R "title=Information security policy", R "owner=ciso",
      R "document.kind=policy", R "document.status=draft",
      R "document.version=1.0", R "document.location=https://intra/isp",
      R "document.content_hash=sha256:00"}},
    {"put_finding",
     {R "title=Missing access review", R "owner=carol",
      R "finding.kind=minor_nc", R "finding.description=No review in Q2"}},
    {"put_issue",
     {R "title=New privacy law", R "owner=legal", R "issue.kind=external",
      R "issue.description=NIS2", R "issue.effect=More reporting"}},
    {"put_legal",
     {R "title=GDPR", R "owner=legal", R "legal.kind=regulation",
      R "legal.reference=Regulation (EU) 2016/679",
      R "legal.requirement=Art. 32", R "legal.how_met=ISMS"}},
    {"put_metric",
     {R "title=Patch latency", R "owner=ops",
      R "metric.measure=Days to patch critical CVEs", R "metric.target=<= 7",
      R "metric.frequency=monthly"}},
    {"put_milestone",
     {R "title=Gap analysis done", R "owner=ciso",
      R "milestone.phase=gap_analysis", R "milestone.target_on=2020-04-01"}},
    {"put_mreview",
     {R "title=Management review 2024", R "owner=ceo", R "mreview.status=held",
      R "mreview.held_on=2020-05-01", R "mreview.attendees=ceo",
      R "mreview.attendees=ciso", R "mreview.decisions=Budget approved"}},
    {"put_nonconformity",
     {R "title=Backups untested", R "owner=ops",
      R "nonconformity.source=finding",
      R "nonconformity.description=Restore never tested",
      R "nonconformity.root_cause=No owner"}},
    {"put_objective",
     {R "title=Fewer incidents", R "owner=ciso",
      R "objective.measure=Incidents per quarter", R "objective.target=< 3",
      R "objective.due_on=2020-12-31"}},
    {"put_party",
     {R "title=Customers", R "owner=sales", R "party.party=Customers",
      R "party.requirements=ISO certificate", R "party.addressed=true"}},
    {"put_role",
     {R "title=CISO", R "owner=ceo", R "role.holders=ciso",
      R "role.responsibilities=Runs the ISMS"}},
    {"put_scope",
     {R "title=ISMS scope", R "owner=ciso",
      R "scope.statement=All SaaS operations",
      R "scope.boundaries=Cloud accounts"},
     extra_scope},
    {"put_supplier",
     {R "title=Cloud provider", R "owner=ops", R "supplier.service=IaaS",
      R "supplier.criticality=critical",
      R "supplier.last_assessed_on=2019-06-01"}},
    {"put_control_own",
     {R "title=Clean desk checks", R "owner=ciso", R "control.status=planned",
      R "control.applicable=true", R "control.justification=Risk RSK-0001"}},
    {"put_control_annex",
     {R "id=A.5.1", R "owner=ciso", R "control.applicable=true",
      R "control.status=implemented", R "control.evidence=ISP v1.0",
      "put.update_mask=owner", "put.update_mask=control.applicable",
      "put.update_mask=control.status", "put.update_mask=control.evidence"}},
    {"put_requirement",
     {R "id=4.1", R "requirement.status=partial",
      R "requirement.evidence=Context document",
      "put.update_mask=requirement.status",
      "put.update_mask=requirement.evidence"}},
    {"put_update_mask",
     {R "id=RSK-0001", R "risk.impact=5", R "tags=travel", R "tags=theft",
      "put.expect_rev=1", "put.update_mask=risk.impact", "put.update_mask=tags",
      "put.update_mask=risk.acceptance.by"}},
    {"put_update_conflict",
     {R "id=RSK-0001", R "title=Laptop theft abroad", "put.expect_rev=1",
      "put.update_mask=title"}},
    {"get", {"get.id=RSK-0001"}},
    {"get_rev", {"get.id=RSK-0001", "get.rev=1"}},
    {"get_catalog", {"get.id=A.5.1"}},
    {"list_filters",
     {"list.register=risk", "list.owner=alice", "list.status=open",
      "list.tag=travel", "list.archived=any", "list.page_size=10"}},
    {"list_page",
     {"list.register=asset", "list.page_size=1", "list.page_token=AST-0001"}},
    {"list_control", {"list.register=control", "list.archived=archived"}},
    {"history", {"history.id=RSK-0001"}},
    {"sign_off",
     {"sign_off.id=RSK-0001", "sign_off.verb=accept", "sign_off.note=ok",
      "sign_off.until=2027-06-30", "sign_off.expect_rev=2"}},
    {"describe", {"describe.register=nonconformity"}},
    {"link",
     {"link.source=RSK-0001", "link.rel=treated_by", "link.target=RTP-0001",
      "link.expect_rev=2"}},
    {"link_control",
     {"link.source=RTP-0001", "link.rel=implements", "link.target=A.5.1"}},
    {"link_remove",
     {"link.source=RTP-0001", "link.rel=implements", "link.target=A.5.1",
      "link.remove=true"}},
    {"links", {"links.id=RTP-0001"}},
    {"method_get", {"method_get"}},
    {"method_set",
     {"method_set.method.likelihood_labels=rare",
      "method_set.method.likelihood_labels=unlikely",
      "method_set.method.likelihood_labels=possible",
      "method_set.method.likelihood_labels=likely",
      "method_set.method.likelihood_labels=almost certain",
      "method_set.method.impact_labels=negligible",
      "method_set.method.impact_labels=minor",
      "method_set.method.impact_labels=moderate",
      "method_set.method.impact_labels=major",
      "method_set.method.impact_labels=severe",
      "method_set.method.acceptance_threshold=9", "method_set.expect_rev=1"},
     extra_method},
    {"catalog_load", {"catalog_load"}, extra_catalog},
    {"subscribe",
     {"subscribe.registers=risk", "subscribe.registers=incident",
      "subscribe.types=created", "subscribe.types=updated",
      "subscribe.owner=alice", "subscribe.since_seq=0",
      "subscribe.replay=true"}},
    {"subscribe_all", {"subscribe"}},
    {"journal",
     {"journal.since_seq=0", "journal.id=RSK-0001", "journal.actor=root",
      "journal.limit=10"}},
    {"journal_verify", {"journal_verify"}},
    {"journal_verify_head",
     {"journal_verify.head_seq=1",
      "journal_verify.head_hash=0123456789abcdef0123456789abcdef"}},
    {"review",
     {"review.id=RSK-0001", "review.note=Still accurate",
      "review.expect_rev=2"}},
    {"due", {"due.within_days=30", "due.owner=alice", "due.register=risk"}},
    {"due_all", {"due"}},
    {"archive",
     {"archive.id=RSK-0002", "archive.expect_rev=1", "archive.force=true"}},
    {"metric_record",
     {"metric_record.metric=KPI-0001", "metric_record.value=7.8",
      "metric_record.at=2026-11-30", "metric_record.note=November"}},
    {"metric_values",
     {"metric_values.metric=KPI-0001", "metric_values.page_size=10"}},
    {"unarchive",
     {"unarchive.id=RSK-0002", "unarchive.expect_rev=2",
      "unarchive.register=risk"}},
    {"get_register", {"get.id=INC-0001", "get.register=risk"}},
    {"list_any_field",
     {"list.register=risk", "list.filters=risk.level=high",
      "list.filters=title=", "list.filters=acceptance.by=alice"}},
    {"ingest",
     {"ingest.source=alertmanager", "ingest.external_id=d41c9a",
      "ingest.title=Disk almost full", "ingest.severity=high",
      "ingest.description=db1 /var at 97%", "ingest.detected_at=1700000000",
      "ingest.link=https://alertmanager.example/#/alerts",
      "ingest.state=resolved", "ingest.resolved_at=1700000600"}},
    {"health", {"health"}},
    {"batch", {"batch.upsert=true"}, extra_batch},
    {"batch_stage", {"batch.stage=true"}, extra_batch_stage},
    {"batch_keep",
     {"batch.keep_ids=true", "batch.dry_run=true"},
     extra_batch_keep},
};

/* Builds seed i as a packed Request; returns its length. */
static size_t
build(size_t i, uint8_t **out)
{
	Isms__V1__Request *req = zalloc(sizeof *req);
	const char *const *sp;
	size_t n;

	isms__v1__request__init(req);
	req->has_id = 1;
	req->id = i + 1;
	for (sp = seeds[i].spec; *sp != NULL; sp++)
		apply_spec((ProtobufCMessage *)req, *sp);
	if (seeds[i].extra != NULL)
		seeds[i].extra(req);
	n = isms__v1__request__get_packed_size(req);
	*out = zalloc(n ? n : 1);
	isms__v1__request__pack(req, *out);
	protobuf_c_message_free_unpacked((ProtobufCMessage *)req, NULL);
	return n;
}

/* Writes prefix (plen bytes), then body, to dir/name. */
static void
write_seed(const char *dir, const char *name, const uint8_t *prefix,
           size_t plen, const uint8_t *body, size_t blen)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL)
		die(path, strerror(errno));
	if (fwrite(prefix, 1, plen, f) != plen ||
	    (blen > 0 && fwrite(body, 1, blen, f) != blen) || fclose(f) != 0)
		die(path, "write failed");
}

/* Appends msg (len bytes), framed, to the session buffer. */
static void
frame_append(uint8_t **buf, size_t *len, const uint8_t *msg, size_t mlen)
{
	uint8_t hdr[FRAME_HDR_MAX];
	size_t h = frame_encode_header(hdr, mlen);
	uint8_t *nb = realloc(*buf, *len + h + mlen);

	if (nb == NULL)
		die("realloc", strerror(errno));
	memcpy(nb + *len, hdr, h);
	memcpy(nb + *len + h, msg, mlen);
	*buf = nb;
	*len += h + mlen;
}

/* Makes dir (and its parent dir) if missing. */
static void
make_dir(const char *dir)
{
	if (mkdir(dir, 0755) == -1 && errno != EEXIST)
		die(dir, strerror(errno));
}

/* Writes both corpora into argv[1]. */
int
main(int argc, char **argv)
{
	/* fuzz_frame config bytes: max_frame 4 MiB, 64 KiB budget; others. */
	static const uint8_t frame_cfg[][3] = {
	    {0x36, 0x12, 0x34},
	    {0x3f, 0x00, 0x01},
	    {0x23, 0xbe, 0xef},
	    {0x0d, 0x7f, 0x00},
	};
	static const uint8_t too_big[] = {0x00, 0x81, 0x80, 0x80, 0x02};
	static const uint8_t not_varint[] = {0x00, 0x80, 0x80, 0x80,
	                                     0x80, 0x80, 0x80, 0x80,
	                                     0x80, 0x80, 0x80, 0x80};
	uint8_t *msg, *framed = NULL, *session = NULL, mode;
	size_t i, n, flen = 0, slen = 0;
	char dispatch_dir[256], frame_dir[256], name[96];

	if (argc != 2) {
		fprintf(stderr, "usage: fuzz_seeds DIR\n");
		return 2;
	}
	snprintf(dispatch_dir, sizeof dispatch_dir, "%s/fuzz_dispatch",
	         argv[1]);
	snprintf(frame_dir, sizeof frame_dir, "%s/fuzz_frame", argv[1]);
	make_dir(argv[1]);
	make_dir(dispatch_dir);
	make_dir(frame_dir);

	for (i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
		n = build(i, &msg);
		mode = 0x01;
		write_seed(dispatch_dir, seeds[i].name, &mode, 1, msg, n);
		flen = 0;
		frame_append(&framed, &flen, msg, n);
		write_seed(frame_dir, seeds[i].name, frame_cfg[0], 3, framed,
		           flen);
		frame_append(&session, &slen, msg, n);
		free(msg);
	}
	mode = 0x00;
	write_seed(dispatch_dir, "session", &mode, 1, session, slen);
	mode = 0x02;
	write_seed(dispatch_dir, "session_hangup", &mode, 1, session, slen);
	write_seed(dispatch_dir, "too_big", too_big, sizeof too_big, NULL, 0);
	write_seed(dispatch_dir, "not_varint", not_varint, sizeof not_varint,
	           NULL, 0);
	for (i = 0; i < sizeof frame_cfg / sizeof frame_cfg[0]; i++) {
		snprintf(name, sizeof name, "session_%02x", frame_cfg[i][0]);
		write_seed(frame_dir, name, frame_cfg[i], 3, session, slen);
	}
	write_seed(frame_dir, "not_varint", frame_cfg[1], 3, not_varint + 1,
	           sizeof not_varint - 1);
	free(framed);
	free(session);
	return 0;
}
