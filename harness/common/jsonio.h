/* jsonio.h - JSON through json-c (Debian's libjson-c), the one JSON library
 * of the project: run.json, summary.json, the export and OCI config.json
 * are all built as json-c objects and written by jsonio_write, and read
 * back with jsonio_read. These helpers fix the conventions in one place:
 * numbers as %.9g (the precision raw.csv keeps), NaN/inf as null (JSON has
 * no such numbers), '/' unescaped, two-space indentation. */
#ifndef VB_JSONIO_H
#define VB_JSONIO_H

#include "common/err.h"

#include <json-c/json.h>
#include <stdio.h>

/* A number, or null (NULL) when v is not finite. */
json_object *jsonio_num(double v);

/* A string, or null (NULL) when s is NULL. */
json_object *jsonio_str(const char *s);

/* A string array from a NULL-terminated list (n < 0) or n strings. */
json_object *jsonio_strs(const char *const *v, int n);

/* Add key = value to an object (value may be NULL: null). */
void jsonio_add(json_object *obj, const char *key, json_object *value);

/* Write obj and a newline. 0, or -1 on a write error. */
int jsonio_write(FILE *f, json_object *obj);

/* Parse a whole file. NULL with e (VB_EUSAGE) when it cannot be read or
 * is not JSON. */
json_object *jsonio_read(const char *path, struct vb_err *e);

/* Member key of obj as text (a number as written), "" when absent. */
const char *jsonio_get(json_object *obj, const char *key);

/* Member key of obj as an integer, 0 when absent or not a number. */
long long jsonio_get_int(json_object *obj, const char *key);

#endif
