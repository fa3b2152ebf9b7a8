/* The file-system chores: mkdir -p, whole-file reads, PATH search, atomic
 * writes that leave nothing on failure, tree removal. */
#include "testutil.h"
#include "common/fsutil.h"

#include <errno.h>
#include <sys/stat.h>

static int write_text(FILE *f, const void *arg)
{
    fputs(arg, f);
    return 0;
}

static int write_fails(FILE *f, const void *arg)
{
    (void)arg;
    fputs("half", f);
    return -1;
}

static void chores(void **st)
{
    (void)st;
    char dir[] = "/tmp/vcb-test-fs.XXXXXX", p[128];
    assert_non_null(mkdtemp(dir));
    snprintf(p, sizeof p, "%s/a/b/c", dir);
    assert_int_equal(fs_mkdir_p(p, 0755), 0);
    assert_int_equal(fs_mkdir_p(p, 0755), 0);          /* exists: fine */
    snprintf(p, sizeof p, "%s/a/b/c/f.txt", dir);
    struct vb_err e = { 0 };
    assert_int_equal(fs_write_atomic(p, write_text, "hello\n", &e), 0);
    size_t len = 0;
    char *s = fs_slurp(p, &len);
    assert_non_null(s);
    assert_int_equal(len, 6);
    assert_string_equal(s, "hello\n");
    free(s);
    /* A failed writer leaves the old file and no temporary. */
    assert_int_equal(fs_write_atomic(p, write_fails, NULL, &e), -1);
    assert_int_equal(e.code, VB_EHOST);
    s = fs_slurp(p, NULL);
    assert_string_equal(s, "hello\n");
    free(s);
    snprintf(p, sizeof p, "%s/a/b/c/.f.txt.tmp", dir);
    assert_int_equal(access(p, F_OK), -1);
    assert_null(fs_slurp("/nonexistent/file", NULL));
    char w[256];
    assert_int_equal(fs_which("sh", w, sizeof w), 0);
    assert_int_equal(access(w, X_OK), 0);
    assert_int_equal(fs_which("vcbench-no-such-program", w, sizeof w), -1);
    fs_rm_tree(dir);
    assert_int_equal(access(dir, F_OK), -1);
}

int main(void)
{
    const struct CMUnitTest t[] = { cmocka_unit_test(chores) };
    return cmocka_run_group_tests(t, NULL, NULL);
}
