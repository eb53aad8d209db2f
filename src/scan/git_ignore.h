/* Whether git ignores a file, without the index (`git check-ignore -q`). */
#ifndef VS_SCAN_GIT_IGNORE_H
#define VS_SCAN_GIT_IGNORE_H

#include <stdbool.h>

/* Parsed ignore files kept between lookups, by path: a file is parsed
 * again only when its (device, inode, mtime, size) changed. One thread at
 * a time (struct scan_git keeps one for its single git worker). */
struct scan_ign_cache;

struct scan_ign_cache *scan_ign_cache_new(void);
void scan_ign_cache_free(struct scan_ign_cache *c);

/* Where a work tree's ignore rules come from, besides its .gitignore files. */
struct scan_git_excludes {
	const char *workdir;          /* absolute, no trailing slash */
	const char *exclude;          /* $GIT_COMMON_DIR/info/exclude */
	const char *excludes_file;    /* core.excludesFile or git's default, or NULL */
	bool icase;                   /* core.ignorecase */
	struct scan_ign_cache *cache; /* NULL: every file is read and parsed at each call */
};

/* `git check-ignore -q <rel>/pyvenv.cfg` (`rel`: the env's folder relative
 * to the work tree, "" for its top): 1 when ignored, with *rule (the
 * caller's to free) naming the file, line and pattern, e.g.
 * ".gitignore:3: /.venv/"; 0 when not. Ignore files are looked at each
 * call (so changes are seen: stat, and a parse when it changed) through
 * git_files.h: a missing or unreadable one has no rules; one that is not
 * a regular file of sane size (a FIFO, a device, a huge file) gives -1
 * with *problem (the caller's to free), e.g. ".git/info/exclude is not a
 * regular file". */
int scan_git_ignored(const struct scan_git_excludes *e, const char *rel, char **rule, char **problem);

/* The same for any file `path` relative to the work tree (its leading
 * parts are folders, the last one is not): `git check-ignore -q path`. */
int scan_git_path_ignored(const struct scan_git_excludes *e, const char *path, char **rule,
			  char **problem);

#endif
