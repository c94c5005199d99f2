/*
 * records_filter.h: the generic filters of a List ("risk.level=high",
 * "control.applicable=no", "title=Phishing"), resolved once against the
 * descriptors and matched against each record the listing reads.
 */
#ifndef ISMS_RECORDS_FILTER_H
#define ISMS_RECORDS_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "errcode.h"
#include "pbfield.h"
#include "proto/isms.pb-c.h"

#define LIST_FILTERS_MAX 16

struct register_def;

/* One filter: the field and the value it must hold, in canonical text
 * (pb_field_format's: enum names, true/false, decimal numbers). */
struct records_filter {
	struct pb_path path;
	char *value; /* "": the field is absent */
};

struct records_filters {
	size_t n;
	struct records_filter f[LIST_FILTERS_MAX];
};

/*
 * Parses list->filters for register reg: each "path=value", path from
 * Record ("title", "risk.level") or the register's body ("level"), a
 * scalar field (or a list of scalars) reached through single messages.
 * -ISMS_EINVAL naming the filter on an unknown field or a bad value.
 * Clear out with records_filters_clear, also on error.
 */
int records_filters_parse(const struct register_def *reg,
                          const Isms__V1__List *list,
                          struct records_filters *out, struct isms_err *err);

/* Whether rec matches every filter (a list: when one element does). */
bool records_filters_match(const struct records_filters *,
                           const Isms__V1__Record *rec);

void records_filters_clear(struct records_filters *);

#endif
