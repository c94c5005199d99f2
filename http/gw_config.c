/*
 * gw_config.c: ismsd-http's options, one table behind the flags and the
 * configuration file (the same names, as in ismsd).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "gw.h"
#include "xmalloc.h"

#define GW_CONFIG_DEFAULT "/etc/ismsd/ismsd-http.conf"

enum opt_type { T_STR, T_BOOL, T_UINT, T_SIZE, T_LIST };

struct gw_opt {
	const char *name;
	enum opt_type type;
	size_t offset;
	unsigned long long min, max;
	const char *arg, *help;
};

#define O(f) offsetof(struct gw_config, f)

static const struct gw_opt gw_opts[] = {
    {"config", T_STR, O(config_path), 0, 0, "FILE",
     "configuration file (default " GW_CONFIG_DEFAULT ", if present)"},
    {"endpoint", T_STR, O(endpoint), 0, 0, "unix:PATH",
     "ismsd's Unix socket (default unix:/run/ismsd/ismsd.sock)"},
    {"listen", T_STR, O(listen), 0, 0, "tcp://HOST:PORT",
     "address to serve HTTP on (default tcp://127.0.0.1:8443)"},
    {"tls-cert", T_STR, O(tls_cert), 0, 0, "FILE",
     "certificate chain (PEM) for TLS 1.3"},
    {"tls-key", T_STR, O(tls_key), 0, 0, "FILE", "its private key (PEM)"},
    {"ismsctl", T_STR, O(ismsctl), 0, 0, "PATH",
     "the ismsctl reports run (default: beside ismsd-http, else on PATH)"},
    {"insecure", T_BOOL, O(insecure), 0, 1, NULL,
     "serve plain HTTP, on loopback addresses only"},
    {"foreground", T_BOOL, O(foreground), 0, 1, NULL,
     "stay in the foreground (else detach once listening)"},
    {"max-body", T_SIZE, O(max_body), 64, 64u << 20, "BYTES",
     "largest request body (default 1 MiB): 413 beyond"},
    {"max-headers", T_SIZE, O(max_headers), 256, 1u << 20, "BYTES",
     "largest request line and headers (default 16 KiB)"},
    {"timeout", T_UINT, O(timeout), 1, 3600, "SECONDS",
     "deadline to read a request, and idle keep-alive (default 30)"},
    {"max-conns", T_UINT, O(max_conns), 1, 100000, "N",
     "HTTP connections at once (default 1000)"},
    {"max-streams", T_UINT, O(max_streams), 1, 100000, "N",
     "event streams at once (default 100)"},
    {"pool-max", T_UINT, O(pool_max), 1, 100000, "N",
     "caller identities with a connection to ismsd (default 64)"},
    {"pool-idle", T_UINT, O(pool_idle), 1, 86400, "SECONDS",
     "an unused identity's connection is closed after (default 120)"},
    {"rpc-timeout", T_UINT, O(rpc_timeout), 1, 3600, "SECONDS",
     "deadline of each call to ismsd: 504 after it (default 10)"},
    {"www", T_STR, O(www), 0, 0, "DIR",
     "the web interface's files (default EXEDIR/../share/ismsd/www, "
     "then " ISMS_WWW_DIR ")"},
    {"trusted-proxy", T_LIST, O(trusted_proxy), 0, 0, "ADDR",
     "a reverse proxy's IP address whose user header opens a session "
     "(repeatable)"},
    {"proxy-user-header", T_STR, O(proxy_user_header), 0, 0, "NAME",
     "the header naming the proxy's user (default X-Forwarded-User)"},
};

#define NOPTS (sizeof gw_opts / sizeof gw_opts[0])

static void
gw_config_defaults(struct gw_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->max_body = 1u << 20;
	cfg->max_headers = 16u << 10;
	cfg->timeout = 30;
	cfg->max_conns = 1000;
	cfg->max_streams = 100;
	cfg->pool_max = 64;
	cfg->pool_idle = 120;
	cfg->rpc_timeout = 10;
}

#define LIST_MAX 64 /* values of a repeatable option */

