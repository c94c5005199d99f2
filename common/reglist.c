/* reglist.c: the rows of the register list and lookups over them. */
#include <string.h>

#include "reglist.h"

#define REGLIST_PREFIX_DEF(n, N, p) const char reglist_prefix_##n[] = p;
ISMS_REGISTERS(REGLIST_PREFIX_DEF)

#define REGLIST_ROW(n, N, p)                                                   \
	{#n, reglist_prefix_##n, ISMS__V1__RECORD__BODY_##N},
const struct reglist_row reglist[REGLIST_COUNT] = {ISMS_REGISTERS(REGLIST_ROW)};

const struct reglist_row *
reglist_by_name(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < REGLIST_COUNT; i++)
		if (strcmp(reglist[i].name, name) == 0)
			return &reglist[i];
	return NULL;
}

int
reglist_owns_id(const struct reglist_row *row, const char *id)
{
	size_t n = strlen(row->prefix);

	return id != NULL && strncmp(id, row->prefix, n) == 0 && id[n] == '-';
}

const char *
reglist_article(const char *name)
{
	return name != NULL && strchr("aeiou", name[0]) != NULL &&
	               name[0] != '\0'
	           ? "an"
	           : "a";
}
