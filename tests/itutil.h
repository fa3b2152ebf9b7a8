/* itutil.h - what integration tests share: collecting the protocol lines an
 * environment instance sends, and the checksum native wl computes. */
#ifndef VB_ITUTIL_H
#define VB_ITUTIL_H

#include "testutil.h"
#include "env/env.h"
#include "common/io.h"
#include "common/proto.h"

/* What the stream said. */
struct seen {
    char pid[16], cpus[16], hostname[64], status[16], crc[16], netns[64], ifaces[128];
    int lines;
};

static inline int seen_line(void *arg, const char *line, uint64_t t)
{
    (void)t;
    struct seen *s = arg;
    struct proto_line pl;
    if (proto_parse(line, &pl) != 1)
        return 0;
    s->lines++;
    const char *v;
#define SEEN_GET(f) snprintf(s->f, sizeof s->f, "%s", (v = proto_get(&pl, #f)) ? v : "")
    if (!strcmp(pl.kind, "info")) {
        SEEN_GET(pid);
        SEEN_GET(cpus);
        SEEN_GET(hostname);
        SEEN_GET(netns);
        SEEN_GET(ifaces);
#undef SEEN_GET
    } else if (!strcmp(pl.kind, "check") && (v = proto_get(&pl, "name")) && !strcmp(v, "int_crc32")) {
        snprintf(s->crc, sizeof s->crc, "%s", proto_get(&pl, "value"));
    } else if (!strcmp(pl.kind, "end")) {
        snprintf(s->status, sizeof s->status, "%s", proto_get(&pl, "status"));
        return 1;
    }
    return 0;
}

/* Launch job in env, read its stream to the end, wait and stop it.
 * Returns wl's status (0 ok, -1 killed). */
static inline int it_run(const struct env_ops *env, void *state, const struct env_job *job, struct seen *s,
                         struct env_inst *inst)
{
    struct vb_err e = { 0 };
    *inst = (struct env_inst){ .fd = -1 };
    if (env->launch(state, job, inst, &e) < 0)
        fail_msg("%s launch: %s", env->name, e.msg);
    if (io_read_lines(inst->fd, &(uint64_t){ io_now_ns() + 120000000000ull }, seen_line, s, &e) < 0)
        fail_msg("%s read: %s", env->name, e.msg);
    int status = -2;
    if (env->wait(state, inst, &status, &e) < 0)
        fail_msg("%s wait: %s", env->name, e.msg);
    env->stop(state, inst);
    return status;
}

/* int_crc32 of `wl cpu <args>` run natively, for comparison. */
static inline void it_native_crc(const char *wl, const char *args, char *out, size_t n)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "%s cpu %s | sed -n 's/.*name=int_crc32 value=\\([0-9a-f]*\\).*/\\1/p'", wl, args);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    assert_non_null(fgets(out, (int)n, p));
    pclose(p);
    out[strcspn(out, "\n")] = '\0';
}

#endif
