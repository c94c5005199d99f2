/*
 * test_roles.c: who may do what, end to end. Users of every role get a
 * token; each presents it in hello on its own connection and calls every
 * RPC of the protocol: the allowed ones are not refused, the others get
 * PERMISSION_DENIED. A second uid (nobody, via setresuid) is refused with
 * UNAUTHENTICATED until an admin maps it.
 */
#include <grp.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon_fx.h"
#include "ismsclient.h"
#include "pbfield.h"

#include "roles_policy.h"

static const struct {
	const char *name;
	const char *role;
	char letter;
} people[] = {
    {"vera", "viewer", 'v'}, {"aude", "auditor", 'a'}, {"ed", "editor", 'e'},
    {"ada", "admin", 'A'},   {"ingo", "ingest", 'i'},
};

/* A daemon on its Unix socket (root there is admin) and on plain TCP on
 * loopback, where a token names the connection. */
struct roles_fx {
	struct daemon_fx d; /* first: teardown and fx->d are the same */
	char listen[64], tcp[64];
	const char *argv[4];
};

static int
setup(void **state)
{
	struct roles_fx *fx = calloc(1, sizeof *fx);
	int port = daemon_fx_free_port("127.0.0.1");

	snprintf(fx->listen, sizeof fx->listen, "--listen=tcp://127.0.0.1:%d",
	         port);
	snprintf(fx->tcp, sizeof fx->tcp, "tcp://127.0.0.1:%d", port);
	fx->argv[0] = fx->listen;
	fx->argv[1] = "--insecure";
	fx->d.argv_extra = fx->argv;
	daemon_fx_start(&fx->d);
	daemon_fx_wait_tcp("127.0.0.1", port);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	daemon_fx_cleanup(*state);
	free(*state);
	return 0;
}

/* Connects over TCP with a token (NULL: none); NULL with err when hello
 * was refused. */
static struct isms_sync *
token_dial(struct roles_fx *fx, const char *secret, struct isms_err *err)
{
	struct isms_client_opts o = {0};

	o.token = secret;
	o.insecure = true;
	o.timeout_ms = 10000;
	memset(err, 0, sizeof *err);
	return isms_sync_connect_opts(fx->tcp, "test_roles", &o, err);
}

/* token_dial that must succeed. */
static struct isms_sync *
token_conn(struct roles_fx *fx, const char *secret)
{
	struct isms_err err;
	struct isms_sync *s = token_dial(fx, secret, &err);

	if (s == NULL)
		fail_msg("token connect: %s: %s", isms_code_name(err.code),
		         err.msg);
	return s;
}

/* Sends req; returns the status code (the reply is freed). */
static int
code_of(struct isms_sync *s, Isms__V1__Request *req, char *msg, size_t len)
{
	struct isms_err err;
	Isms__V1__Reply *r = isms_sync_call(s, req, &err);
	int code;

	if (r == NULL)
		fail_msg("call: %s", err.msg);
	code = r->status ? (int)r->status->code : -1;
	if (msg != NULL)
		snprintf(msg, len, "%s",
		         r->status && r->status->message ? r->status->message
		                                         : "");
	isms_reply_free(r);
	return code;
}

/* A request whose call is the oneof member name, with an empty body. */
static Isms__V1__Request *
request_for(const char *call)
{
	const ProtobufCMessageDescriptor *md = &isms__v1__request__descriptor;
	Isms__V1__Request *req = (Isms__V1__Request *)pb_new(md);

	assert_non_null(
	    pb_submsg(&req->base, pb_field_by_name(md, call), true));
	return req;
}

