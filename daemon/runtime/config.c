/* config.c: the option table behind flags and the configuration file. */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>
#include <pwd.h>

#include "config.h"
#include "conn.h"
#include "due_index.h"
#include "frame.h"
#include "pbbudget.h"
#include "pbwire.h"
#include "store.h"
#include "subs.h"
#include "xmalloc.h"

enum opt_type { T_STR, T_LISTEN, T_SIZE, T_UINT, T_INT, T_I64, T_BOOL, T_UIDS };

struct config_opt {
	const char *name; /* --name on the command line, name in the file */
	char short_name;
	enum opt_type type;
	size_t offset; /* in struct server_config */
	long long min, max;
	const char *arg;
	const char *help;
};

#define O(f) offsetof(struct server_config, f)

static const struct config_opt config_opts[] = {
    {"config", 'c', T_STR, O(config_path), 0, 0, "FILE",
     "configuration file (default " CONFIG_DEFAULT_PATH ")"},
    {"data-dir", 'd', T_STR, O(data_dir), 0, 0, "DIR",
     "LMDB data directory (default /var/lib/ismsd)"},
    {"listen", 'l', T_LISTEN, O(listen), 0, 0, "EP",
     "endpoint to serve, repeatable: unix:PATH, tcp://HOST:PORT "
     "(default unix:/run/ismsd/ismsd.sock)"},
    {"foreground", 'f', T_BOOL, O(foreground), 0, 1, NULL,
     "stay in the foreground (else detach once ready)"},
    {"socket-group", 0, T_STR, O(socket_group), 0, 0, "GROUP",
     "group of the Unix sockets (0660): its members may connect"},
    {"max-frame", 0, T_SIZE, O(max_frame), 64, 1LL << 30, "BYTES",
     "largest request frame (default 4M)"},
    {"unpack-budget", 0, T_SIZE, O(unpack_budget), 1024, 1LL << 32, "BYTES",
     "memory one request may take to decode (default 16M)"},
    {"map-size", 0, T_SIZE, O(mapsize), 1 << 20, 1LL << 46, "BYTES",
     "LMDB map size, sparse (default 16G)"},
    {"max-connections", 0, T_SIZE, O(max_conns), 1, 1 << 20, "N",
     "TCP connections; the TCP listeners pause there (default 4096)"},
    {"max-unix-connections", 0, T_SIZE, O(max_unix_conns), 1, 1 << 20, "N",
     "Unix socket connections, counted apart from TCP, and 4 more kept "
     "for admins; the Unix listeners pause there (default 1024)"},
    {"max-connections-per-address", 0, T_SIZE, O(max_conns_per_addr), 1,
     1 << 20, "N",
     "TCP connections from one address (IPv6: one /64); more are closed "
     "at accept (default 64)"},
    {"max-connections-per-user", 0, T_SIZE, O(max_conns_per_user), 1, 1 << 20,
     "N", "connections of one user (default 2048)"},
    {"auth-timeout", 0, T_UINT, O(auth_timeout_secs), 1, 3600, "SECS",
     "a peer must finish TLS and authenticate within; else it is closed "
     "(default 10)"},
    {"idle-timeout", 0, T_UINT, O(idle_timeout_secs), 0, 86400, "SECS",
     "cut a peer silent that long; 0: never; subscribers exempt "
     "(default 300)"},
    {"frame-deadline", 0, T_UINT, O(frame_deadline_secs), 0, 3600, "SECS",
     "a started frame must arrive whole within (default 30)"},
    {"max-queued-bytes", 0, T_SIZE, O(max_queued_bytes), 65536, 1LL << 32,
     "BYTES",
     "one connection's requests in flight and unsent replies; reading "
     "pauses above it (default 16M)"},
    {"max-string", 0, T_SIZE, O(max_string), 256, 1LL << 30, "BYTES",
     "longest string or bytes field of a request (default 64K)"},
    {"max-repeated", 0, T_SIZE, O(max_repeated), 16, 1 << 24, "N",
     "most elements of a repeated field of a request (default 1000)"},
    {"busy-poll-us", 0, T_UINT, O(busy_poll_us), 0, 10000, "USECS",
     "after a request or a commit, poll that long before sleeping; "
     "0: never (default 200)"},
    {"batch-stage-max", 0, T_SIZE, O(batch_stage_max), 1 << 20, 1LL << 40,
     "BYTES",
     "Batch puts staged on connections, in total; one user at most half "
     "(default 256M)"},
    {"sub-output-cap", 0, T_SIZE, O(sub_output_cap), 4096, 1LL << 32, "BYTES",
     "unsent bytes before a slow subscriber is dropped (4M)"},
    {"overdue-grace-days", 0, T_INT, O(overdue_grace_days), 0, 365, "DAYS",
     "days after a due date before it is overdue (default 7)"},
    {"tls-cert", 0, T_STR, O(tls_cert), 0, 0, "FILE",
     "TLS certificate chain (PEM) for tcp:// listeners"},
    {"tls-key", 0, T_STR, O(tls_key), 0, 0, "FILE", "TLS private key (PEM)"},
    {"tls-client-ca", 0, T_STR, O(tls_client_ca), 0, 0, "FILE",
     "CA whose client certificates authenticate (CN = user)"},
    {"insecure", 0, T_BOOL, O(insecure), 0, 1, NULL,
     "allow plain TCP, on loopback addresses only"},
    {"session-hours", 0, T_UINT, O(session_hours), 1, 8760, "HOURS",
     "a web session (ismsd-http sign-in) ends after (default 12)"},
    {"sso-gateway-uid", 0, T_UIDS, O(sso_uids), 0, 0, "UID",
     "repeatable: a Unix peer of this uid (or user name) may open web "
     "sessions for users its reverse proxy signed in (single sign-on)"},
    {"test-clock-offset", 0, T_I64, O(clock_offset), -3650LL * 86400,
     3650LL * 86400, "SECS", "TEST ONLY: shift the server's clock"},
    {"verbose", 'v', T_BOOL, O(verbose), 0, 1, NULL, "log debug messages"},
    {"check-config", 0, T_BOOL, O(check_config), 0, 1, NULL,
     "read the configuration, report, and exit"},
    {"restore", 0, T_STR, O(restore), 0, 0, "FILE",
     "restore a backup (- : stdin) into the empty data dir, verify it, exit"},
};

