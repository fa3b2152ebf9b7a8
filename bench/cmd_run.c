/* vcbench run and vcbench ab: parse the options, then hand them to the
 * harness - check (nothing created), prepare, execute - and turn the
 * finished raw.csv into the summary, charts and optional JSON export. ab
 * runs two arms interleaved in one run and ends with the CI gate on them
 * (optionally re-running what it could not decide). */
#include "cmd.h"
#include "opts.h"
#include "analysis/regress.h"
#include "analysis/results.h"
#include "common/sig.h"
#include "report/chart.h"
#include "report/export.h"
#include "run/prepare.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct run_cli {
    struct run_request q;
    struct opt_multi sets, a, b;
    const char *export_json, *neighbour, *duty, *victims;
    int help;
    /* ab only */
    long rerun;
    double threshold, alpha;
    const char *allow, *rules, *format, *output;
};

#define O(f) offsetof(struct run_cli, f)
static const struct opt_def run_defs[] = {
    { "envs", OPT_STR, O(q.envs), "native,container,vm", 0, 0, NULL, "LIST",
      "environments to compare, comma separated (see 'vcbench list')" },
    { "workloads", OPT_STR, O(q.workloads), NULL, 0, 0, NULL, "LIST",
      "workloads to run, comma separated (default: the profile's)" },
    { "profile", OPT_STR, O(q.profile), "quick", 0, 0, "quick|full|ci", "NAME",
      "work sizes, runs and warm-ups" },
    { "runs", OPT_LONG, O(q.runs), NULL, 1, 10000, NULL, "N",
      "measured repetitions per env and workload (default: the profile's)" },
    { "warmup", OPT_LONG, O(q.warmup), NULL, 0, 100, NULL, "N",
      "unrecorded warm-up runs per env and workload (default: the profile's)" },
    { "seed", OPT_LONG, O(q.seed), "1", 0, 2147483647, NULL, "N",
      "seed of the interleaved run order" },
    { "set", OPT_MULTI, O(sets), NULL, 0, 0, NULL, "WL.OPT=V",
      "override a workload option, e.g. --set cpu.threads=2 (repeatable)" },
    { "neighbour", OPT_STR, O(neighbour), NULL, 0, 0, NULL, "LIST",
      "noisy neighbours: antagonists (spin, llc, bw, alloc, io, fork) beside each victim; adds the "
      "neighbour workload (= --set neighbour.antagonists=LIST)" },
    { "duty", OPT_STR, O(duty), NULL, 0, 0, NULL, "PCTS",
      "their intensities, % of each 10 ms they work, e.g. 50,100 (= --set neighbour.duties=PCTS)" },
    { "victims", OPT_STR, O(victims), NULL, 0, 0, NULL, "LIST",
      "the workloads measured beside them (cpu, mem, disk, startup; = --set neighbour.victims=LIST)" },
    { "out", OPT_STR, O(q.out), NULL, 0, 0, NULL, "DIR",
      "result directory, must not hold results yet (default results/<run id>)" },
    { "mem", OPT_LONG, O(q.mem_mib), "1024", 64, 1048576, NULL, "MIB",
      "memory limit of the container = memory of the guest, in MiB" },
    { "vcpus", OPT_LONG, O(q.vcpus), "1", 1, 1024, NULL, "N",
      "CPUs given to the workload in every env (= guest vCPUs)" },
    { "cpu-quota", OPT_LONG, O(q.cpu_quota), "0", 0, 102400, NULL, "PCT",
      "container CPU quota in percent of one CPU; 0 = none" },
    { "accel", OPT_STR, O(q.accel), "auto", 0, 0, "auto|kvm|tcg", "A",
      "guest accelerator; auto = kvm only where it really works" },
    { "libvirt-uri", OPT_STR, O(q.libvirt_uri), "", 0, 0, NULL, "URI",
      "libvirt connection; empty = qemu:///embed?root=<state-dir>/lv (no daemon)" },
    { "state-dir", OPT_STR, O(q.state_dir), "/var/tmp/vcbench", 0, 0, NULL, "DIR",
      "long-lived state: libvirt embed root and capability cache, scratch" },
    { "kernel-dir", OPT_STR, O(q.kernel_dir), "/var/cache/vcbench/kernel", 0, 0, NULL, "DIR",
      "guest kernel cache made by scripts/fetch-kernel.sh" },
    { "disk-file", OPT_STR, O(q.disk_file), NULL, 0, 0, NULL, "PATH",
      "backing file of the disk workload, shared by every env (default <state-dir>/disk.img)" },
    { "disk-size", OPT_STR, O(q.disk_size), "256M", 0, 0, NULL, "SIZE",
      "bytes of the disk file the disk workload uses" },
    { "wl", OPT_STR, O(q.wl), NULL, 0, 0, NULL, "PATH",
      "the static workload binary (default: wl next to vcbench)" },
    { "timeout", OPT_LONG, O(q.timeout), "0", 0, 86400, NULL, "S",
      "seconds one launch may take before it is killed and recorded as timeout; 0 = derived from the "
      "workload's own estimate and the environment" },
    { "export-json", OPT_STR, O(export_json), NULL, 0, 0, NULL, "FILE",
      "also write the whole run (run.json, summary, raw rows) as one JSON file" },
    { "help", OPT_FLAG, O(help), NULL, 0, 0, NULL, NULL, "show this help" },
};
#define NDEFS (int)(sizeof run_defs / sizeof run_defs[0])

