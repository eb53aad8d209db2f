/* The central places where tools keep environments, and which tool a path
 * belongs to. */
#ifndef VS_SCAN_PLACES_H
#define VS_SCAN_PLACES_H

#include <stddef.h>

/* The central folders that exist for this user (~/venvs, ~/.venvs,
 * $WORKON_HOME or ~/.virtualenvs, pipenv, poetry, pipx, hatch,
 * ~/.pyenv/versions/<v>/envs, uv tools), absolute, in that order.
 * `home` is the home folder (NULL: nothing is returned). Returns the count;
 * *out is an owned array of owned strings. */
size_t scan_central_places(char ***out, const char *home);

/* The tool whose default place holds the env at absolute `path`: "poetry",
 * "pipenv", "pipx", "hatch", "pyenv-virtualenv", "virtualenvwrapper", "uv",
 * "tox" (a .tox folder), "nox" (a .nox folder), or NULL. Static strings. */
const char *scan_manager_for(const char *path, const char *home);

/* What to scan when the user names no folder: "." and then every central
 * place that exists. Returns the count; *out is owned (scan_free_strv). */
size_t scan_default_roots(char ***out, const char *home);

void scan_free_strv(char **v, size_t n);

#endif
