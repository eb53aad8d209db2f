/* pyvenv.cfg, parsed the way CPython 3.11+ reads it (Modules/getpath.py and
 * site.py): lines end at "\n", "\r\n" or "\r"; each line is split at its
 * first '='; lines without '=' are ignored; key and value are trimmed as
 * str.strip() does (spaces, tabs, \r, and Unicode spaces); keys are compared
 * lower-cased. Every key is kept, in file order, duplicates included
 * (scan_cfg_get returns the last one, as CPython's dict would). A line that
 * holds a NUL byte is dropped (and `binary` set). */
#ifndef VS_SCAN_PYVENV_CFG_H
#define VS_SCAN_PYVENV_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../util/err.h"

/* The file is parsed up to this many bytes; longer files are flagged. */
#define SCAN_CFG_MAX_BYTES (64 * 1024)
/* A file larger than this is not read at all (refused, with a reason). */
#define SCAN_CFG_FILE_MAX (1024 * 1024)

struct scan_cfg_entry {
	char *key;   /* as written, trimmed (compare with strcasecmp) */
	char *value; /* trimmed; may be "" */
};

struct scan_cfg {
	struct scan_cfg_entry *items; /* owned */
	size_t n;
	bool truncated; /* file was longer than SCAN_CFG_MAX_BYTES */
	bool binary;    /* held NUL bytes or was not text */
};

/* Parses `len` bytes of `buf` (need not be NUL-terminated). Never fails
 * except for memory, which aborts; a binary or empty buffer gives a cfg with
 * the flag set and whatever lines could be read. */
struct scan_cfg *scan_cfg_parse(const char *buf, size_t len);

/* Reads `name` (normally "pyvenv.cfg") relative to the directory fd `dirfd`,
 * without following a symlink at the last component, without blocking on a
 * FIFO, refusing anything that is not a regular file or is larger than
 * SCAN_CFG_FILE_MAX (util/readfile.h), parsing at most SCAN_CFG_MAX_BYTES
 * (setting `truncated` when there was more; the line cut by the limit is
 * dropped).
 * Returns 0 and *out, or a negative code with a sentence in `err` that says
 * what is wrong with the file ("pyvenv.cfg: is a directory", "...: is a
 * FIFO, not a file", "...: is larger than 1 MiB, not read"). */
int scan_cfg_read_at(struct scan_cfg **out, int dirfd, const char *name, struct vs_err *err);

/* Last value of `key` (compared case-insensitively), or NULL. */
const char *scan_cfg_get(const struct scan_cfg *cfg, const char *key);

/* venv writes the prompt as Python's repr ('my env' or "it's"); returns the
 * prompt as the shell shows it (quotes removed, \\ \' \" \n \t and \xNN
 * escapes undone). A value that is not a quoted repr is returned as is.
 * Caller frees. */
char *scan_cfg_unquote_prompt(const char *value);

/* True for "true" (any case), as CPython's site.py compares. */
bool scan_cfg_is_true(const char *value);

/* Why a file of this type is not a pyvenv.cfg: "is a FIFO, not a file". */
const char *scan_cfg_type_reason(mode_t mode);

void scan_cfg_free(struct scan_cfg *cfg);

#endif
