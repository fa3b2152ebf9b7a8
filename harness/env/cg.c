/* cg.c - the container's cgroup, made and read through libcgroup.
 *
 * libcgroup 2.0.2 writes setting names verbatim as file names and has no
 * v1<->v2 translation (that arrived in 3.0), so cg_settings() chooses the
 * names per version. On v1 (and hybrid hosts like this one) each controller
 * is its own hierarchy; cpuacct joins so CPU time can be read back. On v2
 * every controller shares one directory and CPU time is in cpu.stat. */
#include "env/cg.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <time.h>
#include <fcntl.h>
#include <stdarg.h>
#include <libcgroup.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct cg {
    struct cgroup *lc;         /* libcgroup's description, kept for attach/delete */
    enum cg_version v;
    char name[128];
    const char *ctrls[4];      /* the controllers it was made in */
    int nctrl;
};

static int set(struct cg_setting *out, int *n, int max, const char *ctrl, const char *name,
               const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int set(struct cg_setting *out, int *n, int max, const char *ctrl, const char *name,
               const char *fmt, ...)
{
    if (*n >= max)
        return -1;
    struct cg_setting *s = &out[(*n)++];
    s->ctrl = ctrl;
    s->name = name;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->value, sizeof s->value, fmt, ap);
    va_end(ap);
    return 0;
}

int cg_settings(enum cg_version v, const struct cg_limits *l, struct cg_setting *out, int max)
{
    int n = 0;
    long period = l->period_us > 0 ? l->period_us : 100000;
    if (l->cpus && *l->cpus) {
        set(out, &n, max, "cpuset", "cpuset.cpus", "%s", l->cpus);
        /* v1 refuses tasks in a cpuset whose mems is empty; v2 inherits,
         * which on a NUMA host would leave memory on any node. */
        if (v == CG_V1 || (l->numa && l->mems && *l->mems))
            set(out, &n, max, "cpuset", "cpuset.mems", "%s", l->mems && *l->mems ? l->mems : "0");
    }
    if (l->quota_us > 0) {
        if (v == CG_V1) {
            set(out, &n, max, "cpu", "cpu.cfs_period_us", "%ld", period);
            set(out, &n, max, "cpu", "cpu.cfs_quota_us", "%ld", l->quota_us);
        } else {
            set(out, &n, max, "cpu", "cpu.max", "%ld %ld", l->quota_us, period);
        }
    }
    if (l->mem_bytes > 0) {
        if (v == CG_V1) {
            set(out, &n, max, "memory", "memory.limit_in_bytes", "%llu", (unsigned long long)l->mem_bytes);
        } else {
            set(out, &n, max, "memory", "memory.max", "%llu", (unsigned long long)l->mem_bytes);
            /* A guest has no swap; neither does the container. */
            set(out, &n, max, "memory", "memory.swap.max", "0");
        }
    }
    return n > max ? max : n;
}

/* cgroup_init() parses /proc/mounts; once per process is enough. */
static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc;
static void init_lib(void) { init_rc = cgroup_init(); }

static int lib_init(struct vb_err *e)
{
    pthread_once(&init_once, init_lib);
    if (init_rc != 0)
        return vb_errf(e, VB_EHOST, "libcgroup cannot find mounted cgroups (%s); mount cgroup v1 "
                       "controllers or cgroup2 on /sys/fs/cgroup", cgroup_strerror(init_rc));
    return 0;
}

/* The layout does not change under a running harness: look once. */
static enum cg_version detected;

int cg_detect(enum cg_version *v, struct vb_err *e)
{
    if (detected) {
        *v = detected;
        return 0;
    }
    if (lib_init(e) < 0)
        return -1;
    char *mnt = NULL;
    int r = cgroup_get_subsys_mount_point("cpuset", &mnt);
    if (r != 0)
        return vb_errf(e, VB_EHOST, "the cpuset cgroup controller is not mounted (%s)", cgroup_strerror(r));
    /* libcgroup 2.0.2 has no public version call; a v2 mount has
     * cgroup.controllers at its root, a v1 hierarchy does not. */
    char path[4096];
    snprintf(path, sizeof path, "%s/cgroup.controllers", mnt);
    free(mnt);
    detected = access(path, F_OK) == 0 ? CG_V2 : CG_V1;
    *v = detected;
    return 0;
}

