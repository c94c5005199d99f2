/* listen.c: Unix socket and TCP listeners. */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <netdb.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "activation.h"
#include "conn.h"
#include "listen.h"
#include "log.h"
#include "server.h"
#include "tls.h"
#include "xmalloc.h"

struct listener {
	TAILQ_ENTRY(listener) entry;
	struct server *srv;
	SSL_CTX *tls; /* tcp:// over TLS; NULL: plain (loopback only) */
	bool tcp;
	struct evconnlistener *lev;
	char *path; /* a socket file of ours, removed at the end */
};

#define LISTEN_PAUSE_SECS 1  /* out of descriptors: the accept pause */
#define LISTEN_LOG_SECS   60 /* its report, at most once as often */

/* Enables each listener whose pool has room, unless accepting is paused
 * for descriptors or the server stops. */
static void
listen_apply(struct server *srv)
{
	struct listener *l;

	TAILQ_FOREACH(l, &srv->listeners, entry)
	{
		if (srv->pool_full[l->tcp] || srv->accept_paused ||
		    srv->stopping)
			evconnlistener_disable(l->lev);
		else
			evconnlistener_enable(l->lev);
	}
}

static void
listen_accept(struct evconnlistener *lev, evutil_socket_t fd,
              struct sockaddr *sa, int salen, void *arg)
{
	struct listener *l = arg;

	(void)lev;
	(void)salen;
	if (l->srv->stopping) {
		evutil_closesocket(fd);
		return;
	}
	if (l->tcp)
		conn_new_tcp(l->srv, fd, l->tls, sa);
	else
		conn_new(l->srv, fd);
}

static void
listen_pause_end(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	listen_resume(arg);
}

/* Logs an accept failure at most once per LISTEN_LOG_SECS: short of
 * descriptors it recurs at each pause's end. */
static void
listen_log_pause(struct server *srv, int e)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	srv->accept_pauses++;
	if (srv->accept_logged_at != 0 &&
	    now.tv_sec - srv->accept_logged_at < LISTEN_LOG_SECS)
		return;
	log_warn("accept: %s; pausing new connections until one closes or "
	         "%d s pass (%u pause(s) since the last report)",
	         strerror(e), LISTEN_PAUSE_SECS, srv->accept_pauses);
	srv->accept_logged_at = now.tv_sec > 0 ? now.tv_sec : 1;
	srv->accept_pauses = 0;
}

/*
 * accept failed (EMFILE, ENFILE, ENOBUFS...): the pending peer stays in
 * the backlog and the listener stays readable, so accepting again at
 * once would spin and log each turn. As OpenSMTPD does, every listener
 * pauses until a connection closes or a second passes.
 */
static void
listen_error(struct evconnlistener *lev, void *arg)
{
	struct listener *l = arg;
	struct server *srv = l->srv;
	struct timeval tv = {LISTEN_PAUSE_SECS, 0};

	(void)lev;
	listen_log_pause(srv, errno);
	if (srv->accept_timer == NULL &&
	    (srv->accept_timer =
	         evtimer_new(srv->base, listen_pause_end, srv)) == NULL) {
		log_err("accept: cannot arm the pause timer");
		return;
	}
	srv->accept_paused = true;
	listen_apply(srv);
	evtimer_add(srv->accept_timer, &tv);
}

void
listen_resume(struct server *srv)
{
	if (!srv->accept_paused)
		return;
	srv->accept_paused = false;
	if (srv->accept_timer != NULL)
		evtimer_del(srv->accept_timer);
	listen_apply(srv);
}

/* Fails if a live server answers on path; removes a stale socket. */
static int
listen_check_stale(const char *path, struct sockaddr_un *sun,
                   struct isms_err *err)
{
	struct stat sb;
	int fd;

	if (lstat(path, &sb) == -1)
		return errno == ENOENT
		           ? 0
		           : isms_err_set(err, ISMS_EINTERNAL, "%s: %s", path,
		                          strerror(errno));
	if (!S_ISSOCK(sb.st_mode))
		return isms_err_set(
		    err, ISMS_EEXIST,
		    "%s exists and is not a socket; not removing it", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return isms_err_set(err, ISMS_EINTERNAL, "socket: %s",
		                    strerror(errno));
	if (connect(fd, (struct sockaddr *)sun, sizeof *sun) == 0) {
		close(fd);
		return isms_err_set(err, ISMS_EEXIST,
		                    "another ismsd is already listening on %s",
		                    path);
	}
	close(fd);
	log_notice("removing stale socket %s", path);
	if (unlink(path) == -1 && errno != ENOENT)
		return isms_err_set(err, ISMS_EINTERNAL, "unlink %s: %s", path,
		                    strerror(errno));
	return 0;
}

/* Gives the socket its group, whose members may connect (0660). */
static int
listen_socket_group(const char *path, const char *group, struct isms_err *err)
{
	struct group gr, *res = NULL;
	char buf[4096], *end;
	unsigned long gid;

	if (group == NULL)
		return 0;
	if (getgrnam_r(group, &gr, buf, sizeof buf, &res) == 0 && res != NULL)
		gid = gr.gr_gid;
	else if ((gid = strtoul(group, &end, 10)),
	         *group == '\0' || *end != '\0')
		return isms_err_set(err, ISMS_EINVAL,
		                    "socket group '%s' does not exist", group);
	if (chown(path, (uid_t)-1, (gid_t)gid) == -1)
		return isms_err_set(err, ISMS_EINTERNAL,
		                    "chown %s to group %s: "
		                    "%s",
		                    path, group, strerror(errno));
	return 0;
}

/* Serves a Unix socket systemd passed (socket activation): its file,
 * mode and group are systemd's, and it stays when we stop. */
static int
listen_unix_adopt(struct server *srv, int fd, const char *path,
                  struct isms_err *err)
{
	struct listener *l = xcalloc(1, sizeof *l);

