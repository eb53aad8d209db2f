/* The hard-linked files of a tree that also have links outside it, kept
 * after the walk so that figures about several trees need no second walk
 * (issue 14): what deleting a set of envs frees, which envs share files,
 * how much of a cache is linked into envs.
 *
 * A list belongs to one tree and so to one filesystem (a walk never leaves
 * it), which is why the device is stored once. Files whose every link lies
 * inside the tree are not kept: they are in its freeable_bytes already and
 * nothing outside can change that. */
#ifndef VS_SCAN_INODES_H
#define VS_SCAN_INODES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct scan_inode {
	uint64_t ino;
	uint64_t disk;  /* st_blocks * 512 */
	uint32_t nlink; /* st_nlink when met */
	uint32_t seen;  /* links met inside the tree: 1 <= seen < nlink */
};

struct scan_inodes {
	dev_t dev;            /* st_dev of every entry */
	size_t n;             /* at least 1 */
	struct scan_inode *v; /* sorted by ino, each ino once */
};

void scan_inodes_free(struct scan_inodes *l);

/* The blocks of the files whose links all lie in the union of the trees
 * `ls[0..n)` (NULL entries are skipped). Add each tree's freeable_bytes to
 * get what deleting them together frees: two cp -al twins give back
 * everything together, nothing alone. */
uint64_t scan_inodes_union_freeable(const struct scan_inodes *const *ls, size_t n);

/* Of the files of `tree`, the blocks of those that are also linked into at
 * least one of `others[0..n)` (NULL entries skipped): for a cache, what
 * stays on disk when it is cleaned while those envs live. */
uint64_t scan_inodes_linked(const struct scan_inodes *tree, const struct scan_inodes *const *others,
			    size_t n);

/* True when the two trees have at least one file in common. */
bool scan_inodes_overlap(const struct scan_inodes *a, const struct scan_inodes *b);

/* Bytes this list takes in memory (for the bench's accounting). */
size_t scan_inodes_mem(const struct scan_inodes *l);

#endif
