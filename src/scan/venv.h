/* The model: one Python virtual environment as the scanner sees it.
 *
 * A `struct venv` is built by a scan worker (scan_inspect_env) and handed to
 * the consumer with SCAN_EV_FOUND; from then on only the consumer touches it.
 * Later events (packages read, sized) carry separate records that the
 * consumer merges in with scan_venv_apply() (scan.h). */
#ifndef VS_SCAN_VENV_H
#define VS_SCAN_VENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../pip/pip.h"
#include "../util/err.h"
#include "pyvenv_cfg.h"
#include "git.h"
#include "conda.h"
#include "inuse.h"
#include "size.h"
#include "eol.h"

/* CONDA: a conda, mamba, micromamba or pixi prefix (conda-meta, no pyvenv.cfg). */
enum venv_kind { VENV_KIND_VENV, VENV_KIND_VIRTUALENV, VENV_KIND_UV, VENV_KIND_CONDA };

enum venv_link { VENV_LINK_MISSING, VENV_LINK_SYMLINK, VENV_LINK_COPY };

/* A tri-state for facts that may be unknown. */
enum venv_tri { VENV_UNKNOWN = -1, VENV_NO = 0, VENV_YES = 1 };

struct venv {
	size_t id;           /* scan-wide number, given in discovery order */
	char *path;          /* absolute, as reached from the root (not resolved) */
	char *name;          /* last component of path */
	enum venv_kind kind; /* uv / virtualenv / venv, from pyvenv.cfg keys */
	const char *manager; /* static string ("poetry", "pipx", ...) or NULL */
	dev_t dev;           /* of the env folder, as seen by the scan */
	ino_t ino;

	struct scan_cfg *cfg; /* NULL when pyvenv.cfg could not be read */
	char *python_version; /* "3.11.7", or NULL */
	char *implementation; /* "CPython", "PyPy", ... */
	char *home;           /* `home` key, or NULL */
	char *interpreter;    /* path of bin/python (or fallback) inside the env, or NULL */
	enum venv_link link;
	char *link_target; /* readlink() of the interpreter when a symlink */
	char *base_python; /* resolved base interpreter, or NULL when unknowable */
	bool base_exists;  /* base_python is an existing file */
	bool broken;       /* interpreter chain does not resolve, or home missing */
	bool incomplete;   /* its creation stopped before the end (no activation script) */
	char **problems;   /* sentences for people; owned */
	size_t n_problems;
	enum venv_tri system_site_packages;
	char *prompt;     /* as the shell shows it (repr quotes removed), or NULL */
	char *project;    /* owning project folder, or NULL */
	const char *role; /* static: "shared" for pipx's shared env, else NULL */
	char *app; /* pipx: the app its pipx_metadata.json names; uv tool: its folder; or NULL */

	/* Issue 16, "each env's story" (story.c, project.c): set by
	 * scan_inspect_env, except a poetry/hatch project, which comes with
	 * SCAN_EV_PROJECT once the walk has met the candidate projects. */
	enum venv_tri project_exists; /* UNKNOWN while project is NULL */
	bool orphan;                  /* its project folder is gone, or a manager's record */
	char *moved_from;             /* the path it was created at, when not here; owned */
	bool version_mismatch;        /* pyvenv.cfg's version is not the base's */
	char *base_version;           /* "X.Y" the base's own files say, when known; owned */
	struct scan_python_life life; /* python_support, python_eol_date, as of the scan */
	int64_t last_used;            /* newest atime of what use reads; 0: unknown */
	const char *last_used_source; /* static: "bin/activate", ... or NULL */
	bool noatime;                 /* its filesystem keeps no access times */
	int64_t created;              /* btime of pyvenv.cfg; 0: unknown */
	size_t n_flagged;             /* of problems[], those the words orphan, moved, eol say */

	/* The processes using it (inuse.h), from the scan's one /proc pass. */
	bool in_use_known;
	struct scan_users users;