#define NOPTS (sizeof config_opts / sizeof config_opts[0])

/* Prints the option table. */
static void
config_usage(FILE *f)
{
	char left[64];
	size_t i;

	fprintf(f, "usage: ismsd [options]\n\n");
	for (i = 0; i < NOPTS; i++) {
		const struct config_opt *o = &config_opts[i];

		snprintf(left, sizeof left, "%s%c%s--%s%s%s",
		         o->short_name ? "-" : "   ",
		         o->short_name ? o->short_name : ' ',
		         o->short_name ? ", " : "", o->name, o->arg ? " " : "",
		         o->arg ? o->arg : "");
		fprintf(f, "  %-36s %s\n", left, o->help);
	}
	fprintf(f, "  -h, --help                           this help\n"
	           "  -V, --version                        print the version\n"
	           "\nEvery option may also be set in the configuration file "
	           "as name = value.\n");
}

/* Parses a byte count with an optional K/M/G suffix. A count too large
 * reads as INT64_MAX, past every option's max, so the range check names
 * it: it is checked before the shift, which would wrap it to a small one
 * (18014398509481985K is 1K modulo 2^64). */
static int
config_size(const char *s, long long *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (end == s || *s == '-' || (errno != 0 && errno != ERANGE))
		return -1;
	if (*end == 'K' || *end == 'k')
		shift = 10, end++;
	else if (*end == 'M' || *end == 'm')
		shift = 20, end++;
	else if (*end == 'G' || *end == 'g')
		shift = 30, end++;
	if (*end != '\0')
		return -1;
	if (errno == ERANGE || v > (unsigned long long)INT64_MAX >> shift)
		*out = INT64_MAX;
	else
		*out = (long long)(v << shift);
	return 0;
}

/* Strings read from the file, freed by config_free. */
static char **config_owned;
static size_t config_nowned;

/* A copy of s that config_free releases. */
static const char *
config_keep(const char *s)
{
	config_owned = xreallocarray(config_owned, config_nowned + 1,
	                             sizeof *config_owned);
	return config_owned[config_nowned++] = xstrdup(s);
}

void
config_free(void)
{
	size_t i;

	for (i = 0; i < config_nowned; i++)
		free(config_owned[i]);
	free(config_owned);
	config_owned = NULL;
	config_nowned = 0;
}

/* Adds a uid (a number or a user name) to --sso-gateway-uid's. */
static int
config_uid(struct server_config *cfg, const char *text, char *why, size_t len)
{
	struct passwd pw, *res = NULL;
	char buf[4096], *end;
	unsigned long v;

	if (cfg->nsso_uids == CONFIG_SSO_UID_MAX) {
		snprintf(why, len, "at most %d sso-gateway-uid",
		         CONFIG_SSO_UID_MAX);
		return -1;
	}
	errno = 0;
	v = strtoul(text, &end, 10);
	if (*text != '\0' && *end == '\0' && *text != '-' && errno == 0 &&
	    v < 0xffffffffUL) {
		cfg->sso_uids[cfg->nsso_uids++] = (unsigned)v;
		return 0;
	}
	if (getpwnam_r(text, &pw, buf, sizeof buf, &res) != 0 || res == NULL) {
		snprintf(why, len,
		         "sso-gateway-uid takes a uid or a user name, got '%s'",
		         text);
		return -1;
	}
	cfg->sso_uids[cfg->nsso_uids++] = (unsigned)pw.pw_uid;
	return 0;
}

