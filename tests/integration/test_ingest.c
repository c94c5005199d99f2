/*
 * test_ingest.c: incidents pushed by integrations, end to end on a real
 * ismsd: the same (source, external_id) pushed three times is one
 * incident at rev 3 with a repeat count of 2; a source's "resolved" never
 * moves what people decided; the ingest token may Ingest, Hello and
 * Health and nothing else; refused calls are logged with user, peer, RPC
 * and reason, rate-limited; journal verify --deep catches a tampered
 * dedupe index. Through the client library and through ismsctl.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon_fx.h"
#include "ismsclient.h"
#include "pbfield.h"

#define OUT 8192

#define SEV_HIGH ISMS__V1__SEVERITY__SEVERITY_HIGH
#define FIRING   ISMS__V1__INGEST_STATE__INGEST_STATE_FIRING
#define RESOLVED ISMS__V1__INGEST_STATE__INGEST_STATE_RESOLVED
#define ST(x)    ISMS__V1__INCIDENT_STATUS__INCIDENT_STATUS_##x

/* A daemon on its Unix socket (root there is admin) and on plain TCP on
 * loopback, where a token names the connection; its log in a file. */
struct ingest_fx {
	struct daemon_fx d; /* first: teardown and fx->d are the same */
	char listen[64], tcp[64], log[96];
	const char *argv[4];
	struct isms_sync *admin;
};

