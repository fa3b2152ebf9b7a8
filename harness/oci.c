#include "oci.h"
#include "json.h"

#include <inttypes.h>

const char *const oci_default_caps[] = {
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
    "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
    "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE", NULL,
};

static void str_array(FILE *f, const char *const *v)
{
    fputc('[', f);
    for (int i = 0; v[i]; i++) {
        if (i)
            fputs(", ", f);
        json_str(f, v[i]);
    }
    fputc(']', f);
}

int oci_config_write(FILE *f, const struct oci_spec *s)
{
    static const char *const env[] = { "PATH=/", "HOME=/", NULL };
    static const char *const masked[] = { "/proc/kcore", "/proc/keys", "/proc/timer_list",
                                          "/proc/sched_debug", "/sys/firmware", NULL };
    static const char *const ro[] = { "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                      "/proc/sysrq-trigger", NULL };
    fprintf(f, "{\n  \"ociVersion\": \"1.0.2\",\n  \"process\": {\n    \"terminal\": false,\n"
               "    \"user\": { \"uid\": 0, \"gid\": 0 },\n    \"args\": ");
    str_array(f, s->args);
    fprintf(f, ",\n    \"env\": ");
    str_array(f, env);
    fprintf(f, ",\n    \"cwd\": \"/\",\n    \"capabilities\": {\n");
    const char *sets[] = { "bounding", "effective", "permitted" };
    for (int i = 0; i < 3; i++) {
        fprintf(f, "      \"%s\": ", sets[i]);
        str_array(f, oci_default_caps);
        fprintf(f, "%s\n", i < 2 ? "," : "");
    }
    fprintf(f, "    },\n    \"noNewPrivileges\": true\n  },\n  \"root\": { \"path\": ");
    json_str(f, s->rootfs);
    fprintf(f, ", \"readonly\": true },\n  \"hostname\": \"vcbench\",\n  \"mounts\": [\n"
               "    { \"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\" },\n"
               "    { \"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\",\n"
               "      \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"] },\n"
               "    { \"destination\": \"/tmp\", \"type\": \"tmpfs\", \"source\": \"tmpfs\",\n"
               "      \"options\": [\"nosuid\", \"nodev\", \"mode=1777\"] }");
    if (s->disk) {
        fprintf(f, ",\n    { \"destination\": \"/mnt/disk\", \"type\": \"bind\", \"source\": ");
        json_str(f, s->disk);
        fprintf(f, ",\n      \"options\": [\"bind\", \"rw\"] }");
    }
    fprintf(f, "\n  ],\n  \"linux\": {\n");
    if (s->cgroups_path) {
        fprintf(f, "    \"cgroupsPath\": ");
        json_str(f, s->cgroups_path);
        fprintf(f, ",\n");
    }
    fprintf(f, "    \"resources\": {\n      \"devices\": [{ \"allow\": false, \"access\": \"rwm\" }]");
    if (s->cpus || s->quota_us) {
        fprintf(f, ",\n      \"cpu\": {");
        const char *sep = " ";
        if (s->cpus) {
            fprintf(f, "%s\"cpus\": ", sep);
            json_str(f, s->cpus);
            fprintf(f, ", \"mems\": ");
            json_str(f, s->mems ? s->mems : "0");
            sep = ", ";
        }
        if (s->quota_us)
            fprintf(f, "%s\"quota\": %ld, \"period\": %ld", sep, s->quota_us,
                    s->period_us ? s->period_us : 100000);
        fprintf(f, " }");
    }
    if (s->mem_bytes)
        fprintf(f, ",\n      \"memory\": { \"limit\": %" PRIu64 " }", s->mem_bytes);
    fprintf(f, "\n    },\n    \"namespaces\": [\n"
               "      { \"type\": \"pid\" }, { \"type\": \"network\" }, { \"type\": \"ipc\" },\n"
               "      { \"type\": \"uts\" }, { \"type\": \"mount\" }, { \"type\": \"cgroup\" }\n"
               "    ],\n    \"maskedPaths\": ");
    str_array(f, masked);
    fprintf(f, ",\n    \"readonlyPaths\": ");
    str_array(f, ro);
    fprintf(f, "\n  }\n}\n");
    return ferror(f) ? -1 : 0;
}
