/*
 * ctl_watch.c: "ismsctl watch": events as they happen (Subscribe), one
 * line each, until interrupted. Runs its own event loop on the
 * asynchronous client, since a subscription's replies never end.
 *
 * Exit codes: 0 after SIGINT / SIGTERM (or when the reader of stdout went
 * away), 1 when the server refused or dropped the subscription (a too
 * slow watcher gets "resync from seq N"), 3 when the connection is lost.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "ctl.h"
#include "evfmt.h"
#include "fieldargs.h"
#include "xmalloc.h"

#define WATCH_USAGE                                                            \
	"usage: ismsctl watch [--register R]... [--type T]... [--owner USER] " \
	"[--since SEQ]\n"

/* One watch: the loop, the connection and how it ended. */
struct watch {
	struct ctl_ctx *ctx;
	struct event_base *base;
	struct isms_client *client;
	bool done;
	int rc;
	uint64_t last_seq; /* of the last event printed */
	Isms__V1__Subscribe *sub;
	const char *token; /* to send if hello without it is refused */
};

/* Ends the watch with exit code rc (the first reason wins). */
static void
watch_end(struct watch *w, int rc)
{
	if (w->done)
		return;
	w->done = true;
	w->rc = rc;
	event_base_loopbreak(w->base);
}

/* Prints one event and flushes, so a pipe sees it at once. */
static void
watch_print(struct watch *w, const Isms__V1__JournalEntry *e)
{
	FILE *out = w->ctx->out;

	switch (w->ctx->format) {
	case CTL_FORMAT_TABLE:
		evfmt_line(out, e);
		break;
	case CTL_FORMAT_JSON:
		evfmt_json(out, e);
		break;
	case CTL_FORMAT_CSV:
		evfmt_csv_row(out, e);
		break;
	}
	if (e->has_seq)
		w->last_seq = e->seq;
	/* "ismsctl watch | head -3": the reader is gone, so are we. */
	if (fflush(out) != 0 || ferror(out))
		watch_end(w, errno == EPIPE ? CTL_EXIT_OK : CTL_EXIT_REPLY);
}

/* An error status on the subscription: why it ended. */
static void
watch_failed(struct watch *w, const Isms__V1__Status *st)
{
	const char *msg = st->message != NULL ? st->message : "";
	unsigned long long seq;

	if (st->code == ISMS__V1__CODE__UNAVAILABLE) {
		ctl_error(0, "watch: connection to ismsd lost: %s", msg);
		watch_end(w, CTL_EXIT_UNAVAIL);
		return;
	}
	if (st->code == ISMS__V1__CODE__RESOURCE_EXHAUSTED &&
	    sscanf(msg, "resync from seq %llu", &seq) == 1)
		ctl_error(0,
		          "watch: %s (ismsd dropped this watcher: it read too "
		          "slowly; 'ismsctl watch --since %llu' resumes)",
		          msg, seq);
	else if (st->code == ISMS__V1__CODE__PERMISSION_DENIED &&
	         w->sub != NULL && w->sub->replay)
		ctl_error(0,
		          "watch: %s: %s (--since replays the journal; "
		          "without it, watch follows new record events)",
		          isms_code_name((int)st->code), msg);
	else
		ctl_error(0, "watch: %s: %s", isms_code_name((int)st->code),
		          msg);
	watch_end(w, CTL_EXIT_REPLY);
}

/* Every reply of the subscription: subscribed, an event, or the end. */
static void
watch_reply_cb(struct isms_client *c, const Isms__V1__Reply *r, void *arg)
{
	struct watch *w = arg;
	const struct isms_err *lost = isms_client_error(c);

	if (w->done)
		return;
	if (lost != NULL) {
		ctl_error(0, "watch: %s", lost->msg);
		watch_end(w, CTL_EXIT_UNAVAIL);
	} else if (r->status != NULL && r->status->has_code &&
	           r->status->code != ISMS__V1__CODE__OK)
		watch_failed(w, r->status);
	else if (r->event != NULL)
		watch_print(w, r->event);
	/* An OK reply without an event: subscribed. */
}

static void watch_hello_cb(struct isms_client *, const Isms__V1__Reply *,
                           void *);

