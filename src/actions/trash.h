/* Moving an environment to the freedesktop.org trash instead of deleting
 * it (the Trash specification 1.0): $XDG_DATA_HOME/Trash (default
 * ~/.local/share/Trash) when the env is on the home filesystem, else
 * $topdir/.Trash/$uid (when .Trash exists, is a real folder with the sticky
 * bit) or $topdir/.Trash-$uid, topdir being the env's mount point.
 * info/NAME.trashinfo is written first with O_EXCL ("[Trash Info]",
 * "Path=" percent-encoded, "DeletionDate=" local time YYYY-MM-DDThh:mm:ss),
 * then the env is renamed into files/NAME; a clash picks NAME.2, NAME.3...;
 * NAME is the env's folder name, cut to fit (with a hash of its path) when
 * it is too long for the ".N.trashinfo" that follows it;
 * if the rename fails the .trashinfo is removed. Never copies across
 * filesystems: a trash on another filesystem is refused with a reason. */
#ifndef VS_ACTIONS_TRASH_H
#define VS_ACTIONS_TRASH_H

#include "../scan/venv.h"
#include "../util/err.h"

/* Checks `v` with act_delete_check() first (same refusals as delete), then
 * moves it to the trash. Returns 0 with the new path in *out_path (owned),
 * or a negative code with the reason. `home` may be NULL. */
int act_trash(char **out_path, const struct venv *v, const char *home, struct vs_err *err);

/* act_trash() for an env moved aside from the path it had (a rebuild):
 * the trash says it came from `was` (absolute), under that folder name,
 * so restoring it puts it back there. `was` NULL: v->path. */
int act_trash_as(char **out_path, const struct venv *v, const char *home, const char *was,
		 struct vs_err *err);

/* "Path=" value encoding: every byte outside A-Z a-z 0-9 - . _ ~ / becomes
 * %XX (upper-case hex). Caller frees. */
char *act_trash_encode_path(const char *path);

#endif
