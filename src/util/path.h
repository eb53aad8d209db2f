/* Path strings. These are for naming things to the user and to the model;
 * the walkers themselves work relative to open directory fds. */
#ifndef VS_UTIL_PATH_H
#define VS_UTIL_PATH_H

#include <stdbool.h>
#include <stddef.h>

/* "a" + "/" + "b" (no doubled slash). Caller frees. */
char *path_join(const char *a, const char *b);
/* Absolute form of `p`: relative paths are taken from the current directory;
 * "." segments, doubled and trailing slashes are dropped; ".." is resolved
 * lexically only when the result does not depend on symlinks (otherwise the
 * path is canonicalised with realpath when it exists). Caller frees.
 * Returns NULL (errno set) when the current directory cannot be read. */
char *path_absolute(const char *p);
/* What the shell makes of a typed path (a form's field, a prompt, a
 * command-line argument that reached us quoted): a leading "~" (alone or
 * before "/") is $HOME, or the home of the password database when HOME is
 * unset or empty; a leading "~user" is that user's home (getpwnam). Other
 * text is returned as it is (a relative path stays relative). Returns 0
 * with *out (caller frees), or VS_EUSAGE with a sentence naming the path
 * ("no such user", "no home folder is known") and *out NULL. */
struct vs_err;
int path_expand_tilde(char **out, const char *typed, struct vs_err *err);
/* path_expand_tilde, then a relative path taken from `base` (an absolute
 * folder; NULL: the current directory), in path_absolute's normal form.
 * An empty `typed` is an error ("no path given"). */
int path_resolve_typed(char **out, const char *typed, const char *base, struct vs_err *err);
/* Last component (points into `p`); "/" for "/". */
const char *path_basename(const char *p);
/* Copy of everything before the last component ("/" for "/x"). Caller frees. */
char *path_dirname(const char *p);
/* True when `path` equals `prefix` or lies below it (component-wise). */
bool path_has_prefix(const char *path, const char *prefix);
/* `path` with the home folder written as "~" when it lies below it. Caller frees. */
char *path_tilde(const char *path, const char *home);

/* Why a system call on `path` failed with errno `e`, for the user:
 * ENAMETOOLONG is "path too long (N bytes, over the limit of 4096)" (or
 * "a name in the path is longer than 255 bytes"), anything else
 * strerror(e). Written into buf (cap bytes); returns buf. */
const char *path_errno_reason(char *buf, size_t cap, const char *path, int e);

/* True when the folder `path` (lstat'ed as `st`) is a mount point: its
 * parent is on another device, or statx says it is a mount root (a bind
 * mount keeps st_dev). Also true when the parent cannot be read. */
struct stat;
bool path_is_mount_point(const char *path, const struct stat *st);

/* mkdir -p: every missing folder of `path` made with `mode`. When
 * `first_made` is not NULL it gets the length of the first folder made (0:
 * none), so the caller can take back exactly what was made. Returns 0 or
 * an errno (ENOTDIR when something on the way is not a folder). */
int path_mkdirs(const char *path, unsigned mode, size_t *first_made);

/* A file name made from `name` that fits in `max` bytes (max >= 16): `name`
 * itself when it does, else its first bytes, cut on a UTF-8 character
 * boundary, + "-" + 8 hex digits of a hash of `key` (the full path it
 * stands for, so two long names with the same start still differ). Caller
 * frees. */
char *path_fit_name(const char *name, size_t max, const char *key);

#endif