	/* Filled by SCAN_EV_PACKAGES. */
	bool packages_known;
	char **site_packages; /* absolute paths, owned */
	size_t n_site_packages;
	struct scan_pkg_list packages; /* all distributions in site_packages */
	size_t package_count;
	bool has_pip;
	char *pip_version;
	int64_t last_modified; /* unix seconds; 0 when unknown */
	bool stale;

	/* Filled by SCAN_EV_GIT. */
	enum scan_git_state git_state; /* SCAN_GIT_UNKNOWN until known */
	char *git_repo;                /* work tree root, or NULL */
	char *git_rule;                /* the rule that ignores it, when known */

	/* Filled by SCAN_EV_SIZED. */
	bool size_known;
	struct scan_size size;
	/* Its hard-linked files that have links outside it (inodes.h), for
	 * the figures of several envs; NULL when there are none. Owned. */
	struct scan_inodes *inodes;

	/* Issue 16, conda/pixi kinds (conda.h). kind is VENV_KIND_CONDA and
	 * manager "conda", "mamba", "micromamba" or "pixi"; role "base" for a
	 * conda installation's own prefix (it holds envs/ or condabin/). */
	struct scan_conda *conda; /* its conda-meta records, with the packages; else NULL */
};

/* Environments at least this big are flagged "large". */
#define VENV_LARGE_BYTES (1024ULL * 1024 * 1024)

/* What deleting the env frees is known: sized with nothing unreadable (an
 * unreadable folder may hold links to anything). */
bool venv_freeable_known(const struct venv *v);

/* Known, and more than half of its blocks are shared through hard links
 * with files outside it (a uv cache, a cp -al twin): the flag `shared`. */
bool venv_is_shared(const struct venv *v);

/* Appends "X freed by deleting it, Y shared with files outside" (or why
 * that is unknown) to `sb`, for a sized env. */
struct strbuf;
void venv_space_text(struct strbuf *sb, const struct venv *v);

/* The flags of an env in words, comma-separated ("broken,stale"), or "" —
 * the same words in the table, the browser and anywhere else. */
void venv_flags(char *out, size_t n, const struct venv *v);
bool venv_is_large(const struct venv *v);
/* A folder name that says nothing by itself (".venv", "venv", "env"...). */
bool venv_name_is_generic(const char *name);
/* The name a person reads for the env, in the browser and its name sort:
 * the folder's name, with its parent's in front when the name is generic
 * (".venv" -> "webshop/.venv"). Points into v's path or name. */
const char *venv_shown_name(const struct venv *v);
/* The git column: "-" (no repository), "ignored", "not-ignored", "tracked",
 * or "" while unknown. */
const char *venv_git_word(const struct venv *v);
/* Its project folder holds a recipe (requirements*.txt, pyproject.toml,
 * Pipfile), so deleting the env loses nothing the project does not keep. */
bool venv_project_has_recipe(const struct venv *v);

const char *venv_kind_name(enum venv_kind kind);
/* The file its freeze goes to in a project: "environment.yml" for a conda
 * env (issue 16), else "requirements.txt". */
const char *venv_freeze_file(const struct venv *v);
const char *venv_link_name(enum venv_link link);

/* The base interpreter to run for `v` instead of anything inside it: the
 * python in pyvenv.cfg's `home` folder as venv recorded it (home/pythonX.Y,
 * home/python3, home/python), else `executable`, else the resolved
 * base_python; the first that is an executable regular file. It is returned
 * as named (not resolved: a base updated in place behind a link is what
 * runs). A candidate that lies inside the environment - as named, or once
 * its links are resolved - is never returned: nothing under an env is run
 * through this. NULL, with the reason in `why`, when none is left. Reads
 * the disk (stat, realpath); runs nothing. Caller frees. */
char *venv_base_interpreter(const struct venv *v, struct vs_err *why);

/* Reached its end of life (python_eol). */
bool venv_is_eol(const struct venv *v);
/* What `!` and is:problem show: broken, stale, orphan, moved, EOL, version
 * mismatch, a not-ignored or tracked git state, in use, or any problem
 * sentence. */
bool venv_has_problem(const struct venv *v);

/* Adds a problem sentence (printf style). */
void venv_add_problem(struct venv *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void venv_free(struct venv *v);

#endif