static int
setup(void **state)
{
	struct ingest_fx *fx = calloc(1, sizeof *fx);
	int port = daemon_fx_free_port("127.0.0.1");
	struct isms_err err;

	snprintf(fx->listen, sizeof fx->listen, "--listen=tcp://127.0.0.1:%d",
	         port);
	snprintf(fx->tcp, sizeof fx->tcp, "tcp://127.0.0.1:%d", port);
	snprintf(fx->log, sizeof fx->log, "/tmp/isms-ingest-%d.log",
	         (int)getpid());
	unlink(fx->log);
	fx->argv[0] = fx->listen;
	fx->argv[1] = "--insecure";
	fx->d.argv_extra = fx->argv;
	fx->d.log_path = fx->log;
	daemon_fx_start(&fx->d);
	daemon_fx_wait_tcp("127.0.0.1", port);
	fx->admin = isms_sync_connect(fx->d.endpoint, "test_ingest", &err);
	assert_non_null(fx->admin);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct ingest_fx *fx = *state;

	isms_sync_free(fx->admin);
	daemon_fx_cleanup(&fx->d);
	unlink(fx->log);
	free(fx);
	return 0;
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

/* Sends req (then frees it); the reply (never NULL). */
static Isms__V1__Reply *
call(struct isms_sync *s, Isms__V1__Request *req)
{
	struct isms_err err;
	Isms__V1__Reply *r = isms_sync_call(s, req, &err);

	protobuf_c_message_free_unpacked(&req->base, NULL);
	if (r == NULL)
		fail_msg("call: %s", err.msg);
	return r;
}

/* Sends req (then frees it); the status code, the message in msg. */
static int
code_of(struct isms_sync *s, Isms__V1__Request *req, char *msg, size_t len)
{
	Isms__V1__Reply *r = call(s, req);
	int code = r->status != NULL ? (int)r->status->code : -1;

	if (msg != NULL)
		snprintf(msg, len, "%s",
		         r->status && r->status->message ? r->status->message
		                                         : "");
	isms_reply_free(r);
	return code;
}

/* Creates a user with role (an owner or a caller) and returns a token. */
static char *
user_with_token(struct isms_sync *s, const char *name, const char *role)
{
	Isms__V1__Request *req = request_for("user_put");
	Isms__V1__User *u =
	    (Isms__V1__User *)pb_new(&isms__v1__user__descriptor);
	struct isms_err err;
	Isms__V1__Reply *r;
	char *secret;

	u->name = strdup(name);
	assert_int_equal(
	    pb_field_set_text(&u->base,
	                      pb_field_by_name(u->base.descriptor, "role"),
	                      role, &err),
	    0);
	req->user_put->user = u;
	req->user_put->has_create = 1;
	req->user_put->create = 1;
	assert_int_equal(code_of(s, req, NULL, 0), 0);
	req = request_for("token_create");
	req->token_create->owner = strdup(name);
	r = call(s, req);
	assert_int_equal(r->status->code, 0);
	secret = strdup(r->token_created->secret);
	isms_reply_free(r);
	return secret;
}

/* Connects over TCP, named by token secret. */
static struct isms_sync *
token_conn(struct ingest_fx *fx, const char *secret)
{
	struct isms_client_opts o = {0};
	struct isms_sync *s;
	struct isms_err err;

	o.token = secret;
	o.insecure = true;
	o.timeout_ms = 10000;
	if ((s = isms_sync_connect_opts(fx->tcp, "test_ingest", &o, &err)) ==
	    NULL)
		fail_msg("token connect: %s", err.msg);
	return s;
}

/* An Ingest of (source, ext); title and description NULL: not sent;
 * state 0: not sent. */
static Isms__V1__Request *
ingest_req(const char *source, const char *ext, const char *title,
           const char *description, int state)
{
	Isms__V1__Request *req = request_for("ingest");
	Isms__V1__Ingest *in = req->ingest;

	in->source = strdup(source);
	in->external_id = strdup(ext);
	if (title != NULL) {
		in->title = strdup(title);
		in->has_severity = 1;
		in->severity = SEV_HIGH;
	}
	if (description != NULL)
		in->description = strdup(description);
	if (state != 0) {
		in->has_state = 1;
		in->state = state;
	}
	return req;
}

/* Ingests; the result's reply (status OK asserted). */
static Isms__V1__Reply *
ingest(struct isms_sync *s, Isms__V1__Request *req)
{
	Isms__V1__Reply *r = call(s, req);

	if (r->status->code != 0)
		fail_msg("ingest: %s", r->status->message);
	assert_int_equal(r->result_case, ISMS__V1__REPLY__RESULT_INGEST);
	assert_non_null(r->ingest->record);
	return r;
}

/* Gets id as the admin; the reply holding the record. */
static Isms__V1__Reply *
get(struct ingest_fx *fx, const char *id)
{
	Isms__V1__Request *req = request_for("get");
	Isms__V1__Reply *r;

	req->get->id = strdup(id);
	r = call(fx->admin, req);
	assert_int_equal(r->status->code, 0);
	assert_non_null(r->record);
	assert_non_null(r->record->incident);
	return r;
}

/* Runs ismsctl (as the admin, on the Unix socket) with args. */
static int
ctl(struct ingest_fx *fx, char *out, const char *fmt, ...)
{
	char args[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof args, fmt, ap);
	va_end(ap);
	return daemon_fx_sh(&fx->d, out, OUT, "\"$ISMSCTL\" %s 2>&1", args);
}

/* Counts the lines of out holding what. */
static int
count_lines(const char *out, const char *what)
{
	const char *p = out;
	int n = 0;

	while ((p = strstr(p, what)) != NULL) {
		n++;
		p += strlen(what);
	}
	return n;
}

/* The same key three times through the library as the ingest role: one
 * incident at rev 3 with a repeat count of 2, each push journaled as
 * incident_ingested; the reply holds what the source wrote, nothing
 * people added; another key is another incident. */
static void
test_dedupe_three_pushes(void **state)
{
	struct ingest_fx *fx = *state;
	char *tok = user_with_token(fx->admin, "ingo", "ingest"), out[OUT];
	struct isms_sync *s = token_conn(fx, tok);
	Isms__V1__Reply *r;
	char id[32];

	r = ingest(s, ingest_req("alertmanager", "fp-1", "Disk full",
	                         "node1 /var at 99%", FIRING));
	assert_true(r->ingest->created);
	assert_int_equal(r->ingest->record->rev, 1);
	assert_int_equal(r->ingest->repeat_count, 0);
	snprintf(id, sizeof id, "%s", r->ingest->record->id);
	isms_reply_free(r);
	/* People add to it: owner and description are theirs to read. */
	assert_int_equal(ctl(fx, out, "user add bob --role viewer"), 0);
	assert_int_equal(
	    ctl(fx, out, "incident set %s owner=bob status=triaged", id), 0);
	r = ingest(
	    s, ingest_req("alertmanager", "fp-1", "Disk full", NULL, FIRING));
	assert_false(r->ingest->created);
	assert_string_equal(r->ingest->record->id, id);
	assert_int_equal(r->ingest->record->rev, 3);
	assert_int_equal(r->ingest->repeat_count, 1);
	/* The reply is no read of the record: not its owner, not what the
	 * source did not write, not who changed it. */
	assert_null(r->ingest->record->owner);
	assert_null(r->ingest->record->updated_by);
	assert_null(r->ingest->record->incident->description);
	isms_reply_free(r);
	r = ingest(s, ingest_req("alertmanager", "fp-1", NULL, NULL, RESOLVED));
	assert_false(r->ingest->created);
	assert_int_equal(r->ingest->record->rev, 4);
	assert_int_equal(r->ingest->repeat_count, 2);
	isms_reply_free(r);
	r = get(fx, id);
	assert_int_equal(r->record->rev, 4);
	assert_int_equal(r->record->incident->repeat_count, 2);
	assert_true(r->record->incident->has_last_seen_at);
	assert_true(r->record->incident->has_source_resolved_at);
	assert_int_equal(r->record->incident->status, ST(TRIAGED));
	assert_string_equal(r->record->incident->description,
	                    "node1 /var at 99%");
	isms_reply_free(r);
	/* Three ingest entries and the person's update. */
	assert_int_equal(ctl(fx, out, "-o csv journal --id %s", id), 0);
	assert_int_equal(count_lines(out, ",incident_ingested,"), 3);
	assert_int_equal(count_lines(out, ",updated,"), 1);
	/* Another key, another incident; the same external id from another
	 * source is another key too. */
	r = ingest(s, ingest_req("alertmanager", "fp-2", "CPU", NULL, 0));
	assert_true(r->ingest->created);
	assert_string_not_equal(r->ingest->record->id, id);
	isms_reply_free(r);
	r = ingest(s, ingest_req("sentry", "fp-1", "Crash", NULL, 0));
	assert_true(r->ingest->created);
	isms_reply_free(r);
	assert_int_equal(ctl(fx, out, "-o csv incident list"), 0);
	assert_int_equal(count_lines(out, "\nINC-"), 3);
	assert_int_equal(ctl(fx, out, "journal verify --deep"), 0);
	isms_sync_free(s);
	free(tok);
}

/* ismsctl incident ingest: the same three pushes, its output and exit
 * codes; ismsctl health. */
static void
test_cli_ingest(void **state)
{
	struct ingest_fx *fx = *state;
	const char *key = "incident ingest source=grafana external_id=abc";
	char out[OUT];

	assert_int_equal(ctl(fx, out,
	                     "%s title='Latency high' severity=high "
	                     "link=https://grafana.example/d/1",
	                     key),
	                 0);
	assert_non_null(strstr(out, "created INC-0001 (rev 1)"));
	assert_int_equal(
	    ctl(fx, out, "%s title='Latency high' severity=critical", key), 0);
	assert_non_null(strstr(out, "updated INC-0001 (rev 2, repeat 1)"));
	assert_int_equal(
	    ctl(fx, out, "%s state=resolved resolved_at=2030-01-01T00:00:00Z",
	        key),
	    0);
	assert_non_null(strstr(out, "updated INC-0001 (rev 3, repeat 2)"));
	assert_int_equal(ctl(fx, out, "incident get INC-0001"), 0);
	assert_non_null(strstr(out, "repeat_count:"));
	assert_non_null(strstr(out, "source_resolved_at:   2030-01-01"));
	assert_non_null(strstr(out, "severity:             critical"));
	assert_non_null(strstr(out, "https://grafana.example/d/1"));
	assert_non_null(strstr(out, "status:               new"));
	/* JSON: the result, its record inside. */
	assert_int_equal(ctl(fx, out, "-o json %s", key), 0);
	assert_non_null(strstr(out, "\"created\": false"));
	assert_non_null(strstr(out, "\"id\": \"INC-0001\""));
	assert_non_null(strstr(out, "\"repeat_count\": 3"));
	/* The server refuses what the key lacks, ismsctl an unknown word. */
	assert_int_equal(ctl(fx, out, "incident ingest source=grafana"), 1);
	assert_non_null(strstr(out, "external_id"));
	assert_int_equal(ctl(fx, out, "%s colour=red", key), 2);
	assert_int_equal(ctl(fx, out,
	                     "incident ingest source=g external_id=n "
	                     "title=T severity=low link=javascript:x"),
	                 1);
	assert_non_null(strstr(out, "link"));
	/* Source fields are the source's: a person's put may not set them. */
	assert_int_equal(ctl(fx, out,
	                     "incident add title=X severity=low "
	                     "source=phone"),
	                 1);
	assert_non_null(strstr(out, "source"));
	assert_int_equal(ctl(fx, out, "incident set INC-0001 repeat_count=0"),
	                 1);
	assert_int_equal(ctl(fx, out, "health"), 0);
	assert_string_equal(out, "ok\n");
}

/* The source's "resolved" never moves what people decided: a contained
 * incident stays contained; a closed one stays closed, and when its alert
 * fires again that is a new incident; a first push already resolved
 * opens one in status new. */
static void
test_human_decision_stands(void **state)
{
	struct ingest_fx *fx = *state;
	char *tok = user_with_token(fx->admin, "ingo", "ingest"), out[OUT];
	struct isms_sync *s = token_conn(fx, tok);
	Isms__V1__Reply *r;

	r = ingest(s, ingest_req("siem", "case-7", "Brute force", NULL, 0));
	assert_string_equal(r->ingest->record->id, "INC-0001");
	isms_reply_free(r);
	assert_int_equal(ctl(fx, out, "incident set INC-0001 status=triaged"),
	                 0);
	assert_int_equal(ctl(fx, out, "incident set INC-0001 status=contained"),
	                 0);
	r = ingest(s, ingest_req("siem", "case-7", NULL, NULL, RESOLVED));
	assert_false(r->ingest->created);
	assert_int_equal(r->ingest->record->incident->status, ST(CONTAINED));
	isms_reply_free(r);
	r = get(fx, "INC-0001");
	assert_int_equal(r->record->incident->status, ST(CONTAINED));
	assert_true(r->record->incident->has_source_resolved_at);
	assert_false(r->record->incident->has_resolved_at);
	isms_reply_free(r);
	/* Firing again clears the source's resolution, status as it was. */
	r = ingest(s, ingest_req("siem", "case-7", NULL, NULL, FIRING));
	assert_false(r->ingest->record->incident->has_source_resolved_at);
	assert_int_equal(r->ingest->record->incident->status, ST(CONTAINED));
	isms_reply_free(r);
	/* People resolve and close it. */
	assert_int_equal(ctl(fx, out, "incident set INC-0001 status=resolved"),
	                 0);
	assert_int_equal(ctl(fx, out,
	                     "incident set INC-0001 status=closed "
	                     "lessons_learned='Lock out after 5'"),
	                 0);
	r = get(fx, "INC-0001");
	uint64_t rev = r->record->rev;
	isms_reply_free(r);
	/* Resolved at the source: nothing changes on a closed incident. */
	r = ingest(s, ingest_req("siem", "case-7", NULL, NULL, RESOLVED));
	assert_false(r->ingest->created);
	assert_string_equal(r->ingest->record->id, "INC-0001");
	assert_int_equal(r->ingest->record->rev, rev);
	isms_reply_free(r);
	/* Firing again: closed is final, a recurrence is a new incident,
	 * and the key follows it. */
	r = ingest(
	    s, ingest_req("siem", "case-7", "Brute force again", NULL, FIRING));
	assert_true(r->ingest->created);
	assert_string_equal(r->ingest->record->id, "INC-0002");
	isms_reply_free(r);
	r = ingest(s, ingest_req("siem", "case-7", NULL, NULL, 0));
	assert_false(r->ingest->created);
	assert_string_equal(r->ingest->record->id, "INC-0002");
	assert_int_equal(r->ingest->repeat_count, 1);
	isms_reply_free(r);
	r = get(fx, "INC-0001");
	assert_int_equal(r->record->incident->status, ST(CLOSED));
	assert_int_equal(r->record->rev, rev);
	isms_reply_free(r);
	/* A first push that is already resolved opens, never closes. */
	r = ingest(s,
	           ingest_req("siem", "case-8", "Port scan", NULL, RESOLVED));
	assert_true(r->ingest->created);
	assert_int_equal(r->ingest->record->incident->status, ST(NEW));
	assert_true(r->ingest->record->incident->has_source_resolved_at);
	isms_reply_free(r);
	/* An archived incident is history too: its key gets a new one. */
	assert_int_equal(ctl(fx, out, "incident archive INC-0003"), 0);
	r = ingest(s, ingest_req("siem", "case-8", "Port scan", NULL, FIRING));
	assert_true(r->ingest->created);
	assert_string_equal(r->ingest->record->id, "INC-0004");
	isms_reply_free(r);
	assert_int_equal(ctl(fx, out, "journal verify --deep"), 0);
	isms_sync_free(s);
	free(tok);
}

/* The ingest token: Hello, Health and Ingest, and nothing else; a Put
 * with an empty mask is refused it (and every role but editor and
 * admin), with no record in the reply. */
static void
test_ingest_refused_everything_else(void **state)
{
	static const char *const refused[] = {
	    "put",  "get",     "list",      "archive", "unarchive",
	    "link", "history", "subscribe", "info",    "review",
	    "due",  "links",   "describe",  "journal", "sign_off",
	};
	struct ingest_fx *fx = *state;
	char *tok = user_with_token(fx->admin, "ingo", "ingest");
	char *vtok = user_with_token(fx->admin, "vera", "viewer");
	char *etok = user_with_token(fx->admin, "ed", "editor");
	struct isms_sync *s = token_conn(fx, tok), *v, *e;
	Isms__V1__Request *req;
	Isms__V1__Reply *r;
	char msg[512], out[OUT];
	size_t i;

	r = ingest(s, ingest_req("am", "x", "Up", NULL, 0));
	isms_reply_free(r);
	assert_int_equal(code_of(s, request_for("health"), msg, sizeof msg), 0);
	for (i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		req = request_for(refused[i]);
		if (code_of(s, req, msg, sizeof msg) != ISMS_EPERM)
			fail_msg("ingest was not refused %s: %s", refused[i],
			         msg);
	}
	/* A Put with an empty mask on its own incident: refused, nothing
	 * read back. */
	v = token_conn(fx, vtok);
	e = token_conn(fx, etok);
	struct isms_sync *who[] = {s, v, e, fx->admin};
	const int want[] = {ISMS_EPERM, ISMS_EPERM, 0, 0};
	for (i = 0; i < 4; i++) {
		req = request_for("put");
		req->put->record =
		    (Isms__V1__Record *)pb_new(&isms__v1__record__descriptor);
		req->put->record->id = strdup("INC-0001");
		r = call(who[i], req);
		assert_int_equal(r->status->code, want[i]);
		if (want[i] != 0)
			assert_int_equal(r->result_case,
			                 ISMS__V1__REPLY__RESULT__NOT_SET);
		else /* a role that may Get it anyway: unchanged */
			assert_int_equal(r->record->rev, 1);
		isms_reply_free(r);
	}
	/* Nothing of it changed the incident. */
	r = get(fx, "INC-0001");
	assert_int_equal(r->record->rev, 1);
	isms_reply_free(r);
	/* ismsctl with the ingest token: health works, get does not. */
	assert_int_equal(
	    daemon_fx_sh(&fx->d, out, OUT,
	                 "ISMS_TOKEN='%s' \"$ISMSCTL\" --insecure --endpoint "
	                 "%s health 2>&1 && ISMS_TOKEN='%s' \"$ISMSCTL\" "
	                 "--insecure --endpoint %s incident get INC-0001 2>&1",
	                 tok, fx->tcp, tok, fx->tcp),
	    1);
	assert_non_null(strstr(out, "ok\n"));
	assert_non_null(strstr(out, "PERMISSION_DENIED"));
	isms_sync_free(v);
	isms_sync_free(e);
	isms_sync_free(s);
	free(tok);
	free(vtok);
	free(etok);
}

/* The daemon's log so far (static buffer). */
static const char *
log_text(struct ingest_fx *fx)
{
	static char buf[1 << 20];
	FILE *f = fopen(fx->log, "r");
	size_t n = 0;

	if (f != NULL) {
		n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

/* Refused calls are logged with user, peer, RPC and reason, for every
 * role; a flood is held to a few lines and the next line says how many
 * were suppressed. */
static void
test_refusals_logged_rate_limited(void **state)
{
	struct ingest_fx *fx = *state;
	char *tok = user_with_token(fx->admin, "ingo", "ingest");
	char *vtok = user_with_token(fx->admin, "vera", "viewer");
	struct isms_sync *s = token_conn(fx, tok), *v = token_conn(fx, vtok);
	Isms__V1__Request *req;
	const char *log;
	int i, before, after;
	time_t end;

	assert_int_equal(code_of(s, request_for("get"), NULL, 0), ISMS_EPERM);
	req = request_for("put");
	assert_int_equal(code_of(v, req, NULL, 0), ISMS_EPERM);
	log = log_text(fx);
	assert_non_null(strstr(log, "refused: Get to user ingo from "
	                            "127.0.0.1: PERMISSION_DENIED: Get "
	                            "needs role viewer"));
	assert_non_null(strstr(log, "refused: Put to user vera from "
	                            "127.0.0.1: PERMISSION_DENIED"));
	/* A flood: 400 refusals log a handful of lines. */
	before = count_lines(log_text(fx), "refused: ");
	for (i = 0; i < 400; i++)
		assert_int_equal(code_of(s, request_for("list"), NULL, 0),
		                 ISMS_EPERM);
	after = count_lines(log_text(fx), "refused: ");
	assert_true(after > before);
	if (after - before > 60)
		fail_msg("400 refusals logged %d lines", after - before);
	/* Once the bucket refills, the next refusal says what was held
	 * back. */
	end = time(NULL) + 20;
	while (strstr(log_text(fx), "more refused calls were not logged") ==
	       NULL) {
		if (time(NULL) > end)
			fail_msg("no line counts the suppressed refusals");
		usleep(100 * 1000);
		assert_int_equal(code_of(s, request_for("list"), NULL, 0),
		                 ISMS_EPERM);
	}
	isms_sync_free(v);
	isms_sync_free(s);
	free(tok);
	free(vtok);
}

/* Stops ismsd, runs flip_byte with args on its data dir, starts it. */
static void
tamper(struct ingest_fx *fx, const char *args)
{
	char out[OUT];

	isms_sync_free(fx->admin);
	assert_int_equal(daemon_fx_stop(&fx->d, SIGTERM), 0);
	if (daemon_fx_sh(&fx->d, out, sizeof out, "'%s' '%s' %s 2>&1",
	                 FLIP_BYTE_BIN, fx->d.dir, args) != 0)
		fail_msg("flip_byte %s: %s", args, out);
	daemon_fx_start(&fx->d);
	fx->admin = isms_sync_connect(fx->d.endpoint, "test_ingest", NULL);
	assert_non_null(fx->admin);
}

/* journal verify --deep recomputes the dedupe index both ways: a key
 * pointing elsewhere, a missing key and a stray one are each caught. */
static void
test_verify_catches_tampered_dedupe(void **state)
{
	struct ingest_fx *fx = *state;
	char out[OUT];

	assert_int_equal(ctl(fx, out,
	                     "incident ingest source=am external_id=a "
	                     "title=A severity=low"),
	                 0);
	assert_int_equal(ctl(fx, out,
	                     "incident ingest source=am external_id=b "
	                     "title=B severity=low"),
	                 0);
	assert_int_equal(ctl(fx, out, "journal verify --deep"), 0);
	/* INC-0001 → INC-0000: bit 0 of the value's last byte. */
	tamper(fx, "flip extref first");
	assert_int_equal(ctl(fx, out, "journal verify --deep"), 1);
	assert_non_null(strstr(out, "dedupe index"));
	assert_non_null(strstr(out, "INC-0000"));
	/* Plain verify does not look at derived keys. */
	assert_int_equal(ctl(fx, out, "journal verify"), 0);
	tamper(fx, "flip extref first");
	assert_int_equal(ctl(fx, out, "journal verify --deep"), 0);
	tamper(fx, "stray extref first");
	assert_int_equal(ctl(fx, out, "journal verify --deep"), 1);
	assert_non_null(strstr(out, "dedupe index"));
	assert_non_null(strstr(out, "derives from no record"));
	tamper(fx, "del extref first");
	assert_int_equal(ctl(fx, out, "journal verify --deep"), 1);
	assert_non_null(strstr(out, "dedupe index"));
	assert_non_null(strstr(out, "is missing"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_dedupe_three_pushes, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_cli_ingest, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_human_decision_stands, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_ingest_refused_everything_else,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refusals_logged_rate_limited,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_verify_catches_tampered_dedupe,
	                                    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
