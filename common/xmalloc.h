/* xmalloc.h: allocators that never return NULL (out of memory is fatal). */
#ifndef ISMS_XMALLOC_H
#define ISMS_XMALLOC_H

#include <stddef.h>

void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xrealloc(void *, size_t);
void *xreallocarray(void *, size_t, size_t);
char *xstrdup(const char *);
char *xstrndup(const char *, size_t);
/* Returns a newly allocated formatted string. */
char *xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif
