/* The Python interpreters this machine has: one discovery for the create
 * form's picker, `venvscope create --python`, `venvscope pythons` and the
 * browser's Pythons view (P).
 *
 * Where it looks: python3* in each folder of PATH (neither pyenv's shims
 * nor an environment's bin/), /usr/bin, /usr/local/bin; pyenv's
 * $PYENV_ROOT/versions/ENTRY (default ~/.pyenv); uv's managed Pythons
 * ($UV_PYTHON_INSTALL_DIR, default ~/.local/share/uv/python/ENTRY); the conda
 * bases ~/miniconda3, ~/anaconda3, ~/miniforge3, ~/mambaforge,
 * ~/micromamba and $MAMBA_ROOT_PREFIX (their bin/python); Homebrew on Linux
 * (/home/linuxbrew/.linuxbrew/bin, ~/.linuxbrew/bin); plus the paths the
 * caller adds (the base interpreters of envs already found).
 *
 * One file found by several names (python3 -> python3.11, /bin and
 * /usr/bin on a merged /usr, a hard link) is one interpreter (same device
 * and inode), listing every name. Each is asked for its version by running
 * it once with -I -S -B (no site, no .pth file, no bytecode written), all
 * at once; nothing inside an environment is ever run. Reads the disk and
 * runs those probes; writes nothing. */
#ifndef VS_SCAN_PYTHONS_H
#define VS_SCAN_PYTHONS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../util/err.h"

struct venv;

struct scan_python {
	char *path;    /* as found (what the user would type): its first name */
	char *real;    /* resolved (realpath) */
	char *version; /* "3.11.7"; NULL when it did not answer (SCAN_PYTHONS_ALL) */
	int major, minor;
	bool has_venv;      /* the venv module is there (not Python 2) */
	bool has_ensurepip; /* ensurepip is there (Debian: python3.X-venv installed) */
	/* issue 16, "Interpreters, with their envs" (scan_find_pythons fills
	 * these; scan_pythons_users fills envs): */
	char **names; /* every path it was found as, path first; owned */
	size_t n_names;
	const char *source; /* static: "PATH", "/usr/bin", "/usr/local/bin", "pyenv",
			     * "uv", "conda", "homebrew", "env-base" */
	dev_t dev;          /* of the file the names lead to */
	ino_t ino;
	size_t *envs; /* indices into the array given to scan_pythons_users */
	size_t n_envs;
};

struct scan_python_list {
	struct scan_python *items; /* newest version first; one per file */
	size_t n;
};

enum {
	/* Keep interpreters that cannot make a venv or did not answer the
	 * probe (version NULL): every interpreter, for `pythons`. Without
	 * it only those with a venv module are kept (the pickers). */
	SCAN_PYTHONS_ALL = 1 << 0,
};

/* Finds and probes every interpreter (see the top of this file); `home`
 * is the user's home folder (NULL: none), `extra` paths (n_extra, NULL
 * items skipped) are added with the source "env-base". Never fails: what
 * is not there is left out. */
void scan_find_pythons(struct scan_python_list *out, const char *home, const char *const *extra,
		       size_t n_extra, unsigned flags);

/* Fills each interpreter's envs: the indices i of `venvs` (n of them,
 * NULL items skipped) whose base interpreter (venv.h base_python, resolved)
 * is that file, compared by device and inode. An env whose base is gone
 * matches none. Replaces envs from an earlier call. */
void scan_pythons_users(struct scan_python_list *l, const struct venv *const *venvs, size_t n);

/* Sorts `l` for "which can I uninstall?": the interpreters with the most
 * envs first, the unused ones last, newest version first within each. */
void scan_pythons_sort_by_users(struct scan_python_list *l);

/* The interpreter of `l` that is the base of `v`, or NULL. */
const struct scan_python *scan_python_of(const struct scan_python_list *l, const struct venv *v);

/* Probes one interpreter (-I -S -B). A leading ~ or ~user is expanded as
 * the shell would (out->path is the expanded path). Returns 0, or VS_EUSAGE
 * with the reason ("is not a Python", "cannot run it: ...", "no such
 * user") naming the path. */
int scan_probe_python(struct scan_python *out, const char *path, struct vs_err *err);

/* True when `py` is at least major.minor. */
bool scan_python_at_least(const struct scan_python *py, int major, int minor);

void scan_python_clear(struct scan_python *py);
void scan_python_list_free(struct scan_python_list *l);

#endif
