/*
 * gw_main.c: ismsd-http, the HTTP gateway in front of ismsd: options,
 * the event loop, a clean stop on SIGTERM and SIGINT.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <event2/event.h>

#include "gw.h"
#include "gw_assets.h"
#include "gw_pool.h"
#include "gw_session.h"
#include "ismsclient.h"
#include "log.h"
#include "gw_ui.h"

static void
gw_stop_cb(evutil_socket_t sig, short what, void *arg)
{
	struct gw *gw = arg;

	(void)what;
	log_notice("signal %d: stopping", (int)sig);
	event_base_loopexit(gw->base, NULL);
}

/* Checks the endpoint is a Unix socket: the gateway calls ismsd as its
 * callers over the local socket only. */
static int
endpoint_check(const struct gw_config *cfg)
{
	char path[256];
	struct isms_err err;

	if (isms_endpoint_unix_path(cfg->endpoint, path, sizeof path, &err) ==
	    0)
		return 0;
	fprintf(stderr, "ismsd-http: --endpoint %s: %s (a unix: path)\n",
	        cfg->endpoint, err.msg);
	return 2;
}

/*
 * Refuses to serve when the gateway's own Unix uid is an ismsd user: ismsd
 * names such a connection by its uid and refuses the callers' tokens, so
 * every call would be made as the gateway. ismsd not running yet is fine.
 */
static int
uid_check(const struct gw_config *cfg)
{
	struct isms_err err = {0};
	struct isms_sync *s;
	const Isms__V1__HelloResult *h;

	s = isms_sync_connect(cfg->endpoint, "ismsd-http " ISMS_VERSION, &err);
	if (s == NULL) {
		if (err.code != ISMS_EUNAUTH)
			log_warn("%s: %s (serving anyway: callers get 503 "
			         "until ismsd is up)",
			         cfg->endpoint, err.msg);
		return 0;
	}
	h = isms_sync_hello(s);
	fprintf(stderr,
	        "ismsd-http: this process's uid %u is the ismsd user '%s': "
	        "ismsd would not take the callers' tokens on its "
	        "connections. Run ismsd-http as a uid that is no ismsd "
	        "user (systemd: DynamicUser=yes; by hand: setpriv "
	        "--reuid=nobody ...)\n",
	        (unsigned)getuid(),
	        h != NULL && h->user != NULL ? h->user : "?");
	isms_sync_free(s);
	return 1;
}

/*
 * The event base. epoll's changelist folds the changes of one loop turn
 * into one epoll_ctl per descriptor: evhttp turns a connection's read and
 * write interest on and off around every request.
 */
static struct event_base *
gw_base_new(void)
{
	struct event_config *cfg = event_config_new();
	struct event_base *base;

	if (cfg == NULL)
		return event_base_new();
	event_config_set_flag(cfg, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	return base != NULL ? base : event_base_new();
}

/* Runs the loop until a signal; the exit code. */
static int
gw_run(struct gw *gw)
{
	struct event *sigs[2];
	struct isms_err err = {0};
	int rc = 0;

	gw->base = gw_base_new();
	gw->pool = gw_pool_new(gw->base, gw->cfg.endpoint, gw->cfg.pool_max,
	                       gw->cfg.pool_idle);
	gw->sessions = gw_sessions_new();
	if (gw_http_start(gw, &err) != 0) {
		fprintf(stderr, "ismsd-http: %s\n", err.msg);
		rc = 1;
		goto out;
	}
	if (!gw->cfg.foreground && daemon(0, 0) != 0) {
		perror("ismsd-http: daemon");
		rc = 1;
		goto out;
	}
	sigs[0] = evsignal_new(gw->base, SIGTERM, gw_stop_cb, gw);
	sigs[1] = evsignal_new(gw->base, SIGINT, gw_stop_cb, gw);
	event_add(sigs[0], NULL);
	event_add(sigs[1], NULL);
	event_base_dispatch(gw->base);
	event_free(sigs[0]);
	event_free(sigs[1]);
out:
	/* The reports' children first: none outlives the gateway. The pool
	 * then: calls still out are answered 503 while their HTTP requests
	 * still exist; then evhttp frees them. */
	gw_reports_stop();
	gw_pool_free(gw->pool);
	gw_http_stop(gw);
	gw_sessions_free(gw->sessions);
	event_base_free(gw->base);
	return rc;
}

int
main(int argc, char **argv)
{
	struct gw gw = {0};
	int rc;

	signal(SIGPIPE, SIG_IGN);
	if ((rc = gw_config_load(&gw.cfg, argc, argv)) != 0) {
		gw_config_free(&gw.cfg);
		return rc == 1 ? 0 : rc;
	}
	log_init("ismsd-http", gw.cfg.foreground ? 7 : 6);
	if ((rc = endpoint_check(&gw.cfg)) == 0 &&
	    (rc = uid_check(&gw.cfg)) == 0 && (rc = gw_assets_load(&gw)) == 0)
		rc = gw_run(&gw);
	gw_assets_free(gw.assets);
	gw_config_free(&gw.cfg);
	return rc;
}
