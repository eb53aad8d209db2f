/* The few git config settings the scan needs, read without libgit2.
 *
 * The files are parsed the way git's config.c parses them (sections and
 * keys without case, quoted and escaped values, comments, continuation
 * lines, `key` alone meaning true). Anything this reader does not take on
 * — an include, an [extensions] section, core.bare true, core.worktree, a
 * repository format other than 0, a value it cannot read, a line git would
 * reject, a file it cannot read — sets `unsure`: the caller then leaves the
 * repository to libgit2. */
#ifndef VS_SCAN_GIT_CONFIG_H
#define VS_SCAN_GIT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

struct scan_git_config {
	char *excludes_file; /* core.excludesFile, ~/ expanded; NULL when unset */
	bool icase;          /* core.ignorecase */
	bool unsure;         /* see above */
};

/* Reads the config file `path` over what *cfg holds (a later file wins,
 * as git's levels do). A missing file changes nothing. `home` expands
 * "~/" in paths (NULL: such a path is unsure). */
void scan_git_config_read(struct scan_git_config *cfg, const char *path, const char *home);

/* The same from `len` bytes of text. */
void scan_git_config_parse(struct scan_git_config *cfg, const char *text, size_t len,
			   const char *home);

/* A copy of *from (owning its own strings). */
void scan_git_config_copy(struct scan_git_config *to, const struct scan_git_config *from);

void scan_git_config_clear(struct scan_git_config *cfg);

#endif
