/* daemon_fx.c: starting and stopping a real ismsd for tests. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon_fx.h"

static bool
daemon_fx_accepts(const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd, ok;

	if (strlen(path) >= sizeof sun.sun_path)
		return false;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return false;
	ok = connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0;
	close(fd);
	return ok;
}

void
daemon_fx_start(struct daemon_fx *fx)
{
	struct timespec ts = {0, 10 * 1000 * 1000};
	int i, status;

	if (fx->dir[0] == '\0') {
		strcpy(fx->dir, "/tmp/ismsd-it-XXXXXX");
		assert_non_null(mkdtemp(fx->dir));
		snprintf(fx->sock, sizeof fx->sock, "%s/ismsd.sock", fx->dir);
		snprintf(fx->endpoint, sizeof fx->endpoint, "unix://%s",
		         fx->sock);
	}
	if ((fx->pid = fork()) == 0) {
		char listen[200];
		const char *argv[64] = {"ismsd", "--data-dir",
		                        fx->dir, "--listen",
		                        listen,  "--foreground"};
		size_t n = 6, k;

		snprintf(listen, sizeof listen, "unix:%s", fx->sock);
		/* The daemon's log would drown the test output. */
		if (fx->quiet && freopen("/dev/null", "w", stderr) == NULL)
			_exit(126);
		if (fx->log_path != NULL &&
		    freopen(fx->log_path, "a", stderr) == NULL)
			_exit(126);
		if (fx->nofile_limit > 0) {
			struct rlimit rl = {fx->nofile_limit, fx->nofile_limit};

			/* The hard limit too: ismsd raises the soft one. */
			if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
				_exit(125);
		}
		if (fx->fsize_limit > 0) {
			struct rlimit rl = {fx->fsize_limit, fx->fsize_limit};

			/* Past the limit a write fails (EFBIG, or short). */
			signal(SIGXFSZ, SIG_IGN);
			if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
				_exit(125);
		}
		if (fx->extra_args != NULL)
			argv[n++] = fx->extra_args;
		for (k = 0; fx->argv_extra != NULL &&
		            fx->argv_extra[k] != NULL && n + 1 < 64;
		     k++)
			argv[n++] = fx->argv_extra[k];
		execv(ISMSD_BIN, (char *const *)argv);
		_exit(127);
	}
	assert_true(fx->pid > 0);
	for (i = 0; i < 1000; i++) {
		if (daemon_fx_accepts(fx->sock))
			return;
		if (waitpid(fx->pid, &status, WNOHANG) == fx->pid)
			fail_msg("ismsd exited at start (status %d)", status);
		nanosleep(&ts, NULL);
	}
	fail_msg("ismsd did not accept on %s within 10 s", fx->sock);
}

int
daemon_fx_stop(struct daemon_fx *fx, int sig)
{
	int status;

	if (fx->pid <= 0)
		return -1;
	kill(fx->pid, sig);
	while (waitpid(fx->pid, &status, 0) == -1 && errno == EINTR)
		;
	fx->pid = 0;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

void
daemon_fx_cleanup(struct daemon_fx *fx)
{
	char cmd[128];

	if (fx->pid > 0)
		daemon_fx_stop(fx, SIGKILL);
	if (fx->dir[0] != '\0') {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", fx->dir);
	}
}

int
daemon_fx_sh(struct daemon_fx *fx, char *out, size_t len, const char *fmt, ...)
{
	char cmd[4096], *script;
	va_list ap;
	FILE *p;
	size_t n = 0, r;
	int status;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	if (asprintf(&script,
	             "ISMS_ENDPOINT='%s' ISMSCTL='%s'; "
	             "export ISMS_ENDPOINT; %s",
	             fx->endpoint, ISMSCTL_BIN, cmd) == -1)
		fail();
	assert_non_null(p = popen(script, "r"));
	while (n + 1 < len && (r = fread(out + n, 1, len - 1 - n, p)) > 0)
		n += r;
	out[n] = '\0';
	/* Drain what did not fit so the child is not blocked. */
	while (fread(cmd, 1, sizeof cmd, p) > 0)
		;
	status = pclose(p);
	free(script);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A TCP port nothing listens on at addr (for now). */
int
daemon_fx_free_port(const char *addr)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	socklen_t len = sizeof sin;
	int fd, port;

	assert_int_equal(inet_pton(AF_INET, addr, &sin.sin_addr), 1);
	assert_true((fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

/* Waits until addr:port accepts (the Unix socket may come first). */
void
daemon_fx_wait_tcp(const char *addr, int port)
{
	struct timespec ts = {0, 10 * 1000 * 1000};
	struct sockaddr_in sin = {.sin_family = AF_INET};
	int i, fd, ok;

	sin.sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, addr, &sin.sin_addr);
	for (i = 0; i < 500; i++) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		ok = connect(fd, (struct sockaddr *)&sin, sizeof sin) == 0;
		close(fd);
		if (ok)
			return;
		nanosleep(&ts, NULL);
	}
	fail_msg("nothing accepts on %s:%d", addr, port);
}