/* Creates a user with role and returns a token secret for it. */
static char *
user_with_token(struct isms_sync *s, const char *name, const char *role,
                int uid)
{
	Isms__V1__Request *req = request_for("user_put");
	Isms__V1__User *u;
	struct isms_err err;
	Isms__V1__Reply *r;
	char *secret;

	u = (Isms__V1__User *)pb_new(&isms__v1__user__descriptor);
	u->name = strdup(name);
	assert_int_equal(
	    pb_field_set_text(&u->base,
	                      pb_field_by_name(u->base.descriptor, "role"),
	                      role, &err),
	    0);
	if (uid >= 0) {
		u->has_uid = 1;
		u->uid = (uint32_t)uid;
	}
	req->user_put->user = u;
	req->user_put->has_create = 1;
	req->user_put->create = 1;
	assert_int_equal(code_of(s, req, NULL, 0), 0);
	protobuf_c_message_free_unpacked(&req->base, NULL);
	req = request_for("token_create");
	req->token_create->owner = strdup(name);
	r = isms_sync_call(s, req, &err);
	assert_non_null(r);
	assert_int_equal(r->status->code, 0);
	assert_non_null(r->token_created->secret);
	assert_int_equal(strlen(r->token_created->secret), 5 + 64);
	secret = strdup(r->token_created->secret);
	isms_reply_free(r);
	protobuf_c_message_free_unpacked(&req->base, NULL);
	return secret;
}

/* Says hello with a token on s; returns the code. */
static int
hello_token(struct isms_sync *s, const char *secret, char *msg, size_t len)
{
	Isms__V1__Request *req = request_for("hello");
	int code;

	req->hello->token = strdup(secret);
	code = code_of(s, req, msg, len);
	protobuf_c_message_free_unpacked(&req->base, NULL);
	return code;
}

