#include "common/csv.h"

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

int csv_row(FILE *f, const char *const *fields, int n)
{
    for (int i = 0; i < n; i++) {
        if (i)
            fputc(',', f);
        csv_put(f, fields[i]);
    }
    fputc('\n', f);
    return ferror(f) ? -1 : 0;
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
