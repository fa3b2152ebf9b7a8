/* vcbench summary | plot DIR: recompute summary.csv/json, or the charts,
 * from DIR/raw.csv (so results can be re-analysed long after a run). */
#include "cmd.h"
#include "../harness/chart.h"
#include "../harness/summ.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Exactly one results directory, or a usage error. */
static int one_dir(int argc, char **argv, const char *cmd, const char **dir)
{
    if (argc == 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
        printf("usage: vcbench %s DIR\n\nDIR is a results directory written by 'vcbench run' "
               "(it holds raw.csv).\n", cmd);
        return 0;
    }
    if (argc != 1 || argv[0][0] == '-') {
        char msg[160];
        snprintf(msg, sizeof msg, "usage: vcbench %s DIR (a results directory holding raw.csv)", cmd);
        return cmd_fail(2, msg);
    }
    struct stat st;
    if (stat(argv[0], &st) < 0 || !S_ISDIR(st.st_mode)) {
        char msg[600];
        snprintf(msg, sizeof msg, "%s is not a results directory; give the --out DIR of a 'vcbench run'", argv[0]);
        return cmd_fail(2, msg);
    }
    *dir = argv[0];
    return -1;
}

int cmd_summary(int argc, char **argv)
{
    const char *dir;
    int rc = one_dir(argc, argv, "summary", &dir);
    if (rc >= 0)
        return rc;
    struct vb_err e = { 0 };
    if (summary_save(dir, &e) < 0)
        return cmd_fail(e.code, e.msg);
    printf("%s/summary.csv\n%s/summary.json\n", dir, dir);
    return 0;
}

int cmd_plot(int argc, char **argv)
{
    const char *dir;
    int rc = one_dir(argc, argv, "plot", &dir);
    if (rc >= 0)
        return rc;
    struct vb_err e = { 0 };
    if (chart_all(dir, &e) < 0)
        return cmd_fail(e.code, e.msg);
    printf("%s/plots/\n", dir);
    return 0;
}
