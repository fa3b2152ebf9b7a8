/* A run from request to raw.csv. Everything is checked before anything is
 * created; then each thing made has one owner (struct run) and run_free
 * removes it on every path. */
#include "run/prepare.h"
#include "env/accel.h"
#include "env/pin.h"
#include "run/hostinfo.h"
#include "run/hostwl.h"
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
        for (int k = 0; k < r->nenv; k++)
            if (r->envs[k] == env)
                return vb_errf(e, VB_EUSAGE, "--envs names an environment twice");
        r->envs[r->nenv++] = env;
        r->needs |= env->needs;
    }
    return 0;
}

/* What the audit compares an environment's view with: the host as the
 * harness sees it (its boot id, namespaces, pid and name), and the memory
 * limit to allocate past. */
static void audit_args(uint64_t mem_bytes, char *buf, size_t n)
{
    static const char *const ns[] = { "pid", "mnt", "net", "uts", "ipc", "user", "cgroup" };
    char boot[64] = "", comm[32] = "", list[256] = "";
    fs_read_line("/proc/sys/kernel/random/boot_id", boot, sizeof boot);
    fs_read_line("/proc/self/comm", comm, sizeof comm);
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        char path[64], link[64] = "";
        snprintf(path, sizeof path, "/proc/self/ns/%s", ns[i]);
        ssize_t k = readlink(path, link, sizeof link - 1);
        const char *br = k > 0 ? (link[k] = '\0', strchr(link, '[')) : NULL;
        if (br) {
            size_t u = strlen(list);
            snprintf(list + u, sizeof list - u, "%s%s:%llu", u ? "," : "", ns[i], strtoull(br + 1, NULL, 10));
        }
    }
    snprintf(buf, n, "--host-boot-id %s --host-ns %s --host-pid %d --host-comm %s --limit %llu", boot[0] ? boot : "-",
             list[0] ? list : "-", (int)getpid(), comm[0] ? comm : "-", (unsigned long long)mem_bytes);
}

/* The options the harness derives so that every env does the same work:
 * the run's shared disk, and arrays sized from the last-level cache hwloc
 * reports (the guest's own view of its caches is whatever the virtual CPU
 * model claims). */
static void auto_args(const struct wl_meta *w, const struct run *r, const struct run_arm *a, unsigned long long llc,
                      char *buf, size_t n)
{
    buf[0] = '\0';
    if (w->flags & WLM_DISK)
        snprintf(buf, n, "--file %s --size %llu ", WL_DISK_ARG, (unsigned long long)r->disk_size);
    size_t u = strlen(buf);
    if ((w->flags & WLM_LLC) && llc)
        snprintf(buf + u, n - u, "--size %llu", (unsigned long long)wl_meta_llc_size(llc, a->cfg.mem_bytes));
    else if (w->flags & WLM_AUDIT)
        audit_args(a->cfg.mem_bytes, buf + u, n - u);
    else if (w->flags & WLM_NOISE)
        /* Antagonists size themselves: the cache sweep the LLC, the copy
         * the STREAM rule within the memory limit. */
        snprintf(buf + u, n - u, "--llc %llu --mem %llu", llc ? llc : 8ull << 20,
                 (unsigned long long)a->cfg.mem_bytes);
}

/* A workload's name and options: what the harness derives, then prof
 * (the profile's words for it). 0, or -1 with e. */
static int wl_args_init(struct run_workload *x, const struct wl_meta *w, const struct run *r,
                        const struct run_arm *a, unsigned long long llc, const char *prof, struct vb_err *e)
{
    char derived[512];
    auto_args(w, r, a, llc, derived, sizeof derived);
    x->name = w->name;
    return args_add_words(x, derived, e) < 0 || args_add_words(x, prof, e) < 0 ? -1 : 0;
}

