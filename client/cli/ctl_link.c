/*
 * ctl_link.c: "ismsctl link / unlink SOURCE REL TARGET" and "ismsctl links
 * ID": the typed relations between records, the only way records refer to
 * each other.
 */
#include <string.h>

#include "ctl.h"
#include "relations.h"
#include "output.h"

/* Prints one link line: "  rel → other" (or ←), terminal-safe. */
static void
link_line(FILE *f, const Isms__V1__Link *l, const char *arrow)
{
	fputs("  ", f);
	ctl_out_text(f, l->rel != NULL ? l->rel : "?");
	fprintf(f, " %s ", arrow);
	ctl_out_text(f, l->target != NULL ? l->target : "?");
	fputc('\n', f);
}

/* Prints "links from ID" and "linked from" sections. */
void
ctl_links_print_table(FILE *f, const char *id, const Isms__V1__LinksResult *r)
{
	size_t i;

	fputs("links from ", f);
	ctl_out_text(f, id);
	fputs(":\n", f);
	for (i = 0; i < r->n_outgoing; i++)
		link_line(f, r->outgoing[i], "→");
	if (r->n_outgoing == 0)
		fputs("  (none)\n", f);
	fputs("linked from:\n", f);
	for (i = 0; i < r->n_incoming; i++)
		link_line(f, r->incoming[i], "←");
	if (r->n_incoming == 0)
		fputs("  (none)\n", f);
}

/* One link as a JSON object; the record at the other end is "other". */
static void
links_json_one(FILE *f, const char *from, const char *rel, const char *to)
{
	fputs("{\"source\": ", f);
	ctl_out_json_string(f, from != NULL ? from : "");
	fputs(", \"rel\": ", f);
	ctl_out_json_string(f, rel != NULL ? rel : "");
	fputs(", \"target\": ", f);
	ctl_out_json_string(f, to != NULL ? to : "");
	fputc('}', f);
}

void
ctl_links_print_json(FILE *f, const char *id, const Isms__V1__LinksResult *r)
{
	size_t i;

	fputs("{\n  \"id\": ", f);
	ctl_out_json_string(f, id);
	fputs(",\n  \"outgoing\": [", f);
	for (i = 0; i < r->n_outgoing; i++) {
		fputs(i > 0 ? ",\n    " : "\n    ", f);
		links_json_one(f, id, r->outgoing[i]->rel,
		               r->outgoing[i]->target);
	}
	fputs(r->n_outgoing > 0 ? "\n  ],\n  \"incoming\": ["
	                        : "],\n  \"incoming\": [",
	      f);
	for (i = 0; i < r->n_incoming; i++) {
		fputs(i > 0 ? ",\n    " : "\n    ", f);
		links_json_one(f, r->incoming[i]->target, r->incoming[i]->rel,
		               id);
	}
	fputs(r->n_incoming > 0 ? "\n  ]\n}\n" : "]\n}\n", f);
}

/* One CSV row: direction, source, rel, target. */
static void
links_csv_row(FILE *f, const char *dir, const char *from, const char *rel,
              const char *to)
{
	const char *cells[] = {dir, from, rel, to};
	size_t i;

	for (i = 0; i < 4; i++) {
		if (i > 0)
			fputc(',', f);
		ctl_out_csv_cell(f, cells[i] != NULL ? cells[i] : "");
	}
	fputs("\r\n", f);
}

/* Both directions as CSV rows. */
static void
links_print_csv(FILE *f, const char *id, const Isms__V1__LinksResult *r)
{
	size_t i;

	fputs("direction,source,rel,target\r\n", f);
	for (i = 0; i < r->n_outgoing; i++)
		links_csv_row(f, "out", id, r->outgoing[i]->rel,
		              r->outgoing[i]->target);
	for (i = 0; i < r->n_incoming; i++)
		links_csv_row(f, "in", r->incoming[i]->target,
		              r->incoming[i]->rel, id);
}

/* "ismsctl links ID". */
static int
links_exec(struct ctl_ctx *ctx, const struct ctl_cmd *cmd, int argc,
           char **argv)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Links links = ISMS__V1__LINKS__INIT;
	Isms__V1__Reply *reply;
	struct ctl_opts o;
	int rc;

	(void)cmd;
	if ((rc = ctl_opts_parse(ctx, "links", 0, argc - 1, argv + 1, &o)) != 0)
		goto out;
	if (o.help || o.npos != 1) {
		rc = o.help
		         ? CTL_EXIT_OK
		         : ctl_error(CTL_EXIT_USAGE, "usage: ismsctl links ID");
		if (o.help)
			fputs("usage: ismsctl links ID\n", ctx->out);
		goto out;
	}
	links.id = o.pos[0];
	req.call_case = ISMS__V1__REQUEST__CALL_LINKS;
	req.links = &links;
	if ((rc = ctl_call_expect(ctx, &req, ISMS__V1__REPLY__RESULT_LINKS,
	                          &reply)) != 0)
		goto out;
	switch (ctx->format) {
	case CTL_FORMAT_TABLE:
		ctl_links_print_table(ctx->out, o.pos[0], reply->links);
		break;
	case CTL_FORMAT_JSON:
		ctl_links_print_json(ctx->out, o.pos[0], reply->links);
		break;
	case CTL_FORMAT_CSV:
		links_print_csv(ctx->out, o.pos[0], reply->links);
		break;
	}
	isms_reply_free(reply);
