/* libFuzzer: run.json read back through json-c into the typed model, and
 * written again: the fields that come back are what went in. */
#include "run/meta.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
    char *s = malloc(n + 1);
    if (!s)
        return 0;
    memcpy(s, data, n);
    s[n] = '\0';
    struct run_meta m, m2;
    struct vb_err e = { 0 };
    if (meta_parse(s, "fuzz", &m, &e) == 0) {
        json_object *o = meta_json(&m);
        const char *text = json_object_to_json_string(o);
        if (meta_parse(text, "again", &m2, &e) != 0 || strcmp(m.run_id, m2.run_id) != 0 || m.runs != m2.runs ||
            m.nwl != m2.nwl || m.nenv != m2.nenv || m.mem_mib != m2.mem_mib)
            abort();
        json_object_put(o);
    } else if (e.code != VB_EUSAGE) {
        abort();
    }
    free(s);
    return 0;
}
