/* Integration: what instances cost, measured for real. `vcbench run` with
 * the footprint and density workloads over native, container and vm (and
 * the OCI runtimes where installed), then raw.csv is read back and every
 * figure checked against what it must be on any host: a native or
 * container instance's PSS is tiny and below a guest's VMM overhead; a
 * guest touched some of its RAM but not all it was given; the container's
 * cgroup is charged; the sweeps reached N = 4; and afterwards no
 * instance, guest, cgroup or scratch directory of the run is left. Skips
 * without root; the vm part skips without the guest kernel. */
#include "itutil.h"
#include "common/raw.h"
#include "run/meta.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define KDIR "/var/cache/vcbench/kernel"

static char dir[64], out[128], run_id[64];
static struct rows rows;
static int ran, has_vm, has_runc;
static char skip_why[256];

static int setup(void **st)
{
    (void)st;
    const char *bin = getenv("VCB_BIN");
    if (geteuid() != 0) {
        snprintf(skip_why, sizeof skip_why, "needs root");
        return 0;
    }
    if (!bin || access(bin, X_OK) != 0) {
        snprintf(skip_why, sizeof skip_why, "VCB_BIN does not name vcbench; run through 'make test'");
        return 0;
    }
    has_vm = access(KDIR "/vmlinux", R_OK) == 0;
    has_runc = access("/usr/sbin/runc", X_OK) == 0 || access("/usr/bin/runc", X_OK) == 0;
    it_scratch("itcost", dir, sizeof dir);
    snprintf(out, sizeof out, "%s/out", dir);
    char envs[96];
    snprintf(envs, sizeof envs, "native,container%s%s", has_vm ? ",vm" : "", has_runc ? ",oci-runc" : "");
    char *argv[] = { (char *)bin, "run", "--envs", envs, "--workloads", "footprint,density", "--runs", "2",
                     "--warmup", "0", "--mem", "256", "--state-dir", dir, "--out", out,
                     "--set", "footprint.settle-ms=300", "--set", "footprint.window-ms=500",
                     "--set", "density.max=4", "--set", "density.settle-ms=200", "--set", "density.window-ms=300",
                     NULL };
    it_run_load(argv, dir, out, &rows, run_id, sizeof run_id);
    ran = 1;
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    rows_free(&rows);
    it_scratch_rm(dir);
    return 0;
}

#define NEED_RUN() IT_NEED(ran, skip_why)

/* The ok values of env/workload/metric: their count, the largest and
 * smallest into *hi, *lo. */
static int values(const char *env, const char *wl, const char *metric, double *lo, double *hi)
{
    int n = 0;
    *lo = INFINITY;
    *hi = -INFINITY;
    for (int i = 0; i < rows.n; i++) {
        const struct row *r = &rows.v[i];
        if (strcmp(r->env, env) || strcmp(r->workload, wl) || strcmp(r->metric, metric) || strcmp(r->status, "ok"))
            continue;
        n++;
        *lo = fmin(*lo, r->value);
        *hi = fmax(*hi, r->value);
    }
    return n;
}

/* Both repetitions measured env/wl/metric, every value within [min, max]. */
static void within(const char *env, const char *wl, const char *metric, double min, double max)
{
    double lo, hi;
    int n = values(env, wl, metric, &lo, &hi);
    if (n != 2 || lo < min || hi > max)
        fail_msg("%s %s %s: %d values in [%g, %g], expected 2 in [%g, %g]", env, wl, metric, n, lo, hi, min, max);
}

static void no_failures(void **st)
{
    (void)st;
    NEED_RUN();
    for (int i = 0; i < rows.n; i++)
        if (strcmp(rows.v[i].status, "ok") != 0)
            fail_msg("%s %s rep %d: %s", rows.v[i].env, rows.v[i].workload, rows.v[i].rep, rows.v[i].status);
}

static void footprint_bounds(void **st)
{
    (void)st;
    NEED_RUN();
    /* A static wl doing nothing: well under 4 MiB of PSS, one thread,
     * and no CPU to speak of while it waits (1 ms per second at most). */
    for (int k = 0; k < 2; k++) {
        const char *env = k ? "container" : "native";
        within(env, "footprint", "pss_mib", 0.01, 4);
        within(env, "footprint", "workload_mib", 0.01, 4);
        within(env, "footprint", "threads", 1, 1);
        within(env, "footprint", "idle_cpu_ms_s", 0, 1);
        within(env, "footprint", "pagetables_mib", 0.001, 4);
        within(env, "footprint", "deploy_mib", 0.01, 64);
    }
    /* The container has a cgroup of its own, charged with its memory;
     * native has none. */
    double lo, hi;
    within("container", "footprint", "cgroup_mib", 0.01, 256);
    assert_int_equal(values("native", "footprint", "cgroup_mib", &lo, &hi), 0);
    assert_int_equal(values("native", "footprint", "guest_ram_mib", &lo, &hi), 0);
    if (has_runc) {
        /* runc stays beside its container: its PSS is the runtime's. */
        within("oci-runc", "footprint", "runtime_mib", 0.5, 256);
        within("oci-runc", "footprint", "workload_mib", 0.01, 4);
    }
}