static int set_apply(struct run *r, struct run_arm *a, const char *s, struct vb_err *e)
{
    const char *dot = strchr(s, '.'), *eq = strchr(s, '=');
    if (!dot || !eq || eq < dot || dot == s || eq == dot + 1)
        return vb_errf(e, VB_EUSAGE, "--set '%s': expected WORKLOAD.OPTION=VALUE, e.g. cpu.threads=2", s);
    struct run_workload *w = NULL, *x = NULL;
    for (int k = 0; k < r->spec.nwl; k++)
        if (strlen(a->wls[k].name) == (size_t)(dot - s) && !strncmp(a->wls[k].name, s, (size_t)(dot - s)))
            w = &a->wls[k];
    /* A neighbour's victim or antagonist takes --set like any workload,
     * the same as the workload itself when the run has both. */
    for (int k = 0; k < a->naux; k++)
        if (strlen(a->aux[k].name) == (size_t)(dot - s) && !strncmp(a->aux[k].name, s, (size_t)(dot - s)))
            x = &a->aux[k];
    if (!w && !x)
        return vb_errf(e, VB_EUSAGE, "--set '%s': workload '%.*s' is not in --workloads", s, (int)(dot - s), s);
    if (strchr(eq + 1, ' '))
        return vb_errf(e, VB_EUSAGE, "--set: values cannot contain spaces");
    char words[256];
    snprintf(words, sizeof words, "--%.*s %s", (int)(eq - dot - 1), dot + 1, eq + 1);
    return (w && args_add_words(w, words, e) < 0) || (x && args_add_words(x, words, e) < 0) ? -1 : 0;
}

/* An arm's workloads and their options: what the harness derives, the
 * profile's, the run's --set, then the arm's own (wl takes the last value
 * of a repeated option). */
static int workloads_parse(const char *list, struct run *r, struct run_arm *a, const struct run_request *q,
                           struct vb_err *e)
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
        /* --runs is for every workload; without it the profile's count. */
        a->wls[i].runs = q->runs || profile_runs(r->prof, w->name) == r->prof->runs ? 0 : profile_runs(r->prof, w->name);
        if (wl_args_init(&a->wls[i], w, r, a, llc, profile_args(r->prof, w->name), e) < 0)
            return -1;
    }
    r->spec.nwl = n;
    /* The neighbour launches other workloads itself: each with the options
     * the run would give it, so a victim does the same work as alone. */
    int nb = 0;
    for (int i = 0; i < n; i++)
        nb |= !strcmp(a->wls[i].name, "neighbour");
    a->naux = 0;
    int nmeta;
    const struct wl_meta *const *all = wl_meta_all(&nmeta);
    for (int i = 0; nb && i < nmeta && a->naux < RUN_MAX_AUX; i++) {
        const struct wl_meta *w = all[i];
        if ((w->flags & (WLM_HOST | WLM_AUDIT)) || !strcmp(w->name, "hold"))
            continue;
        /* A profile may give a victim lighter options in a neighbour cell
         * (entry "neighbour.<name>"): each cell launches it four times. */
        char key[48];
        snprintf(key, sizeof key, "neighbour.%s", w->name);
        const char *own = profile_args(r->prof, key);
        if (wl_args_init(&a->aux[a->naux++], w, r, a, llc, *own ? own : profile_args(r->prof, w->name), e) < 0)
            return -1;
    }
    for (int i = 0; i < q->nsets; i++)
        if (set_apply(r, a, q->sets[i], e) < 0)
            return -1;
    for (int i = 0; i < a->nsets; i++)
        if (set_apply(r, a, a->sets[i], e) < 0)
            return -1;
    /* wl checks its own options when it runs; the harness's are checked
     * now, before anything is made. */
    for (int i = 0; i < n; i++) {
        const struct hostwl *hw = hostwl_find(a->wls[i].name);
        if (hw && hostwl_check(hw, a->wls[i].argc, a->wls[i].argv, e) < 0)
            return -1;
    }
    return 0;
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
            /* access() says yes to root everywhere (/proc, read-only
             * mounts): make and remove a directory to be sure. */
            char tmp[PATH_MAX + 32];
            snprintf(tmp, sizeof tmp, "%s/.vcbench-probe-XXXXXX", probe);
            if (!mkdtemp(tmp))
                return vb_errf(e, VB_EUSAGE, "--out %s: cannot create a directory in %s: %s; choose another directory",
                               out, probe, strerror(errno));
            rmdir(tmp);
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