/* Appends an IP address to the list option (trusted-proxy). */
static int
list_add(struct gw_config *cfg, const struct gw_opt *o, const char *text)
{
	char ***v = &cfg->trusted_proxy;
	size_t *n = &cfg->n_trusted_proxy;
	unsigned char bin[16];

	if (inet_pton(AF_INET, text, bin) != 1 &&
	    inet_pton(AF_INET6, text, bin) != 1) {
		fprintf(stderr, "ismsd-http: %s: '%s' is not an IP address\n",
		        o->name, text);
		return -1;
	}
	if (*n == LIST_MAX) {
		fprintf(stderr, "ismsd-http: %s: at most %d\n", o->name,
		        LIST_MAX);
		return -1;
	}
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = xstrdup(text);
	return 0;
}

/* Sets option o from text. 0, or -1 with a message printed. */
static int
opt_set(struct gw_config *cfg, const struct gw_opt *o, const char *text)
{
	void *p = (char *)cfg + o->offset;
	unsigned long long v;
	char *end;

	switch (o->type) {
	case T_LIST:
		return list_add(cfg, o, text);
	case T_STR:
		free(*(char **)p);
		*(char **)p = xstrdup(text);
		return 0;
	case T_BOOL:
		if (text == NULL || strcmp(text, "yes") == 0 ||
		    strcmp(text, "true") == 0 || strcmp(text, "1") == 0)
			*(bool *)p = true;
		else if (strcmp(text, "no") == 0 ||
		         strcmp(text, "false") == 0 || strcmp(text, "0") == 0)
			*(bool *)p = false;
		else
			goto bad;
		return 0;
	case T_UINT:
	case T_SIZE:
		errno = 0;
		v = strtoull(text, &end, 10);
		if (errno != 0 || end == text || *end != '\0' || v < o->min ||
		    v > o->max || text[0] == '-')
			goto bad;
		if (o->type == T_UINT)
			*(unsigned *)p = (unsigned)v;
		else
			*(size_t *)p = (size_t)v;
		return 0;
	}
bad:
	fprintf(stderr, "ismsd-http: %s: bad value '%s' (%s%llu..%llu)\n",
	        o->name, text != NULL ? text : "",
	        o->type == T_BOOL ? "yes/no, not " : "", o->min, o->max);
	return -1;
}

/* The option called name; in the file '_' stands for '-' too
 * (rpc_timeout is rpc-timeout). */
static const struct gw_opt *
opt_find(const char *name)
{
	char key[64];
	size_t i;

	snprintf(key, sizeof key, "%s", name);
	for (i = 0; key[i] != '\0'; i++)
		if (key[i] == '_')
			key[i] = '-';
	for (i = 0; i < NOPTS; i++)
		if (strcmp(gw_opts[i].name, key) == 0)
			return &gw_opts[i];
	return NULL;
}

/* inih: one "name = value" line of the file. */
static int
file_line(void *arg, const char *section, const char *name, const char *value)
{
	const struct gw_opt *o = opt_find(name);

	(void)section;
	if (o == NULL || strcmp(name, "config") == 0) {
		fprintf(stderr, "ismsd-http: config: unknown option '%s'\n",
		        name);
		return 0;
	}
	return opt_set(arg, o, value) == 0;
}

static void
usage(FILE *f)
{
	size_t i;
	char left[64];

	fprintf(f, "usage: ismsd-http --endpoint unix:PATH --listen "
	           "tcp://HOST:PORT [--tls-cert F --tls-key F]\n"
	           "                  [--insecure] [--config FILE] "
	           "[--foreground]\n\n");
	for (i = 0; i < NOPTS; i++) {
		snprintf(left, sizeof left, "--%s%s%s", gw_opts[i].name,
		         gw_opts[i].arg != NULL ? " " : "",
		         gw_opts[i].arg != NULL ? gw_opts[i].arg : "");
		fprintf(f, "  %-28s %s\n", left, gw_opts[i].help);
	}
	fprintf(f, "  %-28s %s\n  %-28s %s\n", "--help", "this text",
	        "--version", "the version");
}

