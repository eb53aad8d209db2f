/* What a tool that owns an env keeps outside it, tidied after the env is
 * deleted (act_remove calls this; nothing here deletes an env).
 *
 * pipx: the app links in its bin folder ($PIPX_BIN_DIR, else ~/.local/bin)
 * and, for pipx 1.2+, its man folder ($PIPX_MAN_DIR, else
 * ~/.local/share/man, section folders man1..man9) point into the app's
 * env; `pipx uninstall` removes them. After a delete they would dangle, so
 * every symbolic link there whose target (made absolute against the link's
 * folder) lies inside the env is unlinked. Nothing that is not a symbolic
 * link into the env is touched; each folder is opened with O_NOFOLLOW and
 * each link removed relative to it (unlinkat). pipx's own metadata
 * (pipx_metadata.json) lives inside the env and goes with it.
 *
 * poetry: an env in poetry's virtualenvs folder is named
 * <base>-py<minor>; envs.toml in that folder may hold a section [<base>]
 * with `minor = "<minor>"`, the Python `poetry env use` chose for the
 * project. `poetry env remove` deletes that section when its minor is the
 * env's; so does this (the file rewritten atomically, every other line
 * kept as it was), so poetry does not point at an env that is gone.
 *
 * conda, mamba, micromamba: ~/.conda/environments.txt lists the prefixes
 * conda made, one a line; `conda env remove` drops the env's line. So does
 * this: each line that is exactly the env's path (a trailing \r or blanks
 * allowed) goes, the file rewritten atomically, every other byte kept.
 *
 * pipenv keeps no pointer outside the env (its env name is derived from
 * the project path; the `.project` file inside the env goes with it): the
 * next `pipenv install` in the project makes a new env. */
#ifndef VS_ACTIONS_MANAGER_H
#define VS_ACTIONS_MANAGER_H

#include "../scan/venv.h"
#include "../util/vec.h"

/* After `v` was deleted: for a pipx env (not the shared one) unlinks the
 * app links pointing into it; for a poetry env removes its envs.toml
 * section; for a conda env drops its environments.txt line. Appends a sentence for each thing done to
 * `done` (a vector owning strings). `home` may be NULL. Returns how many. */
size_t act_manager_tidy(const struct venv *v, const char *home, struct vs_vec *done);

#endif
