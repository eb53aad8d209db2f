/* The browser's remembered settings: the theme (T), the sort (s, S) and
 * the size mode (a) the user last chose, kept in the state file
 * ($XDG_STATE_HOME/venvscope/state, cli/config.h reads it), never in the
 * user's config file. */
#ifndef VS_ACTIONS_STATE_H
#define VS_ACTIONS_STATE_H

#include <stddef.h>

#include "../util/err.h"

/* Sets `keys[i] = values[i]` (i < n) in the state file at `path`: a line
 * of that key is replaced, a key not there yet is added, every other line
 * is kept as it was. The folder is made (0700) when missing; the file is
 * replaced atomically (write_atomic.h), so it is never half-written.
 * Returns 0, or VS_EFAIL with "PATH: REASON" in err (a state file that is
 * not a regular file, or holds more than 64 KiB, is refused, not replaced). */
int act_state_save(const char *path, const char *const *keys, const char *const *values, size_t n,
		   struct vs_err *err);

#endif
