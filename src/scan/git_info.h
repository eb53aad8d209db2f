/* What pip's Git backend (pip/_internal/vcs/git.py) learns about the folder
 * of an editable install, read with libgit2 instead of running git: is it
 * in a work tree, the remote pip would name, HEAD's commit, and where the
 * Python project sits in the repository. Read-only. */
#ifndef VS_SCAN_GIT_INFO_H
#define VS_SCAN_GIT_INFO_H

#include "../pip/pip.h"

/* Fills `out` for the absolute, normalised folder `location`:
 * - SCAN_VCS_NONE: not in a git work tree (missing folder, no repository,
 *   a bare one, inside .git, or one git would refuse as not owned by us);
 * - SCAN_VCS_GIT_NO_REMOTE: no remote.<name>.url anywhere in its config;
 * - SCAN_VCS_GIT_BAD_REMOTE: the remote (origin first, else the first one
 *   in git config order) is not a URL ("scheme://"), an existing absolute
 *   path (written as a file:// URL) nor scp-like ("user@host:path", written
 *   as ssh://); url holds it as configured;
 * - SCAN_VCS_GIT_NO_COMMIT: HEAD names no commit yet;
 * - SCAN_VCS_GIT: url, commit and subdir (the nearest folder at or above
 *   `location` with pyproject.toml or setup.py, relative to the
 *   repository root; NULL at the root or when none is found, which adds a
 *   sentence to `warn`).
 * Strings in `out` are owned by it (scan_freeze_dist_clear frees them). */
void scan_git_editable(struct scan_vcs_info *out, const char *location, struct scan_msgs *warn);

/* The remote as pip's _git_remote_to_pip_url() rewrites it, or NULL when
 * pip would reject it. Relative paths never exist for pip (it runs in a
 * neutral folder). Caller frees. */
char *scan_git_remote_to_pip_url(const char *url);

#endif