static void
test_role_matrix(void **state)
{
	struct roles_fx *fx = *state;
	struct isms_err err;
	struct isms_sync *admin = isms_sync_connect(fx->d.endpoint, "t", &err);
	struct isms_sync *s;
	char *secret[5], msg[512];
	size_t p, c, checked = 0;
	unsigned i, cases = 0;
	const ProtobufCMessageDescriptor *md = &isms__v1__request__descriptor;

	assert_non_null(admin);
	/* The policy covers every call of the protocol. */
	for (i = 0; i < md->n_fields; i++)
		if (md->fields[i].flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
			cases++;
	assert_int_equal(cases, sizeof policy / sizeof policy[0]);
	for (p = 0; p < 5; p++)
		secret[p] =
		    user_with_token(admin, people[p].name, people[p].role, -1);
	for (p = 0; p < 5; p++) {
		s = token_conn(fx, secret[p]);
		for (c = 0; c < sizeof policy / sizeof policy[0]; c++) {
			Isms__V1__Request *req = request_for(policy[c].call);
			bool allowed =
			    strchr(policy[c].roles, people[p].letter) != NULL;
			int code;

			code = code_of(s, req, msg, sizeof msg);
			protobuf_c_message_free_unpacked(&req->base, NULL);
			if (allowed &&
			    (code == ISMS_EPERM || code == ISMS_EUNAUTH))
				fail_msg("%s (%s) refused %s: %s",
				         people[p].name, people[p].role,
				         policy[c].call, msg);
			if (!allowed && code != ISMS_EPERM)
				fail_msg("%s (%s) was not refused %s (code "
				         "%d)",
				         people[p].name, people[p].role,
				         policy[c].call, code);
			if (!allowed)
				assert_non_null(strstr(msg, "needs role"));
			checked++;
		}
		isms_sync_free(s);
	}
	assert_int_equal(checked, 5 * (sizeof policy / sizeof policy[0]));
	for (p = 0; p < 5; p++)
		free(secret[p]);
	isms_sync_free(admin);
}

static void
test_tokens_revoked_and_actor(void **state)
{
	struct roles_fx *fx = *state;
	struct isms_err err;
	struct isms_sync *admin = isms_sync_connect(fx->d.endpoint, "t", &err);
	struct isms_sync *s;
	Isms__V1__Request *req;
	Isms__V1__Reply *r;
	char *secret = user_with_token(admin, "erin", "editor", -1), msg[256];

	assert_null(token_dial(fx, "isms_not-a-token", &err));
	assert_int_equal(err.code, ISMS_EUNAUTH);
	s = token_conn(fx, secret);
	/* The actor of a change is the authenticated user. */
	req = request_for("put");
	req->put->record =
	    (Isms__V1__Record *)pb_new(&isms__v1__record__descriptor);
	req->put->record->title = strdup("Token-made risk");
	req->put->record->owner = strdup("erin"); /* a user */
	pb_submsg(&req->put->record->base,
	          pb_field_by_name(&isms__v1__record__descriptor, "risk"),
	          true);
	r = isms_sync_call(s, req, &err);
	assert_non_null(r);
	assert_int_equal(r->status->code, 0);
	assert_string_equal(r->record->created_by, "erin");
	isms_reply_free(r);
	protobuf_c_message_free_unpacked(&req->base, NULL);
	/* Revoked: the same connection loses its rights at once. */
	req = request_for("token_revoke");
	req->token_revoke->id = strdup("TOK-0001");
	assert_int_equal(code_of(admin, req, NULL, 0), 0);
	protobuf_c_message_free_unpacked(&req->base, NULL);
	req = request_for("info");
	assert_int_equal(code_of(s, req, msg, sizeof msg), ISMS_EUNAUTH);
	assert_non_null(strstr(msg, "revoked"));
	protobuf_c_message_free_unpacked(&req->base, NULL);
	free(secret);
	isms_sync_free(s);
	isms_sync_free(admin);
}

/*
 * Server-owned fields, written out independently of the server's tables:
 * the header's, and the body fields registers derive.
 */
static const char *const owned_header[] = {
    "rev",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "last_reviewed_at",
    "next_review_on",
    "links",
    "archived",
    "linked_from",
    NULL,
};

static const struct {
	const char *reg;
	const char *const fields[7];
} owned_body[] = {
    {"risk",
     {"score", "level", "residual_score", "residual_level", "method_rev",
      NULL}},
    {"control", {"theme", "text", "edition", NULL}},
    {"incident",
     {"source", "external_id", "link", "repeat_count", "last_seen_at",
      "source_resolved_at", NULL}},
    {"requirement", {"parent", "assessable", "text", "edition", NULL}},
};

/* The derived fields of register reg (NULL-terminated), or none. */
static const char *const *
owned_of(const char *reg)
{
	static const char *const none[] = {NULL};
	size_t i;

	for (i = 0; i < sizeof owned_body / sizeof owned_body[0]; i++)
		if (strcmp(owned_body[i].reg, reg) == 0)
			return owned_body[i].fields;
	return none;
}

/* Gives field fd of m some value: a Link for a list of links. */
static void
set_some(ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd)
{
	char *p = (char *)m + fd->offset;
	Isms__V1__Link *l;

	if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
		assert_int_equal(fd->type, PROTOBUF_C_TYPE_MESSAGE);
		l = malloc(sizeof *l);
		isms__v1__link__init(l);
		l->rel = strdup("treated_by");
		l->target = strdup("RSK-0002");
		*(ProtobufCMessage ***)p =
		    calloc(1, sizeof(ProtobufCMessage *));
		(*(ProtobufCMessage ***)p)[0] = &l->base;
		*(size_t *)((char *)m + fd->quantifier_offset) = 1;
		return;
	}
	if (fd->type != PROTOBUF_C_TYPE_STRING &&
	    fd->type != PROTOBUF_C_TYPE_MESSAGE)
		*(protobuf_c_boolean *)((char *)m + fd->quantifier_offset) = 1;
	switch (fd->type) {
	case PROTOBUF_C_TYPE_STRING:
		*(char **)p = strdup("2030-01-01");
		break;
	case PROTOBUF_C_TYPE_BOOL:
		*(protobuf_c_boolean *)p = 1;
		break;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_INT32:
		*(uint32_t *)p = 7;
		break;
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_INT64:
		*(uint64_t *)p = 7;
		break;
	default:
		fail_msg("field %s: no test value for its type", fd->name);
	}
}

/* Sends a put of register reg (id NULL: a create) carrying field name
 * (body: in reg's body), in the mask too when id is set; returns the
 * code, the message in msg. */
