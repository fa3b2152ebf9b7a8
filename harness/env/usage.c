#include "env/usage.h"
#include "common/fsutil.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The value of "Key:   123 kB" lines; key includes the colon. */
static int field(const char *line, const char *key, uint64_t *v)
{
    size_t n = strlen(key);
    if (strncmp(line, key, n) != 0)
        return 0;
    *v = strtoull(line + n, NULL, 10);
    return 1;
}

int usage_rollup_parse(const char *text, struct usage_mem *m)
{
    memset(m, 0, sizeof *m);
    int has_pss = 0;
    uint64_t pc = 0, pd = 0;
    for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
        has_pss |= field(l, "Pss:", &m->pss);
        field(l, "Rss:", &m->rss);
        field(l, "Pss_Anon:", &m->pss_anon);
        field(l, "Pss_File:", &m->pss_file);
        field(l, "Pss_Shmem:", &m->pss_shmem);
        field(l, "Private_Clean:", &pc);
        field(l, "Private_Dirty:", &pd);
        field(l, "SwapPss:", &m->swap_pss);
    }
    m->uss = pc + pd;
    return has_pss ? 0 : -1;
}

/* A mapping's header: "start-end perms offset dev inode [path]". */
struct vma {
    uint64_t kib;
    char perms[8];
    int anon;                  /* no file behind it (or a memfd, which is RAM) */
};

static int vma_header(const char *l, struct vma *v)
{
    unsigned long long a, b;
    char perms[8], dev[16];
    unsigned long long off, ino;
    int used = 0;
    if (sscanf(l, "%llx-%llx %7s %llx %15s %llu%n", &a, &b, perms, &off, dev, &ino, &used) < 6 || b < a)
        return -1;
    const char *path = l + used;
    while (*path == ' ')
        path++;
    v->kib = (b - a) >> 10;
    snprintf(v->perms, sizeof v->perms, "%s", perms);
    v->anon = (ino == 0 && (*path == '\n' || *path == '\0' || !strncmp(path, "[anon:", 6))) ||
              !strncmp(path, "/memfd:", 7);
    return 0;
}

int usage_smaps_split(const char *text, uint64_t guest_kib, struct usage_vmm *out)
{
    memset(out, 0, sizeof *out);
    struct vma cur = { 0 };
    int have = 0, headers = 0, guest = 0, tcg = 0;
    for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
        uint64_t x;
        if (isxdigit((unsigned char)*l) && vma_header(l, &cur) == 0) {
            have = 1;
            headers++;
            /* The first mapping of the guest's size is its RAM; a second
             * one (another RAM block of the same size) stays VMM. */
            guest = !out->guest_found && cur.anon && cur.kib >= guest_kib && cur.kib <= guest_kib + 2048 &&
                    cur.perms[0] == 'r' && cur.perms[1] == 'w' && cur.perms[2] != 'x';
            if (guest)
                out->guest_found = 1;
            tcg = cur.anon && !strncmp(cur.perms, "rwx", 3);
            continue;
        }
        if (!have)
            continue;
        if (guest && field(l, "Rss:", &x))
            out->guest_rss = x;
        if (guest && field(l, "AnonHugePages:", &x))
            out->guest_thp = x;
        if (field(l, "Pss:", &x)) {
            if (guest)
                out->guest_pss = x;
            else if (tcg)
                out->tcg_pss += x;
        }
    }
    return headers ? 0 : -1;
}

int usage_status_parse(const char *text, uint64_t *pte_kib, int *threads)
{
    int got = 0;
    uint64_t t = 0;
    for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
        got += field(l, "VmPTE:", pte_kib);
        if (field(l, "Threads:", &t)) {
            *threads = (int)t;
            got++;
        }
    }
    return got == 2 ? 0 : -1;
}

int usage_meminfo_parse(const char *text, const char *key, uint64_t *kib)
{
    size_t n = strlen(key);
    for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
        if (!strncmp(l, key, n) && l[n] == ':') {
            *kib = strtoull(l + n + 1, NULL, 10);
            return 0;
        }
    return -1;
}

static char *proc_file(pid_t pid, const char *name)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
    return fs_slurp(path, NULL);
}

int usage_proc_mem(pid_t pid, struct usage_mem *m)
{
    char *t = proc_file(pid, "smaps_rollup");
    int rc = t ? usage_rollup_parse(t, m) : -1;
    free(t);
    return rc;
}

int usage_proc_vmm(pid_t pid, uint64_t guest_kib, struct usage_vmm *v)
{
    char *t = proc_file(pid, "smaps");
    int rc = t ? usage_smaps_split(t, guest_kib, v) : -1;
    free(t);
    return rc;
}

int usage_proc_status(pid_t pid, uint64_t *pte_kib, int *threads)
{
    char *t = proc_file(pid, "status");
    int rc = t ? usage_status_parse(t, pte_kib, threads) : -1;
    free(t);
    return rc;
}

