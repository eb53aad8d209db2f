/* Which project an env belongs to, and whether that project is still
 * there (issue 16: project, project_exists, orphan). Read-only. */
#ifndef VS_SCAN_PROJECT_H
#define VS_SCAN_PROJECT_H

#include <stdbool.h>

#include "venv.h"

/* What a walk already knows of an env's parent folder, from reading its
 * entries: whether one of them is a project marker. UNKNOWN: the folder is
 * read to find out (an env named on the command line, a root). */
enum scan_parent { SCAN_PARENT_UNKNOWN, SCAN_PARENT_MARKED, SCAN_PARENT_PLAIN };

/* Sets v->project from what the env itself says: pipenv's and
 * virtualenvwrapper's .project, tox/nox's project (the folder above .tox
 * or .nox), a .venv's parent, else its parent folder when that holds a
 * project marker (`parent`, or read now when unknown). A central folder is never anyone's project. A
 * .project that names a file, `/`, or holds more than one line is flagged in v->problems. A project
 * set before the call (a conda prefix's --prefix) is kept. Then sets project_exists and orphan
 * (scan_project_check). `envfd` is the env's folder (stays the caller's). */
void scan_find_project(struct venv *v, int envfd, const char *home, enum scan_parent parent);

/* project_exists and orphan from v->project as it stands now (any kind of
 * env: a conda prefix's --prefix, a matched poetry project), with the
 * problem sentence of an orphan. Stats the project folder. */
void scan_project_check(struct venv *v);

/* For a poetry env (<name>-<8 chars>-pyX.Y) or a hatch env
 * (<data>/env/virtual/<project>/<8 chars>/<env>): the 8 characters that
 * poetry and hatch derive from the project's real path (vs_sha256_b64_8),
 * into out[9]; false for any other env. */
bool scan_project_hash_of(const struct venv *v, char out[9]);

/* True for a file or folder name a project folder holds (pyproject.toml,
 * setup.py, setup.cfg, Pipfile, .git, requirements*.txt). */
bool scan_is_project_marker(const char *name);

#endif
