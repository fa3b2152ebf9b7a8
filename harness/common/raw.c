#include "common/raw.h"
#include "common/csv.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char *const raw_columns[RAW_NCOL] = {
    "schema", "run_id", "time_utc", "host", "env", "workload", "params",
    "rep", "seq", "metric", "unit", "dir", "value", "status", "accel",
    "cpus", "mem_mib", "wl_sha256", "note",
};

int raw_open(struct raw *r, const char *path, const struct raw_run *run, struct vb_err *e)
{
    memset(r, 0, sizeof *r);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return vb_errf(e, errno == EEXIST ? VB_EUSAGE : VB_EHOST, "cannot create %s: %s%s", path,
                       strerror(errno), errno == EEXIST ? "; choose a new --out directory" : "");
    r->f = fdopen(fd, "w");
    if (!r->f) {
        close(fd);
        return vb_errf(e, VB_EHOST, "cannot open %s: %s", path, strerror(errno));
    }
    r->run = *run;
    if (csv_row(r->f, raw_columns, RAW_NCOL) < 0 || fflush(r->f) != 0)
        return vb_errf(e, VB_EHOST, "cannot write %s: %s", path, strerror(errno));
    return 0;
}

int raw_write(struct raw *r, const struct raw_row *row, struct vb_err *e)
{
    char t[32], rep[16], seq[16], val[64], mem[24];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(t, sizeof t, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(rep, sizeof rep, "%d", row->rep);
    snprintf(seq, sizeof seq, "%d", row->seq);
    snprintf(mem, sizeof mem, "%lu", r->run.mem_mib);
    if (row->has_value)
        snprintf(val, sizeof val, "%.9g", row->value);
    else
        val[0] = '\0';
    const char *f[RAW_NCOL] = {
        RAW_SCHEMA, r->run.run_id, t, r->run.host, row->env, row->workload, row->params,
        rep, seq, row->metric, row->unit, row->dir, val, row->status, r->run.accel,
        r->run.cpus, mem, r->run.wl_sha256, row->note ? row->note : "",
    };
    if (csv_row(r->f, f, RAW_NCOL) < 0 || fflush(r->f) != 0 || fdatasync(fileno(r->f)) != 0)
        return vb_errf(e, VB_EHOST, "cannot append to raw.csv: %s", strerror(errno));
    r->rows++;
    return 0;
}

void raw_close(struct raw *r)
{
    if (r->f)
        fclose(r->f);
    r->f = NULL;
}

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