void run_wl_default(char *out, size_t n)
{
    /* Beside this executable (the build tree), or where `make install`
     * puts it: <prefix>/libexec/vcbench/wl for <prefix>/bin/vcbench. Both
     * relative to the executable, so a DESTDIR or a moved tree works. */
    char self[PATH_MAX];
    ssize_t k = readlink("/proc/self/exe", self, sizeof self - 1);
    self[k > 0 ? k : 0] = '\0';
    char *slash = strrchr(self, '/');
    if (!slash) {
        snprintf(out, n, "./wl");
        return;
    }
    *slash = '\0';
    /* The installed layout first: another program called wl may well sit
     * beside an installed vcbench in a bin directory. */
    snprintf(out, n, "%s/../libexec/vcbench/wl", self);
    if (access(out, X_OK) == 0)
        return;
    snprintf(out, n, "%s/wl", self);
}

/* The workload binary (default: run_wl_default) and its hash, recorded in
 * every row. */
static int wl_check(const char *wl, struct run_arm *a, struct vb_err *e)
{
    if (wl)
        snprintf(a->wl_path, sizeof a->wl_path, "%s", wl);
    else
        run_wl_default(a->wl_path, sizeof a->wl_path);
    if (sha256_file(a->wl_path, a->sha) < 0)
        return vb_errf(e, VB_EHOST, "cannot read the workload binary %s; run 'make' or pass --wl", a->wl_path);
    return 0;
}

/* Accelerator (detected; --accel overrides) and CPUs: one choice for the
 * whole run, every arm. */
static int host_check(const struct run_request *q, struct run *r, struct vb_err *e)
{
    r->accel = accel_probe(r->accel_why, sizeof r->accel_why);
    char hv[32];
    accel_hypervisor(hv, sizeof hv);
    r->host_slowdown = accel_host_slowdown(hv);
    if (strcmp(q->accel, "auto") != 0 && strcmp(q->accel, r->accel) != 0) {
        snprintf(r->accel_why, sizeof r->accel_why, "forced with --accel %s", q->accel);
        r->accel = q->accel;
    }
    return pin_pick((int)q->vcpus, NULL, &r->pin, e);
}

/* One KEY=VALUE setting of an arm. */
static int arm_set(struct run_arm *a, const char *kv, long *mem, long *quota, const char **wl, struct vb_err *e)
{
    const char *eq = strchr(kv, '=');
    if (!eq || eq == kv)
        return vb_errf(e, VB_EUSAGE, "arm setting '%s': expected KEY=VALUE (label, wl, kernel-dir, libvirt-uri, "
                       "emulator, runtime, mem, cpu-quota, set)", kv);
    size_t k = (size_t)(eq - kv);
    const char *v = eq + 1;
#define IS(name) (k == strlen(name) && !strncmp(kv, name, k))
    if (IS("label")) {
        if (!raw_name_ok(v, sizeof a->label, 0))
            return vb_errf(e, VB_EUSAGE, "arm label '%s': letters, digits and _.+-: only, at most 15", v);
        snprintf(a->label, sizeof a->label, "%s", v);
    } else if (IS("wl")) {
        *wl = v;
    } else if (IS("kernel-dir")) {
        a->kernel_dir = v;
    } else if (IS("libvirt-uri")) {
        snprintf(a->libvirt_uri, sizeof a->libvirt_uri, "%s", v);
    } else if (IS("emulator") || IS("runtime")) {
        char *dst = IS("emulator") ? a->emulator : a->runtime;
        if (access(v, X_OK) != 0)
            return vb_errf(e, VB_EUSAGE, "arm setting '%s': %s is not an executable", kv, v);
        snprintf(dst, PATH_MAX, "%s", v);
    } else if (IS("mem") || IS("cpu-quota")) {
        long *dst = IS("mem") ? mem : quota;
        if (units_parse_long(v, IS("mem") ? 64 : 0, IS("mem") ? 1048576 : 102400, dst) < 0)
            return vb_errf(e, VB_EUSAGE, "arm setting '%s': not an integer in range (see run --help)", kv);
    } else if (IS("set")) {
        if (a->nsets == RUN_ARM_KEYS_MAX)
            return vb_errf(e, VB_EUSAGE, "too many set= in one arm");
        a->sets[a->nsets++] = v;
    } else {
        return vb_errf(e, VB_EUSAGE, "arm setting '%.*s' is unknown; use label, wl, kernel-dir, libvirt-uri, "
                       "emulator, runtime, mem, cpu-quota or set", (int)k, kv);
    }
#undef IS
    size_t len = strlen(a->settings);
    snprintf(a->settings + len, sizeof a->settings - len, "%s%s", len ? " " : "", kv);
    return 0;
}

