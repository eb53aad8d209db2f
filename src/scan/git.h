/* What git will do with an environment, through libgit2 (no git process).
 *
 * One `struct scan_git` per scan: it opens each repository once, with
 * libgit2, and keeps it; it must only ever be used from one thread (libgit2
 * objects are not shared between threads). The scan engine runs it on a
 * single git worker. libgit2 is loaded and started only when some env has
 * a `.git` or `HEAD` in a folder above it (git2_lazy.c, git.c). Before
 * libgit2 or git_ignore.c reads a file (link file, commondir, config files
 * and their includes, the index, info/exclude, the excludes file,
 * .gitignore files), it is checked to be absent or a regular file of sane
 * size (git_files.h); otherwise the env's state is unknown and `error`
 * names the file and the reason. Changes to ignore files and to the index
 * are seen by the next lookup; a repository created above an env that was
 * found outside any is seen by the next `struct scan_git` (the next scan).
 *
 * The truth is `git check-ignore -q <env>/pyvenv.cfg` (a file inside the
 * env, not the folder: Python 3.13, virtualenv and uv write a `.gitignore`
 * with `*` inside the env) and `git ls-files <env>` for tracked. The env
 * belongs to the innermost work tree (nested repositories, submodules,
 * worktrees); GIT_CEILING_DIRECTORIES is honoured and the search stops at
 * filesystem boundaries like git does. */
#ifndef VS_SCAN_GIT_H
#define VS_SCAN_GIT_H

#include <stdbool.h>

#include "../util/err.h"

enum scan_git_state {
	SCAN_GIT_UNKNOWN = -1, /* not looked at (yet), or it could not be read */
	SCAN_GIT_NO_REPO = 0,  /* not inside a git work tree */
	SCAN_GIT_IGNORED,      /* git will not add it */
	SCAN_GIT_NOT_IGNORED,  /* `git add .` would commit it */
	SCAN_GIT_TRACKED,      /* some of its files are in the index */
};

struct scan_git_info {
	enum scan_git_state state;
	char *repo;  /* the work tree root (absolute), or NULL */
	char *rule;  /* where the rule that ignores it is, e.g. ".gitignore:3: /.venv/"
			(file relative to the repo root, or an absolute path for a global
			excludes file), when known; else NULL */
	char *error; /* why the state is unknown, or NULL (the scan adds it to the env's
			problems as "git: <error>") */
};

struct scan_git;

struct scan_git *scan_git_new(void);
void scan_git_free(struct scan_git *g);

/* Fills *out for the env at absolute `env_path` (fields owned by *out).
 * Never fails: problems become SCAN_GIT_UNKNOWN with `error` set. */
void scan_git_lookup(struct scan_git *g, const char *env_path, struct scan_git_info *out);

void scan_git_info_clear(struct scan_git_info *info);

/* Whether libgit2 was needed so far (for tests and timing logs). */
bool scan_git_started_libgit2(const struct scan_git *g);

/* "no-repo", "ignored", "not-ignored", "tracked", or NULL for unknown. */
const char *scan_git_state_name(enum scan_git_state s);

#endif