static const struct opt_def ab_defs[] = {
    { "a", OPT_MULTI, O(a), NULL, 0, 0, NULL, "KEY=V",
      "arm A (the base): label, wl, kernel-dir, libvirt-uri, emulator, runtime, mem, cpu-quota or set=WL.OPT=V "
      "(repeatable)" },
    { "b", OPT_MULTI, O(b), NULL, 0, 0, NULL, "KEY=V", "arm B (the candidate), the same keys" },
    { "rerun", OPT_LONG, O(rerun), "0", 0, 1000, NULL, "N",
      "then N more repetitions of every series that regressed or was inconclusive, and the gate again" },
    { "threshold", OPT_DOUBLE, O(threshold), "3", 0, 1000, NULL, "PCT", "smallest change that counts (compare)" },
    { "alpha", OPT_DOUBLE, O(alpha), "0.01", 0.0001, 0.5, NULL, "Q", "false discovery rate over all series (compare)" },
    { "allow", OPT_STR, O(allow), "", 0, 0, NULL, "LIST", "conditions to accept (compare --allow)" },
    { "rules", OPT_STR, O(rules), NULL, 0, 0, NULL, "FILE", "per-metric thresholds (compare --rules)" },
    { "format", OPT_STR, O(format), "text", 0, 0, "text|json|junit", "F", "the verdict's format" },
    { "output", OPT_STR, O(output), NULL, 0, 0, NULL, "FILE", "write the verdict there instead of stdout" },
};
#define NABDEFS (int)(sizeof ab_defs / sizeof ab_defs[0])

const struct opt_def *cmd_run_opts(int *n)
{
    *n = NDEFS;
    return run_defs;
}

const struct opt_def *cmd_ab_opts(int *n)
{
    *n = NABDEFS;
    return ab_defs;
}

static void run_help(FILE *f)
{
    fprintf(f, "usage: vcbench run [options]\n\n"
               "Runs the same workloads natively, in containers and in guests, interleaved,\n"
               "and writes DIR/raw.csv (one row per metric per repetition), DIR/order.csv\n"
               "and DIR/run.json.\n\noptions:\n");
    opts_help(f, run_defs, NDEFS);
}

static void ab_help(FILE *f, const struct opt_def *defs)
{
    fprintf(f, "usage: vcbench ab --a KEY=V... --b KEY=V... [run options] [gate options]\n\n"
               "Runs the same environments and workloads set up two ways - arm A and arm B - interleaved\n"
               "in one run on this host (drift hits both alike), then compares B against A: the CI gate\n"
               "of 'vcbench compare', with its exit codes (0 pass, 1 regression, 4 incomparable,\n"
               "5 inconclusive). Every raw.csv row says its arm.\n\n"
               "  vcbench ab --envs container,vm --workloads cpu,startup --runs 10 \\\n"
               "      --a label=main --a wl=/ci/main/wl --b label=pr --b wl=build/wl\n"
               "  vcbench ab --envs vm --a kernel-dir=/var/cache/vcbench/kernel --b kernel-dir=/srv/k-6.6\n"
               "  vcbench ab --envs container --a cpu-quota=0 --b cpu-quota=50\n"
               "  vcbench ab --envs native --a set=cpu.threads=1 --b set=cpu.threads=2\n\n"
               "options:\n");
    opts_help(f, defs, NDEFS + NABDEFS);
}

/* Can the export file be written (its directory exists and is writable)? */
static int export_check(const char *path, struct vb_err *e)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *sl = strrchr(dir, '/');
    if (sl)
        *sl = '\0';
    if (access(sl ? (dir[0] ? dir : "/") : ".", W_OK) != 0)
        return vb_errf(e, VB_EUSAGE, "cannot write --export-json %s: its directory is missing or read-only", path);
    return 0;
}