static int
put_owned(struct isms_sync *s, const char *reg, const char *id,
          const char *name, bool body, char *msg, size_t len)
{
	const ProtobufCMessageDescriptor *rd = &isms__v1__record__descriptor;
	Isms__V1__Request *req = request_for("put");
	Isms__V1__Record *rec;
	ProtobufCMessage *b, *m;
	char path[128];
	int code;

	rec = (Isms__V1__Record *)pb_new(rd);
	req->put->record = rec;
	rec->title = strdup("owned field probe");
	rec->owner = strdup("ed"); /* a user: owners are users */
	b = pb_submsg(&rec->base, pb_field_by_name(rd, reg), true);
	if (reg[0] == 'i') { /* an incident needs a severity */
		rec->incident->has_severity = 1;
		rec->incident->severity = 2;
	}
	m = body ? b : &rec->base;
	/* What it held (the title, the owner) gives way. */
	pb_field_clear(m, pb_field_by_name(m->descriptor, name));
	set_some(m, pb_field_by_name(m->descriptor, name));
	if (id != NULL) {
		rec->id = strdup(id);
		snprintf(path, sizeof path, "%s%s%s", body ? reg : "",
		         body ? "." : "", name);
		req->put->update_mask = calloc(1, sizeof(char *));
		req->put->update_mask[0] = strdup(path);
		req->put->n_update_mask = 1;
	}
	code = code_of(s, req, msg, len);
	protobuf_c_message_free_unpacked(&req->base, NULL);
	return code;
}

/* The journal head and the live records of every register, summed. */
static void
store_state(struct isms_sync *s, uint64_t *head, uint64_t *live)
{
	Isms__V1__Request *req = request_for("info");
	struct isms_err err;
	Isms__V1__Reply *r = isms_sync_call(s, req, &err);
	size_t i;

	assert_non_null(r);
	assert_non_null(r->info);
	*head = r->info->journal_head;
	*live = 0;
	for (i = 0; i < r->info->n_counts; i++)
		*live +=
		    r->info->counts[i]->live + r->info->counts[i]->archived;
	isms_reply_free(r);
	protobuf_c_message_free_unpacked(&req->base, NULL);
}

/* Gets id; the record (free with isms_reply_free on its reply). */
static Isms__V1__Reply *
get_record(struct isms_sync *s, const char *id)
{
	Isms__V1__Request *req = request_for("get");
	struct isms_err err;
	Isms__V1__Reply *r;

	req->get->id = strdup(id);
	r = isms_sync_call(s, req, &err);
	protobuf_c_message_free_unpacked(&req->base, NULL);
	assert_non_null(r);
	assert_non_null(r->record);
	return r;
}

/* Expects a refusal naming field: INVALID_ARGUMENT, or for a register the
 * role may not write (ingest) PERMISSION_DENIED; never stored. */
static void
expect_refused(const char *who, const char *what, const char *field, int code,
               const char *msg, bool may_deny)
{
	if (code == ISMS_EINVAL && strstr(msg, field) != NULL)
		return;
	if (may_deny && code == ISMS_EPERM)
		return;
	fail_msg("%s: %s with '%s': code %d '%s'", who, what, field, code, msg);
}

/* Every server-owned field, in a create and in an update mask, as editor
 * and as ingest, is refused naming the field; nothing is stored. */
