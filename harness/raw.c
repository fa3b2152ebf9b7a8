#include "raw.h"
#include "csv.h"

#include <errno.h>
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
