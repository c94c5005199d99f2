/*
 * ctl_rows.c: messages that are not records (users, tokens) as a table
 * of chosen columns, a JSON array or CSV of every scalar field, driven by
 * their descriptors like the record printers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "xmalloc.h"

/* The text of a column's field in m for a terminal, malloc'ed. */
static char *
rows_cell(const ProtobufCMessage *m, const struct ctl_col *col)
{
	const ProtobufCFieldDescriptor *leaf;
	struct pb_path path;
	char *v, *c;

	if (pb_path_resolve(m->descriptor, col->field, &path, NULL) != 0 ||
	    (v = ctl_out_value(m, &path, ",")) == NULL)
		return xstrdup(col->absent != NULL ? col->absent : "-");
	leaf = path.fd[path.n - 1];
	if (leaf->type == PROTOBUF_C_TYPE_BOOL) {
		c = xstrdup(strcmp(v, "true") == 0 ? "yes" : "no");
		free(v);
		return c;
	}
	c = ctl_out_clean(*v != '\0' ? v : "-", SIZE_MAX);
	free(v);
	return c;
}

/* Whether fd is a CSV column: one scalar value. */
static bool
rows_csv_field(const ProtobufCFieldDescriptor *fd)
{
	return fd->label != PROTOBUF_C_LABEL_REPEATED &&
	       fd->type != PROTOBUF_C_TYPE_MESSAGE;
}

/* Every scalar field of md as CSV: a header of names, one row each. */
static void
rows_csv(FILE *f, const ProtobufCMessageDescriptor *md,
         ProtobufCMessage *const *msgs, size_t n)
{
	struct pb_path path = {.n = 1};
	bool first = true;
	unsigned k;
	size_t i;
	char *v;

	for (k = 0; k < md->n_fields; k++) {
		if (!rows_csv_field(&md->fields[k]))
			continue;
		fputs(first ? "" : ",", f);
		ctl_out_csv_cell(f, md->fields[k].name);
		first = false;
	}
	fputs("\r\n", f);
	for (i = 0; i < n; i++) {
		first = true;
		for (k = 0; k < md->n_fields; k++) {
			if (!rows_csv_field(&md->fields[k]))
				continue;
			path.fd[0] = &md->fields[k];
			v = ctl_out_value(msgs[i], &path, ",");
			fputs(first ? "" : ",", f);
			ctl_out_csv_cell(f, v != NULL ? v : "");
			free(v);
			first = false;
		}
		fputs("\r\n", f);
	}
}

/* The chosen columns as an aligned table under their titles. */
static void
rows_table(FILE *f, const struct ctl_col *cols, size_t ncols,
           ProtobufCMessage *const *msgs, size_t n)
{
	const char **titles = xcalloc(ncols, sizeof *titles);
	char **cells = xcalloc(n * ncols + 1, sizeof *cells);
	size_t i, c;

	for (c = 0; c < ncols; c++)
		titles[c] = cols[c].title;
	for (i = 0; i < n; i++)
		for (c = 0; c < ncols; c++)
			cells[i * ncols + c] = rows_cell(msgs[i], &cols[c]);
	ctl_out_table(f, titles, ncols, cells, n);
	for (i = 0; i < n * ncols; i++)
		free(cells[i]);
	free(cells);
	free(titles);
}

/* Prints messages as a table, a JSON array or CSV, per ctx->format. */
void
ctl_print_msgs(struct ctl_ctx *ctx, const ProtobufCMessageDescriptor *md,
               const struct ctl_col *cols, size_t ncols,
               ProtobufCMessage *const *msgs, size_t n)
{
	switch (ctx->format) {
	case CTL_FORMAT_TABLE:
		rows_table(ctx->out, cols, ncols, msgs, n);
		break;
	case CTL_FORMAT_JSON:
		ctl_out_json_array(ctx->out,
		                   (const ProtobufCMessage *const *)msgs, n);
		break;
	case CTL_FORMAT_CSV:
		rows_csv(ctx->out, md, msgs, n);
		break;
	}
}
