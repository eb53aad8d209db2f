/* The CLI's consumer of the scan: drains every event to the end and hands
 * back the finished model. Warnings go to stderr as they arrive. */
#ifndef VS_CLI_COLLECT_H
#define VS_CLI_COLLECT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../scan/venv.h"
#include "options.h"

struct cli_result {
	struct venv **venvs; /* owned; n entries, no holes */
	size_t n;
	uint64_t warnings;
	time_t now; /* the reference time used for `stale` */
};

/* Scans the roots in `o` (or, when none, "." and every central place that
 * exists) to the end. Returns 0, or a negative code with `err` set (a bad
 * root is VS_EUSAGE). */
int cli_collect(struct cli_result *out, const struct cli_opts *o, struct vs_err *err);
/* Reads the one environment o->roots[0] (depth 0): VS_EUSAGE with a
 * sentence when it is not a folder holding a regular pyvenv.cfg. On success
 * out->n == 1. */
int cli_collect_env(struct cli_result *out, struct cli_opts *o, struct vs_err *err);
void cli_result_free(struct cli_result *r);

/* The user's home folder ($HOME), or NULL. */
const char *cli_home(void);

#endif
