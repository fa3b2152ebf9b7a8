#include "run/meta.h"
#include "common/fsutil.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define SCHEMA "vcbench-run-1"

static const char *const cache_keys[4] = { "l1d", "l2", "l3", "l4" };

/* The text fields, in the order they are written. */
#define TEXT_FIELDS(X)                                                                              \
    X(run_id) X(host) X(topology) X(cpu_model) X(host_kernel) X(cgroup) X(libvirt_version)             \
    X(qemu_version) X(guest_kernel) X(runc_version) X(crun_version) X(vcbench_commit) X(accel)       \
    X(accel_reason) X(wl_sha256) X(wl_build) X(profile) X(cpus_workload) X(cpus_harness) X(cpus_emulator) \
    X(pinning) X(pmu) X(thp) X(ksm) X(cpus_neighbour) X(neighbour_shares)

static json_object *workloads_json(const struct run_meta *m)
{
    json_object *a = json_object_new_array();
    for (int i = 0; i < m->nwl; i++) {
        json_object *w = json_object_new_object(), *args = json_object_new_array();
        char buf[sizeof m->wl[0].args], *save;
        snprintf(buf, sizeof buf, "%s", m->wl[i].args);
        for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
            json_object_array_add(args, json_object_new_string(t));
        jsonio_add(w, "name", jsonio_str(m->wl[i].name));
        jsonio_add(w, "args", args);
        json_object_array_add(a, w);
    }
    return a;
}

static json_object *envs_json(const struct run_meta *m)
{
    json_object *a = json_object_new_array();
    for (int i = 0; i < m->nenv; i++) {
        json_object *v = json_object_new_object();
        jsonio_add(v, "name", jsonio_str(m->env[i].name));
        jsonio_add(v, "prepare_ms", jsonio_num(m->env[i].prepare_ms));
        if (m->env[i].about[0])
            jsonio_add(v, "about", jsonio_str(m->env[i].about));
        json_object_array_add(a, v);
    }
    return a;
}

static json_object *skipped_json(const struct run_meta *m)
{
    json_object *a = json_object_new_array();
    for (int i = 0; i < m->nskipped; i++) {
        json_object *v = json_object_new_object();
        jsonio_add(v, "name", jsonio_str(m->skipped[i].name));
        jsonio_add(v, "why", jsonio_str(m->skipped[i].why));
        json_object_array_add(a, v);
    }
    return a;
}

json_object *meta_json(const struct run_meta *m)
{
    json_object *o = json_object_new_object(), *c = json_object_new_object();
    jsonio_add(o, "schema", jsonio_str(SCHEMA));
#define ADD(f) jsonio_add(o, #f, jsonio_str(m->f));
    TEXT_FIELDS(ADD)
#undef ADD
    jsonio_add(o, "host_mem_mib", json_object_new_int64((int64_t)m->host_mem_mib));
    for (int i = 0; i < 4; i++)
        jsonio_add(c, cache_keys[i], json_object_new_int64((int64_t)m->cache_bytes[i]));
    jsonio_add(o, "cache_bytes", c);
    jsonio_add(o, "kernel", jsonio_str(m->kernel));
    jsonio_add(o, "libvirt_uri", jsonio_str(m->libvirt_uri));
    jsonio_add(o, "mem_mib", json_object_new_int64((int64_t)m->mem_mib));
    jsonio_add(o, "vcpus", json_object_new_int(m->vcpus));
    jsonio_add(o, "runs", json_object_new_int(m->runs));
    jsonio_add(o, "warmup", json_object_new_int(m->warmup));
    jsonio_add(o, "seed", json_object_new_int64((int64_t)m->seed));
    jsonio_add(o, "workloads", workloads_json(m));
    jsonio_add(o, "envs", envs_json(m));
    if (m->nskipped)
        jsonio_add(o, "skipped_envs", skipped_json(m));
    if (m->narms) {
        json_object *a = json_object_new_array();
        for (int i = 0; i < m->narms; i++) {
            json_object *x = json_object_new_object();
            jsonio_add(x, "label", jsonio_str(m->arm[i].label));
            jsonio_add(x, "settings", jsonio_str(m->arm[i].settings));
            jsonio_add(x, "wl_sha256", jsonio_str(m->arm[i].wl_sha256));
            json_object_array_add(a, x);
        }
        jsonio_add(o, "arms", a);
    }
    if (m->has_totals) {
        jsonio_add(o, "ok", json_object_new_int(m->ok));
        jsonio_add(o, "failed", json_object_new_int(m->failed));
        jsonio_add(o, "not_run", json_object_new_int(m->not_run));
    }
    return o;
}

static int write_cb(FILE *f, const void *m)
{
    json_object *o = meta_json(m);
    int rc = jsonio_write(f, o);
    json_object_put(o);
    return rc;
}

int meta_write(const char *path, const struct run_meta *m, struct vb_err *e)
{
    return fs_write_atomic(path, write_cb, m, e);
}

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

