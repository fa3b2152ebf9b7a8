/* Unit tests of the engines' pure parts: the argv builder, the options
 * docker and podman get for a container like vcbench's, and the OCI image
 * layout containerd imports (every blob named by its digest, the manifest
 * naming the config and the layer with their sizes). */
#include "testutil.h"
#include "env/engine.h"
#include "env/ocilayout.h"
#include "common/fsutil.h"
#include "common/sha256.h"

#include <json-c/json.h>
#include <sys/stat.h>

static void argv_overflow(void **st)
{
    (void)st;
    struct eargv a = { 0 };
    eargv_add(&a, "docker");
    eargv_add(&a, "--name=%s", "x");
    assert_int_equal(a.n, 2);
    assert_string_equal(a.v[1], "--name=x");
    assert_null(a.v[2]);
    assert_int_equal(a.overflow, 0);
    for (int i = 0; i < EARGV_MAX + 5; i++)
        eargv_add(&a, "w%d", i);
    assert_int_equal(a.overflow, 1);
    assert_int_equal(a.n, EARGV_MAX);
    assert_null(a.v[a.n]);
    /* A word longer than the buffer left is refused whole. */
    struct eargv b = { 0 };
    char big[9000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    eargv_add(&b, "%s", big);
    assert_int_equal(b.n, 0);
    assert_int_equal(b.overflow, 1);
}

static int has(const struct eargv *a, const char *w)
{
    for (int i = 0; i < a->n; i++)
        if (!strcmp(a->v[i], w))
            return 1;
    return 0;
}

static void limits_like_container(void **st)
{
    (void)st;
    struct run_cfg cfg = { .run_id = "r1", .mem_bytes = 256ull << 20, .cpu_quota_pct = 50 };
    snprintf(cfg.pin.work, sizeof cfg.pin.work, "1");
    snprintf(cfg.pin.mems, sizeof cfg.pin.mems, "0");
    struct engine en = { .cfg = &cfg, .private_daemon = 1 };
    snprintf(en.cgparent, sizeof en.cgparent, "vcbench.r1.docker");
    const char *argv[] = { "--size", "@disk", NULL };
    struct env_job job = { .workload = "disk", .argc = 2, .argv = (char **)argv, .disk = "/var/tmp/d.img" };
    struct eargv a = { 0 };
    engine_limits(&en, &job, &a);
    engine_command(&job, "vcbench/wl:abc", &a);
    assert_int_equal(a.overflow, 0);
    const char *want[] = { "--network=none", "--cpuset-cpus=1", "--memory=268435456", "--memory-swap=268435456",
                           "--cpu-period=100000", "--cpu-quota=50000", "--read-only",
                           "--security-opt=no-new-privileges", "--cap-drop=ALL", "--cap-add=CAP_CHOWN",
                           "--cap-add=CAP_AUDIT_WRITE", "--volume=/var/tmp/d.img:/mnt/disk",
                           "--cgroup-parent=/vcbench.r1.docker", "vcbench/wl:abc", "/wl", "disk", "--size" };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!has(&a, want[i]))
            fail_msg("no '%s' in the create options", want[i]);
    /* Every option before the image: after it they would be wl's. */
    int image_at = -1;
    for (int i = 0; i < a.n; i++)
        if (!strcmp(a.v[i], "vcbench/wl:abc"))
            image_at = i;
    for (int i = 0; i < a.n; i++)
        if (!strncmp(a.v[i], "--", 2) && strcmp(a.v[i], "--size") != 0)
            assert_true(i < image_at);
    /* The disk argument is the path inside the container. */
    assert_string_equal(a.v[a.n - 1], "/mnt/disk");
    int caps = 0;
    for (int i = 0; i < a.n; i++)
        caps += !strncmp(a.v[i], "--cap-add=", 10);
    assert_int_equal(caps, 14);
    /* A neighbour's own CPUs; a user's daemon places containers itself. */
    struct eargv b = { 0 };
    job.cpus = "0";
    en.private_daemon = 0;
    en.k = &(struct engine_kind){ .daemon = "dockerd" };
    engine_limits(&en, &job, &b);
    assert_true(has(&b, "--cpuset-cpus=0"));
    for (int i = 0; i < b.n; i++)
        assert_null(strstr(b.v[i], "--cgroup-parent"));
}

/* Run ids as container names and containerd namespaces take them. */
static void run_names(void **st)
{
    (void)st;
    char out[64];
    engine_run_name("20261202-040803-080c", out, sizeof out);
    assert_string_equal(out, "20261202-040803-080c");
    engine_run_name("20261202-040803-080c-base+x:1", out, sizeof out);
    assert_string_equal(out, "20261202-040803-080c-base-x-1");
    engine_run_name("--a..b--", out, sizeof out);
    assert_string_equal(out, "a-b");
    engine_run_name("abcdefgh", out, 5);
    assert_string_equal(out, "abcd");
}