/* Summary, charts and export from the file just written (never from
 * memory). raw.csv is complete whatever fails here. */
static int outputs(const char *dir, const char *export_path)
{
    struct results res;
    struct vb_err e = { 0 };
    int rc = results_open(dir, &res, &e);
    if (rc == 0) {
        rc = results_save_summary(&res, &e);
        if (rc == 0)
            rc = chart_all(&res, &e);
        if (rc == 0 && export_path)
            rc = export_json(&res, export_path, &e);
        results_close(&res);
    }
    if (rc < 0) {
        fprintf(stderr, "vcbench: %s (raw.csv is complete; retry with 'vcbench summary|plot %s')\n", e.msg, dir);
        return e.code;
    }
    fprintf(stderr, "vcbench: summary in %s/summary.csv, charts in %s/plots/%s%s\n", dir, dir,
            export_path ? ", JSON in " : "", export_path ? export_path : "");
    return 0;
}

/* The pairs (slot, workload) of the series the gate could not pass. */
static int rerun_want(const struct run *r, const struct cmp_report *rep, unsigned char want[RUN_MAX_SLOTS][RUN_MAX_WLS])
{
    int n = 0;
    memset(want, 0, sizeof(unsigned char[RUN_MAX_SLOTS][RUN_MAX_WLS]));
    for (int i = 0; i < rep->n; i++) {
        const struct cmp_series *x = &rep->s[i];
        if (x->v != V_REGRESSION && x->v != V_INCONCLUSIVE)
            continue;
        for (int k = 0; k < r->spec.nslot; k++)
            for (int w = 0; w < r->spec.nwl; w++)
                if (!strcmp(r->spec.slots[k].env->name, x->env) && !strcmp(r->spec.slots[k].wls[w].name, x->workload) &&
                    !want[k][w]) {
                    want[k][w] = 1;
                    n++;
                }
    }
    return n;
}

/* The gate on the two arms; with --rerun, more of what it could not pass
 * and the gate again. Returns the exit code. */
static int ab_gate(struct run *r, const struct run_cli *o)
{
    struct vb_err e = { 0 };
    struct cmp_rules rules = { 0 };
    struct cmp_opts co = { .threshold = o->threshold / 100, .alpha = o->alpha, .power = 0.8, .rules = &rules };
    if (cmp_allow_parse(o->allow, &co.allow, &e) < 0 || (o->rules && cmp_rules_load(o->rules, &rules, &e) < 0))
        return cmd_fail(e.code, e.msg);
    struct cmp_report rep = { 0 };
    int rc = -1;
    /* With --rerun the verdict is taken again on all the data; a
     * regression is only ever declared by that last look, over every
     * series, at alpha: the first look only picks what to repeat. */
    for (int round = 0; round < 2; round++) {
        struct results res;
        if (results_open_flags(r->out, SUMM_NO_COST, &res, &e) < 0) {
            rc = -1;
            break;
        }
        cmp_free(&rep);
        rc = cmp_arms(&res, NULL, NULL, &co, &rep, &e);
        results_close(&res);
        unsigned char want[RUN_MAX_SLOTS][RUN_MAX_WLS];
        if (rc < 0 || round == 1 || o->rerun <= 0 || !rerun_want(r, &rep, want))
            break;
        fprintf(stderr, "vcbench: %d series regressed or were inconclusive: %ld more repetitions of them, "
                "reshuffled\n", rep.count[V_REGRESSION] + rep.count[V_INCONCLUSIVE], o->rerun);
        struct run_totals t;
        if (run_rerun(r, want, (int)o->rerun, r->spec.runs, &t, &e) < 0 ||
            (!sig_stop && outputs(r->out, NULL) != 0)) {
            rc = -1;
            break;
        }
    }
    cmp_rules_free(&rules);
    if (rc < 0) {
        cmp_free(&rep);
        return cmd_fail(e.code ? e.code : VB_EFAIL, e.msg);
    }
    rc = cmd_verdict_out(&rep, o->format, o->output);
    cmp_free(&rep);
    return rc;
}

/* --neighbour, --duty and --victims: the neighbour workload's options
 * under names of their own. They add the workload to an explicit
 * --workloads (the quick and full profiles have it already). */