/* Sends hello, with token when not NULL. False if it cannot be sent. */
static bool
watch_hello(struct watch *w, const char *token)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Hello hello = ISMS__V1__HELLO__INIT;

	hello.has_protocol_major = hello.has_protocol_minor = 1;
	hello.protocol_major = ISMS_PROTOCOL_MAJOR;
	hello.protocol_minor = ISMS_PROTOCOL_MINOR;
	hello.client = "ismsctl watch " ISMS_VERSION;
	hello.token = (char *)token;
	req.call_case = ISMS__V1__REQUEST__CALL_HELLO;
	req.hello = &hello;
	return isms_client_call(w->client, &req, watch_hello_cb, w) != 0;
}

/* Sends the subscription, once hello named us. */
static void
watch_subscribe(struct watch *w)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;

	req.call_case = ISMS__V1__REQUEST__CALL_SUBSCRIBE;
	req.subscribe = w->sub;
	if (isms_client_call_flags(w->client, &req, ISMS_CALL_STREAM,
	                           watch_reply_cb, w) == 0) {
		ctl_error(0, "watch: cannot send to ismsd");
		watch_end(w, CTL_EXIT_UNAVAIL);
	}
}

/* The hello reply: subscribe once named; a token not sent yet goes in a
 * second hello when the first was UNAUTHENTICATED. */
static void
watch_hello_cb(struct isms_client *c, const Isms__V1__Reply *r, void *arg)
{
	struct watch *w = arg;
	const char *token = w->token;

	if (w->done)
		return;
	if (isms_client_error(c) != NULL) {
		ctl_error(0, "watch: %s", isms_client_error(c)->msg);
		watch_end(w, CTL_EXIT_UNAVAIL);
		return;
	}
	if (r->status != NULL && r->status->has_code &&
	    r->status->code == ISMS__V1__CODE__UNAUTHENTICATED &&
	    token != NULL) {
		w->token = NULL;
		if (!watch_hello(w, token)) {
			ctl_error(0, "watch: cannot send to ismsd");
			watch_end(w, CTL_EXIT_UNAVAIL);
		}
	} else if (r->status != NULL && r->status->has_code &&
	           r->status->code != ISMS__V1__CODE__OK)
		watch_failed(w, r->status);
	else if (r->hello == NULL ||
	         r->hello->protocol_major != ISMS_PROTOCOL_MAJOR) {
		ctl_error(0, "watch: protocol version mismatch with ismsd");
		watch_end(w, CTL_EXIT_REPLY);
	} else
		watch_subscribe(w);
}

/* SIGINT, SIGTERM: a normal end. */
static void
watch_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	watch_end(arg, CTL_EXIT_OK);
}

/* Fills the Subscribe from the options; usage errors are printed. */
static int
watch_subscribe_build(const struct ctl_opts *o, Isms__V1__Subscribe *sub,
                      Isms__V1__EventType *types)
{
	char names[512];
	size_t i;

	for (i = 0; i < o->registers.n; i++)
		if (ctl_register_find(o->registers.v[i]) == NULL)
			return ctl_error(CTL_EXIT_USAGE,
			                 "watch: no register called '%s'",
			                 o->registers.v[i]);
	for (i = 0; i < o->types.n; i++) {
		if (evfmt_type_parse(o->types.v[i], &types[i]) == 0)
			continue;
		evfmt_type_names(names, sizeof names);
		return ctl_error(CTL_EXIT_USAGE,
		                 "watch: unknown event type '%s'; types: %s",
		                 o->types.v[i], names);
	}
	sub->n_registers = o->registers.n;
	sub->registers = (char **)o->registers.v;
	sub->n_types = o->types.n;
	sub->types = types;
	sub->owner = (char *)o->owner;
	sub->has_replay = o->has_since;
	sub->replay = o->has_since;
	sub->has_since_seq = o->has_since;
	sub->since_seq = o->since;
	return 0;
}

/* Sends hello (with the token where it names us: see
 * isms_hello_token_first), subscribes once named, then runs the loop
 * until the end. */