/* v2: make sure the root delegates cpuset, cpu and memory before the first
 * group is made (a no-op when it does), with an error that names the file
 * when it cannot. libcgroup 2.0.2 also enables each controller in the
 * subtree_control of every ancestor of the group it creates (the run's
 * parent for a launch's group), but reports a refusal only as a generic
 * failure. */
static int v2_enable_root(struct vb_err *e)
{
    char *mnt = NULL;
    if (cgroup_get_subsys_mount_point("cpuset", &mnt) != 0)
        return vb_errf(e, VB_EHOST, "cgroup2 mount point not found");
    char path[4096];
    snprintf(path, sizeof path, "%s/cgroup.subtree_control", mnt);
    free(mnt);
    static const char *const ctrls[] = { "+cpuset", "+cpu", "+memory" };
    for (int i = 0; i < 3; i++) {
        FILE *f = fopen(path, "we");
        if (!f)
            return vb_errf(e, VB_EHOST, "cannot open %s: %s", path, strerror(errno));
        fputs(ctrls[i], f);
        if (fclose(f) != 0)
            return vb_errf(e, VB_EHOST, "cannot enable %s in %s: %s", ctrls[i] + 1, path, strerror(errno));
    }
    return 0;
}

/* The controllers a group with settings s joins, in the order libcgroup
 * creates them. libcgroup chowns every file of every hierarchy it creates
 * in (~0.3 ms each here): v1 joins cpu only when a quota needs it. */
static int ctrls_for(enum cg_version v, const struct cg_setting *s, int ns, const char *out[4])
{
    static const char *const v1[] = { "cpuset", "cpu", "cpuacct", "memory" };
    static const char *const v2[] = { "cpuset", "cpu", "memory" };
    const char *const *names = v == CG_V1 ? v1 : v2;
    int n = v == CG_V1 ? 4 : 3, k = 0;
    for (int i = 0; i < n; i++) {
        int used = v == CG_V2 || strcmp(names[i], "cpu") != 0;
        for (int j = 0; j < ns && !used; j++)
            used = !strcmp(s[j].ctrl, names[i]);
        if (used)
            out[k++] = names[i];
    }
    return k;
}

static int add_controllers(struct cg *cg, const struct cg_setting *s, int ns, struct vb_err *e)
{
    cg->nctrl = ctrls_for(cg->v, s, ns, cg->ctrls);
    for (int i = 0; i < cg->nctrl; i++) {
        struct cgroup_controller *c = cgroup_add_controller(cg->lc, cg->ctrls[i]);
        if (!c)
            return vb_errf(e, VB_EHOST, "cannot add cgroup controller %s", cg->ctrls[i]);
        for (int k = 0; k < ns; k++) {
            if (strcmp(s[k].ctrl, cg->ctrls[i]) != 0)
                continue;
            int r = cgroup_add_value_string(c, s[k].name, s[k].value);
            if (r != 0)
                return vb_errf(e, VB_EFAIL, "cgroup setting %s: %s", s[k].name, cgroup_strerror(r));
        }
    }
    return 0;
}

