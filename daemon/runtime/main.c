/* main.c: ismsd start-up, the loop, and a clean stop. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/thread.h>

#include "activation.h"
#include "config.h"
#include "conn.h"
#include "notify.h"
#include "restore.h"
#include "listen.h"
#include "log.h"
#include "server.h"
#include "store.h"
#include "xmalloc.h"

static void
server_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	log_info("received %s", strsignal((int)sig));
	server_shutdown(arg);
}

/* Raises the open-file limit to its hard limit: one fd per connection. */
static void
raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		log_warn("cannot raise the open-file limit: %s",
		         strerror(errno));
}

/* Takes the data dir's lock: one ismsd per data dir. */
static int
lock_data_dir(const char *dir)
{
	char *path = xasprintf("%s/ismsd.lock", dir);
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1) {
		log_err("%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		log_err("another ismsd is using the data directory %s", dir);
		close(fd);
		free(path);
		return -1;
	}
	free(path);
	return fd;
}

/* Detaches; the parent exits 0 once the child reports it is ready. */
static int
detach(int *ready_fd)
{
	int p[2];
	char c;
	pid_t pid;

	if (pipe(p) == -1)
		return -1;
	if ((pid = fork()) == -1)
		return -1;
	if (pid > 0) {
		close(p[1]);
		_exit(read(p[0], &c, 1) == 1 ? 0 : 1);
	}
	close(p[0]);
	setsid();
	*ready_fd = p[1];
	return 0;
}

/* Frees the stop signals' events (either may be NULL). */
static void
signals_free(struct server *srv)
{
	if (srv->sig_term != NULL)
		event_free(srv->sig_term);
	if (srv->sig_int != NULL)
		event_free(srv->sig_int);
	srv->sig_term = srv->sig_int = NULL;
}

/* Prepares the process and its data dir: logging, signals, the absolute
 * data dir (in srv->cfg and *abs_dir, the caller's to free), its lock,
 * detaching. 0 to go on, else the exit status. */
static int
main_prepare(struct server *srv, char **abs_dir, int *lockfd, int *ready_fd)
{
	log_init("ismsd", srv->cfg.verbose ? LOG_PRI_DEBUG : LOG_PRI_INFO);
	if (srv->cfg.clock_offset != 0) {
		server_set_clock_offset(srv->cfg.clock_offset);
		log_warn("TEST ONLY: the clock is shifted by %lld s",
		         (long long)srv->cfg.clock_offset);
	}
	signal(SIGPIPE, SIG_IGN);
	/* A file size limit (RLIMIT_FSIZE) makes a write fail with EFBIG,
	 * refused as RESOURCE_EXHAUSTED, rather than kill the daemon. */
	signal(SIGXFSZ, SIG_IGN);
	raise_nofile();

	if (mkdir(srv->cfg.data_dir, 0700) == -1 && errno != EEXIST) {
		log_err("mkdir %s: %s", srv->cfg.data_dir, strerror(errno));
		return 1;
	}
	if ((*abs_dir = realpath(srv->cfg.data_dir, NULL)) == NULL) {
		log_err("%s: %s", srv->cfg.data_dir, strerror(errno));
		return 1;
	}
	srv->cfg.data_dir = *abs_dir;
	if ((*lockfd = lock_data_dir(*abs_dir)) == -1)
		return 1;
	if (!srv->cfg.foreground && detach(ready_fd) == -1) {
		log_err("cannot detach: %s", strerror(errno));
		return 1;
	}
	return 0;
}

/* Opens the server, watches the stop signals and listens: 0, or -1
 * (logged) with everything closed again. */
static int
main_start(struct server *srv)
{
	struct isms_err err;
	int i;

	evthread_use_pthreads();
	if ((srv->base = event_base_new()) == NULL)
		fatalx("cannot create the event base");
	if (server_open(srv, &err) != 0) {
		log_err("%s", err.msg);
		return -1;
	}
	/* Before the first listener: a client that sees the socket may
	 * stop us at once, and must find a clean stop. */
	srv->sig_term = evsignal_new(srv->base, SIGTERM, server_signal, srv);
	srv->sig_int = evsignal_new(srv->base, SIGINT, server_signal, srv);
	if (srv->sig_term == NULL || srv->sig_int == NULL ||
	    evsignal_add(srv->sig_term, NULL) != 0 ||
	    evsignal_add(srv->sig_int, NULL) != 0) {
		log_err("cannot watch SIGTERM and SIGINT");
		goto fail;
	}
	/* Socket-activated, the default endpoint is systemd's socket. */
	for (i = 0; i < srv->cfg.nlisten; i++) {
		if (activation_init() > 0 && srv->cfg.listen_default)
			break;
		if (listen_add(srv, srv->cfg.listen[i], &err) != 0) {
			log_err("%s", err.msg);
			goto fail;
		}
	}
	if (listen_add_activated(srv, &err) != 0) {
		log_err("%s", err.msg);
		goto fail;
	}
	if (notify_watchdog_start(srv->base) != 0) {
		log_err("cannot arm the systemd watchdog's pings");
		goto fail;
	}
	return 0;
fail:
	listen_close_all(srv);
	signals_free(srv);
	server_close(srv);
	return -1;
}

/* After the loop: cuts what is left and closes everything. */
static void
main_stop(struct server *srv)
{
	if (!srv->stopping)
		server_shutdown(srv);
	/* Connections still open after the grace period are cut. */
	while (!TAILQ_EMPTY(&srv->conns)) {
		conn_abort(TAILQ_FIRST(&srv->conns));
	}
	/* A bufferevent freed while its deferred callbacks were queued (a
	 * peer closed just as we stopped) goes only once they have run. */
	event_base_loop(srv->base, EVLOOP_NONBLOCK);
	notify_watchdog_stop();
	if (srv->stop_timer != NULL)
		event_free(srv->stop_timer);
	signals_free(srv);
	server_close(srv);
	event_base_free(srv->base);
}

int
main(int argc, char **argv)
{
	struct server srv;
	int rc, lockfd = -1, ready_fd = -1;
	char *abs_dir = NULL;

	memset(&srv, 0, sizeof srv);
	switch (config_load(&srv.cfg, argc, argv)) {
	case CONFIG_RUN:
		break;
	case CONFIG_EXIT_OK:
		return 0;
	default:
		return 2;
	}
	if (srv.cfg.restore != NULL) {
		log_init("ismsd", LOG_PRI_INFO);
		rc = restore_run(srv.cfg.restore, srv.cfg.data_dir,
		                 srv.cfg.mapsize);
		config_free();
		return rc;
	}
	/* Before a fork to the background changes our pid. */
	(void)activation_init();
	if ((rc = main_prepare(&srv, &abs_dir, &lockfd, &ready_fd)) != 0)
		return rc;
	if (main_start(&srv) != 0)
		return 1;
	log_info("ismsd %s ready: data in %s", ISMS_VERSION, abs_dir);
	notify_send("READY=1\nSTATUS=serving");
	if (ready_fd != -1) {
		if (write(ready_fd, "r", 1) != 1)
			log_warn("cannot tell the parent we are ready");
		close(ready_fd);
	}

	server_run(&srv);

	main_stop(&srv);
	close(lockfd);
	log_info("stopped");
	free(abs_dir);
	config_free();
	return 0;
}
