#include "report/export.h"
#include "common/fsutil.h"
#include "common/jsonio.h"

static json_object *row_json(const struct row *w)
{
    json_object *o = json_object_new_object();
    jsonio_add(o, "env", jsonio_str(w->env));
    jsonio_add(o, "workload", jsonio_str(w->workload));
    jsonio_add(o, "params", jsonio_str(w->params));
    jsonio_add(o, "rep", json_object_new_int(w->rep));
    jsonio_add(o, "seq", json_object_new_int(w->seq));
    jsonio_add(o, "metric", jsonio_str(w->metric));
    jsonio_add(o, "unit", jsonio_str(w->unit));
    jsonio_add(o, "dir", jsonio_str(w->dir));
    jsonio_add(o, "value", w->has_value ? jsonio_num(w->value) : NULL);
    jsonio_add(o, "status", jsonio_str(w->status));
    return o;
}

static int export_cb(FILE *f, const void *arg)
{
    const struct results *r = arg;
    json_object *o = json_object_new_object(), *raw = json_object_new_array();
    jsonio_add(o, "schema", jsonio_str("vcbench-export-1"));
    jsonio_add(o, "run", r->has_meta ? meta_json(&r->meta) : NULL);
    jsonio_add(o, "summary", summary_groups_json(&r->summ));
    for (int i = 0; i < r->rows.n; i++)
        json_object_array_add(raw, row_json(&r->rows.v[i]));
    jsonio_add(o, "raw", raw);
    int rc = jsonio_write(f, o);
    json_object_put(o);
    return rc;
}

int export_json(const struct results *r, const char *path, struct vb_err *e)
{
    return fs_write_atomic(path, export_cb, r, e);
}
