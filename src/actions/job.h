/* Actions that run `python -m venv` or pip: create, clear, upgrade and
 * upgrade-deps. Each is prepared (checked, argv built), run (by the CLI with
 * act_job_run, or by the browser through vs_proc_* so its output streams
 * into a log pane), then finished: act_job_finish reads the exit status and
 * the output and says what happened in words.
 *
 * Nothing here includes curses or prints; messages go into `struct vs_err`
 * or into the job's `summary`. */
#ifndef VS_ACTIONS_JOB_H
#define VS_ACTIONS_JOB_H

#include <stdbool.h>
#include <stddef.h>

#include "../scan/caches.h"
#include "../scan/venv.h"
#include "../util/err.h"
#include "../util/proc.h"
#include "../util/strbuf.h"
#include "../scan/pythons.h"

enum act_kind {
	ACT_CREATE,
	ACT_CLEAR,
	ACT_UPGRADE,
	ACT_UPGRADE_DEPS,
	ACT_INSTALL,
	ACT_CACHE_CLEAN,
	ACT_REBUILD
};

/* act_job_finish: the job has another step; spawn j->argv again. */
#define ACT_JOB_AGAIN 1

enum act_link { ACT_LINK_DEFAULT, ACT_LINK_SYMLINKS, ACT_LINK_COPIES };

struct act_create_opts {
	const char *python;         /* interpreter path; NULL: python3 on PATH */
	const char *const *targets; /* one or more folders */
	size_t n_targets;
	bool system_site_packages;
	enum act_link link;
	bool without_pip;
	const char *prompt; /* NULL: venv's default; "." = the current folder's name (3.9+) */
	bool upgrade_deps;  /* 3.9+ */
	bool without_scm_ignore_files; /* 3.13+ */
	bool clear;                    /* replace an existing environment */
};

struct act_job {
	enum act_kind kind;
	char *title;  /* "create /x/.venv", for a log pane */
	char **argv;  /* owned, NULL-terminated */
	char **paths; /* the env folder(s) it works on (absolute) */
	size_t n_paths;
	bool *existed;             /* create: whether each path existed before */
	struct scan_python python; /* the interpreter that runs it */
	char *before;              /* upgrade: Python version before; deps: pip version before */
	struct strbuf output;      /* everything the child printed (the last 256 KiB) */
	char *summary;             /* after finish: one sentence of what happened */
	size_t n_argv_req;         /* install: the index of the requirements file in argv */
	char **partial;            /* after a failed create: folders it left behind */
	size_t n_partial;
	bool keep_cwd;               /* run in the current folder (create --prompt .), isolated (-I) */
	struct scan_cache *cache;    /* ACT_CACHE_CLEAN: the cache as measured before (owned) */
	struct act_kept *kept;       /* clear, rebuild: a manager's files to put back (owned) */
	struct act_rebuild *rebuild; /* ACT_REBUILD: its steps (owned, rebuild.c) */
};

/* Checks the request (interpreter runs, options supported by its version,
 * each target is new, an empty folder, or an env with `clear`; no ':' in a
 * path) and builds the job. Returns 0, or VS_EUSAGE with advice in err. */
int act_prepare_create(struct act_job **out, const struct act_create_opts *o, struct vs_err *err);

/* Re-creates `v` empty with its own base interpreter, keeping symlinks or
 * copies, system-site-packages, prompt and without-pip. Refuses a broken env
 * (its base is gone) with advice. */
int act_prepare_clear(struct act_job **out, const struct venv *v, struct vs_err *err);
/* 0, or VS_EUSAGE with the reason when `v` is a conda, mamba, micromamba or
 * pixi env: those are not made by python -m venv, so clear, upgrade and
 * rebuild (`what`: "cleared", "upgraded", "rebuilt") would break them; the
 * sentence names the tool's own command instead. act_prepare_clear,
 * act_prepare_upgrade and act_prepare_rebuild call it first. */
