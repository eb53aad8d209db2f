/* The folders Python puts on sys.path for an environment, in order, as far
 * as pip freeze looks at them: the env's site-packages, the folders its
 * .pth files add, and - when include-system-site-packages is true - the
 * standard library, the user site and the base interpreter's site folders.
 * Read-only, and nothing under the env is ever run: .pth files are read
 * natively (their import lines are skipped, never run); for a system-site
 * env the base interpreter outside the env is asked for its own folders,
 * isolated and without site (site_base.h), once per call of
 * scan_freeze_paths() (nothing is cached between calls, so an upgrade or
 * an install is seen by the next freeze). */
#ifndef VS_SCAN_SITE_PATH_H
#define VS_SCAN_SITE_PATH_H

#include <stdbool.h>
#include <stddef.h>

#include "freeze.h"
struct venv;

struct scan_listing;

struct scan_path_list {
	char **v;                    /* owned absolute paths, in sys.path order, no duplicates */
	struct scan_listing **lists; /* lists[i]: v[i] as listed (owned), NULL until listed */
	size_t n, cap;
	/* The folders that make up the user's site ~/.local/lib/pythonX.Y/site-packages
	 * and the env's own site-packages (pip's locations.site_packages). */
	char *user_site;     /* NULL unless the env sees it */
	char *site_packages; /* the first site folder of the env, or NULL */
};

/* Appends `dir` (made absolute against "/" and normalised like Python's
 * makepath) unless already there. */
void scan_path_add(struct scan_path_list *l, const char *dir);

/* site.addsitedir() for the folder `sitedir`: adds it, then reads its
 * *.pth files (names not starting with ".", sorted) and adds every line
 * that names an existing path (relative lines are relative to sitedir;
 * lines starting with "#" and blank lines are skipped; lines starting
 * with "import " or "import\t" are code and add nothing we can know). */
void scan_path_add_site(struct scan_path_list *l, const char *sitedir);

/* The listing of l->v[i] (listing.h): the one kept in l->lists[i]
 * (scan_path_add_site() keeps what it read), else read now and kept. NULL
 * when the folder cannot be listed (missing, not a folder, unreadable);
 * then each call tries again. */
struct scan_listing *scan_path_listing(struct scan_path_list *l, size_t i);

/* The index of `dir` (compared as written) in the list, or l->n. */
size_t scan_path_find(const struct scan_path_list *l, const char *dir);

struct scan_base_site;

/* site.main() of a system-site env, natively, from its base's answer `b`
 * (site_base.h): b->path as it is; each existing folder of b->env through
 * scan_path_add_site (site.venv()); the user site when `user_site_enabled`
 * and it exists; then b->env again and b->base (addsitepackages() over
 * PREFIXES). Sets out->user_site to b->user_site. Equal, for an env whose
 * .pth files hold no import line that changes sys.path, to the env's
 * python's own sys.path without its script folder. */
void scan_path_from_base(struct scan_path_list *out, const struct scan_base_site *b,
			 bool user_site_enabled);

/* The folders for env `v`. Without system site packages (or when its base
 * cannot be asked - said in `warn`: none outside the env, or it failed)
 * they are computed from the disk; with them, from the base's answer
 * (scan_base_site_ask, run at each call) and scan_path_from_base. */
void scan_freeze_paths(struct scan_path_list *out, const struct venv *v, struct scan_msgs *warn);

void scan_path_list_clear(struct scan_path_list *l);

#endif