out:
	ctl_opts_free(&o);
	return rc;
}

/* Sends the LinkEdit and prints the updated source record. */
static int
link_send(struct ctl_ctx *ctx, const struct ctl_opts *o, bool remove)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__LinkEdit edit = ISMS__V1__LINK_EDIT__INIT;
	Isms__V1__Reply *reply;
	int rc;

	edit.source = o->pos[0];
	edit.rel = o->pos[1];
	edit.target = o->pos[2];
	edit.has_remove = remove;
	edit.remove = remove;
	edit.has_expect_rev = o->has_rev;
	edit.expect_rev = o->rev;
	req.call_case = ISMS__V1__REQUEST__CALL_LINK;
	req.link = &edit;
	if ((rc = ctl_call_expect(ctx, &req, ISMS__V1__REPLY__RESULT_RECORD,
	                          &reply)) != 0)
		return rc;
	if (ctx->format == CTL_FORMAT_TABLE) {
		fputs(remove ? "unlinked " : "linked ", ctx->out);
		ctl_out_text(ctx->out, o->pos[0]);
		fputc(' ', ctx->out);
		ctl_out_text(ctx->out, o->pos[1]);
		fputs(" → ", ctx->out);
		ctl_out_text(ctx->out, o->pos[2]);
		fprintf(ctx->out, " (rev %llu)\n",
		        (unsigned long long)reply->record->rev);
	} else
		ctl_print_record(ctx, reply->record);
	isms_reply_free(reply);
	return 0;
}

/* "ismsctl link|unlink SOURCE REL TARGET [--rev N]". */
static int
link_exec(struct ctl_ctx *ctx, const struct ctl_cmd *cmd, int argc, char **argv)
{
	bool remove = cmd == &ctl_cmd_unlink;
	struct ctl_opts o;
	int rc;

	rc =
	    ctl_opts_parse(ctx, cmd->name, CTL_OPT_REV, argc - 1, argv + 1, &o);
	if (rc == 0 && o.help)
		fprintf(ctx->out, "usage: ismsctl %s\n", cmd->usage);
	else if (rc == 0 && o.npos != 3)
		rc = ctl_error(CTL_EXIT_USAGE, "usage: ismsctl %s", cmd->usage);
	else if (rc == 0)
		rc = link_send(ctx, &o, remove);
	ctl_opts_free(&o);
	return rc;
}

/* The relations a link may have (common/relations.c), for "help link". */
static void
link_relations_print(FILE *f)
{
	size_t i;

	fprintf(f, "\nRelations (REL: from SOURCE registers to TARGET "
	           "registers):\n");
	for (i = 0; i < relations_count; i++)
		fprintf(f, "  %-14s %s -> %s\n  %-14s %s\n", relations[i].rel,
		        relations[i].from, relations[i].to, "",
		        relations[i].meaning);
}

const struct ctl_cmd ctl_cmd_link = {
    .name = "link",
    .usage = "link SOURCE REL TARGET [--rev N]",
    .help = "link two records: SOURCE --REL--> TARGET",
    .detail =
        "Adds the typed link SOURCE --REL--> TARGET to SOURCE. REL is one "
        "of the\n"
        "relations below, between the registers it names; any other is "
        "refused\n"
        "naming the valid ones. With --rev N, only if SOURCE is still at\n"
        "revision N. Prints the new revision of SOURCE (-o json / csv: the\n"
        "whole record).\n",
    .more = link_relations_print,
    .exec = link_exec,
};

const struct ctl_cmd ctl_cmd_unlink = {
    .name = "unlink",
    .usage = "unlink SOURCE REL TARGET [--rev N]",
    .help = "remove the link SOURCE --REL--> TARGET",
    .exec = link_exec,
};

const struct ctl_cmd ctl_cmd_links = {
    .name = "links",
    .usage = "links ID",
    .help = "the links of a record, and the records linking to it",
    .detail = "Two sections: 'links from ID' (rel → target) and 'linked "
              "from'\n"
              "(rel ← the record holding the link). -o csv: "
              "direction,source,rel,\n"
              "target rows; -o json: outgoing and incoming lists.\n",
    .exec = links_exec,
};
