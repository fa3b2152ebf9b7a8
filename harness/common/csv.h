/* csv.h - RFC 4180 CSV: quoting writer and an in-place line splitter. */
#ifndef VB_CSV_H
#define VB_CSV_H

#include <stdio.h>

/* Write one field, quoted when it holds a comma, quote, CR/LF or leading or
 * trailing space; quotes are doubled. */
void csv_put(FILE *f, const char *s);

/* Write n fields and a newline. Returns 0 or -1 on a write error. */
int csv_row(FILE *f, const char *const *fields, int n);

/* Write n fields, comma separated, without the newline (a row goes on). */
void csv_row_fields(FILE *f, const char *const *fields, int n);

/* Read one record: a line, and the lines after it while a quoted field
 * is open (a quoted field may hold newlines); buf and cap as for getline.
 * Returns its length with the final newline removed (*ended = 1 when a
 * newline ended it, 0 when the file ends without one), or -1 at the end of
 * the file. *lines counts the physical lines read. */
long csv_read_record(FILE *f, char **buf, size_t *cap, int *ended, int *lines);

/* Split one record (trailing \r\n removed) in place into at most max
 * fields. Returns the number of fields, or -1 when the record is malformed
 * (unterminated quote, text after a closing quote, too many). */
int csv_split(char *line, char **fields, int max);

#endif
