/* Helpers shared by every workload: options, failure lines, clocks. */
#include "wl.h"
#include "common/proto.h"
#include "common/units.h"

#include <sched.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

int wl_fail(FILE *out, int code, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "wl: %s\n", msg);
    proto_emit(out, "error", "msg", msg, (char *)NULL);
    return code;
}

int wl_opts_parse(int argc, char **argv, const struct wl_opt *opts, int nopts, FILE *out)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0)
            return wl_fail(out, -1, "unexpected argument '%s'; options are --name value", a);
        const struct wl_opt *o = NULL;
        for (int k = 0; k < nopts; k++)
            if (strcmp(a + 2, opts[k].name) == 0)
                o = &opts[k];
        if (!o)
            return wl_fail(out, -1, "unknown option '%s'; see 'wl --help'", a);
        if (i + 1 >= argc)
            return wl_fail(out, -1, "option '%s' needs a value", a);
        const char *v = argv[++i];
        switch (o->type) {
        case WL_OPT_SIZE:
            if (units_parse_size(v, o->dst) < 0)
                return wl_fail(out, -1, "bad size '%s' for %s; use a number with optional K, M or G", v, a);
            break;
        case WL_OPT_LONG:
            if (units_parse_long(v, o->min, o->max, o->dst) < 0)
                return wl_fail(out, -1, "bad value '%s' for %s; expected an integer in [%ld, %ld]",
                               v, a, o->min, o->max);
            break;
        case WL_OPT_STR:
            *(const char **)o->dst = v;
            break;
        }
    }
    return 0;
}

uint64_t wl_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int wl_ncpus(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return 1;
    int n = CPU_COUNT(&set);
    return n > 0 ? n : 1;
}

void wl_expect(FILE *out, double ms, double fixed_ms)
{
    char a[32], b[32];
    snprintf(a, sizeof a, "%.0f", ms < 1 ? 1 : ms);
    snprintf(b, sizeof b, "%.0f", fixed_ms);
    proto_emit(out, "expect", "ms", a, "fixed_ms", b, (char *)NULL);
}

void wl_param_u64(FILE *out, const char *name, uint64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
    proto_emit(out, "param", name, buf, (char *)NULL);
}

void wl_param_str(FILE *out, const char *name, const char *v)
{
    proto_emit(out, "param", name, v, (char *)NULL);
}
