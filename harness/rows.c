#include "rows.h"
#include "csv.h"
#include "raw.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int header_ok(char *line)
{
    char *f[RAW_NCOL + 1];
    if (csv_split(line, f, RAW_NCOL + 1) != RAW_NCOL)
        return 0;
    for (int i = 0; i < RAW_NCOL; i++)
        if (strcmp(f[i], raw_columns[i]) != 0)
            return 0;
    return 1;
}

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

static int parse_row(char *line, struct row *w, const char **why)
{
    char *f[RAW_NCOL + 1];
    int n = csv_split(line, f, RAW_NCOL + 1);
    if (n != RAW_NCOL) {
        *why = n < 0 ? "malformed quoting" : "wrong number of fields";
        return -1;
    }
    if (strcmp(f[RAW_SCHEMA_COL], RAW_SCHEMA) != 0) {
        *why = "schema is not " RAW_SCHEMA;
        return -1;
    }
    memset(w, 0, sizeof *w);
    COPY(w->run_id, f[RAW_RUN_ID]);
    COPY(w->host, f[RAW_HOST]);
    COPY(w->env, f[RAW_ENV]);
    COPY(w->workload, f[RAW_WORKLOAD]);
    COPY(w->metric, f[RAW_METRIC]);
    COPY(w->unit, f[RAW_UNIT]);
    COPY(w->dir, f[RAW_DIR]);
    COPY(w->status, f[RAW_STATUS]);
    COPY(w->accel, f[RAW_ACCEL]);
    COPY(w->cpus, f[RAW_CPUS]);
    char *end;
    w->rep = (int)strtol(f[RAW_REP], &end, 10);
    if (*end || !*f[RAW_REP]) {
        *why = "rep is not a number";
        return -1;
    }
    w->seq = (int)strtol(f[RAW_SEQ], &end, 10);
    if (*f[RAW_VALUE]) {
        errno = 0;
        w->value = strtod(f[RAW_VALUE], &end);
        if (*end || errno || !isfinite(w->value)) {
            *why = "value is not a number";
            return -1;
        }
        w->has_value = 1;
    } else if (!strcmp(w->status, "ok")) {
        *why = "an ok row without a value";
        return -1;
    }
    if (!*w->env || !*w->workload || !*w->metric) {
        *why = "empty env, workload or metric";
        return -1;
    }
    w->params = strdup(f[RAW_PARAMS]);
    return w->params ? 0 : -1;
}

int rows_load(const char *path, struct rows *r, struct vb_err *e)
{
    memset(r, 0, sizeof *r);
    FILE *f = fopen(path, "re");
    if (!f)
        return vb_errf(e, VB_EUSAGE, "cannot read %s: %s; give a results directory made by 'vcbench run'",
                       path, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int lineno = 0, rc = 0;
    while ((len = getline(&line, &cap, f)) > 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (lineno == 1) {
            if (!header_ok(line)) {
                rc = vb_errf(e, VB_EUSAGE, "%s: line 1 is not a vcbench raw.csv header", path);
                break;
            }
            continue;
        }
        if (len == 0)
            continue;
        if (r->n == r->cap) {
            int nc = r->cap ? r->cap * 2 : 256;
            struct row *nv = realloc(r->v, (size_t)nc * sizeof *nv);
            if (!nv) {
                rc = vb_errf(e, VB_EFAIL, "out of memory");
                break;
            }
            r->v = nv;
            r->cap = nc;
        }
        const char *why = "out of memory";
        if (parse_row(line, &r->v[r->n], &why) < 0) {
            rc = vb_errf(e, VB_EUSAGE, "%s: line %d: %s", path, lineno, why);
            break;
        }
        r->n++;
    }
    if (rc == 0 && lineno == 0)
        rc = vb_errf(e, VB_EUSAGE, "%s is empty", path);
    free(line);
    fclose(f);
    if (rc < 0)
        rows_free(r);
    return rc;
}

void rows_free(struct rows *r)
{
    for (int i = 0; i < r->n; i++)
        free(r->v[i].params);
    free(r->v);
    memset(r, 0, sizeof *r);
}
