/*
 * gw_reports.c: GET /v1/reports/{name}?format=html|md|csv|json|xlsx, a
 * report exactly as `ismsctl report NAME -o FORMAT` makes it, because
 * ismsctl makes it: the gateway runs it as a child, on the gateway's own
 * endpoint, with the caller's secret in ISMS_TOKEN (never in argv, which
 * /proc shows to everyone), so ismsd's roles decide what it may read.
 *
 * The child's stdout is read into the reply by libevent, its stderr goes
 * to the log line by line. At most REPORTS_MAX run at once (429 past
 * it); one running longer than REPORTS_TIMEOUT_S is killed (504). The
 * reply is sent whole when the child has exited, so that a failed report
 * answers an error, not half a file. A child dies with the gateway
 * (PR_SET_PDEATHSIG) and is killed and reaped when the gateway stops.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/queue.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include "gw_ui.h"
#include "log.h"
#include "report_kinds.h"
#include "xmalloc.h"

#define REPORTS_MAX       2           /* children at once */
#define REPORTS_TIMEOUT_S 60          /* then killed: 504 */
#define REPORTS_BYTES     (256 << 20) /* largest report read */
#define REPORTS_ERRLINE   512         /* bytes of a stderr line logged */

/* The formats a browser may download, with their media type. */
static const struct {
	const char *name, *type;
} report_formats[] = {
    {"html", "text/html; charset=utf-8"},
    {"md", "text/markdown; charset=utf-8"},
    {"csv", "text/csv; charset=utf-8"},
    {"json", "application/json"},
    {"xlsx", "application/"
             "vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
};

#define REPORT_NFORMATS (sizeof report_formats / sizeof report_formats[0])

/* One report on its way: the child and the HTTP request it answers. */
struct report_job {
	struct gw *gw;
	struct evhttp_request *req; /* NULL once its connection closed */
	struct gw_conn *conn;
	char *token; /* until the child is started */
	const char *name;
	size_t fmt;
	pid_t pid;
	int out_fd, err_fd;
	struct event *out_ev, *err_ev, *timer;
	struct evbuffer *body;
	char errline[REPORTS_ERRLINE], lasterr[REPORTS_ERRLINE];
	size_t errlen;
	bool reaped, timed_out, too_big;
	int status;
	LIST_ENTRY(report_job) entry;
};

static LIST_HEAD(, report_job) report_jobs = LIST_HEAD_INITIALIZER(jobs);
static unsigned report_running; /* slots taken, from admission */
static struct event *report_sigchld;

/* Frees a job that has no child (any more) and gives its slot back. */
static void
job_free(void *arg)
{
	struct report_job *j = arg;

	if (j == NULL)
		return;
	if (j->token != NULL)
		explicit_bzero(j->token, strlen(j->token));
	free(j->token);
	if (j->out_ev != NULL)
		event_free(j->out_ev);
	if (j->err_ev != NULL)
		event_free(j->err_ev);
	if (j->timer != NULL)
		event_free(j->timer);
	if (j->out_fd >= 0)
		close(j->out_fd);
	if (j->err_fd >= 0)
		close(j->err_fd);
	if (j->body != NULL)
		evbuffer_free(j->body);
	report_running--;
	free(j);
}

/* Forgets the close callback of the job's HTTP connection. */
static void
job_unhook(struct report_job *j)
{
	struct gw_req tmp = {.conn = j->conn};

	if (j->req != NULL && j->conn != NULL)
		gw_conn_on_close(&tmp, NULL, NULL);
}

/* The answer: the report, or why there is none. */
static void
job_reply(struct report_job *j)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(j->req);
	char disp[160], day[16];
	time_t now = time(NULL);
	struct tm tm;
	int code;

	if (j->timed_out) {
		gw_reply_error(j->req, ISMS_ETIMEDOUT,
		               "the report took longer than %d s",
		               REPORTS_TIMEOUT_S);
		return;
	}
	if (j->too_big || !WIFEXITED(j->status) ||
	    WEXITSTATUS(j->status) != 0) {
		code = WIFEXITED(j->status) && WEXITSTATUS(j->status) == 3
		           ? ISMS_EUNAVAIL
		           : ISMS_EINTERNAL;
		gw_reply_error(j->req, code, "ismsctl report %s failed: %s",
		               j->name,
		               j->too_big      ? "the report is too large"
		               : j->lasterr[0] ? j->lasterr
		                               : "no message");
		return;
	}
	gmtime_r(&now, &tm);
	strftime(day, sizeof day, "%Y-%m-%d", &tm);
	snprintf(disp, sizeof disp, "attachment; filename=\"%s-%s.%s\"",
	         j->name, day, report_formats[j->fmt].name);
	evhttp_add_header(h, "Content-Type", report_formats[j->fmt].type);
	evhttp_add_header(h, "Content-Disposition", disp);
	evhttp_send_reply(j->req, 200, "OK", j->body);
}

