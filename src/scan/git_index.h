/* The paths in a git index file, read without libgit2.
 *
 * The only question the scan asks of an index is "does it hold a path
 * below this folder" (`git ls-files <env>` is not empty). libgit2 answers
 * it by loading the whole index and checking its SHA-1 trailer, which cost
 * more than everything else the scan does for an env in a repository of a
 * few hundred files. This reader takes only the path names, checks the
 * layout instead of the checksum (git itself checks it only in fsck), and
 * keeps them sorted for lookups.
 *
 * Formats 2, 3 and 4 (prefix-compressed paths) with SHA-1 object names are
 * read. Anything else — another version, a split index ("link"), a sparse
 * index ("sdir"), an unknown required extension, an entry out of order, a
 * layout that does not add up to the file size — is SCAN_INDEX_UNSUPPORTED:
 * the caller then asks libgit2, so an odd index never gets a different
 * answer from this shortcut. */
#ifndef VS_SCAN_GIT_INDEX_H
#define VS_SCAN_GIT_INDEX_H

#include <stdbool.h>
#include <stddef.h>

enum scan_index_result {
	SCAN_INDEX_OK = 0,
	SCAN_INDEX_UNSUPPORTED = 1, /* a valid index, maybe, but not one read here */
};

struct scan_index;

/* Reads the index file `path` into *out (owned by the caller). A missing
 * file is an empty index, as for git. SCAN_INDEX_UNSUPPORTED leaves *out
 * NULL; so does an unreadable file, reported the same way so that libgit2
 * gives the error in its words. */
enum scan_index_result scan_index_read(struct scan_index **out, const char *path);

/* Parses an index already in memory (`len` bytes); same results. */
enum scan_index_result scan_index_parse(struct scan_index **out, const unsigned char *data,
					size_t len);

/* True when `path` is not the file read into `ix` any more (another
 * size, mtime, inode or device; or it appeared or went away). */
bool scan_index_stale(const struct scan_index *ix, const char *path);

/* True when some entry's path starts with `prefix` ("" = any entry).
 * With `icase`, ASCII letters compare without case (core.ignorecase). */
bool scan_index_has_prefix(const struct scan_index *ix, const char *prefix, bool icase);

/* Number of entries (conflict stages count separately), and entry i's
 * path (0 <= i < count), in the index's order. */
size_t scan_index_count(const struct scan_index *ix);
const char *scan_index_path(const struct scan_index *ix, size_t i);

void scan_index_free(struct scan_index *ix);

#endif
