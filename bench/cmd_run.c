/* vcbench run: parse the options, then hand them to the harness - check
 * (nothing created), prepare, execute - and turn the finished raw.csv
 * into the summary, charts and optional JSON export. */
#include "cmd.h"
#include "opts.h"
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
    struct opt_multi sets;
    const char *export_json;
    int help;
};

#define O(f) offsetof(struct run_cli, f)
static const struct opt_def run_defs[] = {
    { "envs", OPT_STR, O(q.envs), "native,container,vm", 0, 0, NULL, "LIST",
      "environments to compare, comma separated (see 'vcbench list')" },
    { "workloads", OPT_STR, O(q.workloads), NULL, 0, 0, NULL, "LIST",
      "workloads to run, comma separated (default: the profile's)" },
    { "profile", OPT_STR, O(q.profile), "quick", 0, 0, "quick|full", "NAME",
      "work sizes, runs and warm-ups" },
    { "runs", OPT_LONG, O(q.runs), NULL, 1, 10000, NULL, "N",
      "measured repetitions per env and workload (default: the profile's)" },
    { "warmup", OPT_LONG, O(q.warmup), NULL, 0, 100, NULL, "N",
      "unrecorded warm-up runs per env and workload (default: the profile's)" },
    { "seed", OPT_LONG, O(q.seed), "1", 0, 2147483647, NULL, "N",
      "seed of the interleaved run order" },
    { "set", OPT_MULTI, O(sets), NULL, 0, 0, NULL, "WL.OPT=V",
      "override a workload option, e.g. --set cpu.threads=2 (repeatable)" },
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

static void run_help(FILE *f)
{
    fprintf(f, "usage: vcbench run [options]\n\n"
               "Runs the same workloads natively, in containers and in guests, interleaved,\n"
               "and writes DIR/raw.csv (one row per metric per repetition), DIR/order.csv\n"
               "and DIR/run.json.\n\noptions:\n");
    opts_help(f, run_defs, NDEFS);
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

int cmd_run(int argc, char **argv)
{
    struct run_cli o = { .q = { .warmup = -1 } };   /* warmup -1: the profile's */
    struct vb_err e = { 0 };
    struct run r;
    memset(&r, 0, sizeof r);
    if (opts_parse(run_defs, NDEFS, argc, argv, &o, &e) < 0)
        return cmd_fail(e.code, e.msg);
    if (o.help) {
        run_help(stdout);
        return 0;
    }
    o.q.sets = o.sets.v;
    o.q.nsets = o.sets.n;
    int rc = VB_OK;
    if ((o.export_json && export_check(o.export_json, &e) < 0) || run_check(&o.q, &r, &e) < 0 ||
        run_prepare(&r, &e) < 0) {
        rc = cmd_fail(e.code ? e.code : VB_EHOST, e.msg);
        goto out;
    }
    fprintf(stderr, "vcbench: run %s -> %s\nvcbench: accelerator %s: %s\nvcbench: %s\n", r.run_id, r.out,
            r.cfg.accel, r.accel_why, r.cfg.pin.why);
    struct run_totals tot;
    int x = run_execute(&r, &tot, &e);
    fprintf(stderr, "vcbench: %d ok, %d failed%s; raw rows in %s/raw.csv\n", tot.ok, tot.failed,
            tot.skipped_after_signal ? ", stopped early" : "", r.out);
    if (x < 0)
        rc = cmd_fail(e.code ? e.code : VB_EFAIL, e.msg);
    else if (tot.failed)
        rc = VB_EFAIL;
    raw_close(&r.raw);
    /* An interrupted run keeps its rows and skips the outputs. */
    if (x == 0 && tot.ok > 0 && !sig_stop) {
        int orc = outputs(r.out, o.export_json);
        rc = rc ? rc : orc;
    }
out:
    run_free(&r);
    return rc;
}
