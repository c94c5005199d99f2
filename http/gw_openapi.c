/*
 * gw_openapi.c: the OpenAPI 3.1 document of the JSON API, generated from
 * the descriptors: a path pair per register (the members of Record's
 * body), a schema per message the API returns or takes, in the JSON shape
 * ismsctl prints (enums by human name, instants as date-time strings).
 */
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <jansson.h>

#include "fieldargs.h"
#include "gw_hooks.h"
#include "gw_req.h"
#include "pbfield.h"

static void schema_add(json_t *schemas, const ProtobufCMessageDescriptor *);

static json_t *
ref(const char *name)
{
	char buf[160];

	snprintf(buf, sizeof buf, "#/components/schemas/%s", name);
	return json_pack("{s:s}", "$ref", buf);
}

/* The schema of one value of fd (one element for a list). */
static json_t *
field_schema(json_t *schemas, const ProtobufCFieldDescriptor *fd)
{
	const ProtobufCEnumDescriptor *ed;
	json_t *e;
	char name[128];
	unsigned i;

	switch (fd->type) {
	case PROTOBUF_C_TYPE_MESSAGE:
		schema_add(schemas, fd->descriptor);
		return ref(((const ProtobufCMessageDescriptor *)fd->descriptor)
		               ->short_name);
	case PROTOBUF_C_TYPE_ENUM:
		ed = fd->descriptor;
		e = json_array();
		for (i = 0; i < ed->n_values; i++)
			if (pb_enum_name(ed, ed->values[i].value, name,
			                 sizeof name) != NULL)
				json_array_append_new(e, json_string(name));
		return json_pack("{s:s,s:o}", "type", "string", "enum", e);
	case PROTOBUF_C_TYPE_STRING:
		return json_pack("{s:s}", "type", "string");
	case PROTOBUF_C_TYPE_BYTES:
		return json_pack("{s:s,s:s}", "type", "string",
		                 "contentEncoding", "base64");
	case PROTOBUF_C_TYPE_BOOL:
		return json_pack("{s:s}", "type", "boolean");
	case PROTOBUF_C_TYPE_FLOAT:
	case PROTOBUF_C_TYPE_DOUBLE:
		return json_pack("{s:s}", "type", "number");
	default:
		if (ctl_field_is_instant(fd))
			return json_pack("{s:s,s:s}", "type", "string",
			                 "format", "date-time");
		return json_pack("{s:s}", "type", "integer");
	}
}

/* Adds md's schema (and those it uses) to schemas, once. */
static void
schema_add(json_t *schemas, const ProtobufCMessageDescriptor *md)
{
	json_t *props, *v;
	unsigned i;

	if (json_object_get(schemas, md->short_name) != NULL)
		return;
	props = json_object();
	json_object_set_new(
	    schemas, md->short_name,
	    json_pack("{s:s,s:o}", "type", "object", "properties", props));
	for (i = 0; i < md->n_fields; i++) {
		v = field_schema(schemas, &md->fields[i]);
		if (md->fields[i].label == PROTOBUF_C_LABEL_REPEATED)
			v = json_pack("{s:s,s:o}", "type", "array", "items", v);
		json_object_set_new(props, md->fields[i].name, v);
	}
}

/* A response: the schema under application/json. */
static json_t *
response(const char *what, json_t *schema)
{
	return json_pack("{s:s,s:{s:{s:o}}}", "description", what, "content",
	                 "application/json", "schema", schema);
}

/* The responses every operation shares, errors by their schema. */
static json_t *
responses(const char *ok, const char *what, json_t *schema)
{
	json_t *r = json_object();

	json_object_set_new(r, ok, response(what, schema));
	json_object_set_new(r, "default", response("an error", ref("Error")));
	return r;
}

static json_t *
param(const char *name, const char *in, bool required, const char *type)
{
	return json_pack("{s:s,s:s,s:b,s:{s:s}}", "name", name, "in", in,
	                 "required", required, "schema", "type", type);
}

