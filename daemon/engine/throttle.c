/* throttle.c: failed sign-ins per user and address (throttle.h). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "throttle.h"
#include "users.h"
#include "xmalloc.h"

struct throttle_entry {
	char user[USER_NAME_MAX + 1];
	char addr[THROTTLE_ADDR_MAX];
	int64_t first, last; /* failures: the window's first, the last */
	unsigned n;          /* failures since first */
	uint64_t used;       /* tick of the last lookup: LRU order */
};

struct throttle {
	struct throttle_entry *e;
	size_t n, cap;
	uint64_t tick;
};

struct throttle *
throttle_new(size_t cap)
{
	struct throttle *t = xcalloc(1, sizeof *t);

	t->cap = cap > 0 ? cap : 1;
	t->e = xcalloc(t->cap, sizeof *t->e);
	return t;
}

void
throttle_free(struct throttle *t)
{
	if (t == NULL)
		return;
	free(t->e);
	free(t);
}

size_t
throttle_size(const struct throttle *t)
{
	return t->n;
}

/* Whether e names user and addr (both cut to the sizes kept). */
static bool
throttle_is(const struct throttle_entry *e, const char *user, const char *addr)
{
	return strncmp(e->user, user, sizeof e->user - 1) == 0 &&
	       strncmp(e->addr, addr, sizeof e->addr - 1) == 0;
}

/* The entry of the pair, or NULL; found, it is the most recently used. */
static struct throttle_entry *
throttle_find(struct throttle *t, const char *user, const char *addr)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (throttle_is(&t->e[i], user, addr)) {
			t->e[i].used = ++t->tick;
			return &t->e[i];
		}
	return NULL;
}

/* Drops the failures of e older than the window. */
static void
throttle_age(struct throttle_entry *e, int64_t now)
{
	if (e->n > 0 && now - e->first >= THROTTLE_WINDOW)
		e->n = 0;
}

int64_t
throttle_wait(struct throttle *t, const char *user, const char *addr,
              int64_t now)
{
	struct throttle_entry *e = throttle_find(t, user, addr);
	int64_t wait, until;

	if (e == NULL)
		return 0;
	throttle_age(e, now);
	if (e->n < THROTTLE_FREE)
		return 0;
	wait = e->n - THROTTLE_FREE >= 10
	           ? THROTTLE_MAX_WAIT
	           : (int64_t)1 << (e->n - THROTTLE_FREE);
	if (wait > THROTTLE_MAX_WAIT)
		wait = THROTTLE_MAX_WAIT;
	until = e->last + wait;
	return until > now ? until - now : 0;
}

/* A free slot: a new one, or the least recently used one's. */
static struct throttle_entry *
throttle_slot(struct throttle *t)
{
	size_t i, lru = 0;

	if (t->n < t->cap)
		return &t->e[t->n++];
	for (i = 1; i < t->n; i++)
		if (t->e[i].used < t->e[lru].used)
			lru = i;
	return &t->e[lru];
}

unsigned
throttle_fail(struct throttle *t, const char *user, const char *addr,
              int64_t now)
{
	struct throttle_entry *e = throttle_find(t, user, addr);

	if (e == NULL) {
		e = throttle_slot(t);
		memset(e, 0, sizeof *e);
		snprintf(e->user, sizeof e->user, "%s", user);
		snprintf(e->addr, sizeof e->addr, "%s", addr);
		e->used = ++t->tick;
	}
	throttle_age(e, now);
	if (e->n == 0)
		e->first = now;
	e->n++;
	e->last = now;
	return e->n;
}

void
throttle_ok(struct throttle *t, const char *user, const char *addr)
{
	struct throttle_entry *e = throttle_find(t, user, addr);

	if (e == NULL)
		return;
	*e = t->e[--t->n];
}
