/* Cleaning a shared cache (issue 14), the one workflow both front ends
 * call. act_cache_plan() says how, before anything runs:
 *
 * - by the tool's own command when it is installed: `uv cache clean
 *   --cache-dir PATH`; `python3 -m pip cache purge` (the python3 on PATH,
 *   and only when its `pip cache dir` is this very folder); `conda clean
 *   --all --yes`. The job runs like every other (act_job_run in the CLI,
 *   ui_job_submit in the browser) and its summary says what was freed.
 * - otherwise by removing everything inside the cache folder (the folder
 *   itself stays; poetry's virtualenvs stay) with act_delete_tree, the
 *   walker delete uses: relative to directory fds, never following a
 *   symlink, never leaving the filesystem.
 *
 * A cache folder that is a symlink or a mount point is refused (VS_EUSAGE,
 * the reason in words): it is shown, never cleaned through. */
#ifndef VS_ACTIONS_CACHES_H
#define VS_ACTIONS_CACHES_H

#include <stdbool.h>
#include <stdint.h>

#include "../scan/caches.h"
#include "../util/err.h"
#include "delete.h"
#include "job.h"

struct act_cache_plan {
	struct act_job *job; /* by the tool: the job (owned, ACT_CACHE_CLEAN), else NULL */
	char *how;           /* in words: the command line, or "remove everything in PATH" */
};

/* Plans the cleaning of `c`, measured (scan_cache_measure). Returns 0, or
 * VS_EUSAGE with the reason in err (a symlink, a mount point). */
int act_cache_plan(struct act_cache_plan *out, const struct scan_cache *c, struct vs_err *err);
void act_cache_plan_clear(struct act_cache_plan *p);

/* Removes everything inside the cache folder of `c` but c->skip, with
 * act_delete_tree for each folder (hooks: its progress and error
 * questions; may be NULL). Returns 0 when all of it went, VS_EFAIL with
 * the count left and the first failure in err, VS_EUSAGE when refused. */
int act_cache_remove(const struct scan_cache *c, const struct act_delete_hooks *hooks,
		     struct act_delete_result *res, struct vs_err *err);

/* What cleaning freed, in a sentence: `c` (measured before) is measured
 * again; the freeable blocks that went. Caller frees. */
char *act_cache_freed_text(const struct scan_cache *c);

#endif