/* Reads the config file: the one named, or the default if it exists. */
static int
file_load(struct gw_config *cfg, const char *path, bool named)
{
	FILE *f = fopen(path, "r");
	int rc;

	if (f == NULL) {
		if (!named && errno == ENOENT)
			return 0;
		fprintf(stderr, "ismsd-http: %s: %s\n", path, strerror(errno));
		return 2;
	}
	rc = ini_parse_file(f, file_line, cfg);
	fclose(f);
	if (rc != 0) {
		fprintf(stderr, "ismsd-http: %s: error on line %d\n", path, rc);
		return 2;
	}
	return 0;
}

/* The long options for getopt_long, from the table. */
static struct option *
long_options(void)
{
	struct option *lo = xcalloc(NOPTS + 3, sizeof *lo);
	size_t i;

	for (i = 0; i < NOPTS; i++) {
		lo[i].name = gw_opts[i].name;
		lo[i].has_arg =
		    gw_opts[i].type == T_BOOL ? no_argument : required_argument;
		lo[i].val = 0x100 + (int)i;
	}
	lo[NOPTS] = (struct option){"help", no_argument, NULL, 'h'};
	lo[NOPTS + 1] = (struct option){"version", no_argument, NULL, 'V'};
	return lo;
}

/* Applies the flags; the config file is read before them (flags win). */
static int
flags_apply(struct gw_config *cfg, int argc, char **argv,
            const struct option *lo)
{
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "hV", lo, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 1;
		}
		if (c == 'V') {
			printf("ismsd-http %s\n", ISMS_VERSION);
			return 1;
		}
		if (c < 0x100) {
			usage(stderr);
			return 2;
		}
		if (opt_set(cfg, &gw_opts[c - 0x100], optarg) != 0)
			return 2;
	}
	if (optind < argc) {
		fprintf(stderr, "ismsd-http: unexpected argument '%s'\n",
		        argv[optind]);
		return 2;
	}
	return 0;
}

/* The value of --config on the command line, if given. */
static const char *
config_flag(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			return argv[i + 1];
		if (strncmp(argv[i], "--config=", 9) == 0)
			return argv[i] + 9;
	}
	return NULL;
}

int
gw_config_load(struct gw_config *cfg, int argc, char **argv)
{
	struct option *lo = long_options();
	const char *path = config_flag(argc, argv);
	int rc;

	gw_config_defaults(cfg);
	rc = file_load(cfg, path != NULL ? path : GW_CONFIG_DEFAULT,
	               path != NULL);
	if (rc == 0)
		rc = flags_apply(cfg, argc, argv, lo);
	free(lo);
	if (rc != 0)
		return rc;
	if (cfg->endpoint == NULL)
		cfg->endpoint = xstrdup("unix:/run/ismsd/ismsd.sock");
	if (cfg->listen == NULL)
		cfg->listen = xstrdup("tcp://127.0.0.1:8443");
	if (cfg->proxy_user_header == NULL)
		cfg->proxy_user_header = xstrdup("X-Forwarded-User");
	if ((cfg->tls_cert == NULL) != (cfg->tls_key == NULL)) {
		fprintf(stderr, "ismsd-http: --tls-cert and --tls-key go "
		                "together\n");
		return 2;
	}
	return 0;
}

void
gw_config_free(struct gw_config *cfg)
{
	size_t i;

	for (i = 0; i < NOPTS; i++)
		if (gw_opts[i].type == T_STR) {
			free(*(char **)((char *)cfg + gw_opts[i].offset));
			*(char **)((char *)cfg + gw_opts[i].offset) = NULL;
		}
	while (cfg->n_trusted_proxy > 0)
		free(cfg->trusted_proxy[--cfg->n_trusted_proxy]);
	free(cfg->trusted_proxy);
	cfg->trusted_proxy = NULL;
}