int cg_create(const char *name, const struct cg_limits *l, struct cg **out, struct vb_err *e)
{
    *out = NULL;
    enum cg_version v;
    if (cg_detect(&v, e) < 0)
        return -1;
    static int root_ok;
    if (v == CG_V2 && !root_ok) {
        if (v2_enable_root(e) < 0)
            return -1;
        root_ok = 1;
    }
    struct cg_setting s[CG_SETTINGS_MAX];
    int ns = cg_settings(v, l, s, CG_SETTINGS_MAX);

    struct cg *c = calloc(1, sizeof *c);
    if (!c)
        return vb_errf(e, VB_EFAIL, "out of memory");
    c->v = v;
    snprintf(c->name, sizeof c->name, "%s", name);
    c->lc = cgroup_new_cgroup(name);
    if (!c->lc) {
        free(c);
        return vb_errf(e, VB_EFAIL, "out of memory");
    }
    if (add_controllers(c, s, ns, e) < 0) {
        cgroup_free(&c->lc);
        free(c);
        return -1;
    }
    int r = cgroup_create_cgroup(c->lc, 1);
    if (r != 0) {
        int err = errno;
        /* Part of it may exist (one hierarchy made, a value refused). */
        cg_destroy(c);
        return vb_errf(e, VB_EHOST, "cannot create cgroup %s: %s%s%s", name, cgroup_strerror(r),
                       r == ECGOTHER ? ": " : "", r == ECGOTHER ? strerror(err) : "");
    }
    *out = c;
    return 0;
}

int cg_attach(struct cg *c, pid_t pid, struct vb_err *e)
{
    int r = cgroup_attach_task_pid(c->lc, pid);
    if (r != 0)
        return vb_errf(e, VB_EHOST, "cannot move pid %d into cgroup %s: %s", (int)pid, c->name,
                       cgroup_strerror(r));
    return 0;
}

int cg_task_paths(const char *name, const struct cg_limits *l, char paths[][CG_PATH_MAX], int max,
                  struct vb_err *e)
{
    enum cg_version v;
    if (cg_detect(&v, e) < 0)
        return -1;
    struct cg_setting s[CG_SETTINGS_MAX];
    int ns = cg_settings(v, l, s, CG_SETTINGS_MAX);
    const char *ctrls[4];
    /* v2: one directory holds every controller. */
    int n = v == CG_V2 ? 1 : ctrls_for(v, s, ns, ctrls);
    if (v == CG_V2)
        ctrls[0] = "cpuset";
    if (n > max)
        return vb_errf(e, VB_EFAIL, "too many cgroup hierarchies");
    for (int i = 0; i < n; i++) {
        char *mnt = NULL;
        int r = cgroup_get_subsys_mount_point(ctrls[i], &mnt);
        if (r != 0)
            return vb_errf(e, VB_EHOST, "cgroup controller %s not mounted (%s)", ctrls[i], cgroup_strerror(r));
        int len = snprintf(paths[i], CG_PATH_MAX, "%s/%s/%s", mnt, name, v == CG_V1 ? "tasks" : "cgroup.procs");
        free(mnt);
        if (len >= CG_PATH_MAX)
            return vb_errf(e, VB_EFAIL, "cgroup path too long");
    }
    return n;
}

/* First line of <ctrl>/<name>/<file> (or the line starting with `key ` when
 * key is set) as an unsigned number. 0 or -1. */
static int read_u64(struct cg *c, const char *ctrl, const char *file, const char *key, uint64_t *val)
{
    void *h = NULL;
    char buf[256];
    size_t klen = key ? strlen(key) : 0;
    int r = cgroup_read_value_begin(ctrl, c->name, (char *)file, &h, buf, sizeof buf);
    int rc = -1;
    while (r == 0) {
        if (!key) {
            *val = strtoull(buf, NULL, 10);
            rc = 0;
            break;
        }
        if (!strncmp(buf, key, klen) && buf[klen] == ' ') {
            *val = strtoull(buf + klen + 1, NULL, 10);
            rc = 0;
            break;
        }
        r = cgroup_read_value_next(&h, buf, sizeof buf);
    }
    if (h)
        cgroup_read_value_end(&h);
    return rc;
}

