/* `pip freeze`, natively: reading an environment the way pip does.
 *
 * Call order for a whole freeze (what the CLI and the browser do):
 *   scan_freeze_env(&text, &len, v, &opts, &warn, &err)   text = pip's output
 *   path = scan_freeze_default_output(v)                    <project>/requirements.txt or NULL
 *   scan_freeze_read_file(&old, &old_len, path, &err)       the current file, if any
 *   (equal -> up to date; else scan_freeze_diff_lines() and ask)
 *   act_write_atomic(path, text, len, &err)                 actions/write_atomic.h
 *
 * Or step by step: scan_freeze_read() gives the distributions and the
 * rules of the env's pip, scan_freeze_format() (freeze.h) the text.
 * Everything here only reads; a system-site env's python is run once to
 * learn its sys.path (site_path.h). Thread-safe on distinct envs; blocking
 * (milliseconds; a system-site env's first freeze starts its python, --pip
 * takes as long as pip). scan_freeze_pip(), scan_freeze_default_output() and
 * scan_freeze_read_file() live in freeze_pip.c. */
#ifndef VS_SCAN_FREEZE_READ_H
#define VS_SCAN_FREEZE_READ_H

#include <stddef.h>

#include "../util/err.h"
#include "freeze.h"
struct venv;

struct scan_freeze_list {
	struct scan_freeze_dist *v; /* owned, in pip's order, one per dedupe key */
	size_t n, cap;
};

/* Reads every distribution pip freeze would see in env `v` (a model from
 * scan_inspect_env(): path, python_version, implementation, home,
 * interpreter and system_site_packages are used), in pip's order, keeping
 * the first of each name. Fills `rules` for the pip found in the env (or
 * the newest rules when there is none). Anything odd becomes a sentence in
 * `warn` (may be NULL); nothing here fails. */
void scan_freeze_read(struct scan_freeze_list *out, struct scan_freeze_rules *rules,
		      const struct venv *v, struct scan_msgs *warn);

void scan_freeze_list_clear(struct scan_freeze_list *l);

/* scan_freeze_read() then scan_freeze_format(): the exact text of
 * `ENV/bin/python -m pip freeze [--local] [--all] [--exclude-editable]`.
 * *out is owned (NUL-terminated); returns 0. */
int scan_freeze_env(char **out, size_t *len, const struct venv *v, const struct scan_freeze_opts *o,
		    struct scan_msgs *warn, struct vs_err *err);

/* Runs the env's own pip instead: `<interpreter> -m pip freeze [opts]` in
 * folder "/" without PIP_* variables (posix_spawn, no shell). *out is its
 * stdout; its stderr lines go to `warn`. Returns 0, or VS_EFAIL with `err`
 * set when python cannot run or pip fails. */
int scan_freeze_pip(char **out, size_t *len, const struct venv *v, const struct scan_freeze_opts *o,
		    struct scan_msgs *warn, struct vs_err *err);

/* <project>/requirements.txt for an env with a project folder, else NULL.
 * Caller frees. */
char *scan_freeze_default_output(const struct venv *v);

/* The current content of `path` (a regular file; a symlink is not
 * followed; at most 64 MiB). Returns 0 with *out NULL when there is no
 * such file, 0 with the bytes, or VS_EFAIL with `err` naming the path and
 * the reason (a folder, a symlink, unreadable). */
int scan_freeze_read_file(char **out, size_t *len, const char *path, struct vs_err *err);

#endif
