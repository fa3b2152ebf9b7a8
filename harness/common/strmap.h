/* strmap.h - string keys to int values, open addressing: the one-pass
 * grouping of raw rows into series (a run holds thousands of rows and
 * hundreds of series; a scan per series would be quadratic). */
#ifndef VB_STRMAP_H
#define VB_STRMAP_H

#include <stddef.h>

struct strmap {
    char **keys;
    int *vals;
    size_t cap, n;             /* cap is a power of two, n < cap / 2 */
};

/* The value of key, or -1. */
int strmap_get(const struct strmap *m, const char *key);

/* The value of key; when absent, add it with value v and return v.
 * -1 when out of memory. */
int strmap_put(struct strmap *m, const char *key, int v);

/* The map's own copy of key (added, with value v, when absent): one copy
 * of a string many rows share. NULL when out of memory. */
const char *strmap_intern(struct strmap *m, const char *key, int v);

void strmap_free(struct strmap *m);

#endif
