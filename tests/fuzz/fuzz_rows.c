/* libFuzzer: raw.csv read back (CSV records across lines, name checks,
 * numbers). Whatever loads must hold only names raw_name_ok accepts. */
#include "common/raw.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
    FILE *f = fmemopen((void *)data, n, "r");
    if (!f)
        return 0;
    struct rows r;
    struct vb_err e = { 0 };
    if (rows_read(f, "fuzz", &r, &e) == 0) {
        for (int i = 0; i < r.n; i++)
            if (!raw_name_ok(r.v[i].env, sizeof r.v[i].env, 0) || !raw_name_ok(r.v[i].metric, sizeof r.v[i].metric, 0))
                abort();
        rows_free(&r);
    } else if (!e.msg[0] || e.code == 0) {
        abort();                          /* a failure always says why */
    }
    fclose(f);
    return 0;
}
