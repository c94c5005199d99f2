/*
 * ctl_catalog.c: "ismsctl catalog load FILE": a catalog CSV (header
 * kind,ref,parent,title,assessable[,text][,edition], the columns of the
 * shipped iso27001-2022.csv) sent to the server in chunks. The server
 * creates missing items and updates titles, text and edition; the
 * organisation's answers (applicability, status...) stay as they are.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "ctl.h"
#include "pbfield.h"
#include "xmalloc.h"

#define CATALOG_CHUNK    500 /* items per CatalogLoad call */
#define CATALOG_MAX_FILE (64 << 20)

/* The columns: where each goes in a CatalogItem. */
static const struct catalog_col {
	const char *name;
	bool required;
} catalog_cols[] = {
    {"kind", true},       {"ref", true},   {"parent", true},   {"title", true},
    {"assessable", true}, {"text", false}, {"edition", false},
};

#define NCATALOG_COLS (sizeof catalog_cols / sizeof catalog_cols[0])

static const char *const catalog_kinds[] = {"clause", "theme", "control"};

/* Index of each column in the file (-1 when absent) from the header. */
static int
catalog_header(const struct csv_row *h, int *idx, struct isms_err *err)
{
	size_t i, k;

	for (k = 0; k < NCATALOG_COLS; k++)
		idx[k] = -1;
	for (i = 0; i < h->n; i++) {
		for (k = 0; k < NCATALOG_COLS; k++)
			if (strcmp(h->field[i], catalog_cols[k].name) == 0)
				break;
		if (k == NCATALOG_COLS)
			return isms_err_set(err, ISMS_EINVAL,
			                    "line %u: unknown column '%s' (the "
			                    "header is kind,ref,parent,title,"
			                    "assessable[,text][,edition])",
			                    h->line, h->field[i]);
		if (idx[k] != -1)
			return isms_err_set(err, ISMS_EINVAL,
			                    "line %u: column '%s' twice",
			                    h->line, h->field[i]);
		idx[k] = (int)i;
	}
	for (k = 0; k < NCATALOG_COLS; k++)
		if (catalog_cols[k].required && idx[k] == -1)
			return isms_err_set(
			    err, ISMS_EINVAL,
			    "line %u: no column '%s' (the header "
			    "is kind,ref,parent,title,assessable"
			    "[,text][,edition])",
			    h->line, catalog_cols[k].name);
	return 0;
}

/* Column k of row r ("" when the file has no such column). */
static const char *
cell(const struct csv_row *r, const int *idx, size_t k)
{
	return idx[k] >= 0 ? r->field[idx[k]] : "";
}

/* Checks one row's values and makes its item. */
static int
catalog_item(const struct csv_row *r, const int *idx,
             Isms__V1__CatalogItem **out, struct isms_err *err)
{
	Isms__V1__CatalogItem *it;
	const char *a = cell(r, idx, 4);
	size_t i, k;

	for (k = 0; k < sizeof catalog_kinds / sizeof catalog_kinds[0]; k++)
		if (strcmp(cell(r, idx, 0), catalog_kinds[k]) == 0)
			break;
	if (k == sizeof catalog_kinds / sizeof catalog_kinds[0])
		return isms_err_set(err, ISMS_EINVAL,
		                    "line %u: kind '%s' is not clause, theme "
		                    "or control",
		                    r->line, cell(r, idx, 0));
	if (*cell(r, idx, 1) == '\0')
		return isms_err_set(err, ISMS_EINVAL, "line %u: ref is empty",
		                    r->line);
	if (strcmp(a, "yes") != 0 && strcmp(a, "no") != 0 &&
	    strcmp(a, "true") != 0 && strcmp(a, "false") != 0)
		return isms_err_set(err, ISMS_EINVAL,
		                    "line %u: assessable must be yes or no, "
		                    "got '%s'",
		                    r->line, a);
	for (i = 0; i < r->n; i++)
		if (!pb_utf8_valid(r->field[i], strlen(r->field[i])))
			return isms_err_set(err, ISMS_EINVAL,
			                    "line %u: not UTF-8 text", r->line);
	it = (Isms__V1__CatalogItem *)pb_new(
	    &isms__v1__catalog_item__descriptor);
	it->kind = xstrdup(cell(r, idx, 0));
	it->ref = xstrdup(cell(r, idx, 1));
	if (*cell(r, idx, 2) != '\0')
		it->parent = xstrdup(cell(r, idx, 2));
	it->title = xstrdup(cell(r, idx, 3));
	it->has_assessable = 1;
	it->assessable = strcmp(a, "yes") == 0 || strcmp(a, "true") == 0;
	if (*cell(r, idx, 5) != '\0')
		it->text = xstrdup(cell(r, idx, 5));
	if (*cell(r, idx, 6) != '\0')
		it->edition = xstrdup(cell(r, idx, 6));
	*out = it;
	return 0;
}

/* Parses catalog CSV text into items, checking each row. */
int
ctl_catalog_items(const char *text, size_t len, Isms__V1__CatalogItem ***out,
                  size_t *n, struct isms_err *err)
{
	int idx[NCATALOG_COLS];
	struct csv c;
	size_t i;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = csv_parse(text, len, &c, err)) != 0)
		goto out;
	if (c.n == 0) {
		rc = isms_err_set(err, ISMS_EINVAL, "the file is empty");
		goto out;
	}
	if ((rc = catalog_header(&c.row[0], idx, err)) != 0)
		goto out;
	*out = xcalloc(c.n, sizeof **out);
	for (i = 1; i < c.n; i++) {
		if (c.row[i].n != c.row[0].n) {
			rc = isms_err_set(
			    err, ISMS_EINVAL,
			    "line %u: %zu fields, the header has %zu",
			    c.row[i].line, c.row[i].n, c.row[0].n);
			goto out;
		}
		if ((rc = catalog_item(&c.row[i], idx, &(*out)[*n], err)) != 0)
			goto out;
		(*n)++;
	}
