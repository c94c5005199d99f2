/*
 * daemon_fx.h: a real ismsd for integration tests, on a temp data dir and
 * socket. Binaries come from the build tree (ISMSD_BIN, ISMSCTL_BIN).
 */
#ifndef ISMS_DAEMON_FX_H
#define ISMS_DAEMON_FX_H

#include <stdbool.h>
#include <sys/types.h>

struct daemon_fx {
	char dir[64];
	char sock[128];
	char endpoint[160];
	pid_t pid;
	const char *extra_args; /* one more ismsd argument, or NULL */
	/* more ismsd arguments after extra_args: NULL-terminated, or NULL */
	const char *const *argv_extra;
	bool quiet; /* ismsd's stderr to /dev/null */
	/* ismsd's RLIMIT_FSIZE in bytes (SIGXFSZ ignored), or 0: none */
	unsigned long fsize_limit;
	/* ismsd's RLIMIT_NOFILE (soft and hard), or 0: as inherited */
	unsigned long nofile_limit;
	/* ismsd's stderr (its log) appended to this file, or NULL */
	const char *log_path;
};

/* Makes the temp dir (once) and starts ismsd; waits until it accepts. */
void daemon_fx_start(struct daemon_fx *);
/* Sends sig and waits; returns the exit status (or 128+signal). */
int daemon_fx_stop(struct daemon_fx *, int sig);
/* Removes the temp dir. */
void daemon_fx_cleanup(struct daemon_fx *);
/* Runs a shell command with the endpoint exported; returns exit code and
 * the first len-1 bytes of stdout in out. */
int daemon_fx_sh(struct daemon_fx *, char *out, size_t len, const char *fmt,
                 ...) __attribute__((format(printf, 4, 5)));

/* A TCP port nothing listens on at addr (for now). */
int daemon_fx_free_port(const char *addr);
/* Waits until addr:port accepts (the Unix socket may come first). */
void daemon_fx_wait_tcp(const char *addr, int port);

#endif