/* Arm i: the run's settings, its own on top, checked. */
static int arm_check(const struct run_request *q, struct run *r, int i, struct vb_err *e)
{
    struct run_arm *a = &r->arms[i];
    long mem = q->mem_mib, quota = q->cpu_quota;
    const char *wl = q->wl;
    a->kernel_dir = q->kernel_dir;
    snprintf(a->libvirt_uri, sizeof a->libvirt_uri, "%s", q->libvirt_uri);
    if (q->narms)
        snprintf(a->label, sizeof a->label, "%c", 'a' + i);
    for (int k = 0; q->narms && k < q->arm[i].nkv; k++)
        if (arm_set(a, q->arm[i].kv[k], &mem, &quota, &wl, e) < 0)
            return -1;
    if (i == 1 && !strcmp(r->arms[0].label, a->label))
        return vb_errf(e, VB_EUSAGE, "the two arms need different labels (both '%s')", a->label);
    if (wl_check(wl, a, e) < 0)
        return -1;
    snprintf(a->kernel, sizeof a->kernel, "%s/vmlinux", a->kernel_dir);
    if ((r->needs & ENV_NEEDS_KERNEL) && access(a->kernel, R_OK) != 0)
        return vb_errf(e, VB_EHOST, "guest kernel %s missing; run 'make setup' (scripts/fetch-kernel.sh; installed: "
                       "<prefix>/libexec/vcbench/fetch-kernel.sh) or pass --kernel-dir", a->kernel);
    /* Resources are named after the run id; an arm's get its label. */
    /* Through a local buffer: source and destination are both in *r. */
    char id[sizeof a->run_id];
    snprintf(id, sizeof id, "%s%s%s", r->run_id, *a->label ? "." : "", a->label);
    memcpy(a->run_id, id, sizeof id);
    struct run_cfg *c = &a->cfg;
    c->run_id = a->run_id;
    c->wl_path = a->wl_path;
    c->state_dir = q->state_dir;
    c->kernel = a->kernel;
    c->libvirt_uri = a->libvirt_uri;
    c->emulator = *a->emulator ? a->emulator : NULL;
    c->oci_runtime = *a->runtime ? a->runtime : NULL;
    c->accel = r->accel;
    c->pin = r->pin;
    c->mem_bytes = (uint64_t)mem << 20;
    c->cpu_quota_pct = quota;
    c->vcpus = (int)q->vcpus;
    c->timeout_s = q->timeout;
    c->host_slowdown = r->host_slowdown;
    return workloads_parse(q->workloads ? q->workloads : r->prof->workloads, r, a, q, e);
}

