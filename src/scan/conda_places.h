/* Where conda, mamba and micromamba keep their environments. */
#ifndef VS_SCAN_CONDA_PLACES_H
#define VS_SCAN_CONDA_PLACES_H

#include <stddef.h>

#include "../util/vec.h"

/* Appends to `out` (a vector owning strings) the absolute folders to scan
 * for conda envs, in this order: each line of ~/.conda/environments.txt
 * that names a conda prefix (a folder holding conda-meta/history or
 * conda-meta/pixi: a line that is not absolute, names `/`, is not a
 * folder or holds no conda-meta is skipped, never walked); the envs_dirs
 * of ~/.condarc and $CONDA_PREFIX/.condarc (a block `envs_dirs:` of
 * `  - PATH` lines; ~ expanded); ~/miniconda3, ~/anaconda3, ~/miniforge3,
 * ~/mambaforge, ~/micromamba and $MAMBA_ROOT_PREFIX (each walked with
 * its envs/); ~/.conda/envs. Folders that do not exist are left out by the
 * caller. `home` NULL: only what the variables name. */
void scan_conda_places(struct vs_vec *out, const char *home);

/* Appends to `why` (owning strings) a sentence for each line of
 * environments.txt that scan_conda_places skips: "FILE: the line PATH is
 * skipped: REASON" (not an absolute path, the root folder, no such
 * folder, not a folder, not a conda environment). */
void scan_conda_txt_skipped(struct vs_vec *why, const char *home);

/* home/.conda/environments.txt, the list conda keeps of the envs it made.
 * NULL without a home. Caller frees. */
char *scan_conda_environments_txt(const char *home);

/* Parses .condarc text: appends each `envs_dirs` entry to `out` as
 * written (unquoted, "~" expanded against `home`). */
void scan_condarc_envs_dirs(struct vs_vec *out, const char *text, size_t len, const char *home);

#endif
