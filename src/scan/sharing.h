/* Which scanned envs share files through hard links (issue 14): a cp -al
 * twin, or two uv envs linked from the same cache, hold the same inodes.
 * Computed from the lists the scan keeps (venv->inodes), no walk. */
#ifndef VS_SCAN_SHARING_H
#define VS_SCAN_SHARING_H

#include <stddef.h>

struct venv;

struct scan_sharing {
	size_t n;       /* envs given */
	size_t **with;  /* with[i]: the other envs holding links of i's files, ascending; owned */
	size_t *n_with; /* lengths */
};

/* Fills `out` for the envs `vs[0..n)` (indices are into vs). */
void scan_sharing_compute(struct scan_sharing *out, const struct venv *const *vs, size_t n);

void scan_sharing_free(struct scan_sharing *s);

#endif