/* Ends the job once the child is reaped and both pipes are at end. */
static void
job_maybe_end(struct report_job *j)
{
	if (!j->reaped || j->out_fd >= 0 || j->err_fd >= 0)
		return;
	LIST_REMOVE(j, entry);
	if (j->req != NULL) {
		job_unhook(j);
		job_reply(j);
	}
	job_free(j);
}

/* Kills the child (once). */
static void
job_kill(struct report_job *j)
{
	if (!j->reaped && j->pid > 0)
		kill(j->pid, SIGKILL);
}

/* Closes one of the pipes (its end reached). */
static void
job_close(struct report_job *j, bool out)
{
	struct event **ev = out ? &j->out_ev : &j->err_ev;
	int *fd = out ? &j->out_fd : &j->err_fd;

	event_free(*ev);
	*ev = NULL;
	close(*fd);
	*fd = -1;
}

/* The child's stdout: into the body. */
static void
job_out(evutil_socket_t fd, short what, void *arg)
{
	struct report_job *j = arg;
	int n;

	(void)what;
	while ((n = evbuffer_read(j->body, fd, 65536)) > 0)
		if (evbuffer_get_length(j->body) > REPORTS_BYTES) {
			j->too_big = true;
			job_kill(j);
			break;
		}
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR) ||
	    j->too_big) {
		job_close(j, true);
		job_maybe_end(j);
	}
}

/* Logs the line gathered so far (the last one is kept for the reply). */
static void
job_errline(struct report_job *j)
{
	j->errline[j->errlen] = '\0';
	if (j->errlen > 0) {
		log_warn("report %s: %s", j->name, j->errline);
		memcpy(j->lasterr, j->errline, j->errlen + 1);
	}
	j->errlen = 0;
}

/* The child's stderr: to the log, a line at a time. */
static void
job_err(evutil_socket_t fd, short what, void *arg)
{
	struct report_job *j = arg;
	char buf[1024];
	ssize_t n, i;

	(void)what;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		for (i = 0; i < n; i++) {
			if (buf[i] == '\n' ||
			    j->errlen == sizeof j->errline - 1)
				job_errline(j);
			if (buf[i] != '\n')
				j->errline[j->errlen++] = buf[i];
		}
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		job_errline(j);
		job_close(j, false);
		job_maybe_end(j);
	}
}

/* The deadline: the child is killed. */
static void
job_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct report_job *j = arg;

	(void)fd;
	(void)what;
	log_warn("report %s: killed after %d s", j->name, REPORTS_TIMEOUT_S);
	j->timed_out = true;
	job_kill(j);
}

/* SIGCHLD: reaps the children that exited. */
static void
reports_sigchld(evutil_socket_t sig, short what, void *arg)
{
	struct report_job *j, *next;

	(void)sig;
	(void)what;
	(void)arg;
	for (j = LIST_FIRST(&report_jobs); j != NULL; j = next) {
		next = LIST_NEXT(j, entry);
		if (!j->reaped &&
		    waitpid(j->pid, &j->status, WNOHANG) == j->pid) {
			j->reaped = true;
			job_maybe_end(j);
		}
	}
}

/* The HTTP connection closed before the answer: nobody to answer. */
static void
job_conn_closed(void *arg)
{
	struct report_job *j = arg;

	j->req = NULL;
	job_kill(j);
}

/* The ismsctl to run: --ismsctl, else the one beside this executable,
 * else the one on PATH. */
static const char *
report_ismsctl(const struct gw *gw, char *buf, size_t len)
{
	char self[4096];
	ssize_t n;
	char *slash;

	if (gw->cfg.ismsctl != NULL)
		return gw->cfg.ismsctl;
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			snprintf(buf, len, "%s/ismsctl", self);
			if (access(buf, X_OK) == 0)
				return buf;
		}
	}
	return "ismsctl";
}

/* In the child: the pipes as stdout and stderr, then ismsctl. */
static void __attribute__((noreturn))
job_exec(struct report_job *j, const char *path, int out, int err, pid_t parent)
{
	char *argv[] = {(char *)path,
	                "--endpoint",
	                j->gw->cfg.endpoint,
	                "report",
	                (char *)j->name,
	                "-o",
	                (char *)report_formats[j->fmt].name,
	                NULL};
	char *envp[5], *tz = getenv("TZ"), *pathenv = getenv("PATH");
	sigset_t none;
	int n = 0, dn;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if ((dn = open("/dev/null", O_RDONLY)) >= 0)
		dup2(dn, 0);
	dup2(out, 1);
	dup2(err, 2);
	close_range(3, ~0U, 0);
	envp[n++] = xasprintf("ISMS_TOKEN=%s", j->token);
	envp[n++] =
	    xasprintf("PATH=%s", pathenv != NULL ? pathenv : "/usr/bin:/bin");
	envp[n++] = (char *)"NO_COLOR=1";
	if (tz != NULL)
		envp[n++] = xasprintf("TZ=%s", tz);
	envp[n] = NULL;
	execvpe(path, argv, envp);
	fprintf(stderr, "ismsctl: cannot run %s: %s\n", path, strerror(errno));
	_exit(127);
}

