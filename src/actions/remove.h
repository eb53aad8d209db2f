/* Removing an environment, the one workflow both front ends call: check it
 * (act_delete_check), keep its recipe (act_record_write), then move it to
 * the trash (act_trash) or delete it (act_delete) with progress. The front
 * end only asks the user (before, and through the hooks while deleting)
 * and shows the result.
 *
 * Also here: removing what a failed create left behind, with the same
 * walker (act_delete_tree). */
#ifndef VS_ACTIONS_REMOVE_H
#define VS_ACTIONS_REMOVE_H

#include <stdbool.h>

#include "../scan/venv.h"
#include "../util/err.h"
#include "../util/vec.h"
#include "delete.h"

struct act_remove_result {
	char *record;                 /* the record folder kept (owned), or NULL */
	bool record_reused;           /* it was kept by an earlier attempt */
	char *trashed;                /* trash: where the env is now (owned), or NULL */
	struct act_delete_result del; /* delete: what went and what stayed */
	struct vs_vec links;          /* what was tidied for its manager, in sentences (manager.h) */
};

/* Removes `v`: refuses (VS_EUSAGE, nothing touched) what act_delete_check
 * refuses; fails (VS_EFAIL, nothing touched) when the recipe cannot be
 * kept, with "PATH: not deleted, its recipe could not be kept: REASON" in
 * err; then trashes (`trash`) or deletes it. The record is the one an
 * earlier, unfinished attempt on the same env kept, when there is one
 * (act_record_begin); a failed attempt that removed nothing leaves no new
 * record. An env removed meanwhile by another delete (ENOENT) counts as
 * removed when its record is there. `hooks` (may be NULL) get the
 * delete's progress and its error questions (skip / skip all / abort), on
 * the calling thread; a trash is one rename and reports nothing. `home`
 * may be NULL. Returns 0 when the env is gone; *out is filled either way
 * (act_remove_result_clear). A pipx app deleted (not trashed: restored
 * from the trash its links work again) takes its app links with it, a
 * poetry env its envs.toml entry (act_manager_tidy; out->links says
 * what was done). */
int act_remove(struct act_remove_result *out, const struct venv *v, bool trash, const char *home,
	       const struct act_delete_hooks *hooks, struct vs_err *err);
void act_remove_result_clear(struct act_remove_result *r);

#endif
