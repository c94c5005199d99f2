/*
 * ctl_method.c: "ismsctl method get" and "ismsctl method set [--rev N]
 * word ...": the risk method (6.1.2), one configuration record. A set
 * reads the current method, applies the words and sends the whole method
 * guarded by the rev it read.
 */
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "pbfield.h"
#include "timefmt.h"
#include "xmalloc.h"

static int word_threshold(Isms__V1__RiskMethod *, const char *,
                          struct isms_err *);
static int word_likelihood(Isms__V1__RiskMethod *, const char *,
                           struct isms_err *);
static int word_impact(Isms__V1__RiskMethod *, const char *, struct isms_err *);
static int word_levels(Isms__V1__RiskMethod *, const char *, struct isms_err *);

/* The words of "method set", each a part of the method. */
static const struct method_word {
	const char *name;
	const char *syntax;
	int (*apply)(Isms__V1__RiskMethod *, const char *, struct isms_err *);
} method_words[] = {
    {"acceptance_threshold", "N", word_threshold},
    {"likelihood_labels", "LABEL,LABEL,...", word_likelihood},
    {"impact_labels", "LABEL,LABEL,...", word_impact},
    {"levels", "NAME:MIN_SCORE:REVIEW_DAYS,...", word_levels},
};

#define NMETHOD_WORDS (sizeof method_words / sizeof method_words[0])

/* acceptance_threshold=N. */
static int
word_threshold(Isms__V1__RiskMethod *m, const char *v, struct isms_err *err)
{
	uint64_t n;

	if (ctl_parse_u64(v, &n) != 0 || n > UINT32_MAX)
		return isms_err_set(err, ISMS_EINVAL,
		                    "acceptance_threshold expects a number, "
		                    "got '%s'",
		                    v);
	m->has_acceptance_threshold = 1;
	m->acceptance_threshold = (uint32_t)n;
	return 0;
}

/* Replaces a list of labels by the comma separated ones in v. */
static int
set_labels(char ***arr, size_t *n, const char *name, const char *v,
           struct isms_err *err)
{
	const char *p = v, *comma;
	size_t i;

	for (i = 0; i < *n; i++)
		free((*arr)[i]);
	free(*arr);
	*arr = NULL;
	*n = 0;
	do {
		comma = strchr(p, ',');
		i = comma != NULL ? (size_t)(comma - p) : strlen(p);
		if (i == 0)
			return isms_err_set(err, ISMS_EINVAL,
			                    "%s: empty label in '%s'", name, v);
		*arr = xreallocarray(*arr, *n + 1, sizeof **arr);
		(*arr)[(*n)++] = xstrndup(p, i);
		p = comma + 1;
	} while (comma != NULL);
	return 0;
}

/* likelihood_labels=L1,L2,...: the likelihood scale. */
static int
word_likelihood(Isms__V1__RiskMethod *m, const char *v, struct isms_err *err)
{
	return set_labels(&m->likelihood_labels, &m->n_likelihood_labels,
	                  "likelihood_labels", v, err);
}

/* impact_labels=L1,L2,...: the impact scale. */
static int
word_impact(Isms__V1__RiskMethod *m, const char *v, struct isms_err *err)
{
	return set_labels(&m->impact_labels, &m->n_impact_labels,
	                  "impact_labels", v, err);
}

/* Parses "name:min:days" (len bytes of s) into a new level. */
static int
level_parse(const char *s, size_t len, Isms__V1__RiskLevel **out,
            struct isms_err *err)
{
	char *text = xstrndup(s, len), *min, *days;
	uint64_t a = 0, b = 0;
	int rc = 0;

	min = strchr(text, ':');
	days = min != NULL ? strchr(min + 1, ':') : NULL;
	if (min != NULL)
		*min++ = '\0';
	if (days != NULL)
		*days++ = '\0';
	if (days == NULL || *text == '\0' || ctl_parse_u64(min, &a) != 0 ||
	    ctl_parse_u64(days, &b) != 0 || a > UINT32_MAX || b > UINT32_MAX)
		rc =
		    isms_err_set(err, ISMS_EINVAL,
		                 "levels: expected NAME:MIN_SCORE:REVIEW_DAYS, "
		                 "got '%.*s'",
		                 (int)len, s);
	if (rc == 0) {
		*out = (Isms__V1__RiskLevel *)pb_new(
		    &isms__v1__risk_level__descriptor);
		(*out)->name = xstrdup(text);
		(*out)->has_min_score = 1;
		(*out)->min_score = (uint32_t)a;
		(*out)->has_review_days = 1;
		(*out)->review_days = (uint32_t)b;
	}
	free(text);
	return rc;
}

