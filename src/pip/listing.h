/* One folder's entries, read once and kept open, so that the readers of an
 * environment's sys.path folders (site_path.c for its .pth files,
 * freeze_find.c for metadata, freeze_read.c for .egg-link files) neither
 * list a folder twice nor stat names the listing already rules out.
 * Read-only.
 *
 * Call order: scan_listing_read() once per folder; then any number of
 * scan_listing_lacks() and openat(l->fd, ...); scan_listing_free(). */
#ifndef VS_SCAN_LISTING_H
#define VS_SCAN_LISTING_H

#include <stdbool.h>
#include <stddef.h>

struct scan_listing_entry {
	char *name;         /* owned */
	unsigned char type; /* d_type: DT_DIR, DT_REG, DT_LNK, ... or DT_UNKNOWN */
};

struct scan_listing {
	int fd;                       /* the folder, open (O_DIRECTORY); closed by _free */
	struct scan_listing_entry *v; /* owned, in directory order, without "." and ".." */
	size_t n, cap;
	const char **sorted; /* the names in strcmp order, for lookups (owned array) */
	bool exact;          /* lookups in this folder match names byte for byte (listing.c) */
};

/* Lists the folder `path` (symlinks followed, like os.listdir). Returns
 * NULL, errno set, when it cannot be opened or read as a folder. */
struct scan_listing *scan_listing_read(const char *path);

/* True only when `name` is certainly not an entry of the folder: it is a
 * single component (no "/"), it is not listed, and the folder's lookups
 * are exact. False means "maybe there": the caller looks as it would have
 * without the listing (stat), which also keeps symlink semantics. */
bool scan_listing_lacks(const struct scan_listing *l, const char *name);

void scan_listing_free(struct scan_listing *l);

#endif
