#include "analysis/results.h"
#include "common/fsutil.h"

#include <string.h>
#include <sys/stat.h>

int results_open(const char *path, struct results *r, struct vb_err *e)
{
    return results_open_flags(path, 0, r, e);
}

int results_open_flags(const char *path, int flags, struct results *r, struct vb_err *e)
{
    memset(r, 0, sizeof *r);
    struct stat st;
    char p[PATH_MAX + 16];
    if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode)) {
        /* A raw.csv on its own: its directory may hold run.json. */
        const char *slash = strrchr(path, '/');
        snprintf(r->dir, sizeof r->dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
        snprintf(p, sizeof p, "%s", path);
    } else {
        snprintf(r->dir, sizeof r->dir, "%s", path);
        snprintf(p, sizeof p, "%s/raw.csv", path);
    }
    if (rows_load(p, &r->rows, e) < 0)
        return -1;
    if (summary_build_flags(&r->rows, flags, &r->summ, e) < 0) {
        rows_free(&r->rows);
        return -1;
    }
    snprintf(p, sizeof p, "%s/run.json", r->dir);
    struct vb_err me = { 0 };
    int m = meta_read(p, &r->meta, &me);
    if (m < 0) {
        memset(&r->meta, 0, sizeof r->meta);
        snprintf(r->meta_warning, sizeof r->meta_warning, "%s", me.msg);
    }
    r->has_meta = m == 0;
    return 0;
}

void results_close(struct results *r)
{
    summary_free(&r->summ);
    rows_free(&r->rows);
    memset(r, 0, sizeof *r);
}

static int csv_cb(FILE *f, const void *s) { return summary_write_csv(f, s); }
static int json_cb(FILE *f, const void *s) { return summary_write_json(f, s); }

int results_save_summary(const struct results *r, struct vb_err *e)
{
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/summary.csv", r->dir);
    if (fs_write_atomic(path, csv_cb, &r->summ, e) < 0)
        return -1;
    snprintf(path, sizeof path, "%s/summary.json", r->dir);
    return fs_write_atomic(path, json_cb, &r->summ, e);
}