int act_refuse_conda(const struct venv *v, const char *what, struct vs_err *err);

/* `BASE -m venv --upgrade ENV` (deps false), or pip (and setuptools before
 * 3.12) upgraded inside the env (deps true). Refuses a broken env. */
int act_prepare_upgrade(struct act_job **out, const struct venv *v, bool deps, struct vs_err *err);

/* `ENV/bin/python -m pip install -r REQUIREMENTS` (recreate: the packages
 * of a deleted env). Fails in words when pip cannot reach an index. */
int act_prepare_install(struct act_job **out, const char *env, const char *requirements,
			struct vs_err *err);

/* A rebuild (`venvscope rebuild`, the browser's rebuild key): the recipe
 * is the env's native freeze (works with a dead interpreter); the old env
 * is moved aside to a hidden sibling (.NAME.rebuild-old) so that the new
 * one is made at the env's own path (venv and pip write that path into
 * bin/activate and every script: a folder made elsewhere and renamed would
 * activate the wrong one); the new env gets the chosen Python and the old
 * one's options (copies or symlinks, system-site, the prompt as it was:
 * none stays none), then `pip install -r RECIPE` (the user's pip config,
 * or --no-index --find-links DIR), a manager's files (keep.h) are put
 * back, and only then the old env goes to the trash (its recipe is kept
 * as a deletion record). Any failure or cancel removes the new env and
 * renames the old one back, byte-identical; the error says why, with
 * pip's own ERROR lines.
 *
 * Order: act_prepare_rebuild (reads only), act_job_begin (the record and
 * the move aside), spawn, act_job_finish -> ACT_JOB_AGAIN (spawn the pip
 * step) -> 0 or an error. act_job_run does all of it for the CLI. */
struct act_rebuild_opts {
	const char *python;     /* NULL: the env's base when it runs, else python3 */
	const char *find_links; /* NULL: pip's own config */
};

/* Refuses an env that is not a venv (no pyvenv.cfg), a Python that does
 * not run or has no ensurepip. Nothing is written. */
int act_prepare_rebuild(struct act_job **out, const struct venv *v, const struct act_rebuild_opts *o,
			struct vs_err *err);

/* The recipe's requirement lines (what will be installed) and its text. */
size_t act_rebuild_recipe_lines(const struct act_job *j);
const char *act_rebuild_recipe(const struct act_job *j);

/* Before the first spawn: the disk changes a job makes before its child
 * runs (a rebuild: the record, the move aside). 0 for every other kind;
 * on failure nothing was changed. */
int act_job_begin(struct act_job *j, struct vs_err *err);

/* Keeps a line of output (use as the runner's callback, or call from one). */
void act_job_output(struct act_job *j, enum vs_proc_stream s, const char *line);

/* Interprets the end of a run: 0 with j->summary on success;
 * ACT_JOB_AGAIN when the job has a next step (j->argv is set to it); else a
 * negative code with advice in err (ensurepip missing: which package to
 * install; no network; permission denied; cancelled) and, for a create,
 * j->partial listing folders left behind. */
int act_job_finish(struct act_job *j, int status, bool cancelled, struct vs_err *err);

/* For the CLI: start, stream lines to `echo` (may be NULL), wait, finish.
 * The child stays in our process group, so Ctrl-C at the terminal stops it
 * (and pip under it); we ignore SIGINT and SIGQUIT meanwhile, like
 * system(), to report the cancel and what it left behind. */
int act_job_run(struct act_job *j, vs_proc_line_fn echo, void *ctx, struct vs_err *err);

/* The spawn description for the browser's own loop. Valid while j lives. */
void act_job_spawn(const struct act_job *j, struct vs_proc_spawn *out);

void act_job_free(struct act_job *j);

/* Removes a folder tree that a failed create left behind: only when it is
 * still the folder venv made (not a symlink), relative to directory fds,
 * never following a symlink or leaving the filesystem. */
int act_remove_partial(const char *path, struct vs_err *err);

#endif
