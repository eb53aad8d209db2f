/* The recipe of a deleted environment, kept so it can be made again:
 * $XDG_STATE_HOME/venvscope/deleted/<YYYYmmdd-HHMMSS>-<name>/ (default
 * ~/.local/state/...) holding
 *   requirements.txt  the env's freeze (native, so it works for a broken env)
 *   pyvenv.cfg        a copy of the env's own
 *   record.json       {"path", "name", "deleted" (ISO local time), "python_version",
 *                      "base_python", "copies", "system_site_packages", "prompt"
 *                      (or null), "without_pip", "size_bytes", "package_count"}
 * Written before anything is deleted; every file atomically. */
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
};

/* The folder records live in ($XDG_STATE_HOME or ~/.local/state, then
 * venvscope/deleted). NULL when neither XDG_STATE_HOME nor HOME is set.
 * Caller frees. */
char *act_records_dir(void);

/* Writes the record of `v` (deleted at `when`) and returns its folder in
 * *out_dir (caller frees). Fails (VS_EFAIL, with the path and reason) when
 * any part cannot be written: then no record folder is left behind. */
int act_record_write(char **out_dir, const struct venv *v, time_t when, struct vs_err *err);

/* Every record, newest first. Unreadable records are skipped. Returns the
 * count; *out is owned (act_records_free). */
size_t act_records_list(struct act_record **out);

/* One record, found by its folder (absolute or relative path), its folder
 * name in the records dir, or the path the env had (the newest record of
 * that path). Returns 0, or VS_EUSAGE saying what was not found. */
int act_record_find(struct act_record *out, const char *what, struct vs_err *err);

void act_record_clear(struct act_record *r);
void act_records_free(struct act_record *v, size_t n);

#endif
