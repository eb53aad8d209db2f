/* The fix for an env git would commit (the `I` key, `venvscope gitignore`):
 *
 * not-ignored: add a line for the env's folder ("/.venv/", relative to the
 * repository root) to the repository's top-level .gitignore, creating it if
 * needed and keeping its content and line endings (written atomically); or,
 * with `inner`, write a .gitignore holding "*" inside the env (what Python
 * 3.13's venv does).
 * tracked: first remove the env's paths from the index only (the files stay
 * on disk; `git rm -r --cached` through libgit2), then add the ignore line.
 * A commit is still needed afterwards. */
#ifndef VS_ACTIONS_GITIGNORE_H
#define VS_ACTIONS_GITIGNORE_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/err.h"

struct act_gitignore_plan {
	char *repo;       /* work tree root */
	char *file;       /* the .gitignore that will be written (absolute) */
	char *line;       /* the line that will be added, e.g. "/.venv/" ("*" for inner) */
	bool untrack;     /* the env's files are in the index and will be removed from it */
	size_t n_tracked; /* how many index entries are under the env */
};

/* Works out what the fix would do for the env at `env_path` (nothing is
 * written). VS_EUSAGE with a sentence when there is nothing to fix (not in
 * a repository, already ignored and not tracked). */
int act_gitignore_plan(struct act_gitignore_plan *out, const char *env_path, bool inner,
		       struct vs_err *err);

/* Carries the plan out. Returns 0, or VS_EFAIL with the path and reason. */
int act_gitignore_apply(const struct act_gitignore_plan *plan, const char *env_path,
			struct vs_err *err);

void act_gitignore_plan_clear(struct act_gitignore_plan *p);

#endif
