/* A run from request to raw.csv. Everything is checked before anything is
 * created; then each thing made has one owner (struct run) and run_free
 * removes it on every path. */
#include "run/prepare.h"
#include "env/accel.h"
#include "env/pin.h"
#include "run/hostinfo.h"
#include "common/diskfile.h"
#include "common/fsutil.h"
#include "common/own.h"
#include "common/sha256.h"
#include "common/sig.h"
#include "common/units.h"
#include "common/wlmeta.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Split a comma list into items (in place). Returns the count, or -1 for
 * too many items or an empty one: "native," in a CI script means a
 * variable was empty, and measuring less than asked must not pass. */
static int split_list(char *s, const char **items, int max)
{
    int n = 0;
    for (char *p = s;; p++) {
        char *c = strchr(p, ',');
        if (c)
            *c = '\0';
        if (!*p || n == max)
            return -1;
        items[n++] = p;
        if (!c)
            return n;
        p = c;
    }
}

/* Add words of text (space separated) to a workload's argv. */
static int args_add_words(struct run_workload *w, const char *text, struct vb_err *e)
{
    char *copy = strdup(text), *save;
    if (!copy)
        return vb_errf(e, VB_EFAIL, "out of memory");
    for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        char **a = realloc(w->argv, sizeof *a * (size_t)(w->argc + 2));
        if (a)
            w->argv = a;
        if (!a || !(a[w->argc] = strdup(t))) {
            free(copy);
            return vb_errf(e, VB_EFAIL, "out of memory");
        }
        a[++w->argc] = NULL;
    }
    free(copy);
    return 0;
}

static int envs_parse(const char *list, struct run *r, struct vb_err *e)
{
    char buf[256];
    const char *names[RUN_MAX_ENVS + 1];
    snprintf(buf, sizeof buf, "%s", list);
    int n = split_list(buf, names, RUN_MAX_ENVS);
    if (n <= 0)
        return vb_errf(e, VB_EUSAGE, "--envs '%s': give one or more of native,container,vm, comma separated, none "
                       "empty (see 'vcbench list')", list);
    for (int i = 0; i < n; i++) {
        const struct env_ops *env = env_find(names[i]);
        if (!env)
            return vb_errf(e, VB_EUSAGE, "unknown environment '%s'; 'vcbench list' shows the choices", names[i]);
        for (int k = 0; k < r->spec.nenv; k++)
            if (r->spec.envs[k] == env)
                return vb_errf(e, VB_EUSAGE, "--envs names an environment twice");
        r->spec.envs[r->spec.nenv++] = env;
        r->needs |= env->needs;
    }
    return 0;
}

/* The options the harness derives so that every env does the same work:
 * the run's shared disk, and arrays sized from the last-level cache hwloc
 * reports (the guest's own view of its caches is whatever the virtual CPU
 * model claims). */
static void auto_args(const struct wl_meta *w, const struct run *r, unsigned long long llc, char *buf, size_t n)
{
    buf[0] = '\0';
    if (w->flags & WLM_DISK)
        snprintf(buf, n, "--file %s --size %llu", WL_DISK_ARG, (unsigned long long)r->disk_size);
    else if ((w->flags & WLM_LLC) && llc)
        snprintf(buf, n, "--size %llu", (unsigned long long)wl_meta_llc_size(llc, r->cfg.mem_bytes));
}

/* Workloads and their options: what the harness derives, the profile's,
 * then --set overrides (wl takes the last value of a repeated option). */
static int workloads_parse(const char *list, struct run *r, struct vb_err *e)
{
    char buf[256];
    const char *names[RUN_MAX_WLS + 1];
    unsigned long long caches[4] = { 0 }, llc = 0;
    int levels = pin_cache_sizes(caches, NULL);
    if (levels > 0)
        llc = caches[levels - 1];
    snprintf(buf, sizeof buf, "%s", list);
    int n = split_list(buf, names, RUN_MAX_WLS);
    if (n <= 0)
        return vb_errf(e, VB_EUSAGE, "--workloads '%s': give one or more workloads, comma separated, none empty "
                       "(see 'vcbench list')", list);
    for (int i = 0; i < n; i++) {
        const struct wl_meta *w = wl_meta_find(names[i]);
        if (!w)
            return vb_errf(e, VB_EUSAGE, "unknown workload '%s'; 'vcbench list' shows the choices", names[i]);
        struct run_workload *rw = &r->spec.wls[r->spec.nwl++];
        char derived[128];
        auto_args(w, r, llc, derived, sizeof derived);
        rw->name = w->name;
        if (args_add_words(rw, derived, e) < 0 || args_add_words(rw, profile_args(r->prof, w->name), e) < 0)
            return -1;
    }
    return 0;
}

