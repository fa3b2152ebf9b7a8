/* mdlib.h - what the parts of REPORT.md share (mdreport.c, mdcost.c):
 * safe Markdown text, numbers, figures. */
#ifndef VB_MDLIB_H
#define VB_MDLIB_H

#include "analysis/results.h"

#include <stdio.h>

/* Free text made safe for a Markdown table cell or line (markup escaped,
 * control bytes as spaces), in one of 16 rotating buffers. */
const char *md(const char *s);

/* A number as a table shows it: "-" for NaN, whole from 100 up, else
 * three significant digits. */
void md_num(char *out, size_t n, double v);

/* "12.3 [11.9 - 12.8]": a series' median and its bootstrap CI; "-" when
 * it is missing. */
void md_ci_cell(char *out, size_t n, const struct summ_group *x);

/* The figure <dir>/plots/<name>.png with its caption and SVG link, when
 * the PNG exists. */
void md_figure(FILE *f, const char *dir, const char *name, const char *caption);

/* "What an instance costs": the footprint and density workloads' section,
 * nothing when the run has neither. */
void mdcost_write(FILE *f, const struct results *r);

/* "How isolated is it?": the audit table and the noisy-neighbour results,
 * nothing when the run has neither. */
void mdiso_write(FILE *f, const struct results *r);

#endif
