/* gw_hooks.c: webhook payloads to Ingest requests (see gw_hooks.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "gw_hooks.h"
#include "timefmt.h"
#include "xmalloc.h"

#define SEV(x)   ISMS__V1__SEVERITY__SEVERITY_##x
#define STATE(x) ISMS__V1__INGEST_STATE__INGEST_STATE_##x

/* Severity words of the sources (Alertmanager labels, the incident form),
 * case-insensitive. A word not listed (or none) is medium. */
static const struct {
	const char *word;
	Isms__V1__Severity sev;
} sev_words[] = {
    {"critical", SEV(CRITICAL)}, {"crit", SEV(CRITICAL)},
    {"page", SEV(CRITICAL)},     {"emergency", SEV(CRITICAL)},
    {"fatal", SEV(CRITICAL)},    {"disaster", SEV(CRITICAL)},
    {"high", SEV(HIGH)},         {"error", SEV(HIGH)},
    {"major", SEV(HIGH)},        {"warning", SEV(MEDIUM)},
    {"warn", SEV(MEDIUM)},       {"medium", SEV(MEDIUM)},
    {"moderate", SEV(MEDIUM)},   {"minor", SEV(LOW)},
    {"low", SEV(LOW)},           {"info", SEV(LOW)},
    {"informational", SEV(LOW)}, {"notice", SEV(LOW)},
    {"none", SEV(LOW)},          {"debug", SEV(LOW)},
};

/* OCSF severity_id 0..6: Unknown, Informational, Low, Medium, High,
 * Critical, Fatal (99 Other is medium). */
static const Isms__V1__Severity ocsf_sev[] = {
    SEV(MEDIUM), SEV(LOW),      SEV(LOW),      SEV(MEDIUM),
    SEV(HIGH),   SEV(CRITICAL), SEV(CRITICAL),
};

/* The severity of word; 0 when word is not one (strict) or medium. */
static Isms__V1__Severity
sev_of(const char *word, bool strict)
{
	size_t i;

	for (i = 0; word != NULL && i < sizeof sev_words / sizeof *sev_words;
	     i++)
		if (strcasecmp(word, sev_words[i].word) == 0)
			return sev_words[i].sev;
	return strict ? 0 : SEV(MEDIUM);
}

/* The string member key of o (any depth of "a.b"), or NULL. */
static const char *
str_at(const json_t *o, const char *key)
{
	char path[64], *dot, *k = path;
	const json_t *v = o;

	snprintf(path, sizeof path, "%s", key);
	while ((dot = strchr(k, '.')) != NULL && v != NULL) {
		*dot = '\0';
		v = json_object_get(v, k);
		k = dot + 1;
	}
	v = json_is_object(v) ? json_object_get(v, k) : NULL;
	return json_is_string(v) && json_string_value(v)[0] != '\0'
	           ? json_string_value(v)
	           : NULL;
}

/* Parses RFC 3339 ("2026-12-07T21:00:00.123Z", "...+02:00") into Unix
 * seconds; false when malformed or before 1970 (Alertmanager's zero time
 * "0001-01-01T00:00:00Z" means none). */
static bool
rfc3339(const char *s, int64_t *t)
{
	char head[24];
	const char *p;
	int oh, om, n = 0;

	if (s == NULL || strlen(s) < 19)
		return false;
	snprintf(head, sizeof head, "%.19sZ", s);
	if (timefmt_parse_instant(head, t) != 0)
		return false;
	p = s + 19;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			;
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0')
		return *t > 0;
	if ((*p != '+' && *p != '-') ||
	    sscanf(p + 1, "%2d:%2d%n", &oh, &om, &n) != 2 || n != 5 ||
	    p[6] != '\0' || oh > 23 || om > 59)
		return false;
	*t -= (*p == '+' ? 1 : -1) * (int64_t)(oh * 3600 + om * 60);
	return *t > 0;
}

