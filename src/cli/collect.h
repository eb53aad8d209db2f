/* The CLI's consumer of the scan: drains every event to the end and hands
 * back the finished model. Warnings go to stderr as they arrive. */
#ifndef VS_CLI_COLLECT_H
#define VS_CLI_COLLECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../actions/open.h"
#include "../scan/scan.h"
#include "../scan/venv.h"
#include "options.h"

struct cli_result {
	struct venv **venvs; /* owned; n entries, no holes */
	size_t n;
	uint64_t warnings;
	struct scan_progress done; /* the scan's final counters */
	time_t now;                /* the reference time used for `stale` */
};

/* Runs the scan request in `o` to the end (its roots are the defaults
 * when the user gave none: cli_parse_opts with CLI_OPT_DEFAULT_ROOTS). Returns 0, or a negative code
 * with `err` set (a bad root is VS_EUSAGE). */
int cli_collect(struct cli_result *out, const struct cli_opts *o, struct vs_err *err);
/* The whole of a command that reports on the envs a scan finds, without
 * their sizes or git (dupes, pythons): parses argv (default roots; errors
 * as "venvscope CMD: ..." and exit 2), prints `usage` for --help, collects
 * the envs and hands them to `report`, which prints and returns an exit
 * code; a scan that was incomplete then says so on stderr and makes it 1.
 * Returns the exit code. */
int cli_report(int argc, char **argv, const char *cmd, const char *usage,
	       int (*report)(const struct cli_opts *o, const struct cli_result *r));
/* The options of act_open_env for a command on one ENV: everything a scan
 * learns with the default settings, warnings to stderr as cli_warn says. */
struct act_open_opts cli_open_opts(void);
/* Prints "venvscope: warning: MESSAGE" to stderr (an on_warning hook). */
void cli_warn(void *ctx, const char *message);
void cli_result_free(struct cli_result *r);

/* Asks `question` [y/N] on the terminal (stderr); true for y or Y. False
 * when stdin is not a terminal. */
bool cli_ask(const char *question);

/* The user's home folder ($HOME), or NULL. */
const char *cli_home(void);

#endif