/* levels=NAME:MIN:DAYS,...: replaces every level band. */
static int
word_levels(Isms__V1__RiskMethod *m, const char *v, struct isms_err *err)
{
	const char *p = v, *comma;
	Isms__V1__RiskLevel *lv;
	size_t i;
	int rc;

	for (i = 0; i < m->n_levels; i++)
		protobuf_c_message_free_unpacked(&m->levels[i]->base, NULL);
	free(m->levels);
	m->levels = NULL;
	m->n_levels = 0;
	do {
		comma = strchr(p, ',');
		i = comma != NULL ? (size_t)(comma - p) : strlen(p);
		if ((rc = level_parse(p, i, &lv, err)) != 0)
			return rc;
		m->levels = xreallocarray(m->levels, m->n_levels + 1,
		                          sizeof *m->levels);
		m->levels[m->n_levels++] = lv;
		p = comma + 1;
	} while (comma != NULL);
	return 0;
}

/* Applies each "name=value" word to m, from the method_words table. */
int
ctl_method_apply(Isms__V1__RiskMethod *m, int nwords, char *const *words,
                 struct isms_err *err)
{
	const char *eq;
	size_t k, n;
	int i, rc;

	for (i = 0; i < nwords; i++) {
		eq = strchr(words[i], '=');
		n = eq != NULL ? (size_t)(eq - words[i]) : 0;
		for (k = 0; k < NMETHOD_WORDS; k++)
			if (strlen(method_words[k].name) == n &&
			    strncmp(method_words[k].name, words[i], n) == 0)
				break;
		if (k == NMETHOD_WORDS)
			return isms_err_set(
			    err, ISMS_EINVAL,
			    "method set: expected acceptance_threshold=N, "
			    "likelihood_labels=..., impact_labels=... or "
			    "levels=NAME:MIN_SCORE:REVIEW_DAYS,...; got '%s'",
			    words[i]);
		if (eq[1] == '\0')
			return isms_err_set(
			    err, ISMS_EINVAL, "%s needs a value: %s=%s",
			    method_words[k].name, method_words[k].name,
			    method_words[k].syntax);
		if ((rc = method_words[k].apply(m, eq + 1, err)) != 0)
			return rc;
	}
	return 0;
}

/* Prints "name: 1 label, 2 label, ..." for one scale. */
static void
print_scale(FILE *f, const char *name, char *const *labels, size_t n)
{
	size_t i;

	fprintf(f, "%-22s", name);
	for (i = 0; i < n; i++) {
		fprintf(f, "%s%zu ", i > 0 ? ", " : "", i + 1);
		ctl_out_text(f, labels[i]);
	}
	fputs(n == 0 ? "-\n" : "\n", f);
}

/* Prints rev, scales, threshold and the level bands. */
void
ctl_method_print_table(FILE *f, const Isms__V1__RiskMethod *m)
{
	static const char *const titles[] = {"LEVEL", "MIN SCORE", "SCORES",
	                                     "REVIEW DAYS"};
	uint32_t top = (uint32_t)(m->n_likelihood_labels * m->n_impact_labels);
	char when[TIMEFMT_INSTANT_LEN], **cells;
	size_t i, n = m->n_levels;

	fprintf(f, "%-22s%llu", "rev:", (unsigned long long)m->rev);
	if (m->has_updated_at) {
		timefmt_instant(m->updated_at, when, sizeof when);
		fprintf(f, " (%s", when);
		if (m->updated_by != NULL) {
			fputs(" by ", f);
			ctl_out_text(f, m->updated_by);
		}
		fputc(')', f);
	}
	fputc('\n', f);
	print_scale(f, "likelihood:", m->likelihood_labels,
	            m->n_likelihood_labels);
	print_scale(f, "impact:", m->impact_labels, m->n_impact_labels);
	fprintf(f, "%-22s%u (higher scores need acceptance)\n",
	        "acceptance threshold:", m->acceptance_threshold);
	fputc('\n', f);
	cells = xcalloc(n * 4 + 1, sizeof *cells);
	for (i = 0; i < n; i++) {
		uint32_t lo = m->levels[i]->min_score, hi = top;

		if (i + 1 < n && m->levels[i + 1]->min_score > lo)
			hi = m->levels[i + 1]->min_score - 1;
		cells[i * 4] = ctl_out_clean(
		    m->levels[i]->name != NULL ? m->levels[i]->name : "?",
		    SIZE_MAX);
		cells[i * 4 + 1] = xasprintf("%u", lo);
		cells[i * 4 + 2] =
		    hi > lo ? xasprintf("%u-%u", lo, hi) : xasprintf("%u", lo);
		cells[i * 4 + 3] = xasprintf("%u", m->levels[i]->review_days);
	}
	ctl_out_table(f, titles, 4, cells, n);
	for (i = 0; i < n * 4; i++)
		free(cells[i]);
	free(cells);
}

