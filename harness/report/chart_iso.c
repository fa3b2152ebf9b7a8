/* The noisy-neighbour heatmap: one panel per environment, a row per victim
 * (its headline metric), a column per antagonist condition, each cell
 * coloured by the slowdown factor's median and labelled with it. */
#include "report/chartlib.h"
#include "report/iso.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int chart_isolation(FILE *gp, FILE *dat, const struct summary *s, const struct chart_meta *m)
{
    struct iso_grid *g = calloc(1, sizeof *g);
    if (!g)
        return 1;
    iso_grid_build(s, g);
    if (g->nrow == 0 || g->ncol == 0 || g->nenv == 0) {
        free(g);
        return 1;
    }
    double top = 2;
    for (int k = 0; k < g->nenv; k++) {
        fprintf(dat, "# %s: column row slowdown label\n", g->env[k]);
        for (int r = 0; r < g->nrow; r++)
            for (int c = 0; c < g->ncol; c++) {
                double v = g->x[k][r][c];
                if (isnan(v))
                    continue;
                top = fmax(top, v);
                fprintf(dat, "%d %d %.4g \"%.2fx\"\n", c, r, v, v);
            }
        /* A dummy point keeps an environment with no cell a valid block. */
        fprintf(dat, "-10 -10 1 \"\"\n\n\n");
    }
    /* Room for the row labels on the left, the colour bar on the right. */
    int lw = 150, pw = 60 + 70 * g->ncol, w = lw + 110 + g->nenv * pw, h = 230 + 60 * g->nrow;
    if (w < 900)
        w = 900;
    double left = (double)lw / w, right = 1 - 110.0 / w, bottom = 80.0 / h, ceil_ = 1 - 85.0 / h;
    for (int svg = 0; svg < 2; svg++) {
        if (svg)
            fprintf(gp, "set terminal svg size %d,%d font 'DejaVu Sans,11' noenhanced\nset output 'isolation.svg'\n",
                    w, h);
        else
            chart_terminals(gp, "isolation", w, h);
        fputs("set ytics (", gp);
        for (int r = 0; r < g->nrow; r++)
            fprintf(gp, "%s\"%s\" %d", r ? ", " : "", g->row[r], r);
        fputs(")\n", gp);
        if (!svg) {
            fputs("set palette defined (0 '#ffffff', 1 '#fee08b', 2 '#fc8d59', 4 '#d73027')\n", gp);
            fprintf(gp, "set cbrange [1:%.3g]\nset cblabel 'slowdown (x, 1 = as alone)'\n", ceil(top * 2) / 2);
            /* Rows top down in table order. */
            fprintf(gp, "set xrange [-0.5:%d.5]\nset yrange [%d.5:-0.5]\n", g->ncol - 1, g->nrow - 1);
            fputs("set xtics rotate by -30 nomirror\nset tics scale 0\nunset key\n", gp);
            fputs("set style fill solid 1.0 noborder\n", gp);
            fputs("set xtics (", gp);
            for (int c = 0; c < g->ncol; c++)
                fprintf(gp, "%s\"%s\" %d", c ? ", " : "", g->col[c], c);
            fputs(")\n", gp);
        }
        fprintf(gp, "set colorbox user origin screen %.3f, screen 0.25 size screen 0.015, screen 0.5\n", right + 0.02);
        fprintf(gp, "set multiplot layout 1,%d margins %.3f,%.3f,%.3f,%.3f spacing 0.02 title \"Noisy neighbours: "
                    "slowdown beside an antagonist (median; 1 = as alone)\\nhost %s, accelerator %s, %d runs per "
                    "environment; antagonist = name + duty %%\"\n", g->nenv, left, right, bottom, ceil_, m->host, m->accel, g->reps);
        for (int k = 0; k < g->nenv; k++) {
            fprintf(gp, "set title '%s'\n", g->env[k]);
            /* Row labels once, on the first panel; the colour bar once. */
            if (k == 1)
                fputs("unset ytics\n", gp);
            fputs(k + 1 < g->nenv ? "unset colorbox\n" : "set colorbox\n", gp);
            fprintf(gp, "plot 'isolation.dat' index %d using 1:2:(0.49):(0.49):3 with boxxyerror fc palette, \\\n"
                        "     '' index %d using 1:2:4 with labels\n", k, k);
        }
        fputs("unset multiplot\nunset output\n", gp);
    }
    free(g);
    return 0;
}