/* Starts the child; false (with the reason logged) when it could not. */
static bool
job_start(struct report_job *j)
{
	struct event_base *base = j->gw->base;
	int out[2], err[2];
	char buf[4200];
	const char *path = report_ismsctl(j->gw, buf, sizeof buf);
	pid_t parent = getpid();
	struct timeval tv = {REPORTS_TIMEOUT_S, 0};

	if (pipe2(out, O_CLOEXEC) != 0)
		return false;
	if (pipe2(err, O_CLOEXEC) != 0) {
		close(out[0]);
		close(out[1]);
		return false;
	}
	if ((j->pid = fork()) == 0)
		job_exec(j, path, out[1], err[1], parent);
	close(out[1]);
	close(err[1]);
	explicit_bzero(j->token, strlen(j->token));
	j->out_fd = out[0];
	j->err_fd = err[0];
	if (j->pid < 0) {
		log_err("report %s: fork: %s", j->name, strerror(errno));
		return false;
	}
	evutil_make_socket_nonblocking(j->out_fd);
	evutil_make_socket_nonblocking(j->err_fd);
	j->body = evbuffer_new();
	j->out_ev =
	    event_new(base, j->out_fd, EV_READ | EV_PERSIST, job_out, j);
	j->err_ev =
	    event_new(base, j->err_fd, EV_READ | EV_PERSIST, job_err, j);
	j->timer = evtimer_new(base, job_timeout, j);
	event_add(j->out_ev, NULL);
	event_add(j->err_ev, NULL);
	evtimer_add(j->timer, &tv);
	log_info("report %s -o %s: pid %d", j->name,
	         report_formats[j->fmt].name, (int)j->pid);
	return true;
}

/* The caller's hello was good: the child runs for them. */
static int
report_hello_done(struct gw_req *r, const Isms__V1__Reply *reply)
{
	struct report_job *j = r->ctx;

	(void)reply;
	if (report_sigchld == NULL) {
		report_sigchld =
		    evsignal_new(r->gw->base, SIGCHLD, reports_sigchld, NULL);
		event_add(report_sigchld, NULL);
	}
	j->token = xstrdup(r->token);
	if (!job_start(j)) {
		gw_reply_error(r->req, ISMS_EUNAVAIL,
		               "cannot start ismsctl for the report");
		return 0; /* r frees j */
	}
	/* From here the job answers the request, and outlives r. */
	r->ctx = NULL;
	r->ctx_free = NULL;
	j->req = r->req;
	j->conn = r->conn;
	gw_conn_on_close(r, job_conn_closed, j);
	LIST_INSERT_HEAD(&report_jobs, j, entry);
	return 0;
}

void
gw_ui_report(struct gw_req *r)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Hello hello = ISMS__V1__HELLO__INIT;
	const char *fmt = gw_query(r, "format");
	const struct report_kind *kind = report_kind_find(r->id);
	struct report_job *j;
	size_t i;

	for (i = 0; i < REPORT_NFORMATS; i++)
		if (strcmp(report_formats[i].name,
		           fmt != NULL ? fmt : "html") == 0)
			break;
	if (kind == NULL) {
		gw_reply_error(
		    r->req, ISMS_ENOTFOUND,
		    "no report called %s (soa, risks, treatment, gap, "
		    "review, audits, incidents)",
		    r->id);
	} else if (i == REPORT_NFORMATS) {
		gw_reply_error(r->req, ISMS_EINVAL,
		               "format: html, md, csv, json or xlsx");
	} else if (report_running >= REPORTS_MAX) {
		evhttp_add_header(evhttp_request_get_output_headers(r->req),
		                  "Retry-After", "5");
		gw_reply_error(r->req, ISMS_EEXHAUSTED,
		               "%d reports are being made; retry in a few "
		               "seconds",
		               REPORTS_MAX);
	} else {
		j = xcalloc(1, sizeof *j);
		j->gw = r->gw;
		j->name = kind->name;
		j->fmt = i;
		j->out_fd = j->err_fd = -1;
		report_running++;
		r->ctx = j;
		r->ctx_free = job_free;
		/* Who the caller is, checked before a child is made. */
		req.call_case = ISMS__V1__REQUEST__CALL_HELLO;
		req.hello = &hello;
		gw_rpc(r, &req, report_hello_done);
		return;
	}
	gw_req_free(r);
}

void
gw_reports_stop(void)
{
	struct report_job *j;

	while ((j = LIST_FIRST(&report_jobs)) != NULL) {
		LIST_REMOVE(j, entry);
		if (!j->reaped) {
			kill(j->pid, SIGKILL);
			while (waitpid(j->pid, &j->status, 0) < 0 &&
			       errno == EINTR)
				;
		}
		if (j->req != NULL) {
			job_unhook(j);
			gw_reply_error(j->req, ISMS_EUNAVAIL,
			               "the gateway is stopping");
		}
		job_free(j);
	}
	if (report_sigchld != NULL)
		event_free(report_sigchld);
	report_sigchld = NULL;
}
