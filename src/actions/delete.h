/* Deleting an environment so that nothing but the environment can ever go.
 *
 * act_delete_check() refuses, with the reason in words, anything that is not
 * (any more) the environment the scan saw: not a folder holding a regular
 * pyvenv.cfg (or, for a conda env, conda-meta/history or conda-meta/pixi), a symlink, a folder whose
 * device and inode changed since the scan, "/", the home folder or a folder containing it, a mount
 * point, a git repository's root or a folder holding .git.
 *
 * act_delete() then removes the tree with act_delete_tree(), the one
 * walker that removes anything in venvscope, relative to open directory fds:
 * every folder is opened with O_NOFOLLOW and checked (fstat) to be the one
 * fstatat saw a moment before; a symlink is unlinked as a link, never
 * followed, even when a folder is swapped for a link while the delete runs;
 * nothing on another filesystem is entered. Errors are reported through a
 * callback that chooses skip / skip all / abort; what is left is counted. */
#ifndef VS_ACTIONS_DELETE_H
#define VS_ACTIONS_DELETE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "../scan/venv.h"
#include "../util/err.h"

enum act_delete_choice { ACT_DEL_SKIP, ACT_DEL_SKIP_ALL, ACT_DEL_ABORT };

struct act_delete_progress {
	uint64_t files;   /* entries removed so far (not folders) */
	uint64_t bytes;   /* their apparent sizes */
	uint64_t disk;    /* disk usage (st_blocks * 512) of them and the folders removed;
			   * a file's blocks at each of its links */
	uint64_t folders; /* folders removed */
};

struct act_delete_hooks {
	/* A path could not be removed (errno `e`); returns what to do. NULL:
	 * skip everything and go on. Called on the deleting thread. */
	enum act_delete_choice (*on_error)(void *ctx, const char *path, int e);
	/* Now and then while removing. May be NULL. */
	void (*on_progress)(void *ctx, const struct act_delete_progress *p);
	void *ctx;
	const atomic_bool *cancel; /* stops early when set; may be NULL */
};

struct act_delete_result {
	struct act_delete_progress done;
	uint64_t left;          /* entries that could not be removed */
	bool removed;           /* the env folder itself is gone */
	bool aborted;           /* stopped by the user (abort or cancel) */
	char first_error[1024]; /* the first path that stayed and why, or "" */
};

/* 0 when `v` may be deleted now, else VS_EUSAGE with the reason. `home` is
 * the user's home folder (may be NULL). */
int act_delete_check(const struct venv *v, const char *home, struct vs_err *err);

/* The refusals a user may overrule (--force, or yes in the browser's
 * dialog), checked right before a delete, clear or rebuild: a process uses
 * the env (a fresh pass over /proc, inuse.h; *users gets them, may be
 * NULL), it is pipx's shared env (every pipx app runs on it), or it is a
 * pipx app's env while pipx is installed (`pipx uninstall APP` removes its
 * links too). 0 when none applies, else VS_EUSAGE with the reasons in
 * words (one sentence each, "; " between them). */
int act_delete_guard(const struct venv *v, struct scan_users *users, struct vs_err *err);
/* The in-use part alone (before a clear or a rebuild): "PATH: in use by
 * pid N (COMMAND), ..." when a process uses it. */
int act_inuse_guard(const struct venv *v, struct scan_users *users, struct vs_err *err);

/* Checks again (act_delete_check), then removes the env. Returns 0 when it
 * is gone, VS_EFAIL when something stayed or it was stopped (the result
 * says what), VS_EUSAGE when it was refused. */
int act_delete(const struct venv *v, const char *home, const struct act_delete_hooks *hooks,
	       struct act_delete_result *res, struct vs_err *err);

/* The walker alone, with no env checks (act_delete checks first; a failed
 * create's leftovers are removed with it too): removes the folder `path`
 * and everything in it as described above. `expect` (may be NULL): the
 * folder must still be this st_dev/st_ino. `cfg_last`: the folder's own
 * pyvenv.cfg goes last, and stays when anything else stays. Returns 0 when
 * the folder is gone, VS_EFAIL when something stayed (res says what; err
 * names the path, the count left and the first failure), VS_EUSAGE when
 * the folder changed before it could be opened. */
int act_delete_tree(const char *path, const struct stat *expect, bool cfg_last,
		    const struct act_delete_hooks *hooks, struct act_delete_result *res,
		    struct vs_err *err);

#endif