static void footprint_vm(void **st)
{
    (void)st;
    NEED_RUN();
    if (!has_vm)
        SKIP_BECAUSE("no guest kernel in %s; run scripts/fetch-kernel.sh", KDIR);
    /* The guest touched some of its 256 MiB - a booted kernel, at least
     * a few MiB - and not all of it (that would be the size counted, not
     * what was touched). */
    within("vm", "footprint", "guest_ram_mib", 2, 250);
    within("vm", "footprint", "vmm_mib", 1, 4096);
    within("vm", "footprint", "pss_mib", 4, 8192);
    within("vm", "footprint", "threads", 2, 4096);
    /* The guest's kernel and initramfs, more than wl alone. */
    within("vm", "footprint", "deploy_mib", 1, 4096);
    /* A container's whole PSS is below a guest's VMM overhead alone. */
    double clo, chi, vlo, vhi;
    values("container", "footprint", "pss_mib", &clo, &chi);
    values("vm", "footprint", "vmm_mib", &vlo, &vhi);
    if (!(chi < vlo))
        fail_msg("container PSS up to %g MiB, vm VMM overhead from %g MiB", chi, vlo);
    /* Under TCG QEMU's translation cache holds the guest's code and its
     * vCPU threads emulate even an idle guest. */
    const char *accel = rows.n ? rows.v[0].accel : "";
    if (!strcmp(accel, "tcg")) {
        within("vm", "footprint", "tcg_cache_mib", 0.1, 2048);
        within("vm", "footprint", "idle_cpu_ms_s", 0.01, 2000);
    }
    /* The guest is bigger than a container, to the host as well. */
    double hlo, hhi;
    values("vm", "footprint", "host_mib", &hlo, &hhi);
    if (!(hlo > chi))
        fail_msg("vm MemAvailable drop from %g MiB, not above a container's PSS (%g MiB)", hlo, chi);
}

static void density_sweeps(void **st)
{
    (void)st;
    NEED_RUN();
    const char *envs[] = { "native", "container", "vm" };
    for (int k = 0; k < (has_vm ? 3 : 2); k++) {
        within(envs[k], "density", "reached_n", 4, 4);
        within(envs[k], "density", "ready_ms.n1", 0.001, 600000);
        within(envs[k], "density", "ready_ms.n3", 0.001, 600000);
        within(envs[k], "density", "ready_ms.n4", 0.001, 600000);
        within(envs[k], "density", "teardown_ms.n4", 0.001, 600000);
        /* Memory is measured at 1, 2 and 4, not at 3. */
        double lo, hi;
        assert_int_equal(values(envs[k], "density", "pss_mib.n4", &lo, &hi), 2);
        assert_int_equal(values(envs[k], "density", "mib_per_inst.n2", &lo, &hi), 2);
        assert_int_equal(values(envs[k], "density", "marginal_mib.n4", &lo, &hi), 2);
        assert_int_equal(values(envs[k], "density", "pss_mib.n3", &lo, &hi), 0);
    }
    /* Four guests hold more than one: their PSS adds up. */
    if (has_vm) {
        double lo1, hi1, lo4, hi4;
        values("vm", "density", "pss_mib.n1", &lo1, &hi1);
        values("vm", "density", "pss_mib.n4", &lo4, &hi4);
        if (!(lo4 > 2 * hi1))
            fail_msg("vm PSS with 4 alive %g..%g MiB, with 1 %g..%g", lo4, hi4, lo1, hi1);
    }
}

/* Is anything of the run left: a process using its state dir (QEMU), a
 * cgroup named after it, its scratch directory? */
static void nothing_left(void **st)
{
    (void)st;
    NEED_RUN();
    char why[4200];
    it_procs_with(dir, why, sizeof why);
    if (why[0])
        fail_msg("%s", why);
    it_cgroups_of(run_id, why, sizeof why);
    if (why[0])
        fail_msg("%s", why);
    char path[160];
    snprintf(path, sizeof path, "%s/run-%s", dir, run_id);
    assert_int_not_equal(access(path, F_OK), 0);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(no_failures),    cmocka_unit_test(footprint_bounds), cmocka_unit_test(footprint_vm),
        cmocka_unit_test(density_sweeps), cmocka_unit_test(nothing_left),
    };
    return cmocka_run_group_tests(t, setup, teardown);
}
