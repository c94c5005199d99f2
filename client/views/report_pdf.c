/*
 * report_pdf.c: printing a report's HTML with headless Chromium
 * (report_pdf.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "report_html.h"
#include "report_pdf.h"
#include "xmalloc.h"

#define PDF_POLL_NS 20000000L /* 20 ms between looks at the child */

/* What Chromium is looked up as on PATH, in order (Debian: chromium). */
static const char *const pdf_names[] = {"chromium", "chromium-browser"};

/*
 * Flags besides the output: headless printing without the sandbox (it
 * needs user namespaces a container or root may not have), a GPU, Chrome's
 * own header and footer (the HTML's @page rules draw ours), or the first
 * run's and the background services' work.
 */
static const char *const pdf_flags[] = {
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-pdf-header-footer",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--mute-audio",
};

#define PDF_NFLAGS (sizeof pdf_flags / sizeof pdf_flags[0])

static const char *pdf_chromium;

void
report_pdf_chromium(const char *path)
{
	pdf_chromium = path;
}

/* The executable for name (a path, or looked up on PATH), or NULL. */
static char *
pdf_find(const char *name)
{
	const char *path = getenv("PATH"), *p, *end;
	char *cand;

	if (strchr(name, '/'))
		return access(name, X_OK) == 0 ? xstrdup(name) : NULL;
	for (p = path ? path : "/usr/bin:/bin"; *p; p = *end ? end + 1 : end) {
		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		cand = xasprintf("%.*s/%s", (int)(end - p), end == p ? "." : p,
		                 name);
		if (access(cand, X_OK) == 0)
			return cand;
		free(cand);
	}
	return NULL;
}

/* The Chromium to run, or NULL with a message saying how to get one. */
static char *
pdf_chromium_path(char *err, size_t errlen)
{
	const char *named =
	    pdf_chromium ? pdf_chromium : getenv("ISMS_CHROMIUM");
	char *exe;
	size_t i;

	if (named && *named) {
		exe = pdf_find(named);
		if (!exe)
			snprintf(err, errlen,
			         "pdf: chromium %s not found or not executable",
			         named);
		return exe;
	}
	for (i = 0; i < sizeof pdf_names / sizeof pdf_names[0]; i++)
		if ((exe = pdf_find(pdf_names[i])))
			return exe;
	snprintf(err, errlen,
	         "pdf: chromium not found on PATH: install it (Debian: "
	         "apt-get install chromium) or name it with --chromium PATH "
	         "or ISMS_CHROMIUM");
	return NULL;
}

/* The seconds Chromium may take: $ISMS_CHROMIUM_TIMEOUT or the default. */
static long
pdf_timeout(void)
{
	const char *s = getenv("ISMS_CHROMIUM_TIMEOUT");
	char *end;
	long v;

	if (!s || !*s)
		return REPORT_PDF_TIMEOUT;
	v = strtol(s, &end, 10);
	return *end || v <= 0 ? REPORT_PDF_TIMEOUT : v;
}