/* The operations of /v1/{reg} and /v1/{reg}/{id}. */
static void
register_paths(json_t *paths, const ProtobufCFieldDescriptor *reg)
{
	char p1[96], p2[112], ids[4][96];
	json_t *list, *one;

	snprintf(p1, sizeof p1, "/v1/%s", reg->name);
	snprintf(p2, sizeof p2, "/v1/%s/{id}", reg->name);
	snprintf(ids[0], sizeof ids[0], "list_%s", reg->name);
	snprintf(ids[1], sizeof ids[1], "create_%s", reg->name);
	snprintf(ids[2], sizeof ids[2], "get_%s", reg->name);
	snprintf(ids[3], sizeof ids[3], "update_%s", reg->name);
	list = json_pack(
	    "{s:{s:s,s:s,s:[o,o,o,o,o,o],s:o},s:{s:s,s:s,s:{s:b,s:{s:{s:o}}},"
	    "s:o}}",
	    "get", "operationId", ids[0], "summary",
	    "List records (query parameters filter: FIELD=VALUE)", "parameters",
	    param("owner", "query", false, "string"),
	    param("status", "query", false, "string"),
	    param("tag", "query", false, "string"),
	    param("archived", "query", false, "string"),
	    param("page_size", "query", false, "integer"),
	    param("page_token", "query", false, "string"), "responses",
	    responses("200", "records",
	              json_pack("{s:s,s:o}", "type", "array", "items",
	                        ref("Record"))),
	    "post", "operationId", ids[1], "summary", "Create a record",
	    "requestBody", "required", 1, "content", "application/json",
	    "schema", ref("Record"), "responses",
	    responses("201", "the record created", ref("Record")));
	one = json_pack(
	    "{s:[o],s:{s:s,s:s,s:o},s:{s:s,s:s,s:[o],s:{s:b,s:{s:{s:o}}},s:o}}",
	    "parameters", param("id", "path", true, "string"), "get",
	    "operationId", ids[2], "summary", "One record (ETag: its rev)",
	    "responses", responses("200", "the record", ref("Record")), "patch",
	    "operationId", ids[3], "summary",
	    "Change the fields the body names (If-Match: a rev)", "parameters",
	    param("If-Match", "header", false, "string"), "requestBody",
	    "required", 1, "content", "application/json", "schema",
	    ref("Record"), "responses",
	    responses("200", "the record changed", ref("Record")));
	json_object_set_new(paths, p1, list);
	json_object_set_new(paths, p2, one);
}

/* The schema a command route's answer has. */
static json_t *
command_schema(const struct gw_route *rt)
{
	if (rt->content != NULL)
		return json_pack("{s:s}", "type", "string");
	if (strcmp(rt->schema, "array") == 0)
		return json_pack("{s:s,s:{s:s}}", "type", "array", "items",
		                 "type", "object");
	if (strcmp(rt->schema, "object") == 0)
		return json_pack("{s:s}", "type", "object");
	return ref(rt->schema);
}

/* The lower-case name of a method, for an operation. */
static const char *
op_method(enum evhttp_cmd_type m)
{
	switch (m) {
	case EVHTTP_REQ_POST:
		return "post";
	case EVHTTP_REQ_PUT:
		return "put";
	case EVHTTP_REQ_PATCH:
		return "patch";
	case EVHTTP_REQ_DELETE:
		return "delete";
	default:
		return "get";
	}
}

/* The 200 response of a command route. */
static json_t *
command_responses(const struct gw_route *rt)
{
	json_t *resp;

	if (rt->content == NULL)
		return responses("200", rt->returns, command_schema(rt));
	resp = json_object();
	json_object_set_new(resp, "200",
	                    json_pack("{s:s,s:{s:{s:o}}}", "description",
	                              rt->returns, "content", rt->content,
	                              "schema", command_schema(rt)));
	return resp;
}

/* One operation of a command route: its method m of n. */
static json_t *
command_op(const struct gw_route *rt, size_t m, size_t n)
{
	const char *meth = op_method(rt->m[m].method);
	json_t *params = json_array(), *op;
	char id[96];
	size_t k;

	for (k = 0; k < GW_PARAMS_MAX && rt->params[k].name != NULL; k++)
		json_array_append_new(
		    params, param(rt->params[k].name, rt->params[k].in,
		                  strcmp(rt->params[k].in, "path") == 0,
		                  rt->params[k].type));
	if (n > 1)
		snprintf(id, sizeof id, "%s_%s", rt->op_id, meth);
	else
		snprintf(id, sizeof id, "%s", rt->op_id);
	op = json_pack("{s:s,s:s,s:o,s:o}", "operationId", id, "summary",
	               rt->summary, "parameters", params, "responses",
	               command_responses(rt));
	if (strcmp(meth, "get") != 0 && strcmp(meth, "delete") != 0)
		json_object_set_new(op, "requestBody",
		                    json_pack("{s:{s:{s:{s:s}}}}", "content",
		                              "application/json", "schema",
		                              "type", "object"));
	if (rt->public_) /* no credential needed */
		json_object_set_new(op, "security", json_array());
	return op;
}