/* Every env in every arm: the runner's slots (env-major). */
static void slots_make(struct run *r)
{
    struct run_spec *sp = &r->spec;
    for (int i = 0; i < r->nenv; i++)
        for (int k = 0; k < r->narms; k++) {
            struct run_arm *a = &r->arms[k];
            sp->slots[sp->nslot++] = (struct run_slot){ .env = r->envs[i], .cfg = &a->cfg, .wls = a->wls,
                                                        .aux = a->aux, .naux = a->naux,
                                                        .arm = a->label, .wl_sha256 = a->sha,
                                                        .mem_mib = (unsigned long)(a->cfg.mem_bytes >> 20) };
        }
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
    r->disk_file = q->disk_file;
    if (q->narms < 0 || q->narms > RUN_MAX_ARMS || q->narms == 1)
        return vb_errf(e, VB_EUSAGE, "an A/B run has two arms");
    r->narms = q->narms ? q->narms : 1;
    if (envs_parse(q->envs, r, e) < 0)
        return -1;
    if (units_parse_size(q->disk_size, &r->disk_size) < 0 || r->disk_size < (1 << 20))
        return vb_errf(e, VB_EUSAGE, "--disk-size: give a size of at least 1M, e.g. 256M or 1G");
    if (ids_check(q, r, e) < 0 || host_check(q, r, e) < 0)
        return -1;
    for (int i = 0; i < r->narms; i++)
        if (arm_check(q, r, i, e) < 0)
            return -1;
    slots_make(r);
    return 0;
}

/* A disk file of size bytes at path, made once and filled (untimed). */
static int disk_make(const char *path, uint64_t size, struct vb_err *e)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return vb_errf(e, VB_EUSAGE, "cannot open disk file %s: %s; pass --disk-file", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size < size)
        fprintf(stderr, "vcbench: filling the disk file %s (%llu MiB; once, later runs reuse it)\n", path,
                (unsigned long long)(size >> 20));
    char why[256];
    int rc = diskfile_fill(fd, size, why, sizeof why);
    close(fd);
    if (rc < 0)
        return vb_errf(e, VB_EHOST, "disk file %s: %s", path, why);
    return 0;
}

/* Create the shared disk file once and fill it (untimed); later runs reuse
 * it. It lives in the state dir, like the libvirt capability cache. */
