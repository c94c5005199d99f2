/*
 * ctl_ingest.c: "ismsctl incident ingest source=S external_id=X title=...
 * severity=... [description=...] [detected_at=...] [resolved_at=...]
 * [link=URL] [state=firing|resolved]": one Ingest call, the words read
 * against the Ingest message's descriptor (instants in ISO 8601).
 */
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "fieldargs.h"
#include "pbfield.h"
#include "timefmt.h"

/* Sets one word "name=value" on in, by its field in the descriptor. */
static int
ingest_word(Isms__V1__Ingest *in, const char *w)
{
	const ProtobufCFieldDescriptor *fd;
	const char *eq = strchr(w, '=');
	char name[64], num[32], tname[600];
	const char *text;
	int64_t t;

	if (eq == NULL || (size_t)(eq - w) >= sizeof name)
		return ctl_error(CTL_EXIT_USAGE,
		                 "incident ingest takes field=value words, got "
		                 "'%s'",
		                 w);
	memcpy(name, w, (size_t)(eq - w));
	name[eq - w] = '\0';
	text = eq + 1;
	if ((fd = pb_field_by_name(in->base.descriptor, name)) == NULL) {
		ctl_error(
		    CTL_EXIT_USAGE,
		    "incident ingest has no field '%s'; its fields:", name);
		for (unsigned i = 0; i < in->base.descriptor->n_fields; i++)
			fprintf(stderr, "  %s\n",
			        in->base.descriptor->fields[i].name);
		return CTL_EXIT_USAGE;
	}
	if (ctl_field_is_instant(fd)) {
		if (timefmt_parse_instant(text, &t) != 0)
			return ctl_error(
			    CTL_EXIT_USAGE,
			    "field '%s' expects an ISO 8601 instant "
			    "(2026-11-28T10:00:00Z or 2026-11-28), "
			    "got '%s'",
			    name, text);
		snprintf(num, sizeof num, "%lld", (long long)t);
		text = num;
	}
	if (pb_field_present(&in->base, fd))
		return ctl_error(CTL_EXIT_USAGE, "field '%s' is given twice",
		                 name);
	if (pb_field_set_text(&in->base, fd, text, NULL) != 0) {
		pb_field_type_name(fd, tname, sizeof tname);
		return ctl_error(CTL_EXIT_USAGE,
		                 "field '%s' expects %s, got '%s'", name, tname,
		                 eq + 1);
	}
	return 0;
}

/* "created INC-0001 (rev 1)" / "updated INC-0001 (rev 3, repeat 2)". */
static void
ingest_print(FILE *f, const Isms__V1__IngestResult *r)
{
	const Isms__V1__Record *rec = r->record;

	fprintf(f, "%s %s (rev %llu", r->created ? "created" : "updated",
	        rec != NULL && rec->id != NULL ? rec->id : "?",
	        rec != NULL ? (unsigned long long)rec->rev : 0ULL);
	if (!r->created)
		fprintf(f, ", repeat %u", r->repeat_count);
	fprintf(f, ")\n");
}

int
ctl_ingest_exec(struct ctl_ctx *ctx, const struct ctl_args *a)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__Ingest *in =
	    (Isms__V1__Ingest *)pb_new(&isms__v1__ingest__descriptor);
	Isms__V1__Reply *reply;
	int rc = 0, i;

	for (i = 0; i < a->nwords && rc == 0; i++)
		rc = ingest_word(in, a->words[i]);
	if (rc == 0) {
		req.call_case = ISMS__V1__REQUEST__CALL_INGEST;
		req.ingest = in;
		rc = ctl_call_expect(ctx, &req, ISMS__V1__REPLY__RESULT_INGEST,
		                     &reply);
	}
	protobuf_c_message_free_unpacked(&in->base, NULL);
	if (rc != 0)
		return rc;
	/* JSON: the whole result (created, repeat_count and the record);
	 * CSV: the record's row. */
	if (ctx->format == CTL_FORMAT_TABLE)
		ingest_print(ctx->out, reply->ingest);
	else if (ctx->format == CTL_FORMAT_JSON)
		ctl_out_json(ctx->out, &reply->ingest->base);
	else if (reply->ingest->record != NULL)
		ctl_print_record(ctx, reply->ingest->record);
	isms_reply_free(reply);
	return 0;
}
