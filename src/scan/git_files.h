/* The files git reads for a repository, checked before anyone reads them.
 *
 * libgit2 stat()s a file, then open()s it without O_NONBLOCK and reads
 * st_size bytes into memory: a FIFO hangs it, a huge file takes as much
 * memory. So before a repository is handed to libgit2 (and before
 * git_ignore.c reads an ignore file) each file it will open is checked
 * here: absent, or a regular file no larger than its cap. Anything else
 * means git is skipped for that env, with a sentence saying why. */
#ifndef VS_SCAN_GIT_FILES_H
#define VS_SCAN_GIT_FILES_H

#include <stdbool.h>
#include <stddef.h>

/* Caps. Config, ignore and link files are written by people and hold a
 * few lines: 16 MiB is far beyond any real one. The index holds ~100
 * bytes a tracked file and libgit2 keeps it whole in memory: 256 MiB is
 * an index of some 2.5 million files, more than the largest monorepos
 * git serves without a virtual filesystem. */
#define SCAN_GIT_TEXT_MAX ((size_t)16 << 20)
#define SCAN_GIT_INDEX_MAX ((size_t)256 << 20)

/* NULL when `path` is absent or a regular file (stat follows links, as
 * libgit2 does) of at most `max` bytes; else why not, as a sentence
 * naming `shown`, e.g. ".git/info/exclude is not a regular file" (the
 * caller's to free). A file stat cannot look at (EACCES) passes: it
 * cannot be opened either, so it cannot hang. */
char *scan_git_file_problem(const char *path, const char *shown, size_t max);

/* Reads `path` whole through vs_read_fd (O_NONBLOCK, O_NOFOLLOW when
 * `nofollow`): 0 with *out (the caller's to free) and *len; 1 when there
 * is nothing to read (absent, unreadable, or a link when `nofollow`);
 * -1 when it is not a regular file or is over `max`, with *problem (a
 * sentence naming `shown`, the caller's to free). */
int scan_git_read_file(const char *path, const char *shown, bool nofollow, size_t max, char **out,
		       size_t *len, char **problem);

/* Checks a config file and, first, every file its include.path and
 * includeIf.*.path lines may name (libgit2 reads them while it parses,
 * before venvscope could ask it what they are), to a depth of 10 like
 * libgit2. This finds file names only, generously: a name that is not
 * really included costs a stat. NULL when all pass, else the problem. */
char *scan_git_config_problem(const char *path, const char *shown, const char *home);

/* After libgit2 failed to open the repository of `gitdir`: an include
 * loop in its config files (one that includes a file already being read,
 * or includes nested past libgit2's depth of 10), as a sentence naming
 * the files, or NULL. Reads the files as scan_git_config_problem does. */
char *scan_git_include_loop(const char *gitdir);

/* The files git_repository_discover may read from `dir` (absolute) up to
 * /: a `commondir` or a `.git` link file (it reads only regular ones, so
 * their size is checked), `commondir` in a .git folder. Not the
 * `commondir` of the folder a `.git` link names. NULL or the problem. */
char *scan_git_discovery_problem(const char *dir);

/* The files git_repository_open_ext reads for the git folder `gitdir`
 * (as discovery names it): its `gitdir` and `HEAD` (an includeIf
 * "onbranch:" reads HEAD), the repository's config and config.worktree,
 * /etc/gitconfig, the XDG and the global config, with their includes.
 * NULL or the problem. */
char *scan_git_open_problem(const char *gitdir);

#endif
