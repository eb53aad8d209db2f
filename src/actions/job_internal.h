/* Private to src/actions/: helpers the job modules share. */
#ifndef VS_ACTIONS_JOB_INTERNAL_H
#define VS_ACTIONS_JOB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "job.h"

/* Appends a copy of `s` to j->argv (kept NULL-terminated); *n counts. */
void act_argv_add(struct act_job *j, size_t *n, const char *s);

/* The lines of the child's output that start with `prefix`, joined with
 * " / " ("" when none); prefix NULL: the last non-empty line. Owned. */
char *act_job_lines(const struct act_job *j, const char *prefix);

/* rebuild.c's part of act_job_finish and act_job_free. */
int act_rebuild_begin(struct act_job *j, struct vs_err *err);
int act_rebuild_finish(struct act_job *j, int status, bool cancelled, struct vs_err *err);
void act_rebuild_free(struct act_rebuild *r);

#endif
