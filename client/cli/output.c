/*
 * output.c: values as text and the table printers of ismsctl.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fieldargs.h"
#include "fieldelem.h"
#include "output.h"
#include "timefmt.h"
#include "xmalloc.h"

#define RECORD_MD (&isms__v1__record__descriptor)
#define TITLE_MAX 48 /* code points of a title in a list table */

/* What a list table shows; body columns only when the body has them. */
static const struct list_col {
	const char *title;
	const char *field;
	bool body;
} list_cols[] = {
    {"ID", "id", false},       {"STATUS", "status", true},
    {"OWNER", "owner", false}, {"TITLE", "title", false},
    {"LEVEL", "level", true},  {"SCORE", "score", true},
    {"REV", "rev", false},     {"UPDATED", "updated_at", false},
};

#define NLIST_COLS (sizeof list_cols / sizeof list_cols[0])

/* Header fields that change with every revision: not "changes". */
static const char *const history_skip[] = {"rev", "updated_at", "updated_by"};

int
ctl_format_parse(const char *s, enum ctl_format *out)
{
	static const struct {
		const char *name;
		enum ctl_format format;
	} formats[] = {
	    {"table", CTL_FORMAT_TABLE},
	    {"json", CTL_FORMAT_JSON},
	    {"csv", CTL_FORMAT_CSV},
	};
	size_t i;

	for (i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		if (strcmp(s, formats[i].name) == 0) {
			*out = formats[i].format;
			return 0;
		}
	}
	return -1;
}

/* Adds the leaves below prefix in md; at the top only reg's body. */
static void
cols_walk(struct ctl_cols *cols, struct pb_path *prefix,
          const ProtobufCMessageDescriptor *md,
          const ProtobufCFieldDescriptor *reg)
{
	unsigned i;

	for (i = 0; i < md->n_fields; i++) {
		const ProtobufCFieldDescriptor *fd = &md->fields[i];

		if (prefix->n == 0 &&
		    (fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) && fd != reg)
			continue;
		prefix->fd[prefix->n++] = fd;
		if (fd->type == PROTOBUF_C_TYPE_MESSAGE &&
		    fd->label != PROTOBUF_C_LABEL_REPEATED &&
		    prefix->n < PB_PATH_MAX)
			cols_walk(cols, prefix, fd->descriptor, reg);
		else {
			cols->path = xreallocarray(cols->path, cols->n + 1,
			                           sizeof *cols->path);
			cols->path[cols->n++] = *prefix;
		}
		prefix->n--;
	}
}

void
ctl_cols_record(struct ctl_cols *cols, const ProtobufCFieldDescriptor *reg)
{
	struct pb_path prefix = {0};

	cols->path = NULL;
	cols->n = 0;
	cols_walk(cols, &prefix, RECORD_MD, reg);
}

void
ctl_cols_free(struct ctl_cols *cols)
{
	free(cols->path);
	cols->path = NULL;
	cols->n = 0;
}

/* Address of element i of fd in m (i = 0 for a singular field). */
static const void *
elem_ptr(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd,
         size_t i)
{
	const char *p = pb_field_ptr(m, fd);
	size_t size;

	if (fd->label != PROTOBUF_C_LABEL_REPEATED)
		return p;
	if (fd->type == PROTOBUF_C_TYPE_BYTES)
		size = sizeof(ProtobufCBinaryData);
	else if (fd->type == PROTOBUF_C_TYPE_INT64)
		size = sizeof(int64_t);
	else
		size = sizeof(void *); /* strings and messages */
	return *(const char *const *)p + i * size;
}

static char *elem_text(const ProtobufCMessage *,
                       const ProtobufCFieldDescriptor *, size_t);

/* A message as text: its present fields joined by arrow (links). */
static char *
msg_text(const ProtobufCMessage *m, const char *arrow)
{
	const ProtobufCMessageDescriptor *md = m->descriptor;
	char *s = xstrdup(""), *v, *t;
	unsigned i;

	for (i = 0; i < md->n_fields; i++) {
		if (!pb_field_present(m, &md->fields[i]) ||
		    md->fields[i].label == PROTOBUF_C_LABEL_REPEATED)
			continue;
		v = elem_text(m, &md->fields[i], 0);
		t = xasprintf("%s%s%s", s, *s != '\0' ? arrow : "", v);
		free(s);
		free(v);
		s = t;
	}
	return s;
}