static void
test_server_owned_fields(void **state)
{
	const ProtobufCMessageDescriptor *rd = &isms__v1__record__descriptor;
	struct roles_fx *fx = *state;
	struct isms_err err;
	struct isms_sync *admin = isms_sync_connect(fx->d.endpoint, "t", &err);
	char *sec[2], msg[512];
	const char *who[2] = {"ed", "ingo"};
	/* One record of each register with derived fields, and one whose
	 * body is open to ingest. */
	const char *mask_ids[][2] = {{"risk", "RSK-0001"},
	                             {"incident", "INC-0001"},
	                             {"control", "A.8.24"},
	                             {"requirement", "6.1.2"}};
	struct isms_sync *s;
	uint64_t head0, live0, head, live;
	const char *const *f;
	Isms__V1__Reply *r;
	unsigned i, k, tried = 0;
	size_t p, n;

	assert_non_null(admin);
	sec[0] = user_with_token(admin, "ed", "editor", -1);
	sec[1] = user_with_token(admin, "ingo", "ingest", -1);
	/* The probe itself is sound: with a field of the client's it
	 * stores. */
	assert_int_equal(
	    put_owned(admin, "risk", NULL, "title", false, msg, sizeof msg), 0);
	{
		/* Two plain records to aim masks at. */
		Isms__V1__Request *req = request_for("put");

		req->put->record = (Isms__V1__Record *)pb_new(rd);
		req->put->record->title = strdup("a risk");
		req->put->record->owner = strdup("ed");
		pb_submsg(&req->put->record->base, pb_field_by_name(rd, "risk"),
		          true);
		assert_int_equal(code_of(admin, req, msg, sizeof msg), 0);
		assert_int_equal(code_of(admin, req, msg, sizeof msg), 0);
		protobuf_c_message_free_unpacked(&req->base, NULL);
		req = request_for("put");
		req->put->record = (Isms__V1__Record *)pb_new(rd);
		req->put->record->title = strdup("an incident");
		pb_submsg(&req->put->record->base,
		          pb_field_by_name(rd, "incident"), true);
		req->put->record->incident->has_severity = 1;
		req->put->record->incident->severity = 2;
		assert_int_equal(code_of(admin, req, msg, sizeof msg), 0);
		protobuf_c_message_free_unpacked(&req->base, NULL);
	}
	/* The table names fields the schema has. */
	for (f = owned_header; *f != NULL; f++)
		assert_non_null(pb_field_by_name(rd, *f));
	for (i = 0; i < sizeof owned_body / sizeof owned_body[0]; i++)
		for (f = owned_body[i].fields; *f != NULL; f++)
			assert_non_null(pb_field_by_name(
			    pb_field_by_name(rd, owned_body[i].reg)->descriptor,
			    *f));
	store_state(admin, &head0, &live0);
	for (p = 0; p < 2; p++) {
		s = token_conn(fx, sec[p]);
		/* Creates: every register of the Record oneof. */
		for (k = 0; k < rd->n_fields; k++) {
			const ProtobufCFieldDescriptor *bfd = &rd->fields[k];
			bool deny = p == 1; /* ingest: no Put at all */

			if (!(bfd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) ||
			    strcmp(bfd->name, "requirement") == 0)
				continue; /* requirements: catalog only */
			for (f = owned_header; *f != NULL; f++, tried++)
				/* A create may give the next review date
				 * it knows (an import's); updates may not. */
				if (strcmp(*f, "next_review_on") != 0)
					expect_refused(
					    who[p], bfd->name, *f,
					    put_owned(s, bfd->name, NULL, *f,
					              false, msg, sizeof msg),
					    msg, deny);
			for (f = owned_of(bfd->name); *f != NULL; f++, tried++)
				expect_refused(who[p], bfd->name, *f,
				               put_owned(s, bfd->name, NULL, *f,
				                         true, msg, sizeof msg),
				               msg, deny);
		}
		/* Update masks. */
		for (n = 0; n < sizeof mask_ids / sizeof mask_ids[0]; n++) {
			bool deny = p == 1;

			for (f = owned_header; *f != NULL; f++, tried++)
				expect_refused(
				    who[p], mask_ids[n][1], *f,
				    put_owned(s, mask_ids[n][0], mask_ids[n][1],
				              *f, false, msg, sizeof msg),
				    msg, deny);
			for (f = owned_of(mask_ids[n][0]); *f != NULL;
			     f++, tried++)
				expect_refused(who[p], mask_ids[n][1], *f,
				               put_owned(s, mask_ids[n][0],
				                         mask_ids[n][1], *f,
				                         true, msg, sizeof msg),
				               msg, deny);
		}
		isms_sync_free(s);
	}
	assert_true(tried > 500);
	/* Nothing was stored: no record, no revision, no journal entry. */
	store_state(admin, &head, &live);
	assert_int_equal(head, head0);
	assert_int_equal(live, live0);
	/* The finding: A.8.24 shows no forged link. */
	r = get_record(admin, "A.8.24");
	assert_int_equal(r->record->n_linked_from, 0);
	isms_reply_free(r);
	free(sec[0]);
	free(sec[1]);
	isms_sync_free(admin);
}