int cg_usage(struct cg *c, uint64_t *cpu_ns, uint64_t *mem_peak, struct vb_err *e)
{
    *cpu_ns = 0;
    *mem_peak = 0;
    uint64_t v = 0;
    if (c->v == CG_V1) {
        if (read_u64(c, "cpuacct", "cpuacct.usage", NULL, &v) < 0)
            return vb_errf(e, VB_EFAIL, "cannot read cpuacct.usage of cgroup %s", c->name);
        *cpu_ns = v;
        if (read_u64(c, "memory", "memory.max_usage_in_bytes", NULL, &v) == 0)
            *mem_peak = v;
    } else {
        if (read_u64(c, "cpu", "cpu.stat", "usage_usec", &v) < 0)
            return vb_errf(e, VB_EFAIL, "cannot read cpu.stat of cgroup %s", c->name);
        *cpu_ns = v * 1000;
        /* memory.peak exists from Linux 5.19; older kernels leave it 0. */
        if (read_u64(c, "memory", "memory.peak", NULL, &v) == 0)
            *mem_peak = v;
    }
    return 0;
}

uint64_t cg_oom_count(struct cg *c)
{
    uint64_t n = 0;
    if (!c)
        return 0;
    /* Both count the cgroups below too (v2 unless memory_localevents). */
    if (c->v == CG_V1)
        read_u64(c, "memory", "memory.oom_control", "oom_kill", &n);
    else
        read_u64(c, "memory", "memory.events", "oom_kill", &n);
    return n;
}

int cg_oom_killed(struct cg *c)
{
    return cg_oom_count(c) > 0;
}

void cg_destroy(struct cg *c)
{
    if (!c)
        return;
    if (c->lc) {
        /* EMPTY_ONLY: plain delete misreports success as failure when
         * controllers share a directory, and on v2 tries to move tasks into
         * the parent. The container has been reaped, so it is empty. */
        cgroup_delete_cgroup_ext(c->lc, CGFLAG_DELETE_EMPTY_ONLY | CGFLAG_DELETE_IGNORE_MIGRATION);
        cgroup_free(&c->lc);
    }
    free(c);
}

/* SIGKILL every process listed in <dir>/cgroup.procs. */
static void kill_procs(const char *dir)
{
    char path[CG_PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/cgroup.procs", dir);
    FILE *f = fopen(path, "re");
    if (!f)
        return;
    int pid;
    while (fscanf(f, "%d", &pid) == 1)
        if (pid > 1)
            kill(pid, SIGKILL);
    fclose(f);
}

/* Children first, then dir itself; killed processes take a moment to
 * leave, so an rmdir that finds the group busy is retried for up to 2 s. */
static int sweep_dir(const char *dir)
{
    int n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    struct dirent *de;
    while ((de = readdir(d)))
        if (de->d_type == DT_DIR && strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
            char sub[CG_PATH_MAX];
            snprintf(sub, sizeof sub, "%s/%s", dir, de->d_name);
            n += sweep_dir(sub);
        }
    closedir(d);
    kill_procs(dir);
    for (int i = 0; i < 200; i++) {
        if (rmdir(dir) == 0)
            return n + 1;
        if (errno != EBUSY)
            break;
        nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
    }
    return n;
}

int cg_sweep(const char *name)
{
    /* Names the harness made are "vcbench.<run id>[.<engine>]": never
     * anything else. */
    if (strncmp(name, "vcbench.", 8) != 0 || strchr(name, '/') || strstr(name, ".."))
        return 0;
    /* Every cgroup hierarchy mounted, not only the controllers vcbench
     * writes: a runtime under a parent of ours (an engine's containers)
     * makes that parent in all of them - blkio, pids, ..., and on a hybrid
     * host the unified one. */
    FILE *f = fopen("/proc/self/mounts", "re");
    if (!f)
        return 0;
    char line[1024], mnt[CG_PATH_MAX], type[32], dir[CG_PATH_MAX * 2];
    int n = 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "%*s %511s %31s", mnt, type) == 2 && (!strcmp(type, "cgroup") || !strcmp(type, "cgroup2"))) {
            snprintf(dir, sizeof dir, "%s/%s", mnt, name);
            n += sweep_dir(dir);
        }
    fclose(f);
    return n;
}

static int memstat_key(const char *l, const char *key, uint64_t *v)
{
    size_t n = strlen(key);
    if (strncmp(l, key, n) != 0 || l[n] != ' ')
        return 0;
    *v = strtoull(l + n + 1, NULL, 10);
    return 1;
}

