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
    "cpus", "mem_mib", "wl_sha256", "note", "arm",
};

int raw_open(struct raw *r, const char *path, const struct raw_run *run, struct vb_err *e)
{
    memset(r, 0, sizeof *r);
    /* Never write what the reader would refuse (names_check below). */
    if (!raw_name_ok(run->host, 65, 0))
        return vb_errf(e, VB_EHOST, "the host name '%s' cannot be recorded (letters, digits and _.+-: only, "
                       "at most 64); set a plain host name", run->host);
    if (!raw_name_ok(run->run_id, 48, 0) || !raw_name_ok(run->accel, 8, 0))
        return vb_errf(e, VB_EUSAGE, "run id '%s' or accelerator '%s' cannot be recorded", run->run_id, run->accel);
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
    if (!r->f)
        return vb_errf(e, VB_EFAIL, "raw.csv is closed: no row can be added");
    if (!raw_name_ok(row->env, 32, 0) || !raw_name_ok(row->workload, 32, 0) || !raw_name_ok(row->metric, 48, 0) ||
        !raw_name_ok(row->status, 16, 0) || (*row->unit && !raw_name_ok(row->unit, 16, 1)))
        return vb_errf(e, VB_EFAIL, "refusing to write a row named %s/%s/%s (unit '%s', status '%s') that raw.csv "
                       "readers would refuse", row->env, row->workload, row->metric, row->unit, row->status);
    if (row->arm && *row->arm && !raw_name_ok(row->arm, 16, 0))
        return vb_errf(e, VB_EUSAGE, "arm label '%s': letters, digits and _.+-: only, at most 15", row->arm);
    char t[32], rep[16], seq[16], val[64], mem[24];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(t, sizeof t, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(rep, sizeof rep, "%d", row->rep);
    snprintf(seq, sizeof seq, "%d", row->seq);
    snprintf(mem, sizeof mem, "%lu", row->mem_mib ? row->mem_mib : r->run.mem_mib);
    if (row->has_value)
        snprintf(val, sizeof val, "%.9g", row->value);
    else
        val[0] = '\0';
    const char *f[RAW_NCOL] = {
        RAW_SCHEMA, r->run.run_id, t, r->run.host, row->env, row->workload, row->params,
        rep, seq, row->metric, row->unit, row->dir, val, row->status, r->run.accel,
        r->run.cpus, mem, row->wl_sha256 ? row->wl_sha256 : r->run.wl_sha256, row->note ? row->note : "",
        row->arm ? row->arm : "",
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

/* The header of raw-2 (all columns) or raw-1 (without arm). */
static int header_ok(char *line)
{
    char *f[RAW_NCOL + 1];
    int n = csv_split(line, f, RAW_NCOL + 1);
    if (n != RAW_NCOL && n != RAW_NCOL_V1)
        return 0;
    for (int i = 0; i < n; i++)
        if (strcmp(f[i], raw_columns[i]) != 0)
            return 0;
    return 1;
}

/* The index of sha in r->shas, added when new. -1: out of memory. */
static int sha_index(struct rows *r, const char *sha)
{
    for (int i = 0; i < r->nsha; i++)
        if (!strcmp(r->shas[i], sha))
            return i;
    char (*ns)[65] = realloc(r->shas, (size_t)(r->nsha + 1) * sizeof *ns);
    if (!ns)
        return -1;
    r->shas = ns;
    snprintf(r->shas[r->nsha], sizeof r->shas[0], "%s", sha);
    return r->nsha++;
}

/* Bounded copy without printf: a million rows carry ten names each. */
static void copy_field(char *dst, size_t size, const char *src)
{
    size_t n = strnlen(src, size - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}
#define COPY(dst, src) copy_field((dst), sizeof(dst), (src))

const char *rows_intern(struct rows *r, const char *s)
{
    return strmap_intern(&r->strs, s, 0);
}

int raw_name_ok(const char *s, size_t max, int unit)
{
    size_t n = strlen(s);
    if (n == 0 || n >= max)
        return 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                 c == '.' || c == '+' || c == '-' || c == ':' || (unit && (c == '/' || c == '%'));
        if (!ok)
            return 0;
    }
    return 1;
}

/* Every name a row carries, checked before anything downstream (file
 * names, gnuplot, Markdown) sees it. NULL when fine, else what is wrong. */
static const char *names_check(char **f)
{
    static const struct { int col; size_t max; int unit, may_be_empty; const char *what; } names[] = {
        { RAW_RUN_ID, 48, 0, 0, "run_id" }, { RAW_HOST, 65, 0, 0, "host" }, { RAW_ENV, 32, 0, 0, "env" },
        { RAW_WORKLOAD, 32, 0, 0, "workload" }, { RAW_METRIC, 48, 0, 0, "metric" },
        { RAW_UNIT, 16, 1, 1, "unit" }, { RAW_STATUS, 16, 0, 0, "status" }, { RAW_ACCEL, 8, 0, 0, "accel" },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *v = f[names[i].col];
        if ((*v || !names[i].may_be_empty) && !raw_name_ok(v, names[i].max, names[i].unit))
            return names[i].what;
    }
    const char *d = f[RAW_DIR];
    if (*d && strcmp(d, "higher") != 0 && strcmp(d, "lower") != 0)
        return "dir";
    return NULL;
}

static int parse_row(char *line, struct rows *r, struct row *w, const char **why)
{
    char *f[RAW_NCOL + 1];
    int n = csv_split(line, f, RAW_NCOL + 1);
    if (n < 0) {
        *why = "malformed quoting";
        return -1;
    }
    int v2 = n == RAW_NCOL && !strcmp(f[RAW_SCHEMA_COL], RAW_SCHEMA);
    int v1 = n == RAW_NCOL_V1 && !strcmp(f[RAW_SCHEMA_COL], RAW_SCHEMA_V1);
    if (!v1 && !v2) {
        *why = n != RAW_NCOL && n != RAW_NCOL_V1 ? "wrong number of fields"
               : "schema is not " RAW_SCHEMA " (or " RAW_SCHEMA_V1 ")";
        return -1;
    }
    if (v1)
        f[RAW_ARM] = "";
    if (*f[RAW_ARM] && !raw_name_ok(f[RAW_ARM], 16, 0)) {
        *why = "arm is too long or has characters other than letters, digits and _.+-:";
        return -1;
    }
    const char *bad = names_check(f);
    if (bad) {
        static char msg[96];
        snprintf(msg, sizeof msg, "%s is empty, too long, or has characters other than letters, digits and "
                 "_.+-:", bad);
        *why = msg;
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
    COPY(w->arm, f[RAW_ARM]);
    if ((w->sha = sha_index(r, f[RAW_WL_SHA256])) < 0)
        return -1;
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
    w->params = rows_intern(r, f[RAW_PARAMS]);
    return w->params ? 0 : -1;
}

static int rows_grow(struct rows *r)
{
    if (r->n < r->cap)
        return 0;
    int nc = r->cap ? r->cap * 2 : 256;
    struct row *nv = realloc(r->v, (size_t)nc * sizeof *nv);
    if (!nv)
        return -1;
    r->v = nv;
    r->cap = nc;
    return 0;
}

int rows_read(FILE *f, const char *path, struct rows *r, struct vb_err *e)
{
    memset(r, 0, sizeof *r);
    char *rec = NULL;
    size_t cap = 0;
    long len;
    int lines = 0, records = 0, ended, rc = 0;
    for (;;) {
        int first = lines + 1;                  /* the record's first physical line */
        if ((len = csv_read_record(f, &rec, &cap, &ended, &lines)) < 0)
            break;
        if (records++ == 0) {
            if (!header_ok(rec))
                rc = vb_errf(e, VB_EUSAGE, "%s: line 1 is not a vcbench raw.csv header", path);
            if (rc < 0)
                break;
            continue;
        }
        if (len == 0 || (len == 1 && rec[0] == '\r'))
            continue;
        if (rows_grow(r) < 0) {
            rc = vb_errf(e, VB_EFAIL, "out of memory");
            break;
        }
        const char *why = "out of memory";
        int swallowed = strstr(rec, "\nvcbench-raw-") != NULL;   /* before parse_row splits rec */
        if (parse_row(rec, r, &r->v[r->n], &why) == 0) {
            r->n++;
            continue;
        }
        /* A last row without its newline that does not parse is a write
         * cut short by kill -9: the run ended there; keep what is whole.
         * Unless an open quote swallowed whole rows after it: that is a
         * broken file, and dropping them would lose data silently. */
        if (!ended && feof(f) && !swallowed)
            break;
        rc = vb_errf(e, VB_EUSAGE, "%s: line %d: %s", path, first, why);
        break;
    }
    if (rc == 0 && records == 0)
        rc = vb_errf(e, VB_EUSAGE, "%s is empty", path);
    free(rec);
    if (rc < 0)
        rows_free(r);
    return rc;
}

int rows_load(const char *path, struct rows *r, struct vb_err *e)
{
    memset(r, 0, sizeof *r);
    FILE *f = fopen(path, "re");
    if (!f)
        return vb_errf(e, VB_EUSAGE, "cannot read %s: %s; give a results directory made by 'vcbench run'",
                       path, strerror(errno));
    int rc = rows_read(f, path, r, e);
    fclose(f);
    return rc;
}

void rows_free(struct rows *r)
{
    strmap_free(&r->strs);
    free(r->v);
    free(r->shas);
    memset(r, 0, sizeof *r);
}
