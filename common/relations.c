/* relations.c: the table of link relations and the check of one link. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "reglist.h"
#include "relations.h"

/* Sources and targets are register names (reglist.h), space separated. */
const struct relation relations[] = {
    {"treated_by", "risk", "control treatment action",
     "the control, treatment plan or action that treats it (6.1.3)"},
    {"affects", "risk incident issue nonconformity", "asset supplier",
     "the asset or supplier concerned"},
    {"mitigates", "treatment control", "risk",
     "the risk a treatment or control reduces"},
    {"implements", "treatment action document", "control requirement",
     "the control or clause requirement it puts in place"},
    {"found_in", "finding", "audit", "the audit that raised the finding"},
    {"about", "finding incident nonconformity",
     "requirement control document asset risk",
     "the clause, control or record it is about"},
    {"raised_from", "nonconformity", "finding incident",
     "the finding or incident the nonconformity comes from (10.2)"},
    {"for", "action",
     "nonconformity finding risk incident mreview objective audit",
     "the record the action corrects or improves (10.1, 10.2)"},
    {"decided_in", "action objective", "mreview",
     "the management review that decided it (9.3.3)"},
    {"covers", "audit", "requirement control",
     "a clause or control the audit covers (9.2.2)"},
    {"measured_by", "objective", "metric",
     "the metric that measures the objective (6.2, 9.1)"},
    {"owned_by", "asset control document", "role",
     "the role responsible for it (5.3)"},
    {"documented_in", "control requirement scope role", "document",
     "the documented information for it (7.5)"},
    {"required_by", "requirement control document", "legal party",
     "the law, contract or interested party requiring it"},
    {"provided_by", "asset", "supplier", "the supplier providing it"},
    {"part_of", "asset", "asset", "the asset it is part of"},
    {"supports", "milestone competence communication",
     "objective requirement control",
     "what the plan step, training or communication supports"},
};

const size_t relations_count = sizeof relations / sizeof relations[0];

/* Whether word is one of the space separated names of list. */
static bool
names_have(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = list; *p != '\0';) {
		size_t k = strcspn(p, " ");

		if (k == n && strncmp(p, word, n) == 0)
			return true;
		p += k;
		p += strspn(p, " ");
	}
	return false;
}

const struct relation *
relation_find(const char *rel)
{
	size_t i;

	for (i = 0; rel != NULL && i < relations_count; i++)
		if (strcmp(relations[i].rel, rel) == 0)
			return &relations[i];
	return NULL;
}

/* Appends "rel (→ to)" for each relation a record of from may have. */
static void
relations_from(const char *from, char *buf, size_t len)
{
	size_t i, off = strlen(buf);
	int n;

	for (i = 0; i < relations_count && off < len; i++) {
		if (!names_have(relations[i].from, from))
			continue;
		n = snprintf(buf + off, len - off, "%s%s (to %s)",
		             off > 0 && buf[off - 1] != ' ' ? ", " : "",
		             relations[i].rel, relations[i].to);
		off += n > 0 ? (size_t)n : 0;
	}
}

bool
relation_from(const struct relation *r, const char *reg)
{
	return names_have(r->from, reg);
}

int
relation_check(const char *rel, const char *from, const char *to, char *why,
               size_t len)
{
	const struct relation *r = relation_find(rel);
	int n;

	if (r != NULL && names_have(r->from, from) && names_have(r->to, to))
		return 0;
	if (r == NULL)
		n = snprintf(why, len, "unknown relation '%s'; ", rel);
	else if (!names_have(r->from, from))
		n = snprintf(why, len, "'%s' links %s to %s, not %s %s; ", rel,
		             r->from, r->to, reglist_article(from), from);
	else
		n = snprintf(why, len,
		             "'%s' from %s %s links to %s, not %s %s; ", rel,
		             reglist_article(from), from, r->to,
		             reglist_article(to), to);
	if (n < 0 || (size_t)n >= len)
		return -1;
	n += snprintf(why + n, len - (size_t)n,
	              "%s %s may link: ", reglist_article(from), from);
	if ((size_t)n < len)
		relations_from(from, why, len);
	if (strstr(why, "may link: ") != NULL &&
	    strstr(why, "may link: ")[10] == '\0')
		snprintf(why + n, len - (size_t)n, "nothing");
	return -1;
}
