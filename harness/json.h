/* json.h - the little JSON writing vcbench needs: escaped strings. */
#ifndef VB_JSON_H
#define VB_JSON_H

#include <stdio.h>

/* Write s as a JSON string literal, quotes included. NULL writes null. */
void json_str(FILE *f, const char *s);

/* Write "key": "value" (value escaped), with a leading comma unless first. */
void json_kv(FILE *f, int first, const char *key, const char *value);

/* Write a number, or null for NaN/inf (JSON has no such numbers). */
void json_num(FILE *f, double v);

#endif
