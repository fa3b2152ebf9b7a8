#include "common/strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;       /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return (size_t)h;
}

/* The slot of key, or of the empty slot where it would go. */
static size_t slot(const struct strmap *m, const char *key)
{
    size_t i = hash(key) & (m->cap - 1);
    while (m->keys[i] && strcmp(m->keys[i], key) != 0)
        i = (i + 1) & (m->cap - 1);
    return i;
}

int strmap_get(const struct strmap *m, const char *key)
{
    if (!m->cap)
        return -1;
    size_t i = slot(m, key);
    return m->keys[i] ? m->vals[i] : -1;
}

static int grow(struct strmap *m)
{
    struct strmap g = { calloc(m->cap ? m->cap * 2 : 64, sizeof *g.keys), NULL, m->cap ? m->cap * 2 : 64, m->n };
    g.vals = malloc(g.cap * sizeof *g.vals);
    if (!g.keys || !g.vals) {
        free(g.keys);
        free(g.vals);
        return -1;
    }
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i]) {
            size_t k = slot(&g, m->keys[i]);
            g.keys[k] = m->keys[i];
            g.vals[k] = m->vals[i];
        }
    free(m->keys);
    free(m->vals);
    *m = g;
    return 0;
}

int strmap_put(struct strmap *m, const char *key, int v)
{
    if ((m->n + 1) * 2 > m->cap && grow(m) < 0)
        return -1;
    size_t i = slot(m, key);
    if (m->keys[i])
        return m->vals[i];
    if (!(m->keys[i] = strdup(key)))
        return -1;
    m->vals[i] = v;
    m->n++;
    return v;
}

const char *strmap_intern(struct strmap *m, const char *key, int v)
{
    if ((m->n + 1) * 2 > m->cap && grow(m) < 0)
        return NULL;
    size_t i = slot(m, key);
    if (!m->keys[i]) {
        if (!(m->keys[i] = strdup(key)))
            return NULL;
        m->vals[i] = v;
        m->n++;
    }
    return m->keys[i];
}

void strmap_free(struct strmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}