static int disk_prepare(struct run *r, struct vb_err *e)
{
    int need = 0, nb = 0;
    for (int i = 0; i < r->spec.nwl; i++) {
        need |= (wl_meta_find(r->arms[0].wls[i].name)->flags & WLM_DISK) != 0;
        nb |= !strcmp(r->arms[0].wls[i].name, "neighbour");
    }
    /* The neighbour's victim may be the disk workload, and its I/O
     * antagonist writes to a file of its own beside the shared one. */
    if (nb) {
        snprintf(r->disk2, sizeof r->disk2, "%s/neighbour.img", r->state_dir);
        if (disk_make(r->disk2, 64ull << 20, e) < 0)
            return -1;
        r->spec.disk2 = r->disk2;
    }
    if (!need && !nb)
        return 0;
    if (r->disk_file)
        snprintf(r->disk, sizeof r->disk, "%s", r->disk_file);
    else
        snprintf(r->disk, sizeof r->disk, "%s/disk.img", r->state_dir);
    if (disk_make(r->disk, r->disk_size, e) < 0)
        return -1;
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
 * left, and this run's scratch dir (removed at the end). */
static int dirs_prepare(struct run *r, struct vb_err *e)
{
    if (fs_mkdir_p(r->state_dir, 0755) < 0 || !realpath(r->state_dir, r->state_real))
        return vb_errf(e, VB_EHOST, "cannot create state dir %s: %s; pass --state-dir", r->state_dir,
                       strerror(errno));
    /* One spelling of it from here on ("/x/", "x" and "/x" are one state
     * dir): records and the sweep compare paths, libvirt wants it absolute. */
    r->state_dir = r->state_real;
    for (int i = 0; i < r->narms; i++)
        r->arms[i].cfg.state_dir = r->state_real;
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
    return 0;
}

/* Each arm's scratch dir (the run's, or a subdirectory per arm) and the
 * image its isolated environments start from. */
static int arm_prepare(struct run *r, struct run_arm *a, struct vb_err *e)
{
    char dir[sizeof a->run_dir];
    snprintf(dir, sizeof dir, "%s%s%s", r->run_dir, *a->label ? "/" : "", a->label);
    memcpy(a->run_dir, dir, sizeof dir);
    if (*a->label && mkdir(a->run_dir, 0755) < 0) {
        int err = errno;
        a->run_dir[0] = '\0';
        return vb_errf(e, VB_EHOST, "cannot create %s/%s: %s", r->run_dir, a->label, strerror(err));
    }
    a->cfg.run_dir = a->run_dir;
    if (!(r->needs & (ENV_NEEDS_ROOTFS | ENV_NEEDS_KERNEL)))
        return 0;
    if (image_build(a->run_dir, a->wl_path, (r->needs & ENV_NEEDS_KERNEL) ? a->kernel_dir : NULL, &a->img, e) < 0)
        return -1;
    a->cfg.rootfs = a->img.rootfs;
    a->cfg.initrd = a->img.initrd;
    return 0;
}

/* Every slot's probe. A peer the host lacks (an optional env) leaves the
 * run with its reason, said and kept in run.json; any other failure - or
 * nothing left to run - stops the run before anything is measured. */
static int probes(struct run *r, struct vb_err *e)
{
    struct run_spec *sp = &r->spec;
    for (int i = 0; i < sp->nslot;) {
        const struct run_slot *sl = &sp->slots[i];
        struct vb_err pe = { 0 };
        if (sl->env->probe(sl->cfg, &pe) == 0) {
            i++;
            continue;
        }
        if (!sl->env->optional || r->nskipped == META_MAX_ENVS)
            return vb_errf(e, pe.code ? pe.code : VB_EHOST, "%s%s%s: %s", sl->env->name, *sl->arm ? "@" : "",
                           sl->arm, pe.msg);
        struct meta_skip *k = &r->skipped[r->nskipped++];
        snprintf(k->name, sizeof k->name, "%s%s%s", sl->env->name, *sl->arm ? "@" : "", sl->arm);
        snprintf(k->why, sizeof k->why, "%s", pe.msg);
        memmove(&sp->slots[i], &sp->slots[i + 1], (size_t)(sp->nslot - i - 1) * sizeof sp->slots[0]);
        sp->nslot--;
    }
    if (sp->nslot == 0 && r->nskipped)
        return vb_errf(e, VB_EHOST, "%s: %s%s", r->skipped[0].name, r->skipped[0].why,
                       r->nskipped > 1 ? " (and no other environment asked for can run here)" : "");
    for (int i = 0; i < r->nskipped; i++)
        fprintf(stderr, "vcbench: skipping %s: %s\n", r->skipped[i].name, r->skipped[i].why);
    return 0;
}

/* run.json's view of the run; totals are added by run_execute. */
static void meta_fill(struct run *r)
{
    struct run_meta *m = &r->meta;
    const struct run_arm *a0 = &r->arms[0];
    struct hostinfo hi;
    hostinfo_get(&hi, r->needs & ENV_NEEDS_KERNEL ? a0->kernel_dir : NULL, a0->wl_path);
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
    snprintf(m->pmu, sizeof m->pmu, "%s", hi.pmu);
    snprintf(m->thp, sizeof m->thp, "%s", hi.thp);
    snprintf(m->ksm, sizeof m->ksm, "%s", hi.ksm);
    snprintf(m->accel, sizeof m->accel, "%s", r->accel);
    snprintf(m->accel_reason, sizeof m->accel_reason, "%s", r->accel_why);
    snprintf(m->wl_sha256, sizeof m->wl_sha256, "%s", a0->sha);
    snprintf(m->profile, sizeof m->profile, "%s", r->prof->name);
    snprintf(m->cpus_workload, sizeof m->cpus_workload, "%s", r->pin.work);
    snprintf(m->cpus_harness, sizeof m->cpus_harness, "%s", r->pin.harness);
    snprintf(m->cpus_emulator, sizeof m->cpus_emulator, "%s", r->pin.emulator);
    snprintf(m->cpus_neighbour, sizeof m->cpus_neighbour, "%s", r->pin.neighbour);
    snprintf(m->neighbour_shares, sizeof m->neighbour_shares, "%s", r->pin.shares);
    snprintf(m->pinning, sizeof m->pinning, "%s", r->pin.why);
    pin_cache_sizes(m->cache_bytes, NULL);
    snprintf(m->kernel, sizeof m->kernel, "%s", a0->kernel);
    snprintf(m->libvirt_uri, sizeof m->libvirt_uri, "%s", *a0->libvirt_uri ? a0->libvirt_uri : "embed");
    m->mem_mib = (unsigned long)(a0->cfg.mem_bytes >> 20);
    m->vcpus = a0->cfg.vcpus;
    m->runs = r->spec.runs;
    m->warmup = r->spec.warmup;
    m->seed = r->spec.seed;
    for (int i = 0; i < r->spec.nwl && i < META_MAX_WLS; i++, m->nwl++) {
        snprintf(m->wl[i].name, sizeof m->wl[i].name, "%s", a0->wls[i].name);
        size_t len = 0, cap = sizeof m->wl[i].args;
        for (int k = 0; k < a0->wls[i].argc && len < cap; k++)
            len += (size_t)snprintf(m->wl[i].args + len, cap - len, "%s%s", k ? " " : "", a0->wls[i].argv[k]);
    }
    /* What the neighbour launches itself, with its options. */
    for (int i = 0; i < a0->naux && m->nwl < META_MAX_WLS; i++, m->nwl++) {
        snprintf(m->wl[m->nwl].name, sizeof m->wl[0].name, "neighbour.%s", a0->aux[i].name);
        size_t len = 0, cap = sizeof m->wl[0].args;
        for (int k = 0; k < a0->aux[i].argc && len < cap; k++)
            len += (size_t)snprintf(m->wl[m->nwl].args + len, cap - len, "%s%s", k ? " " : "", a0->aux[i].argv[k]);
    }
    for (int i = 0; i < r->spec.nslot && i < META_MAX_ENVS; i++, m->nenv++)
        snprintf(m->env[i].name, sizeof m->env[i].name, "%s%s%s", r->spec.slots[i].env->name,
                 *r->spec.slots[i].arm ? "@" : "", r->spec.slots[i].arm);
    memcpy(m->skipped, r->skipped, sizeof m->skipped);
    m->nskipped = r->nskipped;
    for (int i = 0; i < r->narms && *r->arms[0].label; i++, m->narms++) {
        snprintf(m->arm[i].label, sizeof m->arm[i].label, "%s", r->arms[i].label);
        snprintf(m->arm[i].settings, sizeof m->arm[i].settings, "%s", r->arms[i].settings);
        snprintf(m->arm[i].wl_sha256, sizeof m->arm[i].wl_sha256, "%s", r->arms[i].sha);
    }
}

/* The results directory: raw.csv (never over old results), order.csv and
 * run.json. */
static int out_prepare(struct run *r, struct vb_err *e)
{
    if (fs_mkdir_p(r->out, 0755) < 0)
        return vb_errf(e, VB_EUSAGE, "cannot create %s: %s", r->out, strerror(errno));
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/raw.csv", r->out);
    struct raw_run rr = { .run_id = r->run_id, .host = r->meta.host, .accel = r->accel, .cpus = r->pin.work,
                          .wl_sha256 = r->arms[0].sha, .mem_mib = (unsigned long)(r->arms[0].cfg.mem_bytes >> 20) };
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
    if (dirs_prepare(r, e) < 0)
        return -1;
    for (int i = 0; i < r->narms; i++)
        if (arm_prepare(r, &r->arms[i], e) < 0)
            return -1;
    /* Probes first: a run that cannot run fills no disk file. */
    if (probes(r, e) < 0 || disk_prepare(r, e) < 0)
        return -1;
    if (sig_stop)
        return vb_errf(e, VB_EINTR, "interrupted before the first launch; nothing was recorded");
    meta_fill(r);
    if (out_prepare(r, e) < 0)
        return -1;
    r->spec.progress = isatty(2);
    return 0;
}

/* run.json again, with the totals so far. */
static int meta_totals(struct run *r, const struct run_totals *t, struct vb_err *e)
{
    struct run_meta *m = &r->meta;
    for (int i = 0; i < m->nenv; i++) {
        m->env[i].prepare_ms = t->connect_ms[i];
        snprintf(m->env[i].about, sizeof m->env[i].about, "%s", t->about[i]);
    }
    m->has_totals = 1;
    m->ok = t->ok;
    m->failed = t->failed;
    m->not_run = t->skipped_after_signal;
    return meta_write(r->meta_path, m, e);
}

int run_execute(struct run *r, struct run_totals *t, struct vb_err *e)
{
    pin_apply(0, r->pin.harness, NULL);     /* keep the harness off the workload CPUs */
    if (runner_start(&r->spec, &r->runner, t, e) < 0) {
        r->runner = NULL;
        return -1;
    }
    struct run_pass p = { .runs = r->spec.runs, .warmup = r->spec.warmup, .seed = r->spec.seed };
    int rc = runner_pass(r->runner, &p, t, e);
    struct vb_err me = { 0 };
    if (meta_totals(r, t, &me) < 0 && rc == 0)
        rc = vb_errf(e, me.code, "%s", me.msg);
    return rc;
}

int run_rerun(struct run *r, const unsigned char want[RUN_MAX_SLOTS][RUN_MAX_WLS], int runs, int rep_base,
              struct run_totals *t, struct vb_err *e)
{
    if (!r->runner)
        return vb_errf(e, VB_EFAIL, "no prepared run to add to");
    /* Another seed: the same pairs, in a new order. */
    struct run_pass p = { .want = want, .runs = runs, .warmup = 0, .rep_base = rep_base,
                          .seed = r->spec.seed + 0x9e3779b97f4a7c15ull };
    int rc = runner_pass(r->runner, &p, t, e);
    struct vb_err me = { 0 };
    if (meta_totals(r, t, &me) < 0 && rc == 0)
        rc = vb_errf(e, me.code, "%s", me.msg);
    return rc;
}

void run_free(struct run *r)
{
    /* The environments first: they use what the rest removes. Everything
     * this run made is gone once run_free is through; the ownership record
     * goes last. */
    runner_end(r->runner);
    r->runner = NULL;
    raw_close(&r->raw);
    if (r->spec.order)
        fclose(r->spec.order);
    r->spec.order = NULL;
    for (int k = 0; k < RUN_MAX_ARMS; k++) {
        struct run_arm *a = &r->arms[k];
        image_remove(&a->img);
        memset(&a->img, 0, sizeof a->img);
        if (*a->label && a->run_dir[0])
            rmdir(a->run_dir);
        a->run_dir[0] = '\0';
        for (int i = 0; i < RUN_MAX_WLS + RUN_MAX_AUX; i++) {
            struct run_workload *w = i < RUN_MAX_WLS ? &a->wls[i] : &a->aux[i - RUN_MAX_WLS];
            for (int j = 0; j < w->argc; j++)
                free(w->argv[j]);
            free(w->argv);
            w->argv = NULL;
            w->argc = 0;
        }
        a->naux = 0;
    }
    if (r->run_dir[0])
        rmdir(r->run_dir);
    r->run_dir[0] = '\0';
    if (r->owned)
        own_end();
    r->owned = 0;
}
