/* activation.c: sd_listen_fds(3) in a few lines. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "activation.h"

#define ACT_FD_START 3 /* SD_LISTEN_FDS_START */
#define ACT_MAX      16

static struct {
	int fd;        /* -1 once taken */
	char name[64]; /* LISTEN_FDNAMES, or "unknown" */
} act[ACT_MAX];
static int act_n = -1;

/* A whole non-negative decimal, else -1. */
static long
act_number(const char *s)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	return errno != 0 || *end != '\0' || v < 0 ? -1 : v;
}

/* Copies the i-th colon-separated name of names (or "unknown"). */
static void
act_name(const char *names, int i, char *out, size_t len)
{
	const char *p = names, *end;

	snprintf(out, len, "unknown");
	while (p != NULL && i-- > 0)
		if ((p = strchr(p, ':')) != NULL)
			p++;
	if (p == NULL || *p == '\0' || *p == ':')
		return;
	end = strchr(p, ':');
	snprintf(out, len, "%.*s", (int)(end ? end - p : (long)strlen(p)), p);
}

int
activation_init(void)
{
	const char *names = getenv("LISTEN_FDNAMES");
	long pid = act_number(getenv("LISTEN_PID"));
	long n = act_number(getenv("LISTEN_FDS"));
	int i;

	if (act_n >= 0)
		return act_n;
	act_n = 0;
	if (pid == (long)getpid() && n > 0)
		for (i = 0; i < n && i < ACT_MAX; i++) {
			act[i].fd = ACT_FD_START + i;
			(void)fcntl(act[i].fd, F_SETFD, FD_CLOEXEC);
			act_name(names, i, act[i].name, sizeof act[i].name);
			act_n++;
		}
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return act_n;
}

int
activation_left(void)
{
	int i, left = 0;

	for (i = 0; i < act_n; i++)
		left += act[i].fd != -1;
	return left;
}

/* Takes slot i: its descriptor, now the caller's. */
static int
act_take(int i)
{
	int fd = act[i].fd;

	act[i].fd = -1;
	return fd;
}

int
activation_take_addr(const struct sockaddr *sa, socklen_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int i;

	for (i = 0; i < act_n; i++) {
		sl = sizeof ss;
		if (act[i].fd == -1 ||
		    getsockname(act[i].fd, (struct sockaddr *)&ss, &sl) == -1)
			continue;
		if (sl == len && memcmp(&ss, sa, len) == 0)
			return act_take(i);
	}
	return -1;
}

int
activation_take_unix(const char *path)
{
	struct sockaddr_un sun;
	socklen_t sl;
	int i;

	for (i = 0; i < act_n; i++) {
		sl = sizeof sun;
		memset(&sun, 0, sizeof sun);
		if (act[i].fd == -1 ||
		    getsockname(act[i].fd, (struct sockaddr *)&sun, &sl) ==
		        -1 ||
		    sun.sun_family != AF_UNIX)
			continue;
		if (strncmp(sun.sun_path, path, sizeof sun.sun_path) == 0)
			return act_take(i);
	}
	return -1;
}

int
activation_take_next(const char **name, bool *is_unix, char *path,
                     size_t pathlen)
{
	struct sockaddr_un sun;
	socklen_t sl = sizeof sun;
	int i;

	for (i = 0; i < act_n; i++) {
		if (act[i].fd == -1)
			continue;
		memset(&sun, 0, sizeof sun);
		*is_unix =
		    getsockname(act[i].fd, (struct sockaddr *)&sun, &sl) == 0 &&
		    sun.sun_family == AF_UNIX;
		snprintf(path, pathlen, "%.*s",
		         *is_unix ? (int)sizeof sun.sun_path : 0, sun.sun_path);
		*name = act[i].name;
		return act_take(i);
	}
	return -1;
}
