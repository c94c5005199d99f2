/* gw_json.c: a JSON body to field words to a Put (see gw_json.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fieldargs.h"
#include "gw_json.h"
#include "xmalloc.h"

/* The words built from one body. */
struct words {
	char **v;
	size_t n;
};

static void
words_add(struct words *w, char *word)
{
	w->v = xreallocarray(w->v, w->n + 1, sizeof *w->v);
	w->v[w->n++] = word;
}

static void
words_free(struct words *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
}

/* Whether key may be a field name: letters, digits, '_'. */
static bool
key_ok(const char *key)
{
	const char *p;

	if (*key == '\0')
		return false;
	for (p = key; *p != '\0'; p++)
		if (!(*p == '_' || (*p >= 'a' && *p <= 'z') ||
		      (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			return false;
	return true;
}

/* The text of scalar v as a word's value; NULL for arrays and objects. */
static char *
scalar_text(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		return xstrdup(json_string_value(v));
	case JSON_INTEGER:
		return xasprintf("%lld", (long long)json_integer_value(v));
	case JSON_REAL:
		return xasprintf("%.17g", json_real_value(v));
	case JSON_TRUE:
		return xstrdup("true");
	case JSON_FALSE:
		return xstrdup("false");
	case JSON_NULL:
		return xstrdup("");
	default:
		return NULL;
	}
}

/* Adds "path=text" for one scalar; -ISMS_EINVAL for a nested list. */
static int
add_scalar(struct words *w, const char *path, const json_t *v,
           struct isms_err *err)
{
	char *text = scalar_text(v);

	if (text == NULL)
		return isms_err_set(err, ISMS_EINVAL,
		                    "field '%s': lists of objects or lists are "
		                    "not taken over JSON; use the RPC",
		                    path);
	words_add(w, xasprintf("%s=%s", path, text));
	free(text);
	return 0;
}

static int add_object(struct words *, const char *prefix, const json_t *,
                      int depth, struct isms_err *);

/* Adds the words of one member: a scalar, a list (replaced), an object. */
static int
add_member(struct words *w, const char *path, const json_t *v, int depth,
           struct isms_err *err)
{
	size_t i;
	int rc;

	if (json_is_object(v))
		return add_object(w, path, v, depth + 1, err);
	if (!json_is_array(v))
		return add_scalar(w, path, v, err);
	if (json_array_size(v) == 0) {
		words_add(w, xasprintf("%s=", path));
		return 0;
	}
	for (i = 0; i < json_array_size(v); i++)
		if ((rc = add_scalar(w, path, json_array_get(v, i), err)) != 0)
			return rc;
	return 0;
}

/* Adds the words of every member of object o, paths under prefix. */
static int
add_object(struct words *w, const char *prefix, const json_t *o, int depth,
           struct isms_err *err)
{
	const char *key;
	json_t *v;
	char *path;
	int rc;

	if (depth > GW_JSON_DEPTH)
		return isms_err_set(err, ISMS_EINVAL,
		                    "objects nested deeper than %d at '%s'",
		                    GW_JSON_DEPTH, prefix);
	json_object_foreach((json_t *)o, key, v)
	{
		if (!key_ok(key))
			return isms_err_set(err, ISMS_EINVAL,
			                    "'%.100s' is not a field name",
			                    key);
		path = prefix[0] != '\0' ? xasprintf("%s.%s", prefix, key)
		                         : xstrdup(key);
		rc = add_member(w, path, v, depth, err);
		free(path);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Parses body as one JSON object; NULL with err (and the position). */
static json_t *
parse_body(const char *body, size_t len, struct isms_err *err)
{
	json_error_t jerr;
	json_t *root;

	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		isms_err_set(err, ISMS_EINVAL,
		             "malformed JSON at line %d, column %d (byte %d): "
		             "%s",
		             jerr.line, jerr.column, jerr.position, jerr.text);
		return NULL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		isms_err_set(err, ISMS_EINVAL,
		             "the body must be a JSON object (a record as "
		             "ismsctl -o json prints it)");
		return NULL;
	}
	return root;
}

int
gw_json_put(const ProtobufCFieldDescriptor *reg, const char *body, size_t len,
            bool update, Isms__V1__Put **out, struct isms_err *err)
{
	struct ctl_fields f = {0};
	struct words w = {0};
	json_t *root;
	int rc;

	*out = NULL;
	if ((root = parse_body(body, len, err)) == NULL)
		return -ISMS_EINVAL;
	rc = add_object(&w, "", root, 0, err);
	json_decref(root);
	if (rc == 0 && w.n == 0)
		rc = isms_err_set(err, ISMS_EINVAL, "the body names no field");
	if (rc == 0)
		rc = ctl_fields_parse(&f, reg, (int)w.n, w.v, err);
	if (rc == 0)
		rc = ctl_fields_build(&f, NULL, update, out, err);
	ctl_fields_free(&f);
	words_free(&w);
	return rc < 0 ? rc : -rc;
}