/* linked_from is computed on reads from the links, never stored: a Get
 * shows the link, History's stored revisions hold none. */
static void
test_linked_from_not_stored(void **state)
{
	struct roles_fx *fx = *state;
	struct isms_err err;
	struct isms_sync *admin = isms_sync_connect(fx->d.endpoint, "t", &err);
	Isms__V1__Request *req;
	Isms__V1__Reply *r;
	char out[4096];
	size_t i;

	assert_non_null(admin);
	assert_int_equal(
	    daemon_fx_sh(&fx->d, out, sizeof out,
	                 "\"$ISMSCTL\" user add pat >/dev/null && "
	                 "\"$ISMSCTL\" risk add title=Probe owner=pat "
	                 ">/dev/null && "
	                 "\"$ISMSCTL\" link RSK-0001 treated_by A.8.24 && "
	                 "\"$ISMSCTL\" control set A.8.24 applicable=true "
	                 "justification=Crypto owner=pat >/dev/null && "
	                 "\"$ISMSCTL\" soa | grep A.8.24"),
	    0);
	assert_non_null(strstr(out, "RSK-0001"));
	r = get_record(admin, "A.8.24");
	assert_int_equal(r->record->n_linked_from, 1);
	assert_string_equal(r->record->linked_from[0]->target, "RSK-0001");
	isms_reply_free(r);
	req = request_for("history");
	req->history->id = strdup("A.8.24");
	r = isms_sync_call(admin, req, &err);
	assert_non_null(r);
	assert_non_null(r->history);
	assert_true(r->history->n_revisions >= 2);
	for (i = 0; i < r->history->n_revisions; i++)
		assert_int_equal(r->history->revisions[i]->n_linked_from, 0);
	isms_reply_free(r);
	protobuf_c_message_free_unpacked(&req->base, NULL);
	isms_sync_free(admin);
}

/* Puts a user: create, or change the fields given (role NULL, uid -1,
 * disabled -1: unchanged); the code, the message in msg. */
static int
user_put(struct isms_sync *s, bool create, const char *name, const char *role,
         int uid, int disabled, char *msg, size_t len)
{
	Isms__V1__Request *req = request_for("user_put");
	Isms__V1__UserPut *up = req->user_put;
	Isms__V1__User *u;
	struct isms_err err;
	int code;

	u = (Isms__V1__User *)pb_new(&isms__v1__user__descriptor);
	up->user = u;
	u->name = strdup(name);
	up->has_create = 1;
	up->create = create;
	up->update_mask = calloc(3, sizeof(char *));
	if (role != NULL) {
		assert_int_equal(
		    pb_field_set_text(
		        &u->base, pb_field_by_name(u->base.descriptor, "role"),
		        role, &err),
		    0);
		up->update_mask[up->n_update_mask++] = strdup("role");
	}
	if (uid >= 0) {
		u->has_uid = 1;
		u->uid = (uint32_t)uid;
		up->update_mask[up->n_update_mask++] = strdup("uid");
	}
	if (disabled >= 0) {
		u->has_disabled = 1;
		u->disabled = disabled;
		up->update_mask[up->n_update_mask++] = strdup("disabled");
	}
	if (create)
		while (up->n_update_mask > 0)
			free(up->update_mask[--up->n_update_mask]);
	code = code_of(s, req, msg, len);
	protobuf_c_message_free_unpacked(&req->base, NULL);
	return code;
}

/* uid 0 and the data dir owner's uid go to no other user and stay with
 * theirs; a uid maps to one user, disabled ones included. */
