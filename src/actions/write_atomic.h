/* Replacing a file so that it is never half-written and never lost: the
 * new bytes go to a temporary file in the same folder, which then takes
 * the target's name in one rename().
 *
 * act_write_atomic(path, data, len, flags, &err):
 *   1. opens the folder of `path`; the target must be absent or a regular
 *      file (a folder, a symbolic link - wherever it points - or a device
 *      is refused with a sentence, and nothing is touched);
 *   2. creates ".<name>.<random>.tmp" there with O_CREAT|O_EXCL|O_NOFOLLOW,
 *      writes everything, gives it the old file's mode (and owner, when we
 *      may), fsync()s it;
 *   3. rename()s it over the target and fsync()s the folder.
 * On any failure the temporary file is removed and the old file is left
 * exactly as it was; `err` names the path and the reason in words
 * (read-only folder, disk full, ...).
 *
 * Thread-safe; never follows a symlink at the last path component. Does
 * not print. */
#ifndef VS_ACTIONS_WRITE_ATOMIC_H
#define VS_ACTIONS_WRITE_ATOMIC_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/err.h"

enum {
	/* Leave the file alone when it already holds exactly `data`. */
	ACT_WRITE_IF_CHANGED = 1 << 0,
};

enum act_write_result {
	ACT_WRITE_WRITTEN = 0,   /* the file now holds `data` */
	ACT_WRITE_UNCHANGED = 1, /* ACT_WRITE_IF_CHANGED and it already did: nothing written */
};

/* Returns ACT_WRITE_WRITTEN or ACT_WRITE_UNCHANGED (both >= 0), or
 * VS_EFAIL with `err` set. New files get mode 0666 minus the umask. */
int act_write_atomic(const char *path, const void *data, size_t len, unsigned flags,
		     struct vs_err *err);

/* Whether `path` is a regular file (not a symlink) holding exactly
 * data[0..len). False when it is absent or cannot be read. */
bool act_file_holds(const char *path, const void *data, size_t len);

#endif