/* The paths of the command routes, from the route table. */
static void
command_paths(json_t *paths)
{
	const struct gw_route *rt;
	json_t *item;
	size_t i, m, n;

	for (i = 0; (rt = gw_route_nth(i)) != NULL; i++) {
		if (rt->op_id == NULL)
			continue;
		for (n = 0; n < GW_METHODS_MAX && rt->m[n].fn != NULL; n++)
			;
		item = json_object();
		for (m = 0; m < n; m++)
			json_object_set_new(item, op_method(rt->m[m].method),
			                    command_op(rt, m, n));
		json_object_set_new(paths, rt->pattern, item);
	}
}

/* The webhooks: POST a source's payload, one Ingest per alert. */
static void
hook_paths(json_t *paths)
{
	const char *name;
	char path[64], id[64];
	int i;

	for (i = 0; (name = gw_hook_name((enum gw_hook)i)) != NULL; i++) {
		snprintf(path, sizeof path, "/v1/hooks/%s", name);
		snprintf(id, sizeof id, "hook_%s", name);
		json_object_set_new(
		    paths, path,
		    json_pack(
		        "{s:{s:s,s:s,s:{s:b,s:{s:{s:{s:s}}}},s:o}}", "post",
		        "summary",
		        "A webhook: the payload becomes Ingest calls",
		        "operationId", id, "requestBody", "required", 1,
		        "content", "application/json", "schema", "type",
		        "object", "responses",
		        responses("200", "what became of each alert",
		                  json_pack("{s:s,s:{s:{s:s}}}", "type",
		                            "object", "properties", "results",
		                            "type", "array"))));
	}
}

/* The whole document (a new reference). */
static json_t *
openapi_doc(void)
{
	json_t *paths = json_object(), *schemas = json_object();
	const ProtobufCFieldDescriptor *reg;
	size_t i;

	for (i = 0; (reg = ctl_register_nth(i)) != NULL; i++)
		register_paths(paths, reg);
	command_paths(paths);
	hook_paths(paths);
	schema_add(schemas, &isms__v1__record__descriptor);
	schema_add(schemas, &isms__v1__due_result__descriptor);
	schema_add(schemas, &isms__v1__register_info__descriptor);
	json_object_set_new(schemas, "Error",
	                    json_pack("{s:s,s:[s,s],s:{s:{s:s},s:{s:s}}}",
	                              "type", "object", "required", "code",
	                              "message", "properties", "code", "type",
	                              "string", "message", "type", "string"));
	return json_pack(
	    "{s:s,s:{s:s,s:s},s:o,s:{s:o,s:{s:{s:s,s:s},s:{s:s,s:s,s:s}}},"
	    "s:[{s:[]},{s:[]}]}",
	    "openapi", "3.1.0", "info", "title", "ismsd JSON API", "version",
	    ISMS_VERSION, "paths", paths, "components", "schemas", schemas,
	    "securitySchemes", "bearer", "type", "http", "scheme", "bearer",
	    "session", "type", "apiKey", "in", "cookie", "name", "isms_session",
	    "security", "bearer", "session");
}

void
gw_openapi_serve(struct gw_req *r)
{
	struct evbuffer *buf = evbuffer_new();
	json_t *doc = openapi_doc();
	char *text = json_dumps(doc, JSON_INDENT(1) | JSON_SORT_KEYS);

	evbuffer_add(buf, text, strlen(text));
	evbuffer_add(buf, "\n", 1);
	gw_reply_json(r->req, 200, buf);
	evbuffer_free(buf);
	free(text);
	json_decref(doc);
	gw_req_free(r);
}
