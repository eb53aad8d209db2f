/* Where a freeze goes, and whether the user must say yes first.
 *
 * The default target is <project>/requirements.txt (environment.yml for a
 * conda env: venv_freeze_file). Writing there needs a
 * confirmation when the project is not the env's own parent folder (a
 * .project pointing elsewhere: another project's file) or when a file is
 * there whose content differs. The same content: nothing is written.
 * act_freeze_out_write() keeps a differing old file as FILE~ before it
 * replaces FILE (both atomically, actions/write_atomic.h).
 *
 * Order: act_freeze_out_plan(), ask when act_freeze_out_needs_yes(), then
 * act_freeze_out_write(); act_freeze_out_clear() at the end. */
#ifndef VS_ACTIONS_FREEZE_OUT_H
#define VS_ACTIONS_FREEZE_OUT_H

#include <stdbool.h>
#include <stddef.h>

#include "../scan/venv.h"
#include "../util/err.h"

struct act_freeze_out {
	char *path;    /* the file (owned) */
	char *project; /* a project other than the env's parent folder, or NULL (owned) */
	bool exists;   /* a file is there */
	bool same;     /* and it already holds the freeze: nothing to do */
	char *old;     /* its content when it differs (owned), else NULL */
	size_t old_len;
};

/* Plans writing `text` for `v` to `output` (NULL: the default target).
 * Returns 0; VS_EUSAGE when there is no default target (no project
 * folder: "say where with -o"); VS_EFAIL when the file there cannot be
 * read or is not a regular file; `out` is then empty (nothing to clear). */
int act_freeze_out_plan(struct act_freeze_out *out, const struct venv *v, const char *output,
			const char *text, size_t len, struct vs_err *err);

/* Where to propose writing the freeze of `v` when it has no project
 * (v->project NULL): <folder>/requirements.txt for the folder the env
 * lies directly in, when the env is named .venv, venv or env or that
 * folder is `start` (where the browser or the command was started), and
 * the folder is neither `home`, "/" nor a central folder; else
 * <env>/requirements.txt (environment.yml for a conda env: venv_freeze_file). Never a central folder
 * such as ~/venvs: that is nobody's project. Caller frees. */
char *act_freeze_out_proposal(const struct venv *v, const char *start, const char *home);

/* Another project's folder, or a file whose content differs. */
bool act_freeze_out_needs_yes(const struct act_freeze_out *o);

/* Writes `text` (unless the file is the same): a differing old file is
 * first kept as PATH~. Returns 0 or VS_EFAIL (nothing replaced). */
int act_freeze_out_write(const struct act_freeze_out *o, const char *text, size_t len,
			 struct vs_err *err);

void act_freeze_out_clear(struct act_freeze_out *o);

#endif