static int set_apply(struct run *r, const char *s, struct vb_err *e)
{
    const char *dot = strchr(s, '.'), *eq = strchr(s, '=');
    if (!dot || !eq || eq < dot || dot == s || eq == dot + 1)
        return vb_errf(e, VB_EUSAGE, "--set '%s': expected WORKLOAD.OPTION=VALUE, e.g. cpu.threads=2", s);
    struct run_workload *w = NULL;
    for (int k = 0; k < r->spec.nwl; k++)
        if (strlen(r->spec.wls[k].name) == (size_t)(dot - s) && !strncmp(r->spec.wls[k].name, s, (size_t)(dot - s)))
            w = &r->spec.wls[k];
    if (!w)
        return vb_errf(e, VB_EUSAGE, "--set '%s': workload '%.*s' is not in --workloads", s, (int)(dot - s), s);
    if (strchr(eq + 1, ' '))
        return vb_errf(e, VB_EUSAGE, "--set: values cannot contain spaces");
    char words[256];
    snprintf(words, sizeof words, "--%.*s %s", (int)(eq - dot - 1), dot + 1, eq + 1);
    return args_add_words(w, words, e);
}

/* Is the output directory usable, without creating anything? */
static int out_check(const char *out, struct vb_err *e)
{
    char probe[PATH_MAX];
    snprintf(probe, sizeof probe, "%s/raw.csv", out);
    if (access(probe, F_OK) == 0)
        return vb_errf(e, VB_EUSAGE, "%s already holds results; choose a new --out directory", out);
    /* Walk up to the first existing ancestor and check we may write there. */
    snprintf(probe, sizeof probe, "%s", out);
    for (;;) {
        struct stat st;
        if (stat(probe, &st) == 0) {
            if (!S_ISDIR(st.st_mode))
                return vb_errf(e, VB_EUSAGE, "--out %s: %s is not a directory", out, probe);
            if (access(probe, W_OK | X_OK) != 0)
                return vb_errf(e, VB_EUSAGE, "--out %s: cannot write in %s; choose another directory", out, probe);
            return 0;
        }
        char *slash = strrchr(probe, '/');
        if (!slash)
            snprintf(probe, sizeof probe, ".");
        else if (slash == probe)
            probe[1] = '\0';
        else
            *slash = '\0';
    }
}

/* The run id (UTC time and pid) and the output directory it names by
 * default. */
static int ids_check(const struct run_request *q, struct run *r, struct vb_err *e)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(r->run_id, sizeof r->run_id, "%Y%m%d-%H%M%S", &tm);
    size_t len = strlen(r->run_id);
    snprintf(r->run_id + len, sizeof r->run_id - len, "-%04x", (unsigned)getpid() & 0xffff);
    if (q->out)
        snprintf(r->out, sizeof r->out, "%s", q->out);
    else
        snprintf(r->out, sizeof r->out, "results/%s", r->run_id);
    return out_check(r->out, e);
}

/* The workload binary (default: wl beside this executable) and its hash,
 * recorded in every row. */
static int wl_check(const char *wl, struct run *r, struct vb_err *e)
{
    if (wl) {
        snprintf(r->wl_path, sizeof r->wl_path, "%s", wl);
    } else {
        ssize_t n = readlink("/proc/self/exe", r->wl_path, sizeof r->wl_path - 4);
        r->wl_path[n > 0 ? n : 0] = '\0';
        char *slash = strrchr(r->wl_path, '/');
        if (slash)
            snprintf(slash + 1, 3, "wl");
        else
            snprintf(r->wl_path, sizeof r->wl_path, "./wl");
    }
    if (sha256_file(r->wl_path, r->sha) < 0)
        return vb_errf(e, VB_EHOST, "cannot read the workload binary %s; run 'make' or pass --wl", r->wl_path);
    return 0;
}

/* Accelerator (detected; --accel overrides), CPUs, and the guest kernel
 * when an environment boots one. */
