/* The workloads measured from the host: the table, and what they share. */
#include "run/hostwl.h"
#include "common/units.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

static const struct hostwl *const table[] = { &hostwl_footprint, &hostwl_density, &hostwl_neighbour };

const struct hostwl *hostwl_find(const char *name)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (!strcmp(table[i]->name, name))
            return table[i];
    return NULL;
}

void hostwl_metric(struct hostwl_out *o, const char *name, const char *unit, const char *dir, double v)
{
    if (o->nm == HOSTWL_MAX_METRICS)
        return;
    struct hostwl_metric *m = &o->m[o->nm++];
    snprintf(m->name, sizeof m->name, "%s", name);
    snprintf(m->unit, sizeof m->unit, "%s", unit);
    snprintf(m->dir, sizeof m->dir, "%s", dir);
    m->value = v;
}

void hostwl_fail(struct hostwl_out *o, const char *status, const char *fmt, ...)
{
    snprintf(o->status, sizeof o->status, "%s", status);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(o->note, sizeof o->note, fmt, ap);
    va_end(ap);
}

const char *hostwl_list_next(const char *list, char *out, size_t n)
{
    if (!list || !*list)
        return NULL;
    size_t k = strcspn(list, ",");
    snprintf(out, n, "%.*s", (int)k, list);
    return list + k + (list[k] == ',');
}

/* A list option's value: every item valid, none empty. */
static int list_check(const char *wl, const struct hostwl_opt *o, const char *v, struct vb_err *e)
{
    char item[64];
    const char *p = v;
    if (!*v || v[strlen(v) - 1] == ',')
        return vb_errf(e, VB_EUSAGE, "%s: --%s '%s': give a comma list of %s", wl, o->name, v, o->choices);
    while ((p = hostwl_list_next(p, item, sizeof item)))
        if (!item[0] || !o->valid(item))
            return vb_errf(e, VB_EUSAGE, "%s: --%s: '%s' is not one of %s", wl, o->name, item, o->choices);
    return 0;
}

int hostwl_opts(const char *wl, const struct hostwl_opt *o, int n, int argc, char **argv, struct vb_err *e)
{
    for (int i = 0; i < n; i++)
        if (o[i].list)
            *o[i].list = o[i].ldef;
        else
            *o[i].dst = o[i].def;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int k = 0;
        while (k < n && (strncmp(a, "--", 2) != 0 || strcmp(a + 2, o[k].name) != 0))
            k++;
        if (k == n) {
            char names[256] = "";
            for (int j = 0; j < n; j++)
                snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", j ? ", " : "", o[j].name);
            return vb_errf(e, VB_EUSAGE, "%s: unknown option '%s'; it takes %s (--set %s.OPTION=N)", wl, a, names, wl);
        }
        if (i + 1 == argc)
            return vb_errf(e, VB_EUSAGE, "%s: %s needs a value", wl, a);
        if (o[k].list) {
            if (list_check(wl, &o[k], argv[++i], e) < 0)
                return -1;
            *o[k].list = argv[i];
            continue;
        }
        if (units_parse_long(argv[++i], o[k].min, o[k].max, o[k].dst) < 0)
            return vb_errf(e, VB_EUSAGE, "%s: --%s '%s' is not an integer between %ld and %ld", wl, o[k].name,
                           argv[i], o[k].min, o[k].max);
    }
    return 0;
}

void hostwl_params(const struct hostwl_opt *o, int n, char *out, size_t size)
{
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; i < n && len < size; i++) {
        /* "settle-ms" -> "settle_ms": params are names raw.csv allows. */
        char name[32];
        snprintf(name, sizeof name, "%s", o[i].name);
        for (char *p = name; *p; p++)
            if (*p == '-')
                *p = '_';
        if (o[i].list) {
            /* "a+b": a comma would split raw.csv's field. */
            char v[128];
            snprintf(v, sizeof v, "%s", *o[i].list);
            for (char *p = v; *p; p++)
                if (*p == ',')
                    *p = '+';
            len += (size_t)snprintf(out + len, size - len, "%s%s=%s", i ? ";" : "", name, v);
        } else {
            len += (size_t)snprintf(out + len, size - len, "%s%s=%ld", i ? ";" : "", name, *o[i].dst);
        }
    }
}

