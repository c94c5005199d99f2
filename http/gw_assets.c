/*
 * gw_assets.c: the web interface's files. The www dir (--www, else
 * EXEDIR/../share/ismsd/www beside the build's or install's binary, else
 * the install path) is read once at start: its regular files of a known
 * type, bounded in number and size, kept in memory with their ETag. A
 * request names one file (GET /ui/NAME) and can reach no other: the name
 * is looked up in that table, never in the file system. The headers every
 * reply of the gateway carries are set here too.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <openssl/evp.h>

#include "gw_assets.h"
#include "gw_req.h"
#include "log.h"
#include "xmalloc.h"

#define ASSETS_MAX     256        /* files served */
#define ASSET_BYTES    (4u << 20) /* bytes of one */
#define ASSETS_BYTES   (32u << 20)
#define ASSET_NAME_MAX 128

static const char csp[] =
    "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'";

/* The types served, by extension. */
static const struct {
	const char *ext, *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/vnd.microsoft.icon"},
    {".json", "application/json"},
    {".woff2", "font/woff2"},
};

struct asset {
	char name[ASSET_NAME_MAX];
	const char *type;
	unsigned char *data;
	size_t len;
	char etag[36]; /* "32 hex digits" */
};

struct gw_assets {
	char *dir;
	struct asset v[ASSETS_MAX];
	size_t n, bytes;
};

void
gw_security_headers(struct evhttp_request *req)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);

	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "Referrer-Policy", "same-origin");
	evhttp_add_header(h, "X-Frame-Options", "DENY");
}

/* The content type of name, NULL when not served. */
static const char *
type_of(const char *name)
{
	size_t n = strlen(name), e, i;

	for (i = 0; i < sizeof types / sizeof types[0]; i++) {
		e = strlen(types[i].ext);
		if (n > e && strcmp(name + n - e, types[i].ext) == 0)
			return types[i].type;
	}
	return NULL;
}

/* Whether name may be served: letters, digits, '-', '_', '.', not
 * starting with a dot. */
static bool
name_ok(const char *name)
{
	const char *p;

	if (name[0] == '.' || name[0] == '\0' || strlen(name) >= ASSET_NAME_MAX)
		return false;
	for (p = name; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		      *p == '.'))
			return false;
	return true;
}

/* Reads file name of dir fd into a; 0, 1 to skip it, -1 on error. */
static int
asset_read(struct gw_assets *as, int dfd, const char *name, struct asset *a)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	struct stat st;
	ssize_t got;
	size_t off = 0;
	int fd;

	if ((fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return errno == ELOOP ? 1 : -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return 1;
	}
	if ((size_t)st.st_size > ASSET_BYTES ||
	    as->bytes + (size_t)st.st_size > ASSETS_BYTES) {
		log_warn("%s/%s: over the size limit: not served", as->dir,
		         name);
		close(fd);
		return 1;
	}
	a->len = (size_t)st.st_size;
	a->data = xmalloc(a->len + 1);
	while (off < a->len &&
	       (got = read(fd, a->data + off, a->len - off)) > 0)
		off += (size_t)got;
	close(fd);
	if (off != a->len) {
		free(a->data);
		return -1;
	}
	snprintf(a->name, sizeof a->name, "%s", name);
	EVP_Digest(a->data, a->len, md, &mdlen, EVP_sha256(), NULL);
	a->etag[0] = '"';
	for (i = 0; i < 16 && i < mdlen; i++)
		snprintf(a->etag + 1 + 2 * i, 3, "%02x", md[i]);
	strcat(a->etag, "\"");
	as->bytes += a->len;
	return 0;
}

/* Reads every file of as->dir; -1 when the dir cannot be read. */
static int
assets_read(struct gw_assets *as)
{
	DIR *d = opendir(as->dir);
	struct dirent *e;
	int rc;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (!name_ok(e->d_name))
			continue;
		if (as->n == ASSETS_MAX) {
			log_warn("%s: more than %d files: the rest not served",
			         as->dir, ASSETS_MAX);
			break;
		}
		if ((as->v[as->n].type = type_of(e->d_name)) == NULL)
			continue;
		rc = asset_read(as, dirfd(d), e->d_name, &as->v[as->n]);
		if (rc < 0)
			log_warn("%s/%s: %s", as->dir, e->d_name,
			         strerror(errno));
		else if (rc == 0)
			as->n++;
	}
	closedir(d);
	return 0;
}