/* Element i of fd in m as text, malloc'ed. */
static char *
elem_text(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd,
          size_t i)
{
	const void *p = elem_ptr(m, fd, i);
	const ProtobufCBinaryData *b;
	char buf[128];

	switch (fd->type) {
	case PROTOBUF_C_TYPE_STRING:
		return xstrdup(*(char *const *)p != NULL ? *(char *const *)p
		                                         : "");
	case PROTOBUF_C_TYPE_BYTES:
		b = p;
		return ctl_out_base64(b->data, b->len);
	case PROTOBUF_C_TYPE_MESSAGE:
		/* A list of records other than links: "a=x; b=y", as typed. */
		if (fd->descriptor != &isms__v1__link__descriptor)
			return ctl_elem_text(
			    *(const ProtobufCMessage *const *)p);
		/* linked_from: rel ← the record linking here. */
		return msg_text(*(const ProtobufCMessage *const *)p,
		                strcmp(fd->name, "linked_from") == 0 ? " ← "
		                                                     : " → ");
	default:
		if (ctl_field_is_instant(fd)) {
			timefmt_instant(*(const int64_t *)p, buf, sizeof buf);
			return xstrdup(buf);
		}
		if (pb_field_format(m, fd, i, buf, sizeof buf) != 0)
			buf[0] = '\0';
		return xstrdup(buf);
	}
}

char *
ctl_out_value(const ProtobufCMessage *root, const struct pb_path *path,
              const char *sep)
{
	const ProtobufCFieldDescriptor *leaf = path->fd[path->n - 1];
	const ProtobufCMessage *m = root;
	char *s, *v, *t;
	size_t i, n;
	int k;

	for (k = 0; k < path->n - 1 && m != NULL; k++)
		m = pb_submsg((ProtobufCMessage *)m, path->fd[k], false);
	if (m == NULL || !pb_field_present(m, leaf))
		return NULL;
	if (leaf->label != PROTOBUF_C_LABEL_REPEATED)
		return elem_text(m, leaf, 0);
	n = pb_field_count(m, leaf);
	s = xstrdup("");
	for (i = 0; i < n; i++) {
		v = elem_text(m, leaf, i);
		t = xasprintf("%s%s%s", s, i > 0 ? sep : "", v);
		free(s);
		free(v);
		s = t;
	}
	return s;
}

void
ctl_out_label(const struct pb_path *path, char *buf, size_t len)
{
	struct pb_path p = *path;

	if (p.n == 1 && strcmp(p.fd[0]->name, "linked_from") == 0) {
		snprintf(buf, len, "linked from");
		return;
	}

	if (p.n > 1 && (p.fd[0]->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)) {
		memmove(&p.fd[0], &p.fd[1], (size_t)(p.n - 1) * sizeof p.fd[0]);
		p.n--;
	}
	pb_path_format(&p, buf, len);
}

/* Width of UTF-8 text on a terminal: its code points. */
size_t
ctl_out_width(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* A terminal-safe copy of s, cut at max code points. */
char *
ctl_out_clean(const char *s, size_t max)
{
	char *out = xmalloc(strlen(s) + 4), *o = out;
	size_t cps = 0;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c & 0xc0) != 0x80 && cps++ == max) {
			memcpy(o, "…", 3); /* the rest is cut off */
			o += 3;
			break;
		}
		*o++ = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
	}
	*o = '\0';
	return out;
}

/* Writes s made safe for a terminal. */
void
ctl_out_text(FILE *f, const char *s)
{
	char *t = ctl_out_clean(s, SIZE_MAX);

	fputs(t, f);
	free(t);
}