void hostwl_point_name(char *out, size_t n, const char *base, int k)
{
    snprintf(out, n, "%s.n%d", base, k);
}

int hostwl_point_parse(const char *metric, char *base, size_t n, int *k)
{
    const char *dot = strrchr(metric, '.');
    if (!dot || dot == metric || dot[1] != 'n' || !dot[2] || (size_t)(dot - metric) >= n)
        return 0;
    int v = 0;
    for (const char *p = dot + 2; *p; p++) {
        if (*p < '0' || *p > '9' || v > 100000)
            return 0;
        v = v * 10 + (*p - '0');
    }
    if (v < 1)
        return 0;
    memcpy(base, metric, (size_t)(dot - metric));
    base[dot - metric] = '\0';
    *k = v;
    return 1;
}

int hostwl_check(const struct hostwl *hw, int argc, char **argv, struct vb_err *e)
{
    _Alignas(max_align_t) unsigned char opts[HOSTWL_OPTS_BYTES];
    struct hostwl_opt t[HOSTWL_MAX_OPTS];
    int n = hw->table(opts, t);
    return hostwl_opts(hw->name, t, n, argc, argv, e);
}

int hostwl_args(const struct hostwl *hw, const struct hostwl_ctx *c, void *opts, struct hostwl_out *o,
                struct vb_err *e)
{
    struct hostwl_opt t[HOSTWL_MAX_OPTS];
    int n = hw->table(opts, t);
    if (hostwl_opts(hw->name, t, n, c->argc, c->argv, e) < 0)
        return -1;
    hostwl_params(t, n, o->params, sizeof o->params);
    return 0;
}

void hostwl_describe(const struct hostwl *hw, char *out, size_t size)
{
    _Alignas(max_align_t) unsigned char opts[HOSTWL_OPTS_BYTES];
    struct hostwl_opt t[HOSTWL_MAX_OPTS];
    int n = hw->table(opts, t);
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; i < n && len < size; i++)
        if (t[i].list)
            len += (size_t)snprintf(out + len, size - len, "%s--%-14s %s (default %s; of %s)\n", "             ",
                                    t[i].name, t[i].help, t[i].ldef, t[i].choices);
        else
            len += (size_t)snprintf(out + len, size - len, "%s--%-14s %s (default %ld, %ld..%ld)\n",
                                    "             ", t[i].name, t[i].help, t[i].def, t[i].min, t[i].max);
}

void hostwl_nb_cond(char *out, size_t n, const char *antagonist, const char *duty, const char *env)
{
    snprintf(out, n, "%s%s%s%s", antagonist, duty, env ? "-" : "", env ? env : "");
}

void hostwl_nb_name(char *out, size_t n, char kind, const char *victim, const char *metric, const char *cond)
{
    if (metric)
        snprintf(out, n, "%c.%s.%s.%s", kind, victim, metric, cond);
    else
        snprintf(out, n, "%c.%s.%s", kind, victim, cond);
}

/* The next dot-separated part of *p into out (48 bytes); 0 when empty or
 * too long. */
static int part(const char **p, char *out, int last)
{
    size_t k = last ? strlen(*p) : strcspn(*p, ".");
    if (k == 0 || k >= 48 || (!last && (*p)[k] != '.'))
        return 0;
    memcpy(out, *p, k);
    out[k] = '\0';
    *p += k + !last;
    return 1;
}

int hostwl_nb_parse(const char *name, char *kind, char victim[48], char metric[48], char cond[48])
{
    if (!name || !name[0] || name[1] != '.' || !strchr("vxa", name[0]))
        return 0;
    const char *p = name + 2;
    *kind = name[0];
    metric[0] = '\0';
    if (!part(&p, victim, 0))
        return 0;
    if (*kind != 'a' && !part(&p, metric, 0))
        return 0;
    return part(&p, cond, 1) && !strchr(cond, '.');
}