static int
watch_run(struct watch *w, Isms__V1__Subscribe *sub, const char *token,
          const struct isms_client_opts *copts)
{
	bool first = isms_hello_token_first(w->ctx->endpoint, copts);
	struct event *sigs[2];
	sigset_t stop, old;
	size_t i;

	w->sub = sub;
	w->token = first ? NULL : token;
	if (!watch_hello(w, first ? token : NULL))
		return ctl_error(CTL_EXIT_UNAVAIL,
		                 "watch: cannot send to ismsd");
	/* Blocked while the handlers go in, so that a signal sent meanwhile
	 * waits for them instead of killing us (or, once ignored, being
	 * lost); blocked again at the end: `timeout` and a terminal send it
	 * to the process and to its group, and a second one must not kill us
	 * while we finish. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop, &old);
	sigs[0] = evsignal_new(w->base, SIGINT, watch_signal_cb, w);
	sigs[1] = evsignal_new(w->base, SIGTERM, watch_signal_cb, w);
	for (i = 0; i < 2; i++)
		evsignal_add(sigs[i], NULL);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (w->ctx->format == CTL_FORMAT_CSV) {
		evfmt_csv_header(w->ctx->out);
		fflush(w->ctx->out);
	}
	while (!w->done)
		if (event_base_loop(w->base, EVLOOP_ONCE) != 0)
			watch_end(w, CTL_EXIT_UNAVAIL); /* nothing to wait on */
	sigprocmask(SIG_BLOCK, &stop, NULL);
	for (i = 0; i < 2; i++)
		event_free(sigs[i]);
	return w->rc;
}

/* "ismsctl watch [--register R]... [--type T]... [--owner U] [--since N]". */
static int
watch_exec(struct ctl_ctx *ctx, const struct ctl_cmd *cmd, int argc,
           char **argv)
{
	Isms__V1__Subscribe sub = ISMS__V1__SUBSCRIBE__INIT;
	Isms__V1__EventType *types = NULL;
	struct isms_client_opts copts;
	struct isms_err err = {0};
	char *token = NULL;
	struct watch w = {0};
	struct ctl_opts o;
	int rc;

	(void)cmd;
	rc = ctl_opts_parse(ctx, "watch",
	                    CTL_OPT_REGISTER | CTL_OPT_TYPE | CTL_OPT_OWNER |
	                        CTL_OPT_SINCE,
	                    argc - 1, argv + 1, &o);
	if (rc != 0 || o.help) {
		if (rc == 0)
			fputs(WATCH_USAGE, ctx->out);
		goto out;
	}
	if (o.npos > 0) {
		rc = ctl_error(CTL_EXIT_USAGE,
		               "watch: unexpected argument '%s'", o.pos[0]);
		goto out;
	}
	types = xcalloc(o.types.n + 1, sizeof *types);
	if ((rc = watch_subscribe_build(&o, &sub, types)) != 0)
		goto out;
	if ((rc = ctl_conn_prepare(ctx, &copts, &token)) != 0)
		goto out;
	w.ctx = ctx;
	if ((w.base = event_base_new()) == NULL) {
		rc = ctl_error(CTL_EXIT_REPLY, "watch: event_base_new failed");
		goto out;
	}
	w.client =
	    isms_client_connect_opts(w.base, ctx->endpoint, &copts, &err);
	if (w.client == NULL)
		rc = ctl_error(err.code == ISMS_EINVAL ? CTL_EXIT_USAGE
		                                       : CTL_EXIT_UNAVAIL,
		               "%s", err.msg);
	else
		rc = watch_run(&w, &sub, token, &copts);
	isms_client_free(w.client);
	event_base_free(w.base);
out:
	ctl_token_free(token);
	free(types);
	ctl_opts_free(&o);
	return rc;
}

const struct ctl_cmd ctl_cmd_watch = {
    .name = "watch",
    .usage = "watch [--register R]... [--type T]... [--owner U] [--since SEQ]",
    .help = "print events as they happen, until interrupted",
    .detail =
        "One line per event: SEQ TIME TYPE ID ACTOR SUMMARY (-o json: one\n"
        "JSON object per line; -o csv: a header, then rows), flushed at "
        "once.\n"
        "Filters: --register (risk, action...), --type (created, updated,\n"
        "archived, linked, unlinked, reviewed, method_changed,\n"
        "catalog_loaded, review_due, review_overdue, action_due,\n"
        "action_overdue, incident_ingested, user_changed, token_changed,\n"
        "unarchived),\n"
        "--owner; each repeatable option matches any of its values.\n"
        "--since SEQ first replays the journal after SEQ, then goes on "
        "live\n"
        "with no gap and no duplicate. Exit: 0 on Ctrl-C / SIGTERM; 1 when\n"
        "ismsd drops a watcher too slow to keep up (the message says "
        "'resync\n"
        "from seq N': resume with --since N); 3 when the connection is "
        "lost.\n",
    .exec = watch_exec,
};