	l->srv = srv;
	if (evutil_make_socket_nonblocking(fd) == 0)
		l->lev = evconnlistener_new(
		    srv->base, listen_accept, l,
		    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, -1, fd);
	if (l->lev == NULL) {
		close(fd);
		free(l);
		return isms_err_set(err, ISMS_EINTERNAL, "listen %s: %s", path,
		                    strerror(errno));
	}
	evconnlistener_set_error_cb(l->lev, listen_error);
	TAILQ_INSERT_TAIL(&srv->listeners, l, entry);
	log_info("listening on unix:%s (socket-activated)", path);
	return 0;
}

static int
listen_unix(struct server *srv, const char *path, struct isms_err *err)
{
	struct sockaddr_un sun;
	struct listener *l;
	mode_t mask;
	int fd, rc;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path)
		return isms_err_set(err, ISMS_EINVAL,
		                    "socket path too long: %s", path);
	strcpy(sun.sun_path, path);
	if ((fd = activation_take_unix(path)) != -1)
		return listen_unix_adopt(srv, fd, path, err);
	if ((rc = listen_check_stale(path, &sun, err)) != 0)
		return rc;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	                 0)) == -1)
		return isms_err_set(err, ISMS_EINTERNAL, "socket: %s",
		                    strerror(errno));
	/* Never world-accessible, not even for an instant. */
	mask = umask(0117);
	rc = bind(fd, (struct sockaddr *)&sun, sizeof sun);
	umask(mask);
	if (rc == -1 || chmod(path, 0660) == -1) {
		rc = errno;
		close(fd);
		return isms_err_set(err, ISMS_EINTERNAL, "bind %s: %s", path,
		                    strerror(rc));
	}
	if ((rc = listen_socket_group(path, srv->cfg.socket_group, err)) != 0) {
		close(fd);
		unlink(path);
		return rc;
	}
	l = xcalloc(1, sizeof *l);
	l->srv = srv;
	l->path = xstrdup(path);
	l->lev = evconnlistener_new(
	    srv->base, listen_accept, l,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 128, fd);
	if (l->lev == NULL) {
		close(fd);
		unlink(path);
		free(l->path);
		free(l);
		return isms_err_set(err, ISMS_EINTERNAL, "listen %s: %s", path,
		                    strerror(errno));
	}
	evconnlistener_set_error_cb(l->lev, listen_error);
	TAILQ_INSERT_TAIL(&srv->listeners, l, entry);
	log_info("listening on unix:%s", path);
	return 0;
}

/* Whether sa is a loopback address (127.0.0.0/8 or ::1). */
static bool
listen_is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)
		                  ->sin_addr.s_addr) >>
		        24) == 127;
	if (sa->sa_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(
		    &((const struct sockaddr_in6 *)sa)->sin6_addr);
	return false;
}

/* The listener of TCP address ai: the socket systemd passed for it,
 * served as it is, else one bound here; NULL with errno on failure. */
static struct evconnlistener *
listen_tcp_open(struct listener *l, const struct addrinfo *ai)
{
	struct evconnlistener *lev = NULL;
	int fd, e;

	if ((fd = activation_take_addr(ai->ai_addr, ai->ai_addrlen)) == -1)
		return evconnlistener_new_bind(
		    l->srv->base, listen_accept, l,
		    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC |
		        LEV_OPT_REUSEABLE,
		    128, ai->ai_addr, (int)ai->ai_addrlen);
	if (evutil_make_socket_nonblocking(fd) == 0)
		lev = evconnlistener_new(
		    l->srv->base, listen_accept, l,
		    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, -1, fd);
	if (lev == NULL) {
		e = errno;
		close(fd);
		errno = e;
	}
	return lev;
}

/* Listens on HOST:PORT ([::1]:PORT for IPv6): TLS, or plain on loopback
 * when the insecure option says so. */
