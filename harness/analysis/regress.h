/* regress.h - `vcbench compare`: the CI gate. For every series (env,
 * workload, metric) of two runs - or of the two arms of one A/B run - the
 * oriented change of CURRENT against BASE (a factor, above 1 = worse) with
 * a bootstrap CI, a Mann-Whitney U test, and the smallest change the data
 * could have shown (the minimum detectable effect at their own noise and
 * repetitions). A regression needs both a significant test after
 * Benjamini-Hochberg over all series AND a change beyond the threshold;
 * when the data could not have shown a threshold-sized change the verdict
 * is "inconclusive", never "same". Nothing vanishes: a series on one side
 * only, failed or mismatched repetitions, different parameters, wl builds
 * or hosts are conditions of their own, each failing the gate unless the
 * user allows it. */
#ifndef VB_REGRESS_H
#define VB_REGRESS_H

#include "analysis/results.h"
#include "common/err.h"

#include <stdio.h>

enum verdict {
    V_SAME, V_IMPROVEMENT, V_REGRESSION, V_INCONCLUSIVE,
    V_MISSING,                 /* in BASE only */
    V_NEW,                     /* in CURRENT only */
    V_IGNORED,                 /* the rules say so */
    V_COUNT
};

/* Conditions of a series that make the two sides not the same thing. */
enum cmp_cond {
    COND_PARAMS = 1,           /* the workload's parameters differ */
    COND_WL = 2,               /* a different wl build measured it */
    COND_FAILED = 4,           /* failed repetitions on either side */
    COND_MISMATCH = 8,         /* a checksum said "not the same work" */
};

/* What the user accepts (--allow): the conditions above, a host whose
 * fingerprint differs, series on one side only. */
enum cmp_allow {
    ALLOW_PARAMS = COND_PARAMS, ALLOW_WL = COND_WL, ALLOW_FAILED = COND_FAILED, ALLOW_MISMATCH = COND_MISMATCH,
    ALLOW_HOST = 16, ALLOW_MISSING = 32,
};

/* Per-metric thresholds and ignores (--rules FILE): first match wins. */
struct cmp_rule {
    char pattern[128];         /* fnmatch on "env/workload/metric" (or the metric alone) */
    double threshold;          /* relative; < 0: ignore the series */
};

struct cmp_rules {
    struct cmp_rule *r;
    int n;
};

struct cmp_opts {
    double threshold;          /* the smallest change that counts, relative (0.03) */
    double alpha;              /* false discovery rate over all series (0.01) */
    double power;              /* for the minimum detectable effect (0.8) */
    unsigned allow;            /* enum cmp_allow */
    const struct cmp_rules *rules;
};

struct cmp_series {
    char env[48], workload[32], metric[48], unit[16], dir[8];
    int nb, nc;
    double base, cur;          /* medians */
    double change, lo, hi;     /* oriented factor of CURRENT vs BASE, 95% CI; 1 = same, > 1 worse */
    double p, p_adj;           /* Mann-Whitney U, and after Benjamini-Hochberg */
    double mde;                /* minimum detectable effect, relative */
    double threshold;
    enum verdict v;
    unsigned cond;             /* enum cmp_cond */
    int decided;               /* the verdict is final before the test (no ratio, no values) */
    char note[200];
};

struct cmp_report {
    unsigned allow;            /* what the user accepted (enum cmp_allow) */
    struct cmp_series *s;
    int n;
    int count[V_COUNT];
    int conditions;            /* series with a condition the user did not allow */
    char host_diff[512];       /* "" or what differs between the two hosts */
    int host_blocks;           /* host_diff and not --allow host */
    char base_name[256], cur_name[256];
    double alpha, threshold;
};

/* Compare two opened runs. 0, or -1 with e (nothing in common, no memory). */
int cmp_runs(const struct results *base, const struct results *cur, const struct cmp_opts *o,
             struct cmp_report *r, struct vb_err *e);

/* Compare arm b against arm a of one A/B run (arm labels as in raw.csv;
 * NULL: its first and second arm). */
int cmp_arms(const struct results *res, const char *a, const char *b, const struct cmp_opts *o,
             struct cmp_report *r, struct vb_err *e);

void cmp_free(struct cmp_report *r);

/* The exit code: 1 regression, else 4 incomparable (a condition, a
 * series on one side only, a different host, not allowed), else 5
 * inconclusive, else 0. */
int cmp_exit(const struct cmp_report *r);

/* The report as text (a table and a summary), JSON or JUnit XML. */
int cmp_write_text(FILE *f, const struct cmp_report *r);
int cmp_write_json(FILE *f, const struct cmp_report *r);
int cmp_write_junit(FILE *f, const struct cmp_report *r);

/* The report in format "text", "json" or "junit" (anything else: text). */
int cmp_write(FILE *f, const struct cmp_report *r, const char *format);

/* Read a rules file: lines "PATTERN THRESHOLD%" or "PATTERN ignore",
 * '#' comments. 0, or -1 with e naming the line. */
int cmp_rules_load(const char *path, struct cmp_rules *rules, struct vb_err *e);
void cmp_rules_free(struct cmp_rules *rules);

/* Parse "--allow" words: host,params,wl,failed,mismatch,missing (comma
 * separated). 0, or -1 with e. */
int cmp_allow_parse(const char *list, unsigned *allow, struct vb_err *e);

const char *cmp_verdict_name(enum verdict v);

#endif