/* The levels as CSV: name, min_score, review_days. */
static void
method_print_csv(FILE *f, const Isms__V1__RiskMethod *m)
{
	size_t i;

	fputs("level,min_score,review_days\r\n", f);
	for (i = 0; i < m->n_levels; i++) {
		ctl_out_csv_cell(
		    f, m->levels[i]->name != NULL ? m->levels[i]->name : "");
		fprintf(f, ",%u,%u\r\n", m->levels[i]->min_score,
		        m->levels[i]->review_days);
	}
}

/* Prints a method in the chosen format. */
static void
method_print(struct ctl_ctx *ctx, const Isms__V1__RiskMethod *m)
{
	switch (ctx->format) {
	case CTL_FORMAT_TABLE:
		ctl_method_print_table(ctx->out, m);
		break;
	case CTL_FORMAT_JSON:
		ctl_out_json(ctx->out, &m->base);
		break;
	case CTL_FORMAT_CSV:
		method_print_csv(ctx->out, m);
		break;
	}
}

/* "method set": current method + words, sent with expect_rev. */
static int
method_set(struct ctl_ctx *ctx, const struct ctl_args *a)
{
	Isms__V1__Request req = ISMS__V1__REQUEST__INIT;
	Isms__V1__MethodSet set = ISMS__V1__METHOD_SET__INIT;
	const struct ctl_opts *o = &a->opt;
	Isms__V1__Reply *cur, *reply;
	struct isms_err err = {0};
	int rc;

	if ((rc = ctl_method_fetch(ctx, &cur)) != 0)
		return rc;
	if (ctl_method_apply(cur->method, a->nwords, a->words, &err) != 0) {
		isms_reply_free(cur);
		return ctl_error(CTL_EXIT_USAGE, "%s", err.msg);
	}
	set.method = cur->method;
	set.has_expect_rev = 1;
	set.expect_rev = o->has_rev ? o->rev : cur->method->rev;
	req.call_case = ISMS__V1__REQUEST__CALL_METHOD_SET;
	req.method_set = &set;
	rc = ctl_call_expect(ctx, &req, ISMS__V1__REPLY__RESULT_METHOD, &reply);
	isms_reply_free(cur);
	if (rc != 0)
		return rc;
	if (ctx->format == CTL_FORMAT_TABLE)
		fprintf(ctx->out,
		        "risk method rev %llu; risks are re-derived with it\n",
		        (unsigned long long)reply->method->rev);
	else
		method_print(ctx, reply->method);
	isms_reply_free(reply);
	return 0;
}

/* "method get": the current method. */
static int
method_get(struct ctl_ctx *ctx, const struct ctl_args *a)
{
	Isms__V1__Reply *reply;
	int rc;

	(void)a;
	if ((rc = ctl_method_fetch(ctx, &reply)) != 0)
		return rc;
	method_print(ctx, reply->method);
	isms_reply_free(reply);
	return 0;
}

static const struct ctl_verb method_verbs[] = {
    {"get", "", "the scales, levels and acceptance threshold", 0, 0, 0, false,
     NULL, method_get},
    {"set",
     "[--rev N] acceptance_threshold=N\n"
     "           likelihood_labels=L1,L2,... impact_labels=L1,L2,...\n"
     "           levels=NAME:MIN_SCORE:REVIEW_DAYS,...",
     "change the words named, guarded by the revision read (or --rev N)",
     CTL_OPT_REV, 1, CTL_ARGS_ANY, false, NULL, method_set},
};

const struct ctl_cmd ctl_cmd_method = {
    .name = "method",
    .usage = "method get | set [--rev N] word ...",
    .help = "show or change the risk method (scales, levels, threshold)",
    .detail =
        "method get: the likelihood and impact scales with their labels, "
        "the\n"
        "levels (name, lowest score, review interval in days) and the\n"
        "acceptance threshold.\n"
        "method set: reads the current method, applies the words and sends\n"
        "it back guarded by the revision it read (or --rev N). Words:\n"
        "  acceptance_threshold=N\n"
        "  likelihood_labels=rare,unlikely,possible,likely,certain\n"
        "  impact_labels=negligible,minor,moderate,major,severe\n"
        "  levels=low:1:365,medium:5:180,high:10:90,critical:20:30\n"
        "    (NAME:MIN_SCORE:REVIEW_DAYS, lowest band first)\n"
        "The server re-derives the score and level of every risk with it.\n",
    .verbs = method_verbs,
    .nverbs = CTL_NVERBS(method_verbs),
    .exec = ctl_verbs_exec_cmd,
};