static int
listen_tcp(struct server *srv, const char *hostport, struct isms_err *err)
{
	struct addrinfo hints = {0}, *ai;
	char host[256], *port;
	struct listener *l;
	SSL_CTX *tls = NULL;
	int rc;

	snprintf(host, sizeof host, "%s", hostport);
	if ((port = strrchr(host, ':')) == NULL || port[1] == '\0')
		return isms_err_set(err, ISMS_EINVAL,
		                    "tcp://%s: expected tcp://HOST:PORT",
		                    hostport);
	*port++ = '\0';
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &ai)) != 0)
		return isms_err_set(err, ISMS_EINVAL, "tcp://%s: %s", hostport,
		                    gai_strerror(rc));
	if (srv->cfg.tls_cert != NULL || srv->cfg.tls_key != NULL) {
		if (srv->cfg.tls_cert == NULL || srv->cfg.tls_key == NULL)
			rc =
			    isms_err_set(err, ISMS_EINVAL,
			                 "TLS needs both tls-cert and tls-key");
		else if ((tls = tls_server_ctx(&srv->cfg, err)) == NULL)
			rc = -err->code;
	} else if (!srv->cfg.insecure)
		rc = isms_err_set(err, ISMS_EINVAL,
		                  "tcp://%s needs tls-cert and tls-key (plain "
		                  "TCP only with insecure, on loopback)",
		                  hostport);
	else if (!listen_is_loopback(ai->ai_addr))
		rc = isms_err_set(err, ISMS_EPERM,
		                  "tcp://%s: plain TCP is refused on a "
		                  "non-loopback address; configure TLS",
		                  hostport);
	else
		log_warn("tcp://%s: PLAIN TCP WITHOUT TLS (insecure, loopback "
		         "only): tokens cross it in the clear",
		         hostport);
	if (rc != 0) {
		freeaddrinfo(ai);
		return rc;
	}
	l = xcalloc(1, sizeof *l);
	l->srv = srv;
	l->tcp = true;
	l->tls = tls;
	l->lev = listen_tcp_open(l, ai);
	freeaddrinfo(ai);
	if (l->lev == NULL) {
		rc = isms_err_set(err, ISMS_EUNAVAIL, "listen tcp://%s: %s",
		                  hostport, strerror(errno));
		SSL_CTX_free(tls);
		free(l);
		return rc;
	}
	evconnlistener_set_error_cb(l->lev, listen_error);
	TAILQ_INSERT_TAIL(&srv->listeners, l, entry);
	log_info("listening on tcp://%s%s", hostport, tls ? " (TLS 1.3)" : "");
	return 0;
}

int
listen_add(struct server *srv, const char *endpoint, struct isms_err *err)
{
	if (strncmp(endpoint, "unix:", 5) == 0) {
		const char *path = endpoint + 5;

		/* unix:///abs and unix:/abs are the same absolute path. */
		if (strncmp(path, "//", 2) == 0)
			path += 2;
		return listen_unix(srv, path, err);
	}
	if (strncmp(endpoint, "tcp://", 6) == 0)
		return listen_tcp(srv, endpoint + 6, err);
	return isms_err_set(err, ISMS_EINVAL,
	                    "%s: an endpoint is unix:PATH or tcp://HOST:PORT",
	                    endpoint);
}

int
listen_add_activated(struct server *srv, struct isms_err *err)
{
	const char *name;
	char path[108];
	bool is_unix;
	int fd, rc;

	while ((fd = activation_take_next(&name, &is_unix, path,
	                                  sizeof path)) != -1) {
		if (!is_unix) {
			close(fd);
			return isms_err_set(
			    err, ISMS_EINVAL,
			    "socket-activated socket '%s' is not a Unix socket "
			    "and no listen tcp://HOST:PORT names its address "
			    "(that endpoint gives it its TLS settings)",
			    name);
		}
		if ((rc = listen_unix_adopt(srv, fd, path, err)) != 0)
			return rc;
	}
	return 0;
}

void
listen_close_all(struct server *srv)
{
	struct listener *l;

	while ((l = TAILQ_FIRST(&srv->listeners)) != NULL) {
		TAILQ_REMOVE(&srv->listeners, l, entry);
		evconnlistener_free(l->lev);
		if (l->path != NULL)
			unlink(l->path);
		SSL_CTX_free(l->tls);
		free(l->path);
		free(l);
	}
	if (srv->accept_timer != NULL)
		event_free(srv->accept_timer);
	srv->accept_timer = NULL;
	srv->accept_paused = false;
}

void
listen_pause(struct server *srv, bool tcp, bool pause)
{
	srv->pool_full[tcp] = pause;
	listen_apply(srv);
	if (!pause)
		log_info("accepting %s connections again",
		         tcp ? "TCP" : "Unix");
}
