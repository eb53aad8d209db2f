/* The recipe of a deleted environment, kept so it can be made again:
 * $XDG_STATE_HOME/venvscope/deleted/<YYYYmmdd-HHMMSS>-<name>/ (default
 * ~/.local/state/...) holding
 *   requirements.txt  the env's freeze (native, so it works for a broken env)
 *   pyvenv.cfg        a copy of the env's own
 *   record.json       {"path", "name", "deleted" (ISO local time), "python_version",
 *                      "base_python", "copies", "system_site_packages", "prompt"
 *                      (or null), "without_pip", "size_bytes", "package_count",
 *                      "tools" (pip, setuptools, wheel, distribute: those the env
 *                      had, which a freeze may leave out), "state", "dev", "ino"}
 * A conda env's record holds environment.yml and explicit.txt (its
 * `conda list --explicit --md5`, scan/conda_export.h) instead of the first
 * two, and record.json has "kind": "conda".
 * Written before anything is deleted; every file atomically. The folder
 * name is cut to fit NAME_MAX (util/path.h path_fit_name); record.json
 * always has the full path.
 *
 * "state" is "deleting" while the env is being removed, "partial" when
 * the removal stopped half way, "deleted" when the env is gone (a record
 * without it counts as "deleted"). "dev"/"ino" name the env folder, so a
 * retry of the same env (same path, same folder, not "deleted") reuses
 * the record its first attempt wrote: that one was taken before anything
 * was removed. */
#ifndef VS_ACTIONS_RECORD_H
#define VS_ACTIONS_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../scan/venv.h"
#include "../util/err.h"

struct act_record {
	char *dir;            /* the record folder (absolute) */
	char *path;           /* where the env was */
	char *name;           /* its folder name */
	char *deleted;        /* "2026-11-26T06:30:00" local time */
	char *python_version; /* or NULL */
	char *base_python;    /* or NULL */
	bool copies;
	bool system_site_packages;
	char *prompt; /* or NULL */
	bool without_pip;
	uint64_t size_bytes;
	size_t package_count;
	char *tools;       /* "pip and setuptools": pip's own tools the env had, or NULL (none, or an
			      older record) */
	char *state;       /* "deleting", "partial" or "deleted" (never NULL) */
	uint64_t dev, ino; /* the env folder's identity, 0 when unknown */
};

struct act_record_list {
	struct act_record *v;
	size_t n;
};

/* How an attempt to remove an env ended (act_record_end). */
enum act_record_outcome {
	ACT_RECORD_DONE,      /* the env is gone: "deleted" */
	ACT_RECORD_PARTIAL,   /* some of it went: "partial" */
	ACT_RECORD_UNTOUCHED, /* nothing went: a record made for it is dropped */
};

/* The folder records live in ($XDG_STATE_HOME or ~/.local/state, then
 * venvscope/deleted). NULL when neither XDG_STATE_HOME nor HOME is set.
 * Caller frees. */
char *act_records_dir(void);

/* Writes the record of `v` (deleted at `when`) and returns its folder in
 * *out_dir (caller frees). Fails (VS_EFAIL, with the path and reason) when
 * any part cannot be written: then no record folder is left behind. */
int act_record_write(char **out_dir, const struct venv *v, time_t when, struct vs_err *err);

/* The record for removing `v` now: the unfinished record ("deleting" or
 * "partial") of this env (same path, same dev/ino) when there is one -
 * *out_reused true, nothing written - else a new one (act_record_write).
 * Two removals of one env at once agree on one record: the choice is made
 * under a lock on the records folder. *out_dir is owned by the caller. */
int act_record_begin(char **out_dir, bool *out_reused, const struct venv *v, time_t when,
		     struct vs_err *err);

/* Sets the state of the record `dir` after an attempt; ACT_RECORD_UNTOUCHED
 * removes it when `reused` is false (a failed attempt leaves no record).
 * Best effort: a record that cannot be updated keeps its old state. */
void act_record_end(const char *dir, bool reused, enum act_record_outcome o);

/* When the env `v` (known dev/ino) is gone from its path and a record of
 * that very folder exists: true with its folder in *out_dir (owned). A
 * second delete that found its env removed by the first one succeeds. */
bool act_record_of_gone_env(char **out_dir, const struct venv *v);

/* Every record, newest first. Unreadable records are skipped. Returns the
 * count; *out is owned (act_records_free). */
size_t act_records_list(struct act_record **out);

/* One record, found by its folder (absolute or relative path), its folder
 * name in the records dir, the path the env had, or a part of a folder
 * name. For a path: the newest record with packages (the newest of all
 * when none has any). Returns 0, or VS_EUSAGE saying what was not found
 * or, when several records fit (a part of a name that matches several, or
 * several records with packages for one path), saying how to pick one;
 * then `choices` (may be NULL) gets those records, newest first
 * (act_record_list_clear). */
int act_record_find(struct act_record *out, const char *what, struct act_record_list *choices,
		    struct vs_err *err);

void act_record_clear(struct act_record *r);
void act_records_free(struct act_record *v, size_t n);
void act_record_list_clear(struct act_record_list *l);

#endif
