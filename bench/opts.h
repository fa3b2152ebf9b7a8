/* opts.h - command-line options from one table (name, type, default, range,
 * help) that also generates --help. */
#ifndef VB_OPTS_H
#define VB_OPTS_H

#include "common/err.h"

#include <stddef.h>
#include <stdio.h>

enum opt_type {
    OPT_STR,                   /* char * */
    OPT_LONG,                  /* long, within [min, max] */
    OPT_FLAG,                  /* int, set to 1, takes no value */
    OPT_MULTI,                 /* struct opt_multi, repeatable */
    OPT_DOUBLE,                /* double, within [min, max] */
};

#define OPT_MULTI_MAX 32
struct opt_multi {
    const char *v[OPT_MULTI_MAX];
    int n;
};

struct opt_def {
    const char *name;          /* without "--" */
    enum opt_type type;
    size_t off;                /* offset of the field in the options struct */
    const char *def;           /* default as text; NULL = none */
    double min, max;           /* OPT_LONG and OPT_DOUBLE range (whole numbers for OPT_LONG) */
    const char *choices;       /* "a|b|c" for OPT_STR enums; NULL = free text */
    const char *metavar;
    const char *help;
};

/* Apply defaults, then parse argv (argv[0] is not skipped: pass argc-1,
 * argv+1 as needed). Accepts --name value and --name=value. Returns 0 or -1
 * with e saying what is wrong (code VB_EUSAGE). */
int opts_parse(const struct opt_def *defs, int n, int argc, char **argv, void *dst, struct vb_err *e);

/* Print one line per option: name, metavar, help, default and range. */
void opts_help(FILE *f, const struct opt_def *defs, int n);

#endif