/* The width of each column over titles and cells. */
size_t *
ctl_out_table_widths(const char *const *titles, size_t ncols,
                     char *const *cells, size_t nrows)
{
	size_t *w = xcalloc(ncols + 1, sizeof *w), r, c, k;

	for (c = 0; c < ncols; c++)
		w[c] = ctl_out_width(titles[c]);
	for (r = 0; r < nrows; r++)
		for (c = 0; c < ncols; c++)
			if ((k = ctl_out_width(cells[r * ncols + c])) > w[c])
				w[c] = k;
	return w;
}

/* Prints one row padded to widths w. */
void
ctl_out_table_row(FILE *f, const char *const *cells, size_t ncols,
                  const size_t *w)
{
	size_t c, k, pad = 0;

	/* Padding is written only before a cell with text: no trailing. */
	for (c = 0; c < ncols; c++) {
		if (*cells[c] != '\0') {
			for (k = 0; k < pad; k++)
				fputc(' ', f);
			fputs(cells[c], f);
			pad = 0;
		}
		pad += w[c] + 2 - ctl_out_width(cells[c]);
	}
	fputc('\n', f);
}

/* Prints titles and rows as aligned columns. */
void
ctl_out_table(FILE *f, const char *const *titles, size_t ncols,
              char *const *cells, size_t nrows)
{
	size_t *w = ctl_out_table_widths(titles, ncols, cells, nrows), r;

	ctl_out_table_row(f, titles, ncols, w);
	for (r = 0; r < nrows; r++)
		ctl_out_table_row(f, (const char *const *)&cells[r * ncols],
		                  ncols, w);
	free(w);
}

const char *
ctl_out_sep(const struct pb_path *path, const char *sep)
{
	const ProtobufCFieldDescriptor *leaf = path->fd[path->n - 1];

	return ctl_elem_is_list(leaf) &&
	               leaf->descriptor != &isms__v1__link__descriptor
	           ? "\n"
	           : sep;
}

void
ctl_out_record_table(FILE *f, const Isms__V1__Record *rec)
{
	struct ctl_cols cols;
	char label[256], **labels, **values, *v;
	size_t i, n = 0, w = 0, k;
	const char *p;

	ctl_cols_record(&cols, ctl_register_of(rec));
	labels = xcalloc(cols.n, sizeof *labels);
	values = xcalloc(cols.n, sizeof *values);
	for (i = 0; i < cols.n; i++) {
		/* A list of records: one element a line. */
		if ((v = ctl_out_value(&rec->base, &cols.path[i],
		                       ctl_out_sep(&cols.path[i], ", "))) ==
		    NULL)
			continue;
		ctl_out_label(&cols.path[i], label, sizeof label);
		labels[n] = xstrdup(label);
		values[n++] = v;
		if (strlen(label) > w)
			w = strlen(label);
	}
	for (i = 0; i < n; i++) {
		fprintf(f, "%s:", labels[i]);
		for (k = strlen(labels[i]); k < w + 1; k++)
			fputc(' ', f);
		/* Text on several lines continues under the value column. */
		for (p = values[i]; *p != '\0'; p++) {
			if (*p == '\n') {
				fputc('\n', f);
				for (k = 0; k < w + 2; k++)
					fputc(' ', f);
			} else if ((unsigned char)*p < 0x20 || *p == 0x7f)
				fputc(' ', f);
			else
				fputc(*p, f);
		}
		fputc('\n', f);
		free(labels[i]);
		free(values[i]);
	}
	free(labels);
	free(values);
	ctl_cols_free(&cols);
}