/* Writes path as a file:// URL, every byte but unreserved ones %-encoded. */
static char *
pdf_url(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	char *url = xmalloc(7 + 3 * strlen(path) + 1), *o;
	const unsigned char *p;

	o = url + sprintf(url, "file://");
	for (p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/-._~", *p)) {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = '\0';
	return url;
}

/*
 * The environment for Chromium: ours with HOME and the XDG dirs moved
 * into dir, since it writes there beside its profile. Built before the
 * fork, so the child only calls async-signal-safe functions.
 */
static char **
pdf_env(const char *dir)
{
	static const char *const moved[] = {
	    "HOME=", "XDG_CONFIG_HOME=", "XDG_CACHE_HOME="};
	extern char **environ;
	size_t n = 0, i, k;
	char **env;

	for (i = 0; environ[i]; i++)
		;
	env = xcalloc(i + 4, sizeof *env);
	for (i = 0; environ[i]; i++) {
		for (k = 0; k < 3; k++)
			if (strncmp(environ[i], moved[k], strlen(moved[k])) ==
			    0)
				break;
		if (k == 3)
			env[n++] = xstrdup(environ[i]);
	}
	for (k = 0; k < 3; k++)
		env[n++] = xasprintf("%s%s", moved[k], dir);
	env[n] = NULL;
	return env;
}

static void
pdf_env_free(char **env)
{
	size_t i;

	for (i = 0; env[i]; i++)
		free(env[i]);
	free(env);
}

/* In the child: output to the log, its own process group, then exec. */
static void
pdf_exec(const char *log, char *const argv[], char *const env[])
{
	int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	int null = open("/dev/null", O_RDONLY);

	setpgid(0, 0);
	if (fd < 0 || null < 0 || dup2(null, 0) < 0 || dup2(fd, 1) < 0 ||
	    dup2(fd, 2) < 0)
		_exit(126);
	execve(argv[0], argv, env);
	_exit(127);
}

/*
 * Waits for the child until the deadline. Its exit is seen without
 * reaping it (WNOWAIT), so its process group cannot be reused while the
 * rest of the group (renderers, zygotes) is killed; then it is reaped.
 * Returns the wait status, or -1 when it was killed for taking too long.
 */
static int
pdf_wait(pid_t pid, long seconds)
{
	struct timespec now, end, nap = {0, PDF_POLL_NS};
	siginfo_t si;
	bool done = false;
	int status = -1;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += seconds;
	for (;;) {
		memset(&si, 0, sizeof si);
		if (waitid(P_PID, (id_t)pid, &si,
		           WEXITED | WNOHANG | WNOWAIT) == 0 &&
		    si.si_pid == pid) {
			done = true;
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > end.tv_sec ||
		    (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec))
			break;
		nanosleep(&nap, NULL);
	}
	kill(-pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return done ? status : -1;
}

/* The last line of Chromium's log that says something, for an error. */
static void
pdf_log_tail(const char *dir, char *buf, size_t len)
{
	char *log = xasprintf("%s/chromium.log", dir), line[512];
	FILE *f = fopen(log, "r");
	size_t k;

	buf[0] = '\0';
	free(log);
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		/* No system bus in a container: noise, not the cause. */
		if (*line && !strstr(line, "dbus")) {
			k = strlen(line) < len ? strlen(line) : len - 1;
			memcpy(buf, line, k);
			buf[k] = '\0';
		}
	}
	fclose(f);
}

/* Runs Chromium on dir/report.html, printing to dir/report.pdf. */
static int
pdf_run(const char *exe, const char *dir, char *err, size_t errlen)
{
	char *argv[PDF_NFLAGS + 5], *html = xasprintf("%s/report.html", dir);
	char *log = xasprintf("%s/chromium.log", dir), **env = pdf_env(dir);
	char tail[256];
	long secs = pdf_timeout();
	size_t i, n = 0;
	int status, rc = -1;
	pid_t pid;

	argv[n++] = (char *)exe;
	for (i = 0; i < PDF_NFLAGS; i++)
		argv[n++] = (char *)pdf_flags[i];
	argv[n++] = xasprintf("--user-data-dir=%s/profile", dir);
	argv[n++] = xasprintf("--print-to-pdf=%s/report.pdf", dir);
	argv[n++] = pdf_url(html);
	argv[n] = NULL;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "pdf: fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0)
		pdf_exec(log, argv, env);
	status = pdf_wait(pid, secs);
	pdf_log_tail(dir, tail, sizeof tail);
	if (status == -1)
		snprintf(err, errlen,
		         "pdf: %s did not finish within %ld s and was killed",
		         exe, secs);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		snprintf(err, errlen, "pdf: cannot run %s", exe);
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		snprintf(err, errlen, "pdf: %s failed (%s %d)%s%s", exe,
		         WIFEXITED(status) ? "exit" : "signal",
		         WIFEXITED(status) ? WEXITSTATUS(status)
		                           : WTERMSIG(status),
		         *tail ? ": " : "", tail);
	else
		rc = 0;
out:
	for (i = PDF_NFLAGS + 1; i < n; i++)
		free(argv[i]);
	pdf_env_free(env);
	free(log);
	free(html);
	return rc;
}

/* Copies dir/report.pdf onto out, checking that it is a PDF. */
static int
pdf_copy(const char *dir, FILE *out, char *err, size_t errlen)
{
	char *path = xasprintf("%s/report.pdf", dir), buf[65536];
	FILE *in = fopen(path, "rb");
	size_t n, total = 0;
	int rc = 0;

	free(path);
	if (!in) {
		snprintf(err, errlen, "pdf: chromium exited but wrote no PDF");
		return -1;
	}
	while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
		if (total == 0 && (n < 5 || memcmp(buf, "%PDF-", 5) != 0)) {
			snprintf(err, errlen, "pdf: chromium wrote no PDF");
			fclose(in);
			return -1;
		}
		total += n;
		if (fwrite(buf, 1, n, out) != n)
			rc = -1;
	}
	if (ferror(in) || fflush(out) != 0 || ferror(out))
		rc = -1;
	fclose(in);
	if (rc)
		snprintf(err, errlen, "pdf: write error");
	else if (total == 0)
		snprintf(err, errlen, "pdf: chromium wrote an empty PDF");
	return total ? rc : -1;
}

static int
pdf_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* Writes the report's HTML into dir/report.html. */
static int
pdf_write_html(const char *dir, const struct report *r, char *err,
               size_t errlen)
{
	char *path = xasprintf("%s/report.html", dir);
	FILE *f = fopen(path, "w");
	int rc = -1;

	if (!f)
		snprintf(err, errlen, "pdf: %s: %s", path, strerror(errno));
	else if ((rc = report_render_html(f, r, err, errlen)) != 0)
		fclose(f);
	else if (fclose(f) != 0) {
		snprintf(err, errlen, "pdf: %s: write error", path);
		rc = -1;
	}
	free(path);
	return rc;
}

int
report_render_pdf(FILE *out, const struct report *r, char *err, size_t errlen)
{
	const char *env = getenv("TMPDIR");
	char *exe, *dir;
	int rc = -1;

	exe = pdf_chromium_path(err, errlen);
	if (!exe)
		return -1;
	dir = xasprintf("%s/ismsctl-pdf-XXXXXX", env && *env ? env : "/tmp");
	if (!mkdtemp(dir)) {
		snprintf(err, errlen, "pdf: cannot make a directory %s: %s",
		         dir, strerror(errno));
		goto out;
	}
	if (pdf_write_html(dir, r, err, errlen) == 0 &&
	    pdf_run(exe, dir, err, errlen) == 0)
		rc = pdf_copy(dir, out, err, errlen);
	nftw(dir, pdf_rm, 16, FTW_DEPTH | FTW_PHYS);
out:
	free(dir);
	free(exe);
	return rc;
}