uint64_t usage_proc_cpu_ns(pid_t pid)
{
    struct usage_cpu c = { 0 };
    usage_cpu_begin(&c, pid);
    uint64_t sum = 0;
    for (int i = 0; i < c.n; i++)
        sum += c.t[i].ns;
    usage_cpu_free(&c);
    return sum;
}

uint64_t usage_mem_available(void)
{
    char *t = fs_slurp("/proc/meminfo", NULL);
    uint64_t kib = 0;
    if (!t || usage_meminfo_parse(t, "MemAvailable", &kib) < 0)
        kib = 0;
    free(t);
    return kib;
}

int usage_stat_parse(const char *text, char *state, pid_t *ppid)
{
    const char *r = strrchr(text, ')');
    int p;
    if (!r || sscanf(r + 1, " %c %d", state, &p) != 2)
        return -1;
    *ppid = p;
    return 0;
}

/* /proc/<pid>/stat -> state and ppid. 0 or -1. */
static int stat_read(const char *pid, char *state, pid_t *ppid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%s/stat", pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return -1;
    size_t k = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[k] = '\0';
    return usage_stat_parse(buf, state, ppid);
}

static uint64_t thread_ns(pid_t pid, const char *tid)
{
    char path[96];
    snprintf(path, sizeof path, "/proc/%d/task/%s/schedstat", (int)pid, tid);
    FILE *f = fopen(path, "re");
    unsigned long long ns = 0;
    if (f && fscanf(f, "%llu", &ns) != 1)
        ns = 0;
    if (f)
        fclose(f);
    return ns;
}

int usage_cpu_begin(struct usage_cpu *c, pid_t pid)
{
    char dir[64];
    snprintf(dir, sizeof dir, "/proc/%d/task", (int)pid);
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int rc = 0;
    for (struct dirent *de; (de = readdir(d));) {
        if (!isdigit((unsigned char)de->d_name[0]))
            continue;
        if (c->n == c->cap) {
            int cap = c->cap ? c->cap * 2 : 64;
            void *t = realloc(c->t, (size_t)cap * sizeof *c->t);
            if (!t) {
                rc = -1;
                break;
            }
            c->t = t;
            c->cap = cap;
        }
        c->t[c->n].pid = pid;
        c->t[c->n].tid = (pid_t)atoi(de->d_name);
        c->t[c->n].ns = thread_ns(pid, de->d_name);
        c->n++;
    }
    closedir(d);
    return rc;
}

uint64_t usage_cpu_since(const struct usage_cpu *c)
{
    uint64_t sum = 0;
    for (int i = 0; i < c->n; i++) {
        char tid[16];
        snprintf(tid, sizeof tid, "%d", (int)c->t[i].tid);
        uint64_t now = thread_ns(c->t[i].pid, tid);
        /* 0: the thread exited; its time in the window is lost, not
         * the whole of its life. */
        if (now > c->t[i].ns)
            sum += now - c->t[i].ns;
    }
    return sum;
}

void usage_cpu_free(struct usage_cpu *c)
{
    free(c->t);
    memset(c, 0, sizeof *c);
}

int usage_tree(pid_t root, int top, struct usage_proc *out, int max)
{
    char path[64], state;
    pid_t pp;
    snprintf(path, sizeof path, "%d", (int)root);
    if (max < 1 || root <= 0 || stat_read(path, &state, &pp) < 0 || state == 'Z')
        return 0;
    out[0] = (struct usage_proc){ root, top };
    int n = 1;
    /* Every pid with its parent, then the descendants of root by
     * breadth: a child forked after the walk began is missed, which an
     * idle instance does not do. */
    DIR *d = opendir("/proc");
    if (!d)
        return n;
    pid_t *pid = NULL, *ppid = NULL;
    size_t cnt = 0, cap = 0;
    for (struct dirent *de; (de = readdir(d));) {
        if (!isdigit((unsigned char)de->d_name[0]) || stat_read(de->d_name, &state, &pp) < 0 || state == 'Z')
            continue;
        if (cnt == cap) {
            cap = cap ? cap * 2 : 256;
            pid_t *a = realloc(pid, cap * sizeof *a), *b = a ? realloc(ppid, cap * sizeof *b) : NULL;
            if (a)
                pid = a;
            if (!a || !b)
                break;
            ppid = b;
        }
        pid[cnt] = (pid_t)atoi(de->d_name);
        ppid[cnt++] = pp;
    }
    closedir(d);
    for (int i = 0; i < n; i++)
        for (size_t k = 0; k < cnt && n < max; k++)
            if (ppid[k] == out[i].pid)
                out[n++] = (struct usage_proc){ pid[k], USAGE_WORKLOAD };
    free(pid);
    free(ppid);
    return n;
}
