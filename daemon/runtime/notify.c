/* notify.c: sd_notify(3) in a few lines. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/event.h>

#include "notify.h"

static struct event *notify_wd_ev;

int
notify_send(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun;
	socklen_t len;
	int fd, rc;

	if (path == NULL || path[0] == '\0')
		return 0;
	if ((path[0] != '/' && path[0] != '@') ||
	    strlen(path) >= sizeof sun.sun_path)
		return -1;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	if (path[0] == '@')
		sun.sun_path[0] = '\0'; /* an abstract socket */
	len =
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	rc = sendto(fd, state, strlen(state), MSG_NOSIGNAL,
	            (struct sockaddr *)&sun, len) < 0
	         ? -1
	         : 0;
	close(fd);
	return rc;
}

uint64_t
notify_watchdog_usec(void)
{
	const char *s = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
	char *end;
	unsigned long long v;

	if (s == NULL)
		return 0;
	/* The watchdog may be meant for another process. */
	if (pid != NULL && strtol(pid, NULL, 10) != (long)getpid())
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	return errno == 0 && *end == '\0' ? v : 0;
}

static void
notify_watchdog_ping(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	notify_send("WATCHDOG=1");
}

int
notify_watchdog_start(struct event_base *base)
{
	uint64_t usec = notify_watchdog_usec() / 2;
	struct timeval tv;

	if (usec == 0)
		return 0;
	tv.tv_sec = (time_t)(usec / 1000000);
	tv.tv_usec = (suseconds_t)(usec % 1000000);
	notify_wd_ev =
	    event_new(base, -1, EV_PERSIST, notify_watchdog_ping, NULL);
	if (notify_wd_ev == NULL)
		return -1;
	evtimer_add(notify_wd_ev, &tv);
	return 0;
}

void
notify_watchdog_stop(void)
{
	if (notify_wd_ev != NULL)
		event_free(notify_wd_ev);
	notify_wd_ev = NULL;
}
