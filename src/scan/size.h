/* Sizing a directory tree the way du does, relative to directory fds. */
#ifndef VS_SCAN_SIZE_H
#define VS_SCAN_SIZE_H

#include <stdbool.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "inodes.h"

struct scan_size {
	uint64_t size_bytes; /* == du -sb: apparent sizes, dirs included, hard links once */
	uint64_t disk_bytes; /* == du -s --block-size=1: st_blocks * 512 */
	/* Of disk_bytes, what deleting the tree frees: directories, and files
	 * and symlinks whose every link (st_nlink) lies inside the tree. The
	 * rest, disk_bytes - freeable_bytes, is shared (scan_size_shared). */
	uint64_t freeable_bytes;
	uint64_t files;  /* entries that are not directories (== find ! -type d | wc -l) */
	uint64_t errors; /* entries that could not be read (permission, vanished) */
};

/* Sizes the tree at the directory fd `dirfd` (the fd stays owned by the
 * caller and is not moved). Never follows a symlink; does not descend into a
 * directory on another filesystem than `dirfd`'s. Unreadable entries are
 * counted in `errors` and skipped. `cancel`, when not NULL, is polled and the
 * walk stops early when it becomes true. Returns 0, or a negative code when
 * `dirfd` itself cannot be read. */
int scan_size_tree(struct scan_size *out, int dirfd, const atomic_bool *cancel);

/* One tree sized in parts by several threads. During the walk `take` is
 * offered each subfolder as an open fd; when it returns true it owns the fd
 * and must have the subfolder sized with scan_size_part and the same split.
 * The parts' sums added together (scan_size_add) are the tree's: a hard
 * link is counted once across all of them through `links`. */
struct scan_size_links; /* a set of (dev, ino), locked inside */

struct scan_size_split {
	bool (*take)(void *ctx, int fd);
	void *ctx;
	struct scan_size_links *links;
};

struct scan_size_links *scan_size_links_new(void);
/* With a split, the blocks of the hard-linked files whose every link was
 * met by the parts: add it to the parts' sum once they are all done. */
uint64_t scan_size_links_freeable(struct scan_size_links *l);
void scan_size_links_free(struct scan_size_links *l);

/* One tree sized into its own `links` (a fresh set, one thread). Its
 * freeable_bytes then leaves out the hard-linked files, which stay in
 * `links`: scan_size_links_freeable gives those whose links were all met,
 * scan_size_links_export those with links outside. */
int scan_size_tree_links(struct scan_size *out, int dirfd, struct scan_size_links *links);

/* The files of `l` that have links outside the tree, on the device `dev`
 * of its top, as a list to keep (inodes.h); NULL when there are none. */
struct scan_inodes *scan_size_links_export(struct scan_size_links *l, dev_t dev);

/* scan_size_tree with a split (NULL: the same as scan_size_tree). */
int scan_size_tree_split(struct scan_size *out, int dirfd, const atomic_bool *cancel,
			 const struct scan_size_split *split);

/* Sizes what is below the subfolder open as `fd` (closed here), a part
 * handed over by `split`; its own entry was counted by the part that found
 * it. `root_dev`: the device of the tree's top. Never fails: unreadable
 * entries go to `errors`. */
void scan_size_part(struct scan_size *out, int fd, dev_t root_dev, const atomic_bool *cancel,
		    const struct scan_size_split *split);

/* The blocks that stay when the tree is deleted: links from outside. */
static inline uint64_t scan_size_shared(const struct scan_size *s)
{
	return s->disk_bytes > s->freeable_bytes ? s->disk_bytes - s->freeable_bytes : 0;
}

/* A tree whose blocks are mostly shared with files outside it. */
static inline bool scan_size_mostly_shared(const struct scan_size *s)
{
	return scan_size_shared(s) > s->disk_bytes / 2;
}

/* dst += src, field by field. */
void scan_size_add(struct scan_size *dst, const struct scan_size *src);

#endif
