/* A conda, mamba, micromamba or pixi prefix as a `struct venv`: the parts of
 * scan_inspect_env that differ from a venv's (no pyvenv.cfg). Read-only. */
#ifndef VS_SCAN_CONDA_ENV_H
#define VS_SCAN_CONDA_ENV_H

#include <stdbool.h>

#include "venv.h"

/* Fills kind (VENV_KIND_CONDA), manager ("pixi" when conda-meta/pixi is
 * there, else the program of the history's first `# cmd:` line: "conda",
 * "mamba", "micromamba"; "conda" when it names none), name (-n/--name of
 * that line; "base" for an installation's own prefix, which also gets role
 * "base"; else the folder's name), python_version and implementation (from
 * conda-meta/python-X.Y.Z-*.json), project (pixi: the folder holding
 * .pixi/ when it has pixi.toml or pyproject.toml; conda: the parent of
 * -p/--prefix (of the env itself when that was relative) when it is not /,
 * not `home` nor a central folder, and either holds a project file or is
 * gone) and problems (a
 * history with bytes that are not text). Returns true when the prefix has
 * a python record, so its interpreter is to be checked like a venv's. */
bool scan_conda_inspect(struct venv *v, int envfd, const char *home);

/* Reads the records of the open prefix `envfd` into a new scan_conda (the
 * packages step); a problem sentence goes to *problem when some records
 * were refused (owned; left alone otherwise). */
struct scan_conda *scan_conda_packages(int envfd, char **problem);

#endif
