/* The shared caches that Python tools keep beside the envs (issue 14): pip,
 * uv, poetry, pipenv, pdm, hatch, conda/mamba pkgs folders and
 * virtualenv's app-data. Found where each tool itself looks (its own
 * variable, then XDG, then the home folder) and sized by the size walk
 * (size.h), never written to.
 *
 * Call order: scan_caches_find(), then scan_cache_measure() on each (it
 * may run on any thread, one cache at a time), then scan_cache_link()
 * with the envs scanned (on the thread that owns them), then
 * scan_caches_free(). */
#ifndef VS_SCAN_CACHES_H
#define VS_SCAN_CACHES_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "size.h"

struct venv;

struct scan_cache {
	const char *tool; /* "pip", "uv", "poetry", "pipenv", "pdm", "hatch", "conda",
			   * "virtualenv": static */
	char *path;       /* absolute, as the tool names it (owned) */
	char *target;     /* the folder is a symlink: where it points (owned), else NULL */
	bool mount_point; /* the folder is a mount point */
	const char *skip; /* a subfolder that is not cache, left out ("virtualenvs"), or NULL */
	/* Filled by scan_cache_measure. */
	bool sized;                 /* size holds figures (the folder could be opened) */
	struct scan_size size;      /* size.errors > 0: parts were unreadable */
	bool linked_known;          /* linked_bytes is known */
	uint64_t linked_bytes;      /* blocks also hard-linked into the scanned envs */
	struct scan_inodes *inodes; /* its files linked from outside, for scan_cache_link (owned) */
};

/* The caches that exist for this user, in the order of the list above
 * (conda: $CONDA_PKGS_DIRS, then ~/miniconda3, ~/anaconda3, ~/miniforge3,
 * ~/mambaforge, ~/micromamba and ~/.conda pkgs). A folder reached twice
 * (two spellings, a symlink to another one) is listed once. `home` may be
 * NULL (then only the absolute variables count). Returns the count; *out
 * is owned (scan_caches_free). */
size_t scan_caches_find(struct scan_cache **out, const char *home);

/* Sizes `c` (a symlinked cache is sized at its target; nothing is
 * followed below it; another filesystem is not entered), keeping its
 * hard-linked files for scan_cache_link. `cancel` (may be NULL) stops the
 * walk early; the figures are then unknown. */
void scan_cache_measure(struct scan_cache *c, const atomic_bool *cancel);

/* linked_bytes of the measured `c`: the blocks of its hard-linked files
 * that also have a link in one of the envs `vs[0..n)` as the scan sized
 * them. */
void scan_cache_link(struct scan_cache *c, const struct venv *const *vs, size_t n);

/* Some file of the env `v` is a hard link of a file of the measured `c`
 * (whose kept files were not dropped): the env is linked from that cache. */
bool scan_cache_holds(const struct scan_cache *c, const struct venv *v);

/* Drops what measuring kept (inodes); the figures stay. */
void scan_cache_forget(struct scan_cache *c);

/* Every figure of `c` is known: sized with nothing unreadable. */
bool scan_cache_known(const struct scan_cache *c);

void scan_caches_free(struct scan_cache *v, size_t n);

#endif
