/* export.h - `--export-json FILE`: everything about a run in one JSON
 * document (schema vcbench-export-1): run.json, the summary and every raw
 * row, for tools that want one file. */
#ifndef VB_EXPORT_H
#define VB_EXPORT_H

#include "analysis/results.h"
#include "common/err.h"

/* Write the export of r to path atomically. 0 or -1 with e. */
int export_json(const struct results *r, const char *path, struct vb_err *e);

#endif
