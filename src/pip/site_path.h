/* The folders Python puts on sys.path for an environment, in order, as far
 * as pip freeze looks at them: the env's site-packages, the folders its
 * .pth files add, and - when include-system-site-packages is true - the
 * user site and the base interpreter's site folders. Read-only; for a
 * system-site env the env's own python is asked, once per call of
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

/* The folders for env `v`. Without system site packages (or when its
 * python cannot run - said in `warn`) they are computed from the disk;
 * with them, the env's python is run at each call (`-E -B -c`, no PIP_*,
 * cwd "/") and its sys.path is used, minus the current folder. */
void scan_freeze_paths(struct scan_path_list *out, const struct venv *v, struct scan_msgs *warn);

void scan_path_list_clear(struct scan_path_list *l);

#endif
