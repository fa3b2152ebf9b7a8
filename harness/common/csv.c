#include "common/csv.h"

#include <stdlib.h>
#include <string.h>

void csv_put(FILE *f, const char *s)
{
    if (!s)
        s = "";
    size_t n = strlen(s);
    int quote = strpbrk(s, ",\"\r\n") != NULL || (n && (s[0] == ' ' || s[n - 1] == ' '));
    if (!quote) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

void csv_row_fields(FILE *f, const char *const *fields, int n)
{
    for (int i = 0; i < n; i++) {
        if (i)
            fputc(',', f);
        csv_put(f, fields[i]);
    }
}

int csv_row(FILE *f, const char *const *fields, int n)
{
    csv_row_fields(f, fields, n);
    fputc('\n', f);
    return ferror(f) ? -1 : 0;
}

/* Quotes in s[0..n): an odd count leaves a quoted field open. */
static int quotes_odd(const char *s, size_t n)
{
    int odd = 0;
    for (size_t i = 0; i < n; i++)
        odd ^= s[i] == '"';
    return odd;
}

long csv_read_record(FILE *f, char **buf, size_t *cap, int *ended, int *lines)
{
    char *line = NULL;
    size_t lcap = 0, len = 0;
    ssize_t n;
    int open = 0;
    *ended = 0;
    while ((n = getline(&line, &lcap, f)) > 0) {
        (*lines)++;
        if (len + (size_t)n + 1 > *cap) {
            size_t nc = (len + (size_t)n + 1) * 2;
            char *nb = realloc(*buf, nc);
            if (!nb)
                break;
            *buf = nb;
            *cap = nc;
        }
        memcpy(*buf + len, line, (size_t)n);
        open ^= quotes_odd(line, (size_t)n);
        len += (size_t)n;
        (*buf)[len] = '\0';
        if (!open)
            break;
    }
    free(line);
    if (len == 0)
        return -1;
    if ((*buf)[len - 1] == '\n') {
        (*buf)[--len] = '\0';
        *ended = !open;        /* a quote still open: the file ended mid-record */
    }
    return (long)len;
}

int csv_split(char *line, char **fields, int max)
{
    size_t len = strlen(line);
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        line[--len] = '\0';
    int n = 0;
    char *p = line;
    for (;;) {
        if (n == max)
            return -1;
        if (*p == '"') {
            char *out = ++p;
            fields[n++] = out;
            for (;;) {
                if (*p == '\0')
                    return -1;                 /* unterminated quote */
                if (*p == '"') {
                    if (p[1] == '"') {
                        *out++ = '"';
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                *out++ = *p++;
            }
            *out = '\0';
            if (*p == '\0')
                return n;
            if (*p != ',')
                return -1;                     /* text after closing quote */
            p++;
        } else {
            fields[n++] = p;
            char *c = strchr(p, ',');
            if (memchr(p, '"', c ? (size_t)(c - p) : strlen(p)))
                return -1;                     /* stray quote in a bare field */
            if (!c)
                return n;
            *c = '\0';
            p = c + 1;
        }
    }
}
