/* The files an environment manager keeps inside an env, which `python -m
 * venv --clear` would delete with everything else: virtualenvwrapper's and
 * pipenv's `.project`, virtualenvwrapper's hooks (bin/postactivate ...),
 * pipx's pipx_metadata.json and uv's uv-receipt.toml.
 *
 * Order: act_kept_read() before the env is emptied or replaced,
 * act_kept_restore() into the env made again, act_kept_free(). */
#ifndef VS_ACTIONS_KEEP_H
#define VS_ACTIONS_KEEP_H

#include <stddef.h>

#include "../util/err.h"

struct act_kept;

/* Reads the manager files of `env` that are regular files (a symlink or a
 * FIFO there is left alone). Returns an owned set, maybe empty; never NULL. */
struct act_kept *act_kept_read(const char *env);

/* How many files were read. */
size_t act_kept_count(const struct act_kept *k);

/* Writes each file back into `env` with its old mode, unless a file is
 * already there (O_EXCL). Returns 0, or VS_EFAIL naming the first file that
 * could not be written (the others are still tried). */
int act_kept_restore(const struct act_kept *k, const char *env, struct vs_err *err);

void act_kept_free(struct act_kept *k);

#endif
