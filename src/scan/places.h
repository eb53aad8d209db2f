/* The central places where tools keep environments, and which tool a path
 * belongs to. */
#ifndef VS_SCAN_PLACES_H
#define VS_SCAN_PLACES_H

#include <stdbool.h>
#include <stddef.h>

/* The central folders that exist for this user (~/venvs, ~/.venvs,
 * $WORKON_HOME or ~/.virtualenvs, pipenv, poetry, pipx (and pipx 1.1's
 * ~/.local/pipx/venvs), hatch,
 * ~/.pyenv/versions/<v>/envs, uv tools, then conda's places:
 * conda_places.h), absolute, in that order.
 * `home` is the home folder (NULL: nothing is returned). Returns the count;
 * *out is an owned array of owned strings. */
size_t scan_central_places(char ***out, const char *home);

/* The tool whose default place holds the env at absolute `path`: "poetry",
 * "pipenv", "pipx", "hatch", "pyenv-virtualenv", "virtualenvwrapper", "uv",
 * "tox" (a .tox folder), "nox" (a .nox folder), or NULL. Static strings. */
const char *scan_manager_for(const char *path, const char *home);
/* True when `path` is pipx's shared env (<PIPX_HOME>/shared, in either
 * default home: ~/.local/share/pipx or pipx 1.1's ~/.local/pipx), the one
 * every pipx app's env reads its pip from. */
bool scan_is_pipx_shared(const char *path, const char *home);

/* What to scan when the user names no folder: "." and then every central
 * place that exists. Returns the count; *out is owned (scan_free_strv). */
size_t scan_default_roots(char ***out, const char *home);

void scan_free_strv(char **v, size_t n);

/* The folders below that tools resolve the way the tool itself does, for
 * the places of caches (caches.c) as for those of envs. */

/* An XDG base folder: $`var` when it holds an absolute path (the XDG spec
 * ignores relative values), else home/`fallback`; NULL without a home.
 * Caller frees. */
char *scan_xdg_dir(const char *var, const char *home, const char *fallback);

/* A tool's own folder variable: absolute -> that folder; "~" or "~/x" ->
 * below `home`; any other relative value -> NULL (the tool takes it from
 * its working directory, which we cannot know); unset or empty -> `dflt`
 * joined with `rel` (NULL when dflt is NULL). Normal form; caller frees. */
char *scan_tool_dir(const char *var, const char *home, const char *dflt, const char *rel);

/* venvscope's own state folder: $XDG_STATE_HOME/venvscope, else
 * home/.local/state/venvscope (the deletion records live in its deleted/).
 * NULL without either. Normal form; caller frees. */
char *scan_state_dir(const char *home);

/* The home trash: $XDG_DATA_HOME/Trash, else home/.local/share/Trash. NULL
 * without either. Normal form; caller frees. */
char *scan_home_trash(const char *home);

/* True when the folder `dir` (absolute) is a central place or lies below
 * one (~/venvs, ~/.venvs, $WORKON_HOME, pipenv, poetry, pipx, hatch,
 * pyenv's versions/<v>/envs, uv tools), or is a conda envs/ folder (its
 * parent holds conda-meta, or it is ~/.conda/envs): a folder that holds
 * other people's envs, never anyone's project. */
bool scan_is_central_folder(const char *dir, const char *home);

#endif
