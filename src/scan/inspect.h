/* Looking at one environment folder: pyvenv.cfg, interpreter, base Python,
 * health, project. Cheap (a handful of syscalls); sizing and packages are
 * separate steps. Read-only. */
#ifndef VS_SCAN_INSPECT_H
#define VS_SCAN_INSPECT_H

#include "project.h"
#include "venv.h"

/* What the packages step learns about one env (SCAN_EV_PACKAGES). */
struct scan_pkgs_result {
	char **site_packages;
	size_t n_site_packages;
	struct scan_pkg_list packages;
	int64_t last_modified;
	char *problem;            /* a sentence to add to the env's problems, or NULL */
	struct scan_conda *conda; /* a conda prefix's records, or NULL */
};

/* Builds the model of the environment at absolute path `path`, whose folder
 * is open as `envfd` (the fd stays the caller's). `home` is the user's home
 * folder (for manager detection; may be NULL); `parent`, what the walk saw
 * of the folder above (scan_find_project). Never fails: whatever cannot be
 * read becomes a problem sentence in the result. */
struct venv *scan_inspect_env(int envfd, const char *path, const char *home, enum scan_parent parent);

/* Reads site-packages, packages, pip and last_modified for `path`.
 * Caller frees with scan_pkgs_result_free. */
struct scan_pkgs_result *scan_inspect_packages(int envfd, const char *path);

void scan_pkgs_result_free(struct scan_pkgs_result *r);

#endif
