/* ctl_passwd.c: reading a password, from the terminal without echo or
 * from a line of standard input (user passwd --stdin). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "ctl.h"

void
ctl_password_wipe(char *buf, size_t len)
{
	OPENSSL_cleanse(buf, len);
}

/* Reads one line of f into out without its end of line: 0, or -1 at
 * end of file or when it does not fit. */
static int
ctl_password_line(FILE *f, char *out, size_t len)
{
	size_t n;

	if (fgets(out, (int)len, f) == NULL)
		return -1;
	n = strlen(out);
	if (n > 0 && out[n - 1] != '\n' && !feof(f))
		return -1; /* longer than out */
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
	return 0;
}

/* Prompts on the terminal tty and reads a line without echo. */
static int
ctl_password_tty(FILE *tty, const char *prompt, char *out, size_t len)
{
	struct termios t, quiet;
	int fd = fileno(tty), rc;

	fputs(prompt, tty);
	fflush(tty);
	if (tcgetattr(fd, &t) != 0)
		return -1;
	quiet = t;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	if (tcsetattr(fd, TCSAFLUSH, &quiet) != 0)
		return -1;
	rc = ctl_password_line(tty, out, len);
	(void)tcsetattr(fd, TCSAFLUSH, &t);
	return rc;
}

int
ctl_password_read(bool from_stdin, const char *prompt, const char *again,
                  char *out, size_t len)
{
	char check[CTL_PASSWORD_MAX];
	FILE *tty;
	int rc = 0;

	if (from_stdin) {
		if (ctl_password_line(stdin, out, len) != 0)
			return ctl_error(
			    CTL_EXIT_USAGE,
			    "user passwd --stdin: no password line "
			    "on standard input (at most %zu bytes)",
			    len - 1);
		return 0;
	}
	if ((tty = fopen("/dev/tty", "r+")) == NULL)
		return ctl_error(CTL_EXIT_USAGE,
		                 "user passwd: no terminal to ask the password "
		                 "on; give it with --stdin");
	if (ctl_password_tty(tty, prompt, out, len) != 0)
		rc = ctl_error(CTL_EXIT_USAGE,
		               "user passwd: cannot read the password");
	else if (again != NULL &&
	         ctl_password_tty(tty, again, check, sizeof check) != 0)
		rc = ctl_error(CTL_EXIT_USAGE,
		               "user passwd: cannot read the password");
	else if (again != NULL && strcmp(out, check) != 0)
		rc = ctl_error(CTL_EXIT_USAGE,
		               "user passwd: the two passwords differ");
	fclose(tty);
	OPENSSL_cleanse(check, sizeof check);
	return rc;
}