static void arrays_read(json_object *o, struct run_meta *m)
{
    json_object *a;
    if (json_object_object_get_ex(o, "workloads", &a) && json_object_is_type(a, json_type_array))
        for (size_t i = 0; i < json_object_array_length(a) && m->nwl < META_MAX_WLS; i++) {
            json_object *w = json_object_array_get_idx(a, i), *args;
            COPY(m->wl[m->nwl].name, jsonio_get(w, "name"));
            size_t len = 0, cap = sizeof m->wl[0].args;
            if (json_object_object_get_ex(w, "args", &args) && json_object_is_type(args, json_type_array))
                for (size_t k = 0; k < json_object_array_length(args) && len < cap; k++) {
                    const char *a = json_object_get_string(json_object_array_get_idx(args, k));
                    len += (size_t)snprintf(m->wl[m->nwl].args + len, cap - len, "%s%s", k ? " " : "", a ? a : "");
                }
            m->nwl++;
        }
    if (json_object_object_get_ex(o, "arms", &a) && json_object_is_type(a, json_type_array))
        for (size_t i = 0; i < json_object_array_length(a) && m->narms < 2; i++, m->narms++) {
            json_object *x = json_object_array_get_idx(a, i);
            COPY(m->arm[m->narms].label, jsonio_get(x, "label"));
            COPY(m->arm[m->narms].settings, jsonio_get(x, "settings"));
            COPY(m->arm[m->narms].wl_sha256, jsonio_get(x, "wl_sha256"));
        }
    if (json_object_object_get_ex(o, "envs", &a) && json_object_is_type(a, json_type_array))
        for (size_t i = 0; i < json_object_array_length(a) && m->nenv < META_MAX_ENVS; i++) {
            json_object *v = json_object_array_get_idx(a, i), *ms;
            COPY(m->env[m->nenv].name, jsonio_get(v, "name"));
            if (json_object_object_get_ex(v, "prepare_ms", &ms))
                m->env[m->nenv].prepare_ms = json_object_get_double(ms);
            COPY(m->env[m->nenv].about, jsonio_get(v, "about"));
            m->nenv++;
        }
    if (json_object_object_get_ex(o, "skipped_envs", &a) && json_object_is_type(a, json_type_array))
        for (size_t i = 0; i < json_object_array_length(a) && m->nskipped < META_MAX_ENVS; i++, m->nskipped++) {
            json_object *v = json_object_array_get_idx(a, i);
            COPY(m->skipped[m->nskipped].name, jsonio_get(v, "name"));
            COPY(m->skipped[m->nskipped].why, jsonio_get(v, "why"));
        }
}

static int meta_from(json_object *o, const char *path, struct run_meta *m, struct vb_err *e);

int meta_read(const char *path, struct run_meta *m, struct vb_err *e)
{
    memset(m, 0, sizeof *m);
    if (access(path, F_OK) != 0 && errno == ENOENT)
        return 1;
    json_object *o = jsonio_read(path, e);
    return o ? meta_from(o, path, m, e) : -1;
}

int meta_parse(const char *text, const char *name, struct run_meta *m, struct vb_err *e)
{
    memset(m, 0, sizeof *m);
    json_object *o = json_tokener_parse(text);
    if (!o)
        return vb_errf(e, VB_EUSAGE, "%s is not JSON", name);
    return meta_from(o, name, m, e);
}

/* Fill m from the parsed document o (which it puts). */
static int meta_from(json_object *o, const char *path, struct run_meta *m, struct vb_err *e)
{
    json_object *c, *x;
    if (!json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        return vb_errf(e, VB_EUSAGE, "%s is not a vcbench run.json (not an object)", path);
    }
    if (strcmp(jsonio_get(o, "schema"), SCHEMA) != 0) {
        json_object_put(o);
        return vb_errf(e, VB_EUSAGE, "%s is not a vcbench run.json (schema %s)", path, SCHEMA);
    }
#define GET(f) COPY(m->f, jsonio_get(o, #f));
    TEXT_FIELDS(GET)
#undef GET
    COPY(m->kernel, jsonio_get(o, "kernel"));
    COPY(m->libvirt_uri, jsonio_get(o, "libvirt_uri"));
    m->host_mem_mib = (unsigned long)jsonio_get_int(o, "host_mem_mib");
    if (json_object_object_get_ex(o, "cache_bytes", &c))
        for (int i = 0; i < 4; i++)
            m->cache_bytes[i] = (unsigned long long)jsonio_get_int(c, cache_keys[i]);
    /* Runs before 2026-12 wrote mem_mib as a string; json-c reads both. */
    m->mem_mib = (unsigned long)jsonio_get_int(o, "mem_mib");
    m->vcpus = (int)jsonio_get_int(o, "vcpus");
    m->runs = (int)jsonio_get_int(o, "runs");
    m->warmup = (int)jsonio_get_int(o, "warmup");
    m->seed = (unsigned long long)jsonio_get_int(o, "seed");
    arrays_read(o, m);
    m->has_totals = json_object_object_get_ex(o, "ok", &x);
    m->ok = (int)jsonio_get_int(o, "ok");
    m->failed = (int)jsonio_get_int(o, "failed");
    m->not_run = (int)jsonio_get_int(o, "not_run");
    json_object_put(o);
    return 0;
}

unsigned long long meta_llc(const struct run_meta *m)
{
    unsigned long long llc = 0;
    for (int i = 1; i < 4; i++)
        if (m->cache_bytes[i] > llc)
            llc = m->cache_bytes[i];
    return llc;
}
