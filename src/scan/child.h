/* Running a helper program that only reads (an environment's own python,
 * to ask for sys.path or to run its pip): posix_spawn with an argv, never
 * a shell; output captured. */
#ifndef VS_SCAN_CHILD_H
#define VS_SCAN_CHILD_H

#include <stddef.h>

#include "../util/err.h"

struct scan_child_result {
	int exit_code; /* 0..255, or -1 when killed by a signal (see `signal`) */
	int signal;    /* the signal that ended it, or 0 */
	char *out;     /* stdout (owned, NUL-terminated; at most `max_bytes`) */
	size_t out_len;
	char *err;     /* stderr likewise */
	size_t err_len;
};

/* Runs argv[0] (a path; no PATH search) with `argv` (NULL-terminated) in
 * folder `cwd`, stdin from /dev/null, with this process's environment
 * minus every PIP_* variable. Collects stdout and stderr (each cut at
 * `max_bytes`); kills the child after `timeout_ms` (<= 0: no limit).
 * Returns 0 once the child has ended (whatever its exit code), or
 * VS_EFAIL with `err` set when it could not be started or timed out. */
int scan_child_run(struct scan_child_result *out, const char *const *argv, const char *cwd,
		   size_t max_bytes, int timeout_ms, struct vs_err *err);

void scan_child_result_clear(struct scan_child_result *r);

#endif
