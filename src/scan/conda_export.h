/* The freeze of a conda env, as conda prints it, from its records alone
 * (no conda run): `conda env export`'s environment.yml and
 * `conda list --explicit [--md5]`'s URL list. */
#ifndef VS_SCAN_CONDA_EXPORT_H
#define VS_SCAN_CONDA_EXPORT_H

#include <stddef.h>

#include "../util/err.h"
#include "venv.h"

enum scan_conda_format {
	SCAN_CONDA_YML,          /* environment.yml */
	SCAN_CONDA_EXPLICIT,     /* @EXPLICIT, one url a line */
	SCAN_CONDA_EXPLICIT_MD5, /* the same, each url with #md5 */
};

/* environment.yml: `name:` (the env's name), `channels:` (each record's
 * channel by its name, scan_conda_channel_name, in the order conda env
 * export gives: a channel not seen yet goes first, records taken by name),
 * `dependencies:` (NAME=VERSION=BUILD for each record, by name, then a
 * `pip:` list of NAME==VERSION for the site-packages dists no record
 * installed, by lower-cased name), `prefix:` (the env's path).
 *
 * explicit: the three header lines conda prints (`# platform:` the first
 * record subdir that is not noarch), `@EXPLICIT`, then each record's url by
 * name (with `#MD5` for SCAN_CONDA_EXPLICIT_MD5 when it has one), or
 * `# no URL for: FN` when it has none.
 *
 * `v` must have its packages read (v->conda set). *out is owned (with a
 * NUL after *len bytes). Returns 0, or VS_EUSAGE when `v` is no conda env
 * or its records were not read. */
int scan_conda_export(char **out, size_t *len, const struct venv *v, enum scan_conda_format f,
		      struct vs_err *err);

#endif
