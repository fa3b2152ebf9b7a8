#include "opts.h"
#include "common/units.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int in_choices(const char *choices, const char *v)
{
    size_t len = strlen(v);
    for (const char *p = choices; *p; ) {
        size_t n = strcspn(p, "|");
        if (n == len && strncmp(p, v, n) == 0)
            return 1;
        p += n + (p[n] == '|');
    }
    return 0;
}

static int set(const struct opt_def *d, void *dst, const char *v, struct vb_err *e)
{
    char *field = (char *)dst + d->off;
    switch (d->type) {
    case OPT_STR:
        if (d->choices && !in_choices(d->choices, v))
            return vb_errf(e, VB_EUSAGE, "--%s: '%s' is not one of %s", d->name, v, d->choices);
        *(const char **)field = v;
        return 0;
    case OPT_LONG:
        if (units_parse_long(v, (long)d->min, (long)d->max, (long *)field) < 0)
            return vb_errf(e, VB_EUSAGE, "--%s: '%s' is not an integer between %.0f and %.0f",
                           d->name, v, d->min, d->max);
        return 0;
    case OPT_DOUBLE: {
        char *end;
        errno = 0;
        double x = strtod(v, &end);
        if (!*v || *end || errno || !(x >= d->min && x <= d->max))
            return vb_errf(e, VB_EUSAGE, "--%s: '%s' is not a number between %g and %g", d->name, v, d->min,
                           d->max);
        *(double *)field = x;
        return 0;
    }
    case OPT_FLAG:
        *(int *)field = 1;
        return 0;
    case OPT_MULTI: {
        struct opt_multi *m = (struct opt_multi *)field;
        if (m->n == OPT_MULTI_MAX)
            return vb_errf(e, VB_EUSAGE, "--%s given more than %d times", d->name, OPT_MULTI_MAX);
        m->v[m->n++] = v;
        return 0;
    }
    }
    return -1;
}

int opts_parse(const struct opt_def *defs, int n, int argc, char **argv, void *dst, struct vb_err *e)
{
    for (int i = 0; i < n; i++)
        if (defs[i].def && set(&defs[i], dst, defs[i].def, e) < 0)
            return -1;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0 || !a[2])
            return vb_errf(e, VB_EUSAGE, "unexpected argument '%s'; see --help", a);
        const char *name = a + 2, *val = strchr(name, '=');
        size_t len = val ? (size_t)(val - name) : strlen(name);
        const struct opt_def *d = NULL;
        for (int k = 0; k < n; k++)
            if (strlen(defs[k].name) == len && strncmp(defs[k].name, name, len) == 0)
                d = &defs[k];
        if (!d)
            return vb_errf(e, VB_EUSAGE, "unknown option '--%.*s'; see --help", (int)len, name);
        if (d->type == OPT_FLAG) {
            if (val)
                return vb_errf(e, VB_EUSAGE, "--%s takes no value", d->name);
        } else if (val) {
            val++;
        } else if (i + 1 < argc) {
            val = argv[++i];
        } else {
            return vb_errf(e, VB_EUSAGE, "--%s needs a value (%s)", d->name, d->metavar ? d->metavar : "value");
        }
        if (set(d, dst, val, e) < 0)
            return -1;
    }
    return 0;
}

void opts_help(FILE *f, const struct opt_def *defs, int n)
{
    for (int i = 0; i < n; i++) {
        const struct opt_def *d = &defs[i];
        char left[64];
        snprintf(left, sizeof left, "--%s%s%s", d->name, d->type == OPT_FLAG ? "" : " ",
                 d->type == OPT_FLAG ? "" : d->metavar ? d->metavar : "X");
        fprintf(f, "  %-24s %s", left, d->help);
        if (d->choices)
            fprintf(f, " [%s]", d->choices);
        if (d->type == OPT_LONG)
            fprintf(f, " (%.0f..%.0f)", d->min, d->max);
        if (d->type == OPT_DOUBLE)
            fprintf(f, " (%g..%g)", d->min, d->max);
        if (d->def && *d->def && d->type != OPT_FLAG)
            fprintf(f, " (default %s)", d->def);
        fputc('\n', f);
    }
}
