/* The Python interpreters this machine has, for the create form and
 * `venvscope create --python`: python3* on PATH, /usr/bin/python3.*,
 * /usr/local/bin/python3.*, ~/.pyenv/versions/VERSION/bin/python, plus any paths
 * the caller adds (the base interpreters of envs already found). Each one
 * is asked for its version (a short child process, all run at once). */
#ifndef VS_ACTIONS_PYTHONS_H
#define VS_ACTIONS_PYTHONS_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/err.h"

struct act_python {
	char *path;    /* as found (what the user would type) */
	char *real;    /* resolved, for de-duplication */
	char *version; /* "3.11.7" */
	int major, minor;
	bool has_venv;      /* the venv module is there (not Python 2) */
	bool has_ensurepip; /* ensurepip is there (Debian: python3.X-venv installed) */
};

struct act_python_list {
	struct act_python *items; /* newest version first; one per real path */
	size_t n;
};

/* Finds and probes every interpreter: python3* in each folder of PATH
 * (neither pyenv's shims nor an environment's bin/), /usr/bin,
 * /usr/local/bin, pyenv's versions, and `extra`. Each is probed with
 * -I -S, so no .pth file runs. Never fails: what cannot be run is left
 * out. */
void act_find_pythons(struct act_python_list *out, const char *home, const char *const *extra,
		      size_t n_extra);

/* Probes one interpreter (-I -S). A leading ~ or ~user is expanded as the
 * shell would (out->path is the expanded path). Returns 0, or VS_EUSAGE
 * with the reason ("is not a Python", "cannot run it: ...", "no such
 * user") naming the path. */
int act_probe_python(struct act_python *out, const char *path, struct vs_err *err);

/* True when `py` is at least major.minor. */
bool act_python_at_least(const struct act_python *py, int major, int minor);

void act_python_clear(struct act_python *py);
void act_python_list_free(struct act_python_list *l);

#endif
