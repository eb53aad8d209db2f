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
 * (pipx_metadata.json) lives inside the env and goes with it. */
#ifndef VS_ACTIONS_MANAGER_H
#define VS_ACTIONS_MANAGER_H

#include "../scan/venv.h"
#include "../util/vec.h"

/* For a pipx env `v` (manager pipx, not the shared env): unlinks the app
 * links pointing into it and appends each removed link's path to
 * `removed` (a vector owning strings). `home` may be NULL. Returns how
 * many went. */
size_t act_manager_tidy(const struct venv *v, const char *home, struct vs_vec *removed);

#endif
