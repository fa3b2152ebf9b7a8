/* vcbench man: the manual page, vcbench(1), in roff, made from the same
 * tables as --help (commands, options), `vcbench list` (environments,
 * workloads) and raw.csv's header, so none of them can drift from it. */
#include "cmd.h"
#include "common/raw.h"
#include "common/wlmeta.h"
#include "env/env.h"
#include "run/hostwl.h"

#include <stdio.h>
#include <string.h>

/* Text for roff: backslashes and hyphens escaped, no line starting with a
 * control character. */
static void roff(FILE *f, const char *s)
{
    if (*s == '.' || *s == '\'')
        fputs("\\&", f);
    for (; *s; s++) {
        if (*s == '\\')
            fputs("\\e", f);
        else if (*s == '-')
            fputs("\\-", f);
        else
            fputc(*s, f);
    }
}

static void options(FILE *f, const struct opt_def *d, int n)
{
    for (int i = 0; i < n; i++) {
        fputs(".TP\n\\fB\\-\\-", f);
        roff(f, d[i].name);
        fputs("\\fR", f);
        if (d[i].type != OPT_FLAG) {
            fputs(" \\fI", f);
            roff(f, d[i].metavar ? d[i].metavar : "X");
            fputs("\\fR", f);
        }
        fputc('\n', f);
        roff(f, d[i].help);
        if (d[i].choices) {
            fputs(" [", f);
            roff(f, d[i].choices);
            fputc(']', f);
        }
        if (d[i].type == OPT_LONG)
            fprintf(f, " (%.0f..%.0f)", d[i].min, d[i].max);
        if (d[i].type == OPT_DOUBLE)
            fprintf(f, " (%g..%g)", d[i].min, d[i].max);
        if (d[i].def && *d[i].def && d[i].type != OPT_FLAG) {
            fputs(" (default ", f);
            roff(f, d[i].def);
            fputc(')', f);
        }
        fputc('\n', f);
    }
}

static void commands(FILE *f)
{
    int n;
    const struct cmd_def *c = cmd_all(&n);
    fputs(".SH COMMANDS\n", f);
    for (int i = 0; i < n; i++) {
        fputs(".SS \"", f);
        roff(f, c[i].name);
        if (*c[i].args) {
            fputc(' ', f);
            roff(f, c[i].args);
        }
        fputs("\"\n", f);
        roff(f, c[i].help);
        fputs(".\n", f);
        if (!strcmp(c[i].name, "ab"))
            fputs("It takes every option of \\fBrun\\fR, and these:\n", f);
        if (c[i].opts) {
            int k;
            const struct opt_def *d = c[i].opts(&k);
            options(f, d, k);
        }
    }
}

/* A tagged paragraph: the name in bold, then what it is. */
static void item(FILE *f, const char *name, const char *what)
{
    fputs(".TP\n\\fB", f);
    roff(f, name);
    fputs("\\fR\n", f);
    roff(f, what);
    fputc('\n', f);
}

static void envs_and_workloads(FILE *f)
{
    int n;
    fputs(".SH ENVIRONMENTS\n", f);
    const struct env_ops *const *e = env_all(&n);
    for (int i = 0; i < n; i++)
        item(f, e[i]->name, e[i]->summary);
    fputs(".SH WORKLOADS\nEach runs in every environment as the same static \\fBwl\\fR binary, or is measured "
          "by the harness around idle instances. Options of a workload: \\fB\\-\\-set\\fR "
          "\\fIWORKLOAD.OPTION=VALUE\\fR (\\fBwl \\-\\-help\\fR lists wl's; those measured by the harness "
          "are listed here).\n", f);
    const struct wl_meta *const *w = wl_meta_all(&n);
    for (int i = 0; i < n; i++) {
        item(f, w[i]->name, w[i]->summary);
        const struct hostwl *hw = hostwl_find(w[i]->name);
        if (hw) {
            char text[2048];
            hostwl_describe(hw, text, sizeof text);
            fputs(".RS\n.nf\n", f);
            for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
                roff(f, line + strspn(line, " "));
                fputc('\n', f);
            }
            fputs(".fi\n.RE\n", f);
        }
    }
}

static const char *const head =
    ".TH VCBENCH 1 \"2026\" \"vcbench " VCB_VERSION "\" \"User Commands\"\n"
    ".SH NAME\n"
    "vcbench \\- what a workload costs in a KVM guest, in a container and natively on this host\n"
    ".SH SYNOPSIS\n"
    ".B vcbench\n"
    "\\fICOMMAND\\fR [\\fIoptions\\fR]\n"
    ".br\n"
    ".B vcbench \\-\\-version\n"
    ".SH DESCRIPTION\n"
    "\\fBvcbench\\fR runs identical CPU, memory, disk and start\\-up workloads natively, in containers it makes "
    "from Linux namespaces and cgroups, under the OCI runtimes runc and crun, and in guests started through "
    "libvirt (the embedded QEMU driver by default: no daemon), pins each with hwloc, and writes raw and "
    "summary CSV, JSON, gnuplot charts and a REPORT.md. Beyond speed it measures what an idle instance costs "
    "the host (memory, idle CPU, density) and how isolated it is (an audit from inside, noisy neighbours). "
    "\\fBcompare\\fR and \\fBab\\fR give a CI pipeline a verdict with an exit code. The accelerator (KVM, or "
    "TCG emulation) is detected, never assumed, and recorded in every row.\n"
    ".PP\n"
    "Most commands need root (containers, cgroups, guests). \\fBvcbench doctor\\fR says what this host can "
    "run. The guest kernel lives in /var/cache/vcbench/kernel, fetched by "
    "\\fIlibexec/vcbench/fetch\\-kernel.sh\\fR (Debian's linux\\-image\\-amd64).\n";