/* A new Ingest of source with key id. */
static Isms__V1__Ingest *
ingest_new(const char *source, const char *id)
{
	Isms__V1__Ingest *in = xmalloc(sizeof *in);

	isms__v1__ingest__init(in);
	in->source = xstrdup(source);
	in->external_id = xstrdup(id);
	return in;
}

static void
set_str(char **dst, const char *s)
{
	if (s != NULL)
		*dst = xstrdup(s);
}

/* Sets the link when s is an http(s) URL (anything else is left out, so
 * an odd URL does not cost the incident). */
static void
set_link(Isms__V1__Ingest *in, const char *s)
{
	if (s != NULL &&
	    (strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0))
		in->link = xstrdup(s);
}

static void
set_state(Isms__V1__Ingest *in, bool resolved)
{
	in->has_state = true;
	in->state = resolved ? STATE(RESOLVED) : STATE(FIRING);
}

static void
batch_add(struct gw_hook_batch *b, Isms__V1__Ingest *in)
{
	b->v = xreallocarray(b->v, b->n + 1, sizeof *b->v);
	b->v[b->n++] = in;
}

/* One Alertmanager alert (number i) into b. */
static int
am_alert(const json_t *a, size_t i, const char *status, struct gw_hook_batch *b,
         struct isms_err *err)
{
	const char *fp = str_at(a, "fingerprint"), *st, *title;
	Isms__V1__Ingest *in;
	bool resolved;

	if (!json_is_object(a) || fp == NULL)
		return isms_err_set(err, ISMS_EINVAL,
		                    "alerts[%zu]: an alert needs a "
		                    "'fingerprint' (the dedupe key)",
		                    i);
	st = str_at(a, "status") != NULL ? str_at(a, "status") : status;
	if (st == NULL ||
	    (strcmp(st, "firing") != 0 && strcmp(st, "resolved") != 0))
		return isms_err_set(err, ISMS_EINVAL,
		                    "alerts[%zu]: status must be 'firing' or "
		                    "'resolved'",
		                    i);
	resolved = strcmp(st, "resolved") == 0;
	in = ingest_new("alertmanager", fp);
	title = str_at(a, "annotations.summary");
	if (title == NULL)
		title = str_at(a, "labels.alertname");
	in->title =
	    title != NULL ? xstrdup(title) : xasprintf("Alert %.64s", fp);
	set_str(&in->description, str_at(a, "annotations.description"));
	in->has_severity = true;
	in->severity = sev_of(str_at(a, "labels.severity"), false);
	set_link(in, str_at(a, "generatorURL"));
	in->has_detected_at = rfc3339(str_at(a, "startsAt"), &in->detected_at);
	if (resolved)
		in->has_resolved_at =
		    rfc3339(str_at(a, "endsAt"), &in->resolved_at);
	if (in->has_resolved_at && in->has_detected_at &&
	    in->resolved_at < in->detected_at)
		in->resolved_at = in->detected_at;
	set_state(in, resolved);
	batch_add(b, in);
	return 0;
}

/* Alertmanager's webhook payload, version 4. */
static int
hook_alertmanager(const json_t *root, struct gw_hook_batch *b,
                  struct isms_err *err)
{
	const char *ver = str_at(root, "version");
	const json_t *alerts = json_object_get(root, "alerts");
	size_t i;
	int rc;

	if (ver == NULL || strcmp(ver, "4") != 0)
		return isms_err_set(err, ISMS_EINVAL,
		                    "an Alertmanager payload has \"version\": "
		                    "\"4\"");
	if (!json_is_array(alerts) || json_array_size(alerts) == 0)
		return isms_err_set(err, ISMS_EINVAL,
		                    "'alerts' must be a non-empty array");
	if (json_array_size(alerts) > GW_HOOK_MAX)
		return isms_err_set(err, ISMS_EINVAL,
		                    "more than %d alerts in one payload",
		                    GW_HOOK_MAX);
	for (i = 0; i < json_array_size(alerts); i++)
		if ((rc = am_alert(json_array_get(alerts, i), i,
		                   str_at(root, "status"), b, err)) != 0)
			return rc;
	return 0;
}