/* The default dir: beside the executable, else the install path. */
static char *
assets_default_dir(void)
{
	char exe[PATH_MAX], *slash, *dir;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	struct stat st;

	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			dir = xasprintf("%s/../share/ismsd/www", exe);
			if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
				return dir;
			free(dir);
		}
	}
	return xstrdup(ISMS_WWW_DIR);
}

int
gw_assets_load(struct gw *gw)
{
	struct gw_assets *as = xcalloc(1, sizeof *as);

	as->dir =
	    gw->cfg.www != NULL ? xstrdup(gw->cfg.www) : assets_default_dir();
	gw->assets = as;
	if (assets_read(as) != 0) {
		if (gw->cfg.www != NULL) {
			fprintf(stderr, "ismsd-http: --www %s: %s\n", as->dir,
			        strerror(errno));
			return 2;
		}
		log_warn("%s: %s: the web interface is not served", as->dir,
		         strerror(errno));
		return 0;
	}
	log_info("%s: %zu files (%zu bytes) for the web interface", as->dir,
	         as->n, as->bytes);
	return 0;
}

void
gw_assets_free(struct gw_assets *as)
{
	if (as == NULL)
		return;
	while (as->n > 0)
		free(as->v[--as->n].data);
	free(as->dir);
	free(as);
}

/* Whether If-None-Match names etag (or is "*"). */
static bool
etag_matches(struct evhttp_request *req, const char *etag)
{
	const char *h = evhttp_find_header(
	    evhttp_request_get_input_headers(req), "If-None-Match");

	return h != NULL && (strcmp(h, "*") == 0 || strstr(h, etag) != NULL);
}

/* Replies with the file called name, or 404. */
static void
asset_serve(struct gw_req *r, const char *name)
{
	struct gw_assets *as = r->gw->assets;
	struct evkeyvalq *h = evhttp_request_get_output_headers(r->req);
	struct evbuffer *buf;
	size_t i;

	for (i = 0; as != NULL && i < as->n; i++)
		if (strcmp(as->v[i].name, name) == 0)
			break;
	if (as == NULL || i == as->n) {
		gw_reply_error(r->req, ISMS_ENOTFOUND,
		               "no such file of the web interface");
		return;
	}
	evhttp_add_header(h, "Content-Security-Policy", csp);
	evhttp_add_header(h, "Cache-Control", "no-cache");
	evhttp_add_header(h, "ETag", as->v[i].etag);
	if (etag_matches(r->req, as->v[i].etag)) {
		evhttp_send_reply(r->req, 304, "Not Modified", NULL);
		return;
	}
	evhttp_add_header(h, "Content-Type", as->v[i].type);
	buf = evbuffer_new();
	evbuffer_add_reference(buf, as->v[i].data, as->v[i].len, NULL, NULL);
	evhttp_send_reply(r->req, 200, "OK", buf);
	evbuffer_free(buf);
}

/* A redirect to the UI. */
static void
to_ui(struct gw_req *r)
{
	evhttp_add_header(evhttp_request_get_output_headers(r->req), "Location",
	                  "/ui/");
	evhttp_send_reply(r->req, 302, "Found", NULL);
}

void
gw_assets_root(struct gw_req *r)
{
	to_ui(r);
	gw_req_free(r);
}

void
gw_assets_index(struct gw_req *r)
{
	const char *path =
	    evhttp_uri_get_path(evhttp_request_get_evhttp_uri(r->req));
	size_t n = path != NULL ? strlen(path) : 0;

	/* /ui: relative URLs of the page need the slash. */
	if (n == 0 || path[n - 1] != '/')
		to_ui(r);
	else
		asset_serve(r, "index.html");
	gw_req_free(r);
}

void
gw_assets_file(struct gw_req *r)
{
	asset_serve(r, r->id);
	gw_req_free(r);
}
