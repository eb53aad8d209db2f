/* Sizing a directory tree the way du does, relative to directory fds. */
#ifndef VS_SCAN_SIZE_H
#define VS_SCAN_SIZE_H

#include <stdbool.h>
#include <stdatomic.h>
#include <stdint.h>

struct scan_size {
	uint64_t size_bytes; /* == du -sb: apparent sizes, dirs included, hard links once */
	uint64_t disk_bytes; /* == du -s --block-size=1: st_blocks * 512 */
	uint64_t files;      /* entries that are not directories (== find ! -type d | wc -l) */
	uint64_t errors;     /* entries that could not be read (permission, vanished) */
};

/* Sizes the tree at the directory fd `dirfd` (the fd stays owned by the
 * caller and is not moved). Never follows a symlink; does not descend into a
 * directory on another filesystem than `dirfd`'s. Unreadable entries are
 * counted in `errors` and skipped. `cancel`, when not NULL, is polled and the
 * walk stops early when it becomes true. Returns 0, or a negative code when
 * `dirfd` itself cannot be read. */
int scan_size_tree(struct scan_size *out, int dirfd, const atomic_bool *cancel);

#endif
