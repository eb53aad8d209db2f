/* Ordering environments for display: shared by the CLI and the browser. */
#ifndef VS_SCAN_SORT_H
#define VS_SCAN_SORT_H

#include <stdbool.h>
#include <stddef.h>

#include "venv.h"

/* Natural directions: size largest first, age oldest first, name and path
 * A to Z, python oldest version first (vs_version_cmp, util/version.h). Ties are broken by path.
 * Unknown values (no size yet, no version) sort last. */
enum scan_sort {
	SCAN_SORT_PATH,
	SCAN_SORT_SIZE,
	SCAN_SORT_NAME,
	SCAN_SORT_AGE,
	SCAN_SORT_PYTHON,
	SCAN_SORT_USED, /* last_used, least recently used first */
};

/* Parses "size", "name", "age", "python", "path", "used" (also
 * "last_used", "last-used"); -1 when unknown. */
int scan_sort_parse(const char *s);
const char *scan_sort_name(enum scan_sort key);

/* Sorts the array of pointers in place (stable for equal keys and paths);
 * by name is by the folder's name, as `list` shows it. */
void scan_sort_venvs(struct venv **v, size_t n, enum scan_sort key, bool reverse);

/* The same as the browser shows the rows: SCAN_SORT_SIZE by disk usage
 * (disk_bytes) when `disk`, else by apparent size (size_bytes), the `a`
 * toggle; SCAN_SORT_NAME by the name a row shows (venv_shown_name:
 * "webshop/.venv"). */
void scan_sort_venvs_by(struct venv **v, size_t n, enum scan_sort key, bool reverse, bool disk);

#endif
