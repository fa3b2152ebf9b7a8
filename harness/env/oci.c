/* OCI runtime-spec config.json, built as a json-c object. */
#include "env/oci.h"
#include "env/caps.h"
#include "common/jsonio.h"

#include <stdlib.h>

static json_object *caps(void)
{
    json_object *a = json_object_new_array();
    for (int i = 0; i < caps_ndocker; i++)
        json_object_array_add(a, json_object_new_string(caps_docker[i].name));
    return a;
}

static json_object *process(const struct oci_spec *s)
{
    static const char *const env[] = { "PATH=/", "HOME=/", NULL };
    json_object *p = json_object_new_object(), *user = json_object_new_object(), *c = json_object_new_object();
    jsonio_add(p, "terminal", json_object_new_boolean(0));
    jsonio_add(user, "uid", json_object_new_int(0));
    jsonio_add(user, "gid", json_object_new_int(0));
    jsonio_add(p, "user", user);
    jsonio_add(p, "args", jsonio_strs(s->args, -1));
    jsonio_add(p, "env", jsonio_strs(env, -1));
    jsonio_add(p, "cwd", jsonio_str("/"));
    jsonio_add(c, "bounding", caps());
    jsonio_add(c, "effective", caps());
    jsonio_add(c, "permitted", caps());
    jsonio_add(p, "capabilities", c);
    jsonio_add(p, "noNewPrivileges", json_object_new_boolean(1));
    return p;
}

static json_object *mount(const char *dest, const char *type, const char *src, const char *const *opts)
{
    json_object *m = json_object_new_object();
    jsonio_add(m, "destination", jsonio_str(dest));
    jsonio_add(m, "type", jsonio_str(type));
    jsonio_add(m, "source", jsonio_str(src));
    if (opts)
        jsonio_add(m, "options", jsonio_strs(opts, -1));
    return m;
}

static json_object *mounts(const struct oci_spec *s)
{
    static const char *const dev[] = { "nosuid", "strictatime", "mode=755", "size=65536k", NULL };
    static const char *const tmp[] = { "nosuid", "nodev", "mode=1777", NULL };
    static const char *const bind[] = { "bind", "rw", NULL };
    json_object *a = json_object_new_array();
    json_object_array_add(a, mount("/proc", "proc", "proc", NULL));
    json_object_array_add(a, mount("/dev", "tmpfs", "tmpfs", dev));
    json_object_array_add(a, mount("/tmp", "tmpfs", "tmpfs", tmp));
    if (s->disk)
        json_object_array_add(a, mount("/mnt/disk", "bind", s->disk, bind));
    return a;
}

static json_object *resources(const struct oci_spec *s)
{
    json_object *r = json_object_new_object(), *devs = json_object_new_array(), *d = json_object_new_object();
    jsonio_add(d, "allow", json_object_new_boolean(0));
    jsonio_add(d, "access", jsonio_str("rwm"));
    json_object_array_add(devs, d);
    jsonio_add(r, "devices", devs);
    if (s->cpus || s->quota_us) {
        json_object *cpu = json_object_new_object();
        if (s->cpus) {
            jsonio_add(cpu, "cpus", jsonio_str(s->cpus));
            jsonio_add(cpu, "mems", jsonio_str(s->mems ? s->mems : "0"));
        }
        if (s->quota_us) {
            jsonio_add(cpu, "quota", json_object_new_int64(s->quota_us));
            jsonio_add(cpu, "period", json_object_new_int64(s->period_us ? s->period_us : 100000));
        }
        jsonio_add(r, "cpu", cpu);
    }
    if (s->mem_bytes) {
        json_object *m = json_object_new_object();
        jsonio_add(m, "limit", json_object_new_int64((int64_t)s->mem_bytes));
        jsonio_add(r, "memory", m);
    }
    return r;
}

static json_object *linux_part(const struct oci_spec *s)
{
    static const char *const ns[] = { "pid", "network", "ipc", "uts", "mount", "cgroup" };
    static const char *const masked[] = { "/proc/kcore", "/proc/keys", "/proc/timer_list",
                                          "/proc/sched_debug", "/sys/firmware", NULL };
    static const char *const ro[] = { "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                      "/proc/sysrq-trigger", NULL };
    json_object *l = json_object_new_object(), *nss = json_object_new_array();
    if (s->cgroups_path)
        jsonio_add(l, "cgroupsPath", jsonio_str(s->cgroups_path));
    jsonio_add(l, "resources", resources(s));
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        json_object *n = json_object_new_object();
        jsonio_add(n, "type", jsonio_str(ns[i]));
        json_object_array_add(nss, n);
    }
    jsonio_add(l, "namespaces", nss);
    jsonio_add(l, "maskedPaths", jsonio_strs(masked, -1));
    jsonio_add(l, "readonlyPaths", jsonio_strs(ro, -1));
    return l;
}

int oci_config_write(FILE *f, const struct oci_spec *s)
{
    json_object *c = json_object_new_object(), *root = json_object_new_object();
    jsonio_add(c, "ociVersion", jsonio_str("1.0.2"));
    jsonio_add(c, "process", process(s));
    jsonio_add(root, "path", jsonio_str(s->rootfs));
    jsonio_add(root, "readonly", json_object_new_boolean(1));
    jsonio_add(c, "root", root);
    jsonio_add(c, "hostname", jsonio_str("vcbench"));
    jsonio_add(c, "mounts", mounts(s));
    jsonio_add(c, "linux", linux_part(s));
    int rc = jsonio_write(f, c);
    json_object_put(c);
    return rc;
}
