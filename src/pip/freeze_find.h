/* Private to src/pip/freeze_read.c and freeze_find.c: the distributions
 * pip's finder sees, before deduplication (files are read with
 * util/readfile.h). Nothing outside src/pip/ includes this.
 *
 * Call order: scan_freeze_collect() once (it lists each folder of `paths`
 * once, keeping the listing in the path list), use the candidates (their
 * dirfd stays open until both the list and the candidates are cleared),
 * scan_freeze_cands_clear(). */
#ifndef VS_SCAN_FREEZE_FIND_H
#define VS_SCAN_FREEZE_FIND_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/vec.h"
#include "freeze.h"
#include "site_path.h"

struct scan_listing;

/* One metadata entry before deduplication. */
struct scan_freeze_cand {
	struct scan_freeze_dist d; /* location, entry, is_dir, meta fields */
	int dirfd;                 /* `location`, open (its listing owns the fd) */
	char *installed;           /* folder pip counts it installed in (local check) */
	bool via_link;             /* found through an .egg-link */
};

struct scan_freeze_cands {
	struct scan_freeze_cand *v;
	size_t n, cap;
	struct vs_vec lists; /* struct scan_listing *: the folders .egg-link files name (owned) */
};

/* Every metadata entry pip's finder sees on `paths`, in its order: the
 * folder order of importlib.metadata (plus the folders .egg-link files
 * name) or pkg_resources' sorted order, each with the metadata the backend
 * reads. Appends to `c` (zeroed before the first call). */
void scan_freeze_collect(struct scan_freeze_cands *c, struct scan_path_list *paths,
			 enum scan_freeze_backend backend);

void scan_freeze_cands_clear(struct scan_freeze_cands *c);

#endif