void
ctl_out_list_table(FILE *f, const ProtobufCFieldDescriptor *reg,
                   Isms__V1__Record *const *recs, size_t n)
{
	struct pb_path paths[NLIST_COLS];
	const char *titles[NLIST_COLS];
	char path[256], **cells, *v;
	size_t ncols = 0, c, r;

	for (c = 0; c < NLIST_COLS; c++) {
		if (list_cols[c].body && reg == NULL)
			continue;
		snprintf(path, sizeof path, "%s%s%s",
		         list_cols[c].body ? reg->name : "",
		         list_cols[c].body ? "." : "", list_cols[c].field);
		if (pb_path_resolve(RECORD_MD, path, &paths[ncols], NULL) != 0)
			continue;
		titles[ncols++] = list_cols[c].title;
	}
	cells = xcalloc(n * ncols + 1, sizeof *cells);
	for (r = 0; r < n; r++) {
		for (c = 0; c < ncols; c++) {
			v = ctl_out_value(&recs[r]->base, &paths[c], ",");
			if (v == NULL)
				v = xstrdup("-");
			if (strcmp(titles[c], "STATUS") == 0 &&
			    recs[r]->archived) {
				char *t = xasprintf("%s (archived)", v);

				free(v);
				v = t;
			}
			cells[r * ncols + c] = ctl_out_clean(
			    v, strcmp(titles[c], "TITLE") == 0 ? TITLE_MAX
			                                       : SIZE_MAX);
			free(v);
		}
	}
	ctl_out_table(f, titles, ncols, cells, n);
	for (r = 0; r < n * ncols; r++)
		free(cells[r]);
	free(cells);
}

/* Whether a header path is bookkeeping that changes with every revision. */
static bool
history_skipped(const struct pb_path *path)
{
	size_t i;

	if (path->n != 1)
		return false;
	for (i = 0; i < sizeof history_skip / sizeof history_skip[0]; i++)
		if (strcmp(path->fd[0]->name, history_skip[i]) == 0)
			return true;
	return false;
}

char *
ctl_out_changes(const Isms__V1__Record *prev, const Isms__V1__Record *cur)
{
	const ProtobufCFieldDescriptor *reg;
	struct ctl_cols cols;
	char label[256], *a, *b, *s = xstrdup(""), *t;
	size_t i;
	bool differ;

	if ((reg = ctl_register_of(cur)) == NULL)
		reg = ctl_register_of(prev);
	ctl_cols_record(&cols, reg);
	for (i = 0; i < cols.n; i++) {
		if (history_skipped(&cols.path[i]))
			continue;
		a = ctl_out_value(&prev->base, &cols.path[i], "\n");
		b = ctl_out_value(&cur->base, &cols.path[i], "\n");
		differ = (a == NULL) != (b == NULL) ||
		         (a != NULL && strcmp(a, b) != 0);
		free(a);
		free(b);
		if (!differ)
			continue;
		ctl_out_label(&cols.path[i], label, sizeof label);
		t = xasprintf("%s%s%s", s, *s != '\0' ? ", " : "", label);
		free(s);
		s = t;
	}
	ctl_cols_free(&cols);
	return s;
}

void
ctl_out_history_table(FILE *f, Isms__V1__Record *const *revs, size_t n)
{
	static const char *const titles[] = {"REV", "UPDATED", "BY", "CHANGES"};
	char **cells = xcalloc(n * 4 + 1, sizeof *cells), when[64], *ch;
	const Isms__V1__Record *r;
	size_t i;

	for (i = 0; i < n; i++) {
		r = revs[i];
		if (r->has_updated_at)
			timefmt_instant(r->updated_at, when, sizeof when);
		else
			snprintf(when, sizeof when, "-");
		if (r->rev == 1)
			ch = xstrdup("created");
		else if (i > 0)
			ch = ctl_out_changes(revs[i - 1], r);
		else
			ch = xstrdup("");
		cells[i * 4] = xasprintf("%llu", (unsigned long long)r->rev);
		cells[i * 4 + 1] = xstrdup(when);
		cells[i * 4 + 2] = ctl_out_clean(
		    r->updated_by != NULL ? r->updated_by : "-", SIZE_MAX);
		cells[i * 4 + 3] =
		    ctl_out_clean(*ch != '\0' ? ch : "-", SIZE_MAX);
		free(ch);
	}
	ctl_out_table(f, titles, 4, cells, n);
	for (i = 0; i < n * 4; i++)
		free(cells[i]);
	free(cells);
}