/* Sets option o from text; a message in why on error. */
static int
config_set(struct server_config *cfg, const struct config_opt *o,
           const char *text, bool from_file, char *why, size_t len)
{
	char *p = (char *)cfg + o->offset, *end;
	long long v = 0;

	switch (o->type) {
	case T_STR:
		*(const char **)p = from_file ? config_keep(text) : text;
		return 0;
	case T_LISTEN:
		if (cfg->nlisten == CONFIG_LISTEN_MAX) {
			snprintf(why, len, "at most %d listen endpoints",
			         CONFIG_LISTEN_MAX);
			return -1;
		}
		cfg->listen[cfg->nlisten++] =
		    from_file ? config_keep(text) : text;
		return 0;
	case T_UIDS:
		return config_uid(cfg, text, why, len);
	case T_BOOL:
		if (strcmp(text, "yes") == 0 || strcmp(text, "true") == 0 ||
		    strcmp(text, "1") == 0)
			*(bool *)p = true;
		else if (strcmp(text, "no") == 0 ||
		         strcmp(text, "false") == 0 || strcmp(text, "0") == 0)
			*(bool *)p = false;
		else {
			snprintf(why, len, "%s takes yes or no, got '%s'",
			         o->name, text);
			return -1;
		}
		return 0;
	case T_SIZE:
		if (config_size(text, &v) != 0)
			goto bad;
		break;
	default:
		errno = 0;
		v = strtoll(text, &end, 10);
		if (errno != 0 || end == text || *end != '\0')
			goto bad;
		break;
	}
	if (v < o->min || v > o->max) {
		snprintf(why, len, "%s must be between %lld and %lld, got '%s'",
		         o->name, o->min, o->max, text);
		return -1;
	}
	if (o->type == T_SIZE)
		*(size_t *)p = (size_t)v;
	else if (o->type == T_UINT)
		*(unsigned *)p = (unsigned)v;
	else if (o->type == T_INT)
		*(int *)p = (int)v;
	else
		*(int64_t *)p = v;
	return 0;
bad:
	snprintf(why, len, "%s takes %s, got '%s'", o->name,
	         o->type == T_SIZE ? "a size like 4M" : "a whole number", text);
	return -1;
}

/* The option called name ("max-frame" or "max_frame"). */
static const struct config_opt *
config_find(const char *name)
{
	char norm[64];
	size_t i;

	snprintf(norm, sizeof norm, "%s", name);
	for (i = 0; norm[i] != '\0'; i++)
		if (norm[i] == '_')
			norm[i] = '-';
	for (i = 0; i < NOPTS; i++)
		if (strcmp(config_opts[i].name, norm) == 0)
			return &config_opts[i];
	return NULL;
}

struct config_file {
	struct server_config *cfg;
	const char *path;
	char why[300];
};

/* libinih handler: 1 to go on, 0 to stop with the line number. */
static int
config_ini(void *arg, const char *section, const char *name, const char *value)
{
	struct config_file *cf = arg;
	const struct config_opt *o;

	if (section[0] != '\0' && strcmp(section, "ismsd") != 0) {
		snprintf(cf->why, sizeof cf->why, "unknown section [%s]",
		         section);
		return 0;
	}
	/* Actions of one run, not settings. */
	if ((o = config_find(name)) == NULL || strcmp(o->name, "config") == 0 ||
	    strcmp(o->name, "restore") == 0) {
		snprintf(cf->why, sizeof cf->why, "unknown key '%s'", name);
		return 0;
	}
	return config_set(cf->cfg, o, value, true, cf->why, sizeof cf->why) ==
	       0;
}