/* An integer member of o in [lo, hi]; false when absent or out. */
static bool
int_at(const json_t *o, const char *key, long long lo, long long hi,
       long long *v)
{
	const json_t *j = json_object_get(o, key);

	if (!json_is_integer(j))
		return false;
	*v = json_integer_value(j);
	return *v >= lo && *v <= hi;
}

/* OCSF milliseconds since the epoch, as Unix seconds. */
static bool
ocsf_time(const json_t *o, const char *key, int64_t *t)
{
	long long ms;

	if (!int_at(o, key, 1, (long long)1 << 52, &ms))
		return false;
	*t = ms / 1000;
	return true;
}

/* The finding_info object (or the first of finding_info_list). */
static const json_t *
ocsf_info(const json_t *root)
{
	const json_t *fi = json_object_get(root, "finding_info");

	if (!json_is_object(fi))
		fi = json_array_get(json_object_get(root, "finding_info_list"),
		                    0);
	return json_is_object(fi) ? fi : NULL;
}

/* An OCSF Incident Finding (class_uid 2005). */
static int
hook_ocsf(const json_t *root, struct gw_hook_batch *b, struct isms_err *err)
{
	const json_t *fi = ocsf_info(root);
	long long cls, act, sev = 0;
	Isms__V1__Ingest *in;
	const char *link;

	if (!int_at(root, "class_uid", 0, 999999, &cls) || cls != 2005)
		return isms_err_set(err, ISMS_EINVAL,
		                    "only OCSF Incident Findings are taken "
		                    "(class_uid 2005)");
	if (fi == NULL || str_at(fi, "uid") == NULL)
		return isms_err_set(err, ISMS_EINVAL,
		                    "finding_info.uid is needed (the dedupe "
		                    "key)");
	if (!int_at(root, "activity_id", 1, 3, &act))
		return isms_err_set(err, ISMS_EINVAL,
		                    "activity_id must be 1 (create), 2 "
		                    "(update) or 3 (close)");
	in = ingest_new("ocsf", str_at(fi, "uid"));
	set_str(&in->title, str_at(fi, "title"));
	set_str(&in->description, str_at(fi, "desc"));
	if (!int_at(root, "severity_id", 0, 6, &sev))
		sev = 0;
	in->has_severity = true;
	in->severity = ocsf_sev[sev];
	link = str_at(fi, "src_url");
	set_link(in, link != NULL ? link : str_at(root, "src_url"));
	in->has_detected_at =
	    ocsf_time(fi, "first_seen_time", &in->detected_at);
	if (act == 3 && !ocsf_time(root, "end_time", &in->resolved_at))
		in->has_resolved_at = ocsf_time(root, "time", &in->resolved_at);
	else
		in->has_resolved_at = act == 3;
	if (in->has_resolved_at && in->has_detected_at &&
	    in->resolved_at < in->detected_at)
		in->resolved_at = in->detected_at;
	set_state(in, act == 3);
	batch_add(b, in);
	return 0;
}

/* The members of the incident form. */
static const char *const form_keys[] = {
    "source", "external_id", "title",       "severity",    "description",
    "state",  "link",        "detected_at", "resolved_at",
};

/* Refuses a member the form has not, or one that is not a string. */
static int
form_members(const json_t *root, struct isms_err *err)
{
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach((json_t *)root, key, v)
	{
		for (i = 0; i < sizeof form_keys / sizeof *form_keys; i++)
			if (strcmp(key, form_keys[i]) == 0)
				break;
		if (i == sizeof form_keys / sizeof *form_keys)
			return isms_err_set(err, ISMS_EINVAL,
			                    "'%.100s' is not a member of the "
			                    "incident form",
			                    key);
		if (!json_is_string(v) && !json_is_null(v))
			return isms_err_set(err, ISMS_EINVAL,
			                    "'%s' must be a string", key);
	}
	return 0;
}