/* Group commit as the daemon saw it: batch sizes and write latency. */
static void
ctl_out_info_commits(FILE *f, const Isms__V1__InfoResult *info)
{
	size_t i;

	if (info->n_batch_sizes > 0) {
		fprintf(f, "batch sizes: ");
		for (i = 0; i < info->n_batch_sizes; i++) {
			const Isms__V1__BatchBucket *b = info->batch_sizes[i];

			if (b->min_size == b->max_size)
				fprintf(f, " %u: %llu", b->min_size,
				        (unsigned long long)b->commits);
			else
				fprintf(f, " %u-%u: %llu", b->min_size,
				        b->max_size,
				        (unsigned long long)b->commits);
			fputc(i + 1 < info->n_batch_sizes ? ',' : '\n', f);
		}
	}
	if (info->has_commit_p50_us && info->committed_ops > 0)
		fprintf(f,
		        "write latency (queued to durable, recent): p50 %llu "
		        "us, p90 %llu us, p99 %llu us, max %llu us\n",
		        (unsigned long long)info->commit_p50_us,
		        (unsigned long long)info->commit_p90_us,
		        (unsigned long long)info->commit_p99_us,
		        (unsigned long long)info->commit_max_us);
}

void
ctl_out_info_table(FILE *f, const Isms__V1__InfoResult *info,
                   const Isms__V1__HelloResult *hello, const char *endpoint)
{
	static const char *const titles[] = {"REGISTER", "LIVE", "ARCHIVED"};
	char started[64], role[32], **cells;
	size_t i, n = info->n_counts;

	if (info->has_started_at)
		timefmt_instant(info->started_at, started, sizeof started);
	else
		snprintf(started, sizeof started, "-");
	fprintf(f, "version:      %s\n",
	        info->server_version != NULL ? info->server_version : "-");
	if (endpoint != NULL)
		fprintf(f, "endpoint:     %s\n", endpoint);
	if (hello != NULL && hello->user != NULL) {
		/* "ed (editor)": who the server says we are, and may do. */
		fputs("user:         ", f);
		ctl_out_text(f, hello->user);
		if (hello->has_role &&
		    pb_enum_name(&isms__v1__access_role__descriptor,
		                 (int)hello->role, role, sizeof role) != NULL)
			fprintf(f, " (%s)", role);
		fputc('\n', f);
	}
	fprintf(f, "data dir:     %s\n",
	        info->data_dir != NULL ? info->data_dir : "-");
	if (info->instance_id != NULL) {
		fputs("instance:     ", f);
		ctl_out_text(f, info->instance_id);
		fputc('\n', f);
	}
	fprintf(f, "started:      %s\n", started);
	fprintf(f, "connections:  %llu\n",
	        (unsigned long long)info->connections);
	fprintf(f, "commits:      %llu (%llu operations)\n",
	        (unsigned long long)info->commits,
	        (unsigned long long)info->committed_ops);
	ctl_out_info_commits(f, info);
	if (info->has_subscribers)
		fprintf(f, "subscribers:  %llu\n",
		        (unsigned long long)info->subscribers);
	if (info->has_scheduler_passes)
		fprintf(f, "scheduler:    %llu passes\n",
		        (unsigned long long)info->scheduler_passes);
	if (info->has_journal_head)
		fprintf(f, "journal head: seq %llu\n",
		        (unsigned long long)info->journal_head);
	if (info->has_heap_bytes)
		fprintf(f,
		        "heap in use:  %.1f MiB (not counting the data map)\n",
		        (double)info->heap_bytes / (1024.0 * 1024.0));
	if (n == 0)
		return;
	fputc('\n', f);
	cells = xcalloc(n * 3, sizeof *cells);
	for (i = 0; i < n; i++) {
		cells[i * 3] = ctl_out_clean(info->counts[i]->register_ != NULL
		                                 ? info->counts[i]->register_
		                                 : "?",
		                             SIZE_MAX);
		cells[i * 3 + 1] = xasprintf(
		    "%llu", (unsigned long long)info->counts[i]->live);
		cells[i * 3 + 2] = xasprintf(
		    "%llu", (unsigned long long)info->counts[i]->archived);
	}
	ctl_out_table(f, titles, 3, cells, n);
	for (i = 0; i < n * 3; i++)
		free(cells[i]);
	free(cells);
}