out:
	csv_free(&c);
	return rc;
}

/* Frees items made by ctl_catalog_items. */
void
ctl_catalog_items_free(Isms__V1__CatalogItem **items, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		protobuf_c_message_free_unpacked(&items[i]->base, NULL);
	free(items);
}

/* Reads a whole file into *buf (NUL-terminated). 0 or an exit code. */
static int
file_read(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 0, got;

	*buf = NULL;
	*len = 0;
	if (f == NULL)
		return ctl_error(CTL_EXIT_USAGE, "%s: %s", path,
		                 strerror(errno));
	do {
		if (*len + 65536 + 1 > cap) {
			cap = cap == 0 ? 65536 + 1 : cap * 2;
			*buf = xrealloc(*buf, cap);
		}
		got = fread(*buf + *len, 1, 65536, f);
		*len += got;
	} while (got > 0 && *len <= CATALOG_MAX_FILE);
	if (ferror(f) || *len > CATALOG_MAX_FILE) {
		fclose(f);
		free(*buf);
		*buf = NULL;
		return ctl_error(CTL_EXIT_USAGE, "%s: %s", path,
		                 *len > CATALOG_MAX_FILE ? "file too large"
		                                         : "read error");
	}
	fclose(f);
	(*buf)[*len] = '\0';
	return 0;
}

/* Sends items in chunks and adds up the counts in *sum. */
static int
catalog_send(struct ctl_ctx *ctx, Isms__V1__CatalogItem **items, size_t n,
             Isms__V1__CatalogLoadResult *sum)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__CatalogLoad load = ISMS__V1__CATALOG_LOAD__INIT;
	Isms__V1__Reply *reply;
	size_t off;
	int rc;

	req.call_case = ISMS__V1__REQUEST__CALL_CATALOG_LOAD;
	req.catalog_load = &load;
	for (off = 0; off < n; off += load.n_items) {
		load.items = items + off;
		load.n_items =
		    n - off < CATALOG_CHUNK ? n - off : CATALOG_CHUNK;
		rc = ctl_call_expect(ctx, &req, ISMS__V1__REPLY__RESULT_CATALOG,
		                     &reply);
		if (rc != 0) {
			if (off > 0)
				ctl_error(rc,
				          "catalog load: the first %zu "
				          "items were loaded",
				          off);
			return rc;
		}
		sum->created += reply->catalog->created;
		sum->updated += reply->catalog->updated;
		sum->unchanged += reply->catalog->unchanged;
		isms_reply_free(reply);
	}
	return 0;
}

/* Prints the counts in the chosen format. */
static void
catalog_print(struct ctl_ctx *ctx, const Isms__V1__CatalogLoadResult *r)
{
	switch (ctx->format) {
	case CTL_FORMAT_TABLE:
		fprintf(ctx->out, "created %u, updated %u, unchanged %u\n",
		        r->created, r->updated, r->unchanged);
		break;
	case CTL_FORMAT_JSON:
		fprintf(
		    ctx->out,
		    "{\"created\": %u, \"updated\": %u, \"unchanged\": %u}\n",
		    r->created, r->updated, r->unchanged);
		break;
	case CTL_FORMAT_CSV:
		fprintf(ctx->out, "created,updated,unchanged\r\n%u,%u,%u\r\n",
		        r->created, r->updated, r->unchanged);
		break;
	}
}

/* "catalog load FILE". */
static int
catalog_load(struct ctl_ctx *ctx, const struct ctl_args *a)
{
	const char *path = a->id;
	Isms__V1__CatalogLoadResult sum = ISMS__V1__CATALOG_LOAD_RESULT__INIT;
	Isms__V1__CatalogItem **items;
	struct isms_err err = {0};
	char *text;
	size_t len, n;
	int rc;

	if ((rc = file_read(path, &text, &len)) != 0)
		return rc;
	rc = ctl_catalog_items(text, len, &items, &n, &err);
	free(text);
	if (rc != 0) {
		ctl_catalog_items_free(items, n);
		return ctl_error(CTL_EXIT_USAGE, "%s: %s", path, err.msg);
	}
	if (n == 0)
		rc = ctl_error(CTL_EXIT_USAGE, "%s: no catalog rows", path);
	else if ((rc = catalog_send(ctx, items, n, &sum)) == 0)
		catalog_print(ctx, &sum);
	ctl_catalog_items_free(items, n);
	return rc;
}

static const struct ctl_verb catalog_verbs[] = {
    {"load", "FILE", "create or update catalog rows from a CSV file", 0, 1, 1,
     true, NULL, catalog_load},
};

const struct ctl_cmd ctl_cmd_catalog = {
    .name = "catalog",
    .usage = "catalog load FILE",
    .help = "load catalog rows (clauses, themes, controls) from a CSV file",
    .detail =
        "FILE is CSV (RFC 4180) with the header kind,ref,parent,title,\n"
        "assessable[,text][,edition], like the shipped iso27001-2022.csv.\n"
        "Missing items are created; titles, text and edition of existing\n"
        "ones updated. The organisation's answers (applicability, status,\n"
        "evidence) are never touched. Prints: created N, updated N,\n"
        "unchanged N.\n",
    .verbs = catalog_verbs,
    .nverbs = CTL_NVERBS(catalog_verbs),
    .exec = ctl_verbs_exec_cmd,
};
