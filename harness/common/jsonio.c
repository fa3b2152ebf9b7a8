#include "common/jsonio.h"

#include <math.h>
#include <string.h>

json_object *jsonio_num(double v)
{
    if (!isfinite(v))
        return NULL;
    char buf[32];
    snprintf(buf, sizeof buf, "%.9g", v);
    return json_object_new_double_s(v, buf);
}

json_object *jsonio_str(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

json_object *jsonio_strs(const char *const *v, int n)
{
    json_object *a = json_object_new_array();
    for (int i = 0; n < 0 ? v[i] != NULL : i < n; i++)
        json_object_array_add(a, json_object_new_string(v[i]));
    return a;
}

void jsonio_add(json_object *obj, const char *key, json_object *value)
{
    json_object_object_add(obj, key, value);
}

int jsonio_write(FILE *f, json_object *obj)
{
    const char *s = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                            JSON_C_TO_STRING_NOSLASHESCAPE);
    if (!s || fputs(s, f) < 0 || fputc('\n', f) < 0)
        return -1;
    return ferror(f) ? -1 : 0;
}

json_object *jsonio_read(const char *path, struct vb_err *e)
{
    json_object *o = json_object_from_file(path);
    if (!o) {
        /* json-c's own message ends in a newline and may not name the file. */
        const char *why = json_util_get_last_err();
        vb_errf(e, VB_EUSAGE, "%s is not readable JSON (%.*s)", path, why ? (int)strcspn(why, "\n") : 7,
                why ? why : "unknown");
    }
    return o;
}

const char *jsonio_get(json_object *obj, const char *key)
{
    json_object *v;
    if (!obj || !json_object_object_get_ex(obj, key, &v) || !v)
        return "";
    return json_object_get_type(v) == json_type_string ? json_object_get_string(v) : json_object_to_json_string(v);
}

long long jsonio_get_int(json_object *obj, const char *key)
{
    json_object *v;
    if (!obj || !json_object_object_get_ex(obj, key, &v) || !v)
        return 0;
    return (long long)json_object_get_int64(v);
}
