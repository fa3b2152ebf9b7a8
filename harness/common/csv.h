/* csv.h - RFC 4180 CSV: quoting writer and an in-place line splitter. */
#ifndef VB_CSV_H
#define VB_CSV_H

#include <stdio.h>

/* Write one field, quoted when it holds a comma, quote, CR/LF or leading or
 * trailing space; quotes are doubled. */
void csv_put(FILE *f, const char *s);

/* Write n fields and a newline. Returns 0 or -1 on a write error. */
int csv_row(FILE *f, const char *const *fields, int n);

/* Split one line (no embedded newlines; trailing \r\n removed) in place into
 * at most max fields. Returns the number of fields, or -1 when the line is
 * malformed (unterminated quote, text after a closing quote, too many). */
int csv_split(char *line, char **fields, int max);

#endif