static void
test_uid_rules(void **state)
{
	struct roles_fx *fx = *state;
	struct isms_err err;
	struct isms_sync *admin = isms_sync_connect(fx->d.endpoint, "t", &err);
	struct stat sb;
	char msg[512], out[2048], owner[80];
	Isms__V1__Request *req;
	Isms__V1__Reply *r;
	size_t i;

	assert_non_null(admin);
	assert_int_equal(stat(fx->d.dir, &sb), 0);
	/* The owner's user, made at first start. */
	req = request_for("user_list");
	r = isms_sync_call(admin, req, &err);
	assert_non_null(r);
	owner[0] = '\0';
	for (i = 0; i < r->users->n_users; i++)
		if (r->users->users[i]->has_uid &&
		    r->users->users[i]->uid == sb.st_uid)
			snprintf(owner, sizeof owner, "%s",
			         r->users->users[i]->name);
	isms_reply_free(r);
	protobuf_c_message_free_unpacked(&req->base, NULL);
	assert_true(owner[0] != '\0');
	/* root's uid (and the owner's) cannot go to a new user... */
	assert_int_equal(
	    user_put(admin, true, "lowroot", "viewer", 0, -1, msg, sizeof msg),
	    sb.st_uid == 0 ? ISMS_EEXIST : ISMS_EINVAL);
	assert_non_null(strstr(msg, "uid 0"));
	assert_int_equal(user_put(admin, true, "lowowner", "viewer",
	                          (int)sb.st_uid, -1, msg, sizeof msg),
	                 sb.st_uid == 0 ? ISMS_EEXIST : ISMS_EINVAL);
	/* ... nor to an existing one, and the owner's user keeps it. */
	assert_int_equal(
	    user_put(admin, true, "vic", "viewer", 2004, -1, msg, sizeof msg),
	    0);
	assert_int_equal(
	    user_put(admin, false, "vic", NULL, 0, -1, msg, sizeof msg),
	    sb.st_uid == 0 ? ISMS_EEXIST : ISMS_EINVAL);
	assert_int_equal(
	    user_put(admin, false, owner, NULL, 2003, -1, msg, sizeof msg),
	    ISMS_EPRECOND);
	assert_non_null(strstr(msg, "cannot change"));
	/* root is still admin over the socket, as itself. */
	assert_int_equal(daemon_fx_sh(&fx->d, out, sizeof out,
	                              "\"$ISMSCTL\" user add lowroot --role "
	                              "viewer --uid 0 2>&1"),
	                 1);
	assert_non_null(strstr(out, "uid 0"));
	/* A disabled user's uid is still theirs. */
	assert_int_equal(
	    user_put(admin, true, "dora", "viewer", 2005, -1, msg, sizeof msg),
	    0);
	assert_int_equal(
	    user_put(admin, false, "dora", NULL, -1, 1, msg, sizeof msg), 0);
	assert_int_equal(
	    user_put(admin, true, "dave", "viewer", 2005, -1, msg, sizeof msg),
	    ISMS_EEXIST);
	assert_non_null(strstr(msg, "dora"));
	assert_int_equal(
	    user_put(admin, true, "dave", "viewer", -1, -1, msg, sizeof msg),
	    0);
	assert_int_equal(
	    user_put(admin, false, "dave", NULL, 2005, -1, msg, sizeof msg),
	    ISMS_EEXIST);
	assert_int_equal(
	    user_put(admin, false, "dora", NULL, -1, 0, msg, sizeof msg), 0);
	isms_sync_free(admin);
}

/* A connection's identity is set once: a token cannot rename a
 * connection named by its uid or by an earlier token. */