static int neighbour_opts(struct run_cli *o, char *wls, size_t n, char sets[3][256], struct vb_err *e)
{
    const char *key[3] = { "antagonists", "duties", "victims" }, *val[3] = { o->neighbour, o->duty, o->victims };
    int any = 0;
    for (int i = 0; i < 3; i++) {
        if (!val[i])
            continue;
        if (o->sets.n == OPT_MULTI_MAX)
            return vb_errf(e, VB_EUSAGE, "too many --set options (at most %d)", OPT_MULTI_MAX);
        snprintf(sets[i], sizeof sets[i], "neighbour.%s=%s", key[i], val[i]);
        /* First, so that an explicit --set neighbour.X still wins. */
        memmove(o->sets.v + 1, o->sets.v, sizeof o->sets.v[0] * (size_t)o->sets.n);
        o->sets.v[0] = sets[i];
        o->sets.n++;
        any = 1;
    }
    if (any && o->q.workloads) {
        char buf[512], *save;
        int has = 0;
        snprintf(buf, sizeof buf, "%s", o->q.workloads);
        for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
            has |= !strcmp(t, "neighbour");
        if (!has) {
            snprintf(wls, n, "%s,neighbour", o->q.workloads);
            o->q.workloads = wls;
        }
    }
    return 0;
}

static int run_main(int argc, char **argv, int ab)
{
    struct run_cli o = { .q = { .warmup = -1 } };   /* warmup -1: the profile's */
    struct vb_err e = { 0 };
    struct run r;
    memset(&r, 0, sizeof r);
    struct opt_def defs[NDEFS + NABDEFS];
    memcpy(defs, run_defs, sizeof run_defs);
    memcpy(defs + NDEFS, ab_defs, sizeof ab_defs);
    if (opts_parse(defs, NDEFS + (ab ? NABDEFS : 0), argc, argv, &o, &e) < 0)
        return cmd_fail(e.code, e.msg);
    if (o.help) {
        if (ab)
            ab_help(stdout, defs);
        else
            run_help(stdout);
        return 0;
    }
    char wls[512], nsets[3][256];
    if (neighbour_opts(&o, wls, sizeof wls, nsets, &e) < 0)
        return cmd_fail(e.code, e.msg);
    o.q.sets = o.sets.v;
    o.q.nsets = o.sets.n;
    if (ab) {
        o.q.narms = 2;
        o.q.arm[0].kv = o.a.v;
        o.q.arm[0].nkv = o.a.n;
        o.q.arm[1].kv = o.b.v;
        o.q.arm[1].nkv = o.b.n;
    }
    int rc = VB_OK;
    if ((o.export_json && export_check(o.export_json, &e) < 0) || run_check(&o.q, &r, &e) < 0 ||
        run_prepare(&r, &e) < 0) {
        rc = cmd_fail(e.code ? e.code : VB_EHOST, e.msg);
        goto out;
    }
    fprintf(stderr, "vcbench: run %s -> %s\nvcbench: accelerator %s: %s\nvcbench: %s\n", r.run_id, r.out,
            r.accel, r.accel_why, r.pin.why);
    if (ab)
        fprintf(stderr, "vcbench: arm %s: %s\nvcbench: arm %s: %s\n", r.arms[0].label,
                *r.arms[0].settings ? r.arms[0].settings : "(the run's settings)", r.arms[1].label,
                *r.arms[1].settings ? r.arms[1].settings : "(the run's settings)");
    struct run_totals tot;
    int x = run_execute(&r, &tot, &e);
    fprintf(stderr, "vcbench: %d ok, %d failed%s; raw rows in %s/raw.csv\n", tot.ok, tot.failed,
            tot.skipped_after_signal ? ", stopped early" : "", r.out);
    if (x < 0)
        rc = cmd_fail(e.code ? e.code : VB_EFAIL, e.msg);
    else if (tot.failed)
        rc = VB_EFAIL;
    /* Rows are on disk as measured; ab keeps raw.csv open for --rerun
     * (run_free closes it). */
    if (!ab)
        raw_close(&r.raw);
    /* An interrupted run keeps its rows and skips the outputs. */
    if (x == 0 && tot.ok > 0 && !sig_stop) {
        int orc = outputs(r.out, o.export_json);
        rc = rc ? rc : orc;
        /* ab: the verdict is the exit code (failed launches show in it). */
        if (ab && orc == 0)
            rc = ab_gate(&r, &o);
    }
out:
    run_free(&r);
    return rc;
}

int cmd_run(int argc, char **argv)
{
    return run_main(argc, argv, 0);
}

int cmd_ab(int argc, char **argv)
{
    return run_main(argc, argv, 1);
}