/* Reads the configuration file; a missing default file is no error. */
static int
config_file(struct server_config *cfg, const char *path, bool explicit)
{
	struct config_file cf = {cfg, path, ""};
	int line;

	if (!explicit && access(path, F_OK) != 0)
		return 0;
	line = ini_parse(path, config_ini, &cf);
	if (line == -1) {
		fprintf(stderr, "ismsd: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (line != 0) {
		fprintf(stderr, "ismsd: %s:%d: %s\n", path, line,
		        cf.why[0] ? cf.why : "syntax error");
		return -1;
	}
	return 0;
}

void
config_defaults(struct server_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->data_dir = "/var/lib/ismsd";
	cfg->max_frame = FRAME_MAX_DEFAULT;
	cfg->unpack_budget = PB_BUDGET_DEFAULT;
	cfg->mapsize = STORE_MAPSIZE_DEFAULT;
	cfg->sub_output_cap = SUBS_OUTPUT_CAP_DEFAULT;
	cfg->overdue_grace_days = DUE_GRACE_DEFAULT;
	cfg->max_conns = 4096;
	cfg->max_unix_conns = 1024;
	cfg->max_conns_per_addr = 64;
	cfg->max_conns_per_user = 2048;
	cfg->auth_timeout_secs = 10;
	cfg->idle_timeout_secs = 300;
	cfg->frame_deadline_secs = 30;
	cfg->max_queued_bytes = CONN_QUEUED_DEFAULT;
	cfg->max_string = PB_WIRE_STRING_DEFAULT;
	cfg->max_repeated = PB_WIRE_REPEATED_DEFAULT;
	cfg->busy_poll_us = 200;
	cfg->batch_stage_max = 256u << 20;
	cfg->session_hours = 12;
}

/* Builds getopt's table from ours. */
static struct option *
config_getopt(char *shorts, size_t len)
{
	struct option *lo = xcalloc(NOPTS + 3, sizeof *lo);
	size_t i, n = 0;

	for (i = 0; i < NOPTS; i++) {
		lo[i].name = config_opts[i].name;
		lo[i].has_arg = config_opts[i].type == T_BOOL
		                    ? no_argument
		                    : required_argument;
		lo[i].val = 256 + (int)i;
		if (config_opts[i].short_name && n + 3 < len) {
			shorts[n++] = config_opts[i].short_name;
			if (lo[i].has_arg)
				shorts[n++] = ':';
		}
	}
	lo[NOPTS] = (struct option){"help", no_argument, NULL, 'h'};
	lo[NOPTS + 1] = (struct option){"version", no_argument, NULL, 'V'};
	snprintf(shorts + n, len - n, "hV");
	return lo;
}

/* Applies the command line; 0, or a config_result to exit with. */
static int
config_args(struct server_config *cfg, int argc, char **argv)
{
	char shorts[64], why[300];
	struct option *lo = config_getopt(shorts, sizeof shorts);
	const struct config_opt *o;
	int ch, rc = 0;
	size_t i;

	optind = 1;
	while (rc == 0 &&
	       (ch = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		if (ch == 'h') {
			config_usage(stdout);
			rc = CONFIG_EXIT_OK;
			break;
		}
		if (ch == 'V') {
			printf("ismsd %s\n", ISMS_VERSION);
			rc = CONFIG_EXIT_OK;
			break;
		}
		o = NULL;
		if (ch >= 256 && ch < 256 + (int)NOPTS)
			o = &config_opts[ch - 256];
		for (i = 0; o == NULL && i < NOPTS; i++)
			if (config_opts[i].short_name == ch)
				o = &config_opts[i];
		if (o == NULL) {
			config_usage(stderr);
			rc = CONFIG_EXIT_USAGE;
		} else if (config_set(cfg, o,
		                      o->type == T_BOOL ? "yes" : optarg, false,
		                      why, sizeof why) != 0) {
			fprintf(stderr, "ismsd: --%s\n", why);
			rc = CONFIG_EXIT_USAGE;
		}
	}
	if (rc == 0 && optind != argc) {
		fprintf(stderr, "ismsd: unexpected argument '%s'\n",
		        argv[optind]);
		rc = CONFIG_EXIT_USAGE;
	}
	free(lo);
	return rc;
}

enum config_result
config_load(struct server_config *cfg, int argc, char **argv)
{
	struct server_config first;
	const char *path;
	int rc;

	/* The flags first, to find --config; the file; the flags again. */
	config_defaults(&first);
	if ((rc = config_args(&first, argc, argv)) != 0)
		return (enum config_result)rc;
	config_defaults(cfg);
	path = first.config_path ? first.config_path : CONFIG_DEFAULT_PATH;
	if (config_file(cfg, path, first.config_path != NULL) != 0) {
		config_free();
		return CONFIG_EXIT_USAGE;
	}
	cfg->nlisten_file = cfg->nlisten;
	if ((rc = config_args(cfg, argc, argv)) != 0) {
		config_free();
		return (enum config_result)rc;
	}
	/* Listeners given as flags replace those of the file. */
	if (cfg->nlisten > cfg->nlisten_file && cfg->nlisten_file > 0) {
		memmove(cfg->listen, cfg->listen + cfg->nlisten_file,
		        (size_t)(cfg->nlisten - cfg->nlisten_file) *
		            sizeof cfg->listen[0]);
		cfg->nlisten -= cfg->nlisten_file;
	}
	if ((cfg->listen_default = cfg->nlisten == 0))
		cfg->listen[cfg->nlisten++] = "unix:/run/ismsd/ismsd.sock";
	if (cfg->check_config) {
		printf("ismsd: configuration OK (%s)\n",
		       access(path, F_OK) == 0 ? path : "defaults and flags");
		config_free();
		return CONFIG_EXIT_OK;
	}
	return CONFIG_RUN;
}