static int host_check(const struct run_request *q, struct run *r, struct vb_err *e)
{
    r->cfg.accel = accel_probe(r->accel_why, sizeof r->accel_why);
    if (strcmp(q->accel, "auto") != 0 && strcmp(q->accel, r->cfg.accel) != 0) {
        snprintf(r->accel_why, sizeof r->accel_why, "forced with --accel %s", q->accel);
        r->cfg.accel = q->accel;
    }
    if (pin_pick((int)q->vcpus, NULL, &r->cfg.pin, e) < 0)
        return -1;
    snprintf(r->kernel, sizeof r->kernel, "%s/vmlinux", q->kernel_dir);
    if ((r->needs & ENV_NEEDS_KERNEL) && access(r->kernel, R_OK) != 0)
        return vb_errf(e, VB_EHOST, "guest kernel %s missing; run 'make setup' (scripts/fetch-kernel.sh) "
                       "or pass --kernel-dir", r->kernel);
    return 0;
}

int run_check(const struct run_request *q, struct run *r, struct vb_err *e)
{
    memset(r, 0, sizeof *r);
    r->prof = profile_find(q->profile);
    if (!r->prof)
        return vb_errf(e, VB_EUSAGE, "unknown --profile '%s'", q->profile);
    r->spec.runs = q->runs ? (int)q->runs : r->prof->runs;
    r->spec.warmup = q->warmup >= 0 ? (int)q->warmup : r->prof->warmup;
    r->spec.seed = (uint64_t)q->seed;
    r->state_dir = q->state_dir;
    r->kernel_dir = q->kernel_dir;
    r->disk_file = q->disk_file;
    r->cfg.mem_bytes = (uint64_t)q->mem_mib << 20;
    if (envs_parse(q->envs, r, e) < 0)
        return -1;
    if (units_parse_size(q->disk_size, &r->disk_size) < 0 || r->disk_size < (1 << 20))
        return vb_errf(e, VB_EUSAGE, "--disk-size: give a size of at least 1M, e.g. 256M or 1G");
    if (workloads_parse(q->workloads ? q->workloads : r->prof->workloads, r, e) < 0)
        return -1;
    for (int i = 0; i < q->nsets; i++)
        if (set_apply(r, q->sets[i], e) < 0)
            return -1;
    if (ids_check(q, r, e) < 0 || wl_check(q->wl, r, e) < 0 || host_check(q, r, e) < 0)
        return -1;
    struct run_cfg *c = &r->cfg;
    c->run_id = r->run_id;
    c->wl_path = r->wl_path;
    c->state_dir = q->state_dir;
    c->kernel = r->kernel;
    c->libvirt_uri = q->libvirt_uri;
    c->cpu_quota_pct = q->cpu_quota;
    c->vcpus = (int)q->vcpus;
    c->timeout_s = q->timeout;
    return 0;
}

/* Create the shared disk file once and fill it (untimed); later runs reuse
 * it. It lives in the state dir, like the libvirt capability cache. */