static void
test_identity_set_once(void **state)
{
	struct roles_fx *fx = *state;
	struct isms_err err;
	struct isms_sync *admin = isms_sync_connect(fx->d.endpoint, "t", &err);
	struct isms_sync *s;
	char *vera, *ed, msg[512], out[2048];
	Isms__V1__Request *req;

	assert_non_null(admin);
	vera = user_with_token(admin, "vera", "viewer", -1);
	ed = user_with_token(admin, "ed", "editor", -1);
	/* root over the socket stays root. */
	assert_int_equal(hello_token(admin, vera, msg, sizeof msg),
	                 ISMS_EPRECOND);
	assert_non_null(strstr(msg, "cannot change who a connection is"));
	req = request_for("user_list"); /* an auditor's call: still admin */
	assert_int_equal(code_of(admin, req, NULL, 0), 0);
	protobuf_c_message_free_unpacked(&req->base, NULL);
	/* vera's connection stays vera's. */
	s = token_conn(fx, vera);
	assert_int_equal(hello_token(s, ed, msg, sizeof msg), ISMS_EPRECOND);
	req = request_for("history");
	req->history->id = strdup("RSK-0001");
	assert_int_equal(code_of(s, req, msg, sizeof msg), ISMS_EPERM);
	assert_non_null(strstr(msg, "vera"));
	protobuf_c_message_free_unpacked(&req->base, NULL);
	isms_sync_free(s);
	/* ismsctl on the socket with $ISMS_TOKEN: the uid names it. */
	assert_int_equal(daemon_fx_sh(&fx->d, out, sizeof out,
	                              "ISMS_TOKEN='%s' \"$ISMSCTL\" user list "
	                              "2>&1",
	                              vera),
	                 0);
	free(vera);
	free(ed);
	isms_sync_free(admin);
}

/* In a child running as nobody: the code of an Info call, on a
 * connection that presents token (NULL: none) if its uid names no one. */
static int
as_nobody(struct roles_fx *fx, const char *token)
{
	struct isms_client_opts o = {0};
	struct isms_err err;
	struct isms_sync *s;
	Isms__V1__Request *req;
	pid_t pid;
	int status, code;

	o.token = token;
	if ((pid = fork()) == 0) {
		if (setgroups(0, NULL) != 0 || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(100);
		s = isms_sync_connect_opts(fx->d.endpoint, "t", &o, &err);
		if (s == NULL)
			_exit(strstr(err.msg, "UNAUTH") ||
			              err.code == ISMS_EUNAUTH
			          ? ISMS_EUNAUTH
			          : 101);
		/* Named by the token, if one was needed. */
		if (token != NULL &&
		    strcmp(isms_sync_hello(s)->user, "gw") != 0)
			_exit(102);
		req = request_for("info");
		code = code_of(s, req, NULL, 0);
		_exit(code);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void
test_peer_credentials(void **state)
{
	struct roles_fx *fx = *state;
	struct isms_err err;
	struct isms_sync *admin;
	char *secret, *gw;

	if (geteuid() != 0) {
		print_message("skipped: needs root to run a second uid\n");
		skip();
	}
	/* A 0711 directory and a socket of group nogroup (65534). */
	daemon_fx_stop(&fx->d, SIGTERM);
	assert_int_equal(chmod(fx->d.dir, 0711), 0);
	fx->d.extra_args = "--socket-group=65534";
	daemon_fx_start(&fx->d);
	assert_int_equal(as_nobody(fx, NULL), ISMS_EUNAUTH);
	admin = isms_sync_connect(fx->d.endpoint, "t", &err);
	assert_non_null(admin);
	/* A uid that is no user may present a token (a gateway). */
	gw = user_with_token(admin, "gw", "viewer", -1);
	assert_int_equal(as_nobody(fx, gw), 0);
	secret = user_with_token(admin, "nob", "viewer", 65534);
	assert_int_equal(as_nobody(fx, NULL), 0);
	/* Once it is a user, its uid names it; the token is not sent. */
	assert_int_equal(as_nobody(fx, gw), 102);
	free(secret);
	free(gw);
	isms_sync_free(admin);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_role_matrix, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tokens_revoked_and_actor,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_peer_credentials, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_server_owned_fields, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_linked_from_not_stored, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_uid_rules, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_identity_set_once, setup,
	                                    teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
