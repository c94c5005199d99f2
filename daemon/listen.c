/* listen.c: Unix socket listeners. */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/listener.h>

#include "conn.h"
#include "listen.h"
#include "log.h"
#include "server.h"
#include "xmalloc.h"

struct listener {
	TAILQ_ENTRY(listener) entry;
	struct evconnlistener *lev;
	char *path;
};

static void
listen_accept(struct evconnlistener *lev, evutil_socket_t fd,
              struct sockaddr *sa, int salen, void *arg)
{
	struct server *srv = arg;

	(void)lev;
	(void)sa;
	(void)salen;
	if (srv->stopping) {
		evutil_closesocket(fd);
		return;
	}
	conn_new(srv, fd);
}

static void
listen_error(struct evconnlistener *lev, void *arg)
{
	(void)lev;
	(void)arg;
	/* EMFILE and friends: the listener stays; log and go on. */
	log_warn("accept: %s", strerror(errno));
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
listen_socket_group(const char *path, const char *group,
                    struct isms_err *err)
{
	struct group gr, *res = NULL;
	char buf[4096], *end;
	unsigned long gid;

	if (group == NULL)
		return 0;
	if (getgrnam_r(group, &gr, buf, sizeof buf, &res) == 0 && res != NULL)
		gid = gr.gr_gid;
	else if ((gid = strtoul(group, &end, 10)), *group == '\0' ||
	         *end != '\0')
		return isms_err_set(err, ISMS_EINVAL,
		                    "socket group '%s' does not exist", group);
	if (chown(path, (uid_t)-1, (gid_t)gid) == -1)
		return isms_err_set(err, ISMS_EINTERNAL, "chown %s to group %s: "
		                    "%s", path, group, strerror(errno));
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
	l->path = xstrdup(path);
	l->lev = evconnlistener_new(
	    srv->base, listen_accept, srv,
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
		return isms_err_set(
		    err, ISMS_EUNIMPL,
		    "%s: TCP needs TLS, which this build does not have yet",
		    endpoint);
	return isms_err_set(err, ISMS_EINVAL, "%s: an endpoint is unix:PATH",
	                    endpoint);
}

void
listen_close_all(struct server *srv)
{
	struct listener *l;

	while ((l = TAILQ_FIRST(&srv->listeners)) != NULL) {
		TAILQ_REMOVE(&srv->listeners, l, entry);
		evconnlistener_free(l->lev);
		unlink(l->path);
		free(l->path);
		free(l);
	}
}

void
listen_pause(struct server *srv, bool pause)
{
	struct listener *l;

	TAILQ_FOREACH(l, &srv->listeners, entry) {
		if (pause)
			evconnlistener_disable(l->lev);
		else
			evconnlistener_enable(l->lev);
	}
	if (!pause)
		log_info("accepting connections again");
}
