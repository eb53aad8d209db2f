/* Whether git ignores a file, without the index (`git check-ignore -q`). */
#ifndef VS_SCAN_GIT_IGNORE_H
#define VS_SCAN_GIT_IGNORE_H

#include <stdbool.h>

/* Where a work tree's ignore rules come from, besides its .gitignore files. */
struct scan_git_excludes {
	const char *workdir;       /* absolute, no trailing slash */
	const char *exclude;       /* $GIT_COMMON_DIR/info/exclude */
	const char *excludes_file; /* core.excludesFile or git's default, or NULL */
	bool icase;                /* core.ignorecase */
};

/* `git check-ignore -q <rel>/pyvenv.cfg` (`rel`: the env's folder relative
 * to the work tree, "" for its top): 1 when ignored, with *rule (the
 * caller's to free) naming the file, line and pattern, e.g.
 * ".gitignore:3: /.venv/"; 0 when not. Ignore files are read at each call
 * (so changes are seen) through git_files.h: a missing or unreadable one
 * has no rules; one that is not a regular file of sane size (a FIFO, a
 * device, a huge file) gives -1 with *problem (the caller's to free),
 * e.g. ".git/info/exclude is not a regular file". */
int scan_git_ignored(const struct scan_git_excludes *e, const char *rel, char **rule, char **problem);

#endif