static json_object *load(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    json_object *o = json_object_from_file(path);
    if (!o)
        fail_msg("%s is not JSON", path);
    return o;
}

/* The blob digest names exists and its bytes hash to that name; its size. */
static long blob_check(const char *dir, const char *digest)
{
    assert_int_equal(strncmp(digest, "sha256:", 7), 0);
    char path[512], got[65];
    snprintf(path, sizeof path, "%s/blobs/sha256/%s", dir, digest + 7);
    assert_int_equal(sha256_file(path, got), 0);
    assert_string_equal(got, digest + 7);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return (long)st.st_size;
}

static const char *str_at(json_object *o, const char *a, const char *b)
{
    json_object *x = o, *y;
    if (a) {
        assert_true(json_object_object_get_ex(x, a, &y));
        x = y;
    }
    assert_true(json_object_object_get_ex(x, b, &y));
    return json_object_get_string(y);
}

static void layout(void **st)
{
    (void)st;
    char dir[] = "/tmp/vcb-ocilayout.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char layer[600], out[600];
    snprintf(layer, sizeof layer, "%s/layer.tar", dir);
    snprintf(out, sizeof out, "%s/oci", dir);
    FILE *f = fopen(layer, "w");
    assert_non_null(f);
    for (int i = 0; i < 3000; i++)
        fputc('a' + i % 26, f);
    fclose(f);
    struct vb_err e = { 0 };
    assert_int_equal(ocilayout_write(layer, "vcbench/wl:0123", out, &e), 0);
    json_object *lay = load(out, "oci-layout");
    assert_string_equal(str_at(lay, NULL, "imageLayoutVersion"), "1.0.0");
    json_object_put(lay);
    json_object *idx = load(out, "index.json"), *mans, *man0;
    assert_true(json_object_object_get_ex(idx, "manifests", &mans));
    assert_int_equal(json_object_array_length(mans), 1);
    man0 = json_object_array_get_idx(mans, 0);
    assert_string_equal(str_at(man0, "annotations", "org.opencontainers.image.ref.name"), "vcbench/wl:0123");
    const char *md = str_at(man0, NULL, "digest");
    json_object *sz;
    assert_true(json_object_object_get_ex(man0, "size", &sz));
    assert_int_equal(blob_check(out, md), json_object_get_int64(sz));
    char mpath[600];
    snprintf(mpath, sizeof mpath, "blobs/sha256/%s", md + 7);
    json_object *man = load(out, mpath), *layers, *l0, *cfgd;
    assert_true(json_object_object_get_ex(man, "config", &cfgd));
    assert_true(json_object_object_get_ex(cfgd, "size", &sz));
    const char *cd = str_at(man, "config", "digest");
    assert_int_equal(blob_check(out, cd), json_object_get_int64(sz));
    assert_true(json_object_object_get_ex(man, "layers", &layers));
    l0 = json_object_array_get_idx(layers, 0);
    assert_true(json_object_object_get_ex(l0, "size", &sz));
    assert_int_equal(json_object_get_int64(sz), 3000);
    const char *ld = str_at(l0, NULL, "digest");
    assert_int_equal(blob_check(out, ld), 3000);
    /* The config's diff_id is the uncompressed layer's digest. */
    snprintf(mpath, sizeof mpath, "blobs/sha256/%s", cd + 7);
    json_object *conf = load(out, mpath), *rootfs, *ids;
    assert_true(json_object_object_get_ex(conf, "rootfs", &rootfs));
    assert_true(json_object_object_get_ex(rootfs, "diff_ids", &ids));
    assert_string_equal(json_object_get_string(json_object_array_get_idx(ids, 0)), ld);
    assert_string_equal(str_at(conf, NULL, "os"), "linux");
    assert_string_equal(str_at(conf, NULL, "architecture"), ocilayout_arch());
    json_object_put(conf);
    json_object_put(man);
    json_object_put(idx);
    /* A layer that is not there is an error, not a layout. */
    assert_int_equal(ocilayout_write("/nonexistent/layer.tar", "x:y", out, &e), -1);
    assert_non_null(strstr(e.msg, "/nonexistent/layer.tar"));
    fs_rm_tree(dir);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(argv_overflow),
        cmocka_unit_test(limits_like_container),
        cmocka_unit_test(run_names),
        cmocka_unit_test(layout),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
