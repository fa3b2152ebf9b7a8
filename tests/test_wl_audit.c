/* The audit workload (workloads/wl_audit.c) run in-process, natively, and
 * its lines parsed as the harness parses them: told the truth about the
 * host it finds itself on the host (no own kernel, no own namespace, the
 * host's processes visible); told another boot id it reports a kernel of
 * its own, and then every namespace as its own too. */
#include "testutil.h"
#include "common/proto.h"
#include "workloads/wl.h"

#include <unistd.h>

/* Run audit with argv; the value of each metric into names/vals. */
static int audit(char **argv, int argc, char names[][48], double *vals, int max, char *params, size_t pn)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_int_equal(wl_run(wl_find("audit"), argc, argv, out), 0);
    fclose(out);
    int n = 0;
    params[0] = '\0';
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        struct proto_line pl;
        assert_int_equal(proto_parse(line, &pl), 1);
        if (!strcmp(pl.kind, "metric") && n < max) {
            snprintf(names[n], 48, "%s", proto_get(&pl, "name"));
            vals[n++] = strtod(proto_get(&pl, "value"), NULL);
        } else if (!strcmp(pl.kind, "param")) {
            size_t u = strlen(params);
            snprintf(params + u, pn - u, "%s=%s;", pl.f[0].key, pl.f[0].val);
        }
    }
    free(buf);
    return n;
}

static double value(char names[][48], const double *vals, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(names[i], name))
            return vals[i];
    return -1;
}

/* The host's view, as the harness passes it. */
static void host_view(char *boot, size_t bn, char *ns, size_t nn, char *comm, size_t cn)
{
    FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");
    assert_non_null(f);
    assert_non_null(fgets(boot, (int)bn, f));
    boot[strcspn(boot, "\n")] = '\0';
    fclose(f);
    f = fopen("/proc/self/comm", "re");
    assert_non_null(f);
    assert_non_null(fgets(comm, (int)cn, f));
    comm[strcspn(comm, "\n")] = '\0';
    fclose(f);
    const char *names[] = { "pid", "mnt", "net", "uts", "ipc", "user", "cgroup" };
    ns[0] = '\0';
    for (int i = 0; i < 7; i++) {
        char p[64], l[64] = "";
        snprintf(p, sizeof p, "/proc/self/ns/%s", names[i]);
        ssize_t k = readlink(p, l, sizeof l - 1);
        assert_true(k > 0);
        l[k] = '\0';
        size_t u = strlen(ns);
        snprintf(ns + u, nn - u, "%s%s:%llu", u ? "," : "", names[i], strtoull(strchr(l, '[') + 1, NULL, 10));
    }
}

static void on_the_host(void **st)
{
    (void)st;
    char boot[64], ns[256], comm[32], pid[16], params[512], names[40][48];
    double vals[40];
    host_view(boot, sizeof boot, ns, sizeof ns, comm, sizeof comm);
    snprintf(pid, sizeof pid, "%d", (int)getpid());
    char *argv[] = { "--host-boot-id", boot, "--host-ns", ns, "--host-pid", pid, "--host-comm", comm };
    int n = audit(argv, 8, names, vals, 40, params, sizeof params);
    assert_int_equal(value(names, vals, n, "own_kernel"), 0);
    const char *own[] = { "own_pid_ns", "own_mnt_ns", "own_net_ns", "own_uts_ns", "own_ipc_ns", "own_user_ns",
                          "own_cgroup_ns" };
    for (int i = 0; i < 7; i++)
        assert_int_equal(value(names, vals, n, own[i]), 0);
    assert_int_equal(value(names, vals, n, "host_pids_visible"), 1);
    assert_true(value(names, vals, n, "procs_visible") >= 1);
    assert_true(value(names, vals, n, "caps_bnd") >= value(names, vals, n, "caps_eff"));
    assert_true(value(names, vals, n, "caps_beyond_docker") <= value(names, vals, n, "caps_eff"));
    assert_true(value(names, vals, n, "devices") >= 1);
    /* No --limit: no memory test. */
    assert_true(value(names, vals, n, "mem_limit_enforced") < 0);
    assert_non_null(strstr(params, "kernel="));
    assert_non_null(strstr(params, "cap_eff="));
    assert_non_null(strstr(params, "cpus="));
}

static void another_kernel(void **st)
{
    (void)st;
    char boot[64], ns[256], comm[32], params[512], names[40][48];
    double vals[40];
    host_view(boot, sizeof boot, ns, sizeof ns, comm, sizeof comm);
    boot[0] = boot[0] == 'a' ? 'b' : 'a';
    char *argv[] = { "--host-boot-id", boot, "--host-ns", ns, "--host-pid", "1", "--host-comm", "no-such-comm" };
    int n = audit(argv, 8, names, vals, 40, params, sizeof params);
    assert_int_equal(value(names, vals, n, "own_kernel"), 1);
    assert_int_equal(value(names, vals, n, "own_pid_ns"), 1);
    assert_int_equal(value(names, vals, n, "own_cgroup_ns"), 1);
    assert_int_equal(value(names, vals, n, "host_pids_visible"), 0);
}

static void bad_options(void **st)
{
    (void)st;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    char *argv[] = { "--host-pid", "x" };
    assert_int_equal(wl_run(wl_find("audit"), 2, argv, out), 2);
    fclose(out);
    assert_non_null(strstr(buf, "vcb1 error"));
    free(buf);
}

int main(void)
{
    const struct CMUnitTest t[] = { cmocka_unit_test(on_the_host), cmocka_unit_test(another_kernel),
                                    cmocka_unit_test(bad_options) };
    return cmocka_run_group_tests(t, NULL, NULL);
}