int cg_memstat_parse(enum cg_version v, const char *text, struct cg_mem *m)
{
    uint64_t cur = m->current;
    memset(m, 0, sizeof *m);
    m->current = cur;
    int got = 0;
    uint64_t kstack = 0, kernel = 0;
    for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
        if (v == CG_V1) {
            /* Not the total_ keys: those add the children, and an
             * instance's cgroup has none. */
            got += memstat_key(l, "rss", &m->anon) + memstat_key(l, "cache", &m->file);
        } else {
            got += memstat_key(l, "anon", &m->anon) + memstat_key(l, "file", &m->file);
            got += memstat_key(l, "kernel", &kernel) + memstat_key(l, "kernel_stack", &kstack);
            got += memstat_key(l, "pagetables", &m->pagetables) + memstat_key(l, "slab", &m->slab);
        }
    }
    /* "kernel" sums every kind from Linux 5.18; before, the parts. */
    if (v == CG_V2)
        m->kernel = kernel ? kernel : kstack + m->pagetables + m->slab;
    return got ? 0 : -1;
}

int cg_proc_path(enum cg_version v, const char *text, char *path, size_t n)
{
    for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
        const char *c1 = strchr(l, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        const char *end = strchr(l, '\n');
        if (!c2 || (end && c2 > end))
            continue;
        int match = 0;
        if (v == CG_V2) {
            match = c1 - l == 1 && l[0] == '0' && c2 == c1 + 1;
        } else {
            /* "4:memory:/x" or "7:cpu,cpuacct:/y": one name of the list. */
            for (const char *p = c1 + 1; p < c2 && !match;) {
                size_t k = strcspn(p, ",:");
                match = k == 6 && !strncmp(p, "memory", 6);
                p += k + 1;
            }
        }
        if (!match)
            continue;
        size_t len = end ? (size_t)(end - c2 - 1) : strlen(c2 + 1);
        if (len + 1 > n)
            return -1;
        memcpy(path, c2 + 1, len);
        path[len] = '\0';
        return 0;
    }
    return -1;
}

/* The whole of a small file, NUL-terminated, into buf. 0 or -1. */
static int read_small(const char *path, char *buf, size_t n)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t k = read(fd, buf, n - 1);
    close(fd);
    if (k < 0)
        return -1;
    buf[k] = '\0';
    return 0;
}

int cg_mem_of_pid(pid_t pid, struct cg_mem *m)
{
    enum cg_version v;
    char *mnt = NULL, buf[8192], mine[1024], its[1024], path[4096];
    memset(m, 0, sizeof *m);
    if (cg_detect(&v, NULL) < 0 || cgroup_get_subsys_mount_point("memory", &mnt) != 0)
        return -1;
    snprintf(path, sizeof path, "/proc/%d/cgroup", (int)pid);
    int rc = -1;
    if (read_small(path, buf, sizeof buf) < 0 || cg_proc_path(v, buf, its, sizeof its) < 0 ||
        read_small("/proc/self/cgroup", buf, sizeof buf) < 0 || cg_proc_path(v, buf, mine, sizeof mine) < 0)
        goto out;
    rc = 0;
    if (!strcmp(its, mine))
        goto out;
    rc = -1;
    snprintf(path, sizeof path, "%s%s/%s", mnt, its, v == CG_V1 ? "memory.usage_in_bytes" : "memory.current");
    if (read_small(path, buf, sizeof buf) < 0)
        goto out;
    m->current = strtoull(buf, NULL, 10);
    snprintf(path, sizeof path, "%s%s/memory.stat", mnt, its);
    if (read_small(path, buf, sizeof buf) < 0 || cg_memstat_parse(v, buf, m) < 0)
        goto out;
    snprintf(path, sizeof path, "%s%s/memory.kmem.usage_in_bytes", mnt, its);
    if (v == CG_V1 && read_small(path, buf, sizeof buf) == 0)
        m->kernel = strtoull(buf, NULL, 10);
    rc = 1;
out:
    free(mnt);
    return rc;
}
