/* Private to src/actions/: helpers the job modules share. */
#ifndef VS_ACTIONS_JOB_INTERNAL_H
#define VS_ACTIONS_JOB_INTERNAL_H

#include <stddef.h>

#include "job.h"

/* Appends a copy of `s` to j->argv (kept NULL-terminated); *n counts. */
void act_argv_add(struct act_job *j, size_t *n, const char *s);

#endif
