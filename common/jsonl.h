/*
 * jsonl.h: a small reader for JSON lines as import reads them: one object
 * per line, its members flattened to (path, text) pairs.
 *
 *   {"title": "Fire", "risk": {"likelihood": 3}, "tags": ["a", "b"]}
 *
 * gives title=Fire, risk.likelihood=3, tags=a, tags=b: a nested object
 * adds its key to the path, an array gives one pair per element, an
 * object inside an array becomes one "k=v;k=v" text (';' in a value
 * written "\;", as the command line writes a list element). Numbers keep
 * the text they were written with, true and false are "true" and "false",
 * null gives no pair. Strings are decoded (\uXXXX escapes, surrogate pairs
 * included).
 */
#ifndef ISMS_JSONL_H
#define ISMS_JSONL_H

#include <stddef.h>

#include "errcode.h"

struct jsonl_pair {
	char *path;
	char *text;
};

/* One object; the strings belong to it. */
struct jsonl_obj {
	struct jsonl_pair *pair;
	size_t n;
};

/*
 * Parses one line (len bytes, one JSON object, blanks around it allowed)
 * into out (freed with jsonl_obj_free, also after an error). 0, or
 * -ISMS_EINVAL with err saying what is wrong and at which byte (1-based).
 */
int jsonl_parse(const char *line, size_t len, struct jsonl_obj *out,
                struct isms_err *err);

void jsonl_obj_free(struct jsonl_obj *);

#endif