/* An instant of the form (ISO 8601 or RFC 3339); false when bad. */
static bool
form_time(const char *s, protobuf_c_boolean *has, int64_t *t)
{
	*has = false;
	if (s == NULL)
		return true;
	*has = timefmt_parse_instant(s, t) == 0 || rfc3339(s, t);
	return *has;
}

/* The gateway's incident form (README, ismsd-http). */
static int
hook_incident(const json_t *root, struct gw_hook_batch *b, struct isms_err *err)
{
	const char *st = str_at(root, "state"), *sev = str_at(root, "severity");
	Isms__V1__Ingest *in;
	int rc;

	if ((rc = form_members(root, err)) != 0)
		return rc;
	if (str_at(root, "source") == NULL ||
	    str_at(root, "external_id") == NULL)
		return isms_err_set(err, ISMS_EINVAL,
		                    "'source' and 'external_id' are needed "
		                    "(the dedupe key)");
	if (st != NULL && strcmp(st, "firing") != 0 &&
	    strcmp(st, "resolved") != 0)
		return isms_err_set(err, ISMS_EINVAL,
		                    "'state' must be 'firing' or 'resolved'");
	if (sev != NULL && sev_of(sev, true) == 0)
		return isms_err_set(err, ISMS_EINVAL,
		                    "'severity': '%.40s' is not a severity "
		                    "(low, medium, high, critical)",
		                    sev);
	in = ingest_new(str_at(root, "source"), str_at(root, "external_id"));
	batch_add(b, in);
	set_str(&in->title, str_at(root, "title"));
	set_str(&in->description, str_at(root, "description"));
	set_str(&in->link, str_at(root, "link"));
	in->has_severity = sev != NULL;
	in->severity = sev != NULL ? sev_of(sev, true) : 0;
	if (st != NULL)
		set_state(in, strcmp(st, "resolved") == 0);
	if (!form_time(str_at(root, "detected_at"), &in->has_detected_at,
	               &in->detected_at) ||
	    !form_time(str_at(root, "resolved_at"), &in->has_resolved_at,
	               &in->resolved_at))
		return isms_err_set(err, ISMS_EINVAL,
		                    "detected_at and resolved_at are ISO 8601 "
		                    "instants");
	return 0;
}

static const struct {
	const char *name;
	int (*parse)(const json_t *, struct gw_hook_batch *, struct isms_err *);
} hooks[GW_HOOK_N] = {
    [GW_HOOK_ALERTMANAGER] = {"alertmanager", hook_alertmanager},
    [GW_HOOK_OCSF] = {"ocsf", hook_ocsf},
    [GW_HOOK_INCIDENT] = {"incident", hook_incident},
};

const char *
gw_hook_name(enum gw_hook kind)
{
	return (unsigned)kind < GW_HOOK_N ? hooks[kind].name : NULL;
}

void
gw_hook_batch_free(struct gw_hook_batch *b)
{
	while (b->n > 0)
		protobuf_c_message_free_unpacked(&b->v[--b->n]->base, NULL);
	free(b->v);
	b->v = NULL;
}

int
gw_hook_parse(enum gw_hook kind, const char *body, size_t len,
              struct gw_hook_batch *out, struct isms_err *err)
{
	json_error_t jerr;
	json_t *root;
	int rc;

	memset(out, 0, sizeof *out);
	if ((unsigned)kind >= GW_HOOK_N)
		return isms_err_set(err, ISMS_EINVAL, "no such webhook");
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		return isms_err_set(err, ISMS_EINVAL,
		                    "malformed JSON at line %d, column %d "
		                    "(byte %d): %s",
		                    jerr.line, jerr.column, jerr.position,
		                    jerr.text);
	if (!json_is_object(root))
		rc = isms_err_set(err, ISMS_EINVAL,
		                  "the body must be a JSON object");
	else
		rc = hooks[kind].parse(root, out, err);
	json_decref(root);
	if (rc != 0)
		gw_hook_batch_free(out);
	return rc == 0 ? 0 : -ISMS_EINVAL;
}