static int disk_prepare(struct run *r, struct vb_err *e)
{
    int need = 0;
    for (int i = 0; i < r->spec.nwl; i++)
        need |= (wl_meta_find(r->spec.wls[i].name)->flags & WLM_DISK) != 0;
    if (!need)
        return 0;
    if (r->disk_file)
        snprintf(r->disk, sizeof r->disk, "%s", r->disk_file);
    else
        snprintf(r->disk, sizeof r->disk, "%s/disk.img", r->state_dir);
    int fd = open(r->disk, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return vb_errf(e, VB_EUSAGE, "cannot open disk file %s: %s; pass --disk-file", r->disk, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size < r->disk_size)
        fprintf(stderr, "vcbench: filling the shared disk file %s (%llu MiB; once, later runs reuse it)\n",
                r->disk, (unsigned long long)(r->disk_size >> 20));
    char why[256];
    int rc = diskfile_fill(fd, r->disk_size, why, sizeof why);
    close(fd);
    if (rc < 0)
        return vb_errf(e, VB_EHOST, "disk file %s: %s", r->disk, why);
    r->spec.disk = r->disk;
    return 0;
}

/* One line of a dead run's ownership record: its scratch directory here
 * (only a run-* directory of this state dir), the rest by the envs. */
static void sweep_line(const char *kind, const char *value, void *arg)
{
    const struct run *r = arg;
    size_t n = strlen(r->state_dir);
    if (strcmp(kind, "dir") != 0)
        env_sweep(kind, value);
    else if (!strncmp(value, r->state_dir, n) && !strncmp(value + n, "/run-", 5) && !strchr(value + n + 1, '/'))
        fs_rm_tree(value);
}

/* The state dir (kept), the run's ownership record in it, what dead runs
 * left, this run's scratch dir (removed at the end), and the image the
 * isolated environments start from. */
static int dirs_prepare(struct run *r, struct vb_err *e)
{
    if (fs_mkdir_p(r->state_dir, 0755) < 0 || !realpath(r->state_dir, r->state_real))
        return vb_errf(e, VB_EHOST, "cannot create state dir %s: %s; pass --state-dir", r->state_dir,
                       strerror(errno));
    /* One spelling of it from here on ("/x/", "x" and "/x" are one state
     * dir): records and the sweep compare paths, libvirt wants it absolute. */
    r->state_dir = r->state_real;
    r->cfg.state_dir = r->state_real;
    if (own_begin(r->state_dir, r->run_id, e) < 0)
        return -1;
    r->owned = 1;
    int dead = own_sweep(r->state_dir, sweep_line, r);
    if (dead)
        fprintf(stderr, "vcbench: removed what %d killed run(s) left behind\n", dead);
    snprintf(r->run_dir, sizeof r->run_dir, "%s/run-%s", r->state_dir, r->run_id);
    own_note("dir", "%s", r->run_dir);
    if (mkdir(r->run_dir, 0755) < 0) {
        int err = errno;
        r->run_dir[0] = '\0';
        return vb_errf(e, VB_EHOST, "cannot create %s/run-%s: %s", r->state_dir, r->run_id, strerror(err));
    }
    r->cfg.run_dir = r->run_dir;
    if (!(r->needs & (ENV_NEEDS_ROOTFS | ENV_NEEDS_KERNEL)))
        return 0;
    if (image_build(r->run_dir, r->wl_path, (r->needs & ENV_NEEDS_KERNEL) ? r->kernel_dir : NULL, &r->img, e) < 0)
        return -1;
    r->cfg.rootfs = r->img.rootfs;
    r->cfg.initrd = r->img.initrd;
    return 0;
}

static int probes(struct run *r, struct vb_err *e)
{
    for (int i = 0; i < r->spec.nenv; i++) {
        struct vb_err pe = { 0 };
        if (r->spec.envs[i]->probe(&r->cfg, &pe) < 0)
            return vb_errf(e, pe.code ? pe.code : VB_EHOST, "%s: %s", r->spec.envs[i]->name, pe.msg);
    }
    return 0;
}

/* run.json's view of the run; totals are added by run_execute. */
static void meta_fill(struct run *r)
{
    struct run_meta *m = &r->meta;
    struct hostinfo hi;
    hostinfo_get(&hi, r->needs & ENV_NEEDS_KERNEL ? r->kernel_dir : NULL, r->wl_path);
    snprintf(m->run_id, sizeof m->run_id, "%s", r->run_id);
    gethostname(m->host, sizeof m->host - 1);
    pin_describe(m->topology, sizeof m->topology, NULL);
    snprintf(m->cpu_model, sizeof m->cpu_model, "%s", hi.cpu_model);
    m->host_mem_mib = hi.mem_mib;
    snprintf(m->host_kernel, sizeof m->host_kernel, "%s", hi.host_kernel);
    snprintf(m->cgroup, sizeof m->cgroup, "%s", hi.cgroup);
    snprintf(m->libvirt_version, sizeof m->libvirt_version, "%s", hi.libvirt);
    snprintf(m->qemu_version, sizeof m->qemu_version, "%s", hi.qemu);
    snprintf(m->guest_kernel, sizeof m->guest_kernel, "%s", hi.guest_kernel);
    snprintf(m->runc_version, sizeof m->runc_version, "%s", hi.runc);
    snprintf(m->crun_version, sizeof m->crun_version, "%s", hi.crun);
    snprintf(m->vcbench_commit, sizeof m->vcbench_commit, "%s", hi.commit);
    snprintf(m->wl_build, sizeof m->wl_build, "%s", hi.wl_build);
    snprintf(m->accel, sizeof m->accel, "%s", r->cfg.accel);
    snprintf(m->accel_reason, sizeof m->accel_reason, "%s", r->accel_why);
    snprintf(m->wl_sha256, sizeof m->wl_sha256, "%s", r->sha);
    snprintf(m->profile, sizeof m->profile, "%s", r->prof->name);
    snprintf(m->cpus_workload, sizeof m->cpus_workload, "%s", r->cfg.pin.work);
    snprintf(m->cpus_harness, sizeof m->cpus_harness, "%s", r->cfg.pin.harness);
    snprintf(m->cpus_emulator, sizeof m->cpus_emulator, "%s", r->cfg.pin.emulator);
    snprintf(m->pinning, sizeof m->pinning, "%s", r->cfg.pin.why);
    pin_cache_sizes(m->cache_bytes, NULL);
    snprintf(m->kernel, sizeof m->kernel, "%s", r->kernel);
    snprintf(m->libvirt_uri, sizeof m->libvirt_uri, "%s", *r->cfg.libvirt_uri ? r->cfg.libvirt_uri : "embed");
    m->mem_mib = (unsigned long)(r->cfg.mem_bytes >> 20);
    m->vcpus = r->cfg.vcpus;
    m->runs = r->spec.runs;
    m->warmup = r->spec.warmup;
    m->seed = r->spec.seed;
    for (int i = 0; i < r->spec.nwl && i < META_MAX_WLS; i++, m->nwl++) {
        snprintf(m->wl[i].name, sizeof m->wl[i].name, "%s", r->spec.wls[i].name);
        size_t len = 0, cap = sizeof m->wl[i].args;
        for (int k = 0; k < r->spec.wls[i].argc && len < cap; k++)
            len += (size_t)snprintf(m->wl[i].args + len, cap - len, "%s%s", k ? " " : "", r->spec.wls[i].argv[k]);
    }
    for (int i = 0; i < r->spec.nenv && i < META_MAX_ENVS; i++, m->nenv++)
        snprintf(m->env[i].name, sizeof m->env[i].name, "%s", r->spec.envs[i]->name);
}

/* The results directory: raw.csv (never over old results), order.csv and
 * run.json. */
static int out_prepare(struct run *r, struct vb_err *e)
{
    if (fs_mkdir_p(r->out, 0755) < 0)
        return vb_errf(e, VB_EUSAGE, "cannot create %s: %s", r->out, strerror(errno));
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/raw.csv", r->out);
    struct raw_run rr = { .run_id = r->run_id, .host = r->meta.host, .accel = r->cfg.accel,
                          .cpus = r->cfg.pin.work, .wl_sha256 = r->sha,
                          .mem_mib = (unsigned long)(r->cfg.mem_bytes >> 20) };
    if (raw_open(&r->raw, path, &rr, e) < 0)
        return -1;
    r->spec.raw = &r->raw;
    snprintf(path, sizeof path, "%s/order.csv", r->out);
    r->spec.order = fopen(path, "we");
    snprintf(r->meta_path, sizeof r->meta_path, "%s/run.json", r->out);
    return meta_write(r->meta_path, &r->meta, e);
}

int run_prepare(struct run *r, struct vb_err *e)
{
    /* From here on we create things; each has one owner, and a signal only
     * sets a flag so that owner gets to clean up. */
    sig_install();
    if (dirs_prepare(r, e) < 0 || disk_prepare(r, e) < 0 || probes(r, e) < 0)
        return -1;
    if (sig_stop)
        return vb_errf(e, VB_EINTR, "interrupted before the first launch; nothing was recorded");
    meta_fill(r);
    if (out_prepare(r, e) < 0)
        return -1;
    r->spec.cfg = &r->cfg;
    r->spec.progress = isatty(2);
    return 0;
}

int run_execute(struct run *r, struct run_totals *t, struct vb_err *e)
{
    pin_apply(0, r->cfg.pin.harness, NULL);   /* keep the harness off the workload CPUs */
    int rc = runner_run(&r->spec, t, e);
    struct run_meta *m = &r->meta;
    for (int i = 0; i < m->nenv; i++)
        m->env[i].prepare_ms = t->connect_ms[i];
    m->has_totals = 1;
    m->ok = t->ok;
    m->failed = t->failed;
    m->not_run = t->skipped_after_signal;
    struct vb_err me = { 0 };
    if (meta_write(r->meta_path, m, &me) < 0 && rc == 0)
        rc = vb_errf(e, me.code, "%s", me.msg);
    return rc;
}

void run_free(struct run *r)
{
    /* Everything this run made is gone once run_free is through: the
     * record goes last. */
    raw_close(&r->raw);
    if (r->spec.order)
        fclose(r->spec.order);
    r->spec.order = NULL;
    image_remove(&r->img);
    memset(&r->img, 0, sizeof r->img);
    if (r->run_dir[0])
        rmdir(r->run_dir);
    r->run_dir[0] = '\0';
    for (int i = 0; i < r->spec.nwl; i++) {
        for (int k = 0; k < r->spec.wls[i].argc; k++)
            free(r->spec.wls[i].argv[k]);
        free(r->spec.wls[i].argv);
        r->spec.wls[i].argv = NULL;
        r->spec.wls[i].argc = 0;
    }
    if (r->owned)
        own_end();
    r->owned = 0;
}