static const char *const tail =
    ".SH EXIT STATUS\n"
    ".TP\n0\nok (compare, ab: no regression)\n"
    ".TP\n1\na measurement failed, or compare/ab found a regression\n"
    ".TP\n2\nbad usage or input: one line on stderr says what, nothing is created\n"
    ".TP\n3\nthe host lacks something (root, a package, the guest kernel, KVM when asked for)\n"
    ".TP\n4\ncompare, ab: the two sides are not comparable (host, parameters, wl build, missing series)\n"
    ".TP\n5\ncompare, ab: inconclusive (the data cannot tell a change of the threshold's size)\n"
    ".TP\n130\ninterrupted (SIGINT, SIGTERM): finished rows are kept, every guest, container and cgroup "
    "removed\n"
    ".SH PROTOCOL\n"
    "\\fBwl\\fR prints one line per event on stdout (a guest's serial console), the same everywhere: "
    "\\fBvcb1\\fR \\fIkind\\fR \\fIkey\\fR=\\fIvalue\\fR... with values percent\\-encoded. Kinds: "
    "\\fBhello\\fR wl= workload=; \\fBboot\\fR uptime_ns= (guests); \\fBexpect\\fR ms= fixed_ms= (its own "
    "estimate, for the deadline); \\fBready\\fR; \\fBparam\\fR name=value; \\fBmetric\\fR name= unit= "
    "dir=higher|lower value=; \\fBcheck\\fR name= value= (checksums every environment must agree on); "
    "\\fBinfo\\fR (start\\-up: the environment seen from inside); \\fBtick\\fR work= ns= (antagonists); "
    "\\fBerror\\fR msg=; \\fBend\\fR status=ok|fail, always last.\n"
    ".SH EXAMPLES\n"
    "What a VM and a container cost on this host, against native (the quick profile, about 5 minutes):\n"
    ".PP\n.nf\n.RS\nvcbench run \\-\\-out results/today\nvcbench report results/today > REPORT.md\n.RE\n.fi\n"
    ".PP\n"
    "Figures for a paper: tighter intervals, every environment, the charts as PNG and SVG:\n"
    ".PP\n.nf\n.RS\nvcbench run \\-\\-profile full \\-\\-envs native,container,vm,oci\\-runc,oci\\-crun "
    "\\-\\-out fig\nvcbench plot fig    # fig/plots/*.png, *.svg\n.RE\n.fi\n"
    ".PP\n"
    "A CI gate: fail the pipeline on a real slowdown of the candidate build, and only then:\n"
    ".PP\n.nf\n.RS\nvcbench ab \\-\\-profile ci \\-\\-envs container,vm \\-\\-a label=main \\-\\-a wl=/ci/main/wl "
    "\\e\n    \\-\\-b label=pr \\-\\-b wl=build/wl \\-\\-format junit \\-\\-output gate.xml\n"
    "vcbench compare results/base results/head    # two runs made apart\n.RE\n.fi\n"
    ".PP\n"
    "Noisy neighbours and the isolation audit:\n"
    ".PP\n.nf\n.RS\nvcbench run \\-\\-workloads audit,neighbour \\-\\-victims cpu,mem \\-\\-neighbour llc,bw "
    "\\-\\-duty 50,100\n.RE\n.fi\n"
    ".SH SEE ALSO\n"
    "\\fBfio\\fR(1), \\fBhwloc\\fR(7), \\fBvirsh\\fR(1), \\fBcrun\\fR(1), \\fBrunc\\fR(8), "
    "\\fBgnuplot\\fR(1); README.md of the source for the method and the figures measured.\n";

int cmd_man(int argc, char **argv)
{
    (void)argv;
    if (argc > 0)
        return cmd_fail(2, "man takes no arguments: vcbench man > vcbench.1");
    fputs(head, stdout);
    commands(stdout);
    envs_and_workloads(stdout);
    fputs(".SH FILES\n"
          ".TP\n\\fIDIR\\fR/raw.csv\n"
          "One row per metric per repetition, appended as measured; columns:\n", stdout);
    for (int i = 0; i < RAW_NCOL; i++) {
        fputs(i ? ", " : "", stdout);
        fputs("\\fB", stdout);
        roff(stdout, raw_columns[i]);
        fputs("\\fR", stdout);
    }
    fputs(".\n"
          ".TP\n\\fIDIR\\fR/run.json\nthe host, versions, accelerator and why, CPU placement, workloads and "
          "their arguments.\n"
          ".TP\n\\fIDIR\\fR/summary.csv, summary.json\nmedian, bootstrap 95% CI and cost versus native per "
          "series, always recomputed from raw.csv.\n"
          ".TP\n\\fIDIR\\fR/plots/\ngnuplot scripts, data, PNG and SVG.\n"
          ".TP\n/var/tmp/vcbench\nstate: libvirt's embedded root, the shared disk files, scratch.\n"
          ".TP\n/var/cache/vcbench/kernel\nthe guest kernel and its modules.\n", stdout);
    fputs(tail, stdout);
    return 0;
}
